// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "alerts/AlertEvaluator.h"
#include "store/Alerts.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QTimer>

namespace mist::store {
class Store;
struct Deployment;
} // namespace mist::store

namespace mist::server {

class AlertDelivery;
struct AppStatsSample;

// The alert rules evaluated on the server (docs/ALERTS.md, "Evaluation"):
// fed the host's and the apps' samples, the apps' engine events, the
// deployments' outcomes and the apps' live log lines; every transition is
// recorded in the store, queued for each channel of its rule (AlertDelivery
// sends it) and announced by alerted() (/ws/alerts). Runs on the event loop
// on a monotonic clock; rules are read again on rulesChanged() and every
// ReloadMs (a local CLI writes the database directly).
class AlertEvaluator : public QObject {
    Q_OBJECT
public:
    AlertEvaluator(store::Store *store, AlertDelivery *delivery, QObject *parent = nullptr);

    void start();
    void stop();
    // A rule was written: read them again now.
    void rulesChanged();

    void onHostSample(const QJsonObject &sample);
    void onAppSample(const AppStatsSample &sample);
    void onAppEvent(qint64 appId, const QString &action, const QMap<QString, QString> &attributes);
    void onEngineReachable(bool reachable);
    void onDeployment(const store::Deployment &deployment);
    void onLine(qint64 appId, const QString &line, qint64 tsNs);

    static constexpr int TickMs = 1000;
    static constexpr int ReloadMs = 10000;
    // The detail of a deployment's failure is cut at this length.
    static constexpr int MaxDetailChars = 200;

    quint64 transitions() const { return m_transitions; }
    const alerts::Evaluator &evaluator() const { return m_evaluator; }

Q_SIGNALS:
    // Recorded (it has its id): the `data` of a /ws/alerts message.
    void alerted(const mist::store::FiredAlert &alert);

private:
    qint64 nowMs() const { return m_clock.elapsed(); }
    void reload();
    void tick();
    void handle(const QList<alerts::Transition> &transitions);
    void deliver(const alerts::Rule &rule, const alerts::Transition &t);
    QString messageFor(const alerts::Rule &rule, const alerts::Transition &t) const;
    QString topApps(const QString &field) const;

    store::Store *m_store;
    AlertDelivery *m_delivery;
    alerts::Evaluator m_evaluator;
    QHash<qint64, alerts::Rule> m_rules;
    QElapsedTimer m_clock;
    qint64 m_startedNs = 0; // wall time of start(): older log lines are not evaluated
    QTimer m_tick;
    qint64 m_lastReloadMs = 0;
    QJsonObject m_host;                     // the latest host sample
    QHash<qint64, QString> m_appNames;      // by app id, from the latest app sample
    QList<QPair<QString, double>> m_cpu;    // apps' share of the host's CPU, latest sample
    QList<QPair<QString, double>> m_mem;    // apps' share of the host's memory
    QHash<qint64, qint64> m_lastDeployment; // per app, the last finished deployment seen
    quint64 m_transitions = 0;
};

} // namespace mist::server
