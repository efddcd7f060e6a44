// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ContainerFigures.h"

#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QTimer>

// Samples the containers it is given once a second from their cgroups (CgroupReader) and
// hands out each one's figures (containerFigures): the reading behind the per-app figures of
// #18 when the server shares the engine's host. The files are read on Qt's thread pool, one
// batch at a time, never on the event loop; a batch that is still running when the next second
// comes makes that second skip (a slow disk delays figures, it does not pile up reads).
namespace mist::metrics {

struct SampledContainer {
    QString id;     // the engine's container id
    qint64 pid = 0; // its init process (State.Pid), how its cgroup and network are found
};

class ContainerSampler : public QObject {
    Q_OBJECT
public:
    // procRoot: /proc on a real host (tests may point it at a copy, as CgroupReader's).
    explicit ContainerSampler(QObject *parent = nullptr,
                              QString procRoot = QStringLiteral("/proc"));
    ~ContainerSampler() override;

    // The containers to sample from now on; figures of containers no longer in the list are
    // forgotten (a container that comes back starts without rates). A container whose pid
    // changed (it restarted) is located anew.
    void setContainers(const QList<SampledContainer> &containers);
    // Ticks every intervalMs in the middle of a wall-clock second (base/SecondTicks.h).
    void start(int intervalMs = 1000);
    void stop();
    // Starts a batch now unless one is running.
    void sampleNow();

    // Figures of the last batch, by container id; a container whose files could not be read
    // (stopped between list and read) is in errors() instead.
    const QHash<QString, ContainerFigures> &figures() const { return m_figures; }
    const QHash<QString, QString> &errors() const { return m_errors; }
    quint64 batches() const { return m_batches; }
    quint64 skippedTicks() const { return m_skipped; }
    // When the last batch was started (wall clock, ms since the epoch): the time of its sample.
    // Batches do not overlap, so while sampled() is emitted it is the time of that batch.
    qint64 batchStartedMs() const { return m_batchStartedMs; }

Q_SIGNALS:
    void sampled();

private:
    struct Target {
        SampledContainer container;
        std::optional<CgroupLocation> location;
        std::optional<ContainerReading> previous;
    };
    struct Result {
        QString id;
        qint64 pid = 0;
        std::optional<CgroupLocation> location;
        std::optional<ContainerReading> reading;
        QString error;
    };
    static QList<Result> readAll(const QString &procRoot, const QList<Target> &targets);
    void batchDone();
    void onTick();

    QString m_procRoot;
    QTimer m_timer;
    QHash<QString, Target> m_targets;
    QHash<QString, ContainerFigures> m_figures;
    QHash<QString, QString> m_errors;
    QFutureWatcher<QList<Result>> m_watcher;
    quint64 m_hostMemory = 0;
    quint64 m_batches = 0;
    quint64 m_skipped = 0;
    int m_intervalMs = 1000;
    qint64 m_batchStartedMs = 0;
};

} // namespace mist::metrics
