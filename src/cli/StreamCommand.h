// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ServerCommand.h"
#include "StreamFollower.h"

namespace mist::cli {

// A ServerCommand that follows one WebSocket of the server (logs, metrics,
// deployment, deploy): on every --url at once, reconnecting by itself, until
// the stream ends, --count is reached or it is interrupted. Adds --json
// (every message as one JSON line on stdout) and --count N to the command's
// own options and the connection's.
class StreamCommand : public ServerCommand {
public:
    QList<QCommandLineOption> options() const final;

protected:
    // What to follow once signed in.
    struct Stream {
        QString pathAndQuery; // "/ws/container/logs?appId=3"; empty: nothing to follow
        ViewFactory makeView; // how each server's messages are shown
        qint64 counted = 0;   // towards --count already (logs: archived lines printed)
    };

    // `countDescription`: --count's help ("Stop after N log lines.").
    StreamCommand(QStringList words, QString countDescription);

    // The command's own options, first in --help.
    virtual QList<QCommandLineOption> ownOptions() const = 0;
    // Checks them; a message is a usage error.
    virtual std::optional<QString> ownOptionsError(const QCommandLineParser &parser) const = 0;
    // Signed in: the stream to follow. A failure ends the command.
    virtual Result<Stream> start(const QCommandLineParser &parser, Connection &connection,
                                 const CommandIo &io) const = 0;

    // For an id option (--app N, --id N): the usage error when it is missing
    // or not a positive id; idValue() once there is none.
    static std::optional<QString> idError(const QCommandLineParser &parser, const QString &option);
    static qint64 idValue(const QCommandLineParser &parser, const QString &option);

    std::optional<QString> optionsError(const QCommandLineParser &parser) const final;
    int execute(const QCommandLineParser &parser, Connection &connection,
                const CommandIo &io) const final;

private:
    QString m_countDescription;
};

} // namespace mist::cli
