// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertRules.h"

#include <QJsonArray>
#include <QSet>
#include <QUrl>

#include <re2/re2.h>

#include <cmath>

namespace mist::alerts {

namespace {

Unexpected<QString> invalid(const QString &field) {
    return fail(QStringLiteral("Invalid %1").arg(field));
}

bool hasControl(const QString &s) {
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            return true;
    }
    return false;
}

// A present, non-null value (null is "not given").
bool given(const QJsonObject &o, const QString &key) {
    const QJsonValue v = o.value(key);
    return !v.isUndefined() && !v.isNull();
}

// A whole number in [min, max]; `fallback` when absent or null.
Expected<qint64> wholeNumber(const QJsonObject &o, const QString &key, qint64 min, qint64 max,
                             std::optional<qint64> fallback) {
    if (!given(o, key)) {
        if (fallback)
            return *fallback;
        return invalid(key);
    }
    const QJsonValue v = o.value(key);
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) || d < double(min) ||
        d > double(max))
        return invalid(key);
    return qint64(d);
}

// A string of 1..maxChars characters without control characters.
Expected<QString> text(const QJsonObject &o, const QString &key, int maxChars,
                       const QString &errorName = {}) {
    const QJsonValue v = o.value(key);
    const QString s = v.toString();
    if (!v.isString() || s.isEmpty() || s.size() > maxChars || hasControl(s))
        return invalid(errorName.isEmpty() ? key : errorName);
    return s;
}

Expected<QString> oneOf(const QJsonObject &o, const QString &key, const QStringList &allowed) {
    const QJsonValue v = o.value(key);
    if (!v.isString() || !allowed.contains(v.toString()))
        return invalid(key);
    return v.toString();
}

// Fields that only some kinds take: refused when given to another.
Expected<void> refuse(const QJsonObject &o, const QStringList &keys) {
    for (const QString &key : keys) {
        if (o.contains(key))
            return invalid(key);
    }
    return {};
}

Expected<void> knownKeys(const QJsonObject &o, const QStringList &known,
                         const QString &prefix = {}) {
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return invalid(prefix + it.key().left(64));
    }
    return {};
}

Expected<void> compiles(const QString &pattern) {
    const QByteArray utf8 = pattern.toUtf8();
    if (utf8.isEmpty() || utf8.size() > MaxPatternBytes)
        return invalid(QStringLiteral("pattern"));
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(8 << 20);
    const re2::RE2 re(re2::StringPiece(utf8.constData(), size_t(utf8.size())), options);
    if (!re.ok())
        return invalid(QStringLiteral("pattern"));
    return {};
}

#define MIST_TRY(var, expr)                                                                        \
    auto var = (expr);                                                                             \
    if (!var)                                                                                      \
        return fail(var.error());

Expected<void> parseMetric(const QJsonObject &o, Rule &r) {
    if (auto refused = refuse(o, {QStringLiteral("event"), QStringLiteral("restarts"),
                                  QStringLiteral("withinSeconds"), QStringLiteral("pattern"),
                                  QStringLiteral("count")});
        !refused)
        return refused;
    MIST_TRY(field, oneOf(o, QStringLiteral("field"), r.appId ? appFields() : hostFields()));
    MIST_TRY(op, oneOf(o, QStringLiteral("op"), {QStringLiteral(">"), QStringLiteral("<")}));
    const QJsonValue t = o.value(QStringLiteral("threshold"));
    const double threshold = t.toDouble(std::nan(""));
    if (!t.isDouble() || !std::isfinite(threshold) || std::abs(threshold) > 1e15)
        return invalid(QStringLiteral("threshold"));
    MIST_TRY(forSeconds, wholeNumber(o, QStringLiteral("forSeconds"), 0, MaxSeconds, 0));
    r.field = *field;
    r.op = *op;
    r.threshold = threshold;
    r.forSeconds = *forSeconds;
    return {};
}

Expected<void> parseEvent(const QJsonObject &o, Rule &r) {
    if (auto refused = refuse(o, {QStringLiteral("field"), QStringLiteral("op"),
                                  QStringLiteral("threshold"), QStringLiteral("forSeconds"),
                                  QStringLiteral("pattern"), QStringLiteral("count")});
        !refused)
        return refused;
    MIST_TRY(event, oneOf(o, QStringLiteral("event"), eventNames()));
    r.event = *event;
    if (r.event == u"engine_down" && r.appId)
        return invalid(QStringLiteral("appId"));
    if (r.event != u"restart_loop")
        return refuse(o, {QStringLiteral("restarts"), QStringLiteral("withinSeconds")});
    MIST_TRY(restarts, wholeNumber(o, QStringLiteral("restarts"), 2, 1000, std::nullopt));
    MIST_TRY(within, wholeNumber(o, QStringLiteral("withinSeconds"), 1, MaxSeconds, std::nullopt));
    r.restarts = int(*restarts);
    r.withinSeconds = *within;
    return {};
}

Expected<void> parseLog(const QJsonObject &o, Rule &r) {
    if (auto refused = refuse(o, {QStringLiteral("field"), QStringLiteral("op"),
                                  QStringLiteral("threshold"), QStringLiteral("forSeconds"),
                                  QStringLiteral("event"), QStringLiteral("restarts")});
        !refused)
        return refused;
    if (!r.appId)
        return invalid(QStringLiteral("appId"));
    const QJsonValue p = o.value(QStringLiteral("pattern"));
    if (!p.isString())
        return invalid(QStringLiteral("pattern"));
    if (auto ok = compiles(p.toString()); !ok)
        return ok;
    MIST_TRY(count, wholeNumber(o, QStringLiteral("count"), 1, MaxCount, 1));
    MIST_TRY(within, wholeNumber(o, QStringLiteral("withinSeconds"), 1, MaxSeconds, 60));
    r.pattern = p.toString();
    r.count = int(*count);
    r.withinSeconds = *within;
    return {};
}

