// SPDX-License-Identifier: GPL-3.0-or-later

#include "HttpServer.h"

#include "FrameGuard.h"
#include "HttpLogging.h"

#include <QFile>
#include <QPointer>
#include <QSet>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

#include <unistd.h>

namespace mist::http {

namespace {
// Qt's own read buffer under ours: what it takes from the kernel while we
// read nothing; beyond it the client's TCP window closes.
constexpr qint64 SocketReadBuffer = 16 * 1024;
// 503 answers still being written; beyond this the socket is just closed.
constexpr int MaxRefusing = 64;
constexpr int RefuseLingerMs = 1000;
// A "Connection: close" answer its client does not read.
constexpr int CloseLingerMs = 5000;
// A body at least this large is written apart from its head, without a copy (answer()).
constexpr qsizetype SeparateBodyBytes = 1024 * 1024;
// Reading this much of what we sent counts as a sign of life, like reading all of it.
constexpr qint64 RenewAfterBytes = 16 * 1024;
constexpr int TroubleLogIntervalMs = 10000;

class Listener : public QTcpServer {
public:
    std::function<void(qintptr)> incoming;

protected:
    // Every connection is handled at once: nothing ever waits in Qt's
    // pending list, so no count of Qt's can fill up (QSslServer's did).
    void incomingConnection(qintptr descriptor) override { incoming(descriptor); }
};

// IPv4 addresses count one by one; IPv6 ones by their /64, which one host
// usually has whole.
QByteArray addressKey(const QHostAddress &address) {
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QByteArray(reinterpret_cast<const char *>(&v4), sizeof v4);
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    return QByteArray(reinterpret_cast<const char *>(v6.c), 8);
}

// Where the first empty line ends (the head's end), looking from `from`;
// -1 when there is none yet. Bare LFs end lines too, as for http_parser.
qsizetype headEnd(QByteArrayView view, qsizetype from) {
    for (qsizetype i = view.indexOf('\n', from); i >= 0; i = view.indexOf('\n', i + 1)) {
        if (i + 1 < view.size() && view[i + 1] == '\n')
            return i + 2;
        if (i + 2 < view.size() && view[i + 1] == '\r' && view[i + 2] == '\n')
            return i + 3;
    }
    return -1;
}
} // namespace

// One accepted socket: its state, buffers and deadline. A child of the
// socket, so that it goes when the socket goes, whoever deletes it
// (QWebSocket cuts every signal connection of the socket when it ends).
class Connection : public QObject {
public:
    enum class State { Waiting, Handshaking, Http, WebSocket };

    Connection(HttpServer *server, QTcpSocket *socket, QByteArray key, qint64 now)
        : QObject(socket)
        , server(server)
        , socket(socket)
        , key(std::move(key))
        , since(now)
        , lastProgress(now) {
        deadline.setSingleShot(true);
    }
    ~Connection() override {
        if (server)
            server->forget(this);
    }

