#include "HttpServer.h"

#include <QPointer>
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
    bool busy = false; // a response is pending; do not parse the next request yet
};

const char *const StateProperty = "_mist_http_state";

ConnectionState *stateOf(QTcpSocket *socket) {
    return static_cast<ConnectionState *>(socket->property(StateProperty).value<QObject *>());
}
} // namespace

HttpServer::HttpServer(QObject *parent)
    : QObject(parent)
    , m_ws(QStringLiteral("mist-monitor"), QWebSocketServer::NonSecureMode) {
    connect(&m_tcp, &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
    connect(&m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *ws = m_ws.nextPendingConnection())
            Q_EMIT webSocketConnected(ws);
    });
}

HttpServer::~HttpServer() {
    close();
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error) {
    if (!m_tcp.listen(address, port)) {
        if (error)
            *error = m_tcp.errorString();
        return false;
    }
    return true;
}

void HttpServer::close() {
    m_tcp.close();
}

void HttpServer::onNewConnection() {
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        auto *state = new ConnectionState(socket);
        socket->setProperty(StateProperty, QVariant::fromValue<QObject *>(state));
        connect(&state->timer, &QTimer::timeout, socket, [socket] { socket->abort(); });
        state->timer.start(m_requestTimeoutMs);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { processBuffered(socket); });
    }
}

void HttpServer::processBuffered(QTcpSocket *socket) {
    ConnectionState *state = stateOf(socket);
    if (!state || state->busy)
        return;
    // Peek, never read, until we know what the request is: an upgrade must
    // reach QWebSocketServer with its head still in the socket.
    const QByteArray pending = socket->peek(socket->bytesAvailable());
    if (pending.isEmpty())
        return;
    HttpParseResult parsed = parseHttpRequest(pending, m_limits);
    if (parsed.state == HttpParseResult::State::Incomplete)
        return;
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
    socket->write(response.serialize(keepAlive));
    if (keepAlive) {
        if (ConnectionState *s = stateOf(socket))
            s->timer.start(m_requestTimeoutMs);
    } else {
        socket->disconnectFromHost();
    }
}

} // namespace mist::http
