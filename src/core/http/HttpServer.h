// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "HostPolicy.h"
#include "HttpRequest.h"
#include "HttpResponse.h"
#include "base/Expected.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>
#include <QWebSocketServer>

#include <functional>
#include <memory>
#include <optional>

class QTcpServer;
class QTcpSocket;
class QWebSocket;

namespace mist::http {

class Connection;

// What one client may make the server hold, and all of them together
// (docs/RELIABILITY.md, "Hostile clients"). Every open socket counts: plain
// HTTP, TLS handshakes, signed-in WebSockets.
struct HttpServerLimits {
    int maxConnections = 4096;
    int maxConnectionsPerAddress = 256; // 0: no limit per address
    // TLS handshakes in progress; more wait (newest first) for a slot.
    int maxHandshakes = 128;
    int maxHandshakesPerAddress = 16;
    int handshakeTimeoutMs = 10000;
    // A handshake in progress for longer than this gives its slot to one
    // that waits: a real client needs milliseconds, a silent one holds on.
    int handshakeGraceMs = 2000;
    // Request bytes read but not yet answered, per connection; a request
    // whose head announces a larger body may take more from bodyBudget.
    qsizetype maxBufferedInput = 32 * 1024;
    // Answers not yet taken by the client: above this, nothing more is read
    // from that client until it reads.
    qint64 maxQueuedOutput = 64 * 1024;
    qint64 bodyBudget = 64 * 1024 * 1024;
};

// One port for REST and WebSockets. Owns the accept loop (a plain QTcpServer;
// TLS handshakes are run here, on QSslSocket, with their own deadline and
// caps) and reads each request itself through http_parser, so that a
// WebSocket handshake can be refused with 404/403/401 *before* the upgrade,
// which QWebSocketServer alone cannot do. Accepted upgrades are handed to
// QWebSocketServer::handleConnection with their head back in the socket.
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
    void setLimits(const HttpParseLimits &limits) { m_parseLimits = limits; }
    void setConnectionLimits(const HttpServerLimits &limits) { m_limits = limits; }
    const HttpServerLimits &connectionLimits() const { return m_limits; }
    // Without a policy every Host is served.
    void setHostPolicy(const HostPolicy &policy) { m_hostPolicy = policy; }
    // Time a client may take to send a complete request (slowloris guard),
    // counted from when it last read everything we sent it.
    static constexpr int RequestTimeoutMs = 15000;

    // Serve https and wss: loads a PEM certificate (chain) and key. Call before listen().
    Expected<void> enableTls(const QString &certFile, const QString &keyFile);
    // The leaf of the chain given to enableTls.
    QSslCertificate certificate() const;

    // Fails with the socket's reason.
    Expected<void> listen(const QHostAddress &address, quint16 port);
    quint16 serverPort() const;
    void close();

    // Answers by status code (101 counts the WebSocket upgrades).
    const QHash<int, quint64> &answersByStatus() const { return m_answers; }

    struct Counters {
        int open = 0;        // sockets now: HTTP, handshakes, WebSockets
        int handshaking = 0; // TLS handshakes in progress
        int waiting = 0;     // TLS connections waiting for a handshake slot
        quint64 refused = 0; // turned away at a connection limit (503 on http)
        quint64 evicted = 0; // idle ones closed to make room
        quint64 handshakeTimeouts = 0;
        quint64 handshakesPreempted = 0;
        quint64 handshakeFailures = 0;
        quint64 unmaskedFrames = 0; // WebSockets closed with 1002
        quint64 hostsRefused = 0;   // 421: a Host name not allowed
    };
    Counters counters() const;

Q_SIGNALS:
    // A WebSocket that passed the gate; the receiver takes ownership of
    // `socket`. `transport` is the TCP (or TLS) socket under it, which
    // deletes itself once disconnected; null only if it could not be matched.
    void webSocketConnected(QWebSocket *socket, QTcpSocket *transport);

private:
    friend class Connection;
    using AddressKey = QByteArray;

    void onIncoming(qintptr descriptor);
    bool makeRoom(const AddressKey &key);
    Connection *oldestEvictable(const QList<Connection *> &among) const;
    void evict(Connection *connection);
    void refuse(QTcpSocket *socket);
    void release(Connection *connection);
    void forget(Connection *connection);

    void scheduleHandshake(Connection *connection);
    bool handshakeSlotFree(const AddressKey &key) const;
    Connection *staleHandshake(const AddressKey &key) const;
    void startHandshake(Connection *connection);
    void endHandshake(Connection *connection);
    void startWaitingHandshakes();
    void onEncrypted(Connection *connection);

    void startHttp(Connection *connection);
    void process(Connection *connection);
    void processSoon(Connection *connection);
    qsizetype readInput(Connection *connection, qsizetype cap);
    bool grantBody(Connection *connection, qsizetype neededBytes);
    void consumeRequest(Connection *connection, qsizetype consumed);
    void handleRequest(Connection *connection, HttpRequest request, const QByteArray &head);
    bool hostAllowed(Connection *connection, const HttpRequest &request);
    void handleUpgrade(Connection *connection, const HttpRequest &request, const QByteArray &head);
    void handOver(Connection *connection, const QByteArray &head);
    void onWebSocketUpgraded(QWebSocket *socket);
    void onWritten(Connection *connection, qint64 bytes);
    void answer(Connection *connection, const HttpResponse &response, bool keepAlive);
    void fail(Connection *connection, const HttpResponse &response);
    qint64 queuedOutput(const Connection *connection) const;

    void noteTrouble();
    void logTrouble();

    std::unique_ptr<QTcpServer> m_tcp;
    QWebSocketServer m_ws;
    bool m_tls = false;
    QSslConfiguration m_sslConfig;
    RestHandler m_rest;
    UpgradeGate m_gate;
    HttpParseLimits m_parseLimits;
    HttpServerLimits m_limits;
    std::optional<HostPolicy> m_hostPolicy;
    QHash<int, quint64> m_answers;

    QElapsedTimer m_clock;
    QSet<Connection *> m_alive;        // every Connection object not yet destroyed
    QList<Connection *> m_connections; // those counted against the limits
    QHash<AddressKey, QList<Connection *>> m_byAddress;
    QList<Connection *> m_handshaking;
    QHash<AddressKey, int> m_handshakesByAddress;
    QList<Connection *> m_waiting; // for a handshake slot; the newest goes first
    QList<Connection *> m_upgrading;
    QTimer m_waitingTimer;
    qint64 m_bodyBytesGranted = 0;
    int m_refusing = 0; // 503s still being written
    Counters m_counters;
    Counters m_loggedCounters;
    QTimer m_troubleTimer;
    QElapsedTimer m_hostLogClock;
};

} // namespace mist::http
