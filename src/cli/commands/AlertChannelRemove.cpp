// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert channel rm --id N: DELETE /api/alerts/channels/N.
#include "AlertCommand.h"

namespace mist::cli {

namespace {

class AlertChannelRemove : public AlertIdCommand {
public:
    AlertChannelRemove()
        : AlertIdCommand({QStringLiteral("alert"), QStringLiteral("channel"), QStringLiteral("rm")},
                         QStringLiteral("Channel to delete."),
                         {"DELETE", QStringLiteral("/api/alerts/channels/%1"),
                          QStringLiteral("delete channel %1"),
                          QStringLiteral("deleted channel %1")}) {}
};

} // namespace

std::unique_ptr<Command> makeAlertChannelRemove() {
    return std::make_unique<AlertChannelRemove>();
}

} // namespace mist::cli
