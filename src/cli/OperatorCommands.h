#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace mist::cli {

// Exit codes of the operator subcommands. Usage: the command as written can
// never succeed (bad or missing option, bad value, no password given).
// Failure: it could, but not here and now (duplicate, database, file system).
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

// True when the first word after the program name selects an operator
// subcommand ("user", "app", "project").
bool isOperatorCommand(const QString &firstArg);

// Runs one operator subcommand against the data directory (--data-dir, else
// defaultDataDir). `args` are the words after the program name, for example
// {"user", "add", "--email", "a@b.c", "--role", "owner", "--password-stdin"}.
// Results that scripts consume go to `out`; confirmations and errors (one line,
// prefixed "mist-monitor: ") go to `err`; `in` supplies --password-stdin.
int runOperatorCommand(const QStringList &args, QTextStream &out, QTextStream &err, QIODevice &in,
                       const QString &defaultDataDir);

} // namespace mist::cli
