// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"

namespace mist::cli {

// True when `firstArg`, the first word after the program name, selects a
// command of the table (CommandTable.cpp); the second form within one family.
bool isCommand(const QString &firstArg);
bool isCommand(const QString &firstArg, Command::Family family);

// Runs the command that `args` (the words after the program name) select, for
// example {"user", "add", "--email", "a@b.c", ...} or {"logs", "--app", "3"}.
// `io.in` is standard input, opened by the caller; the data-directory
// commands refuse to run when it could not be.
int runCommand(const QStringList &args, const CommandIo &io);

// The same within one family. `unknownCommand` is the error for a first word
// that names none of its groups. A group word without a known subcommand is a
// usage error that lists the group's commands; "GROUP --help" (or -h, help)
// prints each one's synopsis.
int runFamilyCommand(Command::Family family, const QStringList &args, const CommandIo &io,
                     const QString &unknownCommand);

} // namespace mist::cli
