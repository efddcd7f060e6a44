// SPDX-License-Identifier: GPL-3.0-or-later

#include "BenchSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace mist::bench {

namespace {

qint64 clockNs(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

QString binDir() {
    return QCoreApplication::applicationDirPath();
}

// The bench sets the Cookie header itself; a jar would add a second one.
class NoCookies : public QNetworkCookieJar {
public:
    bool setCookiesFromUrl(const QList<QNetworkCookie> &, const QUrl &) override { return false; }
};

const char *const BenchEmail = "bench@mist-monitor.invalid";
const char *const BenchPassword = "bench password, long enough";

} // namespace

qint64 realtimeNs() {
    return clockNs(CLOCK_REALTIME);
}

qint64 monotonicNs() {
    return clockNs(CLOCK_MONOTONIC);
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs) {
    if (done())
        return true;
    // Blocks in the event loop between checks: a spinning processEvents()
    // loop would take a core from the server and the engine it measures.
    QEventLoop loop;
    QTimer check;
    check.setTimerType(Qt::PreciseTimer);
    QElapsedTimer timer;
    timer.start();
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done() || timer.elapsed() > timeoutMs)
            loop.quit();
    });
    check.start(1);
    loop.exec();
    return done();
}

void pumpFor(int ms) {
    QElapsedTimer timer;
    timer.start();
    waitUntil([&] { return timer.elapsed() >= ms; }, ms + 1000);
}

ProcSample sampleProcess(qint64 pid) {
    ProcSample s;
    if (pid <= 0)
        return s;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        // Fields after the command name, which may itself hold spaces and ')'.
        const QList<QByteArray> f = text.mid(text.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
        if (f.size() > 12) {
            const qint64 ticks = f[11].toLongLong() + f[12].toLongLong();
            s.cpuNs = ticks * (1000000000 / sysconf(_SC_CLK_TCK));
        }
    }
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            auto kb = [&](const char *key) {
                return line.mid(qsizetype(strlen(key))).trimmed().split(' ').value(0).toLongLong() *
                       1024;
            };
            if (line.startsWith("VmRSS:"))
                s.rssBytes = kb("VmRSS:");
            else if (line.startsWith("VmHWM:"))
                s.peakRssBytes = kb("VmHWM:");
        }
    }
    return s;
}

QString engineDir() {
    const QString host = qEnvironmentVariable("DOCKER_HOST");
    return host.startsWith(QStringLiteral("unix://")) ? QFileInfo(host.mid(7)).absolutePath()
                                                      : QString();
}

std::unique_ptr<engine::DockerClient> engineClient() {
    const auto host = engine::DockerHost::fromEnvironment({});
    if (!host) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(host.error()));
        return {};
    }
    return std::make_unique<engine::DockerClient>(*host);
}

qint64 engineDaemonPid() {
    const QString dir = engineDir();
    if (dir.isEmpty())
        return 0;
    // scripts/test-dockerd.sh keeps dockerd.pid beside the socket.
    QFile pidFile(dir + QStringLiteral("/dockerd.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return 0;
    return pidFile.readAll().trimmed().toLongLong();
}

double median(std::vector<double> values) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

qint64 percentile(std::vector<qint64> &values, double p) {
    if (values.empty())
        return 0;
    const size_t rank = size_t(std::ceil(p / 100.0 * double(values.size())));
    const size_t index = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
    std::nth_element(values.begin(), values.begin() + qsizetype(index), values.end());
    return values[index];
}

namespace {
template <typename View> bool parseGenLineT(View text, GenLine *out) {
    qsizetype at = -1;
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text[i] == '~' && text[i + 1] == 'L') {
            at = i;
            break;
        }
    }
    if (at < 0 || text.size() < at + 2 + 10 + 1 + 19)
        return false;
    quint64 seq = 0;
    for (qsizetype i = at + 2; i < at + 12; ++i) {
        const int c = int(text[i].unicode());
        if (c < '0' || c > '9')
            return false;
        seq = seq * 10 + quint64(c - '0');
    }
    if (text[at + 12] != ' ')
        return false;
    qint64 ns = 0;
    for (qsizetype i = at + 13; i < at + 32; ++i) {
        const int c = int(text[i].unicode());
        if (c < '0' || c > '9')
            return false;
        ns = ns * 10 + (c - '0');
    }
    out->seq = seq;
    out->writtenNs = ns;
    return true;
}
} // namespace

bool parseGenLine(QStringView text, GenLine *out) {
    return parseGenLineT(text, out);
}

