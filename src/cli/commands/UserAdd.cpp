// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor user add --email E --role owner|admin|user --password-stdin
#include "StoreCommand.h"
#include "store/Store.h"

namespace mist::cli {

namespace {

using store::Store;

// Longer than any acceptable password, so an overlong one is still seen as
// such instead of being silently cut to a valid length.
constexpr qint64 kPasswordReadLimit = 64 * 1024;

// The first line of `in`, without its line ending; empty when there is none.
QByteArray readPassword(QIODevice &in) {
    if (!in.isReadable())
        return {};
    QByteArray line = in.readLine(kPasswordReadLimit);
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

class UserAdd : public StoreCommand {
public:
    UserAdd()
        : StoreCommand(
              {QStringLiteral("user"), QStringLiteral("add")},
              QStringLiteral("user add --email E --role owner|admin|user "
                             "--password-stdin [--data-dir DIR]"),
              {emailOption(),
               QCommandLineOption(QStringLiteral("role"), QStringLiteral("owner, admin or user."),
                                  QStringLiteral("ROLE")),
               QCommandLineOption(QStringLiteral("password-stdin"),
                                  QStringLiteral("Read the password from standard input.")),
               dataDirOption()}) {}

protected:
    int execute(const QCommandLineParser &parser, const CommandIo &io) const override {
        if (!parser.isSet(QStringLiteral("email")))
            return usageError(io, QStringLiteral("missing --email"));
        if (!parser.isSet(QStringLiteral("role")))
            return usageError(io, QStringLiteral("missing --role (owner, admin or user)"));
        // Never as an argument: command lines are visible to every local user.
        if (!parser.isSet(QStringLiteral("password-stdin")))
            return usageError(io,
                              QStringLiteral("missing --password-stdin (the password is read from "
                                             "standard input, never from the command line)"));
        const QString roleText = parser.value(QStringLiteral("role"));
        const auto role = store::parseRole(roleText);
        if (!role)
            return usageError(io,
                              QStringLiteral("invalid role \"%1\" (expected owner, admin or user)")
                                  .arg(roleText));
        const auto email = store::normalizeEmail(parser.value(QStringLiteral("email")));
        if (!email)
            return usageError(io, email.error());
        const QByteArray password = readPassword(io.in);
        if (password.isEmpty())
            return usageError(io, QStringLiteral("no password on standard input "
                                                 "(--password-stdin reads its first line)"));
        if (const auto valid = store::validatePassword(password); !valid)
            return usageError(io, valid.error());

        auto store = openStore(parser, io);
        if (!store)
            return report(io, store.error());
        const auto user = (*store)->users().add(*email, *role, password);
        if (!user)
            return failed(io, user.error());
        return confirm(io, QStringLiteral("added %1 %2 (id %3)")
                               .arg(store::roleName(user->role), user->email)
                               .arg(user->id));
    }
};

} // namespace

std::unique_ptr<Command> makeUserAdd() {
    return std::make_unique<UserAdd>();
}

} // namespace mist::cli