    HttpServer *server;
    QTcpSocket *socket;
    const QByteArray key;
    State state = State::Http;
    qint64 since;        // accepted, or the start of its TLS handshake
    qint64 lastProgress; // accepted, sent a whole request, or read what we sent
    QTimer deadline;
    int deadlineLeftMs = -1; // the deadline, paused while a handler works
    bool registered = true;  // counts against the limits
    bool busy = false;       // a handler works on its request
    bool closing = false;
    bool processQueued = false;
    QByteArray in; // request bytes read from the socket; the next request starts at `pos`
    qsizetype pos = 0;
    qsizetype scanFrom = 0; // where the search for the head's end goes on
    qsizetype headEnd = -1; // where the head ends, once found
    qsizetype needed = 0;   // bytes the request in progress takes, once its head told
    qint64 grant = 0;       // taken from the body budget
    qint64 writtenSinceRenewal = 0;
    FrameGuard *guard = nullptr;
};

HttpServer::HttpServer(QObject *parent)
    : QObject(parent)
    , m_ws(QStringLiteral("mist-monitor"), QWebSocketServer::NonSecureMode) {
    m_clock.start();
    auto listener = std::make_unique<Listener>();
    listener->incoming = [this](qintptr descriptor) {
        onIncoming(descriptor);
    };
    // Qt's default backlog of 50 overflows under a burst of connects; the
    // kernel then drops their final ACK, and such clients wait for a minute
    // believing they are connected.
    listener->setListenBacklogSize(1024);
    m_tcp = std::move(listener);
    connect(m_tcp.get(), &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        // Qt stops accepting after an error that is not temporary (EMFILE:
        // out of descriptors); accepting again later is better than never.
        qCWarning(lcHttp).noquote()
            << "cannot accept connections:" << m_tcp->errorString() << "- trying again in 1 s";
        QTimer::singleShot(1000, m_tcp.get(), [this] { m_tcp->resumeAccepting(); });
    });
    connect(&m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *ws = m_ws.nextPendingConnection())
            onWebSocketUpgraded(ws);
    });
    m_waitingTimer.setInterval(250);
    connect(&m_waitingTimer, &QTimer::timeout, this, &HttpServer::startWaitingHandshakes);
    m_troubleTimer.setSingleShot(true);
    connect(&m_troubleTimer, &QTimer::timeout, this, [this] {
        if (m_counters.refused != m_loggedCounters.refused ||
            m_counters.evicted != m_loggedCounters.evicted ||
            m_counters.handshakeTimeouts != m_loggedCounters.handshakeTimeouts ||
            m_counters.handshakesPreempted != m_loggedCounters.handshakesPreempted) {
            logTrouble();
            m_troubleTimer.start(TroubleLogIntervalMs);
        }
    });
}

HttpServer::~HttpServer() {
    close();
    // Sockets that outlive us (WebSockets belong to their clients) must not
    // call back.
    for (Connection *c : std::as_const(m_alive))
        c->server = nullptr;
    m_alive.clear();
}

Expected<void> HttpServer::enableTls(const QString &certFile, const QString &keyFile) {
    QFile certIn(certFile);
    if (!certIn.open(QIODevice::ReadOnly))
        return mist::fail(QStringLiteral("cannot read TLS certificate %1: %2")
                              .arg(certFile, certIn.errorString()));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certIn.readAll(), QSsl::Pem);
    if (chain.isEmpty())
        return mist::fail(QStringLiteral("no PEM certificate in %1").arg(certFile));
    QFile keyIn(keyFile);
    if (!keyIn.open(QIODevice::ReadOnly))
        return mist::fail(
            QStringLiteral("cannot read TLS key %1: %2").arg(keyFile, keyIn.errorString()));
    const QByteArray keyPem = keyIn.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return mist::fail(QStringLiteral("no usable PEM private key in %1 (RSA or EC, unencrypted)")
                              .arg(keyFile));
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    // Clients prove who they are with the session cookie, not a certificate.
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_sslConfig = config;
    m_tls = true;
    return {};
}

QSslCertificate HttpServer::certificate() const {
    const QList<QSslCertificate> chain = m_sslConfig.localCertificateChain();
    return chain.isEmpty() ? QSslCertificate() : chain.first();
}

Expected<void> HttpServer::listen(const QHostAddress &address, quint16 port) {
    if (!m_tcp->listen(address, port))
        return mist::fail(m_tcp->errorString());
    return {};
}

quint16 HttpServer::serverPort() const {
    return m_tcp->serverPort();
}

void HttpServer::close() {
    m_tcp->close();
}

HttpServer::Counters HttpServer::counters() const {
    Counters c = m_counters;
    c.open = int(m_connections.size());
    c.handshaking = int(m_handshaking.size());
    c.waiting = int(m_waiting.size());
    return c;
}

// ---- accepting, limits, eviction -------------------------------------------------

