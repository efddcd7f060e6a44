// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor token revoke --email E --name N
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

class TokenRevoke : public StoreCommand {
public:
    TokenRevoke()
        : StoreCommand({QStringLiteral("token"), QStringLiteral("revoke")},
                       QStringLiteral("token revoke --email E --name N [--data-dir DIR]"),
                       {emailOption(),
                        QCommandLineOption(QStringLiteral("name"), QStringLiteral("Token name."),
                                           QStringLiteral("N")),
                        dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        if (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("name")))
            return usageError(io, QStringLiteral("token revoke needs --email and --name"));
        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto user = userNamedByEmail(**store, parser);
        if (!user)
            return report(io, user.error());
        const QString name = parser.value(QStringLiteral("name"));
        if (const auto revoked = (*store)->apiTokens().revoke(user->id, name); !revoked)
            return failed(io, revoked.error());
        return confirm(io, QStringLiteral("token %1 of %2 revoked").arg(name, user->email));
    }
};

} // namespace

std::unique_ptr<Command> makeTokenRevoke() {
    return std::make_unique<TokenRevoke>();
}

} // namespace mist::cli
