// SPDX-License-Identifier: GPL-3.0-or-later

#include "StreamConnection.h"

#include "ServerSession.h"
#include "protocol/Parsing.h"
#include "protocol/UpstreamDialect.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslError>
#include <QUrlQuery>
#include <QWebSocket>

namespace mist::client {

namespace {

// A 1 MiB log line of control characters is about 6 MiB once JSON-escaped.
constexpr qint64 MaxMessageBytes = 16 * 1024 * 1024;
constexpr qint64 ReadChunkBytes = 128 * 1024;
constexpr int EndGraceMs = 5000;
constexpr int CloseGraceMs = 2000;
constexpr int UpstreamReplayLines = 100; // upstream's tail on connect
constexpr int ReplayQuietMs = 300;       // a replay is a burst; then the live lines

QString handshakeRefusal(int status) {
    switch (status) {
    case 401:
        return QStringLiteral("Not signed in (HTTP 401)");
    case 403:
        return QStringLiteral("Refused by the server (HTTP 403)");
    case 404:
        return QStringLiteral("No such stream on this server (HTTP 404)");
    default:
        return QStringLiteral("Refused by the server (HTTP %1)").arg(status);
    }
}

// Qt 6.4 reports a refused upgrade only as text:
// "QWebSocketPrivate::processHandshake: Unhandled http status code: 401 (Unauthorized)."
int handshakeStatus(const QString &errorString) {
    static const QRegularExpression re(QStringLiteral("status code: (\\d{3})"));
    const QRegularExpressionMatch m = re.match(errorString);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

bool isFinalHandshakeStatus(int status) {
    // Client errors do not heal by retrying, except a timeout or "too many requests".
    return status >= 400 && status < 500 && status != 408 && status != 429;
}

bool isProtocolClose(int code) {
    return code == QWebSocketProtocol::CloseCodeProtocolError ||
           code == QWebSocketProtocol::CloseCodeDatatypeNotSupported ||
           code == QWebSocketProtocol::CloseCodeWrongDatatype ||
           code == QWebSocketProtocol::CloseCodeTooMuchData ||
           code == QWebSocketProtocol::CloseCodeMissingExtension;
}

} // namespace

StreamConnection::StreamConnection(ServerSession *session, const QString &pathAndQuery,
                                   QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_pathAndQuery(pathAndQuery) {
    const QString path = QUrl(pathAndQuery).path();
    if (path == u"/ws/container/logs")
        m_kind = Kind::ContainerLogs;
    else if (path == u"/ws/deployment/logs")
        m_kind = Kind::DeploymentLogs;
    else if (path == u"/ws/apps/stats")
        m_kind = Kind::AppStats;

    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        m_countdownTimer.stop();
        connectNow();
    });
    // Ticks when the whole seconds left change, so every value is shown once.
    m_countdownTimer.setSingleShot(true);
    m_countdownTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_countdownTimer, &QTimer::timeout, this, [this] {
        if (const int seconds = secondsUntilRetry(); seconds > 0) {
            armCountdown();
            Q_EMIT retryCountdown(seconds);
        }
    });
    connect(&m_pingTimer, &QTimer::timeout, this, &StreamConnection::onPingTick);
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this,
            [this] { drop(QStringLiteral("Timed out connecting")); });
    m_replayTimer.setSingleShot(true);
    m_replayTimer.setInterval(ReplayQuietMs);
    connect(&m_replayTimer, &QTimer::timeout, this, [this] {
        if (m_holdingReplay)
            releaseReplay();
    });
    m_endTimer.setSingleShot(true);
    connect(&m_endTimer, &QTimer::timeout, this, [this] {
        releaseSocket(true);
        conclude(std::nullopt, QString(), true);
    });
}

StreamConnection::~StreamConnection() {
    releaseSocket(true);
}

void StreamConnection::setBackoff(int initialMs, int maxMs) {
    m_initialMs = qMax(1, initialMs);
    m_maxMs = qMax(m_initialMs, maxMs);
}

