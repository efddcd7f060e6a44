// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertFeed.h"

#include "ServerSession.h"
#include "StreamConnection.h"

#include <QPointer>

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace mist::client {

namespace {

// A JSON integer id (1..2^53), or nullopt.
std::optional<qint64> idOf(const QJsonValue &v) {
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!(d >= 0) || d > 9007199254740992.0 || std::floor(d) != d)
        return std::nullopt;
    return qint64(d);
}

Unexpected<QString> invalid(const char *field) {
    return fail(QStringLiteral("Invalid alert: %1").arg(QLatin1String(field)));
}

} // namespace

QString AlertEntry::conditionKey() const {
    if (!ruleId)
        return QStringLiteral("alert:%1").arg(id);
    return QStringLiteral("rule:%1/app:%2").arg(*ruleId).arg(appId ? *appId : -1);
}

Expected<AlertEntry> parseAlert(const QJsonObject &data) {
    AlertEntry e;
    const auto id = idOf(data.value(QStringLiteral("id")));
    if (!id)
        return invalid("id");
    e.id = *id;
    for (const auto &[field, out] :
         {std::pair{"ruleId", &e.ruleId}, std::pair{"appId", &e.appId}}) {
        const QJsonValue v = data.value(QLatin1String(field));
        if (v.isNull() || v.isUndefined())
            continue;
        *out = idOf(v);
        if (!*out)
            return invalid(field);
    }
    e.state = data.value(QStringLiteral("state")).toString();
    if (e.state != u"firing" && e.state != u"resolved")
        return invalid("state");
    e.severity = data.value(QStringLiteral("severity")).toString();
    if (e.severity != u"info" && e.severity != u"warning" && e.severity != u"critical")
        return invalid("severity");
    const QJsonValue title = data.value(QStringLiteral("title"));
    const QJsonValue message = data.value(QStringLiteral("message"));
    if (!title.isString())
        return invalid("title");
    if (!message.isString())
        return invalid("message");
    // A hostile server cannot make the window hold megabytes per row.
    e.title = title.toString().left(500);
    e.message = message.toString().left(4000);
    e.since = data.value(QStringLiteral("since")).toString().left(64);
    return e;
}

AlertFeed::AlertFeed(ServerSession *session, QObject *parent)
    : QObject(parent)
    , m_session(session) {}

AlertFeed::~AlertFeed() = default;

ServerSession *AlertFeed::session() const {
    return m_session;
}

void AlertFeed::start() {
    if (!m_session || m_stream)
        return;
    if (m_session->dialect() == ServerSession::Dialect::Upstream) {
        m_problem = Problem::Upstream;
        emit changed();
        return;
    }
    reload(); // what fired before; the socket adds what fires from now on
    m_stream = new StreamConnection(m_session, QStringLiteral("/ws/alerts"), this);
    connect(m_stream, &StreamConnection::message, this, &AlertFeed::onMessage);
    // Each (re)connection reads the list again: what fired meanwhile shows.
    connect(m_stream, &StreamConnection::stateChanged, this, [this](StreamConnection::State s) {
        if (s == StreamConnection::State::Connected)
            reload();
    });
    connect(m_stream, &StreamConnection::failed, this, [this](const QString &reason) {
        m_problem = Problem::Unavailable;
        m_problemDetail = reason;
        emit changed();
    });
    m_stream->open();
}

void AlertFeed::reload() {
    m_session->get(QStringLiteral("/api/alerts?limit=%1").arg(MaxKept), this,
                   [this](const auto &reply) {
                       if (!reply.ok()) {
                           m_problem = Problem::Unavailable;
                           m_problemDetail = reply.error;
                           emit changed();
                           return;
                       }
                       QList<AlertEntry> list;
                       for (const QJsonValue &v : reply.data.toArray())
                           if (auto e = parseAlert(v.toObject()))
                               list.append(*e);
                       // Live ones newer than the list's newest stay, in order (newest first).
                       const qint64 newest = list.isEmpty() ? 0 : list.first().id;
                       const QList<AlertEntry> live = m_alerts;
                       m_alerts = list.mid(0, MaxKept);
                       for (const AlertEntry &e : live)
                           if (e.id > newest)
                               insert(e);
                       m_problem = Problem::None;
                       m_problemDetail.clear();
                       emit changed();
                   });
}

void AlertFeed::onMessage(const QJsonObject &message) {
    if (message.value(QStringLiteral("type")).toString() != u"alert")
        return;
    const auto entry = parseAlert(message.value(QStringLiteral("data")).toObject());
    if (!entry)
        return;
    insert(*entry);
    if (entry->firing())
        emit fired(*entry);
    emit changed();
}

void AlertFeed::insert(const AlertEntry &entry) {
    for (const AlertEntry &e : std::as_const(m_alerts))
        if (e.id == entry.id)
            return;
    // Newest first by id (the server's order).
    qsizetype at = 0;
    while (at < m_alerts.size() && m_alerts.at(at).id > entry.id)
        ++at;
    m_alerts.insert(at, entry);
    if (m_alerts.size() > MaxKept)
        m_alerts.removeLast();
}

QList<AlertEntry> AlertFeed::firingNow() const {
    QList<AlertEntry> out;
    QSet<QString> seen;
    for (const AlertEntry &e : m_alerts) {
        const QString key = e.conditionKey();
        if (seen.contains(key))
            continue;
        seen.insert(key);
        if (e.firing() && e.ruleId)
            out.append(e);
    }
    return out;
}

} // namespace mist::client
