// SPDX-License-Identifier: GPL-3.0-or-later

// 13. The per-app sampler (#18), in this process against the engine in DOCKER_HOST. (a) Its
// cost: server::AppStatsService, the service the server runs, over a store of N apps whose
// containers run `sleep` (N = 1, 20, 100; smoke 1 and 5), reading the containers' cgroups
// (Source::Cgroup, what a server on the engine's host does) and, for the same apps, the
// engine's stats API (Source::EngineApi, what a server of a tcp:// engine does, at most 16
// requests a second) and every container's one-shot stats every second without that cap: this
// process's CPU per second of sampling, and the CPU the engine's own processes (dockerd, its
// containerd and the containers' shims) spend over the same seconds beyond what they spend idle.
// (b) Its agreement with the engine's figures: a container burning a core and one holding 64 MiB,
// measured by the service from their cgroups and by the engine's stats stream with the
// formulas of `docker stats`, over the same seconds. docs/PERFORMANCE.md, "Per-app sampler".

#include "Scenarios.h"

#include "engine/DockerClient.h"
#include "engine/DockerHost.h"
#include "engine/EngineApi.h"
#include "metrics/ContainerFigures.h"
#include "server/AppStatsService.h"
#include "store/Store.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QTimer>

#include <cmath>
#include <ctime>

namespace mist::bench {

namespace {

using server::AppStatsService;

Figure samplerFigure(const QString &name, double value, const QString &unit,
                     const QString &target = {}, int met = -1, const QString &note = {}) {
    return Figure{QStringLiteral("sampler"), name, value, unit, target, met, note};
}

qint64 ownCpuNs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// CPU time of the engine's processes: dockerd, its containerd and the containers' shims, found
// by the engine's directory in their command lines (the shims are not dockerd's children).
qint64 engineCpuNs(const QString &dir) {
    if (dir.isEmpty())
        return sampleProcess(engineDaemonPid()).cpuNs;
    qint64 sum = 0;
    const QByteArray needle = dir.toUtf8() + '/';
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!comm.open(QIODevice::ReadOnly) || !cmdline.open(QIODevice::ReadOnly))
            continue;
        const QByteArray name = comm.readAll().trimmed();
        if ((name == "dockerd" || name == "containerd" || name.startsWith("containerd-shim")) &&
            cmdline.readAll().contains(needle))
            sum += sampleProcess(pid).cpuNs;
    }
    return sum;
}

// `docker run -d` of each name with `args` after it, at most 6 at once (one at a time takes
// about 2 s on the shared build machines). False if any failed.
bool runContainers(const QStringList &names, const QStringList &args) {
    std::vector<std::unique_ptr<QProcess>> running;
    int next = 0, failed = 0, done = 0;
    while (done < names.size()) {
        while (running.size() < 6 && next < names.size()) {
            auto p = std::make_unique<QProcess>();
            p->start(QStringLiteral("docker"),
                     QStringList{QStringLiteral("run"), QStringLiteral("-d"),
                                 QStringLiteral("--init"), QStringLiteral("--network"),
                                 QStringLiteral("none"), QStringLiteral("--name"), names[next++]} +
                         args);
            running.push_back(std::move(p));
        }
        waitUntil(
            [&] {
                return std::any_of(running.begin(), running.end(), [](const auto &p) {
                    return p->state() == QProcess::NotRunning;
                });
            },
            120000);
        for (auto it = running.begin(); it != running.end();) {
            if ((*it)->state() != QProcess::NotRunning) {
                ++it;
                continue;
            }
            if ((*it)->exitStatus() != QProcess::NormalExit || (*it)->exitCode() != 0) {
                std::fprintf(stderr, "bench: docker run failed: %s\n",
                             (*it)->readAllStandardError().constData());
                ++failed;
            }
            ++done;
            it = running.erase(it);
        }
    }
    return failed == 0;
}

void removeContainers(const QStringList &names) {
    for (qsizetype i = 0; i < names.size(); i += 50)
        docker(QStringList{QStringLiteral("rm"), QStringLiteral("-f")} + names.mid(i, 50));
}

// A store of its own with one app per container (the service follows every app of its store).
struct AppStore {
    QTemporaryDir dir;
    store::Store store;

    QString open(const QStringList &containers) {
        if (const auto opened = store.open(dir.path()); !opened)
            return opened.error();
        for (const QString &c : containers) {
            store::App app;
            app.name = c;
            app.projectName = QStringLiteral("bench");
            app.containerName = c;
            if (const auto added = store.apps().add(app); !added)
                return added.error();
        }
        return {};
    }
};

