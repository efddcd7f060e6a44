// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertReceiver.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QTest>

namespace mist::test {

bool AlertReceiver::listen(quint16 port) {
    if (!m_server.listen(QHostAddress::LocalHost, port))
        return false;
    m_port = m_server.serverPort();
    QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_server.nextPendingConnection()) {
            s->setParent(this);
            QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { readFrom(s); });
            QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            QObject::connect(s, &QObject::destroyed, this, [this, s] { m_buffers.remove(s); });
        }
    });
    return true;
}

void AlertReceiver::close() {
    m_server.close();
    for (QTcpSocket *s : findChildren<QTcpSocket *>())
        s->abort();
}

QString AlertReceiver::url(const QString &path) const {
    return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
}

void AlertReceiver::readFrom(QTcpSocket *socket) {
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const int end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    Request r;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    r.method = first.value(0);
    r.path = first.value(1);
    for (int i = 1; i < lines.size(); ++i) {
        const int colon = lines[i].indexOf(':');
        if (colon > 0)
            r.headers.insert(lines[i].left(colon).trimmed().toLower(),
                             lines[i].mid(colon + 1).trimmed());
    }
    const int length = r.headers.value("content-length").toInt();
    if (buffer.size() < end + 4 + length)
        return;
    r.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    requests.append(r);
    if (hang)
        return;
    socket->write("HTTP/1.1 " + QByteArray::number(status) +
                  " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    socket->disconnectFromHost();
}

bool AlertReceiver::waitFor(int count, int timeoutMs) {
    return QTest::qWaitFor([&] { return requests.size() >= count; }, timeoutMs);
}

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace mist::test