void StreamConnection::setPingInterval(int intervalMs) {
    m_pingIntervalMs = qMax(1, intervalMs);
    if (m_pingTimer.isActive())
        m_pingTimer.start(m_pingIntervalMs);
}

int StreamConnection::secondsUntilRetry() const {
    if (m_state != State::Reconnecting)
        return 0;
    const qint64 left = qMax<qint64>(0, m_retryDelayMs - m_retryClock.elapsed());
    return int((left + 999) / 1000);
}

QString StreamConnection::currentPathAndQuery() const {
    if (m_session && m_session->dialect() == ServerSession::Dialect::Upstream)
        return protocol::upstream::upstreamPathFor(m_pathAndQuery);
    QUrl url(m_pathAndQuery);
    QUrlQuery query(url);
    if (m_kind == Kind::DeploymentLogs && m_lastIndex > 0) {
        query.removeAllQueryItems(QStringLiteral("after"));
        query.addQueryItem(QStringLiteral("after"), QString::number(m_lastIndex));
    } else if (m_kind == Kind::ContainerLogs && !m_lastTs.isEmpty()) {
        query.removeAllQueryItems(QStringLiteral("since"));
        query.addQueryItem(QStringLiteral("since"), m_lastTs);
    }
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

void StreamConnection::open() {
    if (m_state != State::Idle && m_state != State::Finished)
        return;
    if (m_state == State::Finished) {
        m_lastIndex = 0;
        m_lastTs.clear();
        m_lastTsNs = 0;
        m_linesAtLastTs.clear();
        m_replayAtLastTs.clear();
        m_resuming = false;
        m_recentLines.clear(); // a fresh open: upstream's tail is news again
    }
    m_attempt = 0;
    connectNow();
}

void StreamConnection::close() {
    m_retryTimer.stop();
    m_countdownTimer.stop();
    m_pingTimer.stop();
    m_connectTimer.stop();
    m_endTimer.stop();
    releaseSocket(true);
    setState(State::Idle);
}

void StreamConnection::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void StreamConnection::connectNow() {
    if (!m_session)
        return finishWith(QStringLiteral("The server session is gone"));
    const QString pathAndQuery = currentPathAndQuery();
    if (pathAndQuery.isEmpty())
        return finishWith(QStringLiteral("Upstream Mist has no stream for %1").arg(m_pathAndQuery));
    const QNetworkRequest request = m_session->webSocketRequest(pathAndQuery);
    if (!request.url().isValid() || request.url().isEmpty())
        return finishWith(QStringLiteral("Invalid server URL"));
    using protocol::upstream::Stream;
    m_translator.reset();
    if (m_session->dialect() == ServerSession::Dialect::Upstream)
        m_translator = std::make_unique<protocol::upstream::MessageTranslator>(
            m_kind == Kind::ContainerLogs    ? Stream::ContainerLogs
            : m_kind == Kind::DeploymentLogs ? Stream::DeploymentLogs
            : m_kind == Kind::AppStats       ? Stream::ContainerStats
                                             : Stream::Metrics,
            // The one app of upstream's per-container stats (upstreamPathFor has checked it).
            QUrlQuery(QUrl(m_pathAndQuery)).queryItemValue(QStringLiteral("appId")).toLongLong());

    m_closeFrameSeen = false;
    m_endReceived = false;
    m_healthy = false;
    m_lastError.clear();
    m_handshakeStatus = 0;
    m_tlsErrors.clear();
    m_missedPongs = 0;
    setState(State::Connecting);
    if (m_state != State::Connecting)
        return; // a stateChanged() slot closed us

    releaseSocket(false);
    m_holdingReplay = m_translator && m_kind == Kind::ContainerLogs && !m_recentLines.isEmpty();
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket->setMaxAllowedIncomingMessageSize(MaxMessageBytes);
    // QWebSocket handles every frame it has read in one go: with an unbounded
    // read buffer, a burst of megabytes becomes one long stall of the event
    // loop (and of a desktop window). Bounded, each turn handles at most
    // this much and the rest waits in the kernel.
    m_socket->setReadBufferSize(ReadChunkBytes);
    if (const auto ssl = m_session->sslConfiguration())
        m_socket->setSslConfiguration(*ssl);
    connect(m_socket, &QWebSocket::connected, this, &StreamConnection::onConnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &StreamConnection::onText);
    connect(m_socket, &QWebSocket::disconnected, this, &StreamConnection::onDisconnected);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &StreamConnection::onSocketError);
    connect(m_socket, &QWebSocket::pong, this, [this] { m_missedPongs = 0; });
    // Emitted when a close frame arrives (our own closes detach the socket
    // first): tells a real close code from Qt's default for a dropped line.
    connect(m_socket, &QWebSocket::aboutToClose, this, [this] { m_closeFrameSeen = true; });
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors) {
            if (!texts.contains(e.errorString()))
                texts << e.errorString();
        }
        m_tlsErrors = texts.join(QStringLiteral("; "));
    });
    m_connectTimer.start(ConnectTimeoutMs);
    m_socket->open(request);
}

