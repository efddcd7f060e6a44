#pragma once

// Tools for the hostile-client tests (docs/RELIABILITY.md, "Hostile
// clients"): the real server in a process of its own, raw HTTP exchanges
// from a chosen loopback address, and a WebSocket client that writes frames
// byte by byte, masked or not.

#include <QByteArray>
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
// descriptors and CPU time are read from /proc/<pid>.
class ServerProcess {
public:
    ServerProcess();
    ~ServerProcess(); // SIGTERM, then SIGKILL if it does not stop

    // --server --listen 127.0.0.1:0 --data-dir <own> plus `extra`.
    // descriptorLimit > 0: the child's RLIMIT_NOFILE, soft and hard (systemd
    // gives a service 1024 unless its unit says otherwise).
    bool start(const QStringList &extra = {}, int descriptorLimit = 0);
    // `mist-monitor user add` on the same data directory (before start()).
    bool addUser(const QString &email, const QByteArray &password, const QString &role);
    void stop();

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QString dataDir() const;
    // Everything it wrote to stderr and stdout so far.
    QByteArray output();

    qint64 rssKiB() const;       // VmRSS
    qint64 peakRssKiB() const;   // VmHWM
    int openDescriptors() const; // entries of /proc/<pid>/fd
    double cpuSeconds() const;   // utime + stime

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
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