bool parseGenLine(QByteArrayView text, GenLine *out) {
    return parseGenLineT(QLatin1StringView(text.data(), text.size()), out);
}

QString docker(const QStringList &args, bool *ok, int timeoutMs) {
    QProcess p;
    p.start(QStringLiteral("docker"), args);
    const bool good =
        p.waitForFinished(timeoutMs) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!good)
        std::fprintf(stderr, "bench: docker %s failed: %s\n", qPrintable(args.join(u' ')),
                     p.readAllStandardError().constData());
    if (ok)
        *ok = good;
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

LogContainer::LogContainer(const QString &name, quint64 count, int lineBytes, int linesPerSecond)
    : m_name(name) {
    docker({QStringLiteral("rm"), QStringLiteral("-f"), name});
    const QString loggen = binDir() + QStringLiteral("/mist-bench-loggen");
    docker({QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--network"),
            QStringLiteral("none"), QStringLiteral("--name"), name, QStringLiteral("-v"),
            loggen + QStringLiteral(":/loggen:ro"), QStringLiteral("mist-test-base:latest"),
            QStringLiteral("/loggen"), QStringLiteral("--count"), QString::number(count),
            QStringLiteral("--size"), QString::number(lineBytes), QStringLiteral("--rate"),
            QString::number(linesPerSecond), QStringLiteral("--wait-file"), QStringLiteral("/go")},
           &m_ok);
}

LogContainer::~LogContainer() {
    QProcess p;
    p.start(QStringLiteral("docker"), {QStringLiteral("rm"), QStringLiteral("-f"), m_name});
    p.waitForFinished(60000);
}

bool LogContainer::start() {
    bool ok = false;
    docker({QStringLiteral("exec"), m_name, QStringLiteral("/bin/touch"), QStringLiteral("/go")},
           &ok);
    return ok;
}

ServerProcess::ServerProcess(QObject *parent)
    : QObject(parent) {
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    connect(&m_process, &QProcess::readyReadStandardError, this, &ServerProcess::onStderr);
}

ServerProcess::~ServerProcess() {
    stop();
}

Expected<void> ServerProcess::start(const QStringList &extraEnv, const QStringList &extraArgs) {
    auto fail = [](const QString &why) -> Expected<void> {
        return mist::fail(why);
    };
    const QString binary = binDir() + QStringLiteral("/mist-monitor");
    const QString dataDir = m_dir.path();
    if (!m_userAdded) {
        QProcess add;
        add.start(binary, {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--email"),
                           QString::fromLatin1(BenchEmail), QStringLiteral("--role"),
                           QStringLiteral("owner"), QStringLiteral("--password-stdin"),
                           QStringLiteral("--data-dir"), dataDir});
        add.write(QByteArray(BenchPassword) + '\n');
        add.closeWriteChannel();
        if (!add.waitForFinished(60000) || add.exitCode() != 0)
            return fail(QStringLiteral("user add failed: ") +
                        QString::fromUtf8(add.readAllStandardError()));
        m_userAdded = true;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"),
               QStringLiteral("*.info=false;mist.metrics.debug=true"));
    for (const QString &entry : extraEnv)
        env.insert(entry.section(u'=', 0, 0), entry.section(u'=', 1));
    m_process.setProcessEnvironment(env);
    // Every bench client comes from 127.0.0.1: the limit per address would
    // turn most of a thousand away (the total limit still applies).
    m_process.start(binary, QStringList{QStringLiteral("--server"), QStringLiteral("--listen"),
                                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--data-dir"),
                                        dataDir, QStringLiteral("--max-connections-per-address"),
                                        QStringLiteral("0")} +
                                extraArgs);
    if (!m_process.waitForStarted(10000))
        return fail(QStringLiteral("the server did not start: ") + m_process.errorString());
    const QString serverFile = dataDir + QStringLiteral("/server.json");
    waitUntil(
        [&] { return QFile::exists(serverFile) || m_process.state() == QProcess::NotRunning; },
        30000);
    QFile file(serverFile);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("the server wrote no server.json: ") +
                    QString::fromUtf8(m_stderrTail));
    m_port = quint16(QUrl(QJsonDocument::fromJson(file.readAll())
                              .object()
                              .value(QStringLiteral("url"))
                              .toString())
                         .port());

    QNetworkAccessManager nam;
    nam.setCookieJar(new NoCookies);
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/api/auth/login").arg(m_port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = nam.post(
        request,
        QJsonDocument(QJsonObject{{QStringLiteral("email"), QString::fromLatin1(BenchEmail)},
                                  {QStringLiteral("password"), QString::fromLatin1(BenchPassword)}})
            .toJson(QJsonDocument::Compact));
    waitUntil([&] { return reply->isFinished(); }, 30000);
    const QByteArray setCookie = reply->rawHeader("Set-Cookie");
    reply->deleteLater();
    m_cookie = setCookie.split(';').value(0).trimmed();
    if (!m_cookie.startsWith("mist_token=") || m_cookie.size() <= 11)
        return fail(QStringLiteral("sign-in failed"));
    return {};
}

