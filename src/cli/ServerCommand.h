// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"
#include "Connection.h"

#include <QCommandLineParser>

namespace mist::cli {

// A command that talks to a running server, the local one or --url ones,
// signed in through Connection. Parsing is QCommandLineParser's own (-h,
// --help and --help-all print its help text); a stray argument is a usage
// error.
class ServerCommand : public Command {
public:
    Family family() const final { return Family::Server; }
    QString synopsis() const override { return name() + QStringLiteral(" [options]"); }
    int run(const QStringList &args, const CommandIo &io) const final;

protected:
    using Command::Command;

    // Connection::Servers::Many when it can act on several --url at once.
    virtual Connection::Servers servers() const { return Connection::Servers::Many; }
    // Checks the command's own options before anything connects; a message
    // is a usage error.
    virtual std::optional<QString> optionsError(const QCommandLineParser &parser) const = 0;
    // Does the work once signed in; returns the exit code.
    virtual int execute(const QCommandLineParser &parser, Connection &connection,
                        const CommandIo &io) const = 0;
};

} // namespace mist::cli
