// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppStatsService.h"

#include "engine/DockerClient.h"
#include "engine/EngineApi.h"
#include "metrics/ContainerSampler.h"
#include "protocol/Parsing.h"
#include "server/Logging.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonValue>

#include <algorithm>
#include <cmath>

namespace mist::server {

namespace {

// Figures as they are sent and kept (docs/APP-STATS.md, "Precision"): CPU percent with two
// decimals, as `docker stats` shows it; memory percent with three significant digits (a
// container without a limit uses a small part of the host's memory: 0.00382 %, which two
// decimals would show as 0); rates in whole bytes a second. Beyond that a figure is noise of
// the second's timing, and in history a full double costs 8 bytes a point where a rounded one
// costs about one.
double percent2(double v) {
    return std::round(v * 100) / 100;
}
double significant3(double v) {
    if (v == 0 || !std::isfinite(v))
        return v;
    const int decimals = 2 - int(std::floor(std::log10(std::abs(v))));
    if (decimals <= 0)
        return std::round(v);
    const double scale = std::pow(10.0, std::min(decimals, 12));
    return std::round(v * scale) / scale;
}
double wholeRate(double v) {
    return std::round(v);
}

QJsonValue orNull(const std::optional<double> &v, double (*rounded)(double)) {
    return v ? QJsonValue(rounded(*v)) : QJsonValue(QJsonValue::Null);
}

// The container an app runs as; none for a Swarm service (its tasks are not one container).
QString containerNameOf(const store::App &app) {
    return app.swarmServiceName().isEmpty() ? engine::appContainerName(app.id, app.containerName)
                                            : QString();
}

} // namespace

QJsonObject appStatsJson(const AppStats &s) {
    const QJsonValue null(QJsonValue::Null);
    QJsonObject o{
        {QStringLiteral("appId"), double(s.appId)},
        {QStringLiteral("name"), s.name},
        {QStringLiteral("project"), s.project},
        {QStringLiteral("container"), s.container.isEmpty() ? null : QJsonValue(s.container)},
        {QStringLiteral("state"), s.state ? QJsonValue(*s.state) : null},
        {QStringLiteral("restarts"), s.restarts ? QJsonValue(*s.restarts) : null},
        {QStringLiteral("cpu"), null},
        {QStringLiteral("memory"), null},
        {QStringLiteral("network"), null},
        {QStringLiteral("blockio"), null},
        {QStringLiteral("pids"), null},
    };
    if (!s.figures)
        return o;
    const metrics::ContainerFigures &f = *s.figures;
    o.insert(QStringLiteral("cpu"),
             QJsonObject{{QStringLiteral("percent"), orNull(f.cpuPercent, percent2)}});
    o.insert(QStringLiteral("memory"),
             QJsonObject{{QStringLiteral("used"), double(f.memoryUsed)},
                         {QStringLiteral("limit"), double(f.memoryLimit)},
                         {QStringLiteral("percent"), significant3(f.memoryPercent)}});
    if (f.network)
        o.insert(QStringLiteral("network"),
                 QJsonObject{{QStringLiteral("rxBytes"), double(f.network->received)},
                             {QStringLiteral("txBytes"), double(f.network->sent)},
                             {QStringLiteral("rxRate"), orNull(f.rxRate, wholeRate)},
                             {QStringLiteral("txRate"), orNull(f.txRate, wholeRate)}});
    o.insert(QStringLiteral("blockio"),
             QJsonObject{{QStringLiteral("readBytes"), double(f.io.read)},
                         {QStringLiteral("writeBytes"), double(f.io.written)},
                         {QStringLiteral("readRate"), orNull(f.readRate, wholeRate)},
                         {QStringLiteral("writeRate"), orNull(f.writeRate, wholeRate)}});
    o.insert(QStringLiteral("pids"), double(f.pids));
    return o;
}

AppStatsService::AppStatsService(store::Store *store, engine::DockerClient *docker, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_docker(docker) {
    qRegisterMetaType<AppStatsSample>();
    m_clock.start();
    m_tick.setTimerType(Qt::PreciseTimer); // a coarse 1 s timer strays by up to 50 ms
    connect(&m_tick, &QTimer::timeout, this, &AppStatsService::tick);
    m_sweepTimer.setInterval(SweepMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, &AppStatsService::sweep);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &AppStatsService::openEvents);
}

AppStatsService::~AppStatsService() {
    if (m_events)
        m_events->abort();
}

bool AppStatsService::readsEngineApi() const {
    if (m_source != Source::Auto)
        return m_source == Source::EngineApi;
    return m_docker->host().kind != engine::DockerHost::Kind::Unix;
}

void AppStatsService::start() {
    if (!readsEngineApi()) {
        if (!m_sampler)
            m_sampler = new metrics::ContainerSampler(this);
        // Each second's sample goes out as soon as the cgroups have been read, not at a tick
        // of a timer of its own up to a second later: an alert on an app's CPU
        // (docs/ALERTS.md) and the charts see a change within the second it happened.
        connect(m_sampler, &metrics::ContainerSampler::sampled, this, &AppStatsService::tick,
                Qt::UniqueConnection);
        m_sampler->start(IntervalMs);
    }
    refreshApps();
    openEvents();
    if (readsEngineApi())
        m_tick.start(IntervalMs);
    m_sweepTimer.start();
}

void AppStatsService::stop() {
    m_tick.stop();
    m_sweepTimer.stop();
    m_retry.stop();
    if (m_sampler) {
        m_sampler->stop();
        disconnect(m_sampler, &metrics::ContainerSampler::sampled, this, &AppStatsService::tick);
    }
    if (m_events) {
        m_events->abort();
        m_events->deleteLater();
    }
}

QJsonObject AppStatsService::stats() const {
    return QJsonObject{
        {QStringLiteral("apps"), appsTracked()},
        {QStringLiteral("source"),
         readsEngineApi() ? QStringLiteral("engine") : QStringLiteral("cgroup")},
        {QStringLiteral("samples"), double(m_samples)},
        {QStringLiteral("looksQueued"), looksQueued()},
        {QStringLiteral("statsInFlight"), m_statsInFlight},
        {QStringLiteral("statsSkipped"), double(m_statsSkipped)},
        {QStringLiteral("samplerSkipped"), double(m_sampler ? m_sampler->skippedTicks() : 0)},
    };
}

// --- every second -----------------------------------------------------------

void AppStatsService::tick() {
    refreshApps();
    // The sample's time is its tick's, in the middle of a second (base/SecondTicks.h), not
    // when a busy machine got round to it: history keeps one point each second.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 ticked = m_sampler && !readsEngineApi() ? m_sampler->batchStartedMs() : now;
    m_latest = makeSample(m_clock.elapsed());
    m_latest.timestampMs = ticked > 0 ? ticked : now;
    ++m_samples;
    Q_EMIT sampled(m_latest);
    if (readsEngineApi())
        requestEngineStats();
}

// The store's apps: a new one is looked up, a removed one forgotten, a renamed one relabelled.
void AppStatsService::refreshApps() {
    const auto all = m_store->apps().all();
    if (!all) {
        qCWarning(lcServer) << "app stats: cannot read the apps:" << all.error();
        return;
    }
    QSet<qint64> seen;
    for (const store::App &app : *all) {
        seen.insert(app.id);
        auto it = m_apps.find(app.id);
        if (it == m_apps.end()) {
            Tracked t;
            t.app = app;
            m_apps.insert(app.id, t);
            queueLook(app.id);
            continue;
        }
        const bool moved = containerNameOf(it->app) != containerNameOf(app);
        it->app = app;
        if (moved)
            queueLook(app.id);
    }
    bool dropped = false;
    for (auto it = m_apps.begin(); it != m_apps.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        m_lookQueue.removeAll(it.key());
        m_lookAgain.remove(it.key());
        it = m_apps.erase(it);
        dropped = true;
    }
    if (dropped)
        feedSampler();
    startLooks();
}

AppStatsSample AppStatsService::makeSample(qint64 nowMs) const {
    AppStatsSample sample;
    QList<qint64> ids = m_apps.keys();
    std::sort(ids.begin(), ids.end());
    sample.apps.reserve(ids.size());
    for (qint64 id : ids) {
        const Tracked &t = *m_apps.constFind(id);
        AppStats a;
        a.appId = id;
        a.name = t.app.name;
        a.project = t.app.projectName;
        a.container = t.containerId.isEmpty() ? QString() : containerNameOf(t.app);
        a.state = t.state;
        a.restarts = t.restarts;
        a.looked = t.looked;
        a.figures = figuresOf(t, nowMs);
        sample.apps.append(a);
    }
    return sample;
}

std::optional<metrics::ContainerFigures> AppStatsService::figuresOf(const Tracked &t,
                                                                    qint64 nowMs) const {
    if (t.state != QStringLiteral("running") || t.containerId.isEmpty())
        return std::nullopt;
    if (m_sampler) {
        const auto it = m_sampler->figures().constFind(t.containerId);
        return it == m_sampler->figures().constEnd() ? std::nullopt : std::optional(*it);
    }
    if (!t.figures || nowMs - t.figuresAtMs > StaleFiguresMs)
        return std::nullopt;
    return t.figures;
}

void AppStatsService::feedSampler() {
    if (!m_sampler)
        return;
    QList<metrics::SampledContainer> containers;
    for (const Tracked &t : std::as_const(m_apps))
        if (t.state == QStringLiteral("running") && t.pid > 0)
            containers.append({t.containerId, t.pid});
    m_sampler->setContainers(containers);
}

// Engine-API source: one one-shot stats request per running container, at most
// MaxStatsInFlight at once, the containers asked longest ago first (so that with more running
// containers than slots each gets its turn); a container whose last request has not come back
// is not asked again.
void AppStatsService::requestEngineStats() {
    QList<Tracked *> due;
    for (Tracked &t : m_apps)
        if (t.state == QStringLiteral("running") && !t.containerId.isEmpty() && !t.statsPending)
            due.append(&t);
    std::sort(due.begin(), due.end(),
              [](const Tracked *a, const Tracked *b) { return a->askedAtMs < b->askedAtMs; });
    const qint64 now = m_clock.elapsed();
    for (Tracked *t : std::as_const(due)) {
        if (m_statsInFlight >= MaxStatsInFlight) {
            ++m_statsSkipped;
            return;
        }
        t->statsPending = true;
        t->askedAtMs = now;
        ++m_statsInFlight;
        const qint64 appId = t->app.id;
        const QString containerId = t->containerId;
        engine::Engine(*m_docker).containerStatsOnce(
            containerId, this,
            [this, appId, containerId](const engine::EngineResult<QByteArray> &stats) {
                onEngineStats(appId, containerId, stats);
            });
    }
}

void AppStatsService::onEngineStats(qint64 appId, const QString &containerId,
                                    const engine::EngineResult<QByteArray> &stats) {
    --m_statsInFlight;
    auto it = m_apps.find(appId);
    if (it == m_apps.end())
        return;
    it->statsPending = false;
    if (it->containerId != containerId)
        return; // replaced meanwhile: the reading is the old container's
    const auto reading = stats ? metrics::parseEngineStats(*stats) : std::nullopt;
    if (!reading) {
        it->previous.reset();
        it->figures.reset();
        return;
    }
    // The engine reports a container without a limit against the host's memory itself.
    it->figures = metrics::containerFigures(it->previous, *reading, 0);
    it->figuresAtMs = m_clock.elapsed();
    it->previous = reading;
}

// --- finding each app's container ---------------------------------------------

void AppStatsService::queueLook(qint64 appId) {
    if (m_looking.contains(appId)) {
        m_lookAgain.insert(appId);
        return;
    }
    if (!m_lookQueue.contains(appId))
        m_lookQueue.append(appId);
}

void AppStatsService::startLooks() {
    while (!m_lookQueue.isEmpty() && m_looking.size() < MaxLooksInFlight) {
        const qint64 appId = m_lookQueue.takeFirst();
        const auto it = m_apps.constFind(appId);
        if (it == m_apps.constEnd())
            continue;
        const QString name = containerNameOf(it->app);
        if (name.isEmpty())
            continue; // a Swarm service: no container of its own
        m_looking.insert(appId);
        engine::Engine(*m_docker).inspectContainer(
            name, this,
            [this, appId](const engine::EngineResult<engine::ContainerState> &inspected) {
                onLooked(appId, inspected);
            });
    }
}

void AppStatsService::onLooked(qint64 appId,
                               const engine::EngineResult<engine::ContainerState> &inspected) {
    m_looking.remove(appId);
    auto it = m_apps.find(appId);
    if (it != m_apps.end() && (inspected || inspected.error().notFound())) {
        const auto state = inspected ? std::optional(*inspected) : std::nullopt;
        const QString id = state ? state->id : QString();
        if (id != it->containerId || (state && state->pid != it->pid)) {
            it->previous.reset();
            it->figures.reset();
        }
        it->containerId = id;
        it->pid = state && state->running ? state->pid : 0;
        it->state = state ? std::optional(state->status) : std::nullopt;
        it->restarts = state ? std::optional(state->restartCount) : std::nullopt;
        it->looked = true;
        feedSampler();
    } else if (it != m_apps.end()) {
        qCDebug(lcServer) << "app stats: cannot inspect app" << appId << inspected.error().message;
    }
    if (m_lookAgain.remove(appId))
        queueLook(appId);
    startLooks();
}

// --- the engine's events and the sweep -----------------------------------------

void AppStatsService::openEvents() {
    if (m_events) {
        m_events->abort();
        m_events->deleteLater();
    }
    engine::EventsQuery query;
    query.filters = {{QStringLiteral("type"), {QStringLiteral("container")}},
                     {QStringLiteral("event"),
                      {QStringLiteral("start"), QStringLiteral("die"), QStringLiteral("destroy"),
                       QStringLiteral("rename"), QStringLiteral("pause"), QStringLiteral("unpause"),
                       QStringLiteral("oom"), QStringLiteral("health_status")}}};
    m_events = engine::Engine(*m_docker).streamEvents(query);
    m_events->setParent(this);
    connect(m_events, &engine::EventStream::opened, this, &AppStatsService::onEventsStarted);
    connect(m_events, &engine::EventStream::event, this, &AppStatsService::onEvent);
    connect(m_events, &engine::EventStream::malformed, this, [](const QString &why) {
        qCWarning(lcServer).noquote() << "app stats: engine events:" << why;
    });
    connect(m_events, &engine::EventStream::finished, this, &AppStatsService::onEventsFinished);
}

void AppStatsService::onEventsStarted() {
    m_retryMs = RetryMinMs;
    if (m_engineReachable != true)
        Q_EMIT engineReachable(*(m_engineReachable = true));
    sweep(); // whatever happened while the events were away
}

void AppStatsService::onEventsFinished(const engine::EngineResult<void> &ended) {
    if (!ended && ended.error().unreachable() && m_engineReachable != false)
        Q_EMIT engineReachable(*(m_engineReachable = false));
    if (m_events)
        m_events->deleteLater();
    m_events = nullptr;
    m_retry.start(m_retryMs);
    m_retryMs = std::min(m_retryMs * 2, RetryMaxMs);
}

// The app the container is (by its mist.app.id label, its name, or the container it was).
void AppStatsService::onEvent(const engine::EngineEvent &event) {
    const auto labelled = protocol::parseId(event.attributes.value(QStringLiteral("mist.app.id")));
    const QString name = event.attributes.value(QStringLiteral("name"));
    std::optional<qint64> app;
    for (auto it = m_apps.cbegin(); it != m_apps.cend(); ++it) {
        if ((labelled && *labelled == it.key()) || it->containerId == event.actorId ||
            (!name.isEmpty() && containerNameOf(it->app) == name)) {
            queueLook(it.key());
            app = app.value_or(it.key());
        }
    }
    startLooks();
    if (app)
        Q_EMIT appEvent(*app, event.action, event.attributes);
}

void AppStatsService::sweep() {
    if (m_sweeping)
        return;
    m_sweeping = true;
    engine::Engine(*m_docker).containers(
        {}, this, [this](const engine::EngineResult<QList<engine::ContainerSummary>> &listed) {
            onListed(listed);
        });
}

// Apps whose container is not the one known, or not in the state known, are looked at again.
void AppStatsService::onListed(
    const engine::EngineResult<QList<engine::ContainerSummary>> &listed) {
    m_sweeping = false;
    if (!listed)
        return;
    QHash<QString, engine::ContainerSummary> byName;
    for (const engine::ContainerSummary &c : *listed)
        for (const QString &n : c.names)
            byName.insert(n, c);
    for (auto it = m_apps.cbegin(); it != m_apps.cend(); ++it) {
        const QString name = containerNameOf(it->app);
        if (name.isEmpty())
            continue;
        const auto c = byName.constFind(name);
        const bool exists = c != byName.constEnd();
        if (exists != !it->containerId.isEmpty() || (exists && c->id != it->containerId) ||
            (exists && it->state != c->state))
            queueLook(it.key());
    }
    startLooks();
}

} // namespace mist::server
