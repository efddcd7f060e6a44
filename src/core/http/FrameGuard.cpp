// SPDX-License-Identifier: GPL-3.0-or-later

#include "FrameGuard.h"

#include "HttpLogging.h"

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
    m_header.clear();
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
    const qint64 end = m_front + available;
    QByteArray data; // one copy of the buffer per read, and only when a header lies in it
    for (;;) {
        // A header is 2 bytes, then 0, 2 or 8 of length (then the 4-byte key,
        // which does not matter here). QWebSocket may read its first bytes
        // before the rest arrives, so what was seen of it is kept.
        const int lengthBytes = m_header.size() < 2                  ? 0
                                : (uchar(m_header[1]) & 0x7f) == 126 ? 2
                                : (uchar(m_header[1]) & 0x7f) == 127 ? 8
                                                                     : 0;
        const qsizetype needed = 2 + lengthBytes;
        if (m_header.size() < needed) {
            const qint64 from = m_nextHeader + m_header.size();
            if (from < m_front) {
                m_phase = Phase::Off; // read before we saw it: cannot happen, but fail open
                return;
            }
            if (from >= end)
                return;
            if (data.isEmpty())
                data = m_socket->peek(available);
            const qint64 take = std::min<qint64>(needed - m_header.size(), end - from);
            m_header += data.mid(from - m_front, take);
            if (m_header.size() >= 2 && !(uchar(m_header[1]) & 0x80)) {
                reject();
                return;
            }
            continue;
        }
        quint64 payload = uchar(m_header[1]) & 0x7f;
        if (lengthBytes == 2)
            payload = qFromBigEndian<quint16>(m_header.constData() + 2);
        else if (lengthBytes == 8)
            payload = qFromBigEndian<quint64>(m_header.constData() + 2);
        if (payload > (quint64(1) << 62)) {
            m_phase = Phase::Off; // QWebSocket refuses such a length itself
            return;
        }
        m_nextHeader += needed + 4 + qint64(payload);
        m_header.clear();
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
