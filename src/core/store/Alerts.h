// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Types.h"
#include "alerts/AlertRules.h"
#include "base/Expected.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace mist::store {

class Database;

// A fired or resolved alert: the `data` of a /ws/alerts message.
struct FiredAlert {
    qint64 id = 0;
    std::optional<qint64> ruleId;
    std::optional<qint64> appId;
    QString state; // firing | resolved
    QString severity;
    QString title;
    QString message;
    qint64 since = 0; // seconds since the epoch
    QJsonObject toJson() const;
};

// One queued message for one channel.
struct AlertDelivery {
    qint64 id = 0;
    qint64 channelId = 0;
    QByteArray payload;
    int attempts = 0;
    qint64 createdAt = 0;
    qint64 giveUpAt = 0;
};

// How a channel's deliveries stand (GET /api/alerts/channels, "status"): the messages
// waiting, and for the oldest of them (the one that holds the others back) its failed
// attempts, the last one's error and when it is tried again; when a message last arrived.
struct ChannelStatus {
    int pending = 0;
    int attempts = 0;
    QString lastError;
    std::optional<qint64> nextAttemptAt;   // seconds since the epoch
    std::optional<qint64> lastDeliveredAt; // seconds since the epoch
    int failed = 0;                        // given up after an hour of tries
};

// Rules, channels, fired alerts and the delivery queue (docs/ALERTS.md).
// Errors a client caused start with "Invalid", "Too many" or end in
// "not found"; anything else is the database's.
class Alerts {
public:
    static constexpr int MaxRules = 200;
    static constexpr int MaxChannels = 50;

    explicit Alerts(Database &db)
        : m_db(db) {}

    Expected<alerts::Rule> addRule(alerts::Rule rule);
    Expected<alerts::Rule> updateRule(const alerts::Rule &rule); // by rule.id
    Expected<void> removeRule(qint64 id);
    Expected<std::optional<alerts::Rule>> rule(qint64 id);
    // Owner and admin: every rule; a user: the rules of apps they may see.
    Expected<QList<alerts::Rule>> rulesVisibleTo(const User &user);

    // The channel as sent: with its secret (never put that in an answer).
    Expected<alerts::Channel> addChannel(alerts::Channel channel);
    // keepSecret: the stored secret stays.
    Expected<alerts::Channel> updateChannel(alerts::Channel channel);
    Expected<void> removeChannel(qint64 id);
    Expected<std::optional<alerts::Channel>> channel(qint64 id);
    Expected<QList<alerts::Channel>> channels();

    Expected<FiredAlert> recordAlert(FiredAlert alert);
    // Newest first, at most `limit`.
    Expected<QList<FiredAlert>> alertsVisibleTo(const User &user, int limit);

    // Queues `payload` for a channel; tried until giveUpAt (seconds since
    // the epoch).
    Expected<qint64> enqueue(qint64 channelId, const QByteArray &payload, qint64 giveUpAt,
                             std::optional<qint64> alertId = std::nullopt);
    // Per channel, its oldest pending message when that one is due at `at`
    // (later ones wait behind it: each channel gets its messages in order).
    Expected<QList<AlertDelivery>> due(qint64 at);
    // When the next pending message is due (nullopt: none pending).
    Expected<std::optional<qint64>> nextDue();
    // Takes the message for one sender until `until`; false when another
    // sender holds it or it is no longer pending.
    Expected<bool> claim(qint64 id, qint64 until);
    Expected<void> markDelivered(qint64 id, qint64 at);
    // Another try at `retryAt`, or given up for good when that is past giveUpAt.
    Expected<void> markAttemptFailed(qint64 id, const QString &error, qint64 retryAt);
    // Messages delivered to a channel since `since` (the per-channel rate cap).
    Expected<int> deliveredSince(qint64 channelId, qint64 since);
    Expected<ChannelStatus> channelStatus(qint64 channelId);
    // "pending", "delivered" or "failed"; nullopt when there is no such message.
    Expected<std::optional<QString>> deliveryState(qint64 id);

private:
    Expected<void> setRuleChannels(qint64 ruleId, const QList<qint64> &channels);
    Expected<alerts::Rule> ruleFromRow(qint64 id, const QString &spec);
    Expected<QList<alerts::Rule>> rulesWhere(const QString &tail, const QVariantList &args);

    Database &m_db;
};

} // namespace mist::store
