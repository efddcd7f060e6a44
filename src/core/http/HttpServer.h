#pragma once

#include "HttpRequest.h"
#include "HttpResponse.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QWebSocketServer>

#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;
class QWebSocket;

namespace mist::http {

// One port for REST and WebSockets. Reads each request head itself (through
// http_parser), so that a WebSocket handshake can be refused with 404/403/401
// *before* the upgrade, which QWebSocketServer alone cannot do. Accepted
// upgrades are handed to QWebSocketServer::handleConnection untouched: the
// head is only peeked at, never consumed.
class HttpServer : public QObject {
    Q_OBJECT
public:
    using Responder = std::function<void(const HttpResponse &)>;
    // May answer at once or later; `respond` is safe to call after the client left.
    using RestHandler = std::function<void(const HttpRequest &, Responder respond)>;
    // Returns a refusal (404/403/401...) or nullopt to let the upgrade proceed.
    using UpgradeGate = std::function<std::optional<HttpResponse>(const HttpRequest &)>;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    void setRestHandler(RestHandler handler) { m_rest = std::move(handler); }
    void setUpgradeGate(UpgradeGate gate) { m_gate = std::move(gate); }
    void setLimits(const HttpParseLimits &limits) { m_limits = limits; }
    // Time a client may take to send a complete request (slowloris guard).
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }

    // Serve https and wss: loads a PEM certificate (chain) and key. Call before listen().
    bool enableTls(const QString &certFile, const QString &keyFile, QString *error);
    bool tlsEnabled() const { return m_tls; }

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 serverPort() const { return m_tcp->serverPort(); }
    QHostAddress serverAddress() const { return m_tcp->serverAddress(); }
    void close();

    quint64 requestsServed() const { return m_requestsServed; }
    // Answers by status code (101 counts the WebSocket upgrades).
    const QHash<int, quint64> &answersByStatus() const { return m_answers; }

Q_SIGNALS:
    // A WebSocket that passed the gate; the receiver takes ownership of
    // `socket`. `transport` is the TCP (or TLS) socket under it, which
    // deletes itself once disconnected; null only if it could not be matched.
    void webSocketConnected(QWebSocket *socket, QTcpSocket *transport);

private:
    void onNewConnection();
    void processBuffered(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const HttpResponse &response, bool keepAlive);

    std::unique_ptr<QTcpServer> m_tcp;
    QWebSocketServer m_ws;
    bool m_tls = false;
    RestHandler m_rest;
    UpgradeGate m_gate;
    HttpParseLimits m_limits;
    int m_requestTimeoutMs = 15000;
    quint64 m_requestsServed = 0;
    // Sockets handed to m_ws whose QWebSocket has not come out yet.
    QList<QPointer<QTcpSocket>> m_handedOver;
    QHash<int, quint64> m_answers;
};

} // namespace mist::http