int measuredApps(const server::AppStatsSample &s) {
    return int(std::count_if(s.apps.begin(), s.apps.end(), [](const server::AppStats &a) {
        return a.figures && a.figures->cpuPercent;
    }));
}

// One period: this process's and the engine's CPU per second, and for a sampling period how
// many apps each sample measured.
struct Period {
    double ownMsPerS = 0;
    double engineMsPerS = 0;
    quint64 samples = 0;
    double measuredPerSample = 0;
    quint64 statsSkipped = 0;
    QString error;
};

Period measure(const QString &dir, int ms, const std::function<void(bool)> &window = {}) {
    Period p;
    // The engine's processes are looked up outside this process's window: the walk through
    // /proc is the bench's work, not the sampler's.
    const qint64 engine0 = engineCpuNs(dir), own0 = ownCpuNs(), t0 = monotonicNs();
    if (window)
        window(true);
    // One timer, not pumpFor()'s check every millisecond, which would cost this process more
    // than the sampler does.
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
    if (window)
        window(false);
    const qint64 own1 = ownCpuNs(), t1 = monotonicNs(), engine1 = engineCpuNs(dir);
    const double seconds = double(t1 - t0) / 1e9;
    p.ownMsPerS = double(own1 - own0) / 1e6 / seconds;
    p.engineMsPerS = double(engine1 - engine0) / 1e6 / seconds;
    return p;
}

// The service over `store`, reading `source`, measured for `ms` once every app is measured
// (with the engine's API, once as many as it asks in a second are, and its rotation has gone
// round once).
Period sampling(AppStatsService::Source source, store::Store &store, engine::DockerClient &docker,
                int apps, int ms, bool smoke) {
    AppStatsService service(&store, &docker);
    service.setSource(source);
    int last = 0;
    bool inWindow = false;
    quint64 samples = 0, measured = 0;
    QObject::connect(&service, &AppStatsService::sampled, [&](const server::AppStatsSample &s) {
        last = measuredApps(s);
        if (inWindow) {
            ++samples;
            measured += quint64(last);
        }
    });
    service.start();
    const bool engineApi = source == AppStatsService::Source::EngineApi;
    const int ready = engineApi ? std::min(apps, AppStatsService::MaxStatsInFlight) : apps;
    if (!waitUntil([&] { return last >= ready; }, 60000)) {
        service.stop();
        Period p;
        p.error = QStringLiteral("%1 of %2 apps measured").arg(last).arg(ready);
        return p;
    }
    pumpFor(smoke ? 500 : engineApi ? 8000 : 2000);
    const quint64 skipped0 = service.statsSkipped();
    Period p = measure(engineDir(), ms, [&](bool on) { inWindow = on; });
    p.samples = samples;
    p.measuredPerSample = samples ? double(measured) / double(samples) : 0;
    p.statsSkipped = service.statsSkipped() - skipped0;
    service.stop();
    pumpFor(1000); // answers still on their way are not the next period's
    return p;
}

// The engine's stats API for every container every second, without the service's cap of 16
// requests at a time: what reading "the same containers" through the engine costs in full.
// Each answer is parsed as the service parses it; `measuredPerSample` counts the answers a
// second.
Period everyContainer(engine::DockerClient &docker, const QStringList &containers, int ms,
                      bool smoke) {
    quint64 answers = 0, failures = 0, seconds = 0;
    bool inWindow = false;
    QTimer tick;
    QObject context;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        seconds += inWindow;
        for (const QString &c : containers)
            engine::Engine(docker).containerStatsOnce(
                c, &context,
                [&, counted = inWindow](const engine::EngineResult<QByteArray> &stats) {
                    const bool ok = stats && metrics::parseEngineStats(*stats);
                    answers += counted && ok;
                    failures += !ok;
                });
    });
    tick.start(AppStatsService::IntervalMs);
    pumpFor(smoke ? 1000 : 3000);
    Period p = measure(engineDir(), ms, [&](bool on) { inWindow = on; });
    tick.stop();
    pumpFor(1000);
    p.samples = seconds;
    p.measuredPerSample = seconds ? double(answers) / double(seconds) : 0;
    if (failures)
        p.error = QStringLiteral("%1 stats requests failed").arg(failures);
    return p;
}

