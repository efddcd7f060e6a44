// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor deploy --app N: queues a deployment of the app (POST
// /api/deployments) and follows it to its end. One server only.
#include "DeploymentView.h"
#include "StreamCommand.h"

#include <QJsonObject>

namespace mist::cli {

namespace {

const QString kApp = QStringLiteral("app");

class Deploy : public StreamCommand {
public:
    Deploy()
        : StreamCommand({QStringLiteral("deploy")}, QStringLiteral("Stop after N log lines.")) {}

protected:
    Connection::Servers servers() const override { return Connection::Servers::One; }
    QList<QCommandLineOption> ownOptions() const override {
        return {{kApp, QStringLiteral("App to deploy."), QStringLiteral("N")}};
    }
    std::optional<QString> ownOptionsError(const QCommandLineParser &parser) const override {
        return idError(parser, kApp);
    }
    Result<Stream> start(const QCommandLineParser &parser, Connection &connection,
                         const CommandIo &io) const override {
        const qint64 app = idValue(parser, kApp);
        const client::ServerSession::Reply r =
            Connection::call(connection.firstSession(), "POST", QStringLiteral("/api/deployments"),
                             QJsonObject{{QStringLiteral("appId"), double(app)}});
        if (!r.ok())
            return failure(ExitFailure,
                           QStringLiteral("cannot deploy app %1: %2").arg(app).arg(r.error));
        const qint64 id = qint64(r.data[u"id"].toDouble());
        io.err << "mist-monitor: deployment " << id << " queued\n";
        io.err.flush();
        return Stream{QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                      [id](const HostOutput &output) {
                          return std::make_unique<DeploymentView>(output, id);
                      }};
    }
};

} // namespace

std::unique_ptr<Command> makeDeploy() {
    return std::make_unique<Deploy>();
}

} // namespace mist::cli
