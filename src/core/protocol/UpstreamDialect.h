// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Upstream Mist servers (docs/PROTOCOL.md, "Upstream Mist's dialect") speak a
// dialect of the published protocol: other routes, another metrics schema,
// other stage names, log pieces instead of lines, and a deployment stream
// that never says `end`. These pure functions translate what such a server
// sends into the published shapes the clients of this project understand;
// tests/protocol/tst_upstreamdialect.cpp checks them row by row.

#include "base/Expected.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mist::protocol::upstream {

enum class Stream { ContainerLogs, DeploymentLogs, Metrics, ContainerStats };

// The upstream route of a stream: "/api/ws/container/logs?appId=N",
// "/api/deployments/logs/stream?id=N", "/api/ws/stats",
// "/api/ws/container/stats?appId=N".
QString webSocketPath(Stream stream, qint64 id = 0);

// An upstream `/api/ws/stats` sample as a published `/ws/metrics` object:
// percentages computed from used/total, the disks summed (each one kept in
// an extra `disks` array), the load average kept as an extra `load` object,
// `cpu.cores` and `docker` null (upstream has neither). Fails when the sample
// is not upstream's schema (no numeric cpuUsage or timestamp).
Expected<QJsonObject> metricsFromUpstream(const QJsonObject &sample);

// The other direction, for upstream's clients of this server's
// /api/ws/stats: a published metrics object in upstream's schema
// (cpuUsage, memory {total, used}, one disk named `diskName`, timestamp in
// Unix seconds; loadAverage and uptime when known) and `cpuTemperature`,
// which upstream always sends: degrees Celsius, and 0 (Go's zero float64)
// when the host has no sensor.
struct LoadAverage {
    double one = 0, five = 0, fifteen = 0;
};
QJsonObject metricsToUpstream(const QJsonObject &published, const QString &diskName,
                              const std::optional<LoadAverage> &load,
                              const std::optional<double> &uptimeSeconds,
                              const std::optional<double> &cpuTemperature = std::nullopt);
// /proc/loadavg ("0.10 0.20 0.30 1/123 4567") and /proc/uptime
// ("123.45 678.90"); nullopt when malformed.
std::optional<LoadAverage> parseLoadAverage(const QByteArray &text);
std::optional<double> parseUptimeSeconds(const QByteArray &text);

// Upstream's /api/ws/container/stats?appId= `stats` data, from one app's
// object of this server's /ws/apps/stats (docs/APP-STATS.md): cpu_percent,
// memory_used_mb, memory_limit_mb, memory_percent, network_rx_mb,
// network_tx_mb, block_read_mb, block_write_mb (totals in MiB, as upstream's
// bytesToMB divides by 1024 twice) and pids; a null figure becomes 0 (Go's
// zero value, which upstream sends in its place).
QJsonObject containerStatsToUpstream(const QJsonObject &app);
// The other way, for a client of an upstream server: that `stats` data as
// the figures of a /ws/apps/stats app object (cpu, memory, network, blockio,
// pids; bytes from MiB, rounded). Upstream sends totals only: the rates are
// the change since `previous` (the object this function gave for the last
// message, or empty) over `seconds`, null for the first message, a counter
// that went down (a restarted container) or a non-positive interval. Fails
// naming the field when one is missing, not a number, negative or not
// finite ("Invalid upstream container stats: memory_used_mb").
Expected<QJsonObject> containerStatsFromUpstream(const QJsonObject &data,
                                                 const QJsonObject &previous, double seconds);

// Upstream's deployment status, stage and progress on the published flow:
// status pending/building/deploying/success/failed, stage cloning_repo,
// building_image, starting_new or completed, progress 0..100 (a failed
// deployment keeps the stage it failed in: pass the last one).
struct Progress {
    QString status;
    QString stage;
    int progress = 0;
    friend bool operator==(const Progress &a, const Progress &b) {
        return a.status == b.status && a.stage == b.stage && a.progress == b.progress;
    }
};
Progress progressFromUpstream(const QString &status, const QString &stage, double progress,
                              const QString &lastPublishedStage = {});

// The other way, for upstream's dashboard and scripts reading this server's
// /api/deployments/logs/stream: this project's `status` data {deployment_id,
// status, stage, progress, message, error_message} as upstream's deployer
// writes it (UpdateDeploymentStatus(id, status, stage, progress, err) with
// status == stage): "" → pending, cloning_repo → cloning, building_image →
// building, stopping_old and starting_new → deploying, completed → success,
// and a failed deployment → failed with progress 0, whatever stage it failed
// in. `status` is that same word (upstream's is `cloning` while cloning,
// where this server's is `building`); `message` is upstream's text for the
// stage (stageMessage); `error_message` is left out when empty (Go's
// omitempty). Progress is kept otherwise (this server's is finer than
// upstream's 20/50/80). A stage of a later version keeps its own name, its
// status, and upstream's "Unknown stage".
QJsonObject deploymentStatusToUpstream(const QJsonObject &status);

