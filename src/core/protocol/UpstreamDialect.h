#pragma once

// Upstream Mist servers (../shared/spec/upstream-mist-dialect.md) speak a
// dialect of the published protocol: other routes, another metrics schema,
// other stage names, log pieces instead of lines, and a deployment stream
// that never says `end`. These pure functions translate what such a server
// sends into the published shapes the clients of this project understand;
// tests/protocol/tst_upstreamdialect.cpp checks them row by row.

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mist::protocol::upstream {

enum class Stream { ContainerLogs, DeploymentLogs, Metrics };

// The upstream route of a stream: "/api/ws/container/logs?appId=N",
// "/api/deployments/logs/stream?id=N", "/api/ws/stats".
QString webSocketPath(Stream stream, qint64 id = 0);

// An upstream `/api/ws/stats` sample as a published `/ws/metrics` object:
// percentages computed from used/total, the disks summed (each one kept in
// an extra `disks` array), the load average kept as an extra `load` object,
// `cpu.cores` and `docker` null (upstream has neither). nullopt, with *error,
// when the sample is not upstream's schema (no numeric cpuUsage or timestamp).
std::optional<QJsonObject> metricsFromUpstream(const QJsonObject &sample, QString *error);

// The other direction, for upstream's clients of this server's
// /api/ws/stats: a published metrics object in upstream's schema
// (cpuUsage, memory {total, used}, one disk named `diskName`, timestamp in
// Unix seconds; loadAverage and uptime when known).
struct LoadAverage {
    double one = 0, five = 0, fifteen = 0;
};
QJsonObject metricsToUpstream(const QJsonObject &published, const QString &diskName,
                              const std::optional<LoadAverage> &load,
                              const std::optional<double> &uptimeSeconds);
// /proc/loadavg ("0.10 0.20 0.30 1/123 4567") and /proc/uptime
// ("123.45 678.90"); nullopt when malformed.
std::optional<LoadAverage> parseLoadAverage(const QByteArray &text);
std::optional<double> parseUptimeSeconds(const QByteArray &text);

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

// The other way, for scripts written for upstream that read this server's
// /api/deployments/logs/stream: this project's `status` data {deployment_id,
// status, stage, progress, message, error_message} with the stage in
// upstream's words: "" → pending, cloning_repo → cloning, building_image →
// building, stopping_old and starting_new → deploying, completed → success,
// and the stage of a failed deployment → failed. Status (pending, building,
// deploying, success, failed: upstream's words too) and progress are kept;
// other fields are passed through.
QJsonObject deploymentStatusToUpstream(const QJsonObject &status);

// Upstream's REST objects in the shapes of this project's REST answers, so
// one client code path lists apps and deployments of either dialect.
//
// An app of `POST /api/apps/getByProjectId` (camelCase, e.g. {id, projectId,
// name, gitRepository, gitCloneUrl, gitBranch, status}) with the project it
// came from ({id, name} of `GET /api/projects/getAll`) as an entry of
// `GET /api/apps`: {id, name, projectId, projectName, gitUrl (null when the
// app has no repository), gitBranch, containerName "app-{id}" (upstream's
// fixed name), containerState (upstream's app status: running, stopped,
// building, error; null when absent), containerStatus null}. nullopt, with
// *error, without a valid id (an integer 0..2^53) or a name.
std::optional<QJsonObject> appFromUpstream(const QJsonObject &app, const QJsonObject &project,
                                           QString *error);
// A deployment of `POST /api/deployments/getByAppId` or the bare object of
// `POST /api/deployments` (snake_case) as this project's deployment object:
// status, stage and progress through progressFromUpstream; commit_hash,
// commit_message, created_at, finished_at, error_message kept; started_at
// from upstream's own, else created_at. nullopt, with *error, without a
// valid id.
std::optional<QJsonObject> deploymentFromUpstream(const QJsonObject &deployment, QString *error);

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
class MessageTranslator {
public:
    explicit MessageTranslator(Stream stream)
        : m_stream(stream) {}
    // Zero or more published messages for one upstream message; messages of
    // other types than log, status, error and end are dropped.
    QList<QJsonObject> translate(const QJsonObject &upstream);
    // On close of a deployment stream, what upstream never sends but this
    // project's server would have: `end` after success, `error` (with
    // upstream's error_message) and `end` after a failure; none before a
    // final status (a lost connection).
    QList<QJsonObject> closingMessages() const;

private:
    Stream m_stream;
    LinePieceJoiner m_joiner;
    QString m_lastStage;
    QJsonObject m_lastStatus;
};

} // namespace mist::protocol::upstream
