// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"
#include "Connection.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace mist::cli {

// Where the output about one followed server goes.
struct HostOutput {
    QTextStream &out;
    QTextStream &err;
    QString outPrefix; // "[host:port] " when several servers are followed, else empty
    QString errPrefix; // "mist-monitor: " and outPrefix
    bool json = false; // --json: every message has been printed as a JSON line already
};

// How a command shows the messages of its stream from one server. There is
// one view per server, so it can remember what it saw.
class StreamView {
public:
    virtual ~StreamView() = default;
    // Takes one message; true when it counts towards --count (a log line, a
    // sample).
    virtual bool show(const QJsonObject &message) = 0;
    // Whether a message is shown (printed as JSON, passed to show()) at all:
    // a filter (logs --grep) leaves some out.
    virtual bool wanted(const QJsonObject &) const { return true; }
    // What --json prints for a message: the message itself unless the
    // command prints less of it (stats: the envelope's data).
    virtual QJsonObject asJson(const QJsonObject &message) const { return message; }
    // The error that show() printed already, which a failure does not repeat.
    virtual QString toldError() const { return {}; }
    // The server ended the stream: this server's exit code.
    virtual int ended() { return ExitOk; }
};

using ViewFactory = std::function<std::unique_ptr<StreamView>(const HostOutput &)>;

struct FollowOptions {
    bool json = false;
    qint64 count = 0; // stop following a server after this many; 0: no limit
};

// Follows the socket `pathAndQuery` on every host until each has ended,
// failed or reached the count, or until SIGINT/SIGTERM (then 128+n, after
// closing the sockets); returns the worst exit code. Hosts are independent:
// one that goes away reconnects on its own, saying so on stderr ("connection
// lost, retrying in 4 s", "reconnected"), while the others keep printing.
int followStreams(const QList<Connection::Host> &hosts, const QString &pathAndQuery,
                  const ViewFactory &makeView, const FollowOptions &options, QTextStream &out,
                  QTextStream &err);

} // namespace mist::cli
