// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>

namespace mist::test {

// A real HTTP receiver on loopback for alert deliveries: records every
// request (method, path, headers, raw body) and answers `status` with an
// empty body; `hang` accepts and never answers.
class AlertReceiver : public QObject {
public:
    struct Request {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // names lower-cased
        QByteArray body;
    };

    // port 0: a free one.
    bool listen(quint16 port = 0);
    void close();
    quint16 port() const { return m_port; }
    QString url(const QString &path) const;

    int status = 200;
    bool hang = false;
    QList<Request> requests;
    // Waits (running the event loop) until `count` requests came.
    bool waitFor(int count, int timeoutMs);

private:
    void readFrom(QTcpSocket *socket);
    QTcpServer m_server;
    quint16 m_port = 0;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// A loopback port nothing listens on (bound, then let go).
quint16 freePort();

} // namespace mist::test