void ServerProcess::stop() {
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

void ServerProcess::onStderr() {
    m_stderrTail += m_process.readAllStandardError();
    qsizetype newline;
    while ((newline = m_stderrTail.indexOf('\n')) >= 0) {
        const QByteArray line = m_stderrTail.left(newline);
        m_stderrTail.remove(0, newline + 1);
        const qsizetype at = line.indexOf("metrics tick ");
        if (at >= 0)
            m_ticks.push_back(line.mid(at + 13).split(' ').value(0).toLongLong());
        else if (!line.contains("mist.metrics"))
            std::fprintf(stderr, "server: %s\n", line.constData());
    }
    if (m_stderrTail.size() > 64 * 1024)
        m_stderrTail = m_stderrTail.right(4096);
}

QByteArray ServerProcess::http(const QByteArray &method, const QString &path,
                               const QByteArray &body, int *status) {
    QNetworkAccessManager nam;
    nam.setCookieJar(new NoCookies);
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    request.setRawHeader("Cookie", m_cookie);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    waitUntil([&] { return reply->isFinished(); }, 30000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    reply->deleteLater();
    return answer;
}

QJsonObject ServerProcess::stats() {
    return QJsonDocument::fromJson(http("GET", QStringLiteral("/api/server/stats")))
        .object()
        .value(QStringLiteral("data"))
        .toObject();
}

int ServerProcess::addContainerApp(const QString &name, const QString &container) {
    int status = 0;
    const QByteArray answer =
        http("POST", QStringLiteral("/api/apps"),
             QJsonDocument(QJsonObject{{QStringLiteral("name"), name},
                                       {QStringLiteral("container"), container}})
                 .toJson(QJsonDocument::Compact),
             &status);
    if (status != 201) {
        std::fprintf(stderr, "bench: POST /api/apps answered %d: %s\n", status, answer.constData());
        return -1;
    }
    return QJsonDocument::fromJson(answer)
        .object()
        .value(QStringLiteral("data"))
        .toObject()
        .value(QStringLiteral("id"))
        .toInt(-1);
}

QUrl ServerProcess::wsUrl(const QString &pathAndQuery) const {
    return QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}

BenchClient::BenchClient(QObject *parent)
    : QObject(parent) {
    connect(&m_socket, &QTcpSocket::connected, this, [this] { m_socket.write(m_request); });
    connect(&m_socket, &QTcpSocket::readyRead, this, &BenchClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
        if (!m_closed && !m_closing)
            fail(QStringLiteral("connection dropped without a close frame"));
        m_closed = true;
    });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (!m_closed && !m_closing && m_socket.error() != QAbstractSocket::RemoteHostClosedError)
            fail(m_socket.errorString());
    });
}

void BenchClient::fail(const QString &why) {
    ++errors;
    lastError = why;
}

void BenchClient::open(const QUrl &url, const QByteArray &cookie) {
    QByteArray key(16, Qt::Uninitialized);
    for (char &c : key)
        c = char(QRandomGenerator::global()->bounded(256));
    m_request =
        "GET " + url.path(QUrl::FullyEncoded).toLatin1() +
        (url.hasQuery() ? "?" + url.query(QUrl::FullyEncoded).toLatin1() : QByteArray()) +
        " HTTP/1.1\r\nHost: " + url.host().toLatin1() + ':' + QByteArray::number(url.port()) +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key.toBase64() +
        "\r\nSec-WebSocket-Version: 13\r\nCookie: " + cookie + "\r\n\r\n";
    m_socket.connectToHost(url.host(), quint16(url.port()));
}

void BenchClient::abort() {
    m_closing = true;
    m_socket.abort();
}

void BenchClient::sendFrame(int opcode, QByteArrayView payload) {
    // Client frames are masked (RFC 6455 5.3); control frames are short.
    QByteArray frame;
    frame.reserve(payload.size() + 6);
    frame.append(char(0x80 | opcode));
    frame.append(char(0x80 | std::min<qsizetype>(payload.size(), 125)));
    const quint32 mask = QRandomGenerator::global()->generate();
    char key[4] = {char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask)};
    frame.append(key, 4);
    for (qsizetype i = 0; i < std::min<qsizetype>(payload.size(), 125); ++i)
        frame.append(char(payload[i] ^ key[i % 4]));
    m_socket.write(frame);
}

