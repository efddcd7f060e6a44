// SPDX-License-Identifier: GPL-3.0-or-later

// Alerts' channels, fired alerts and the delivery queue (Alerts.h).

#include "Alerts.h"

#include "Database.h"

#include <QJsonDocument>

namespace mist::store {

namespace {

QString channelSpec(const alerts::Channel &c) {
    QJsonObject o = c.toJson(); // never carries the secret
    o.remove(QStringLiteral("id"));
    o.remove(QStringLiteral("secretSet"));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString notNull(const QString &s) {
    return s.isNull() ? QStringLiteral("") : s;
}

// Never NULL (a null QString binds as NULL): '' is "no secret".
QString secretOf(const alerts::Channel &c) {
    const QString s = c.kind == u"email" ? c.smtp.password : c.secret;
    return s.isNull() ? QStringLiteral("") : s;
}

Expected<alerts::Channel> channelFromRow(const QSqlQuery &q) {
    const qint64 id = q.value(0).toLongLong();
    auto c = alerts::parseChannel(QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object());
    if (!c)
        return fail(
            QStringLiteral("database error: channel %1 unreadable (%2)").arg(id).arg(c.error()));
    c->id = id;
    c->keepSecret = false;
    const QString secret = q.value(2).toString();
    if (c->kind == u"email")
        c->smtp.password = secret;
    else
        c->secret = secret;
    return c;
}

} // namespace

Expected<alerts::Channel> Alerts::addChannel(alerts::Channel channel) {
    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return fail(begun.error());
    auto counted = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM alert_channels"));
    if (!counted)
        return fail(counted.error());
    if (auto row = expectRow(*counted); !row)
        return fail(row.error());
    if (counted->value(0).toLongLong() >= MaxChannels)
        return fail(QStringLiteral("Too many channels (at most %1)").arg(MaxChannels));
    auto inserted =
        m_db.exec(QStringLiteral("INSERT INTO alert_channels (name, kind, spec, secret,"
                                 " created_at) VALUES (?, ?, ?, ?, ?)"),
                  {channel.name, channel.kind, channelSpec(channel), secretOf(channel), now()});
    if (!inserted)
        return fail(inserted.error());
    if (auto committed = tx.commit(); !committed)
        return fail(committed.error());
    channel.id = inserted->lastInsertId().toLongLong();
    channel.keepSecret = false;
    return channel;
}

Expected<alerts::Channel> Alerts::updateChannel(alerts::Channel channel) {
    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return fail(begun.error());
    const auto old = this->channel(channel.id);
    if (!old)
        return fail(old.error());
    if (!*old)
        return fail("Channel not found");
    // A kind change keeps nothing: a webhook secret is no SMTP password. An
    // SMTP password is sent to the server it signs in to: a new server or
    // user name, or STARTTLS turned off, must come with the password again.
    const alerts::SmtpSettings &was = (*old)->smtp;
    if (channel.keepSecret && channel.kind == u"email" && (*old)->kind == channel.kind &&
        !was.password.isEmpty() &&
        (was.url != channel.smtp.url || was.username != channel.smtp.username ||
         (was.starttls && !channel.smtp.starttls)))
        return fail("Invalid smtp.password");
    if (channel.keepSecret && (*old)->kind == channel.kind) {
        channel.secret = (*old)->secret;
        channel.smtp.password = (*old)->smtp.password;
    }
    channel.keepSecret = false;
    auto updated = m_db.exec(
        QStringLiteral("UPDATE alert_channels SET name = ?, kind = ?, spec = ?,"
                       " secret = ? WHERE id = ?"),
        {channel.name, channel.kind, channelSpec(channel), secretOf(channel), channel.id});
    if (!updated)
        return fail(updated.error());
    if (auto committed = tx.commit(); !committed)
        return fail(committed.error());
    return channel;
}

Expected<void> Alerts::removeChannel(qint64 id) {
    auto removed = m_db.exec(QStringLiteral("DELETE FROM alert_channels WHERE id = ?"), {id});
    if (!removed)
        return fail(removed.error());
    if (removed->numRowsAffected() < 1)
        return fail("Channel not found");
    return {};
}

Expected<std::optional<alerts::Channel>> Alerts::channel(qint64 id) {
    auto query =
        m_db.exec(QStringLiteral("SELECT id, spec, secret FROM alert_channels WHERE id = ?"), {id});
    if (!query)
        return fail(query.error());
    const auto row = nextRow(*query);
    if (!row)
        return fail(row.error());
    if (!*row)
        return std::optional<alerts::Channel>();
    auto c = channelFromRow(*query);
    if (!c)
        return fail(c.error());
    return std::optional<alerts::Channel>(*c);
}

Expected<QList<alerts::Channel>> Alerts::channels() {
    auto query =
        m_db.exec(QStringLiteral("SELECT id, spec, secret FROM alert_channels ORDER BY id"));
    if (!query)
        return fail(query.error());
    QList<alerts::Channel> out;
    while (query->next()) {
        auto c = channelFromRow(*query);
        if (!c)
            return fail(c.error());
        out.append(*c);
    }
    return out;
}

Expected<FiredAlert> Alerts::recordAlert(FiredAlert alert) {
    auto inserted = m_db.exec(
        QStringLiteral("INSERT INTO alerts (rule_id, app_id, state, severity, title, message,"
                       " since, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        {alert.ruleId ? QVariant(*alert.ruleId) : QVariant(),
         alert.appId ? QVariant(*alert.appId) : QVariant(), alert.state, alert.severity,
         notNull(alert.title), notNull(alert.message), alert.since, now()});
    if (!inserted)
        return fail(inserted.error());
    alert.id = inserted->lastInsertId().toLongLong();
    return alert;
}

Expected<QList<FiredAlert>> Alerts::alertsVisibleTo(const User &user, int limit) {
    const QString columns = QStringLiteral(
        "SELECT al.id, al.rule_id, al.app_id, al.state, al.severity, al.title, al.message,"
        " al.since FROM alerts al ");
    auto query = user.role != Role::User
                     ? m_db.exec(columns + QStringLiteral("ORDER BY al.id DESC LIMIT ?"), {limit})
                     : m_db.exec(columns + QStringLiteral("JOIN apps a ON a.id = al.app_id"
                                                          " JOIN project_members m ON"
                                                          " m.project_id = a.project_id WHERE"
                                                          " m.user_id = ? ORDER BY al.id DESC"
                                                          " LIMIT ?"),
                                 {user.id, limit});
    if (!query)
        return fail(query.error());
    QList<FiredAlert> out;
    while (query->next()) {
        FiredAlert a;
        a.id = query->value(0).toLongLong();
        if (!query->value(1).isNull())
            a.ruleId = query->value(1).toLongLong();
        if (!query->value(2).isNull())
            a.appId = query->value(2).toLongLong();
        a.state = query->value(3).toString();
        a.severity = query->value(4).toString();
        a.title = query->value(5).toString();
        a.message = query->value(6).toString();
        a.since = query->value(7).toLongLong();
        out.append(a);
    }
    return out;
}

Expected<qint64> Alerts::enqueue(qint64 channelId, const QByteArray &payload, qint64 giveUpAt,
                                 std::optional<qint64> alertId) {
    const qint64 at = now();
    auto inserted = m_db.exec(
        QStringLiteral("INSERT INTO alert_deliveries (channel_id, alert_id,"
                       " payload, created_at, next_attempt_at, give_up_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)"),
        {channelId, alertId ? QVariant(*alertId) : QVariant(), payload, at, at, giveUpAt});
    if (!inserted)
        return fail(inserted.error());
    return inserted->lastInsertId().toLongLong();
}

Expected<QList<AlertDelivery>> Alerts::due(qint64 at) {
    auto query = m_db.exec(
        QStringLiteral("SELECT d.id, d.channel_id, d.payload, d.attempts, d.created_at,"
                       " d.give_up_at FROM alert_deliveries d WHERE d.id IN (SELECT MIN(id) FROM"
                       " alert_deliveries WHERE state = 'pending' GROUP BY channel_id)"
                       " AND d.next_attempt_at <= ? AND d.lease_until <= ? ORDER BY d.id"),
        {at, at});
    if (!query)
        return fail(query.error());
    QList<AlertDelivery> out;
    while (query->next()) {
        out.append({query->value(0).toLongLong(), query->value(1).toLongLong(),
                    query->value(2).toByteArray(), query->value(3).toInt(),
                    query->value(4).toLongLong(), query->value(5).toLongLong()});
    }
    return out;
}

Expected<std::optional<qint64>> Alerts::nextDue() {
    auto query = m_db.exec(QStringLiteral("SELECT MIN(next_attempt_at) FROM alert_deliveries"
                                          " WHERE state = 'pending'"));
    if (!query)
        return fail(query.error());
    if (auto row = expectRow(*query); !row)
        return fail(row.error());
    if (query->value(0).isNull())
        return std::optional<qint64>();
    return std::optional<qint64>(query->value(0).toLongLong());
}

Expected<bool> Alerts::claim(qint64 id, qint64 until) {
    auto claimed = m_db.exec(QStringLiteral("UPDATE alert_deliveries SET lease_until = ? WHERE"
                                            " id = ? AND state = 'pending' AND lease_until <= ?"),
                             {until, id, now()});
    if (!claimed)
        return fail(claimed.error());
    return claimed->numRowsAffected() > 0;
}

Expected<void> Alerts::markDelivered(qint64 id, qint64 at) {
    auto done =
        m_db.exec(QStringLiteral("UPDATE alert_deliveries SET state = 'delivered',"
                                 " attempts = attempts + 1, last_error = '', lease_until = 0,"
                                 " finished_at = ? WHERE id = ? AND state = 'pending'"),
                  {at, id});
    if (!done)
        return fail(done.error());
    return {};
}

Expected<void> Alerts::markAttemptFailed(qint64 id, const QString &error, qint64 retryAt) {
    auto done = m_db.exec(
        QStringLiteral(
            "UPDATE alert_deliveries SET attempts = attempts + 1, last_error = ?,"
            " next_attempt_at = ?,"
            " state = CASE WHEN ? > give_up_at THEN 'failed' ELSE 'pending' END,"
            " finished_at = CASE WHEN ? > give_up_at THEN ? ELSE NULL END, lease_until = 0"
            " WHERE id = ? AND state = 'pending'"),
        {error.left(1000), retryAt, retryAt, retryAt, now(), id});
    if (!done)
        return fail(done.error());
    return {};
}

Expected<int> Alerts::deliveredSince(qint64 channelId, qint64 since) {
    auto query = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM alert_deliveries WHERE"
                                          " channel_id = ? AND state = 'delivered' AND"
                                          " finished_at >= ?"),
                           {channelId, since});
    if (!query)
        return fail(query.error());
    if (auto row = expectRow(*query); !row)
        return fail(row.error());
    return query->value(0).toInt();
}