void reportCost(Report &r, int apps, const Period &idle, const Period &cgroup, const Period &api,
                const Period &all) {
    const auto percent = [](double msPerS) { // of one core
        return msPerS / 10;
    };
    const double ours = percent(cgroup.ownMsPerS - idle.ownMsPerS);
    const double theirs = percent(api.ownMsPerS - idle.ownMsPerS);
    const QString target = apps == 100 ? QStringLiteral("≤ 2 % of a core") : QString();
    r.add(samplerFigure(
        QStringLiteral("cgroup sampler, %1 containers").arg(apps), ours,
        QStringLiteral("% of a core"), target, apps == 100 ? metIf(ours <= 2) : -1,
        QStringLiteral("%1 samples, %2 apps measured per sample; this process idle %3 ms/s")
            .arg(cgroup.samples)
            .arg(cgroup.measuredPerSample, 0, 'f', 1)
            .arg(idle.ownMsPerS, 0, 'f', 2)));
    r.add(samplerFigure(
        QStringLiteral("engine-API sampler, %1 containers").arg(apps), theirs,
        QStringLiteral("% of a core"), {}, -1,
        QStringLiteral("%1 samples, %2 apps measured per sample, %3 seconds left some out")
            .arg(api.samples)
            .arg(api.measuredPerSample, 0, 'f', 1)
            .arg(api.statsSkipped)));
    r.add(samplerFigure(
        QStringLiteral("engine API, all %1 every second").arg(apps),
        percent(all.ownMsPerS - idle.ownMsPerS), QStringLiteral("% of a core"), {}, -1,
        QStringLiteral("one-shot stats of every container each second, no cap: %1 answers a "
                       "second")
            .arg(all.measuredPerSample, 0, 'f', 1)));
    r.add(samplerFigure(QStringLiteral("engine idle, %1 containers").arg(apps),
                        percent(idle.engineMsPerS), QStringLiteral("% of a core"), {}, -1,
                        QStringLiteral("dockerd + containerd + shims, nothing sampling")));
    r.add(samplerFigure(QStringLiteral("engine added by cgroup, %1").arg(apps),
                        percent(cgroup.engineMsPerS - idle.engineMsPerS),
                        QStringLiteral("% of a core"), {}, -1,
                        QStringLiteral("inspections, events, a container list every 10 s")));
    r.add(samplerFigure(QStringLiteral("engine added by engine API, %1").arg(apps),
                        percent(api.engineMsPerS - idle.engineMsPerS),
                        QStringLiteral("% of a core"), {}, -1,
                        QStringLiteral("the service: at most 16 requests a second")));
    r.add(samplerFigure(QStringLiteral("engine added by API, all %1").arg(apps),
                        percent(all.engineMsPerS - idle.engineMsPerS),
                        QStringLiteral("% of a core")));
}

// (a) The cost at each size; the containers of a smaller size stay for the next.
void samplerCost(const Options &o, Report &r) {
    const QList<int> sizes = o.smoke ? QList<int>{1, 5} : QList<int>{1, 20, 100};
    const int ms = o.smoke ? 1000 : 30000;
    QStringList names;
    const auto cleanup = qScopeGuard([&] { removeContainers(names); });
    auto docker = engineClient();
    if (!docker) {
        r.fail(QStringLiteral("sampler"), QStringLiteral("no engine client"));
        return;
    }
    for (const int apps : sizes) {
        QStringList more;
        while (names.size() + more.size() < apps)
            more << containerName("sampler");
        names += more;
        if (!runContainers(more, {QStringLiteral("mist-test-base:latest"), QStringLiteral("sleep"),
                                  QStringLiteral("3600")})) {
            r.fail(QStringLiteral("sampler"), QStringLiteral("could not start the containers"));
            return;
        }
        AppStore store;
        if (const QString error = store.open(names); !error.isEmpty()) {
            r.fail(QStringLiteral("sampler"), error);
            return;
        }
        pumpFor(1000);
        const Period idle = measure(engineDir(), ms);
        const Period cgroup =
            sampling(AppStatsService::Source::Cgroup, store.store, *docker, apps, ms, o.smoke);
        const Period api =
            sampling(AppStatsService::Source::EngineApi, store.store, *docker, apps, ms, o.smoke);
        const Period all = everyContainer(*docker, names, ms, o.smoke);
        for (const Period *p : {&cgroup, &api, &all})
            if (!p->error.isEmpty()) {
                r.fail(QStringLiteral("sampler"),
                       QStringLiteral("%1 containers: %2").arg(apps).arg(p->error));
                return;
            }
        reportCost(r, apps, idle, cgroup, api, all);
    }
}

// The engine's figures for a container as `docker stats` computes them from one line of the
// engine's stats stream (docker/cli, cli/command/container/stats_helpers.go): CPU percent of
// one core from the deltas to `precpu_stats` (usage over system time, times the online CPUs);
// memory in use = usage minus `total_inactive_file` (cgroup v1) or `inactive_file` (v2).
struct EngineFigures {
    std::optional<double> cpuPercent;
    double memoryUsed = 0;
};

