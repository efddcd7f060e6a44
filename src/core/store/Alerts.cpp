// SPDX-License-Identifier: GPL-3.0-or-later

#include "Alerts.h"

#include "Database.h"

#include <QJsonDocument>

namespace mist::store {

namespace {

QString specText(QJsonObject o, std::initializer_list<const char *> drop) {
    for (const char *key : drop)
        o.remove(QLatin1String(key));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject specObject(const QString &text) {
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

Expected<bool> exists(const Database &db, const QString &sql, qint64 id) {
    auto query = db.exec(sql, {id});
    if (!query)
        return fail(query.error());
    return nextRow(*query);
}

Expected<qint64> count(const Database &db, const QString &table) {
    auto query = db.exec(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table));
    if (!query)
        return fail(query.error());
    if (auto row = expectRow(*query); !row)
        return fail(row.error());
    return query->value(0).toLongLong();
}

// The rule's app and channels exist.
Expected<void> referencesExist(const Database &db, const alerts::Rule &rule) {
    if (rule.appId) {
        const auto app = exists(db, QStringLiteral("SELECT 1 FROM apps WHERE id = ?"), *rule.appId);
        if (!app)
            return fail(app.error());
        if (!*app)
            return fail("Invalid appId");
    }
    for (const qint64 c : rule.channels) {
        const auto channel =
            exists(db, QStringLiteral("SELECT 1 FROM alert_channels WHERE id = ?"), c);
        if (!channel)
            return fail(channel.error());
        if (!*channel)
            return fail("Invalid channels");
    }
    return {};
}

QVariant appIdValue(const std::optional<qint64> &id) {
    return id ? QVariant(*id) : QVariant();
}

} // namespace

QJsonObject FiredAlert::toJson() const {
    return {{QStringLiteral("id"), id},
            {QStringLiteral("ruleId"), ruleId ? QJsonValue(*ruleId) : QJsonValue()},
            {QStringLiteral("state"), state},
            {QStringLiteral("severity"), severity},
            {QStringLiteral("title"), title},
            {QStringLiteral("message"), message},
            {QStringLiteral("appId"), appId ? QJsonValue(*appId) : QJsonValue()},
            {QStringLiteral("since"),
             QDateTime::fromSecsSinceEpoch(since, Qt::UTC).toString(Qt::ISODate)}};
}

Expected<void> Alerts::setRuleChannels(qint64 ruleId, const QList<qint64> &channels) {
    if (auto cleared = m_db.exec(
            QStringLiteral("DELETE FROM alert_rule_channels WHERE rule_id = ?"), {ruleId});
        !cleared)
        return fail(cleared.error());
    for (int i = 0; i < channels.size(); ++i) {
        if (auto linked =
                m_db.exec(QStringLiteral("INSERT INTO alert_rule_channels"
                                         " (rule_id, channel_id, position) VALUES (?, ?, ?)"),
                          {ruleId, channels[i], i});
            !linked)
            return fail(linked.error());
    }
    return {};
}

Expected<alerts::Rule> Alerts::addRule(alerts::Rule rule) {
    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return fail(begun.error());
    const auto rules = count(m_db, QStringLiteral("alert_rules"));
    if (!rules)
        return fail(rules.error());
    if (*rules >= MaxRules)
        return fail(QStringLiteral("Too many rules (at most %1)").arg(MaxRules));
    if (auto refs = referencesExist(m_db, rule); !refs)
        return fail(refs.error());
    auto inserted = m_db.exec(QStringLiteral("INSERT INTO alert_rules (name, kind, app_id, spec,"
                                             " created_at) VALUES (?, ?, ?, ?, ?)"),
                              {rule.name, rule.kind, appIdValue(rule.appId),
                               specText(rule.toJson(), {"id", "channels"}), now()});
    if (!inserted)
        return fail(inserted.error());
    rule.id = inserted->lastInsertId().toLongLong();
    if (auto linked = setRuleChannels(rule.id, rule.channels); !linked)
        return fail(linked.error());
    if (auto committed = tx.commit(); !committed)
        return fail(committed.error());
    return rule;
}

Expected<alerts::Rule> Alerts::updateRule(const alerts::Rule &rule) {
    Transaction tx(m_db);
    if (auto begun = tx.begin(); !begun)
        return fail(begun.error());
    if (auto refs = referencesExist(m_db, rule); !refs)
        return fail(refs.error());
    auto updated = m_db.exec(
        QStringLiteral(
            "UPDATE alert_rules SET name = ?, kind = ?, app_id = ?, spec = ? WHERE id = ?"),
        {rule.name, rule.kind, appIdValue(rule.appId), specText(rule.toJson(), {"id", "channels"}),
         rule.id});
    if (!updated)
        return fail(updated.error());
    if (updated->numRowsAffected() < 1)
        return fail("Rule not found");
    if (auto linked = setRuleChannels(rule.id, rule.channels); !linked)
        return fail(linked.error());
    if (auto committed = tx.commit(); !committed)
        return fail(committed.error());
    return rule;
}

Expected<void> Alerts::removeRule(qint64 id) {
    auto removed = m_db.exec(QStringLiteral("DELETE FROM alert_rules WHERE id = ?"), {id});
    if (!removed)
        return fail(removed.error());
    if (removed->numRowsAffected() < 1)
        return fail("Rule not found");
    return {};
}

Expected<alerts::Rule> Alerts::ruleFromRow(qint64 id, const QString &spec) {
    auto rule = alerts::parseRule(specObject(spec));
    if (!rule)
        return fail(
            QStringLiteral("database error: rule %1 unreadable (%2)").arg(id).arg(rule.error()));
    rule->id = id;
    auto links = m_db.exec(QStringLiteral("SELECT channel_id FROM alert_rule_channels"
                                          " WHERE rule_id = ? ORDER BY position"),
                           {id});
    if (!links)
        return fail(links.error());
    while (links->next())
        rule->channels.append(links->value(0).toLongLong());
    return rule;
}

Expected<QList<alerts::Rule>> Alerts::rulesWhere(const QString &tail, const QVariantList &args) {
    auto query = m_db.exec(
        QStringLiteral("SELECT r.id, r.spec FROM alert_rules r %1 ORDER BY r.id").arg(tail), args);
    if (!query)
        return fail(query.error());
    QList<std::pair<qint64, QString>> rows;
    while (query->next())
        rows.append({query->value(0).toLongLong(), query->value(1).toString()});
    QList<alerts::Rule> out;
    for (const auto &[id, spec] : rows) {
        auto rule = ruleFromRow(id, spec);
        if (!rule)
            return fail(rule.error());
        out.append(*rule);
    }
    return out;
}

Expected<std::optional<alerts::Rule>> Alerts::rule(qint64 id) {
    auto rules = rulesWhere(QStringLiteral("WHERE r.id = ?"), {id});
    if (!rules)
        return fail(rules.error());
    if (rules->isEmpty())
        return std::optional<alerts::Rule>();
    return std::optional<alerts::Rule>(rules->first());
}

Expected<QList<alerts::Rule>> Alerts::rulesVisibleTo(const User &user) {
    if (user.role != Role::User)
        return rulesWhere({}, {});
    return rulesWhere(QStringLiteral("JOIN apps a ON a.id = r.app_id JOIN project_members m"
                                     " ON m.project_id = a.project_id WHERE m.user_id = ?"),
                      {user.id});
}

} // namespace mist::store
