// SPDX-License-Identifier: GPL-3.0-or-later

#include "HostileClients.h"
#include "TestPaths.h"

#include "auth/PasswordHasher.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <QtEndian>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

namespace mist::test {

namespace {
const QString Binary = mist::test::binaryPath(QStringLiteral("mist-monitor"));

QByteArray procFile(qint64 pid, const char *name) {
    QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

qint64 statusField(qint64 pid, const QByteArray &field) {
    for (const QByteArray &line : procFile(pid, "status").split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}
} // namespace

ServerProcess::ServerProcess() {
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_dir.filePath(QStringLiteral("server.log")));
    if (const auto opened = m_store.open(dataDir()); !opened)
        qFatal("cannot open the store: %s", qPrintable(opened.error()));
    m_store.users().setPasswordHasher(auth::PasswordHasher::minimal());
    if (const auto added = m_store.users().add(QStringLiteral("owner@example.com"),
                                               store::Role::Owner, "correct horse battery");
        !added)
        qFatal("addUser failed: %s", qPrintable(added.error()));
    if (const auto spread = spreadIds(dataDir()); !spread)
        qFatal("spreadIds failed: %s", qPrintable(spread.error()));
}

ServerProcess::~ServerProcess() {
    stop();
}

QString ServerProcess::dataDir() const {
    return m_dir.filePath(QStringLiteral("data"));
}

Expected<void> ServerProcess::start(const QStringList &extra) {
    m_store.close();
    m_tls = extra.contains(QStringLiteral("--tls-cert"));
    m_port = 0;
    m_cookie.clear();
    m_nam.reset();
    if (m_descriptorLimit > 0) {
        m_process.setChildProcessModifier([limit = m_descriptorLimit] {
            const rlimit l{rlim_t(limit), rlim_t(limit)};
            ::setrlimit(RLIMIT_NOFILE, &l);
        });
    }
#if defined(__SANITIZE_ADDRESS__)
    // Under AddressSanitizer freed memory waits in a quarantine (256 MiB by
    // default) before it can go back: keep it small so that measured memory
    // still says what the server holds.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(
        QStringLiteral("ASAN_OPTIONS"),
        env.value(QStringLiteral("ASAN_OPTIONS")) +
            QStringLiteral(":quarantine_size_mb=16:allocator_release_to_os_interval_ms=200"));
    m_process.setProcessEnvironment(env);
#endif
    QFile::remove(dataDir() + QStringLiteral("/server.json"));
    m_process.start(Binary, QStringList{QStringLiteral("--server"), QStringLiteral("--listen"),
                                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"),
                                        dataDir()} +
                                extra);
    // The server names its port in <data-dir>/server.json once it listens.
    QElapsedTimer timer;
    timer.start();
    while (m_port == 0 && timer.elapsed() < 30000 && m_process.state() != QProcess::NotRunning) {
        QTest::qWait(50);
        QFile file(dataDir() + QStringLiteral("/server.json"));
        if (file.open(QIODevice::ReadOnly))
            m_port = quint16(QUrl(QJsonDocument::fromJson(file.readAll())
                                      .object()[QStringLiteral("url")]
                                      .toString())
                                 .port());
    }
    if (m_port == 0) {
        const QString why =
            QStringLiteral("the server did not start: %1").arg(QString::fromUtf8(output()));
        qWarning().noquote() << why;
        return fail(why);
    }
    return {};
}

void ServerProcess::stop() {
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGTERM);
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QByteArray ServerProcess::cookie() {
    if (!m_cookie.isEmpty() || m_port == 0)
        return m_cookie;
    const HttpResult r =
        http("POST", QStringLiteral("/api/auth/login"),
             R"({"email":"owner@example.com","password":"correct horse battery"})");
    const QByteArray setCookie = r.header("Set-Cookie");
    const QByteArray prefix = "mist_token=";
    if (r.status != 200 || !setCookie.startsWith(prefix)) {
        qWarning().noquote() << "cannot sign in: HTTP" << r.status << output().right(2000);
        return {};
    }
    m_cookie = setCookie.mid(prefix.size(), setCookie.indexOf(';') - prefix.size());
    return m_cookie;
}

HttpResult ServerProcess::http(const QByteArray &method, const QString &path,
                               const QByteArray &body) {
    if (!m_nam) {
        m_nam = std::make_unique<QNetworkAccessManager>();
        m_nam->setCookieJar(new ForgetfulCookieJar(m_nam.get()));
        QObject::connect(
            m_nam.get(), &QNetworkAccessManager::sslErrors,
            [](QNetworkReply *reply, const QList<QSslError> &) { reply->ignoreSslErrors(); });
    }
    // Signing in is itself a request: only other requests carry the cookie.
    const bool signingIn = path == u"/api/auth/login";
    const QByteArray session = signingIn ? QByteArray() : cookie();
    QNetworkRequest request(QUrl(QStringLiteral("%1://127.0.0.1:%2%3")
                                     .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
                                     .arg(m_port)
                                     .arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!session.isEmpty())
        request.setRawHeader("Cookie", "mist_token=" + session);
    QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (result.status == 0)
        qWarning().noquote() << method << path << "failed:" << reply->errorString();
    reply->deleteLater();
    return result;
}

QJsonObject ServerProcess::stats() {
    return http("GET", QStringLiteral("/api/server/stats"))
        .json()[QStringLiteral("data")]
        .toObject();
}

QByteArray ServerProcess::output() const {
    QFile file(m_dir.filePath(QStringLiteral("server.log")));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

qint64 ServerProcess::rssKiB() const {
    if (m_process.state() == QProcess::NotRunning)
        return -1;
    return statusField(pid(), "VmRSS");
}

qint64 ServerProcess::peakRssKiB() const {
    return statusField(pid(), "VmHWM");
}

int ServerProcess::openDescriptors() const {
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid()))
                   .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System)
                   .size());
}

