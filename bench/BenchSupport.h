// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Building blocks of mist-monitor-bench: a real `mist-monitor --server`
// process with its own data directory, containers running the log producer
// (bench/loggen.c), lightweight WebSocket clients that check every line, and
// /proc readings of CPU time and memory. Nothing here is mocked: the server,
// the engine and the sockets are the real ones.

#include "base/Expected.h"
#include "engine/DockerClient.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

namespace mist::bench {

qint64 realtimeNs();
qint64 monotonicNs();
// Runs the event loop until `done` holds or `timeoutMs` passes; returns done().
bool waitUntil(const std::function<bool()> &done, int timeoutMs);
// "== scenario: what" on stdout, before a scenario's figures.
void heading(const char *scenario, const QString &what);
// A figure's `met`: 1 or 0.
int metIf(bool condition);
// A container name of this run: mist-bench-<what>-<pid>-<serial>.
QString containerName(const char *what);
void pumpFor(int ms);

// CPU time (user + system, all threads, including finished ones) and memory
// of a process, from /proc/PID/stat and /proc/PID/status.
struct ProcSample {
    qint64 cpuNs = 0;
    qint64 rssBytes = 0;
    qint64 peakRssBytes = 0;
};
ProcSample sampleProcess(qint64 pid);
// The private engine's dockerd (found by the socket in DOCKER_HOST); 0 if none.
qint64 engineDaemonPid();
// The private engine's directory (scripts/test-dockerd.sh keeps its socket, pid file and data
// there), from a unix:// DOCKER_HOST; empty otherwise.
QString engineDir();
// A client of the engine in DOCKER_HOST; null (the reason on stderr) if it is not usable.
std::unique_ptr<engine::DockerClient> engineClient();

double median(std::vector<double> values);
// Nearest-rank percentile, p in [0, 100]; 0 for an empty input.
qint64 percentile(std::vector<qint64> &values, double p);

// A line written by loggen: "~L<seq> <write ns> xxx". Pure; used by every
// reader so that the server and the baseline do the same work per line.
struct GenLine {
    quint64 seq = 0;
    qint64 writtenNs = 0;
};
bool parseGenLine(QStringView text, GenLine *out);
bool parseGenLine(QByteArrayView text, GenLine *out);

// The docker CLI, synchronously. *ok false on failure (stderr is printed).
QString docker(const QStringList &args, bool *ok = nullptr, int timeoutMs = 60000);

// A container running loggen (bind-mounted from next to this executable),
// waiting for start() before its first line.
class LogContainer {
public:
    LogContainer(const QString &name, quint64 count, int lineBytes, int linesPerSecond);
    ~LogContainer();
    bool ok() const { return m_ok; }
    QString name() const { return m_name; }
    // Lets loggen begin (it polls for a file); returns when the file exists.
    bool start();

private:
    QString m_name;
    bool m_ok = false;
};

// `mist-monitor --server` on a free loopback port with a fresh data
// directory, an owner account signed in, and stderr kept (metrics ticks are
// logged there with QT_LOGGING_RULES=mist.metrics.debug=true).
class ServerProcess : public QObject {
    Q_OBJECT
public:
    explicit ServerProcess(QObject *parent = nullptr);
    ~ServerProcess() override;

    // extraEnv: NAME=VALUE entries added to the server's environment;
    // extraArgs: more options for `mist-monitor --server`.
    // Fails saying why (the account, the process, server.json, the sign-in).
    Expected<void> start(const QStringList &extraEnv = {}, const QStringList &extraArgs = {});
    void stop(); // start() again runs it on the same data directory
    QString dataDir() const { return m_dir.path(); }
    qint64 pid() const { return m_process.processId(); }
    quint16 port() const { return m_port; }
    QByteArray cookie() const { return m_cookie; }
    ProcSample sample() const { return sampleProcess(pid()); }
    QJsonObject stats();
    // POST /api/apps for an existing container; returns the app id, -1 on failure.
    int addContainerApp(const QString &name, const QString &container);
    QUrl wsUrl(const QString &pathAndQuery) const;
    // Realtime ns of each metrics tick the server logged since start.
    const std::vector<qint64> &ticks() const { return m_ticks; }

