// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QCommandLineOption>
#include <QIODevice>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <optional>
#include <utility>

namespace mist::cli {

// Exit codes of every subcommand. Usage: the command as written can never
// succeed (bad or missing option, bad value, no password given). Failure: it
// could, but not here and now (duplicate, database, refused, unreachable).
// Stream commands also end with 128+n when stopped by signal n.
enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

// Where a command reads and writes. Results that scripts consume go to `out`;
// confirmations, notices and errors (one line each, prefixed "mist-monitor: ")
// to `err`; `in` supplies --password-stdin. `defaultDataDir` stands in when
// --data-dir is not given.
struct CommandIo {
    QTextStream &out;
    QTextStream &err;
    QIODevice &in;
    QString defaultDataDir;
};

// Why a command stops before its work is done: the exit code and the line for
// stderr. An empty message means it has been told already.
struct Failure {
    int code = ExitFailure;
    QString message;
};

inline Unexpected<Failure> failure(int code, QString message) {
    return fail(Failure{code, std::move(message)});
}
inline Unexpected<Failure> usageFailure(QString message) {
    return failure(ExitUsage, std::move(message));
}

// A value, or the Failure that prevented it.
template <typename T> using Result = Expected<T, Failure>;

// Prints `message` as one "mist-monitor: " line on stderr (nothing when it is
// empty) and returns `code`, so that commands can `return report(...)`.
int report(const CommandIo &io, int code, const QString &message);
inline int report(const CommandIo &io, const Failure &failure) {
    return report(io, failure.code, failure.message);
}
inline int usageError(const CommandIo &io, const QString &message) {
    return report(io, ExitUsage, message);
}
inline int failed(const CommandIo &io, const QString &message) {
    return report(io, ExitFailure, message);
}
// A confirmation on stderr ("added app web to project default"); exit 0.
inline int confirm(const CommandIo &io, const QString &message) {
    return report(io, ExitOk, message);
}

// One subcommand of mist-monitor (after KeePassXC's src/cli/Command). Each
// lives in its own file under src/cli/commands/ and has one row in the table
// (CommandTable.cpp). Subclass one of the two families rather than this:
// - StoreCommand: works on the data directory's database directly, no server
//   needed (user, app, project, token);
// - ServerCommand: talks to a running server, local or --url, through the
//   shared sign-in (Connection); StreamCommand follows one of its sockets.
// The families differ in how they parse and show --help, as they always have;
// docs/CLI.md says which to pick.
class Command {
public:
    enum class Family { Store, Server };

    virtual ~Command() = default;
    Command(const Command &) = delete;
    Command &operator=(const Command &) = delete;

    // The words that select it after the program name: {"user", "add"}, {"logs"}.
    const QStringList &words() const { return m_words; }
    QString name() const { return m_words.join(u' '); }

    virtual Family family() const = 0;
    // Its line in `mist-monitor GROUP --help`, after "Usage: mist-monitor ".
    virtual QString synopsis() const = 0;
    // Every option it accepts but --help, in the order --help lists them.
    virtual QList<QCommandLineOption> options() const = 0;
    // Runs it with the words after its name: parses them, prints results and
    // errors, and returns the exit code.
    virtual int run(const QStringList &args, const CommandIo &io) const = 0;

protected:
    explicit Command(QStringList words)
        : m_words(std::move(words)) {}

private:
    QStringList m_words;
};

} // namespace mist::cli
