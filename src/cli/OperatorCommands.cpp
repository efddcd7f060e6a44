// SPDX-License-Identifier: GPL-3.0-or-later

#include "OperatorCommands.h"

#include "Dispatch.h"

namespace mist::cli {

bool isOperatorCommand(const QString &firstArg) {
    return isCommand(firstArg, Command::Family::Store);
}

int runOperatorCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                       const QString &defaultDataDir) {
    return runFamilyCommand(Command::Family::Store, args, CommandIo{out, err, in, defaultDataDir},
                            QStringLiteral("unknown command \"%1\" (expected user, app or project)")
                                .arg(args.value(0)));
}

} // namespace mist::cli
