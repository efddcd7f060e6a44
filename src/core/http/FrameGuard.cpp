#include "FrameGuard.h"

#include "server/Logging.h"

#include <QAbstractSocket>
#include <QTimer>
#include <QWebSocket>
#include <QtEndian>

namespace mist::http {

namespace {
// A peer that gets a close frame but does not close its side.
constexpr int CloseGraceMs = 2000;
} // namespace

FrameGuard::FrameGuard(QAbstractSocket *socket, qint64 headBytes)
    : QObject(socket)
    , m_socket(socket)
    , m_headBytes(headBytes) {
    // Connected before QWebSocketServer and QWebSocket connect theirs: runs first.
    connect(m_socket, &QIODevice::readyRead, this, &FrameGuard::beforeRead);
}

void FrameGuard::attach(QWebSocket *webSocket) {
    m_webSocket = webSocket;
    if (m_phase != Phase::Handshake)
        return;
    // QWebSocketServer took exactly the head; anything else would have been
    // refused in beforeRead.
    if (m_socket->bytesAvailable() != 0) {
        m_phase = Phase::Off;
        return;
    }
    m_phase = Phase::Open;
    m_front = 0;
    m_nextHeader = 0;
    // Connected after QWebSocket's own slot: runs once it has read.
    connect(m_socket, &QIODevice::readyRead, this, &FrameGuard::afterRead);
}

void FrameGuard::beforeRead() {
    switch (m_phase) {
    case Phase::Off:
        return;
    case Phase::Handshake:
        if (m_socket->bytesAvailable() > m_headBytes) {
            qCInfo(lcHttp).noquote() << "closed a WebSocket that sent data before its handshake"
                                     << "was answered, from" << m_socket->peerAddress().toString();
            m_phase = Phase::Off;
            m_socket->abort();
        }
        return;
    case Phase::Open:
        break;
    }
    if (m_inDispatch || m_socket->state() != QAbstractSocket::ConnectedState) {
        m_phase = Phase::Off; // data arrived inside QWebSocket's own slot: fail open
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    m_availableBefore = available;
    m_inDispatch = true;
    if (m_nextHeader < m_front) {
        m_phase = Phase::Off;
        return;
    }
    if (m_nextHeader + 2 > m_front + available)
        return; // still inside a frame's payload: nothing to look at, nothing copied
    const QByteArray data = m_socket->peek(available);
    qint64 at = m_nextHeader - m_front;
    while (at + 2 <= data.size()) {
        const auto second = uchar(data[at + 1]);
        if (!(second & 0x80)) {
            reject();
            return;
        }
        const int lengthBytes = (second & 0x7f) == 126 ? 2 : (second & 0x7f) == 127 ? 8 : 0;
        if (at + 2 + lengthBytes > data.size())
            break;
        quint64 payload = second & 0x7f;
        if (lengthBytes == 2)
            payload = qFromBigEndian<quint16>(data.constData() + at + 2);
        else if (lengthBytes == 8)
            payload = qFromBigEndian<quint64>(data.constData() + at + 2);
        if (payload > (quint64(1) << 62)) {
            m_phase = Phase::Off; // QWebSocket refuses such a length itself
            return;
        }
        ++m_framesChecked;
        m_nextHeader += 2 + lengthBytes + 4 + qint64(payload);
        at = m_nextHeader - m_front;
    }
}

void FrameGuard::afterRead() {
    if (!m_inDispatch)
        return;
    m_inDispatch = false;
    if (m_phase != Phase::Open)
        return;
    const qint64 available = m_socket->bytesAvailable();
    if (available > m_availableBefore) {
        m_phase = Phase::Off;
        return;
    }
    m_front += m_availableBefore - available;
}

void FrameGuard::reject() {
    m_phase = Phase::Off;
    m_inDispatch = false;
    Q_EMIT unmaskedFrame();
    qCInfo(lcHttp).noquote() << "closed a WebSocket that sent an unmasked frame, from"
                             << m_socket->peerAddress().toString();
    // QWebSocket must not read the frame: it would take it.
    m_socket->skip(m_socket->bytesAvailable());
    QAbstractSocket *socket = m_socket;
    QTimer::singleShot(CloseGraceMs, socket, [socket] { socket->abort(); });
    if (m_webSocket)
        m_webSocket->close(QWebSocketProtocol::CloseCodeProtocolError,
                           QStringLiteral("unmasked frame"));
    else
        m_socket->abort();
}

} // namespace mist::http
