// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"

namespace mist::cli {

// The data-directory family (StoreCommand): user, app, project and token
// commands, which need no running server. Each command is its own file under
// commands/; this is the family's entry point for callers that run one of
// them in-process (tests). The program itself dispatches through
// runCommand() (Dispatch.h).

// True when the first word after the program name selects an operator
// subcommand ("user", "app", "project", "token").
bool isOperatorCommand(const QString &firstArg);

// Runs one operator subcommand against the data directory (--data-dir, else
// defaultDataDir). `args` are the words after the program name, for example
// {"user", "add", "--email", "a@b.c", "--role", "owner", "--password-stdin"}.
// Results that scripts consume go to `out`; confirmations and errors (one line,
// prefixed "mist-monitor: ") go to `err`; `in` supplies --password-stdin.
int runOperatorCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                       const QString &defaultDataDir);

} // namespace mist::cli
