#pragma once

#include "LogHub.h"
#include "engine/LogStreamDecoder.h"

#include <QPointer>
#include <QSet>

#include <optional>

namespace mist::engine {
class DockerClient;
class DockerStream;
struct DockerReply;
} // namespace mist::engine

namespace mist::server {

class ClientConnection;

// All viewers of one container share one ContainerLogHub, and the hub holds
// exactly one follow-mode log stream against the engine, however many viewers
// there are. Each line is serialised once and the same message goes to every
// viewer; a new viewer gets the last 100 whole lines from the hub's own buffer
// without another engine stream.
//
// Start-up: the engine's `tail=N` counts log entries, not lines (a long line is
// stored as several 16 KiB entries), so the hub first reads a non-follow tail,
// growing N until it holds 100 whole lines, and then follows from the first
// not-yet-complete entry with `since=`, skipping lines it already has.
class ContainerLogHub : public LogHub {
    Q_OBJECT
public:
    ContainerLogHub(engine::DockerClient *docker, const QString &containerId, bool tty,
                    QObject *parent = nullptr);
    ~ContainerLogHub() override;

    QString containerId() const { return m_containerId; }

protected:
    // With `sinceNs`: exactly the lines after that engine timestamp (from the
    // buffer, or from the engine when the gap reaches further back).
    void deliver(ClientConnection *client, std::optional<qint64> sinceNs) override;
    bool isCatchingUp(ClientConnection *client) const override;
    void forget(ClientConnection *client) override;
    void stop() override { finish(QString(), false); }

private:
    void probe(int entries);
    void onProbeReply(int entries, const engine::DockerReply &reply);
    void follow();
    void onFollowData(const QByteArray &bytes);
    void onFollowFinished(const engine::DockerReply &reply);
    void onInspected(const engine::DockerReply &reply);
    void deliverTail(ClientConnection *client);
    void backfill(ClientConnection *client, qint64 sinceNs);
    void sendBufferedAfter(ClientConnection *client, qint64 afterNs);
    void relay(const engine::LogLine &line, qint64 tsNs);
    void finish(const QString &finalMessage, bool isError,
                std::optional<QWebSocketProtocol::CloseCode> closeCode = std::nullopt);

    engine::DockerClient *m_docker;
    QString m_containerId;
    bool m_tty;
    // Subscribers catching up from the engine; live lines reach them from
    // the buffer once they are done.
    QSet<ClientConnection *> m_backfilling;
    LineBuffer<engine::LogLine> m_buffer;
    engine::LogStreamDecoder m_decoder;
    QPointer<engine::DockerStream> m_stream;
    // Lines the follow stream repeats because `since=` is inclusive.
    QSet<QPair<qint64, QString>> m_alreadyHave;
    qint64 m_alreadyHaveUntilNs = 0;
    qint64 m_resumeFromNs = 0;
    int m_restarts = 0;
    bool m_recheckedStop = false;
};

} // namespace mist::server
