// SPDX-License-Identifier: GPL-3.0-or-later

#include "StoreCommand.h"

#include "store/Store.h"

#include <algorithm>

namespace mist::cli {

namespace {

const QString kHelp = QStringLiteral("help");

// QCommandLineParser accepts repeated options and empty values; in an
// operator's script either is a mistake, so both are refused here.
std::optional<QString> parseStrictly(QCommandLineParser &parser, const QString &name,
                                     const QList<QCommandLineOption> &options,
                                     const QStringList &args) {
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions(options);
    parser.addOption(QCommandLineOption(kHelp, QStringLiteral("Show usage.")));
    if (!parser.parse(QStringList{name} + args))
        return parser.errorText();
    if (!parser.positionalArguments().isEmpty())
        return QStringLiteral("unexpected argument \"%1\"")
            .arg(parser.positionalArguments().first());
    const QStringList given = parser.optionNames();
    for (const QString &option : given) {
        if (given.count(option) > 1)
            return QStringLiteral("--%1 given more than once").arg(option);
        const bool takesValue =
            std::any_of(options.cbegin(), options.cend(), [&](const QCommandLineOption &o) {
                return o.names().contains(option) && !o.valueName().isEmpty();
            });
        if (takesValue && parser.value(option).isEmpty())
            return QStringLiteral("--%1 needs a non-empty value").arg(option);
    }
    return std::nullopt;
}

} // namespace

StoreCommand::StoreCommand(QStringList words, QString synopsis, QList<QCommandLineOption> options)
    : Command(std::move(words))
    , m_synopsis(std::move(synopsis))
    , m_options(std::move(options)) {}

int StoreCommand::run(const QStringList &args, const CommandIo &io) const {
    QCommandLineParser parser;
    if (const auto error = parseStrictly(parser, name(), m_options, args))
        return usageError(io, *error);
    if (parser.isSet(kHelp)) {
        io.out << "Usage: mist-monitor " << m_synopsis << '\n';
        return ExitOk;
    }
    return execute(parser, io);
}

QCommandLineOption StoreCommand::dataDirOption() {
    return QCommandLineOption(QStringLiteral("data-dir"), QStringLiteral("Data directory."),
                              QStringLiteral("DIR"));
}

QCommandLineOption StoreCommand::emailOption() {
    return QCommandLineOption(QStringLiteral("email"), QStringLiteral("The user's email address."),
                              QStringLiteral("E"));
}

Result<std::unique_ptr<store::Store>> StoreCommand::openStore(const QCommandLineParser &parser,
                                                              const CommandIo &io) {
    const QString dataDir = parser.isSet(QStringLiteral("data-dir"))
                                ? parser.value(QStringLiteral("data-dir"))
                                : io.defaultDataDir;
    if (dataDir.isEmpty())
        return usageFailure(QStringLiteral("no data directory: give --data-dir DIR"));
    auto store = std::make_unique<store::Store>();
    if (const Expected<void> opened = store->open(dataDir); !opened)
        return failure(ExitFailure, opened.error());
    return {std::move(store)};
}

Result<store::User> StoreCommand::userNamedByEmail(store::Store &store,
                                                   const QCommandLineParser &parser) {
    const auto email = store::normalizeEmail(parser.value(QStringLiteral("email")));
    if (!email)
        return usageFailure(email.error());
    auto user = store::orLogged(store.users().byEmail(*email));
    if (!user)
        return failure(ExitFailure, QStringLiteral("no user %1").arg(*email));
    return {std::move(*user)};
}

} // namespace mist::cli
