#pragma once

#include "engine/ServiceLogDecoder.h"
#include "engine/SwarmState.h"

#include <QHash>
#include <QJsonObject>
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

// The viewers of one Docker Swarm service, sharing one engine stream: the
// manager's GET /services/{id}/logs, which merges the logs of every task on
// every node (docs/SCALING.md).
//
// On start it reads the tasks (and the nodes' names), then the last 100
// lines of each task, keeps the last 100 lines overall in time order, and
// follows from there; each `log` message carries, besides line, stream and
// ts, the task it came from (`task`: the task id, `slot`) and its node
// (`node`: the node id, `nodeName`). Every 2 s it reads the tasks again and,
// when the summary changed (a task died, its replacement started), sends a
// new `status` (engine::serviceStatus: state, "N/M tasks running", tasks).
// The replacement's lines arrive on the same stream without a reconnect: the
// engine's follow includes new tasks.
//
// Resume (`since`): the lines after it that the hub still holds (the last
// 5000 or 16 MiB); older ones are not read back from the engine.
class ServiceLogHub : public QObject {
    Q_OBJECT
public:
    static constexpr int TailLines = 100;
    static constexpr int BufferLines = 5000;
    static constexpr qsizetype BufferBytes = 16 * 1024 * 1024;
    static constexpr int TaskPollMs = 2000;

    // `service` is the engine's GET /services/{id} answer.
    ServiceLogHub(engine::DockerClient *docker, const QJsonObject &service,
                  QObject *parent = nullptr);
    ~ServiceLogHub() override;

    void subscribe(ClientConnection *client, std::optional<qint64> sinceNs);
    quint64 linesRelayed() const { return m_linesRelayed; }
    void setIdleGraceMs(int ms) { m_idleGrace.setInterval(ms); }

Q_SIGNALS:
    // The hub has ended (service gone, engine failure, idle); delete it later.
    void finished(mist::server::ServiceLogHub *hub);

private:
    struct Buffered {
        engine::ServiceLogLine line;
        qint64 tsNs = 0;
    };

    void readTasks(bool thenProbe);
    void onTasks(const engine::DockerReply &reply, bool thenProbe);
    void readNodes();
    void probe();
    void onProbe(const engine::DockerReply &reply);
    void follow();
    void onFollowData(const QByteArray &bytes);
    void onFollowFinished();
    void remember(const engine::ServiceLogLine &line, qint64 tsNs);
    void relay(const engine::ServiceLogLine &line, qint64 tsNs);
    QString messageFor(const engine::ServiceLogLine &line) const;
    void deliver(ClientConnection *client, std::optional<qint64> sinceNs);
    void removeSubscriber(ClientConnection *client);
    void finish(const QString &message, bool isError,
                QWebSocketProtocol::CloseCode code = QWebSocketProtocol::CloseCodeNormal);

    engine::DockerClient *m_docker;
    QJsonObject m_service;
    QString m_serviceId;
    bool m_tty = false;

    enum class Phase { Starting, Following, Done };
    Phase m_phase = Phase::Starting;
    QList<QPointer<ClientConnection>> m_subscribers;
    QHash<ClientConnection *, std::optional<qint64>> m_waiting;

    QJsonObject m_status;
    QString m_statusMessage;
    QHash<QString, engine::TaskPlace> m_places;
    QHash<QString, QString> m_nodeNames;
    int m_polls = 0;
    bool m_tasksInFlight = false;
    QSet<QString> m_askedAbout; // unknown tasks a listing was asked for

    std::deque<Buffered> m_buffer;
    qsizetype m_bufferBytes = 0;
    QPointer<engine::DockerStream> m_stream;
    engine::ServiceLogDecoder m_decoder;
    // Lines the probe gave that the follow (since= is inclusive) repeats.
    QSet<QString> m_alreadyHave;
    qint64 m_alreadyHaveUntilNs = 0;
    qint64 m_lastTsNs = 0;
    int m_restarts = 0;
    quint64 m_linesRelayed = 0;

    QTimer m_taskTimer;
    QTimer m_idleGrace;
};

} // namespace mist::server
