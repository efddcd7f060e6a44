// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogHub.h"
#include "engine/EngineApi.h"
#include "engine/LogStreamDecoder.h"

#include <QPointer>
#include <QSet>

#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>

namespace mist::engine {
class DockerClient;
class DockerStream;
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
//
// Catching up: a new viewer's tail, and a resuming viewer's lines since its
// `since`, go out a piece at a time, each only when the viewer's queue has
// room. What the buffer still holds comes from the buffer; what is older (or
// left the buffer while the viewer was slow) is streamed from the engine's
// own log (`since=` the last line the viewer has, no reply held whole, the
// engine stream paused while the viewer has no room) until the viewer
// reaches what the buffer holds. Live lines reach a viewer once it has
// caught up.
class ContainerLogHub : public LogHub {
    Q_OBJECT
public:
    ContainerLogHub(engine::DockerClient *docker, const QString &containerId, bool tty,
                    QObject *parent = nullptr);
    ~ContainerLogHub() override;

    QString containerId() const { return m_containerId; }
    // Also gets the lines the hub reads at start-up and then every line
    // relayed live (the log archive's ingest); viewers' catch-up reads are
    // not passed. Set it before the hub's first event-loop turn.
    using LineSink = std::function<void(const engine::LogLine &line, qint64 tsNs)>;
    void setLineSink(LineSink sink) { m_lineSink = std::move(sink); }

Q_SIGNALS:
    // The sink has every line from `ns` on (0: the whole log): what lies
    // before it is for someone else to read (ArchiveBackfill).
    void sinkStartsAt(qint64 ns);

protected:
    // With `sinceNs`: exactly the lines after that engine timestamp (from the
    // buffer, or from the engine when the gap reaches further back).
    void deliver(ClientConnection *client, std::optional<qint64> sinceNs) override;
    bool isCatchingUp(ClientConnection *client) const override;
    void forget(ClientConnection *client) override;
    void stop() override { finish(QString(), false); }

private:
    void probe(int entries);
    void onProbeReply(int entries, const engine::EngineResult<QByteArray> &logs);
    void follow();
    void onFollowData(const QByteArray &bytes);
    void onFollowFinished();
    void onInspected(const engine::EngineResult<engine::ContainerState> &inspected);
    // One viewer being sent older lines.
    struct CatchUp {
        qint64 cursorNs = 0; // ts of the last line the viewer has (or its since)
        bool fromBuffer = false;
        quint64 nextSerial = 0; // in m_buffer, while fromBuffer
        // While reading the engine's log:
        QPointer<engine::DockerStream> stream;
        engine::LogStreamDecoder decoder{engine::LogStreamDecoder::Mode::Multiplexed};
        std::deque<std::pair<engine::LogLine, qint64>> pending;
        bool streamDone = false;
        bool progressed = false; // the stream brought a line after the cursor
        int fruitlessStreams = 0;
    };
    bool bufferCovers(qint64 ns) const;
    void readFromBuffer(CatchUp &c);
    void readFromEngine(ClientConnection *client, CatchUp &c);
    void pump(ClientConnection *client);
    // Tells the viewer that the lines up to the buffer are gone from the
    // engine's log and goes on from the buffer; false when the viewer was dropped.
    bool skipRotatedGap(ClientConnection *client, CatchUp &c);
    void dropCatchUp(ClientConnection *client);
    void onCatchUpData(ClientConnection *client, const QByteArray &bytes);
    void onCatchUpFinished(ClientConnection *client, const engine::EngineResult<void> &ended);
    void relay(const engine::LogLine &line, qint64 tsNs);
    void finish(const QString &finalMessage, bool isError,
                std::optional<QWebSocketProtocol::CloseCode> closeCode = std::nullopt);

    engine::DockerClient *m_docker;
    QString m_containerId;
    bool m_tty;
    // Viewers being sent older lines; live lines reach them once they are done.
    std::unordered_map<ClientConnection *, CatchUp> m_catchingUp;
    LineBuffer<engine::LogLine> m_buffer;
    engine::LogStreamDecoder m_decoder;
    QPointer<engine::DockerStream> m_stream;
    // Lines the follow stream repeats because `since=` is inclusive.
    QSet<QPair<qint64, QString>> m_alreadyHave;
    qint64 m_alreadyHaveUntilNs = 0;
    qint64 m_resumeFromNs = 0;
    // Streams the engine ended while the same run of the container went on (State.StartedAt
    // unchanged): past MaxStreamRestarts the engine is at fault. A container that restarted
    // (a crash loop, docker restart) is followed again without counting.
    int m_restarts = 0;
    QString m_startedAt;
    bool m_recheckedStop = false;
    LineSink m_lineSink;
};

} // namespace mist::server
