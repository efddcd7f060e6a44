// SPDX-License-Identifier: GPL-3.0-or-later

#include "TestSupport.h"

#include "client/ServerSession.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QtConcurrent>

#include <csignal>

namespace mist::test {

void pump(int ms) {
    QTest::qWait(ms);
}

bool dockerAvailable() {
    return !qEnvironmentVariableIsEmpty("DOCKER_HOST");
}

QString docker(const QStringList &args, bool *ok, int timeoutMs) {
    QProcess p;
    p.start(QStringLiteral("docker"), args);
    const bool finished = p.waitForFinished(timeoutMs);
    const bool good = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!good)
        qWarning().noquote() << "docker" << args.join(u' ')
                             << "failed:" << p.readAllStandardError();
    if (ok)
        *ok = good;
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString runContainer(const QString &name, const QString &script, const QStringList &extra) {
    removeContainer(name);
    QStringList args{QStringLiteral("run"),
                     QStringLiteral("-d"),
                     QStringLiteral("--init"),
                     QStringLiteral("--network"),
                     QStringLiteral("none"),
                     QStringLiteral("--name"),
                     name};
    args << extra << QStringLiteral("mist-test-base:latest") << QStringLiteral("sh")
         << QStringLiteral("-c") << script;
    return docker(args);
}

void removeContainer(const QString &name) {
    QProcess p;
    p.start(QStringLiteral("docker"), {QStringLiteral("rm"), QStringLiteral("-f"), name});
    p.waitForFinished(30000);
}

GitRepo::GitRepo() {
    git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
         QStringLiteral("main")});
}

QString GitRepo::git(const QStringList &args, bool *ok) {
    QProcess p;
    p.setWorkingDirectory(m_dir.path());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Test Author"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("author@example.com"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Test Author"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("author@example.com"));
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("HOME"), m_dir.path()); // no global config from the machine
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("git"), args);
    const bool good = p.waitForFinished(60000) && p.exitCode() == 0;
    if (!good)
        qWarning().noquote() << "git" << args.join(u' ') << "failed:" << p.readAllStandardError();
    if (ok)
        *ok = good;
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString GitRepo::commit(const QMap<QString, QByteArray> &files, const QString &message,
                        const QString &branch) {
    const QString current =
        git({QStringLiteral("symbolic-ref"), QStringLiteral("--short"), QStringLiteral("HEAD")});
    if (current != branch) {
        bool exists = false;
        git({QStringLiteral("rev-parse"), QStringLiteral("--verify"), QStringLiteral("-q"), branch},
            &exists);
        git(exists ? QStringList{QStringLiteral("checkout"), QStringLiteral("-q"), branch}
                   : QStringList{QStringLiteral("checkout"), QStringLiteral("-q"),
                                 QStringLiteral("-b"), branch});
    }
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const QString file = m_dir.filePath(it.key());
        QDir().mkpath(QFileInfo(file).path());
        QFile f(file);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(it.value());
    }
    git({QStringLiteral("add"), QStringLiteral("-A")});
    git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"),
         QStringLiteral("-m"), message});
    return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
}