void StreamConnection::onConnected() {
    m_connectTimer.stop();
    m_dropReason.clear();
    m_missedPongs = 0;
    m_pingTimer.start(m_pingIntervalMs);
    setState(State::Connected);
}

void StreamConnection::onText(const QString &text) {
    m_missedPongs = 0; // any frame proves the server alive
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (!doc.isObject())
        return;
    if (!m_translator)
        return handleMessage(doc.object());
    for (const QJsonObject &translated : m_translator->translate(doc.object())) {
        handleMessage(translated);
        if (!m_socket || m_state != State::Connected)
            return; // a slot closed the stream
    }
}

void StreamConnection::handleMessage(const QJsonObject &received) {
    const QString type = received.value(QStringLiteral("type")).toString();
    const QJsonObject data = received.value(QStringLiteral("data")).toObject();
    if (type == u"error") {
        m_lastError = data.value(QStringLiteral("message")).toString();
    } else if (!m_healthy) {
        // A connection that delivers something besides an error is a
        // success: the next drop starts the backoff from the beginning.
        m_healthy = true;
        m_attempt = 0;
    }
    if (m_holdingReplay) {
        if (type == u"log") {
            m_replayHeld.append(received);
            if (m_replayHeld.size() >= UpstreamReplayLines)
                releaseReplay();
            else
                m_replayTimer.start();
            return;
        }
        if (type != u"status")
            releaseReplay(); // an error or end comes after the lines
        if (!m_socket || m_state != State::Connected)
            return;
    }
    if (type == u"log" && !acceptLogLine(data))
        return;
    if (type == u"log" && m_translator && m_kind == Kind::ContainerLogs) {
        m_recentLines.append(data.value(QStringLiteral("line")).toString());
        if (m_recentLines.size() > UpstreamReplayLines)
            m_recentLines.removeFirst();
    }
    if (type == u"end") {
        m_endReceived = true;
        m_endTimer.start(EndGraceMs);
    }
    Q_EMIT message(received);
}

void StreamConnection::releaseReplay() {
    m_holdingReplay = false;
    m_replayTimer.stop();
    const QList<QJsonObject> held = std::exchange(m_replayHeld, {});
    QStringList texts;
    for (const QJsonObject &m : held)
        texts
            << m.value(QStringLiteral("data")).toObject().value(QStringLiteral("line")).toString();
    const qsizetype skip = protocol::upstream::replayOverlap(m_recentLines, texts);
    const QPointer<QWebSocket> socket(m_socket);
    for (qsizetype i = skip; i < held.size(); ++i) {
        handleMessage(held[i]);
        if (!socket || m_socket != socket)
            return; // a slot closed the stream
    }
}

