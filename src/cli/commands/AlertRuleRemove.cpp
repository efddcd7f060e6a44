// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert rule rm --id N: DELETE /api/alerts/rules/N.
#include "AlertCommand.h"

namespace mist::cli {

namespace {

class AlertRuleRemove : public AlertIdCommand {
public:
    AlertRuleRemove()
        : AlertIdCommand({QStringLiteral("alert"), QStringLiteral("rule"), QStringLiteral("rm")},
                         QStringLiteral("Rule to delete."),
                         {"DELETE", QStringLiteral("/api/alerts/rules/%1"),
                          QStringLiteral("delete rule %1"), QStringLiteral("deleted rule %1")}) {}
};

} // namespace

std::unique_ptr<Command> makeAlertRuleRemove() {
    return std::make_unique<AlertRuleRemove>();
}

} // namespace mist::cli
