// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor deployment --id N: follows an existing deployment to its end.
#include "DeploymentView.h"
#include "StreamCommand.h"

namespace mist::cli {

namespace {

const QString kId = QStringLiteral("id");

class Deployment : public StreamCommand {
public:
    Deployment()
        : StreamCommand({QStringLiteral("deployment")}, QStringLiteral("Stop after N log lines.")) {
    }

protected:
    QList<QCommandLineOption> ownOptions() const override {
        return {{kId, QStringLiteral("Deployment to follow."), QStringLiteral("N")}};
    }
    std::optional<QString> ownOptionsError(const QCommandLineParser &parser) const override {
        return idError(parser, kId);
    }
    Result<Stream> start(const QCommandLineParser &parser, Connection &,
                         const CommandIo &) const override {
        const qint64 id = idValue(parser, kId);
        return Stream{QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id),
                      [id](const HostOutput &output) {
                          return std::make_unique<DeploymentView>(output, id);
                      }};
    }
};

} // namespace

std::unique_ptr<Command> makeDeployment() {
    return std::make_unique<Deployment>();
}

} // namespace mist::cli