bool StreamConnection::acceptLogLine(const QJsonObject &data) {
    if (m_kind == Kind::DeploymentLogs) {
        const qint64 index = data.value(QStringLiteral("index")).toInteger(0);
        if (index <= 0)
            return true;
        if (index <= m_lastIndex)
            return false; // sent again after a reconnect
        m_lastIndex = index;
        return true;
    }
    if (m_kind != Kind::ContainerLogs)
        return true;
    const QString ts = data.value(QStringLiteral("ts")).toString();
    const auto ns = protocol::parseEngineTimestampNs(ts);
    if (!ns)
        return true;
    const QString line = data.value(QStringLiteral("line")).toString();
    if (m_resuming) {
        // A server that ignores `since` (or treats it as inclusive, as the
        // engine does) sends lines we already have: drop them.
        if (*ns < m_lastTsNs)
            return false;
        if (*ns == m_lastTsNs) {
            const qsizetype i = m_replayAtLastTs.indexOf(line);
            if (i >= 0) {
                m_replayAtLastTs.removeAt(i);
                return false;
            }
        } else {
            m_resuming = false;
            m_replayAtLastTs.clear();
        }
    }
    if (m_lastTs.isEmpty() || *ns > m_lastTsNs) {
        m_lastTsNs = *ns;
        m_lastTs = ts;
        m_linesAtLastTs = QStringList{line};
    } else if (*ns == m_lastTsNs) {
        m_linesAtLastTs << line;
    }
    return true;
}

void StreamConnection::onSocketError() {
    if (!m_socket)
        return;
    if (m_state == State::Connected) {
        // The disconnect follows; remember why.
        m_dropReason = m_socket->errorString();
        return;
    }
    m_handshakeStatus = handshakeStatus(m_socket->errorString());
    m_dropReason = m_handshakeStatus ? QStringLiteral("HTTP %1").arg(m_handshakeStatus)
                                     : m_socket->errorString();
    releaseSocket(false);
    conclude(std::nullopt, QString(), false);
}

void StreamConnection::onDisconnected() {
    if (!m_socket)
        return;
    if (m_holdingReplay) {
        const QPointer<QWebSocket> socket(m_socket);
        releaseReplay(); // what was held is still news
        if (!socket || m_socket != socket)
            return;
    }
    // Upstream closes a deployment stream after its final status without
    // `end` or `error`: say what it would have said.
    if (m_translator && m_state == State::Connected && !m_endReceived) {
        for (const QJsonObject &closing : m_translator->closingMessages()) {
            handleMessage(closing);
            if (!m_socket || m_state != State::Connected)
                return; // a slot closed the stream
        }
        // Upstream may drop the connection after an `error` ("Container not
        // found") without a close frame: that is final too, not a drop.
        if (!m_endReceived && !m_lastError.isEmpty()) {
            releaseSocket(false);
            m_pingTimer.stop();
            m_connectTimer.stop();
            return finishWith(m_lastError);
        }
    }
    const bool wasConnected = m_state == State::Connected;
    std::optional<int> code;
    QString reason;
    if (m_closeFrameSeen) {
        code = int(m_socket->closeCode());
        reason = m_socket->closeReason();
    } else if (!wasConnected) {
        m_dropReason = m_socket->errorString().isEmpty()
                           ? QStringLiteral("Connection closed during the handshake")
                           : m_socket->errorString();
    } else if (m_dropReason.isEmpty()) {
        m_dropReason = QStringLiteral("Connection lost");
    }
    releaseSocket(false);
    conclude(code, reason, wasConnected);
}

void StreamConnection::onPingTick() {
    if (!m_socket || m_state != State::Connected)
        return;
    if (m_missedPongs >= 2)
        return drop(QStringLiteral("The server stopped answering pings"));
    ++m_missedPongs;
    m_socket->ping();
}

void StreamConnection::drop(const QString &reason) {
    const bool wasConnected = m_state == State::Connected;
    m_dropReason = reason;
    releaseSocket(false);
    conclude(std::nullopt, QString(), wasConnected);
}

