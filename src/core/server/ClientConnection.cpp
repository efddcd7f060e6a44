#include "ClientConnection.h"

#include "protocol/Envelope.h"

#include <QCoreApplication>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace mist::server {

namespace {
// Send queues of slow clients reach megabytes of small chunks; once freed,
// glibc keeps those pages unless asked. One trim, a moment after the last
// such client went, gives them back to the host (PERFORMANCE.md: memory).
void trimHeapSoon() {
#ifdef __GLIBC__
    static bool pending = false;
    if (pending || !QCoreApplication::instance())
        return;
    pending = true;
    QTimer::singleShot(2000, QCoreApplication::instance(), [] {
        pending = false;
        malloc_trim(0);
    });
#endif
}
} // namespace

ClientConnection::ClientConnection(QWebSocket *socket, const store::User &user,
                                   const QByteArray &sessionToken, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_user(user)
    , m_token(sessionToken) {
    connect(m_socket, &QWebSocket::bytesWritten, this, [this](qint64 written) {
        m_replayInFlight = std::max<qint64>(0, m_replayInFlight - written);
    });
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingFrameSize(MaxIncomingBytes);
    m_socket->setMaxAllowedIncomingMessageSize(MaxIncomingBytes);
    m_lastHeard.start();
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastHeard.restart(); });
    // Clients have nothing to say; anything they send only proves they are alive.
    connect(m_socket, &QWebSocket::textMessageReceived, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        m_closing = true;
        Q_EMIT closed(this);
        deleteLater();
    });
}

ClientConnection::~ClientConnection() {
    if (m_peakQueued > TrimAfterQueuedBytes)
        trimHeapSoon();
}

bool ClientConnection::send(const QString &message) {
    if (m_closing)
        return false;
    if (m_socket->bytesToWrite() > m_maxQueued + m_replayInFlight)
        m_socket->flush(); // what the kernel takes now does not count against the client
    if (m_socket->bytesToWrite() > m_maxQueued + m_replayInFlight) {
        // 1013 (Try Again Later) would fit best, but Qt clients treat it as a
        // protocol error; 1008 with a clear reason is understood everywhere.
        close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("client too slow"));
        return false;
    }
    m_socket->sendTextMessage(message);
    afterWrite();
    return !m_closing; // a flush that failed has closed us
}

void ClientConnection::afterWrite() {
    // Bytes pile up here while our own event loop is busy (a burst from the
    // engine after a stall), not only when the client is slow: hand them to
    // the kernel now, so the cap above measures the client, not us.
    const qint64 queued = m_socket->bytesToWrite();
    if (queued > FlushAboveBytes)
        m_socket->flush();
    m_peakQueued = std::max(m_peakQueued, queued);
}

bool ClientConnection::sendReplay(const QString &message) {
    if (m_closing)
        return false;
    // Frame overhead is at most 14 bytes; UTF-8 size is what goes out.
    m_replayInFlight += message.size() * 3 + 14;
    m_socket->sendTextMessage(message);
    afterWrite();
    return true;
}

void ClientConnection::close(QWebSocketProtocol::CloseCode code, const QString &reason) {
    if (m_closing)
        return;
    m_closing = true;
    // A close frame's reason may hold at most 123 bytes.
    QString shortReason = reason;
    while (shortReason.toUtf8().size() > 123)
        shortReason.chop(1);
    m_socket->close(code, shortReason);
    // A peer that never answers the close frame is cut off.
    QTimer::singleShot(5000, this, [this] { m_socket->abort(); });
}

void ClientConnection::ping() {
    if (!m_closing)
        m_socket->ping();
}

void endClients(const QList<QPointer<ClientConnection>> &clients, const QString &reason,
                bool isError, QWebSocketProtocol::CloseCode code) {
    const QString text = isError ? protocol::errorMessage(reason) : protocol::endMessage(reason);
    for (const QPointer<ClientConnection> &c : clients) {
        if (!c)
            continue;
        c->send(text);
        c->close(code, reason);
    }
}

} // namespace mist::server
