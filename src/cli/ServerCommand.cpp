// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServerCommand.h"

namespace mist::cli {

int ServerCommand::run(const QStringList &args, const CommandIo &io) const {
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions(options());
    if (!parser.parse(QStringList{QStringLiteral("mist-monitor ") + name()} + args))
        return usageError(io, parser.errorText());
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        io.out << parser.helpText();
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            io,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (const auto error = optionsError(parser))
        return usageError(io, *error);

    auto connection = Connection::open(parser, io, name(), servers());
    if (!connection)
        return report(io, connection.error());
    int code = execute(parser, **connection, io);
    if ((*connection)->someRefused() && code == ExitOk)
        code = ExitFailure;
    io.out.flush();
    return code; // the connection signs out here
}

} // namespace mist::cli
