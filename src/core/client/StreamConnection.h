// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

class QWebSocket;

namespace mist::protocol::upstream {
class MessageTranslator;
}

namespace mist::client {

class ServerSession;

// One WebSocket stream (/ws/metrics, /ws/container/logs?appId=,
// /ws/deployment/logs?deploymentId=) that reconnects by itself.
//
// Reconnects (with backoff) after network drops, server restarts, a stalled
// handshake, two unanswered pings, close codes 1001/1006/1011/1012/1013/1014,
// a close 1000 that followed no terminal message, 1008 "client too slow"
// (the server's documented way of asking a slow client to resume), and
// handshake answers other than 401/403/404 (and other client errors).
//
// Final, no reconnect:
//   ended()  after `end` (the server's terminal message);
//   failed() after an `error` followed by close 1008 (bad id, permission) or
//            by close 1000 ("Container not running", "Container not found"),
//            any other 1008, the protocol-level closes 1002/1003/1007/1009/1010,
//            HTTP 4xx at the handshake (401 "Not signed in (HTTP 401)", ...)
//            and TLS errors (retrying cannot fix a certificate).
//
// Resume: on reconnect, /ws/deployment/logs gets `&after=<last index seen>`
// and /ws/container/logs `&since=<ts of the last line seen>`; lines the
// server sends again anyway (same index, or older/equal `ts` already seen)
// are dropped, so `message` never repeats a log line across reconnects.
class StreamConnection : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Connected, Reconnecting, Finished };
    Q_ENUM(State)

    StreamConnection(ServerSession *session, const QString &pathAndQuery,
                     QObject *parent = nullptr);
    ~StreamConnection() override;

    // Idle or Finished -> Connecting. A stream opened again after Finished
    // starts over (no resume position).
    void open();
    // Closes (normal close frame) and stops reconnecting: -> Idle. Emits
    // neither ended() nor failed().
    void close();

    State state() const { return m_state; }
    // Whole seconds (rounded up) until the next attempt while Reconnecting, else 0.
    int secondsUntilRetry() const;
    // Consecutive attempts that did not lead to a working connection; 0 once
    // a connection delivered something other than `error`.
    int attempt() const { return m_attempt; }
    // Why the last connection ended or the last attempt failed ("Connection
    // refused", "Closed by the server (1001)", ...); empty before any.
    QString dropReason() const { return m_dropReason; }

    // Delay before reconnect attempt n: initialMs * 2^(n-1), at most maxMs,
    // each with +-20% jitter (never above maxMs). Resets after a successful
    // connection (see attempt()).
    void setBackoff(int initialMs = 1000, int maxMs = 30000);
    // Client-side liveness: a ping every intervalMs; two pings unanswered
    // (no pong, no message) count as a drop. Default 30 s.
    void setPingInterval(int intervalMs);

    // The path and query the next attempt will use (with the resume position).
    QString currentPathAndQuery() const;

Q_SIGNALS:
    void message(const QJsonObject &message); // every JSON message (metrics objects are bare)
    void stateChanged(mist::client::StreamConnection::State state);
    void retryCountdown(int seconds); // once per second while Reconnecting
    void failed(const QString &reason);
    void ended();

private:
    // A handshake that has not completed after this long counts as a drop.
    static constexpr int ConnectTimeoutMs = 15000;
    enum class Kind { Other, ContainerLogs, DeploymentLogs, AppStats };

    void connectNow();
    void setState(State state);
    void onConnected();
    void onText(const QString &text);
    void handleMessage(const QJsonObject &received);
    void onSocketError();
    void onDisconnected();
    void onPingTick();
    // The socket is done: decide between Finished, failed and a retry.
    void conclude(std::optional<int> closeCode, const QString &closeReason, bool wasConnected);
    void drop(const QString &reason); // abort the current socket, then retry
    void scheduleRetry(const QString &reason);
    void armCountdown();
    void finishWith(const QString &failure); // empty: ended()
    void releaseSocket(bool graceful);
    bool acceptLogLine(const QJsonObject &data);
    void releaseReplay();

    QPointer<ServerSession> m_session;
    // Set per connection when the session speaks upstream Mist's dialect.
    std::unique_ptr<protocol::upstream::MessageTranslator> m_translator;
    QString m_pathAndQuery;
    Kind m_kind = Kind::Other;
    QWebSocket *m_socket = nullptr;
    State m_state = State::Idle;

    int m_initialMs = 1000;
    int m_maxMs = 30000;
    int m_pingIntervalMs = 30000;
    int m_attempt = 0;
    QString m_dropReason;
    QTimer m_retryTimer;
    QTimer m_countdownTimer;
    QTimer m_pingTimer;
    QTimer m_connectTimer;
    QTimer m_endTimer; // the server closes after `end`; if it does not, we do
    QElapsedTimer m_retryClock;
    int m_retryDelayMs = 0;
    int m_missedPongs = 0;

    // Per connection.
    bool m_closeFrameSeen = false;
    bool m_endReceived = false;
    bool m_healthy = false;
    QString m_lastError; // the last `error` message's text
    int m_handshakeStatus = 0;
    QString m_tlsErrors;

    // Resume position.
    qint64 m_lastIndex = 0;       // deployment logs
    QString m_lastTs;             // container logs: the newest `ts` seen...
    qint64 m_lastTsNs = 0;        // ...as nanoseconds
    QStringList m_linesAtLastTs;  // lines seen stamped exactly m_lastTs
    QStringList m_replayAtLastTs; // of those, the ones a resumed stream may send again
    bool m_resuming = false;      // after a reconnect, until a newer line arrives
    // Upstream container logs have no resume: after a reconnect upstream
    // replays its last 100 lines. They are held until they can be matched
    // with the lines already passed on (protocol::upstream::replayOverlap),
    // and only what is new goes out; when the match is ambiguous, all of it.
    QStringList m_recentLines;       // the last lines passed on (at most 100)
    QList<QJsonObject> m_replayHeld; // replayed lines not yet matched
    bool m_holdingReplay = false;
    QTimer m_replayTimer; // quiet after the replay's last line
};

} // namespace mist::client