QByteArray HttpResult::header(const QByteArray &name) const {
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

Expected<void> spreadIds(const QString &dataDir) {
    QString error;
    static int calls = 0;
    const qint64 base =
        (qint64(QCoreApplication::applicationPid() % 100000) * 64 + (calls++ % 64)) * 1000;
    const QString name = QStringLiteral("spread-ids-%1").arg(calls);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dataDir + QStringLiteral("/mist.db"));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        ok = db.open();
        for (const char *table : {"apps", "deployments"}) {
            if (!ok)
                break;
            // sqlite_sequence holds one row per AUTOINCREMENT table once it
            // has had a row; ids never go back (an id already used stays).
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT seq FROM sqlite_sequence WHERE name = ?"));
            q.addBindValue(QString::fromLatin1(table));
            ok = q.exec();
            const qint64 seq = ok && q.next() ? q.value(0).toLongLong() : 0;
            q.finish();
            if (ok && seq < base) {
                QSqlQuery del(db);
                del.prepare(QStringLiteral("DELETE FROM sqlite_sequence WHERE name = ?"));
                del.addBindValue(QString::fromLatin1(table));
                QSqlQuery ins(db);
                ins.prepare(
                    QStringLiteral("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)"));
                ins.addBindValue(QString::fromLatin1(table));
                ins.addBindValue(base);
                ok = del.exec() && ins.exec();
                if (!ok)
                    error = ins.lastError().text() + del.lastError().text();
            } else if (!ok) {
                error = q.lastError().text();
            }
        }
        if (!ok && error.isEmpty())
            error = db.lastError().text();
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (!ok)
        return fail(error);
    return {};
}

ServerFixture::ServerFixture(server::ServerConfig config) {
    m_nam.setCookieJar(new ForgetfulCookieJar(&m_nam));
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    if (config.dataDir.isEmpty())
        config.dataDir = m_dir.path() + QStringLiteral("/data");
    m_server = std::make_unique<server::MistServer>(config);
    {
        const Expected<void> started = m_server->start();
        m_ok = bool(started);
        m_error = started.error();
    }
    if (m_ok) {
        // Tests would take minutes with interactive-strength hashing.
        m_server->store().users().setPasswordHasher(auth::PasswordHasher::minimal());
        const Expected<void> spread = spreadIds(config.dataDir);
        m_ok = bool(spread);
        m_error = spread.error();
    }
}

ServerFixture::ServerFixture(server::ServerConfig config, KeepPort) {
    m_nam.setCookieJar(new ForgetfulCookieJar(&m_nam));
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    if (config.dataDir.isEmpty())
        config.dataDir = m_dir.path() + QStringLiteral("/data");
    m_server = std::make_unique<server::MistServer>(config);
    {
        const Expected<void> started = m_server->start();
        m_ok = bool(started);
        m_error = started.error();
    }
    if (m_ok) {
        m_server->store().users().setPasswordHasher(auth::PasswordHasher::minimal());
        const Expected<void> spread = spreadIds(config.dataDir);
        m_ok = bool(spread);
        m_error = spread.error();
    }
}

ServerFixture::~ServerFixture() = default;

store::User ServerFixture::addUser(const QString &email, store::Role role,
                                   const QByteArray &password) {
    const auto user = store().users().add(email, role, password);
    if (!user)
        qFatal("addUser failed: %s", qPrintable(user.error()));
    return *user;
}

ServerFixture::TwoProjects ServerFixture::addTwoProjects() {
    TwoProjects out;
    addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
    addUser(QStringLiteral("user@example.com"), store::Role::User);
    if (!store().projects().ensure(QStringLiteral("alpha")) ||
        !store().projects().addMember(QStringLiteral("alpha"), QStringLiteral("user@example.com")))
        return out;
    store::App a;
    a.name = QStringLiteral("a1");
    a.projectName = QStringLiteral("alpha");
    a.containerName = QStringLiteral("c-a1");
    if (const auto alpha = store().apps().add(a))
        out.alphaApp = alpha->id;
    a.name = QStringLiteral("b1");
    a.projectName = QStringLiteral("beta");
    a.containerName = QStringLiteral("c-b1");
    if (const auto beta = store().apps().add(a))
        out.betaApp = beta->id;
    out.owner = login(QStringLiteral("owner@example.com"));
    out.user = login(QStringLiteral("user@example.com"));
    return out;
}