void BenchClient::onReadyRead() {
    m_buffer.append(m_socket.readAll());
    if (!m_upgraded) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        if (!m_buffer.startsWith("HTTP/1.1 101")) {
            fail(QStringLiteral("upgrade refused: ") +
                 QString::fromLatin1(m_buffer.left(m_buffer.indexOf('\r'))));
            m_closing = true;
            m_socket.abort();
            m_closed = true;
            return;
        }
        m_upgraded = true;
        m_offset = end + 4;
    }
    const auto *d = reinterpret_cast<const uchar *>(m_buffer.constData());
    while (m_buffer.size() - m_offset >= 2) {
        const qsizetype avail = m_buffer.size() - m_offset;
        const uchar *f = d + m_offset;
        const bool fin = f[0] & 0x80;
        const int opcode = f[0] & 0x0f;
        quint64 length = f[1] & 0x7f;
        qsizetype header = 2;
        if (f[1] & 0x80) {
            fail(QStringLiteral("the server masked a frame"));
            abort();
            return;
        }
        if (length == 126) {
            if (avail < 4)
                break;
            length = (quint64(f[2]) << 8) | f[3];
            header = 4;
        } else if (length == 127) {
            if (avail < 10)
                break;
            length = 0;
            for (int i = 2; i < 10; ++i)
                length = (length << 8) | f[i];
            header = 10;
        }
        if (quint64(avail - header) < length)
            break;
        const QByteArrayView payload(reinterpret_cast<const char *>(f + header), qsizetype(length));
        m_offset += header + qsizetype(length);
        if (opcode == 0x1 || opcode == 0x0) {
            if (fin && m_fragments.isEmpty()) {
                onMessage(payload);
            } else {
                m_fragments.append(payload);
                if (fin) {
                    onMessage(m_fragments);
                    m_fragments.clear();
                }
            }
        } else if (opcode == 0x8) {
            closeCode = length >= 2 ? (int(f[header]) << 8) | f[header + 1] : 1005;
            const QString reason =
                QString::fromUtf8(payload.sliced(std::min<qsizetype>(2, payload.size())));
            if (!m_closing)
                fail(QStringLiteral("closed by the server: %1 %2").arg(closeCode).arg(reason));
            m_closed = true;
            sendFrame(0x8, payload.first(std::min<qsizetype>(2, payload.size())));
            m_socket.disconnectFromHost();
            return;
        } else if (opcode == 0x9) {
            sendFrame(0xA, payload);
        }
    }
    // Drop what was consumed once it is worth the copy.
    if (m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > 1024 * 1024) {
        m_buffer.remove(0, m_offset);
        m_offset = 0;
    }
}

void BenchClient::onMessage(QByteArrayView payload) {
    GenLine line;
    if (parseGenLine(payload, &line)) {
        const qint64 now = realtimeNs();
        if (lines == 0) {
            firstSeq = line.seq;
            firstLineNs = now;
        } else if (line.seq != lastSeq + 1) {
            ++outOfOrder;
        }
        lastSeq = line.seq;
        lastLineNs = now;
        ++lines;
        if (keepLatency)
            latencyNs.push_back(now - line.writtenNs);
        if (keepWritten)
            written.emplace_back(line.seq, line.writtenNs);
        return;
    }
    ++otherMessages;
    if (payload.contains(QByteArrayView("\"type\":\"error\"")))
        fail(QString::fromUtf8(payload.first(std::min<qsizetype>(200, payload.size()))));
    if (keepMessages)
        messages.emplace_back(qHash(payload), realtimeNs());
}

ClientGroup::~ClientGroup() {
    closeAll();
}

bool ClientGroup::open(int n, const QUrl &url, const QByteArray &cookie, bool keepLatency,
                       bool keepMessages, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    constexpr int Batch = 50;
    for (int done = 0; done < n; done += Batch) {
        const size_t from = m_clients.size();
        for (int i = done; i < std::min(n, done + Batch); ++i) {
            auto client = std::make_unique<BenchClient>();
            client->keepLatency = keepLatency;
            client->keepMessages = keepMessages;
            client->open(url, cookie);
            m_clients.push_back(std::move(client));
        }
        const bool ok = waitUntil(
            [&] {
                for (size_t i = from; i < m_clients.size(); ++i)
                    if (!m_clients[i]->connected() && !m_clients[i]->closed())
                        return false;
                return true;
            },
            int(std::max<qint64>(1000, timeoutMs - timer.elapsed())));
        if (!ok)
            return false;
    }
    return connectedCount() == n;
}