EngineFigures dockerStatsFigures(const QJsonObject &o) {
    EngineFigures f;
    const QJsonObject cpu = o[QStringLiteral("cpu_stats")].toObject();
    const QJsonObject pre = o[QStringLiteral("precpu_stats")].toObject();
    const double cpuDelta =
        cpu[QStringLiteral("cpu_usage")][QStringLiteral("total_usage")].toDouble() -
        pre[QStringLiteral("cpu_usage")][QStringLiteral("total_usage")].toDouble();
    const double systemDelta = cpu[QStringLiteral("system_cpu_usage")].toDouble() -
                               pre[QStringLiteral("system_cpu_usage")].toDouble();
    double online = cpu[QStringLiteral("online_cpus")].toDouble();
    if (online == 0)
        online = cpu[QStringLiteral("cpu_usage")][QStringLiteral("percpu_usage")].toArray().size();
    if (pre[QStringLiteral("system_cpu_usage")].toDouble() > 0 && systemDelta > 0 && cpuDelta >= 0)
        f.cpuPercent = cpuDelta / systemDelta * online * 100.0;
    const QJsonObject memory = o[QStringLiteral("memory_stats")].toObject();
    const QJsonObject stats = memory[QStringLiteral("stats")].toObject();
    const double usage = memory[QStringLiteral("usage")].toDouble();
    const QJsonValue v1 = stats[QStringLiteral("total_inactive_file")];
    const double inactive =
        v1.isDouble() ? v1.toDouble() : stats[QStringLiteral("inactive_file")].toDouble();
    f.memoryUsed = inactive < usage ? usage - inactive : usage;
    return f;
}

// A container's stats stream from the engine (a line a second), each line's figures kept while
// `recording`; `seen` counts every line with a CPU figure.
class EngineStatsReader {
public:
    EngineStatsReader(engine::DockerClient &docker, const QString &container)
        : m_stream(engine::Engine(docker).streamContainerStats(container)) {
        QObject::connect(m_stream.get(), &engine::DockerStream::data,
                         [this](const QByteArray &bytes) { feed(bytes); });
    }
    bool recording = false;
    int seen = 0;
    std::vector<EngineFigures> figures;

private:
    void feed(const QByteArray &bytes) {
        m_buffer += bytes;
        for (qsizetype nl = m_buffer.indexOf('\n'); nl >= 0; nl = m_buffer.indexOf('\n')) {
            const EngineFigures f =
                dockerStatsFigures(QJsonDocument::fromJson(m_buffer.left(nl)).object());
            m_buffer.remove(0, nl + 1);
            if (!f.cpuPercent)
                continue;
            ++seen;
            if (recording)
                figures.push_back(f);
        }
    }
    std::unique_ptr<engine::DockerStream> m_stream;
    QByteArray m_buffer;
};

struct Means {
    double cpu = 0, memory = 0;
    int n = 0;
};

Means meanOf(const std::vector<EngineFigures> &figures) {
    Means m;
    for (const EngineFigures &f : figures) {
        m.cpu += *f.cpuPercent;
        m.memory += f.memoryUsed;
        ++m.n;
    }
    if (m.n) {
        m.cpu /= m.n;
        m.memory /= m.n;
    }
    return m;
}

// The burning container (app 0) and the 64 MiB one (app 1): the service's figures and the
// engine's over the same `ms`.
struct Agreement {
    Means ours[2], engine[2];
    QString cli; // `docker stats --no-stream` at the end, for the reader
    QString error;
};

