// SPDX-License-Identifier: GPL-3.0-or-later

#include "Connection.h"

#include "store/Store.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <unistd.h>

namespace mist::cli {

using client::ServerSession;

namespace {

const QString kDataDir = QStringLiteral("data-dir");
const QString kUrl = QStringLiteral("url");
const QString kEmail = QStringLiteral("email");
const QString kPasswordStdin = QStringLiteral("password-stdin");
const QString kCaCert = QStringLiteral("ca-cert");

// Option combinations that can never work, in the order they are reported.
std::optional<QString> optionsError(const QCommandLineParser &parser, const QString &command,
                                    Connection::Servers servers) {
    const qsizetype urls = parser.values(kUrl).size();
    const bool remote = urls > 0;
    if (urls > 1 && servers == Connection::Servers::One)
        return QStringLiteral("%1 takes one --url").arg(command);
    if (remote && (!parser.isSet(kEmail) || !parser.isSet(kPasswordStdin)))
        return QStringLiteral("--url needs --email and --password-stdin");
    if (remote && parser.isSet(kDataDir))
        return QStringLiteral("--url and --data-dir exclude each other");
    if (!remote && parser.isSet(kCaCert))
        return QStringLiteral("--ca-cert goes with --url");
    if (!remote && parser.isSet(kPasswordStdin))
        return QStringLiteral("--password-stdin goes with --url");
    return std::nullopt;
}

Result<QList<QUrl>> remoteUrls(const QCommandLineParser &parser) {
    QList<QUrl> result;
    for (const QString &text : parser.values(kUrl)) {
        const QUrl url = ServerSession::normalizeUrl(QUrl(text, QUrl::StrictMode));
        if (url.isEmpty())
            return usageFailure(
                QStringLiteral("--url wants http(s)://host:port or ws(s)://host:port, not '%1'")
                    .arg(text));
        if (result.contains(url))
            return usageFailure(QStringLiteral("--url %1 given twice").arg(text));
        result << url;
    }
    return result;
}

// One password per server, in order; a single line serves them all.
Result<QList<QByteArray>> readPasswords(QIODevice &in, qsizetype servers) {
    QList<QByteArray> passwords;
    while (passwords.size() < servers && !in.atEnd()) {
        QByteArray line = in.readLine();
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break;
        passwords << line;
        // Typed at a terminal: one line is all anybody types; waiting for
        // more would look like a hang.
        if (isatty(STDIN_FILENO))
            break;
    }
    if (passwords.isEmpty())
        return usageFailure(QStringLiteral("--password-stdin: no password on standard input"));
    if (passwords.size() != 1 && passwords.size() != servers)
        return usageFailure(QStringLiteral("--password-stdin: %1 passwords for %2 servers (give "
                                           "one for all, or one per --url in order)")
                                .arg(passwords.size())
                                .arg(servers));
    return passwords;
}

// Signs in and learns the dialect: upstream Mist or this project's server,
// the streams adapt to either.
Expected<void> signIn(ServerSession &session, const QString &email, const QByteArray &password) {
    QEventLoop loop;
    std::optional<Expected<void>> signedIn;
    session.login(email, password, [&](const Expected<void> &r) {
        signedIn = r;
        loop.quit();
    });
    if (!signedIn)
        loop.exec();
    if (!*signedIn)
        return *signedIn;
    // The dialect is a nicety: without an answer the session keeps speaking ours.
    bool asked = false;
    session.detectDialect(&loop, [&](const Expected<void> &) {
        asked = true;
        loop.quit();
    });
    if (!asked)
        loop.exec();
    return {};
}

void signOut(ServerSession &session) {
    QEventLoop loop;
    bool done = false;
    session.logout([&] {
        done = true;
        loop.quit();
    });
    QTimer::singleShot(5000, &loop, &QEventLoop::quit); // best effort
    if (!done)
        loop.exec();
}

// The account the local command acts as: --email, else the first owner.
Result<store::User> localUser(store::Store &store, const QString &email) {
    if (!email.isEmpty()) {
        auto user = store::orLogged(store.users().byEmail(email));
        if (!user)
            return failure(ExitFailure, QStringLiteral("no user %1").arg(email));
        return {std::move(*user)};
    }
    for (const store::User &u : store::orLogged(store.users().all())) {
        if (u.role == store::Role::Owner)
            return u;
    }
    return failure(ExitFailure,
                   QStringLiteral("no owner account yet: mist-monitor user add --role owner ..."));
}

} // namespace

QCommandLineOption Connection::dataDirOption() {
    return {kDataDir, QStringLiteral("Local server's data directory."), QStringLiteral("DIR")};
}

QCommandLineOption Connection::urlOption() {
    return {kUrl, QStringLiteral("Remote server (http(s):// or ws(s)://)."), QStringLiteral("URL")};
}

QCommandLineOption Connection::emailOption() {
    return {kEmail, QStringLiteral("Account to act as."), QStringLiteral("E")};
}

QCommandLineOption Connection::passwordStdinOption() {
    return {kPasswordStdin,
            QStringLiteral("Read the remote account's password from standard input.")};
}

QCommandLineOption Connection::caCertOption() {
    return {kCaCert,
            QStringLiteral("Trust only this PEM CA for the --url server's certificate "
                           "(default: the system's CAs)."),
            QStringLiteral("FILE")};
}

Result<std::unique_ptr<Connection>> Connection::open(const QCommandLineParser &parser,
                                                     const CommandIo &io, const QString &command,
                                                     Servers servers) {
    if (const auto error = optionsError(parser, command, servers))
        return usageFailure(*error);
    const Result<QList<QUrl>> urls = remoteUrls(parser);
    if (!urls)
        return fail(urls.error());
    if (urls->isEmpty())
        return openLocal(parser, io);
    return openRemote(parser, io, *urls);
}

Result<std::unique_ptr<Connection>> Connection::openLocal(const QCommandLineParser &parser,
                                                          const CommandIo &io) {
    const QString dataDir = parser.isSet(kDataDir) ? parser.value(kDataDir) : io.defaultDataDir;
    std::unique_ptr<Connection> connection(new Connection);
    if (const auto error = connection->startLocalSession(dataDir, parser.value(kEmail)))
        return failure(ExitFailure, *error);
    // server.json outlives a server that crashed: make sure one answers.
    const ServerSession::Reply me =
        call(connection->firstSession(), "GET", QStringLiteral("/api/auth/me"));
    if (!me.ok())
        return failure(ExitFailure, me.error);
    return {std::move(connection)};
}

std::optional<QString> Connection::startLocalSession(const QString &dataDir, const QString &email) {
    QFile serverFile(QDir(dataDir).filePath(QStringLiteral("server.json")));
    if (!serverFile.open(QIODevice::ReadOnly))
        return QStringLiteral("no server is running on data directory %1 (start one with "
                              "mist-monitor --server, or use --url)")
            .arg(dataDir);
    const QJsonObject info = QJsonDocument::fromJson(serverFile.readAll()).object();
    auto store = std::make_unique<store::Store>();
    if (const Expected<void> opened = store->open(dataDir); !opened)
        return opened.error();
    const Result<store::User> user = localUser(*store, email);
    if (!user)
        return user.error().message;
    const auto created = store->sessions().create(user->id);
    if (!created)
        return created.error();
    const QByteArray token = *created;
    m_store = std::move(store);
    m_localToken = token;
    auto session =
        std::make_unique<ServerSession>(QUrl(info.value(QStringLiteral("url")).toString()));
    session->setToken(token);
    m_hosts << Host{session.get(), QString()};
    m_sessions.push_back(std::move(session));
    return std::nullopt;
}

Result<std::unique_ptr<Connection>> Connection::openRemote(const QCommandLineParser &parser,
                                                           const CommandIo &io,
                                                           const QList<QUrl> &urls) {
    const Result<QList<QByteArray>> passwords = readPasswords(io.in, urls.size());
    if (!passwords)
        return fail(passwords.error());
    std::optional<QSslConfiguration> ssl;
    if (parser.isSet(kCaCert)) {
        // Pinned: this CA and no other.
        const auto pinned = ServerSession::pinnedCaConfiguration(parser.value(kCaCert));
        if (!pinned)
            return usageFailure(QStringLiteral("--ca-cert: ") + pinned.error());
        ssl = *pinned;
    }
    std::unique_ptr<Connection> connection(new Connection);
    connection->signInTo(urls, *passwords, ssl, parser.value(kEmail), io);
    if (connection->m_hosts.isEmpty())
        return failure(ExitFailure, QString()); // each refusal has been told
    return {std::move(connection)};
}

void Connection::signInTo(const QList<QUrl> &urls, const QList<QByteArray> &passwords,
                          const std::optional<QSslConfiguration> &ssl, const QString &email,
                          const CommandIo &io) {
    for (qsizetype i = 0; i < urls.size(); ++i) {
        auto session = std::make_unique<ServerSession>(urls[i]);
        if (ssl)
            session->setSslConfiguration(*ssl);
        // With several servers, each line of output names its server.
        const QString label = urls.size() > 1 ? urls[i].authority() : QString();
        if (const auto signedIn = signIn(*session, email, passwords.value(i, passwords.first()));
            !signedIn) {
            report(io, ExitFailure,
                   (label.isEmpty() ? QString() : u'[' + label + QStringLiteral("] ")) +
                       signedIn.error());
            m_someRefused = true;
            continue;
        }
        m_hosts << Host{session.get(), label};
        m_sessions.push_back(std::move(session));
    }
}

Connection::~Connection() {
    if (m_store) {
        if (const auto revoked = m_store->sessions().revoke(m_localToken); !revoked)
            store::logFailure(revoked.error());
        return;
    }
    for (const auto &session : m_sessions)
        signOut(*session);
}

ServerSession::Reply Connection::call(ServerSession &session, const QByteArray &method,
                                      const QString &path, const QJsonObject &body) {
    ServerSession::Reply reply;
    QEventLoop loop;
    bool done = false;
    auto finished = [&](const ServerSession::Reply &r) {
        reply = r;
        done = true;
        loop.quit();
    };
    if (method == "GET")
        session.get(path, &loop, finished);
    else if (method == "DELETE")
        session.deleteResource(path, &loop, finished);
    else
        session.post(path, body, &loop, finished);
    if (!done)
        loop.exec();
    return reply;
}

} // namespace mist::cli