QByteArray ServerFixture::login(const QString &email, const QByteArray &password) {
    const QJsonObject body{{QStringLiteral("email"), email},
                           {QStringLiteral("password"), QString::fromUtf8(password)}};
    const HttpResult r = http("POST", QStringLiteral("/api/auth/login"),
                              QJsonDocument(body).toJson(QJsonDocument::Compact));
    const QByteArray setCookie = r.header("Set-Cookie");
    const QByteArray prefix = "mist_token=";
    if (r.status != 200 || !setCookie.startsWith(prefix))
        return {};
    return setCookie.mid(prefix.size(), setCookie.indexOf(';') - prefix.size());
}

HttpResult ServerFixture::http(const QByteArray &method, const QString &path,
                               const QByteArray &body, const QByteArray &cookie,
                               const QList<QPair<QByteArray, QByteArray>> &headers) {
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!cookie.isEmpty())
        request.setRawHeader("Cookie", "mist_token=" + cookie);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

HttpResult rawHttp(const QHostAddress &source, quint16 port, const QByteArray &method,
                   const QString &path, const QByteArray &body,
                   const QList<QPair<QByteArray, QByteArray>> &headers, int timeoutMs) {
    HttpResult result;
    QElapsedTimer timer;
    timer.start();
    QTcpSocket socket;
    if (!socket.bind(source))
        return result;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return result;
    QByteArray request = method + ' ' + path.toUtf8() +
                         " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                         "\r\nConnection: close\r\n";
    for (const auto &h : headers)
        request += h.first + ": " + h.second + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    QByteArray answer;
    while (timer.elapsed() < timeoutMs) {
        socket.waitForReadyRead(int(std::max<qint64>(1, timeoutMs - timer.elapsed())));
        answer += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState) {
            answer += socket.readAll();
            break;
        }
    }
    const qsizetype headEnd = answer.indexOf("\r\n\r\n");
    if (headEnd < 0 || socket.state() == QAbstractSocket::ConnectedState)
        return result; // no complete answer in time
    const QList<QByteArray> lines = answer.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).split(' ');
    result.status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            result.headers.append(
                {lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
    }
    result.body = answer.mid(headEnd + 4);
    result.elapsedMs = timer.elapsed();
    return result;
}

HttpResult ServerFixture::httpFrom(const QHostAddress &source, const QByteArray &method,
                                   const QString &path, const QByteArray &body,
                                   QList<QPair<QByteArray, QByteArray>> headers) {
    if (!body.isEmpty())
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    QFuture<HttpResult> answer =
        QtConcurrent::run([source, port = port(), method, path, body, headers] {
            return rawHttp(source, port, method, path, body, headers);
        });
    if (!QTest::qWaitFor([&] { return answer.isFinished(); }, 20000))
        return {};
    return answer.result();
}

int ServerFixture::rawUpgradeStatus(const QString &pathAndQuery, const QByteArray &cookie,
                                    const QByteArray &origin) {
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port());
    if (!socket.waitForConnected(5000))
        return -1;
    QByteArray request = "GET " + pathAndQuery.toUtf8() +
                         " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port()) +
                         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n";
    if (!cookie.isEmpty())
        request += "Cookie: mist_token=" + cookie + "\r\n";
    if (!origin.isEmpty())
        request += "Origin: " + origin + "\r\n";
    request += "\r\n";
    socket.write(request);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (!answer.contains("\r\n") && timer.elapsed() < 10000) {
        // Process events too: the server runs in this thread.
        QTest::qWait(10);
        answer += socket.readAll();
    }
    const QList<QByteArray> parts = answer.left(answer.indexOf("\r\n")).split(' ');
    return parts.size() >= 2 ? parts[1].toInt() : -1;
}

WsRecorder::WsRecorder(QObject *parent)
    : QObject(parent) {
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        raw.append(text);
        messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    connect(&m_socket, &QWebSocket::connected, this, [this] { connected = true; });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        closed = true;
        closeCode = m_socket.closeCode();
        closeReason = m_socket.closeReason();
    });
}

bool WsRecorder::open(quint16 port, const QString &pathAndQuery, const QByteArray &cookie,
                      int timeoutMs) {
    return openUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(pathAndQuery)), cookie,
                   nullptr, timeoutMs);
}

