#include "ClientConnection.h"

#include <QTimer>

namespace mist::server {

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

ClientConnection::~ClientConnection() = default;

bool ClientConnection::send(const QString &message) {
    if (m_closing)
        return false;
    if (m_socket->bytesToWrite() > m_maxQueued + m_replayInFlight) {
        // 1013 (Try Again Later) would fit best, but Qt clients treat it as a
        // protocol error; 1008 with a clear reason is understood everywhere.
        close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("client too slow"));
        return false;
    }
    m_socket->sendTextMessage(message);
    return true;
}

bool ClientConnection::sendReplay(const QString &message) {
    if (m_closing)
        return false;
    // Frame overhead is at most 14 bytes; UTF-8 size is what goes out.
    m_replayInFlight += message.size() * 3 + 14;
    m_socket->sendTextMessage(message);
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

} // namespace mist::server
