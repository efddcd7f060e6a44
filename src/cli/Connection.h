// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Command.h"
#include "client/ServerSession.h"

#include <QCommandLineParser>

#include <memory>
#include <vector>

namespace mist::store {
class Store;
}

namespace mist::cli {

// The one place that knows how a command reaches a server and signs in:
// - local (the default): <data-dir>/server.json (--data-dir, else the
//   default) names the server running on that data directory; the command
//   acts as --email, default the first owner, with a session it creates in
//   the database and revokes at the end. Whoever can read the data directory
//   owns that server already, so the session grants nothing new.
// - remote: --url URL (repeatable where the command allows), --email E and
//   --password-stdin (one line for all servers, or one per --url in order);
//   --ca-cert FILE pins the CA for https. A server that refuses the sign-in is
//   reported and left out while the others are used; the command then exits 1.
// The connection signs out of every session it made when it is destroyed.
class Connection {
public:
    // A server signed in to; `label` ("host:port") prefixes its lines when
    // there are several.
    struct Host {
        client::ServerSession *session = nullptr;
        QString label;
    };
    enum class Servers { One, Many };

    // The options, for commands to list where their --help shows them.
    static QCommandLineOption dataDirOption();
    static QCommandLineOption urlOption();
    static QCommandLineOption emailOption();
    static QCommandLineOption passwordStdinOption();
    static QCommandLineOption caCertOption();

    // Checks the options above (usage errors; `command` names the command in
    // "deploy takes one --url"), then signs in. Failures have been told on
    // stderr or carry their message.
    static Result<std::unique_ptr<Connection>> open(const QCommandLineParser &parser,
                                                    const CommandIo &io, const QString &command,
                                                    Servers servers);

    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    const QList<Host> &hosts() const { return m_hosts; }
    client::ServerSession &firstSession() const { return *m_hosts.constFirst().session; }
    // A --url server refused the sign-in and was left out.
    bool someRefused() const { return m_someRefused; }

    // One REST call (GET, POST or DELETE), waited for in a local event loop.
    static client::ServerSession::Reply call(client::ServerSession &session,
                                             const QByteArray &method, const QString &path,
                                             const QJsonObject &body = {});

private:
    Connection() = default;
    static Result<std::unique_ptr<Connection>> openLocal(const QCommandLineParser &parser,
                                                         const CommandIo &io);
    static Result<std::unique_ptr<Connection>>
    openRemote(const QCommandLineParser &parser, const CommandIo &io, const QList<QUrl> &urls);
    std::optional<QString> startLocalSession(const QString &dataDir, const QString &email);
    void signInTo(const QList<QUrl> &urls, const QList<QByteArray> &passwords,
                  const std::optional<QSslConfiguration> &ssl, const QString &email,
                  const CommandIo &io);

    std::vector<std::unique_ptr<client::ServerSession>> m_sessions;
    QList<Host> m_hosts;
    bool m_someRefused = false;
    // Local: the database the session was made in, to revoke it there.
    std::unique_ptr<store::Store> m_store;
    QByteArray m_localToken;
};

} // namespace mist::cli
