// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"

#include <QCommandLineParser>

#include <memory>

namespace mist::store {
class Store;
struct User;
} // namespace mist::store

namespace mist::cli {

// A command on the data directory's database (--data-dir DIR, else the
// default): it needs no running server. Parsing is strict: a repeated option,
// an empty value or a stray argument is a usage error. --help prints
// "Usage: mist-monitor " and the synopsis.
class StoreCommand : public Command {
public:
    Family family() const final { return Family::Store; }
    QString synopsis() const final { return m_synopsis; }
    QList<QCommandLineOption> options() const final { return m_options; }
    int run(const QStringList &args, const CommandIo &io) const final;

protected:
    // `synopsis` follows "mist-monitor "; `options` in --help's order.
    StoreCommand(QStringList words, QString synopsis, QList<QCommandLineOption> options);

    // Does the work once the options parsed; returns the exit code.
    virtual int execute(const QCommandLineParser &parser, const CommandIo &io) const = 0;

    static QCommandLineOption dataDirOption();
    static QCommandLineOption emailOption();
    // The database in --data-dir, else io.defaultDataDir.
    static Result<std::unique_ptr<store::Store>> openStore(const QCommandLineParser &parser,
                                                           const CommandIo &io);
    // The existing user --email names (the token commands).
    static Result<store::User> userNamedByEmail(store::Store &store,
                                                const QCommandLineParser &parser);

private:
    QString m_synopsis;
    QList<QCommandLineOption> m_options;
};

} // namespace mist::cli
