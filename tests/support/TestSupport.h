// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <optional>

// Shared helpers for the integration tests: a real MistServer on loopback, a
// real Docker engine (the private one the test command starts, found through
// DOCKER_HOST), and real clients (QNetworkAccessManager, QWebSocket, raw TCP).

#include "auth/PasswordHasher.h"
#include "server/MistServer.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QProcess>
#include <QSslConfiguration>
#include <QStringList>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QWebSocket>

#include <memory>

namespace mist::client {
class ServerSession;
}

namespace mist::test {

// The engine the suite runs against. Fails the calling test when DOCKER_HOST
// is not set: these tests are meant to run, never to be skipped silently.
bool dockerAvailable();
#define MIST_REQUIRE_DOCKER()                                                                      \
    do {                                                                                           \
        if (!mist::test::dockerAvailable())                                                        \
            QFAIL("DOCKER_HOST is not set: run the suite through scripts/setup.sh test, which "    \
                  "starts a "                                                                      \
                  "private engine");                                                               \
    } while (0)

// Runs the docker CLI synchronously; returns stdout (trimmed). *ok is false on failure.
QString docker(const QStringList &args, bool *ok = nullptr, int timeoutMs = 60000);
// `docker run -d --init --network none --name NAME mist-test-base sh -c SCRIPT`.
QString runContainer(const QString &name, const QString &script, const QStringList &extra = {});
void removeContainer(const QString &name);

// App and deployment ids name containers (app-N), services and images
// (mist-app-N:D) on the one engine every test shares; tests running side by
// side would all start at 1 and act on each other's containers. Moves the
// next ids of the database in `dataDir` to a range of this call's own (by
// process id and a per-process count). ServerFixture does it for its server.
Expected<void> spreadIds(const QString &dataDir);

// A real git repository in a temporary directory, for deployments.
class GitRepo {
public:
    GitRepo();
    QString path() const { return m_dir.path(); }
    // Writes the files (path -> content) and commits them on `branch`.
    QString commit(const QMap<QString, QByteArray> &files, const QString &message,
                   const QString &branch = QStringLiteral("main"));
    QString git(const QStringList &args, bool *ok = nullptr);

private:
    QTemporaryDir m_dir;
};

struct HttpResult {
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 elapsedMs = -1; // rawHttp: from connecting to the whole answer
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const;
};

// One request on a new connection whose local end is `source` (every address
// of 127.0.0.0/8 is loopback on Linux, so one test can be many clients),
// waiting for the whole answer. It runs no event loop: call it from a thread
// other than the server's (ServerFixture::httpFrom does). Status 0 when the
// connection failed or the answer did not come within `timeoutMs`.
HttpResult rawHttp(const QHostAddress &source, quint16 port, const QByteArray &method,
                   const QString &path, const QByteArray &body = {},
                   const QList<QPair<QByteArray, QByteArray>> &headers = {}, int timeoutMs = 15000);

// A started server with its own data directory and an owner account.
class ServerFixture {
public:
    explicit ServerFixture(server::ServerConfig config = {});
    // Listens on config.port as given (set 0 for a free one: ServerConfig's
    // default is 8080) instead of always a free one: with the same
    // config.dataDir, a server restarted "in place" for reconnect tests.
    struct KeepPort {};
    ServerFixture(server::ServerConfig config, KeepPort);
    ~ServerFixture();
    bool ok() const { return m_ok; }
    QString error() const { return m_error; }
    server::MistServer &server() { return *m_server; }
    store::Store &store() { return m_server->store(); }
    quint16 port() const { return m_server->port(); }
    QString dataDir() const { return m_dir.path(); }

    store::User addUser(const QString &email, store::Role role,
                        const QByteArray &password = "correct horse battery");
    // POST /api/auth/login; returns the mist_token cookie value (empty on failure).
    QByteArray login(const QString &email, const QByteArray &password = "correct horse battery");

    // Two projects for permission tests: "alpha" with app a1 (container c-a1), whose member
    // is user@example.com (role user), and "beta" with app b1 (c-b1); owner@example.com owns
    // everything. Both are signed in. Empty cookies or zero ids when something failed.
    struct TwoProjects {
        qint64 alphaApp = 0;
        qint64 betaApp = 0;
        QByteArray owner;
        QByteArray user;
    };
    TwoProjects addTwoProjects();