bool WsRecorder::openUrl(const QUrl &url, const QByteArray &cookie, const QSslConfiguration *ssl,
                         int timeoutMs) {
    QNetworkRequest request(url);
    if (!cookie.isEmpty())
        request.setRawHeader("Cookie", "mist_token=" + cookie);
    if (ssl)
        m_socket.setSslConfiguration(*ssl);
    m_socket.open(request);
    return waitFor([this] { return connected || closed; }, timeoutMs) && connected;
}

bool WsRecorder::waitFor(const std::function<bool()> &predicate, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!predicate()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(5);
    }
    return true;
}

bool WsRecorder::waitForMessages(int count, int timeoutMs) {
    return waitFor([this, count] { return messages.size() >= count; }, timeoutMs);
}

bool WsRecorder::waitForClose(int timeoutMs) {
    return waitFor([this] { return closed; }, timeoutMs);
}

QList<QJsonObject> WsRecorder::ofType(const QString &type) const {
    QList<QJsonObject> out;
    for (const QJsonObject &m : messages) {
        if (m.value(QStringLiteral("type")).toString() == type)
            out.append(m);
    }
    return out;
}

RawWsClient::RawWsClient() {
    // Qt stops taking bytes from the kernel once this much is unread.
    m_socket.setReadBufferSize(4096);
}

bool RawWsClient::open(quint16 port, const QString &pathAndQuery, const QByteArray &cookie,
                       bool tls, int timeoutMs) {
    if (tls) {
        m_socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
        if (!m_socket.waitForEncrypted(timeoutMs))
            return false;
    } else {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(timeoutMs))
            return false;
    }
    m_socket.write("GET " + pathAndQuery.toUtf8() +
                   " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                   "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                   "Cookie: mist_token=" +
                   cookie + "\r\n\r\n");
    QElapsedTimer timer;
    timer.start();
    // Peek only: what follows the head stays unread, as the rest will.
    while (timer.elapsed() < timeoutMs && m_socket.state() == QAbstractSocket::ConnectedState) {
        const QByteArray head = m_socket.peek(4096);
        if (head.contains("\r\n"))
            return head.startsWith("HTTP/1.1 101");
        QTest::qWait(5);
    }
    return false;
}

QByteArray RawWsClient::pingFrame(const QByteArray &payload) {
    Q_ASSERT(payload.size() <= 125);
    QByteArray frame;
    frame.append(char(0x89)); // FIN + ping
    frame.append(char(0x80 | payload.size()));
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    frame.append(mask, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(char(payload[i] ^ mask[i % 4]));
    return frame;
}

std::optional<LoopbackCertificate> makeLoopbackCertificate(const QString &dir) {
    const QDir d(dir);
    LoopbackCertificate c{d.filePath(QStringLiteral("cert.pem")),
                          d.filePath(QStringLiteral("key.pem"))};
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                   "subjectAltName=IP:127.0.0.1", "-keyout", c.key, "-out", c.cert});
    if (!openssl.waitForFinished(30000) || openssl.exitStatus() != QProcess::NormalExit ||
        openssl.exitCode() != 0)
        return std::nullopt;
    return c;
}

client::ServerSession *signedInSession(ServerFixture &f, const QString &email, QObject *parent) {
    const auto user = f.store().users().byEmail(email);
    if (!user || !user.value()) {
        QTest::qFail(qPrintable(QStringLiteral("no user %1").arg(email)), __FILE__, __LINE__);
        return nullptr;
    }
    const auto token = f.store().sessions().create(user.value()->id);
    if (!token) {
        QTest::qFail(qPrintable(token.error()), __FILE__, __LINE__);
        return nullptr;
    }
    auto *session = new client::ServerSession(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f.port())), parent);
    session->setToken(token.value());
    return session;
}

} // namespace mist::test