void StreamConnection::conclude(std::optional<int> closeCode, const QString &closeReason,
                                bool wasConnected) {
    m_pingTimer.stop();
    m_connectTimer.stop();
    m_endTimer.stop();
    if (m_endReceived)
        return finishWith(QString());
    if (!wasConnected) {
        if (!m_tlsErrors.isEmpty() && m_session)
            return finishWith(QStringLiteral("TLS error with %1: %2")
                                  .arg(m_session->baseUrl().toString(), m_tlsErrors));
        if (isFinalHandshakeStatus(m_handshakeStatus))
            return finishWith(handshakeRefusal(m_handshakeStatus));
        return scheduleRetry(m_dropReason.isEmpty() ? QStringLiteral("Cannot connect")
                                                    : m_dropReason);
    }
    if (!closeCode)
        return scheduleRetry(m_dropReason.isEmpty() ? QStringLiteral("Connection lost")
                                                    : m_dropReason);
    const int code = *closeCode;
    if (code == QWebSocketProtocol::CloseCodePolicyViolated) {
        // The server asks a viewer that fell behind to come back and resume.
        if (closeReason == u"client too slow")
            return scheduleRetry(QStringLiteral("Closed by the server: client too slow"));
        if (!m_lastError.isEmpty())
            return finishWith(m_lastError);
        return finishWith(closeReason.isEmpty()
                              ? QStringLiteral("Refused by the server (close 1008)")
                              : closeReason);
    }
    if (code == QWebSocketProtocol::CloseCodeNormal && !m_lastError.isEmpty())
        return finishWith(m_lastError); // "Container not running", "Container not found"
    if (isProtocolClose(code))
        return finishWith(
            QStringLiteral("Closed by the server (%1%2)")
                .arg(code)
                .arg(closeReason.isEmpty() ? QString() : QStringLiteral(": ") + closeReason));
    // 1000 without a terminal message, 1001 going away, 1011 server error,
    // 1012 restart, 1013 try again later, 1014 and anything unknown.
    scheduleRetry(QStringLiteral("Closed by the server (%1%2)")
                      .arg(code)
                      .arg(!m_lastError.isEmpty()  ? QStringLiteral(": ") + m_lastError
                           : closeReason.isEmpty() ? QString()
                                                   : QStringLiteral(": ") + closeReason));
}

void StreamConnection::scheduleRetry(const QString &reason) {
    m_dropReason = reason;
    ++m_attempt;
    qint64 base = m_initialMs;
    for (int i = 1; i < m_attempt && base < m_maxMs; ++i)
        base *= 2;
    base = qMin<qint64>(base, m_maxMs);
    // +-20% so that many clients of one restarted server do not return in step.
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    m_retryDelayMs = int(qBound<qint64>(1, qint64(double(base) * jitter), qint64(m_maxMs)));
    m_retryClock.start();
    m_retryTimer.start(m_retryDelayMs);
    armCountdown();
    if (m_kind == Kind::ContainerLogs && !m_lastTs.isEmpty()) {
        m_replayAtLastTs = m_linesAtLastTs;
        m_resuming = true;
    }
    setState(State::Reconnecting);
    if (m_state == State::Reconnecting)
        Q_EMIT retryCountdown(secondsUntilRetry());
}

void StreamConnection::armCountdown() {
    const qint64 left = qMax<qint64>(0, m_retryDelayMs - m_retryClock.elapsed());
    const qint64 seconds = (left + 999) / 1000;
    if (seconds > 1)
        m_countdownTimer.start(int(left - (seconds - 1) * 1000));
}

void StreamConnection::finishWith(const QString &failure) {
    m_retryTimer.stop();
    m_countdownTimer.stop();
    releaseSocket(true);
    setState(State::Finished);
    if (m_state != State::Finished)
        return;
    if (failure.isEmpty())
        Q_EMIT ended();
    else
        Q_EMIT failed(failure);
}

void StreamConnection::releaseSocket(bool graceful) {
    // A replay still held belongs to this socket (onDisconnected passed it
    // on first when the line dropped; a close or timeout drops it with us).
    m_replayTimer.stop();
    m_holdingReplay = false;
    m_replayHeld.clear();
    if (!m_socket)
        return;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    if (graceful && socket->state() == QAbstractSocket::ConnectedState) {
        // Let the close frame go out; the socket then deletes itself.
        socket->setParent(nullptr);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(CloseGraceMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        socket->close(QWebSocketProtocol::CloseCodeNormal);
        return;
    }
    socket->abort();
    socket->deleteLater();
}

} // namespace mist::client
