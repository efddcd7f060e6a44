// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert channel rm --id N: DELETE /api/alerts/channels/N.
#include "AlertCommand.h"

namespace mist::cli {

namespace {

class AlertChannelRemove : public AlertCommand {
public:
    AlertChannelRemove()
        : AlertCommand(
              {QStringLiteral("alert"), QStringLiteral("channel"), QStringLiteral("rm")},
              {{QStringLiteral("id"), QStringLiteral("Channel to delete."), QStringLiteral("N")}}) {
    }

protected:
    std::optional<QString> optionsError(const QCommandLineParser &parser) const override {
        return idError(parser);
    }
    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const override {
        const qint64 n = id(parser);
        const auto removed =
            call(connection, "DELETE", QStringLiteral("/api/alerts/channels/%1").arg(n),
                 QStringLiteral("delete channel %1").arg(n));
        if (!removed)
            return report(io, removed.error());
        return confirm(io, QStringLiteral("deleted channel %1").arg(n));
    }
};

} // namespace

std::unique_ptr<Command> makeAlertChannelRemove() {
    return std::make_unique<AlertChannelRemove>();
}

} // namespace mist::cli
