// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert channel test --id N: POST /api/alerts/channels/N/test,
// which sends one test message and answers when it is done.
#include "AlertCommand.h"

namespace mist::cli {

namespace {

class AlertChannelTest : public AlertIdCommand {
public:
    AlertChannelTest()
        : AlertIdCommand(
              {QStringLiteral("alert"), QStringLiteral("channel"), QStringLiteral("test")},
              QStringLiteral("Channel to send a test message to."),
              {"POST", QStringLiteral("/api/alerts/channels/%1/test"),
               QStringLiteral("test channel %1"),
               QStringLiteral("test message delivered to channel %1")}) {}
};

} // namespace

std::unique_ptr<Command> makeAlertChannelTest() {
    return std::make_unique<AlertChannelTest>();
}

} // namespace mist::cli
