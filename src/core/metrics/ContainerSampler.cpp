// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerSampler.h"

#include "ProcParsers.h"
#include "base/SecondTicks.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

namespace mist::metrics {

namespace {

qint64 monotonicNs() {
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed();
}

quint64 hostMemory(const QString &procRoot) {
    QFile f(procRoot + QStringLiteral("/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const std::optional<MemInfo> info = parseMemInfo(f.read(1 << 20));
    return info ? info->totalBytes : 0;
}

} // namespace

ContainerSampler::ContainerSampler(QObject *parent, QString procRoot)
    : QObject(parent)
    , m_procRoot(std::move(procRoot)) {
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ContainerSampler::onTick);
    connect(&m_watcher, &QFutureWatcher<QList<Result>>::finished, this,
            &ContainerSampler::batchDone);
}

ContainerSampler::~ContainerSampler() {
    // The batch holds copies only; waiting keeps the pool's thread from outliving its watcher.
    m_watcher.waitForFinished();
}

void ContainerSampler::setContainers(const QList<SampledContainer> &containers) {
    QHash<QString, Target> next;
    for (const SampledContainer &c : containers) {
        Target t = m_targets.value(c.id);
        if (t.container.pid != c.pid) {
            t.location.reset();
            t.previous.reset();
            m_figures.remove(c.id); // the old process's
            m_errors.remove(c.id);
        }
        t.container = c;
        next.insert(c.id, t);
    }
    m_targets = std::move(next);
    for (auto it = m_figures.begin(); it != m_figures.end();)
        it = m_targets.contains(it.key()) ? std::next(it) : m_figures.erase(it);
    for (auto it = m_errors.begin(); it != m_errors.end();)
        it = m_targets.contains(it.key()) ? std::next(it) : m_errors.erase(it);
}

void ContainerSampler::start(int intervalMs) {
    m_hostMemory = hostMemory(m_procRoot);
    m_intervalMs = intervalMs;
    onTick();
}

void ContainerSampler::onTick() {
    sampleNow();
    m_timer.start(msToNextTick(QDateTime::currentMSecsSinceEpoch(), m_intervalMs));
}

void ContainerSampler::stop() {
    m_timer.stop();
}

void ContainerSampler::sampleNow() {
    if (m_watcher.isRunning()) {
        ++m_skipped;
        return;
    }
    m_batchStartedMs = QDateTime::currentMSecsSinceEpoch();
    m_watcher.setFuture(QtConcurrent::run(&ContainerSampler::readAll, m_procRoot,
                                          QList<Target>(m_targets.begin(), m_targets.end())));
}

QList<ContainerSampler::Result> ContainerSampler::readAll(const QString &procRoot,
                                                          const QList<Target> &targets) {
    const CgroupReader reader(procRoot);
    QList<Result> results;
    results.reserve(targets.size());
    for (const Target &t : targets) {
        Result r{t.container.id, t.container.pid, t.location, std::nullopt, QString()};
        if (!r.location) {
            const Expected<CgroupLocation> located = reader.locate(t.container.pid);
            if (!located) {
                r.error = located.error();
                results.append(r);
                continue;
            }
            r.location = *located;
        }
        const Expected<CgroupCounters> counters = reader.read(*r.location);
        if (!counters) {
            r.error = counters.error();
            r.location.reset(); // perhaps it moved: look again next time
            results.append(r);
            continue;
        }
        ContainerReading reading;
        reading.atNs = monotonicNs();
        reading.counters = *counters;
        // A container without a network namespace of its own still has /proc/<pid>/net/dev
        // (loopback only): a failure here means the process is gone.
        const Expected<NetBytes> network = reader.readNetwork(t.container.pid);
        if (network)
            reading.network = *network;
        r.reading = reading;
        results.append(r);
    }
    return results;
}

void ContainerSampler::batchDone() {
    ++m_batches;
    for (const Result &r : m_watcher.result()) {
        auto target = m_targets.find(r.id);
        // Dropped or restarted while the batch ran: its reading belongs to the old process.
        if (target == m_targets.end() || target->container.pid != r.pid)
            continue;
        target->location = r.location;
        if (!r.reading) {
            m_figures.remove(r.id);
            m_errors.insert(r.id, r.error);
            target->previous.reset();
            continue;
        }
        m_errors.remove(r.id);
        m_figures.insert(r.id, containerFigures(target->previous, *r.reading, m_hostMemory));
        target->previous = r.reading;
    }
    emit sampled();
}

} // namespace mist::metrics