Expected<QList<qint64>> channelIds(const QJsonObject &o) {
    const QString key = QStringLiteral("channels");
    if (!given(o, key))
        return QList<qint64>{};
    const QJsonValue v = o.value(key);
    if (!v.isArray() || v.toArray().size() > MaxChannelsPerRule)
        return invalid(key);
    QList<qint64> ids;
    for (const QJsonValue &id : v.toArray()) {
        const double d = id.toDouble(-1);
        if (!id.isDouble() || d < 1 || d > 9e15 || d != std::floor(d) || ids.contains(qint64(d)))
            return invalid(key);
        ids.append(qint64(d));
    }
    return ids;
}

Expected<void> parseCommon(const QJsonObject &o, Rule &r) {
    if (auto known = knownKeys(
            o, {QStringLiteral("name"), QStringLiteral("kind"), QStringLiteral("appId"),
                QStringLiteral("field"), QStringLiteral("op"), QStringLiteral("threshold"),
                QStringLiteral("forSeconds"), QStringLiteral("event"), QStringLiteral("restarts"),
                QStringLiteral("withinSeconds"), QStringLiteral("pattern"), QStringLiteral("count"),
                QStringLiteral("severity"), QStringLiteral("cooldownSeconds"),
                QStringLiteral("channels")});
        !known)
        return known;
    MIST_TRY(name, text(o, QStringLiteral("name"), MaxNameChars));
    MIST_TRY(kind, oneOf(o, QStringLiteral("kind"), ruleKinds()));
    if (given(o, QStringLiteral("appId"))) {
        MIST_TRY(app, wholeNumber(o, QStringLiteral("appId"), 1, qint64(9e15), std::nullopt));
        r.appId = *app;
    }
    if (given(o, QStringLiteral("severity"))) {
        MIST_TRY(severity, oneOf(o, QStringLiteral("severity"), severities()));
        r.severity = *severity;
    }
    MIST_TRY(cooldown, wholeNumber(o, QStringLiteral("cooldownSeconds"), 0, MaxSeconds,
                                   DefaultCooldownSeconds));
    MIST_TRY(channels, channelIds(o));
    r.name = *name;
    r.kind = *kind;
    r.cooldownSeconds = *cooldown;
    r.channels = *channels;
    return {};
}

} // namespace

const QStringList &ruleKinds() {
    static const QStringList v = {QStringLiteral("metric"), QStringLiteral("event"),
                                  QStringLiteral("log")};
    return v;
}
const QStringList &eventNames() {
    static const QStringList v = {
        QStringLiteral("container_died"),    QStringLiteral("oom"),
        QStringLiteral("restart_loop"),      QStringLiteral("unhealthy"),
        QStringLiteral("deployment_failed"), QStringLiteral("deployment_succeeded"),
        QStringLiteral("engine_down")};
    return v;
}
const QStringList &hostFields() {
    static const QStringList v = {QStringLiteral("cpu.usage"), QStringLiteral("memory.percent"),
                                  QStringLiteral("disk.percent")};
    return v;
}
const QStringList &appFields() {
    static const QStringList v = {QStringLiteral("cpu.percent"), QStringLiteral("memory.percent")};
    return v;
}
const QStringList &channelKinds() {
    static const QStringList v = {QStringLiteral("webhook"), QStringLiteral("ntfy"),
                                  QStringLiteral("slack"), QStringLiteral("discord"),
                                  QStringLiteral("email")};
    return v;
}
const QStringList &severities() {
    static const QStringList v = {QStringLiteral("info"), QStringLiteral("warning"),
                                  QStringLiteral("critical")};
    return v;
}

Expected<Rule> parseRule(const QJsonObject &o) {
    Rule r;
    if (auto common = parseCommon(o, r); !common)
        return fail(common.error());
    Expected<void> kind = r.kind == u"metric"  ? parseMetric(o, r)
                          : r.kind == u"event" ? parseEvent(o, r)
                                               : parseLog(o, r);
    if (!kind)
        return fail(kind.error());
    return r;
}

QJsonObject Rule::toJson() const {
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("kind"), kind},
                  {QStringLiteral("appId"), appId ? QJsonValue(*appId) : QJsonValue()},
                  {QStringLiteral("severity"), severity},
                  {QStringLiteral("cooldownSeconds"), cooldownSeconds}};
    QJsonArray ids;
    for (const qint64 c : channels)
        ids.append(c);
    o.insert(QStringLiteral("channels"), ids);
    if (kind == u"metric") {
        o.insert(QStringLiteral("field"), field);
        o.insert(QStringLiteral("op"), op);
        o.insert(QStringLiteral("threshold"), threshold);
        o.insert(QStringLiteral("forSeconds"), forSeconds);
    } else if (kind == u"event") {
        o.insert(QStringLiteral("event"), event);
        if (event == u"restart_loop") {
            o.insert(QStringLiteral("restarts"), restarts);
            o.insert(QStringLiteral("withinSeconds"), withinSeconds);
        }
    } else {
        o.insert(QStringLiteral("pattern"), pattern);
        o.insert(QStringLiteral("count"), count);
        o.insert(QStringLiteral("withinSeconds"), withinSeconds);
    }
    return o;
}

} // namespace mist::alerts