Expected<ChannelStatus> Alerts::channelStatus(qint64 channelId) {
    ChannelStatus status;
    auto counts = m_db.exec(
        QStringLiteral(
            "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'failed'), 0),"
            " MAX(CASE WHEN state = 'delivered' THEN finished_at END)"
            " FROM alert_deliveries WHERE channel_id = ?"),
        {channelId});
    if (!counts)
        return fail(counts.error());
    if (auto row = expectRow(*counts); !row)
        return fail(row.error());
    status.pending = counts->value(0).toInt();
    status.failed = counts->value(1).toInt();
    if (!counts->value(2).isNull())
        status.lastDeliveredAt = counts->value(2).toLongLong();
    auto head = m_db.exec(QStringLiteral("SELECT attempts, last_error, next_attempt_at"
                                         " FROM alert_deliveries WHERE channel_id = ? AND"
                                         " state = 'pending' ORDER BY id LIMIT 1"),
                          {channelId});
    if (!head)
        return fail(head.error());
    const auto row = nextRow(*head);
    if (!row)
        return fail(row.error());
    if (*row && head->value(0).toInt() > 0) {
        status.attempts = head->value(0).toInt();
        status.lastError = head->value(1).toString();
        status.nextAttemptAt = head->value(2).toLongLong();
    }
    return status;
}

Expected<std::optional<QString>> Alerts::deliveryState(qint64 id) {
    auto query = m_db.exec(QStringLiteral("SELECT state FROM alert_deliveries WHERE id = ?"), {id});
    if (!query)
        return fail(query.error());
    const auto row = nextRow(*query);
    if (!row)
        return fail(row.error());
    if (!*row)
        return std::optional<QString>();
    return std::optional<QString>(query->value(0).toString());
}

} // namespace mist::store
