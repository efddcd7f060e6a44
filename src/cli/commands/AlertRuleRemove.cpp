// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert rule rm --id N: DELETE /api/alerts/rules/N.
#include "AlertCommand.h"

namespace mist::cli {

namespace {

class AlertRuleRemove : public AlertCommand {
public:
    AlertRuleRemove()
        : AlertCommand(
              {QStringLiteral("alert"), QStringLiteral("rule"), QStringLiteral("rm")},
              {{QStringLiteral("id"), QStringLiteral("Rule to delete."), QStringLiteral("N")}}) {}

protected:
    std::optional<QString> optionsError(const QCommandLineParser &parser) const override {
        return idError(parser);
    }
    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const override {
        const qint64 n = id(parser);
        const auto removed =
            call(connection, "DELETE", QStringLiteral("/api/alerts/rules/%1").arg(n),
                 QStringLiteral("delete rule %1").arg(n));
        if (!removed)
            return report(io, removed.error());
        return confirm(io, QStringLiteral("deleted rule %1").arg(n));
    }
};

} // namespace

std::unique_ptr<Command> makeAlertRuleRemove() {
    return std::make_unique<AlertRuleRemove>();
}

} // namespace mist::cli