// Upstream's utils.GetStageMessage: "Deployment queued and waiting to start",
// "Cloning repository from Git", "Building Docker image", "Deploying
// container", "Deployment completed successfully", "Deployment failed",
// "Rolling back to previous version", else "Unknown stage".
QString stageMessage(const QString &upstreamStage);

// This server's deployment object (as GET /api/deployments/{id} answers it)
// in the shape of upstream's models.Deployment JSON, for GET
// /api/deployments/logs?id=N: id, app_id, commit_hash, commit_message and
// commit_author (left out when empty: Go pointers with omitempty),
// triggered_by (the user who started it, left out when unknown),
// deployment_number, status/stage/progress/error_message as
// deploymentStatusToUpstream has them, created_at, started_at and
// finished_at (left out when unset), duration (whole seconds from start to
// finish, when both are known), is_active. Upstream's container_id,
// container_name, image_tag, logs, build_logs_path and rolled_back_from
// are left out: its deployer never sets them either.
struct DeploymentFacts {
    std::optional<qint64> number;      // n-th deployment of its app (1-based)
    std::optional<qint64> triggeredBy; // user id
    bool active = false;               // the app's newest successful deployment
};
QJsonObject deploymentToUpstream(const QJsonObject &deployment, const DeploymentFacts &facts);

// One line of a deployment's log as upstream keeps it in its log file and
// upstream's dashboard reads it back from GET /api/deployments/logs: plain
// text, except a line that reports an error of the build, the engine or the
// pipeline, which is written as the engine's error object {"error": line},
// as upstream's file holds it (upstream's dashboard shows such a line, and
// only such a JSON line, as stderr whatever its words).
QString logFileLine(const QString &line, bool reportedError);

// Upstream's websockets.DetectStreamType: "stderr" when the line, lower-cased,
// contains one of its keywords ("error:", "err:", "fatal:", "panic:",
// "warning:", "warn:", "failed", "failure", "exception:", "traceback",
// "stack trace", " err ", "[error]", "[err]", "[fatal]", "[panic]",
// "[warning]", "[warn]"), else "stdout".
QString detectStreamType(QStringView line);
// The `stream` of a build-log line on upstream's route: "stderr" for a line
// that reports an error of the build, the engine or the pipeline, else what
// upstream's keywords say.
QString deploymentLogStream(QStringView line, bool reportedError);

// Upstream's container `state` (docker.GetContainerStatus) from the engine's
// State.Status: "running" while the container runs (running, paused,
// restarting: the engine's State.Running), "stopped" for exited, else the
// engine's word (created, dead, removing); "stopped" when the engine gave
// none.
QString containerState(const QString &engineStatus);
// Upstream's error for a container that is not running:
// "Container is not running (state: <containerState>)".
QString containerNotRunningMessage(const QString &upstreamState);

// Go's strconv.ParseInt(text, 10, 64), which upstream reads ids with: an
// optional sign and decimal digits within 64 bits; else Go's error text,
// `strconv.ParseInt: parsing "<text>": invalid syntax` (or `value out of
// range`), the text quoted as Go's strconv.Quote quotes it.
struct GoInt {
    std::optional<qint64> value;
    QString error;
};
GoInt parseGoInt64(QStringView text);

// Upstream's REST objects in the shapes of this project's REST answers, so
// one client code path lists apps and deployments of either dialect.
//
// An app of `POST /api/apps/getByProjectId` (camelCase, e.g. {id, projectId,
// name, gitRepository, gitCloneUrl, gitBranch, status}) with the project it
// came from ({id, name} of `GET /api/projects/getAll`) as an entry of
// `GET /api/apps`: {id, name, projectId, projectName, gitUrl (null when the
// app has no repository), gitBranch, containerName "app-{id}" (upstream's
// fixed name), containerState (upstream's app status: running, stopped,
// building, error; null when absent), containerStatus null}. Fails without a
// valid id (an integer 0..2^53) or a name.
Expected<QJsonObject> appFromUpstream(const QJsonObject &app, const QJsonObject &project);
// A deployment of `POST /api/deployments/getByAppId` or the bare object of
// `POST /api/deployments` (snake_case) as this project's deployment object:
// status, stage and progress through progressFromUpstream; commit_hash,
// commit_message, created_at, finished_at, error_message kept; started_at
// from upstream's own, else created_at. Fails without a valid id.
Expected<QJsonObject> deploymentFromUpstream(const QJsonObject &deployment);