void ClientGroup::closeAll() {
    for (auto &client : m_clients)
        client->abort();
    m_clients.clear();
}

quint64 ClientGroup::totalLines() const {
    quint64 sum = 0;
    for (const auto &c : m_clients)
        sum += c->lines;
    return sum;
}

quint64 ClientGroup::totalErrors() const {
    quint64 sum = 0;
    for (const auto &c : m_clients)
        sum += c->errors;
    return sum;
}

quint64 ClientGroup::totalOutOfOrder() const {
    quint64 sum = 0;
    for (const auto &c : m_clients)
        sum += c->outOfOrder;
    return sum;
}

quint64 ClientGroup::minLines() const {
    quint64 least = m_clients.empty() ? 0 : ~quint64(0);
    for (const auto &c : m_clients)
        least = std::min(least, c->lines);
    return least;
}

int ClientGroup::connectedCount() const {
    int n = 0;
    for (const auto &c : m_clients)
        n += c->connected() && !c->closed();
    return n;
}

bool ClientGroup::allHave(quint64 lastSeq) const {
    for (const auto &c : m_clients)
        if (c->lastSeq < lastSeq && !c->closed())
            return false;
    return true;
}

QString ClientGroup::firstError() const {
    for (const auto &c : m_clients)
        if (!c->lastError.isEmpty())
            return c->lastError;
    return {};
}

void Report::add(const Figure &figure) {
    m_figures.append(figure);
    const QString met = figure.met < 0 ? QString()
                        : figure.met   ? QStringLiteral("  met")
                                       : QStringLiteral("  MISSED");
    std::printf(
        "  %-34s %14.3f %-12s %-14s%s%s\n", qPrintable(figure.name), figure.value,
        qPrintable(figure.unit),
        qPrintable(figure.target.isEmpty() ? QString() : QStringLiteral("target ") + figure.target),
        qPrintable(met),
        qPrintable(figure.note.isEmpty() ? QString() : QStringLiteral("  (") + figure.note + u')'));
    std::fflush(stdout);
}

void Report::fail(const QString &scenario, const QString &what) {
    m_failures.append(scenario + QStringLiteral(": ") + what);
    std::printf("  FAILED: %s\n", qPrintable(what));
    std::fflush(stdout);
}

int Report::missed() const {
    return int(std::count_if(m_figures.begin(), m_figures.end(),
                             [](const Figure &f) { return f.met == 0; }));
}

void Report::print() const {
    std::printf("\n%-12s %-34s %14s %-12s %-14s %s\n", "scenario", "figure", "value", "unit",
                "target", "");
    for (const Figure &f : m_figures)
        std::printf("%-12s %-34s %14.3f %-12s %-14s %s\n", qPrintable(f.scenario),
                    qPrintable(f.name), f.value, qPrintable(f.unit), qPrintable(f.target),
                    f.met < 0 ? ""
                    : f.met   ? "met"
                              : "MISSED");
    std::printf("\nbench: %lld figures, %d targets missed, %d failures\n",
                qlonglong(m_figures.size()), missed(), failures());
    for (const QString &failure : m_failures)
        std::printf("bench: FAILED %s\n", qPrintable(failure));
}

bool Report::writeJson(const QString &path, const QJsonObject &machine) const {
    QJsonArray figures;
    for (const Figure &f : m_figures)
        figures.append(QJsonObject{{QStringLiteral("scenario"), f.scenario},
                                   {QStringLiteral("name"), f.name},
                                   {QStringLiteral("value"), f.value},
                                   {QStringLiteral("unit"), f.unit},
                                   {QStringLiteral("target"), f.target},
                                   {QStringLiteral("met"), f.met},
                                   {QStringLiteral("note"), f.note}});
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("machine"), machine},
                                         {QStringLiteral("figures"), figures},
                                         {QStringLiteral("failures"),
                                          QJsonArray::fromStringList(m_failures)}})
                   .toJson());
    return true;
}

void heading(const char *scenario, const QString &what) {
    std::printf("\n== %s: %s\n", scenario, qPrintable(what));
    std::fflush(stdout);
}

int metIf(bool condition) {
    return condition ? 1 : 0;
}

QString containerName(const char *what) {
    static int serial = 0;
    return QStringLiteral("mist-bench-%1-%2-%3")
        .arg(QLatin1String(what))
        .arg(QCoreApplication::applicationPid())
        .arg(++serial);
}

} // namespace mist::bench
