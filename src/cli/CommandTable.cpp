// SPDX-License-Identifier: GPL-3.0-or-later

// The command table: one row per subcommand. Adding a command is one new file,
// src/cli/commands/<Name>.cpp, which defines make<Name>(), plus its
// declaration and its row below (docs/CLI.md).
#include "CommandTable.h"

namespace mist::cli {

// Each is defined in src/cli/commands/<Name>.cpp.
std::unique_ptr<Command> makeUserAdd();
std::unique_ptr<Command> makeUserList();
std::unique_ptr<Command> makeAppAdd();
std::unique_ptr<Command> makeAppList();
std::unique_ptr<Command> makeTokenCreate();
std::unique_ptr<Command> makeTokenList();
std::unique_ptr<Command> makeTokenRevoke();
std::unique_ptr<Command> makeProjectAddMember();
std::unique_ptr<Command> makeLogs();
std::unique_ptr<Command> makeMetrics();
std::unique_ptr<Command> makeStats();
std::unique_ptr<Command> makeDeployment();
std::unique_ptr<Command> makeDeploy();
std::unique_ptr<Command> makeAlertRuleAdd();
std::unique_ptr<Command> makeAlertRuleList();
std::unique_ptr<Command> makeAlertRuleRemove();
std::unique_ptr<Command> makeAlertChannelAdd();
std::unique_ptr<Command> makeAlertChannelList();
std::unique_ptr<Command> makeAlertChannelRemove();
std::unique_ptr<Command> makeAlertChannelTest();

const std::vector<std::unique_ptr<Command>> &commandTable() {
    static const std::vector<std::unique_ptr<Command>> table = [] {
        std::vector<std::unique_ptr<Command>> rows;
        for (auto make : {
                 // On the data directory (StoreCommand).
                 makeUserAdd,
                 makeUserList,
                 makeAppAdd,
                 makeAppList,
                 makeTokenCreate,
                 makeTokenList,
                 makeTokenRevoke,
                 makeProjectAddMember,
                 // Against a running server (ServerCommand).
                 makeLogs,
                 makeMetrics,
                 makeStats,
                 makeDeployment,
                 makeDeploy,
                 makeAlertRuleAdd,
                 makeAlertRuleList,
                 makeAlertRuleRemove,
                 makeAlertChannelAdd,
                 makeAlertChannelList,
                 makeAlertChannelRemove,
                 makeAlertChannelTest,
             })
            rows.push_back(make());
        return rows;
    }();
    return table;
}

} // namespace mist::cli