Agreement measureAgreement(engine::DockerClient &docker, const QStringList &names, int ms) {
    Agreement a;
    AppStore store;
    if (a.error = store.open(names); !a.error.isEmpty())
        return a;
    AppStatsService service(&store.store, &docker);
    service.setSource(AppStatsService::Source::Cgroup);
    std::vector<EngineFigures> ours[2];
    bool recording = false;
    int measured = 0;
    QObject::connect(&service, &AppStatsService::sampled, [&](const server::AppStatsSample &s) {
        measured = measuredApps(s);
        for (const server::AppStats &app : s.apps) {
            const int i = int(names.indexOf(app.container));
            if (recording && i >= 0 && app.figures && app.figures->cpuPercent)
                ours[i].push_back({app.figures->cpuPercent, double(app.figures->memoryUsed)});
        }
    });
    service.start();
    EngineStatsReader engine0(docker, names[0]), engine1(docker, names[1]);
    EngineStatsReader *engines[2] = {&engine0, &engine1};
    if (!waitUntil([&] { return measured == 2 && engine0.seen > 0 && engine1.seen > 0; }, 30000)) {
        a.error = QStringLiteral("no figures from the service or the engine");
        return a;
    }
    recording = engine0.recording = engine1.recording = true;
    pumpFor(ms);
    recording = engine0.recording = engine1.recording = false;
    service.stop();
    for (int i = 0; i < 2; ++i) {
        a.ours[i] = meanOf(ours[i]);
        a.engine[i] = meanOf(engines[i]->figures);
    }
    const QStringList lines =
        bench::docker(QStringList{QStringLiteral("stats"), QStringLiteral("--no-stream"),
                                  QStringLiteral("--format"),
                                  QStringLiteral("{{.Name}} {{.CPUPerc}} {{.MemUsage}}")} +
                      names)
            .split(u'\n');
    a.cli = lines.join(QStringLiteral("; "));
    return a;
}

void reportAgreement(Report &r, const Agreement &a) {
    const auto mib = [](double bytes) {
        return bytes / (1024.0 * 1024.0);
    };
    const double cpuDiff = std::abs(a.ours[0].cpu - a.engine[0].cpu);
    const double memDiff =
        a.engine[1].memory > 0
            ? std::abs(a.ours[1].memory - a.engine[1].memory) / a.engine[1].memory * 100
            : 100;
    const QString counts = QStringLiteral("means of %1 of our samples and %2 of the engine's")
                               .arg(a.ours[0].n)
                               .arg(a.engine[0].n);
    r.add(samplerFigure(QStringLiteral("CPU of a burning container, ours"), a.ours[0].cpu,
                        QStringLiteral("%"), {}, -1, counts));
    r.add(samplerFigure(QStringLiteral("CPU of a burning container, engine"), a.engine[0].cpu,
                        QStringLiteral("%"), {}, -1,
                        QStringLiteral("docker stats at the end: %1").arg(a.cli)));
    r.add(samplerFigure(QStringLiteral("CPU difference"), cpuDiff, QStringLiteral("points"),
                        QStringLiteral("≤ 5 points"), metIf(cpuDiff <= 5)));
    r.add(samplerFigure(QStringLiteral("memory of a 64 MiB container, ours"), mib(a.ours[1].memory),
                        QStringLiteral("MiB"), {}, -1,
                        QStringLiteral("usage − inactive file, from its cgroup")));
    r.add(samplerFigure(QStringLiteral("memory of a 64 MiB container, engine"),
                        mib(a.engine[1].memory), QStringLiteral("MiB")));
    r.add(samplerFigure(QStringLiteral("memory difference"), memDiff, QStringLiteral("%"),
                        QStringLiteral("≤ 1 %"), metIf(memDiff <= 1)));
}

// (b) A container burning a core and one holding 64 MiB in tmpfs (which counts as its memory).
void agreement(const Options &o, Report &r) {
    const QStringList names{containerName("sampler-burn"), containerName("sampler-mem")};
    const auto cleanup = qScopeGuard([&] { removeContainers(names); });
    auto docker = engineClient();
    const QString fill = QStringLiteral(
        "head -c 67108864 /dev/zero > /dev/shm/fill && echo filled && exec sleep 3600");
    if (!docker ||
        !runContainers({names[0]}, {QStringLiteral("mist-test-base:latest"), QStringLiteral("sh"),
                                    QStringLiteral("-c"), QStringLiteral("while :; do :; done")}) ||
        !runContainers({names[1]},
                       {QStringLiteral("-m"), QStringLiteral("256m"), QStringLiteral("--shm-size"),
                        QStringLiteral("128m"), QStringLiteral("mist-test-base:latest"),
                        QStringLiteral("sh"), QStringLiteral("-c"), fill}) ||
        !waitUntil(
            [&] {
                return bench::docker({QStringLiteral("logs"), names[1]}).contains(u"filled");
            },
            30000)) {
        r.fail(QStringLiteral("sampler"), QStringLiteral("could not start the containers"));
        return;
    }
    const Agreement a = measureAgreement(*docker, names, o.smoke ? 3000 : 20000);
    if (!a.error.isEmpty()) {
        r.fail(QStringLiteral("sampler"), a.error);
        return;
    }
    reportAgreement(r, a);
}

} // namespace

void sampler(const Options &o, Report &r) {
    heading("sampler", QStringLiteral("per-app sampling: cgroups vs the engine's stats API"));
    samplerCost(o, r);
    agreement(o, r);
}

} // namespace mist::bench
