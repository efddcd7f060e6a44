// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogHub.h"
#include "engine/EngineApi.h"
#include "engine/ServiceLogDecoder.h"
#include "engine/SwarmState.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <optional>

namespace mist::engine {
class DockerClient;
class DockerStream;
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
// 5000 or 16 MiB); older ones are not read back from the engine. The tail or
// those lines go out a piece at a time, each when the viewer's queue has
// room; lines that leave the buffer before a slow viewer got them are
// counted in an `error` message, not skipped silently.
class ServiceLogHub : public LogHub {
    Q_OBJECT
public:
    static constexpr int TaskPollMs = 2000;

    // `service` as the engine's GET /services/{id} tells it.
    ServiceLogHub(engine::DockerClient *docker, const engine::SwarmService &service,
                  QObject *parent = nullptr);
    ~ServiceLogHub() override;

protected:
    void deliver(ClientConnection *client, std::optional<qint64> sinceNs) override;
    bool isCatchingUp(ClientConnection *client) const override {
        return m_catchingUp.contains(client);
    }
    void forget(ClientConnection *client) override { m_catchingUp.remove(client); }
    void stop() override { finish(QString(), false); }

private:
    void readTasks(bool thenProbe);
    void onTasks(const engine::EngineResult<QList<engine::SwarmTask>> &answer, bool thenProbe);
    void readNodes();
    void probe();
    void onProbe(const engine::EngineResult<QByteArray> &logs);
    void follow();
    void onFollowData(const QByteArray &bytes);
    void onFollowFinished();
    void relay(const engine::ServiceLogLine &line, qint64 tsNs);
    void pump(ClientConnection *client);
    QString messageFor(const engine::ServiceLogLine &line) const;
    // What the follow (since= is inclusive) repeats of the buffer's last instant.
    void expectRepeatsOfLastInstant();
    void finish(const QString &message, bool isError,
                std::optional<QWebSocketProtocol::CloseCode> code = std::nullopt);

    engine::DockerClient *m_docker;
    engine::SwarmService m_service;
    QString m_serviceId;
    bool m_tty = false;

    QJsonObject m_status;
    QString m_statusMessage;
    QHash<QString, engine::TaskPlace> m_places;
    QHash<QString, QString> m_nodeNames;
    int m_polls = 0;
    bool m_tasksInFlight = false;
    QSet<QString> m_askedAbout; // unknown tasks a listing was asked for

    LineBuffer<engine::ServiceLogLine> m_buffer;
    QPointer<engine::DockerStream> m_stream;
    engine::ServiceLogDecoder m_decoder;
    // Lines the probe gave that the follow (since= is inclusive) repeats.
    QSet<QString> m_alreadyHave;
    qint64 m_alreadyHaveUntilNs = 0;
    qint64 m_lastTsNs = 0;
    int m_restarts = 0;

    QTimer m_taskTimer;

    // Viewers being sent the buffer; live lines reach them once they are done.
    struct CatchUp {
        quint64 nextSerial = 0;
        std::optional<qint64> sinceNs;
        QString statusSent;
    };
    QHash<ClientConnection *, CatchUp> m_catchingUp;
};

} // namespace mist::server