// Upstream sends each piece of a line the engine split (at 16 KiB) as its own
// `log` message. A piece of exactly the engine's piece size continues in the
// next message; the joiner gives back whole lines. The engine cuts bytes, so
// a cut may fall inside a character: upstream's JSON encoder (Go) turns each
// of its k cut-off bytes (1..3) into U+FFFD, and such a piece is 16 KiB + 2k
// bytes ending in k U+FFFD; it continues too (the cut character stays lost,
// as U+FFFD, but the line stays whole). Bounded: a line longer than
// maxLineBytes is handed out as it stands (flagged truncated).
class LinePieceJoiner {
public:
    static constexpr qsizetype PieceBytes = 16 * 1024;
    explicit LinePieceJoiner(qsizetype maxLineBytes = 1024 * 1024)
        : m_max(maxLineBytes) {}

    struct Line {
        QString text;
        bool truncated = false;
    };
    // The whole line this piece completes, if it does.
    std::optional<Line> feed(const QString &piece);
    // End of stream: what is held, as a line.
    std::optional<Line> flush();

private:
    QString m_held;
    qsizetype m_heldBytes = 0;
    qsizetype m_max;
};

// An upstream deployment stream ends by closing after `success` or `failed`:
// the message the client shows in place of the `end` or `error` it never
// got; empty when the close came before a final status (a lost connection:
// the client reconnects instead).
struct Ending {
    bool failed = false;
    QString message;
};
std::optional<Ending> endingOfUpstreamDeployment(const QJsonObject &lastStatusData);

// The upstream route for a published one ("/ws/metrics",
// "/ws/container/logs?appId=N", "/ws/deployment/logs?deploymentId=N");
// resume parameters are dropped (upstream has none). Empty if unknown.
// "/ws/apps/stats?appId=N" (one app's figures; the published socket has
// every app, upstream only one container's) is upstream's
// "/api/ws/container/stats?appId=N".
QString upstreamPathFor(const QString &publishedPathAndQuery);

// Upstream has no resume: after a reconnect its container-log stream replays
// its last 100 lines, without timestamps. Given the lines a client already
// has (`seen`, its last ones) and the first lines of the new connection
// (`replay`), how many leading lines of `replay` repeat the end of `seen`:
// the m for which replay[0..m) equals the last m lines of `seen` -- but only
// when exactly one m fits. Lines that repeat with a period (the same line
// over and over) fit several ways; then 0, so that nothing new is ever
// dropped: at worst lines are shown twice.
qsizetype replayOverlap(const QStringList &seen, const QStringList &replay);

// Turns what an upstream server sends on one stream into the messages this
// project's server would have sent: metrics samples into the published
// schema, log pieces into whole lines, upstream stages onto the stepper.
// Stateful (pieces held, the last status); one per connection.
//
// Upstream's per-container stats (Stream::ContainerStats, for the app `id`)
// become /ws/apps/stats messages of that one app: {type: "stats", data:
// {timestamp, apps: [{appId, state: "running", cpu, memory, network,
// blockio, pids}]}} (containerStatsFromUpstream), the rates from the totals'
// change since the last message over the time between their arrivals (at
// least MinRateSeconds apart: a closer message has no rates), and
// the arrival as the sample's timestamp (upstream's are whole seconds); a
// `stats` message that is not upstream's schema is dropped.
class MessageTranslator {
public:
    explicit MessageTranslator(Stream stream, qint64 id = 0)
        : m_stream(stream)
        , m_id(id) {}
    // Zero or more published messages for one upstream message; messages of
    // other types than log, status, error and end (and stats, for
    // ContainerStats) are dropped. `receivedMs`: when it arrived (ms since
    // the epoch; the clock of the rates).
    QList<QJsonObject> translate(const QJsonObject &upstream, qint64 receivedMs);
    QList<QJsonObject> translate(const QJsonObject &upstream);
    // ContainerStats: the least time between the messages a rate is computed over.
    static constexpr double MinRateSeconds = 0.25;
    // On close of a deployment stream, what upstream never sends but this
    // project's server would have: `end` after success, `error` (with
    // upstream's error_message) and `end` after a failure; none before a
    // final status (a lost connection).
    QList<QJsonObject> closingMessages() const;

private:
    QList<QJsonObject> translateStats(const QJsonObject &upstream, qint64 receivedMs);

    Stream m_stream;
    qint64 m_id = 0;
    QJsonObject m_lastFigures; // ContainerStats: the figures of the last stats message
    qint64 m_lastFiguresMs = 0;
    LinePieceJoiner m_joiner;
    QString m_lastStage;
    QJsonObject m_lastStatus;
};

} // namespace mist::protocol::upstream
