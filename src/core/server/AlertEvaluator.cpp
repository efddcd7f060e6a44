// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertEvaluator.h"

#include "AlertDelivery.h"
#include "AppStatsService.h"
#include "Logging.h"
#include "alerts/AlertFormats.h"
#include "store/DeploymentStore.h"
#include "store/Store.h"

#include <QDateTime>

namespace mist::server {

namespace {

const QStringList &hostFieldPaths() {
    static const QStringList fields{QStringLiteral("cpu.usage"), QStringLiteral("memory.percent"),
                                    QStringLiteral("disk.percent")};
    return fields;
}

// "cpu.usage" of {"cpu": {"usage": 12}}; nullopt when it is not a number.
std::optional<double> fieldOf(const QJsonObject &sample, const QString &path) {
    const QStringList parts = path.split(u'.');
    const QJsonValue v = sample.value(parts[0]).toObject().value(parts[1]);
    if (!v.isDouble())
        return std::nullopt;
    return v.toDouble();
}

} // namespace

AlertEvaluator::AlertEvaluator(store::Store *store, AlertDelivery *delivery, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_delivery(delivery) {
    m_clock.start();
    connect(&m_tick, &QTimer::timeout, this, &AlertEvaluator::tick);
}

void AlertEvaluator::start() {
    m_startedNs = QDateTime::currentMSecsSinceEpoch() * 1000000;
    reload();
    m_tick.start(TickMs);
}

void AlertEvaluator::stop() {
    m_tick.stop();
}

void AlertEvaluator::rulesChanged() {
    reload();
}

// Every rule, as an owner sees them.
void AlertEvaluator::reload() {
    m_lastReloadMs = nowMs();
    store::User everyone;
    everyone.role = store::Role::Owner;
    const auto rules = m_store->alerts().rulesVisibleTo(everyone);
    if (!rules) {
        qCWarning(lcServer).noquote() << "alerts: cannot read the rules:" << rules.error();
        return;
    }
    m_rules.clear();
    for (const alerts::Rule &r : *rules)
        m_rules.insert(r.id, r);
    m_evaluator.setRules(*rules);
}

void AlertEvaluator::tick() {
    if (nowMs() - m_lastReloadMs >= ReloadMs)
        reload();
    handle(m_evaluator.tick(nowMs()));
}

void AlertEvaluator::onHostSample(const QJsonObject &sample) {
    m_host = sample;
    for (const QString &field : hostFieldPaths()) {
        if (const auto v = fieldOf(sample, field))
            handle(m_evaluator.metric(std::nullopt, field, *v, nowMs()));
    }
}

void AlertEvaluator::onAppSample(const AppStatsSample &sample) {
    const double cores = std::max(
        1.0,
        m_host.value(QStringLiteral("cpu")).toObject().value(QStringLiteral("cores")).toDouble(1));
    const double memory =
        m_host.value(QStringLiteral("memory")).toObject().value(QStringLiteral("total")).toDouble();
    m_appNames.clear();
    m_cpu.clear();
    m_mem.clear();
    QSet<qint64> apps;
    for (const AppStats &app : sample.apps)
        apps.insert(app.appId);
    m_evaluator.retainApps(apps);
    m_lastDeployment.removeIf([&](auto it) { return !apps.contains(it.key()); });
    for (const AppStats &app : sample.apps) {
        m_appNames.insert(app.appId, app.name);
        if (!app.figures) {
            handle(m_evaluator.metricGone(app.appId, nowMs()));
            continue;
        }
        const metrics::ContainerFigures &f = *app.figures;
        if (f.cpuPercent) {
            m_cpu.append({app.name, *f.cpuPercent / cores});
            handle(m_evaluator.metric(app.appId, QStringLiteral("cpu.percent"), *f.cpuPercent,
                                      nowMs()));
        }
        if (memory > 0)
            m_mem.append({app.name, 100.0 * double(f.memoryUsed) / memory});
        handle(m_evaluator.metric(app.appId, QStringLiteral("memory.percent"), f.memoryPercent,
                                  nowMs()));
    }
}

void AlertEvaluator::onAppEvent(qint64 appId, const QString &action,
                                const QMap<QString, QString> &attributes) {
    namespace ev = alerts::events;
    QString name;
    QString detail;
    if (action == u"die") {
        name = QLatin1String(ev::ContainerDied);
        detail = QStringLiteral("exit code %1")
                     .arg(attributes.value(QStringLiteral("exitCode")).left(12));
    } else if (action == u"oom") {
        name = QLatin1String(ev::Oom);
    } else if (action == u"start") {
        name = QLatin1String(ev::Restart);
    } else if (action == u"health_status: unhealthy") {
        name = QLatin1String(ev::Unhealthy);
    } else if (action == u"health_status: healthy") {
        name = QLatin1String(ev::Healthy);
    } else {
        return;
    }
    handle(m_evaluator.event(name, appId, detail, nowMs()));
}

void AlertEvaluator::onEngineReachable(bool reachable) {
    handle(m_evaluator.event(
        QLatin1String(reachable ? alerts::events::EngineUp : alerts::events::EngineDown),
        std::nullopt, {}, nowMs()));
}

void AlertEvaluator::onDeployment(const store::Deployment &d) {
    if (!d.isTerminal() || m_lastDeployment.value(d.appId) >= d.id)
        return;
    m_lastDeployment.insert(d.appId, d.id);
    const bool failed = d.status == u"failed";
    QString detail = QStringLiteral("deployment %1").arg(d.id);
    if (failed && !d.errorMessage.isEmpty())
        detail += QStringLiteral(": ") + d.errorMessage.left(MaxDetailChars).simplified();
    handle(m_evaluator.event(QLatin1String(failed ? alerts::events::DeploymentFailed
                                                  : alerts::events::DeploymentSucceeded),
                             d.appId, detail, nowMs()));
}

void AlertEvaluator::onLine(qint64 appId, const QString &line, qint64 tsNs) {
    if (tsNs < m_startedNs || !m_evaluator.wantsLines(appId))
        return;
    handle(
        m_evaluator.logLine(appId, line.left(alerts::Evaluator::MaxLineBytes).toUtf8(), nowMs()));
}

QString AlertEvaluator::topApps(const QString &field) const {
    if (field == u"cpu.usage")
        return alerts::withTopApps({}, m_cpu);
    if (field == u"memory.percent")
        return alerts::withTopApps({}, m_mem);
    return {};
}

QString AlertEvaluator::messageFor(const alerts::Rule &rule, const alerts::Transition &t) const {
    QString name = t.appId ? m_appNames.value(*t.appId) : QString();
    if (t.appId && name.isEmpty()) { // an app newer than the last sample
        const auto app = m_store->apps().byId(*t.appId);
        if (app && *app)
            name = (*app)->name;
    }
    QString message = alerts::describe(rule, t, name);
    if (rule.kind == u"metric" && !rule.appId && t.state == u"firing")
        message += topApps(rule.field);
    return message;
}

void AlertEvaluator::handle(const QList<alerts::Transition> &transitions) {
    for (const alerts::Transition &t : transitions) {
        const auto rule = m_rules.constFind(t.ruleId);
        if (rule != m_rules.constEnd())
            deliver(*rule, t);
    }
}

// Recorded, queued once per channel of the rule as it is now in the store
// (a rule deleted meanwhile sends nothing), announced.
void AlertEvaluator::deliver(const alerts::Rule &cached, const alerts::Transition &t) {
    const auto current = m_store->alerts().rule(cached.id);
    if (!current || !*current) {
        if (current)
            reload();
        return;
    }
    const alerts::Rule &rule = **current;
    store::FiredAlert alert;
    alert.ruleId = rule.id;
    alert.appId = t.appId;
    alert.state = t.state;
    alert.severity = rule.severity;
    alert.title = rule.name;
    alert.message = messageFor(rule, t);
    alert.since = QDateTime::currentSecsSinceEpoch();
    const auto recorded = m_store->alerts().recordAlert(alert);
    if (!recorded) {
        qCWarning(lcServer).noquote() << "alerts: cannot record an alert:" << recorded.error();
        return;
    }
    ++m_transitions;
    const QByteArray body = alerts::webhookBody(recorded->toJson(), m_delivery->options().host);
    const qint64 giveUp = QDateTime::currentSecsSinceEpoch() + AlertDelivery::RetryForSeconds;
    for (const qint64 channel : rule.channels) {
        if (const auto queued = m_store->alerts().enqueue(channel, body, giveUp, recorded->id);
            !queued)
            qCWarning(lcServer).noquote()
                << "alerts: cannot queue for channel" << channel << ":" << queued.error();
    }
    if (!rule.channels.isEmpty())
        m_delivery->wake();
    Q_EMIT alerted(*recorded);
}

} // namespace mist::server
