// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertEvaluator.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>

namespace mist::alerts {

namespace {

constexpr qint64 HostKey = 0;

std::optional<qint64> subjectOf(qint64 key) {
    return key == HostKey ? std::nullopt : std::optional<qint64>(key);
}

// What must stay the same for a rule to keep its state across a change.
bool sameIdentity(const Rule &a, const Rule &b) {
    return a.kind == b.kind && a.appId == b.appId && a.field == b.field && a.event == b.event &&
           a.pattern == b.pattern;
}

std::shared_ptr<re2::RE2> compile(const QString &pattern) {
    const QByteArray utf8 = pattern.toUtf8();
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(Evaluator::PatternMemoryBytes);
    auto re = std::make_shared<re2::RE2>(re2::StringPiece(utf8.constData(), size_t(utf8.size())),
                                         options);
    if (!re->ok())
        return nullptr;
    return re;
}

QString number(double v) {
    return QString::number(std::round(v * 10) / 10, 'f', std::abs(v) >= 100 ? 0 : 1)
        .replace(QStringLiteral(".0"), QString());
}

QString unitOf(const QString &field) {
    return field.endsWith(u"percent") || field == u"cpu.usage" ? QStringLiteral(" %") : QString();
}

QString subjectText(const Transition &t, const QString &name) {
    if (!t.appId)
        return QStringLiteral("Host");
    return QStringLiteral("App %1").arg(name.isEmpty() ? QString::number(*t.appId) : name);
}

QString describeMetric(const Rule &rule, const Transition &t, const QString &who) {
    const QString unit = unitOf(rule.field);
    const QString value =
        QStringLiteral("%1 %2 %3%4").arg(who, fieldLabel(rule.field), number(t.value), unit);
    const QString limit = QStringLiteral("%1 %2%3").arg(rule.op, number(rule.threshold), unit);
    if (t.state == u"resolved" && !t.detail.isEmpty())
        return QStringLiteral("%1 %2 no longer measured: %3")
            .arg(who, fieldLabel(rule.field), t.detail);
    if (t.state == u"resolved")
        return QStringLiteral("%1, no longer %2").arg(value, limit);
    return QStringLiteral("%1 (%2 for %3 s)").arg(value, limit).arg(rule.forSeconds);
}

QString describeEvent(const Rule &rule, const Transition &t, const QString &who) {
    const bool resolved = t.state == u"resolved";
    const QString detail = t.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(t.detail);
    const QString &e = rule.event;
    if (e == u"container_died")
        return QStringLiteral("%1: its container died%2").arg(who, detail);
    if (e == u"oom")
        return QStringLiteral("%1: out of memory, the kernel killed a process").arg(who);
    if (e == u"restart_loop")
        return resolved ? QStringLiteral("%1: fewer than %2 restarts within %3 s")
                              .arg(who)
                              .arg(rule.restarts)
                              .arg(rule.withinSeconds)
                        : QStringLiteral("%1: %2 restarts within %3 s")
                              .arg(who)
                              .arg(qint64(t.value))
                              .arg(rule.withinSeconds);
    if (e == u"unhealthy")
        return resolved ? QStringLiteral("%1 is healthy again").arg(who)
                        : QStringLiteral("%1 is unhealthy").arg(who);
    if (e == u"deployment_failed")
        return QStringLiteral("%1: deployment failed%2").arg(who, detail);
    if (e == u"deployment_succeeded")
        return QStringLiteral("%1: deployment succeeded%2").arg(who, detail);
    if (e == u"engine_down")
        return resolved ? QStringLiteral("The container engine is back")
                        : QStringLiteral("The container engine cannot be reached%1").arg(detail);
    return QStringLiteral("%1: %2").arg(who, e);
}

} // namespace

QString fieldLabel(const QString &field) {
    if (field.startsWith(u"cpu."))
        return QStringLiteral("CPU");
    if (field.startsWith(u"memory."))
        return QStringLiteral("memory");
    if (field.startsWith(u"disk."))
        return QStringLiteral("disk");
    return field;
}

QString describe(const Rule &rule, const Transition &t, const QString &subjectName) {
    const QString who = subjectText(t, subjectName);
    if (rule.kind == u"metric")
        return describeMetric(rule, t, who);
    if (rule.kind == u"event")
        return describeEvent(rule, t, who);
    if (t.state == u"resolved")
        return QStringLiteral("%1: fewer than %2 lines matched /%3/ within %4 s")
            .arg(who)
            .arg(rule.count)
            .arg(rule.pattern)
            .arg(rule.withinSeconds);
    return QStringLiteral("%1: %2 lines matched /%3/ within %4 s")
        .arg(who)
        .arg(qint64(t.value))
        .arg(rule.pattern)
        .arg(rule.withinSeconds);
}

QString withTopApps(const QString &message, QList<QPair<QString, double>> apps) {
    apps.removeIf([](const QPair<QString, double> &a) { return !std::isfinite(a.second); });
    std::stable_sort(apps.begin(), apps.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    if (apps.isEmpty())
        return message;
    QStringList parts;
    for (qsizetype i = 0; i < std::min<qsizetype>(3, apps.size()); ++i)
        parts.append(QStringLiteral("%1 %2 %").arg(apps[i].first, number(apps[i].second)));
    QString text =
        QStringLiteral("%1 \u2014 app %2").arg(message, parts.join(QStringLiteral(", ")));
    if (apps.size() > 3)
        text += QStringLiteral(", \u2026");
    return text;
}

Evaluator::Evaluator() = default;
Evaluator::~Evaluator() = default;

void Evaluator::setRules(const QList<Rule> &rules) {
    std::map<qint64, Entry> next;
    for (const Rule &rule : rules) {
        Entry entry;
        const auto old = m_rules.find(rule.id);
        if (old != m_rules.end() && sameIdentity(old->second.rule, rule))
            entry = std::move(old->second);
        else
            entry.re = rule.kind == u"log" ? compile(rule.pattern) : nullptr;
        entry.rule = rule;
        if (rule.kind == u"log" && !entry.re)
            continue;
        next.emplace(rule.id, std::move(entry));
    }
    m_rules = std::move(next);
}

qint64 Evaluator::advance(qint64 atMs) {
    m_nowMs = std::max(m_nowMs, std::clamp<qint64>(atMs, 0, MaxTimeMs));
    return m_nowMs;
}

bool Evaluator::mayAnnounce(const Entry &e) const {
    return !e.lastAnnouncedMs || m_nowMs - *e.lastAnnouncedMs >= e.rule.cooldownSeconds * 1000;
}

Transition Evaluator::transition(const Entry &e, qint64 key, const QString &state, double value,
                                 const QString &detail) const {
    return Transition{e.rule.id, subjectOf(key), state, m_nowMs, value, detail};
}

void Evaluator::fire(Entry &e, Subject &s, qint64 key, QList<Transition> &out,
                     const QString &detail) {
    if (s.phase != Subject::Phase::Firing) {
        s.phase = Subject::Phase::Firing;
        s.sinceMs = m_nowMs;
        s.announced = false;
    }
    if (s.announced || !mayAnnounce(e))
        return;
    s.announced = true;
    e.lastAnnouncedMs = m_nowMs;
    out.append(transition(e, key, QStringLiteral("firing"), s.value, detail));
}

void Evaluator::resolve(Entry &e, Subject &s, qint64 key, QList<Transition> &out,
                        const QString &detail) {
    if (s.phase == Subject::Phase::Firing && s.announced)
        out.append(transition(e, key, QStringLiteral("resolved"), s.value, detail));
    s.phase = Subject::Phase::Ok;
    s.announced = false;
}

QList<Transition> Evaluator::metric(std::optional<qint64> appId, const QString &field, double value,
                                    qint64 atMs) {
    QList<Transition> out;
    advance(atMs);
    if (!std::isfinite(value) || (appId && *appId <= 0))
        return out;
    const qint64 key = appId.value_or(HostKey);
    for (auto &[id, e] : m_rules) {
        if (e.rule.kind != u"metric" || e.rule.appId != appId || e.rule.field != field)
            continue;
        Subject &s = e.subjects[key];
        s.value = value;
        const bool over = e.rule.op == u">" ? value > e.rule.threshold : value < e.rule.threshold;
        if (!over) {
            resolve(e, s, key, out);
            e.subjects.erase(key);
            continue;
        }
        if (s.phase == Subject::Phase::Ok) {
            s.phase = Subject::Phase::Pending;
            s.sinceMs = m_nowMs;
        }
        if (s.phase == Subject::Phase::Firing || m_nowMs - s.sinceMs >= e.rule.forSeconds * 1000)
            fire(e, s, key, out);
    }
    return out;
}

QList<Transition> Evaluator::metricGone(qint64 appId, qint64 atMs) {
    QList<Transition> out;
    advance(atMs);
    for (auto &[id, e] : m_rules) {
        if (e.rule.kind != u"metric" || e.rule.appId != appId)
            continue;
        const auto s = e.subjects.find(appId);
        if (s == e.subjects.end())
            continue;
        resolve(e, s->second, appId, out, QStringLiteral("its container is not running"));
        e.subjects.erase(s);
    }
    return out;
}

void Evaluator::oneShot(Entry &e, qint64 key, const QString &detail, QList<Transition> &out) {
    if (!mayAnnounce(e))
        return;
    e.lastAnnouncedMs = m_nowMs;
    out.append(transition(e, key, QStringLiteral("firing"), 0, detail));
}

void Evaluator::onStateEvent(Entry &e, qint64 key, bool bad, const QString &detail,
                             QList<Transition> &out) {
    if (bad)
        return fire(e, e.subjects[key], key, out, detail);
    const auto s = e.subjects.find(key);
    if (s == e.subjects.end())
        return;
    resolve(e, s->second, key, out, detail);
    e.subjects.erase(s);
}

// The window of a restart_loop or log rule: the newest `limit` times within
// withinSeconds; firing once it holds `limit`.
void Evaluator::countIn(Entry &e, qint64 key, int limit, QList<Transition> &out) {
    Subject &s = e.subjects[key];
    s.times.push_back(m_nowMs);
    while (qsizetype(s.times.size()) > limit ||
           (!s.times.empty() && s.times.front() <= m_nowMs - e.rule.withinSeconds * 1000))
        s.times.pop_front();
    s.value = double(s.times.size());
    if (qsizetype(s.times.size()) >= limit && s.phase != Subject::Phase::Firing)
        fire(e, s, key, out);
}

void Evaluator::onRestart(Entry &e, qint64 key, QList<Transition> &out) {
    countIn(e, key, e.rule.restarts, out);
}

QList<Transition> Evaluator::event(const QString &name, std::optional<qint64> appId,
                                   const QString &detail, qint64 atMs) {
    QList<Transition> out;
    advance(atMs);
    if (appId && *appId <= 0)
        return out;
    const bool engine = name == u"engine_down" || name == u"engine_up";
    if (engine == appId.has_value())
        return out; // the engine's events have no app; every other one has one
    const qint64 key = appId.value_or(HostKey);
    for (auto &[id, e] : m_rules) {
        if (e.rule.kind != u"event" || (e.rule.appId && e.rule.appId != appId))
            continue;
        const QString &want = e.rule.event;
        if (want == name && (name == u"container_died" || name == u"oom" ||
                             name == u"deployment_failed" || name == u"deployment_succeeded"))
            oneShot(e, key, detail, out);
        else if (want == u"restart_loop" && name == u"restart")
            onRestart(e, key, out);
        else if (want == u"unhealthy" && (name == u"unhealthy" || name == u"healthy"))
            onStateEvent(e, key, name == u"unhealthy", detail, out);
        else if (want == u"engine_down" && engine)
            onStateEvent(e, key, name == u"engine_down", detail, out);
    }
    return out;
}

QList<Transition> Evaluator::logLine(qint64 appId, QByteArrayView line, qint64 atMs) {
    QList<Transition> out;
    advance(atMs);
    const re2::StringPiece text(line.data(), size_t(std::min(line.size(), MaxLineBytes)));
    for (auto &[id, e] : m_rules) {
        if (e.rule.kind != u"log" || e.rule.appId != appId || !e.re)
            continue;
        if (re2::RE2::PartialMatch(text, *e.re))
            countIn(e, appId, e.rule.count, out);
    }
    return out;
}

// Windows lose their old times; a rule below its count resolves.
void Evaluator::expire(Entry &e, QList<Transition> &out) {
    const int limit = e.rule.kind == u"log" ? e.rule.count : e.rule.restarts;
    for (auto s = e.subjects.begin(); s != e.subjects.end();) {
        auto &times = s->second.times;
        while (!times.empty() && times.front() <= m_nowMs - e.rule.withinSeconds * 1000)
            times.pop_front();
        s->second.value = double(times.size());
        if (qsizetype(times.size()) < limit && s->second.phase == Subject::Phase::Firing)
            resolve(e, s->second, s->first, out);
        if (times.empty() && s->second.phase == Subject::Phase::Ok)
            s = e.subjects.erase(s);
        else
            ++s;
    }
}

QList<Transition> Evaluator::tick(qint64 atMs) {
    QList<Transition> out;
    advance(atMs);
    for (auto &[id, e] : m_rules) {
        if (e.rule.kind == u"log" || e.rule.event == u"restart_loop")
            expire(e, out);
        for (auto &[key, s] : e.subjects) {
            if (s.phase == Subject::Phase::Firing && !s.announced && mayAnnounce(e))
                fire(e, s, key, out);
        }
    }
    return out;
}

void Evaluator::retainApps(const QSet<qint64> &appIds) {
    for (auto &[id, e] : m_rules) {
        for (auto s = e.subjects.begin(); s != e.subjects.end();) {
            if (s->first != HostKey && !appIds.contains(s->first))
                s = e.subjects.erase(s);
            else
                ++s;
        }
    }
}

bool Evaluator::wantsLines(qint64 appId) const {
    return std::any_of(m_rules.begin(), m_rules.end(), [appId](const auto &r) {
        return r.second.rule.kind == u"log" && r.second.rule.appId == appId;
    });
}

int Evaluator::subjectCount() const {
    int n = 0;
    for (const auto &[id, e] : m_rules)
        n += int(e.subjects.size());
    return n;
}

qint64 Evaluator::timestampsKept() const {
    qint64 n = 0;
    for (const auto &[id, e] : m_rules)
        for (const auto &[key, s] : e.subjects)
            n += qint64(s.times.size());
    return n;
}

} // namespace mist::alerts
