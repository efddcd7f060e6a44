// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor user list: id, email and role of every user, tab-separated.
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

class UserList : public StoreCommand {
public:
    UserList()
        : StoreCommand({QStringLiteral("user"), QStringLiteral("list")},
                       QStringLiteral("user list [--data-dir DIR]"), {dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto users = (*store)->users().all();
        if (!users)
            return failed(io, users.error());
        for (const store::User &user : *users)
            io.out << user.id << '\t' << user.email << '\t' << store::roleName(user.role) << '\n';
        return ExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeUserList() {
    return std::make_unique<UserList>();
}

} // namespace mist::cli
