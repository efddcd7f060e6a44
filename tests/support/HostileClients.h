// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Tools for the hostile-client tests (docs/RELIABILITY.md, "Hostile
// clients"): the real server in a process of its own, raw HTTP exchanges
// from a chosen loopback address, and a WebSocket client that writes frames
// byte by byte, masked or not.

#include "TestSupport.h"
#include "store/Store.h"

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSslConfiguration>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <optional>

class QTcpSocket;

namespace mist::test {

// The real `mist-monitor --server` in a process of its own, for attacks that
// must not share a descriptor table or a heap with the test: its memory,
// descriptors and CPU time are read from /proc/<pid>. Its data directory
// holds an owner, owner@example.com, whose session (cookie(), http(),
// stats()) is made on first use, so that a test counting connections sees
// none it did not open.
class ServerProcess {
public:
    ServerProcess();
    ~ServerProcess(); // SIGTERM, then SIGKILL if it does not stop

    // The store of the data directory, for set-up before start() (closed by it).
    store::Store &store() { return m_store; }
    QString dataDir() const;
    // The child's RLIMIT_NOFILE, soft and hard, from the next start() (systemd
    // gives a service 1024 unless its unit says otherwise); 0: inherited.
    void setDescriptorLimit(int limit) { m_descriptorLimit = limit; }
    // --server --listen 127.0.0.1:0 --data-dir <own> plus `extra` (over https
    // when they hold --tls-cert; any certificate is accepted).
    // Fails with the server's output when it does not come up.
    Expected<void> start(const QStringList &extra = {});
    void stop();

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    // The owner's session cookie value (signs in on first use; empty if that fails).
    QByteArray cookie();
    HttpResult http(const QByteArray &method, const QString &path, const QByteArray &body = {});
    // GET /api/server/stats as the owner.
    QJsonObject stats();
    // Everything it wrote to stderr and stdout so far.
    QByteArray output() const;

    qint64 rssKiB() const;     // VmRSS; -1 when it is gone
    qint64 peakRssKiB() const; // VmHWM
    qint64 rssBytes() const { return rssKiB() < 0 ? -1 : rssKiB() * 1024; }
    int openDescriptors() const; // entries of /proc/<pid>/fd
    double cpuSeconds() const;   // utime + stime

private:
    QTemporaryDir m_dir;
    store::Store m_store;
    QProcess m_process;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    int m_descriptorLimit = 0;
    quint16 m_port = 0;
    bool m_tls = false;
    QByteArray m_cookie;
};

// One request on a fresh raw TCP connection (from `from` when given), the
// whole answer until the server closes or `timeoutMs`; empty when none came.
QByteArray rawHttpExchange(quint16 port, const QByteArray &request, int timeoutMs = 10000,
                           const QString &from = {});
// The status code of an answer ("HTTP/1.1 200 OK..." -> 200), -1 if none.
int statusOf(const QByteArray &answer);

// A WebSocket client over a raw socket (plain, or TLS with `ssl`): the
// frames it sends are exactly what the test says.
class RawWebSocket {
public:
    explicit RawWebSocket(const QSslConfiguration *ssl = nullptr);
    ~RawWebSocket();
    // Connects, sends the upgrade (with the session cookie when given) and
    // returns the answer's status (101 on success), -1 when none came.
    int upgrade(quint16 port, const QString &pathAndQuery, const QByteArray &cookie,
                const QByteArray &extraHeaders = {});
    // One frame with FIN set; masked as RFC 6455 wants clients to, or not.
    QByteArray frame(int opcode, const QByteArray &payload, bool masked = true) const;
    void send(const QByteArray &bytes);
    struct Frame {
        int opcode = 0;
        QByteArray payload;
        int closeCode() const; // for a close frame
    };
    // The next frame from the server, skipping pings, within `timeoutMs`.
    std::optional<Frame> next(int timeoutMs = 5000, bool skipPings = true);
    // Waits until the server closed the TCP connection.
    bool waitDisconnected(int timeoutMs = 5000);
    QTcpSocket &socket() { return *m_socket; }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_in;
};

} // namespace mist::test