void HttpServer::onIncoming(qintptr descriptor) {
    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    const AddressKey key = addressKey(socket->peerAddress());
    if (!makeRoom(key)) {
        refuse(socket);
        return;
    }
    auto *c = new Connection(this, socket, key, m_clock.elapsed());
    m_alive.insert(c);
    m_connections.append(c);
    m_byAddress[key].append(c);
    connect(socket, &QAbstractSocket::disconnected, c, [c] {
        if (c->server)
            c->server->release(c);
        c->socket->deleteLater();
    });
    connect(&c->deadline, &QTimer::timeout, c, [c] {
        if (HttpServer *s = c->server; s && c->registered &&
                                       (c->state == Connection::State::Waiting ||
                                        c->state == Connection::State::Handshaking)) {
            ++s->m_counters.handshakeTimeouts;
            s->noteTrouble();
        }
        c->socket->abort();
    });
    if (!m_tls) {
        startHttp(c);
        return;
    }
    auto *ssl = static_cast<QSslSocket *>(socket);
    ssl->setSslConfiguration(m_sslConfig);
    connect(ssl, &QSslSocket::encrypted, c, [c] {
        if (c->server)
            c->server->onEncrypted(c);
    });
    connect(ssl, &QAbstractSocket::errorOccurred, c, [c](QAbstractSocket::SocketError) {
        if (c->server && c->registered && c->state == Connection::State::Handshaking)
            ++c->server->m_counters.handshakeFailures;
    });
    c->state = Connection::State::Waiting;
    c->deadline.start(m_limits.handshakeTimeoutMs);
    scheduleHandshake(c);
}

// Room for one more connection from `key`: at a limit, the connection that
// has waited longest for its client (a silent one, an idle keep-alive, a
// pending handshake) makes way. False when every connection is busy.
bool HttpServer::makeRoom(const AddressKey &key) {
    if (m_limits.maxConnectionsPerAddress > 0) {
        const QList<Connection *> mine = m_byAddress.value(key);
        if (mine.size() >= m_limits.maxConnectionsPerAddress) {
            Connection *victim = oldestEvictable(mine);
            if (!victim)
                return false;
            evict(victim);
        }
    }
    if (m_connections.size() >= m_limits.maxConnections) {
        Connection *victim = oldestEvictable(m_connections);
        if (!victim)
            return false;
        evict(victim);
    }
    return true;
}

Connection *HttpServer::oldestEvictable(const QList<Connection *> &among) const {
    Connection *oldest = nullptr;
    for (Connection *c : among) {
        if (c->state == Connection::State::WebSocket || c->busy)
            continue;
        if (!oldest || c->lastProgress < oldest->lastProgress)
            oldest = c;
    }
    return oldest;
}

void HttpServer::evict(Connection *connection) {
    ++m_counters.evicted;
    noteTrouble();
    release(connection);
    connection->socket->abort();
    connection->socket->deleteLater();
}

