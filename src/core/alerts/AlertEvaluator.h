// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "alerts/AlertRules.h"

#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>

#include <deque>
#include <map>
#include <memory>
#include <optional>

namespace re2 {
class RE2;
}

namespace mist::alerts {

// One change of a rule's state for one subject (the host, or one app).
struct Transition {
    qint64 ruleId = 0;
    std::optional<qint64> appId; // the subject: nullopt for the host
    QString state;               // firing | resolved
    qint64 atMs = 0;             // the evaluator's clock when it happened
    double value = 0;            // metric: the value; restart_loop and log: the count in the window
    QString detail;              // event: what the event said ("exit code 3")
};

// What the server tells the evaluator happened (docs/ALERTS.md, "Evaluation"):
// the engine's and the deployments' events as these names.
namespace events {
inline constexpr char ContainerDied[] = "container_died"; // detail: "exit code N"
inline constexpr char Oom[] = "oom";
inline constexpr char Restart[] = "restart"; // a start of the app's container
inline constexpr char Unhealthy[] = "unhealthy";
inline constexpr char Healthy[] = "healthy";
inline constexpr char DeploymentFailed[] = "deployment_failed";
inline constexpr char DeploymentSucceeded[] = "deployment_succeeded";
inline constexpr char EngineDown[] = "engine_down";
inline constexpr char EngineUp[] = "engine_up";
} // namespace events

// Evaluates the rules against timestamped observations (pure: no clock, no
// I/O). Each rule keeps a small state machine per subject; every call answers
// the transitions it caused, "firing" ones already limited by the rule's
// cooldown. Times are milliseconds on any clock that the caller keeps; a time
// before 0 counts as 0, and a time earlier than one already seen counts as
// that one (the clock never runs backwards here).
class Evaluator {
public:
    Evaluator();
    ~Evaluator();
    Evaluator(const Evaluator &) = delete;
    Evaluator &operator=(const Evaluator &) = delete;

    // Only this many bytes of a log line are matched.
    static constexpr qsizetype MaxLineBytes = 16 * 1024;
    // RE2's memory for one compiled pattern.
    static constexpr int PatternMemoryBytes = 8 << 20;
    // Times are clamped to 0..MaxTimeMs.
    static constexpr qint64 MaxTimeMs = qint64(1) << 53;

    // The rules to evaluate. A rule whose id, kind, subject, field, event and
    // pattern are unchanged keeps its state (a new threshold applies from the
    // next value); any other rule starts afresh. A log rule whose pattern does
    // not compile is skipped.
    void setRules(const QList<Rule> &rules);

    // A host field (appId nullopt) or an app field's value. Not finite: ignored.
    QList<Transition> metric(std::optional<qint64> appId, const QString &field, double value,
                             qint64 atMs);
    // The app has no figures (no running container): its metric rules clear.
    QList<Transition> metricGone(qint64 appId, qint64 atMs);
    // One of `events`; appId: the app it concerns (none for the engine).
    QList<Transition> event(const QString &name, std::optional<qint64> appId, const QString &detail,
                            qint64 atMs);
    // One line of an app's output.
    QList<Transition> logLine(qint64 appId, QByteArrayView line, qint64 atMs);
    // Time passes: windows empty (restart_loop and log rules resolve) and a
    // firing held back by the cooldown is sent once the cooldown is over.
    QList<Transition> tick(qint64 atMs);

    // The apps that exist: what is kept for any other app goes, silently
    // (an app deleted while its alert was firing).
    void retainApps(const QSet<qint64> &appIds);

    // Whether some log rule reads this app's lines.
    bool wantsLines(qint64 appId) const;
    int ruleCount() const { return int(m_rules.size()); }
    // Subjects with a state kept (pending, firing, or a window's times).
    int subjectCount() const;
    // Timestamps kept in all windows (each at most its rule's count).
    qint64 timestampsKept() const;

private:
    struct Subject {
        enum class Phase { Ok, Pending, Firing } phase = Phase::Ok;
        qint64 sinceMs = 0;
        bool announced = false;
        double value = 0;
        std::deque<qint64> times;
    };
    struct Entry {
        Rule rule;
        std::shared_ptr<re2::RE2> re;
        std::map<qint64, Subject> subjects; // by app id; 0: the host
        std::optional<qint64> lastAnnouncedMs;
    };

    qint64 advance(qint64 atMs);
    bool mayAnnounce(const Entry &e) const;
    void fire(Entry &e, Subject &s, qint64 key, QList<Transition> &out, const QString &detail = {});
    void resolve(Entry &e, Subject &s, qint64 key, QList<Transition> &out,
                 const QString &detail = {});
    void oneShot(Entry &e, qint64 key, const QString &detail, QList<Transition> &out);
    void onStateEvent(Entry &e, qint64 key, bool bad, const QString &detail,
                      QList<Transition> &out);
    void onRestart(Entry &e, qint64 key, QList<Transition> &out);
    void countIn(Entry &e, qint64 key, int limit, QList<Transition> &out);
    void expire(Entry &e, QList<Transition> &out);
    Transition transition(const Entry &e, qint64 key, const QString &state, double value,
                          const QString &detail) const;

    std::map<qint64, Entry> m_rules; // by rule id
    qint64 m_nowMs = 0;
};

// The text of an alert: what happened to whom ("Host CPU 94 % (> 90 % for
// 60 s)"). subjectName: the app's name (unused for the host).
QString describe(const Rule &rule, const Transition &transition, const QString &subjectName);
// "<message> — app web 61 %, worker 22 %, db 3 %": the 3 largest, by value.
QString withTopApps(const QString &message, QList<QPair<QString, double>> apps);
// "CPU", "memory", "disk" for a metric field.
QString fieldLabel(const QString &field);

} // namespace mist::alerts