    HttpResult http(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    const QByteArray &cookie = {},
                    const QList<QPair<QByteArray, QByteArray>> &headers = {});
    // http() from another client address (rawHttp on a worker thread while
    // this one serves); a JSON Content-Type is added when there is a body.
    HttpResult httpFrom(const QHostAddress &source, const QByteArray &method, const QString &path,
                        const QByteArray &body = {},
                        QList<QPair<QByteArray, QByteArray>> headers = {});
    // Sends a WebSocket upgrade by hand and returns the HTTP status of the answer.
    int rawUpgradeStatus(const QString &pathAndQuery, const QByteArray &cookie,
                         const QByteArray &origin = {});

private:
    QTemporaryDir m_dir;
    std::unique_ptr<server::MistServer> m_server;
    QNetworkAccessManager m_nam;
    bool m_ok = false;
    QString m_error;
};

// A client session on the fixture's server as the user `email` (a session token made in its
// store, as a sign-in would), owned by `parent`. Fails the calling test (and answers nullptr)
// when the user does not exist.
client::ServerSession *signedInSession(ServerFixture &f, const QString &email, QObject *parent);

// Tests pass the session explicitly; a jar that remembered the last login
// would quietly send someone else's cookie.
class ForgetfulCookieJar : public QNetworkCookieJar {
public:
    using QNetworkCookieJar::QNetworkCookieJar;
    bool setCookiesFromUrl(const QList<QNetworkCookie> &, const QUrl &) override { return false; }
};

// A WebSocket client that records everything it receives.
class WsRecorder : public QObject {
    Q_OBJECT
public:
    explicit WsRecorder(QObject *parent = nullptr);
    // Opens ws://127.0.0.1:port + pathAndQuery with the session cookie; waits for connection.
    bool open(quint16 port, const QString &pathAndQuery, const QByteArray &cookie,
              int timeoutMs = 10000);
    // Any ws:// or wss:// URL; `ssl` for wss with a private CA.
    bool openUrl(const QUrl &url, const QByteArray &cookie, const QSslConfiguration *ssl = nullptr,
                 int timeoutMs = 10000);
    QWebSocket &socket() { return m_socket; }
    QList<QJsonObject> messages;
    QStringList raw;
    bool connected = false; // the upgrade succeeded (even if closed since)
    bool closed = false;
    int closeCode = -1;
    QString closeReason;

    // Waits until `predicate` holds or timeout; returns predicate().
    bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 15000);
    bool waitForMessages(int count, int timeoutMs = 15000);
    bool waitForClose(int timeoutMs = 15000);
    QList<QJsonObject> ofType(const QString &type) const;

private:
    QWebSocket m_socket;
};

// A WebSocket client written by hand on a raw TCP socket: the upgrade, then
// whatever frames a test wants to send, and no reading at all (the socket's
// read buffer is capped, so the kernel's buffers fill up and the server's
// output for it stays queued on the server) -- a stalled or hostile client.
class RawWsClient {
public:
    RawWsClient();
    // Sends the upgrade with the session cookie (over TLS, accepting any
    // certificate, when `tls`); true once the answer's status line says 101.
    bool open(quint16 port, const QString &pathAndQuery, const QByteArray &cookie, bool tls = false,
              int timeoutMs = 10000);
    // A masked ping frame carrying `payload` (at most 125 bytes).
    static QByteArray pingFrame(const QByteArray &payload);
    QSslSocket &socket() { return m_socket; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    QSslSocket m_socket;
};

// A self-signed certificate for 127.0.0.1 (EC P-256, valid 2 days, subjectAltName
// IP:127.0.0.1) written by openssl into `dir` as cert.pem and key.pem; nullopt when openssl
// failed.
struct LoopbackCertificate {
    QString cert;
    QString key;
};
std::optional<LoopbackCertificate> makeLoopbackCertificate(const QString &dir);

// Runs the event loop for `ms` milliseconds.
void pump(int ms);

} // namespace mist::test
