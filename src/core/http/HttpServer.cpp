#include "HttpServer.h"

#include <QFile>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

namespace mist::http {

namespace {
// Per-connection bookkeeping, owned by the socket.
class ConnectionState : public QObject {
public:
    explicit ConnectionState(QTcpSocket *socket)
        : QObject(socket) {
        timer.setSingleShot(true);
    }
    QTimer timer;
    bool busy = false;    // a response is pending; do not parse the next request yet
    qsizetype needed = 0; // bytes the request in progress will take, once known
};

const char *const StateProperty = "_mist_http_state";

ConnectionState *stateOf(QTcpSocket *socket) {
    return static_cast<ConnectionState *>(socket->property(StateProperty).value<QObject *>());
}
} // namespace

HttpServer::HttpServer(QObject *parent)
    : QObject(parent)
    , m_tcp(std::make_unique<QTcpServer>())
    , m_ws(QStringLiteral("mist-monitor"), QWebSocketServer::NonSecureMode) {
    connect(m_tcp.get(), &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
    connect(&m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *ws = m_ws.nextPendingConnection()) {
            // QWebSocket does not tell which socket it runs on; its peer does.
            QTcpSocket *transport = nullptr;
            m_handedOver.removeIf([&](const QPointer<QTcpSocket> &s) {
                if (!s)
                    return true;
                if (transport || s->peerPort() != ws->peerPort() ||
                    s->peerAddress() != ws->peerAddress())
                    return false;
                transport = s;
                return true;
            });
            Q_EMIT webSocketConnected(ws, transport);
        }
    });
}

HttpServer::~HttpServer() {
    close();
}

bool HttpServer::enableTls(const QString &certFile, const QString &keyFile, QString *error) {
    QFile certIn(certFile);
    if (!certIn.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read TLS certificate %1: %2")
                     .arg(certFile, certIn.errorString());
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certIn.readAll(), QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("no PEM certificate in %1").arg(certFile);
        return false;
    }
    QFile keyIn(keyFile);
    if (!keyIn.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read TLS key %1: %2").arg(keyFile, keyIn.errorString());
        return false;
    }
    const QByteArray keyPem = keyIn.readAll();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error =
            QStringLiteral("no usable PEM private key in %1 (RSA or EC, unencrypted)").arg(keyFile);
        return false;
    }
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    // Clients prove who they are with the session cookie, not a certificate.
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    auto server = std::make_unique<QSslServer>();
    server->setSslConfiguration(config);
    server->setHandshakeTimeout(m_requestTimeoutMs);
    // QSslServer announces sockets once their handshake is done, through
    // pendingConnectionAvailable (newConnection fires before that, too early).
    connect(server.get(), &QTcpServer::pendingConnectionAvailable, this,
            &HttpServer::onNewConnection);
    m_tcp = std::move(server);
    m_tls = true;
    return true;
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error) {
    if (!m_tcp->listen(address, port)) {
        if (error)
            *error = m_tcp->errorString();
        return false;
    }
    return true;
}

void HttpServer::close() {
    m_tcp->close();
}

void HttpServer::onNewConnection() {
    while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
        auto *state = new ConnectionState(socket);
        socket->setProperty(StateProperty, QVariant::fromValue<QObject *>(state));
        connect(&state->timer, &QTimer::timeout, socket, [socket] { socket->abort(); });
        state->timer.start(m_requestTimeoutMs);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { processBuffered(socket); });
        // A TLS socket arrives after its handshake, and the request may have
        // come with it, before readyRead was connected.
        QPointer<QTcpSocket> guard(socket);
        QMetaObject::invokeMethod(
            this,
            [this, guard] {
                if (guard && guard->bytesAvailable() > 0)
                    processBuffered(guard);
            },
            Qt::QueuedConnection);
    }
}

void HttpServer::processBuffered(QTcpSocket *socket) {
    ConnectionState *state = stateOf(socket);
    if (!state || state->busy)
        return;
    // Peek, never read, until we know what the request is: an upgrade must
    // reach QWebSocketServer with its head still in the socket.
    // A body arriving in small pieces is not parsed again until all of it is here.
    if (socket->bytesAvailable() < state->needed)
        return;
    const QByteArray pending = socket->peek(socket->bytesAvailable());
    if (pending.isEmpty())
        return;
    HttpParseResult parsed = parseHttpRequest(pending, m_limits);
    if (parsed.state == HttpParseResult::State::Incomplete) {
        state->needed = parsed.neededBytes;
        return;
    }
    state->needed = 0;
    if (parsed.state == HttpParseResult::State::Error) {
        socket->read(socket->bytesAvailable());
        answer(socket, HttpResponse::fail(parsed.errorStatus, parsed.error), false);
        return;
    }

    HttpRequest &request = parsed.request;
    request.peer = socket->peerAddress();

    if (request.isWebSocketUpgrade()) {
        if (m_gate) {
            if (std::optional<HttpResponse> refusal = m_gate(request)) {
                socket->read(socket->bytesAvailable());
                answer(socket, *refusal, false);
                return;
            }
        }
        // Hand over: our handlers and timer let go, the WebSocket server takes it.
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
        socket->setProperty(StateProperty, QVariant());
        delete state;
        ++m_requestsServed;
        ++m_answers[101];
        m_handedOver.removeIf([](const QPointer<QTcpSocket> &s) { return !s; });
        m_handedOver.append(socket);
        m_ws.handleConnection(socket);
        // QWebSocketServer reacts to readyRead; the head already arrived, so nudge it.
        QMetaObject::invokeMethod(socket, "readyRead", Qt::QueuedConnection);
        return;
    }
    if (request.upgrade) {
        socket->read(socket->bytesAvailable());
        answer(socket, HttpResponse::fail(400, QStringLiteral("unsupported upgrade")), false);
        return;
    }

    socket->read(parsed.consumed);
    state->busy = true;
    state->timer.stop();
    const bool keepAlive = request.keepAlive;
    QPointer<QTcpSocket> guard(socket);
    auto respond = [this, guard, keepAlive](const HttpResponse &response) {
        if (!guard)
            return;
        if (ConnectionState *s = stateOf(guard)) {
            if (!s->busy)
                return; // answered already
            s->busy = false;
        }
        answer(guard, response, keepAlive);
        if (keepAlive && guard && guard->bytesAvailable() > 0)
            QMetaObject::invokeMethod(
                this,
                [this, guard] {
                    if (guard)
                        processBuffered(guard);
                },
                Qt::QueuedConnection);
    };
    if (m_rest)
        m_rest(request, respond);
    else
        respond(HttpResponse::fail(404, QStringLiteral("Not found")));
}

void HttpServer::answer(QTcpSocket *socket, const HttpResponse &response, bool keepAlive) {
    ++m_requestsServed;
    ++m_answers[response.status];
    socket->write(response.serialize(keepAlive));
    if (keepAlive) {
        if (ConnectionState *s = stateOf(socket))
            s->timer.start(m_requestTimeoutMs);
    } else {
        socket->disconnectFromHost();
    }
}

} // namespace mist::http