double ServerProcess::cpuSeconds() const {
    // Fields after the command name (which may hold spaces): state is field 3,
    // utime and stime fields 14 and 15.
    const QByteArray stat = procFile(pid(), "stat");
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields[11].toLongLong() + fields[12].toLongLong()) /
           double(::sysconf(_SC_CLK_TCK));
}

QByteArray rawHttpExchange(quint16 port, const QByteArray &request, int timeoutMs,
                           const QString &from) {
    QTcpSocket socket;
    if (!from.isEmpty() && !socket.bind(QHostAddress(from)))
        return {};
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    bool sent = false;
    while (timer.elapsed() < timeoutMs) {
        if (!sent && socket.state() == QAbstractSocket::ConnectedState) {
            socket.write(request);
            sent = true;
        }
        QTest::qWait(2);
        answer += socket.readAll();
        const qsizetype headEnd = answer.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            static const QRegularExpression length(QStringLiteral("(?i)content-length: *(\\d+)"));
            const auto m = length.match(QString::fromLatin1(answer.left(headEnd)));
            if (m.hasMatch() && answer.size() >= headEnd + 4 + m.captured(1).toLongLong())
                break;
        }
        if (sent && socket.state() == QAbstractSocket::UnconnectedState)
            break;
    }
    return answer;
}

int statusOf(const QByteArray &answer) {
    if (!answer.startsWith("HTTP/1."))
        return -1;
    return answer.mid(9, 3).toInt();
}

RawWebSocket::RawWebSocket(const QSslConfiguration *ssl) {
    if (ssl) {
        auto *s = new QSslSocket;
        s->setSslConfiguration(*ssl);
        m_socket.reset(s);
    } else {
        m_socket = std::make_unique<QTcpSocket>();
    }
}

RawWebSocket::~RawWebSocket() = default;

int RawWebSocket::upgrade(quint16 port, const QString &pathAndQuery, const QByteArray &cookie,
                          const QByteArray &extraHeaders) {
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket.get()))
        ssl->connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    else
        m_socket->connectToHost(QHostAddress::LocalHost, port);
    QElapsedTimer timer;
    timer.start();
    auto ready = [&] {
        if (auto *ssl = qobject_cast<QSslSocket *>(m_socket.get()))
            return ssl->isEncrypted();
        return m_socket->state() == QAbstractSocket::ConnectedState;
    };
    while (!ready() && timer.elapsed() < 10000)
        QTest::qWait(2);
    if (!ready())
        return -1;
    QByteArray request = "GET " + pathAndQuery.toUtf8() +
                         " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n" +
                         extraHeaders;
    if (!cookie.isEmpty())
        request += "Cookie: mist_token=" + cookie + "\r\n";
    request += "\r\n";
    m_socket->write(request);
    while (!m_in.contains("\r\n\r\n") && timer.elapsed() < 10000 &&
           m_socket->state() == QAbstractSocket::ConnectedState) {
        QTest::qWait(2);
        m_in += m_socket->readAll();
    }
    m_in += m_socket->readAll();
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    const int status = statusOf(m_in);
    m_in.remove(0, end + 4);
    return status;
}

QByteArray RawWebSocket::frame(int opcode, const QByteArray &payload, bool masked) const {
    QByteArray out;
    out.append(char(0x80 | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        out.append(char(maskBit | char(payload.size())));
    } else if (payload.size() <= 0xffff) {
        out.append(char(maskBit | 126));
        char length[2];
        qToBigEndian<quint16>(quint16(payload.size()), length);
        out.append(length, 2);
    } else {
        out.append(char(maskBit | 127));
        char length[8];
        qToBigEndian<quint64>(quint64(payload.size()), length);
        out.append(length, 8);
    }
    if (!masked)
        return out + payload;
    char key[4];
    qToBigEndian<quint32>(QRandomGenerator::global()->generate(), key);
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i % 4]));
    return out;
}

void RawWebSocket::send(const QByteArray &bytes) {
    m_socket->write(bytes);
}

int RawWebSocket::Frame::closeCode() const {
    return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : -1;
}

std::optional<RawWebSocket::Frame> RawWebSocket::next(int timeoutMs, bool skipPings) {
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        m_in += m_socket->readAll();
        // Server frames are never masked.
        if (m_in.size() >= 2) {
            const int opcode = uchar(m_in[0]) & 0x0f;
            qint64 length = uchar(m_in[1]) & 0x7f;
            qsizetype header = 2;
            if (length == 126 && m_in.size() >= 4) {
                length = qFromBigEndian<quint16>(m_in.constData() + 2);
                header = 4;
            } else if (length == 127 && m_in.size() >= 10) {
                length = qint64(qFromBigEndian<quint64>(m_in.constData() + 2));
                header = 10;
            }
            const bool lengthKnown = (uchar(m_in[1]) & 0x7f) < 126 || header > 2;
            if (lengthKnown && m_in.size() >= header + length) {
                Frame f{opcode, m_in.mid(header, length)};
                m_in.remove(0, header + length);
                if (skipPings && opcode == 0x9)
                    continue;
                return f;
            }
        }
        if (timer.elapsed() > timeoutMs || (m_socket->state() != QAbstractSocket::ConnectedState &&
                                            m_socket->bytesAvailable() == 0))
            return std::nullopt;
        QTest::qWait(2);
    }
}

bool RawWebSocket::waitDisconnected(int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (m_socket->state() != QAbstractSocket::UnconnectedState && timer.elapsed() < timeoutMs) {
        m_socket->readAll();
        QTest::qWait(5);
    }
    return m_socket->state() == QAbstractSocket::UnconnectedState;
}

} // namespace mist::test
