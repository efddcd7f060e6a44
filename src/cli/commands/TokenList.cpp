// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor token list: owner, name, created, expires and last used of
// every API token, tab-separated (never the token itself).
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

class TokenList : public StoreCommand {
public:
    TokenList()
        : StoreCommand({QStringLiteral("token"), QStringLiteral("list")},
                       QStringLiteral("token list [--data-dir DIR]"), {dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto tokens = (*store)->apiTokens().all();
        if (!tokens)
            return failed(io, tokens.error());
        for (const store::ApiToken &t : *tokens)
            io.out << t.email << '\t' << t.name << '\t' << t.createdAt.toString(Qt::ISODate) << '\t'
                   << t.expiresAt.toString(Qt::ISODate) << '\t'
                   << t.lastUsedAt.toString(Qt::ISODate) << '\n';
        return ExitOk;
    }
};

} // namespace

std::unique_ptr<Command> makeTokenList() {
    return std::make_unique<TokenList>();
}

} // namespace mist::cli
