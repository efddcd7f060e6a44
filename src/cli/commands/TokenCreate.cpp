// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor token create --email E --name N [--days D]: an API token for
// scripts, printed once on stdout (the database keeps only its hash).
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

class TokenCreate : public StoreCommand {
public:
    TokenCreate()
        : StoreCommand(
              {QStringLiteral("token"), QStringLiteral("create")},
              QStringLiteral("token create --email E --name N [--days D] [--data-dir DIR]"),
              {emailOption(),
               QCommandLineOption(QStringLiteral("name"), QStringLiteral("Token name."),
                                  QStringLiteral("N")),
               QCommandLineOption(QStringLiteral("days"),
                                  QStringLiteral("Lifetime in days (default 90)."),
                                  QStringLiteral("D")),
               dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        if (!parser.isSet(QStringLiteral("email")) || !parser.isSet(QStringLiteral("name")))
            return usageError(io, QStringLiteral("token create needs --email and --name"));
        int days = 90;
        if (parser.isSet(QStringLiteral("days"))) {
            bool ok = false;
            days = parser.value(QStringLiteral("days")).toInt(&ok);
            if (!ok || days < 1 || days > 3650)
                return usageError(io, QStringLiteral("--days wants a whole number from 1 to 3650"));
        }
        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto user = userNamedByEmail(**store, parser);
        if (!user)
            return report(io, user.error());
        const QString name = parser.value(QStringLiteral("name"));
        const auto token = (*store)->apiTokens().create(user->id, name, days);
        if (!token)
            return failed(io, token.error());
        // Shown once, on stdout only; the database keeps just its hash.
        io.out << *token << '\n';
        return confirm(io, QStringLiteral("token %1 for %2 valid for %3 days; send it as "
                                          "'Authorization: Bearer TOKEN'")
                               .arg(name, user->email)
                               .arg(days));
    }
};

} // namespace

std::unique_ptr<Command> makeTokenCreate() {
    return std::make_unique<TokenCreate>();
}

} // namespace mist::cli