void HttpServer::refuse(QTcpSocket *socket) {
    ++m_counters.refused;
    noteTrouble();
    // A TLS client cannot read a plain answer, and an answer in TLS would
    // cost the handshake this is meant to spare.
    if (m_tls || m_refusing >= MaxRefusing) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_refusing;
    ++m_answers[503];
    HttpResponse busy =
        HttpResponse::fail(503, QStringLiteral("Server busy: too many connections"));
    busy.setHeader("Retry-After", "5");
    // Read what the client sends meanwhile: closing on unread data resets the
    // connection, and the client might never see the answer.
    connect(socket, &QIODevice::readyRead, socket,
            [socket] { socket->skip(socket->bytesAvailable()); });
    connect(socket, &QObject::destroyed, this, [this] { --m_refusing; });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(RefuseLingerMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->write(busy.serialize(false));
    socket->disconnectFromHost();
}

void HttpServer::forget(Connection *connection) {
    release(connection);
    m_alive.remove(connection);
}

void HttpServer::release(Connection *connection) {
    if (!connection->registered)
        return;
    connection->registered = false;
    m_connections.removeOne(connection);
    auto it = m_byAddress.find(connection->key);
    if (it != m_byAddress.end()) {
        it->removeOne(connection);
        if (it->isEmpty())
            m_byAddress.erase(it);
    }
    const bool wasHandshaking = connection->state == Connection::State::Handshaking;
    endHandshake(connection);
    m_waiting.removeOne(connection);
    m_upgrading.removeOne(connection);
    m_bodyBytesGranted -= connection->grant;
    connection->grant = 0;
    connection->deadline.stop();
    if (wasHandshaking && !m_waiting.isEmpty())
        QMetaObject::invokeMethod(this, &HttpServer::startWaitingHandshakes, Qt::QueuedConnection);
}

// ---- TLS handshakes ---------------------------------------------------------------

bool HttpServer::handshakeSlotFree(const AddressKey &key) const {
    return m_handshaking.size() < m_limits.maxHandshakes &&
           m_handshakesByAddress.value(key) < m_limits.maxHandshakesPerAddress;
}

// A handshake past its grace time whose slot would let `key` start one.
Connection *HttpServer::staleHandshake(const AddressKey &key) const {
    const bool addressFull = m_handshakesByAddress.value(key) >= m_limits.maxHandshakesPerAddress;
    const qint64 now = m_clock.elapsed();
    Connection *oldest = nullptr;
    for (Connection *c : m_handshaking) {
        if ((addressFull && c->key != key) || now - c->since < m_limits.handshakeGraceMs)
            continue;
        if (!oldest || c->since < oldest->since)
            oldest = c;
    }
    return oldest;
}

void HttpServer::scheduleHandshake(Connection *connection) {
    if (!handshakeSlotFree(connection->key)) {
        if (Connection *stale = staleHandshake(connection->key)) {
            ++m_counters.handshakesPreempted;
            noteTrouble();
            release(stale);
            stale->socket->abort();
            stale->socket->deleteLater();
        }
    }
    if (handshakeSlotFree(connection->key)) {
        startHandshake(connection);
        return;
    }
    m_waiting.append(connection);
    if (!m_waitingTimer.isActive())
        m_waitingTimer.start();
}

void HttpServer::startHandshake(Connection *connection) {
    connection->state = Connection::State::Handshaking;
    connection->since = m_clock.elapsed();
    m_handshaking.append(connection);
    ++m_handshakesByAddress[connection->key];
    static_cast<QSslSocket *>(connection->socket)->startServerEncryption();
}

void HttpServer::endHandshake(Connection *connection) {
    if (connection->state != Connection::State::Handshaking)
        return;
    connection->state = Connection::State::Http;
    m_handshaking.removeOne(connection);
    auto it = m_handshakesByAddress.find(connection->key);
    if (it != m_handshakesByAddress.end() && --*it <= 0)
        m_handshakesByAddress.erase(it);
}

// The newest waiting connections first: under a flood of silent ones, a
// client that just arrived is the likeliest to be real.
void HttpServer::startWaitingHandshakes() {
    for (qsizetype i = m_waiting.size() - 1; i >= 0; --i) {
        if (i >= m_waiting.size())
            continue;
        Connection *c = m_waiting[i];
        if (!handshakeSlotFree(c->key)) {
            Connection *stale = staleHandshake(c->key);
            if (!stale)
                continue;
            ++m_counters.handshakesPreempted;
            noteTrouble();
            release(stale);
            stale->socket->abort();
            stale->socket->deleteLater();
            if (!handshakeSlotFree(c->key))
                continue;
        }
        m_waiting.removeAt(i);
        startHandshake(c);
    }
    if (m_waiting.isEmpty())
        m_waitingTimer.stop();
}

void HttpServer::onEncrypted(Connection *connection) {
    if (!connection->registered)
        return;
    endHandshake(connection);
    connection->lastProgress = m_clock.elapsed();
    connection->deadline.stop();
    startHttp(connection);
    if (!m_waiting.isEmpty())
        QMetaObject::invokeMethod(this, &HttpServer::startWaitingHandshakes, Qt::QueuedConnection);
}

// ---- HTTP -------------------------------------------------------------------------

void HttpServer::startHttp(Connection *c) {
    c->state = Connection::State::Http;
    c->socket->setReadBufferSize(SocketReadBuffer);
    connect(c->socket, &QIODevice::readyRead, c, [c] {
        if (c->server)
            c->server->process(c);
    });
    connect(c->socket, &QIODevice::bytesWritten, c, [c](qint64 written) {
        if (c->server)
            c->server->onWritten(c, written);
    });
    if (m_tls) {
        // Encrypted bytes wait in the TLS socket's own buffer: their going
        // out is what tells that the client reads.
        connect(static_cast<QSslSocket *>(c->socket), &QSslSocket::encryptedBytesWritten, c, [c] {
            if (c->server)
                c->server->onWritten(c, 0);
        });
    }
    c->deadline.start(RequestTimeoutMs);
    // A TLS socket may bring the request along with its handshake.
    if (c->socket->bytesAvailable() > 0)
        processSoon(c);
}

qint64 HttpServer::queuedOutput(const Connection *c) const {
    qint64 queued = c->socket->bytesToWrite();
    if (m_tls)
        queued += static_cast<const QSslSocket *>(c->socket)->encryptedBytesToWrite();
    return queued;
}

void HttpServer::processSoon(Connection *c) {
    if (c->processQueued)
        return;
    c->processQueued = true;
    QMetaObject::invokeMethod(
        c,
        [c] {
            c->processQueued = false;
            if (c->server)
                c->server->process(c);
        },
        Qt::QueuedConnection);
}

// Reads what fits and answers at most one request: the next one waits for
// the next turn of the event loop, so that one client's pipeline cannot
// keep the others waiting.
void HttpServer::process(Connection *c) {
    if (!c->registered || c->state != Connection::State::Http)
        return;
    if (c->closing) {
        c->socket->skip(c->socket->bytesAvailable());
        return;
    }
    if (c->busy || c->socket->state() != QAbstractSocket::ConnectedState)
        return;
    // Answers back up: read nothing more until the client takes them. Qt's
    // buffer fills, then the kernel's, then the client's TCP window closes.
    if (queuedOutput(c) > m_limits.maxQueuedOutput)
        return;

    for (;;) {
        const qsizetype cap = m_limits.maxBufferedInput + c->grant;
        const qsizetype held = readInput(c, cap);
        if (held == 0)
            return;
        const QByteArrayView pending = QByteArrayView(c->in).sliced(c->pos);
        if (c->headEnd < 0) {
            // Look for the head's end only in what is new: a head sent a byte
            // at a time costs no more than one sent whole.
            const qsizetype from = std::max<qsizetype>(0, c->scanFrom - c->pos - 2);
            if (const qsizetype end = headEnd(pending, from); end >= 0) {
                c->headEnd = c->pos + end;
            } else {
                c->scanFrom = c->in.size();
                if (held <= m_parseLimits.maxHeadBytes)
                    return;
                // Too long for a head: the parser says so (431).
            }
        }
        if (c->needed > 0 && held < c->needed) {
            if (c->socket->bytesAvailable() > 0 && held < cap)
                continue;
            return;
        }
        // The parser sees this request alone (its head, then head and body),
        // not the pipelined ones behind it.
        const qsizetype own = c->needed > 0     ? c->needed
                              : c->headEnd >= 0 ? c->headEnd - c->pos
                                                : held;
        HttpParseResult parsed = parseHttpRequest(pending.first(own), m_parseLimits);
        if (parsed.state == HttpParseResult::State::Incomplete && parsed.neededBytes == 0 &&
            own < held)
            parsed = parseHttpRequest(pending, m_parseLimits); // it sees the head end elsewhere
        if (parsed.state == HttpParseResult::State::Incomplete) {
            if (parsed.neededBytes > 0 && c->needed == 0) {
                if (!grantBody(c, parsed.neededBytes))
                    return;
                continue;
            }
            // The parser wants more than the empty line we saw: wait for new bytes.
            c->headEnd = -1;
            c->scanFrom = c->in.size();
            return;
        }
        if (parsed.state == HttpParseResult::State::Error) {
            answer(c, HttpResponse::fail(parsed.errorStatus, parsed.error), false);
            return;
        }
        // An upgrade goes back to the socket for QWebSocketServer: keep its head.
        const QByteArray head = parsed.request.isWebSocketUpgrade()
                                    ? pending.first(parsed.consumed).toByteArray()
                                    : QByteArray();
        consumeRequest(c, parsed.consumed);
        handleRequest(c, std::move(parsed.request), head);
        return;
    }
}

// Reads what the socket has, up to the connection's cap of held input, and
// returns how many unparsed bytes are held. Parsed bytes at the front are
// dropped once they are many or most of the buffer, not at every read.
qsizetype HttpServer::readInput(Connection *c, qsizetype cap) {
    qsizetype held = c->in.size() - c->pos;
    const qint64 available = c->socket->bytesAvailable();
    if (available <= 0 || held >= cap)
        return held;
    if (c->pos > 0 && (c->pos >= 16 * 1024 || c->pos * 2 >= c->in.size())) {
        c->in.remove(0, c->pos);
        c->scanFrom -= c->pos;
        if (c->headEnd >= 0)
            c->headEnd -= c->pos;
        c->pos = 0;
    }
    const qint64 want = std::min<qint64>(available, cap - held);
    const qsizetype before = c->in.size();
    c->in.resize(before + want);
    const qint64 got = c->socket->read(c->in.data() + before, want);
    c->in.resize(before + std::max<qint64>(got, 0));
    return c->in.size() - c->pos;
}

// A body larger than the per-connection input cap is granted from the
// server-wide body budget; when the budget is spent the request is refused
// (503) and false is returned.
bool HttpServer::grantBody(Connection *c, qsizetype neededBytes) {
    c->needed = neededBytes;
    const qint64 extra = c->needed - m_limits.maxBufferedInput;
    if (extra <= 0)
        return true;
    if (m_bodyBytesGranted + extra > m_limits.bodyBudget) {
        ++m_counters.refused;
        noteTrouble();
        answer(c, HttpResponse::fail(503, QStringLiteral("Server busy: too many large requests")),
               false);
        return false;
    }
    c->grant = extra;
    m_bodyBytesGranted += extra;
    return true;
}

// The request's bytes leave the buffer and its body grant returns to the budget.
void HttpServer::consumeRequest(Connection *c, qsizetype consumed) {
    c->pos += consumed;
    c->headEnd = -1;
    c->needed = 0;
    m_bodyBytesGranted -= c->grant;
    c->grant = 0;
    if (c->pos == c->in.size()) {
        c->in.clear();
        c->pos = 0;
    }
    c->scanFrom = c->pos;
}

void HttpServer::handleRequest(Connection *c, HttpRequest request, const QByteArray &head) {
    request.peer = c->socket->peerAddress();
    c->lastProgress = m_clock.elapsed();

    if (m_hostPolicy && !hostAllowed(c, request))
        return;

    if (request.isWebSocketUpgrade()) {
        handleUpgrade(c, request, head);
        return;
    }
    if (request.upgrade) {
        answer(c, HttpResponse::fail(400, QStringLiteral("unsupported upgrade")), false);
        return;
    }

    c->busy = true;
    c->deadlineLeftMs = c->deadline.isActive() ? c->deadline.remainingTime() : RequestTimeoutMs;
    c->deadline.stop();
    const bool keepAlive = request.keepAlive;
    QPointer<Connection> guard(c);
    auto respond = [guard, keepAlive](const HttpResponse &response) {
        if (!guard || !guard->server || !guard->busy)
            return; // gone, or answered already
        guard->busy = false;
        guard->server->answer(guard, response, keepAlive);
    };
    if (m_rest)
        m_rest(request, respond);
    else
        respond(HttpResponse::fail(404, QStringLiteral("Not found")));
}

// Answers and returns false when the Host header is missing (HTTP/1.1),
// malformed or not one this server answers to (--allowed-host).
bool HttpServer::hostAllowed(Connection *c, const HttpRequest &request) {
    const QByteArray host = request.header("host");
    const bool http11 =
        request.versionMajor > 1 || (request.versionMajor == 1 && request.versionMinor >= 1);
    if (host.isEmpty()) {
        if (http11) {
            answer(c, HttpResponse::fail(400, QStringLiteral("missing Host header")), false);
            return false;
        }
    } else {
        switch (checkHost(host, *m_hostPolicy)) {
        case HostVerdict::Allowed:
            break;
        case HostVerdict::Malformed:
            answer(c, HttpResponse::fail(400, QStringLiteral("malformed Host header")), false);
            return false;
        case HostVerdict::NotAllowed:
            ++m_counters.hostsRefused;
            // Once per interval: a scan for names must not flood the log.
            if (!m_hostLogClock.isValid() || m_hostLogClock.elapsed() >= TroubleLogIntervalMs) {
                qCWarning(lcHttp).noquote()
                    << "refused a request for Host" << QString::fromLatin1(host).left(100) << "from"
                    << request.peer.toString() << "(not a name given with --allowed-host;"
                    << m_counters.hostsRefused << "such requests so far)";
                m_hostLogClock.start();
            }
            answer(c,
                   HttpResponse::fail(421, QStringLiteral("Host not allowed: this server "
                                                          "answers to loopback, IP addresses "
                                                          "and its --allowed-host names")),
                   false);
            return false;
        }
    }
    return true;
}

// A WebSocket handshake: refused with the reason, or handed to QWebSocketServer.
void HttpServer::handleUpgrade(Connection *c, const HttpRequest &request, const QByteArray &head) {
    if (auto problem = webSocketHandshakeProblem(request, head)) {
        HttpResponse refusal = HttpResponse::fail(problem->status, problem->message);
        if (problem->status == 426)
            refusal.setHeader("Sec-WebSocket-Version", "13");
        answer(c, refusal, false);
        return;
    }
    if (m_gate) {
        if (std::optional<HttpResponse> refusal = m_gate(request)) {
            answer(c, *refusal, false);
            return;
        }
    }
    // RFC 6455 §4.1: the client waits for our answer before it sends frames.
    if (c->in.size() > c->pos || c->socket->bytesAvailable() > 0) {
        answer(c,
               HttpResponse::fail(400, QStringLiteral("data after a WebSocket handshake, "
                                                      "before its answer")),
               false);
        return;
    }
    handOver(c, head);
}

void HttpServer::answer(Connection *c, const HttpResponse &response, bool keepAlive) {
    ++m_answers[response.status];
    if (!c->registered || c->socket->state() != QAbstractSocket::ConnectedState)
        return;
    // A large body apart: QIODevice keeps a large QByteArray as it is (shared, not copied), so a
    // history answer of 20 MB costs the event loop no copy here. A smaller one goes in one
    // buffer with its head: written apart, the head would leave in a segment of its own and
    // Nagle could hold the body until that segment is acknowledged.
    if (response.body.size() >= SeparateBodyBytes) {
        c->socket->write(response.head(keepAlive));
        c->socket->write(response.body);
    } else {
        c->socket->write(response.serialize(keepAlive));
    }
    if (!keepAlive) {
        c->closing = true;
        c->deadline.stop();
        c->in.clear();
        c->pos = 0;
        c->socket->skip(c->socket->bytesAvailable());
        c->socket->disconnectFromHost();
        QTimer::singleShot(CloseLingerMs, c, [c] { c->socket->abort(); });
        return;
    }
    // Answering is no sign of life from the client: the deadline goes on
    // from where it was.
    if (c->deadlineLeftMs >= 0) {
        c->deadline.start(std::max(c->deadlineLeftMs, 1));
        c->deadlineLeftMs = -1;
    }
    processSoon(c);
}

void HttpServer::onWritten(Connection *c, qint64 written) {
    if (!c->registered || c->state != Connection::State::Http || c->closing)
        return;
    c->writtenSinceRenewal += written;
    const qint64 queued = queuedOutput(c);
    if (queued == 0 || c->writtenSinceRenewal >= RenewAfterBytes) {
        // The client reads: it has its full time for the next request.
        c->writtenSinceRenewal = 0;
        c->lastProgress = m_clock.elapsed();
        if (c->busy)
            c->deadlineLeftMs = RequestTimeoutMs;
        else
            c->deadline.start(RequestTimeoutMs);
    }
    if (queued <= m_limits.maxQueuedOutput)
        processSoon(c);
}

// ---- WebSockets -------------------------------------------------------------------

void HttpServer::handOver(Connection *c, const QByteArray &head) {
    c->state = Connection::State::WebSocket;
    c->deadline.stop();
    disconnect(c->socket, &QIODevice::readyRead, c, nullptr);
    disconnect(c->socket, &QIODevice::bytesWritten, c, nullptr);
    if (m_tls)
        disconnect(static_cast<QSslSocket *>(c->socket), &QSslSocket::encryptedBytesWritten, c,
                   nullptr);
    c->in.clear();
    c->pos = 0;
    c->scanFrom = 0;
    c->headEnd = -1;
    c->socket->setReadBufferSize(0);
    // QWebSocketServer reads the head from the socket itself: put it back.
    for (qsizetype i = head.size() - 1; i >= 0; --i)
        c->socket->ungetChar(head[i]);
    c->guard = new FrameGuard(c->socket, head.size());
    connect(c->guard, &FrameGuard::unmaskedFrame, this, [this] { ++m_counters.unmaskedFrames; });
    m_upgrading.append(c);
    m_ws.handleConnection(c->socket);
}

void HttpServer::onWebSocketUpgraded(QWebSocket *ws) {
    // QWebSocket does not tell which socket it runs on; its peer does.
    QTcpSocket *transport = nullptr;
    for (qsizetype i = 0; i < m_upgrading.size(); ++i) {
        Connection *c = m_upgrading[i];
        if (c->socket->peerPort() == ws->peerPort() &&
            c->socket->peerAddress() == ws->peerAddress()) {
            m_upgrading.removeAt(i);
            transport = c->socket;
            c->guard->attach(ws);
            // The socket goes with the WebSocket, which its client owns.
            c->socket->setParent(ws);
            break;
        }
    }
    ++m_answers[101];
    Q_EMIT webSocketConnected(ws, transport);
}

// ---- telling the operator ---------------------------------------------------------

void HttpServer::noteTrouble() {
    if (m_troubleTimer.isActive())
        return;
    logTrouble();
    m_troubleTimer.start(TroubleLogIntervalMs);
}

void HttpServer::logTrouble() {
    const Counters now = counters();
    qCWarning(lcHttp).noquote()
        << QStringLiteral("connection limits at work: %1 refused, %2 idle closed to make room, "
                          "%3 TLS handshakes timed out, %4 given way (open %5 of %6, %7 "
                          "handshaking, %8 waiting)")
               .arg(now.refused - m_loggedCounters.refused)
               .arg(now.evicted - m_loggedCounters.evicted)
               .arg(now.handshakeTimeouts - m_loggedCounters.handshakeTimeouts)
               .arg(now.handshakesPreempted - m_loggedCounters.handshakesPreempted)
               .arg(now.open)
               .arg(m_limits.maxConnections)
               .arg(now.handshaking)
               .arg(now.waiting);
    m_loggedCounters = now;
}

} // namespace mist::http
