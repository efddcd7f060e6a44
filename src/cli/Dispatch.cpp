// SPDX-License-Identifier: GPL-3.0-or-later

#include "Dispatch.h"

#include "CommandTable.h"

#include <algorithm>

namespace mist::cli {

namespace {

bool isHelp(const QString &word) {
    return word == QLatin1String("--help") || word == QLatin1String("-h") ||
           word == QLatin1String("help");
}

// How many leading words `a` and `b` share.
qsizetype sharedWords(const QStringList &a, const QStringList &b) {
    qsizetype n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n])
        ++n;
    return n;
}

QList<const Command *> commandsOf(Command::Family family) {
    QList<const Command *> result;
    for (const auto &command : commandTable()) {
        if (command->family() == family)
            result.append(command.get());
    }
    return result;
}

// The command whose words begin `args`; the longest one if several do.
const Command *commandNamedBy(const QList<const Command *> &commands, const QStringList &args) {
    const Command *best = nullptr;
    for (const Command *c : commands) {
        const bool named = sharedWords(args, c->words()) == c->words().size();
        if (named && (!best || c->words().size() > best->words().size()))
            best = c;
    }
    return best;
}

// `args` name a group ({"user"}, later {"alert", "rule"}) but none of its
// commands: its synopses on --help, else a usage error that lists them.
int runGroup(const QList<const Command *> &commands, const QStringList &group, const QString &next,
             const CommandIo &io) {
    QList<const Command *> members;
    for (const Command *c : commands) {
        if (sharedWords(group, c->words()) == group.size())
            members.append(c);
    }
    if (isHelp(next)) {
        for (const Command *c : std::as_const(members))
            io.out << "Usage: mist-monitor " << c->synopsis() << '\n';
        return ExitOk;
    }
    QStringList known;
    for (const Command *c : std::as_const(members))
        known.append(c->name());
    const bool missing = next.isEmpty() || next.startsWith(QLatin1Char('-'));
    const QString what = missing ? QStringLiteral("missing subcommand")
                                 : QStringLiteral("unknown subcommand \"%1\"")
                                       .arg((group + QStringList{next}).join(u' '));
    return usageError(
        io, QStringLiteral("%1 (expected %2)").arg(what, known.join(QLatin1String(", "))));
}

int dispatch(const QList<const Command *> &commands, const QStringList &args, const CommandIo &io,
             const QString &unknownCommand) {
    if (const Command *command = commandNamedBy(commands, args))
        return command->run(args.mid(command->words().size()), io);
    qsizetype depth = 0;
    for (const Command *c : commands)
        depth = std::max(depth, sharedWords(args, c->words()));
    if (depth == 0)
        return usageError(io, unknownCommand);
    return runGroup(commands, args.mid(0, depth), args.value(depth), io);
}

const Command *firstOfGroup(const QString &firstArg) {
    for (const auto &command : commandTable()) {
        if (command->words().constFirst() == firstArg)
            return command.get();
    }
    return nullptr;
}

} // namespace

bool isCommand(const QString &firstArg) {
    return firstOfGroup(firstArg) != nullptr;
}

bool isCommand(const QString &firstArg, Command::Family family) {
    const auto all = commandsOf(family);
    return std::any_of(all.cbegin(), all.cend(),
                       [&](const Command *c) { return c->words().constFirst() == firstArg; });
}

int runCommand(const QStringList &args, const CommandIo &io) {
    const Command *first = firstOfGroup(args.value(0));
    if (!first)
        return usageError(io, QStringLiteral("unknown command \"%1\"").arg(args.value(0)));
    // As always: the data-directory commands refuse to start without standard
    // input; the server commands go on and find no password in it if they need one.
    if (first->family() == Command::Family::Store && !io.in.isOpen())
        return failed(io, QStringLiteral("cannot read standard input"));
    return runFamilyCommand(first->family(), args, io, QString());
}

int runFamilyCommand(Command::Family family, const QStringList &args, const CommandIo &io,
                     const QString &unknownCommand) {
    const int code = dispatch(commandsOf(family), args, io, unknownCommand);
    io.out.flush();
    io.err.flush();
    return code;
}

} // namespace mist::cli
