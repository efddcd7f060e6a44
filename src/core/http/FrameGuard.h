// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QObject>
#include <QPointer>

class QAbstractSocket;
class QWebSocket;

namespace mist::http {

// RFC 6455 §5.1: a server MUST close the connection on a frame the client did
// not mask (close code 1002). Qt 6.4's QWebSocket takes such frames as they
// come, so this watches the bytes on their way to it.
//
// It only peeks: QWebSocket reads the socket in its readyRead slot and
// nowhere else. The guard's first slot is connected before QWebSocket's (it
// sees every byte before it is read), and a second one after it, which
// measures what QWebSocket read; from the two it knows where in the stream
// the socket's buffer starts and so where each frame header lies. Data only
// arrives with a readyRead (plain sockets and the OpenSSL backend both emit
// one for every chunk), so anything that breaks that bookkeeping -- a
// readyRead inside QWebSocket's own slot -- turns the guard off for that
// connection rather than let it misread a frame: it fails open.
//
// Before the upgrade is complete the client must wait (RFC 6455 §4.1): a
// byte beyond the handshake head aborts the connection.
class FrameGuard : public QObject {
    Q_OBJECT
public:
    // Call before QWebSocketServer::handleConnection: `headBytes` of the
    // handshake are in the socket's buffer, nothing else.
    FrameGuard(QAbstractSocket *socket, qint64 headBytes);
    // Call once QWebSocketServer made `webSocket` of the socket (its slots are
    // connected by then).
    void attach(QWebSocket *webSocket);

Q_SIGNALS:
    void unmaskedFrame();

private:
    enum class Phase { Handshake, Open, Off };
    void beforeRead();
    void afterRead();
    void reject();

    QAbstractSocket *m_socket;
    QPointer<QWebSocket> m_webSocket;
    Phase m_phase = Phase::Handshake;
    qint64 m_headBytes;
    qint64 m_front = 0;      // stream offset of the first byte in the socket's buffer
    qint64 m_nextHeader = 0; // stream offset of the next frame header
    QByteArray m_header;     // what was seen of that header so far
    qint64 m_availableBefore = 0;
    bool m_inDispatch = false;
};

} // namespace mist::http