    // Synchronous HTTP on loopback with the session cookie.
    QByteArray http(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    int *status = nullptr);

private:
    void onStderr();

    QTemporaryDir m_dir;
    bool m_userAdded = false;
    QProcess m_process;
    quint16 m_port = 0;
    QByteArray m_cookie;
    QByteArray m_stderrTail;
    std::vector<qint64> m_ticks;
};

// One viewer: a lean WebSocket client on a plain QTcpSocket (RFC 6455
// framing, pings answered) that counts what it receives and checks that
// loggen lines arrive in order with none missing. It does about the work of
// the engine baseline's reader per line, so the figures measure the server,
// not a heavyweight client; the desktop figures use the real client path.
class BenchClient : public QObject {
    Q_OBJECT
public:
    explicit BenchClient(QObject *parent = nullptr);
    void open(const QUrl &url, const QByteArray &cookie);
    void abort();
    bool connected() const { return m_upgraded; }
    bool closed() const { return m_closed; }

    bool keepLatency = false;  // keep write-to-receipt latency of each line
    bool keepMessages = false; // keep a hash and receipt time per non-log message
    bool keepWritten = false;  // keep (seq, write ns) of each line
    quint64 firstSeq = 0;      // 0 until the first line
    quint64 lastSeq = 0;
    quint64 lines = 0;
    quint64 outOfOrder = 0;    // lines whose seq was not lastSeq + 1
    quint64 otherMessages = 0; // status, metrics, ...
    quint64 errors = 0;        // "error" messages, refused upgrades, unexpected closes
    qint64 firstLineNs = 0;    // receipt (realtime) of the first / last line
    qint64 lastLineNs = 0;
    int closeCode = -1;
    QString lastError;
    std::vector<qint64> latencyNs;
    std::vector<std::pair<size_t, qint64>> messages; // (hash, receipt ns)
    std::vector<std::pair<quint64, qint64>> written; // (seq, write ns)

private:
    void onReadyRead();
    void onMessage(QByteArrayView payload);
    void sendFrame(int opcode, QByteArrayView payload);
    void fail(const QString &why);

    QTcpSocket m_socket;
    QByteArray m_request;
    QByteArray m_buffer;
    qsizetype m_offset = 0;
    QByteArray m_fragments;
    bool m_upgraded = false;
    bool m_closed = false;
    bool m_closing = false;
};

// Many clients on one URL, opened in batches so the listen backlog holds.
class ClientGroup {
public:
    ~ClientGroup();
    // Opens n clients; false if not all connected within the timeout.
    bool open(int n, const QUrl &url, const QByteArray &cookie, bool keepLatency = false,
              bool keepMessages = false, int timeoutMs = 60000);
    void closeAll();
    quint64 totalLines() const;
    quint64 totalErrors() const;
    quint64 totalOutOfOrder() const;
    quint64 minLines() const;
    int connectedCount() const;
    bool allHave(quint64 lastSeq) const;
    QString firstError() const;
    const std::vector<std::unique_ptr<BenchClient>> &clients() const { return m_clients; }

private:
    std::vector<std::unique_ptr<BenchClient>> m_clients;
};

// One line of the report: a figure, optionally a baseline and a target.
struct Figure {
    QString scenario;
    QString name;
    double value = 0;
    QString unit;
    QString target; // e.g. "< 10 ms", "≥ 0.8"; empty: reported only
    int met = -1;   // 1 met, 0 missed, -1 no target
    QString note;
};

class Report {
public:
    void add(const Figure &figure);
    // Functional failures (lost lines, errors): these fail the run.
    void fail(const QString &scenario, const QString &what);
    int failures() const { return int(m_failures.size()); }
    int missed() const;
    void print() const;
    bool writeJson(const QString &path, const QJsonObject &machine) const;

private:
    QList<Figure> m_figures;
    QStringList m_failures;
};

} // namespace mist::bench
