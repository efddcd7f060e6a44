// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert channel test --id N: POST /api/alerts/channels/N/test,
// which sends one test message and answers when it is done.
#include "AlertCommand.h"

namespace mist::cli {

namespace {

class AlertChannelTest : public AlertCommand {
public:
    AlertChannelTest()
        : AlertCommand({QStringLiteral("alert"), QStringLiteral("channel"), QStringLiteral("test")},
                       {{QStringLiteral("id"), QStringLiteral("Channel to send a test message to."),
                         QStringLiteral("N")}}) {}

protected:
    std::optional<QString> optionsError(const QCommandLineParser &parser) const override {
        return idError(parser);
    }
    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const override {
        const qint64 n = id(parser);
        const auto sent =
            call(connection, "POST", QStringLiteral("/api/alerts/channels/%1/test").arg(n),
                 QStringLiteral("test channel %1").arg(n));
        if (!sent)
            return report(io, sent.error());
        return confirm(io, QStringLiteral("test message delivered to channel %1").arg(n));
    }
};

} // namespace

std::unique_ptr<Command> makeAlertChannelTest() {
    return std::make_unique<AlertChannelTest>();
}

} // namespace mist::cli
