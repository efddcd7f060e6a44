#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mist::store {

class Store;

// One deployment of a git app. Status, stage and progress follow the flow of
// decisions.md: pending (0) -> building (cloning_repo 25, building_image
// 30-75) -> deploying (stopping_old 80, starting_new 85-90) -> success
// (completed, 100); failed keeps the stage and progress where it failed.
struct Deployment {
    qint64 id = 0;
    qint64 appId = 0;
    QString status = QStringLiteral("pending");
    QString stage;
    int progress = 0;
    QString message;
    QString errorMessage;
    bool claimed = false;
    QString commitHash;
    QString commitMessage;
    QString commitAuthor;
    QString imageId;
    qint64 createdBy = 0;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;

    bool isTerminal() const { return status == u"success" || status == u"failed"; }
    // The `data` of a /ws/deployment/logs `status` message.
    QJsonObject statusData() const;
    // The REST shape (snake_case like the status message, plus commit and times).
    QJsonObject toJson() const;
};

struct DeploymentLogLine {
    qint64 seq = 0; // 1-based index within the deployment
    QString line;
};

// Deployments and their build logs, in the Store's database (schema version 2).
// Every change is committed before it returns, so callers can broadcast
// knowing a restart will not lose what they sent.
class DeploymentStore {
public:
    explicit DeploymentStore(Store &store);

    std::optional<Deployment> create(qint64 appId, qint64 userId, QString *error);
    std::optional<Deployment> get(qint64 id, QString *error = nullptr);
    QList<Deployment> forApp(qint64 appId, int limit = 100, QString *error = nullptr);
    // Pending deployments nobody has claimed, oldest first.
    QList<Deployment> unclaimedPending(QString *error = nullptr);
    // Writes status, stage, progress, messages, claim, commit, image and times.
    bool save(const Deployment &deployment, QString *error);
    // Appends lines in one transaction; returns the seq of the first (0 on error).
    qint64 appendLogs(qint64 deploymentId, const QStringList &lines, QString *error);
    // A page of a build log: the lines after `afterSeq`, at most `maxLines`
    // of them and no more than `maxChars` characters of text in all (but
    // always the first line). Logs are read only a page at a time: one may
    // be hundreds of megabytes.
    QList<DeploymentLogLine> logPage(qint64 deploymentId, qint64 afterSeq, int maxLines,
                                     qint64 maxChars, QString *error = nullptr);
    qint64 logCount(qint64 deploymentId, QString *error = nullptr);
    // At start-up: every deployment that was running (or claimed) when the
    // server stopped ends as failed with `message`. Returns how many.
    // status -> number of deployments (for /metrics).
    QHash<QString, qint64> countByStatus(QString *error = nullptr);
    int failInterrupted(const QString &message, QString *error = nullptr);

private:
    QString m_connection;
};

} // namespace mist::store
