#pragma once

#include "engine/LogStreamDecoder.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <QWebSocketProtocol>

#include <deque>
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
class ContainerLogHub : public QObject {
    Q_OBJECT
public:
    static constexpr int TailLines = 100;
    // The shared buffer keeps more than the tail, so a client that
    // reconnects with since= usually resumes from memory, not the engine.
    static constexpr int BufferLines = 5000;
    static constexpr qsizetype BufferBytes = 16 * 1024 * 1024;

    ContainerLogHub(engine::DockerClient *docker, const QString &containerId, bool tty,
                    QObject *parent = nullptr);
    ~ContainerLogHub() override;

    // Without `sinceNs`: the last 100 lines, then live. With it: exactly the
    // lines after that engine timestamp (from the buffer, or from the engine
    // when the gap reaches further back), then live.
    void subscribe(ClientConnection *client, std::optional<qint64> sinceNs = std::nullopt);
    int subscriberCount() const { return int(m_subscribers.size()); }
    QString containerId() const { return m_containerId; }
    quint64 linesRelayed() const { return m_linesRelayed; }
    // How long the hub stays open after its last viewer left, so a quick
    // reconnect finds its buffer warm.
    void setIdleGraceMs(int ms) { m_idleGrace.setInterval(ms); }

Q_SIGNALS:
    // The hub is done (container stopped, engine gone, or idle): the owner deletes it.
    void finished(mist::server::ContainerLogHub *hub);

private:
    struct BufferedLine {
        engine::LogLine line;
        qint64 tsNs = 0;
    };
    enum class Phase { Probing, Following, Done };

    void probe(int entries);
    void onProbeReply(int entries, const engine::DockerReply &reply);
    void follow();
    void onFollowData(const QByteArray &bytes);
    void onFollowFinished(const engine::DockerReply &reply);
    void onInspected(const engine::DockerReply &reply);
    void deliver(ClientConnection *client, std::optional<qint64> sinceNs);
    void deliverTail(ClientConnection *client);
    void backfill(ClientConnection *client, qint64 sinceNs);
    void sendBufferedAfter(ClientConnection *client, qint64 afterNs);
    void remember(const engine::LogLine &line, qint64 tsNs);
    void relay(const engine::LogLine &line, qint64 tsNs);
    void finish(const QString &finalMessage, bool isError,
                std::optional<QWebSocketProtocol::CloseCode> closeCode = std::nullopt);
    void removeSubscriber(ClientConnection *client);

    engine::DockerClient *m_docker;
    QString m_containerId;
    bool m_tty;
    Phase m_phase = Phase::Probing;
    QList<QPointer<ClientConnection>> m_subscribers;
    // Subscribers that joined before the tail was known, with their since.
    QHash<ClientConnection *, std::optional<qint64>> m_waiting;
    // Subscribers catching up from the engine; live lines reach them from
    // the buffer once they are done.
    QSet<ClientConnection *> m_backfilling;
    qsizetype m_bufferBytes = 0;
    std::deque<BufferedLine> m_buffer;
    engine::LogStreamDecoder m_decoder;
    QPointer<engine::DockerStream> m_stream;
    // Lines the follow stream repeats because `since=` is inclusive.
    QSet<QPair<qint64, QString>> m_alreadyHave;
    qint64 m_alreadyHaveUntilNs = 0;
    qint64 m_resumeFromNs = 0;
    int m_restarts = 0;
    bool m_recheckedStop = false;
    quint64 m_linesRelayed = 0;
    QTimer m_idleGrace;
};

} // namespace mist::server
