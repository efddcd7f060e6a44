// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace mist::store {

class Database;
class Store;

// One deployment of a git app. Status, stage and progress follow the flow of
// docs/DEPLOYMENTS.md ("Status, stage, progress"): pending (0) -> building (cloning_repo 25,
// building_image 30-75) -> deploying (stopping_old 80, starting_new 85-90) -> success (completed,
// 100); failed keeps the stage and progress where it failed.
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
    // The line reports an error of the build (the engine's `error` in the
    // build output), the engine or the pipeline itself; plain output
    // otherwise.
    bool error = false;
};

// The end of a deployment's log, within a byte budget.
struct DeploymentLogTail {
    QList<DeploymentLogLine> lines; // in order
    qint64 omitted = 0;             // lines before them that did not fit
};

// Deployments and their build logs, in the Store's database (schema version 2).
// Every change is committed before it returns, so callers can broadcast
// knowing a restart will not lose what they sent.
class DeploymentStore {
public:
    explicit DeploymentStore(Store &store);

    Expected<Deployment> create(qint64 appId, qint64 userId);
    // std::nullopt when there is no such deployment.
    Expected<std::optional<Deployment>> get(qint64 id);
    Expected<QList<Deployment>> forApp(qint64 appId, int limit = 100);
    // Pending deployments nobody has claimed, oldest first (of one app when appId > 0).
    Expected<QList<Deployment>> unclaimedPending(qint64 appId = 0);
    // Writes status, stage, progress, messages, claim, commit, image and times.
    Expected<void> save(const Deployment &deployment);
    // About what one log line of `textBytes` bytes of UTF-8 takes in the
    // database: its row and, for a long line, the overflow pages it fills.
    qint64 storedLineBytes(qint64 textBytes) const;
    // Appends lines (their `seq` is ignored) in one transaction; returns the
    // seq of the first (0 for no lines).
    Expected<qint64> appendLogs(qint64 deploymentId, const QList<DeploymentLogLine> &lines);
    // The last lines whose sizes add up to at most `maxBytes`, read from the
    // end so that a huge log is never held whole. A line's size is
    // `bytesOf(line)`, by default its UTF-8 bytes plus a newline. A last line
    // too long for the budget on its own is cut to maxBytes - 1 bytes of
    // UTF-8 (at a character boundary).
    Expected<DeploymentLogTail>
    logTail(qint64 deploymentId, qint64 maxBytes,
            const std::function<qint64(const DeploymentLogLine &)> &bytesOf = {});
    // Which deployment of its app this is (1 for the first), and the app's
    // newest successful deployment (the one its container runs; nullopt when
    // there is none).
    Expected<qint64> ordinalInApp(const Deployment &deployment);
    Expected<std::optional<qint64>> latestSuccessful(qint64 appId);
    // A page of a build log: the lines after `afterSeq`, at most `maxLines`
    // of them and no more than `maxChars` characters of text in all (but
    // always the first line). Logs are read only a page at a time: one may
    // be hundreds of megabytes.
    Expected<QList<DeploymentLogLine>> logPage(qint64 deploymentId, qint64 afterSeq, int maxLines,
                                               qint64 maxChars);
    Expected<qint64> logCount(qint64 deploymentId);
    // At start-up: every deployment that was running (or claimed) when the
    // server stopped ends as failed with `message`. Returns how many.
    // status -> number of deployments (for /metrics).
    Expected<QHash<QString, qint64>> countByStatus();
    Expected<int> failInterrupted(const QString &message);

private:
    Database &m_db;
    mutable qint64 m_pageSize = 0; // the database's, read once
};

} // namespace mist::store
