// SPDX-License-Identifier: GPL-3.0-or-later

#include "Scenarios.h"

#include "engine/DockerClient.h"
#include "engine/DockerHost.h"
#include "engine/EngineApi.h"
#include "engine/LogStreamDecoder.h"
#include "engine/SwarmState.h"
#include "metrics/MetricsSampler.h"
#include "protocol/Envelope.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <ctime>
#include <limits>

namespace mist::bench {

namespace {

Figure figure(const char *scenario, const QString &name, double value, const QString &unit,
              const QString &target = {}, int met = -1, const QString &note = {}) {
    return Figure{QString::fromLatin1(scenario), name, value, unit, target, met, note};
}

// Reads a container's follow stream straight from the engine, as the
// baseline of the relay and latency figures: same decoder, same parsing.
struct EngineReader {
    quint64 lines = 0;
    quint64 outOfOrder = 0;
    quint64 lastSeq = 0;
    qint64 firstNs = 0;
    qint64 lastNs = 0;
    bool started = false;
    bool failed = false;
    std::vector<qint64> latencyNs;
    bool keepLatency = false;

    engine::LogStreamDecoder decoder;
    QList<engine::LogLine> out;

    void feed(const QByteArray &bytes) {
        out.clear();
        decoder.feed(bytes, out);
        const qint64 now = realtimeNs();
        for (const engine::LogLine &l : out) {
            GenLine g;
            if (!parseGenLine(l.line, &g))
                continue;
            if (lines == 0)
                firstNs = now;
            else if (g.seq != lastSeq + 1)
                ++outOfOrder;
            lastSeq = g.seq;
            lastNs = now;
            ++lines;
            if (keepLatency)
                latencyNs.push_back(now - g.writtenNs);
        }
    }
};

// Lines/s the engine itself delivers (or -1 on failure).
double engineRate(engine::DockerClient &docker, quint64 count, int size, EngineReader *reader,
                  int rate = 0, int timeoutMs = 120000) {
    LogContainer c(containerName("engine"), count, size, rate);
    if (!c.ok())
        return -1;
    engine::LogsQuery query;
    query.follow = true;
    query.tail = 0;
    std::unique_ptr<engine::DockerStream> stream(
        engine::Engine(docker).streamContainerLogs(c.name(), query));
    QObject::connect(stream.get(), &engine::DockerStream::started,
                     [reader](int status, const QByteArray &) {
                         reader->started = true;
                         reader->failed = status != 200;
                     });
    QObject::connect(stream.get(), &engine::DockerStream::data,
                     [reader](const QByteArray &bytes) { reader->feed(bytes); });
    waitUntil([&] { return reader->started; }, 10000);
    if (!reader->started || reader->failed || !c.start())
        return -1;
    waitUntil([&] { return reader->lines >= count; }, timeoutMs);
    if (reader->lines < count || reader->lastNs <= reader->firstNs)
        return -1;
    return double(count - 1) / (double(reader->lastNs - reader->firstNs) / 1e9);
}

// Opens `clients` viewers of a fresh loggen container through `server`, lets
// it print, and waits until every viewer has every line.
struct ServerRun {
    double seconds = -1;     // trigger to the last viewer's last line
    double firstToLast = -1; // first to last line at the slowest viewer
    qint64 serverCpuNs = 0;
    qint64 engineCpuNs = 0;
    qint64 streamsOpened = 0;
    quint64 delivered = 0;
    quint64 lost = 0;
    quint64 outOfOrder = 0;
    quint64 errors = 0;
    QString error;
    std::vector<qint64> latencyNs;
};

ServerRun runThroughServer(ServerProcess &server, int clients, quint64 count, int size, int rate,
                           bool keepLatency, int timeoutMs = 180000) {
    ServerRun run;
    LogContainer c(containerName("relay"), count, size, rate);
    if (!c.ok()) {
        run.error = QStringLiteral("could not start the container");
        return run;
    }
    const int appId = server.addContainerApp(c.name(), c.name());
    if (appId < 0) {
        run.error = QStringLiteral("could not add the app");
        return run;
    }
    const qint64 openedBefore =
        qint64(server.stats().value(QStringLiteral("engineStreamsOpened")).toDouble());
    ClientGroup group;
    if (!group.open(clients, server.wsUrl(QStringLiteral("/ws/container/logs?appId=%1").arg(appId)),
                    server.cookie(), keepLatency)) {
        run.error = QStringLiteral("only %1 of %2 viewers connected: %3")
                        .arg(group.connectedCount())
                        .arg(clients)
                        .arg(group.firstError());
        return run;
    }
    // Every viewer has its status message: the hub follows the engine.
    waitUntil(
        [&] {
            for (const auto &client : group.clients())
                if (client->otherMessages == 0)
                    return false;
            return true;
        },
        30000);
    const ProcSample serverBefore = server.sample();
    const ProcSample engineBefore = sampleProcess(engineDaemonPid());
    const qint64 t0 = realtimeNs();
    if (!c.start()) {
        run.error = QStringLiteral("could not start loggen");
        return run;
    }
    waitUntil([&] { return group.allHave(count) || group.totalErrors() > 0; }, timeoutMs);
    const qint64 t1 = realtimeNs();
    const ProcSample serverAfter = server.sample();
    const ProcSample engineAfter = sampleProcess(engineDaemonPid());
    run.seconds = double(t1 - t0) / 1e9;
    run.serverCpuNs = serverAfter.cpuNs - serverBefore.cpuNs;
    run.engineCpuNs = engineAfter.cpuNs - engineBefore.cpuNs;
    run.streamsOpened =
        qint64(server.stats().value(QStringLiteral("engineStreamsOpened")).toDouble()) -
        openedBefore;
    run.delivered = group.totalLines();
    run.lost = quint64(clients) * count - std::min(quint64(clients) * count, run.delivered);
    run.outOfOrder = group.totalOutOfOrder();
    run.errors = group.totalErrors();
    run.error = group.firstError();
    double slowest = 0;
    for (const auto &client : group.clients()) {
        if (client->lines > 1)
            slowest = std::max(slowest, double(client->lastLineNs - client->firstLineNs) / 1e9);
        if (keepLatency)
            run.latencyNs.insert(run.latencyNs.end(), client->latencyNs.begin(),
                                 client->latencyNs.end());
    }
    run.firstToLast = slowest;
    return run;
}

bool checkRun(Report &r, const char *scenario, const ServerRun &run, const QString &what) {
    if (run.seconds < 0 || run.lost || run.outOfOrder || run.errors) {
        r.fail(QString::fromLatin1(scenario),
               QStringLiteral("%1: %2 lost, %3 out of order, %4 errors %5")
                   .arg(what)
                   .arg(run.lost)
                   .arg(run.outOfOrder)
                   .arg(run.errors)
                   .arg(run.error));
        return false;
    }
    return true;
}

} // namespace

namespace {
// ns per call of `ours` and of `json` (the same message through
// QJsonDocument), interleaved run by run; one figure with both.
template <typename Ours, typename Json>
void messageCost(const Options &o, Report &r, const QString &label, int calls, Ours ours,
                 Json json) {
    std::vector<double> a, b;
    qsizetype sink = 0;
    for (int run = 0; run < std::max(3, o.runs); ++run) {
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < calls; ++i)
            sink += ours().toUtf8().size();
        a.push_back(double(t.nsecsElapsed()) / calls);
        t.restart();
        for (int i = 0; i < calls; ++i)
            sink += json().toUtf8().size();
        b.push_back(double(t.nsecsElapsed()) / calls);
    }
    if (sink == 0)
        r.fail(QStringLiteral("relay"), QStringLiteral("empty messages"));
    const double ma = median(a), mb = median(b);
    r.add(figure(
        "relay", label, ma, QStringLiteral("ns"), {}, -1,
        QStringLiteral("QJsonDocument: %1 ns (%2x)").arg(mb, 0, 'f', 0).arg(mb / ma, 0, 'f', 1)));
}
} // namespace

// The server's own work per relayed line: the engine's bytes decoded, the
// `log` message written, and its UTF-8 for the socket; against the same
// message built with QJsonDocument, measured in the same run.
void serialiseCost(const Options &o, Report &r) {
    const QString stream = QStringLiteral("stdout");
    const QString ts = QStringLiteral("2026-11-28T14:00:00.123456789Z");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const int size : {80, 1024, 16384}) {
        QByteArray bytes(size, 'x');
        for (int i = 0; i < size; i += 37)
            bytes[i] = char('a' + i % 26);
        messageCost(
            o, r, QStringLiteral("server CPU per %1 B line: message").arg(size),
            (o.smoke ? 2 : 40) * (1 << 20) / size,
            [&] { return protocol::logMessage(QString::fromUtf8(bytes), stream, ts, false, now); },
            [&] {
                return protocol::envelope(
                    u"log",
                    QJsonObject{{QStringLiteral("line"), QString::fromUtf8(bytes)},
                                {QStringLiteral("stream"), stream},
                                {QStringLiteral("ts"), ts}},
                    now);
            });
    }
    // A Swarm service's 1 KiB line, which also says its task and node.
    const QByteArray bytes(1024, 'x');
    const protocol::TaskOrigin origin{QStringLiteral("q7y1kqz4x0r6b2m9e8d3c5a1f"),
                                      QStringLiteral("n3kp2wzq9t8s7r6v5u4y3x2w1"),
                                      QStringLiteral("web-1"), 2};
    messageCost(
        o, r, QStringLiteral("server CPU per 1024 B service line: message (task, node)"),
        (o.smoke ? 2 : 40) * 1024,
        [&] {
            return protocol::serviceLogMessage(QString::fromUtf8(bytes), stream, ts, false, origin,
                                               now);
        },
        [&] {
            return protocol::envelope(
                u"log",
                QJsonObject{{QStringLiteral("line"), QString::fromUtf8(bytes)},
                            {QStringLiteral("stream"), stream},
                            {QStringLiteral("ts"), ts},
                            {QStringLiteral("task"), origin.task},
                            {QStringLiteral("node"), origin.node},
                            {QStringLiteral("nodeName"), origin.nodeName},
                            {QStringLiteral("slot"), origin.slot}},
                now);
        });
}

// 1. Relay throughput: one viewer, a container printing as fast as it can,
// against the engine's own follow stream read directly.
void relay(const Options &o, Report &r) {
    heading("relay", QStringLiteral("lines/s to one viewer vs the engine's own stream"));
    serialiseCost(o, r);
    auto docker = engineClient();
    // The server as it runs (log archive on), and without the archive for
    // the archive's own cost at 1 KiB lines.
    ServerProcess server, noArchive;
    Expected<void> started = fail(QStringLiteral("no engine"));
    if (docker)
        started = server.start();
    if (started)
        started = noArchive.start({}, {QStringLiteral("--log-retention"), QStringLiteral("0")});
    if (!started) {
        r.fail(QStringLiteral("relay"), started.error());
        return;
    }
    // 96 MiB a run: at 1 KiB lines about a second and a half each way.
    const qint64 bytesPerRun = o.smoke ? 2 << 20 : 96 << 20;
    for (const int size : {80, 1024, 16384}) {
        const quint64 count = quint64(bytesPerRun / size);
        std::vector<double> engineRates, serverRates, ratios, archiveRatios;
        for (int i = 0; i < o.runs; ++i) {
            EngineReader reader;
            const double e = engineRate(*docker, count, size, &reader);
            if (e < 0 || reader.outOfOrder) {
                r.fail(QStringLiteral("relay"),
                       QStringLiteral("engine baseline at %1 B failed").arg(size));
                return;
            }
            engineRates.push_back(e);
            const ServerRun run = runThroughServer(server, 1, count, size, 0, false);
            if (!checkRun(r, "relay", run, QStringLiteral("%1 B lines").arg(size)))
                return;
            serverRates.push_back(double(count - 1) / run.firstToLast);
            // Each run against the baseline measured just before it: the
            // machine's mood that second cancels out.
            ratios.push_back(serverRates.back() / e);
            if (size == 1024) {
                const ServerRun off = runThroughServer(noArchive, 1, count, size, 0, false);
                if (!checkRun(r, "relay", off, QStringLiteral("%1 B lines, no archive").arg(size)))
                    return;
                archiveRatios.push_back(serverRates.back() / (double(count - 1) / off.firstToLast));
            }
        }
        if (!archiveRatios.empty()) {
            QStringList each;
            for (const double x : archiveRatios)
                each << QString::number(x, 'f', 3);
            const double ratio = median(archiveRatios);
            r.add(figure("relay", QStringLiteral("ratio archive on/off, %1 B").arg(size), ratio,
                         QStringLiteral("x"), QStringLiteral("≥ 0.9"), metIf(ratio >= 0.9),
                         QStringLiteral("through the server with its log archive vs with "
                                        "--log-retention 0; median of: %1")
                             .arg(each.join(u' '))));
        }
        const double e = median(engineRates), s = median(serverRates), ratio = median(ratios);
        const double target = size == 80 ? 0.8 : 0.9;
        r.add(figure("relay", QStringLiteral("engine stream, %1 B lines").arg(size), e,
                     QStringLiteral("lines/s"), {}, -1,
                     QStringLiteral("%1 MB/s").arg(e * size / 1e6, 0, 'f', 1)));
        r.add(figure("relay", QStringLiteral("through server, %1 B lines").arg(size), s,
                     QStringLiteral("lines/s"), {}, -1,
                     QStringLiteral("%1 lines per run, median of %2").arg(count).arg(o.runs)));
        QStringList each;
        for (const double x : ratios)
            each << QString::number(x, 'f', 3);
        r.add(figure("relay", QStringLiteral("ratio server/engine, %1 B").arg(size), ratio,
                     QStringLiteral("x"), QStringLiteral("≥ %1").arg(target),
                     metIf(ratio >= target),
                     QStringLiteral("median of the runs' ratios: %1").arg(each.join(u' '))));
    }
}

// 2. Fan-out: one app, many viewers, one engine stream; and the ablation
// with one engine stream per viewer.
void fanout(const Options &o, Report &r) {
    heading("fanout", QStringLiteral("many viewers of one container"));
    ServerProcess shared, unshared;
    Expected<void> started = shared.start();
    if (started)
        started = unshared.start({QStringLiteral("MIST_BENCH_UNSHARED_LOG_STREAMS=1")});
    if (!started) {
        r.fail(QStringLiteral("fanout"), started.error());
        return;
    }
    const QList<int> counts = o.smoke ? QList<int>{1, 10} : QList<int>{1, 10, 100, 500};
    double cpuPerMillionAt1 = 0;
    for (const int clients : counts) {
        const quint64 lines = o.smoke          ? 2000
                              : clients <= 10  ? 20000
                              : clients <= 100 ? 10000
                                               : 4000;
        for (ServerProcess *server : {&shared, &unshared}) {
            const bool isShared = server == &shared;
            std::vector<double> rate, cpu, engineCpu;
            qint64 streams = 0;
            const int runs = o.smoke ? 1 : std::max(1, clients >= 100 ? o.runs / 2 + 1 : o.runs);
            for (int i = 0; i < runs; ++i) {
                const ServerRun run = runThroughServer(*server, clients, lines, 80, 0, false);
                if (!checkRun(r, "fanout", run,
                              QStringLiteral("%1 viewers%2")
                                  .arg(clients)
                                  .arg(isShared ? QString() : QStringLiteral(" (unshared)"))))
                    return;
                rate.push_back(double(run.delivered) / run.seconds);
                cpu.push_back(double(run.serverCpuNs) / 1e9 / (double(run.delivered) / 1e6));
                engineCpu.push_back(double(run.engineCpuNs) / 1e9 / (double(run.delivered) / 1e6));
                streams = run.streamsOpened;
            }
            const QString tag = isShared ? QStringLiteral("%1 viewers").arg(clients)
                                         : QStringLiteral("%1 viewers, 1 stream each").arg(clients);
            r.add(figure(
                "fanout", tag + QStringLiteral(": delivered"), median(rate),
                QStringLiteral("lines/s"), {}, -1,
                QStringLiteral("%1 lines x %2, median of %3").arg(lines).arg(clients).arg(runs)));
            const double c = median(cpu);
            if (isShared && clients == 1)
                cpuPerMillionAt1 = c;
            if (isShared && clients > 1 && cpuPerMillionAt1 > 0)
                r.add(figure(
                    "fanout", tag + QStringLiteral(": server CPU"), c, QStringLiteral("s/M lines"),
                    clients == 100 ? QStringLiteral("≤ 1.5x of 1 viewer") : QString(),
                    clients == 100 ? metIf(c <= 1.5 * cpuPerMillionAt1) : -1,
                    QStringLiteral("%1x of 1 viewer").arg(c / cpuPerMillionAt1, 0, 'f', 2)));
            else
                r.add(figure("fanout", tag + QStringLiteral(": server CPU"), c,
                             QStringLiteral("s/M lines")));
            r.add(figure("fanout", tag + QStringLiteral(": engine CPU"), median(engineCpu),
                         QStringLiteral("s/M lines")));
            r.add(figure("fanout", tag + QStringLiteral(": engine streams"), double(streams),
                         QStringLiteral("opened"), isShared ? QStringLiteral("= 1") : QString(),
                         isShared ? metIf(streams == 1) : -1));
            if (isShared && streams != 1)
                r.fail(QStringLiteral("fanout"),
                       QStringLiteral("%1 viewers opened %2 engine streams")
                           .arg(clients)
                           .arg(streams));
        }
    }
}

// 3. Latency: write time carried in each line, 1 000 lines/s.
void latency(const Options &o, Report &r) {
    heading("latency", QStringLiteral("write to receipt at 1 000 lines/s"));
    auto docker = engineClient();
    ServerProcess server;
    Expected<void> started = fail(QStringLiteral("no engine"));
    if (docker)
        started = server.start();
    if (!started) {
        r.fail(QStringLiteral("latency"), started.error());
        return;
    }
    const int seconds = o.smoke ? 2 : o.latencySeconds;
    const quint64 count = quint64(seconds) * 1000;
    auto ms = [](qint64 ns) {
        return double(ns) / 1e6;
    };
    {
        EngineReader reader;
        reader.keepLatency = true;
        if (engineRate(*docker, count, 120, &reader, 1000) < 0) {
            r.fail(QStringLiteral("latency"), QStringLiteral("engine baseline failed"));
            return;
        }
        r.add(figure("latency", QStringLiteral("engine stream p50"),
                     ms(percentile(reader.latencyNs, 50)), QStringLiteral("ms")));
        r.add(figure("latency", QStringLiteral("engine stream p99"),
                     ms(percentile(reader.latencyNs, 99)), QStringLiteral("ms")));
    }
    for (const int clients : {1, 100}) {
        ServerRun run = runThroughServer(server, clients, count, 120, 1000, true);
        if (!checkRun(r, "latency", run, QStringLiteral("%1 viewers").arg(clients)))
            return;
        const double p50 = ms(percentile(run.latencyNs, 50));
        const double p99 = ms(percentile(run.latencyNs, 99));
        const double max = ms(percentile(run.latencyNs, 100));
        const double target = clients == 1 ? 10 : 50;
        r.add(figure("latency", QStringLiteral("%1 viewer(s) p50").arg(clients), p50,
                     QStringLiteral("ms")));
        r.add(figure("latency", QStringLiteral("%1 viewer(s) p99").arg(clients), p99,
                     QStringLiteral("ms"), QStringLiteral("< %1 ms").arg(target),
                     metIf(p99 < target), QStringLiteral("%1 lines each").arg(count)));
        r.add(figure("latency", QStringLiteral("%1 viewer(s) max").arg(clients), max,
                     QStringLiteral("ms")));
    }
}

// 4 (and #5's load run): sample cost, and 1 000 /ws/metrics clients held for
// loadSeconds, each of which must receive every sample.
// The sampler's own cost, the engine queries it makes, and (on a swarm
// manager) the lists it reads every SwarmEverySamples samples.
void metricsSampleCost(const Options &o, Report &r) {
    auto docker = engineClient();
    QTemporaryDir dir;
    metrics::MetricsSampler sampler(docker.get(), dir.path());
    sampler.sampleNow();
    waitUntil([&] { return false; }, 200); // the engine's first answer
    std::vector<double> sampleNs;
    const int n = o.smoke ? 50 : 1000;
    for (int i = 0; i < n; ++i) {
        sampler.sampleNow();
        sampleNs.push_back(double(sampler.lastSampleNs()));
        QCoreApplication::processEvents();
    }
    // The engine query (/info), answered asynchronously: its CPU in this
    // process, from request to parsed reply.
    std::vector<double> queryNs;
    for (int i = 0; i < (o.smoke ? 10 : 100); ++i) {
        bool done = false;
        timespec a{}, b{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        // (The engine door parses the reply into an EngineInfo.)
        engine::Engine(*docker).info(
            nullptr, [&](const engine::EngineResult<engine::EngineInfo> &) { done = true; });
        while (!done)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        queryNs.push_back(double((b.tv_sec - a.tv_sec) * 1000000000 + b.tv_nsec - a.tv_nsec));
    }
    // On a swarm manager the sampler also lists nodes, services and
    // running tasks, every SwarmEverySamples samples: that CPU too.
    std::vector<double> swarmNs;
    bool manager = false;
    {
        bool done = false;
        engine::Engine(*docker).info(nullptr,
                                     [&](const engine::EngineResult<engine::EngineInfo> &info) {
                                         manager = info && info->swarmManager();
                                         done = true;
                                     });
        while (!done)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    for (int i = 0; manager && i < (o.smoke ? 5 : 50); ++i) {
        int pending = 3;
        timespec a{}, b{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        const auto listed = [&](const auto &) {
            --pending;
        };
        engine::Engine e(*docker);
        e.nodes(nullptr, listed);
        e.services(nullptr, listed);
        e.tasks({{QStringLiteral("desired-state"), {QStringLiteral("running")}}}, nullptr, listed);
        while (pending > 0)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        swarmNs.push_back(double((b.tv_sec - a.tv_sec) * 1000000000 + b.tv_nsec - a.tv_nsec));
    }
    const double s = median(sampleNs) / 1e6, q = median(queryNs) / 1e6;
    const double w =
        swarmNs.empty() ? 0 : median(swarmNs) / 1e6 / metrics::MetricsSampler::SwarmEverySamples;
    r.add(figure("metrics", QStringLiteral("sample: /proc + serialise"), s,
                 QStringLiteral("ms CPU")));
    r.add(figure("metrics", QStringLiteral("engine /info query"), q, QStringLiteral("ms CPU")));
    r.add(figure("metrics", QStringLiteral("swarm lists, per sample"), w, QStringLiteral("ms CPU"),
                 {}, -1,
                 manager ? QStringLiteral("nodes, services, tasks every %1 samples")
                               .arg(metrics::MetricsSampler::SwarmEverySamples)
                         : QStringLiteral("not a swarm manager")));
    r.add(figure("metrics", QStringLiteral("sample total"), s + q + w, QStringLiteral("ms CPU"),
                 QStringLiteral("< 1 ms"), metIf(s + q + w < 1)));
}

struct TickDelivery {
    std::vector<qint64> ticks; // the server's ticks after every client was connected
    quint64 missing = 0;       // messages of those ticks some client did not get
    std::vector<qint64> tickToLast, tickToFirst;
};

TickDelivery matchTicks(const std::vector<qint64> &serverTicks, const ClientGroup &group,
                        qint64 allConnected, int clients) {
    // Each tick the server logged after every client was connected, matched
    // to its message by the clients' receipts: all must have it.
    TickDelivery d;
    for (qint64 t : serverTicks)
        if (t > allConnected && t < realtimeNs() - 1200 * 1000000LL)
            d.ticks.push_back(t);
    // hash -> receipts over all clients
    QHash<size_t, std::vector<qint64>> receipts;
    for (const auto &client : group.clients())
        for (const auto &[hash, at] : client->messages)
            if (at > allConnected)
                receipts[hash].push_back(at);
    for (const qint64 tick : d.ticks) {
        // The message of this tick: received first after the tick.
        size_t best = 0;
        qint64 bestFirst = std::numeric_limits<qint64>::max();
        for (auto it = receipts.cbegin(); it != receipts.cend(); ++it) {
            const qint64 first = *std::min_element(it.value().begin(), it.value().end());
            if (first >= tick && first < bestFirst) {
                bestFirst = first;
                best = it.key();
            }
        }
        const auto &got = receipts.value(best);
        d.missing += quint64(clients) - std::min<quint64>(quint64(clients), got.size());
        if (!got.empty()) {
            d.tickToLast.push_back(*std::max_element(got.begin(), got.end()) - tick);
            d.tickToFirst.push_back(bestFirst - tick);
        }
    }
    return d;
}

void metrics(const Options &o, Report &r) {
    heading("metrics", QStringLiteral("sample cost; 1 000 clients"));
    metricsSampleCost(o, r);

    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("metrics"), started.error());
        return;
    }
    const int clients = o.smoke ? 200 : 1000;
    const ProcSample idle = server.sample();
    ClientGroup group;
    if (!group.open(clients, server.wsUrl(QStringLiteral("/ws/metrics")), server.cookie(), false,
                    true)) {
        r.fail(QStringLiteral("metrics"), QStringLiteral("only %1 of %2 clients connected: %3")
                                              .arg(group.connectedCount())
                                              .arg(clients)
                                              .arg(group.firstError()));
        return;
    }
    const qint64 allConnected = realtimeNs();
    const int seconds = o.smoke ? 5 : o.loadSeconds;
    qint64 peakRss = 0;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < seconds * 1000) {
        pumpFor(500);
        peakRss = std::max(peakRss, server.sample().rssBytes);
    }
    pumpFor(1500); // the last tick's stragglers
    const ProcSample end = server.sample();

    TickDelivery delivery = matchTicks(server.ticks(), group, allConnected, clients);
    const std::vector<qint64> &ticks = delivery.ticks;
    const quint64 missing = delivery.missing;
    std::vector<qint64> &tickToLast = delivery.tickToLast; // percentile() sorts in place
    std::vector<qint64> &tickToFirst = delivery.tickToFirst;
    if (ticks.empty() || missing || group.totalErrors() || group.connectedCount() != clients)
        r.fail(QStringLiteral("metrics"),
               QStringLiteral("%1 ticks, %2 messages missing, %3 errors, %4 of %5 held: %6")
                   .arg(ticks.size())
                   .arg(missing)
                   .arg(group.totalErrors())
                   .arg(group.connectedCount())
                   .arg(clients)
                   .arg(group.firstError()));
    const double worst = tickToLast.empty() ? 0 : double(percentile(tickToLast, 100)) / 1e6;
    const double typical = tickToLast.empty() ? 0 : double(percentile(tickToLast, 50)) / 1e6;
    r.add(figure("metrics", QStringLiteral("clients held"), group.connectedCount(),
                 QStringLiteral("clients"), {}, -1, QStringLiteral("for %1 s").arg(seconds)));
    r.add(figure(
        "metrics", QStringLiteral("ticks checked"), double(ticks.size()), QStringLiteral("ticks"),
        {}, -1,
        QStringLiteral("%1 messages missing, %2 errors").arg(missing).arg(group.totalErrors())));
    r.add(figure("metrics", QStringLiteral("tick to last client, median"), typical,
                 QStringLiteral("ms"), {}, -1, QStringLiteral("%1 clients").arg(clients)));
    // The target is for all clients of every tick: the worst tick is judged.
    r.add(figure("metrics", QStringLiteral("tick to last client, worst"), worst,
                 QStringLiteral("ms"), QStringLiteral("< 100 ms"), metIf(worst < 100),
                 QStringLiteral("%1 ticks").arg(ticks.size())));
    r.add(figure("metrics", QStringLiteral("tick to first client, median"),
                 tickToFirst.empty() ? 0 : double(percentile(tickToFirst, 50)) / 1e6,
                 QStringLiteral("ms")));
    r.add(figure("metrics", QStringLiteral("server RSS idle"), double(idle.rssBytes) / 1048576,
                 QStringLiteral("MiB")));
    r.add(figure("metrics", QStringLiteral("server RSS peak with clients"),
                 double(peakRss) / 1048576, QStringLiteral("MiB")));
    r.add(figure("metrics", QStringLiteral("server RSS at end"), double(end.rssBytes) / 1048576,
                 QStringLiteral("MiB")));
}

// #5's load run: 100 viewers of one busy container for loadSeconds; every
// viewer must get every line, in order.
void loadLogs(const Options &o, Report &r) {
    heading("load-logs", QStringLiteral("100 viewers of one busy log stream"));
    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("load-logs"), started.error());
        return;
    }
    const int seconds = o.smoke ? 5 : o.loadSeconds;
    const int rate = 2000;
    const quint64 count = quint64(seconds) * rate;
    const ProcSample before = server.sample();
    qint64 peak = 0;
    // Sample memory while the run goes on.
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout,
                     [&] { peak = std::max(peak, server.sample().rssBytes); });
    sampler.start(500);
    const ServerRun run =
        runThroughServer(server, 100, count, 200, rate, false, (seconds + 120) * 1000);
    sampler.stop();
    const ProcSample after = server.sample();
    if (!checkRun(r, "load-logs", run, QStringLiteral("100 viewers")))
        return;
    r.add(figure("load-logs", QStringLiteral("lines per viewer"), double(count),
                 QStringLiteral("lines"), {}, -1,
                 QStringLiteral("%1 lines/s for %2 s, 200 B").arg(rate).arg(seconds)));
    r.add(figure("load-logs", QStringLiteral("lines delivered"), double(run.delivered),
                 QStringLiteral("lines"), {}, -1,
                 QStringLiteral("lost 0, out of order 0, errors 0")));
    r.add(figure("load-logs", QStringLiteral("server CPU"),
                 double(run.serverCpuNs) / 1e9 / run.seconds * 100, QStringLiteral("% of a core")));
    r.add(figure("load-logs", QStringLiteral("server RSS before"),
                 double(before.rssBytes) / 1048576, QStringLiteral("MiB")));
    r.add(figure("load-logs", QStringLiteral("server RSS peak"), double(peak) / 1048576,
                 QStringLiteral("MiB")));
    r.add(figure("load-logs", QStringLiteral("server RSS after"), double(after.rssBytes) / 1048576,
                 QStringLiteral("MiB")));
}

namespace {

// A viewer that upgrades and then never reads: the kernel buffers fill and
// the server's queue for it grows until the slow-client policy closes it.
class StalledClient {
public:
    bool open(quint16 port, const QString &pathAndQuery, const QByteArray &cookie) {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(10000))
            return false;
        m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        m_socket.write("GET " + pathAndQuery.toUtf8() +
                       " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: "
                       "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\nCookie: " +
                       cookie + "\r\n\r\n");
        m_socket.flush();
        // Read the 101 and a little more, then stop reading for good.
        m_socket.setReadBufferSize(1024);
        return m_socket.waitForReadyRead(10000) && m_socket.peek(12) == "HTTP/1.1 101";
    }

private:
    QTcpSocket m_socket;
};

} // namespace

// 5. Memory: idle, per idle viewer, and with 100 viewers that stop reading.
// Idle viewers: a container that prints nothing (loggen never started).
bool memoryIdleViewers(const Options &o, Report &r, ServerProcess &server) {
    LogContainer quiet(containerName("quiet"), 1, 80, 0);
    const int appId = server.addContainerApp(quiet.name(), quiet.name());
    const int n = o.smoke ? 100 : 1000;
    const ProcSample before = server.sample();
    ClientGroup group;
    if (appId < 0 ||
        !group.open(n, server.wsUrl(QStringLiteral("/ws/container/logs?appId=%1").arg(appId)),
                    server.cookie())) {
        r.fail(QStringLiteral("memory"),
               QStringLiteral("idle viewers did not connect: %1").arg(group.firstError()));
        return false;
    }
    pumpFor(2000);
    const ProcSample with = server.sample();
    const double perClient = double(with.rssBytes - before.rssBytes) / n / 1024;
    r.add(figure("memory", QStringLiteral("per idle viewer"), perClient, QStringLiteral("KiB"),
                 QStringLiteral("< 64 KiB"), metIf(perClient < 64),
                 QStringLiteral("%1 viewers: %2 MiB")
                     .arg(n)
                     .arg(double(with.rssBytes) / 1048576, 0, 'f', 1)));
    return true;
}

// Stalled viewers on a busy stream, beside one that reads.
void memoryStalledViewers(const Options &o, Report &r, ServerProcess &server) {
    const int n = o.smoke ? 10 : 100;
    const int seconds = o.smoke ? 3 : 20;
    const int rate = 20000;
    LogContainer busy(containerName("busy"), quint64(seconds) * rate, 1024, rate);
    const int appId = server.addContainerApp(busy.name(), busy.name());
    std::vector<std::unique_ptr<StalledClient>> stalled;
    for (int i = 0; i < n; ++i) {
        stalled.push_back(std::make_unique<StalledClient>());
        if (appId < 0 ||
            !stalled.back()->open(server.port(),
                                  QStringLiteral("/ws/container/logs?appId=%1").arg(appId),
                                  server.cookie())) {
            r.fail(QStringLiteral("memory"),
                   QStringLiteral("stalled viewer %1 was not accepted").arg(i));
            return;
        }
    }
    // One reading viewer proves the stream keeps flowing meanwhile.
    ClientGroup reader;
    reader.open(1, server.wsUrl(QStringLiteral("/ws/container/logs?appId=%1").arg(appId)),
                server.cookie());
    const ProcSample before = server.sample();
    busy.start();
    qint64 peak = before.rssBytes;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < (seconds + 5) * 1000 &&
           reader.clients().front()->lastSeq < quint64(seconds) * rate) {
        pumpFor(250);
        peak = std::max(peak, server.sample().rssBytes);
    }
    pumpFor(2000);
    // A closed viewer that never reads also never answers the close
    // frame: the server cuts it off 5 s later.
    auto openViewers = [&] {
        return server.stats()
            .value(QStringLiteral("clients"))
            .toObject()
            .value(QStringLiteral("/ws/container/logs"))
            .toInt();
    };
    int stillOpen = openViewers();
    for (int i = 0; i < 40 && stillOpen > 1; ++i) {
        pumpFor(250);
        stillOpen = openViewers();
    }
    pumpFor(2500); // the heap trim after the last one went
    const ProcSample after = server.sample();
    // 8 MiB per viewer, and 256 MiB (--max-queued-total) for all together.
    const double bound = double(before.rssBytes) / 1048576 + std::min(n * 8.0, 256.0) * 1.25;
    r.add(figure(
        "memory", QStringLiteral("%1 stalled viewers: peak RSS").arg(n), double(peak) / 1048576,
        QStringLiteral("MiB"), QStringLiteral("≤ %1 MiB").arg(bound, 0, 'f', 0),
        metIf(double(peak) / 1048576 <= bound),
        QStringLiteral("1 KiB lines at %1/s; policy: 8 MiB queue per viewer, 256 MiB in all, "
                       "then 1008")
            .arg(rate)));
    r.add(figure("memory", QStringLiteral("stalled viewers still open"), stillOpen - 1,
                 QStringLiteral("viewers"), {}, -1,
                 QStringLiteral("the reader got %1 of %2 lines")
                     .arg(reader.clients().front()->lines)
                     .arg(quint64(seconds) * rate)));
    r.add(figure("memory", QStringLiteral("RSS after they were closed"),
                 double(after.rssBytes) / 1048576, QStringLiteral("MiB")));
    if (reader.clients().front()->lines != quint64(seconds) * rate || reader.totalErrors())
        r.fail(QStringLiteral("memory"),
               QStringLiteral("the reading viewer lost lines beside stalled ones: %1")
                   .arg(reader.firstError()));
}

void memory(const Options &o, Report &r) {
    heading("memory", QStringLiteral("server RSS"));
    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("memory"), started.error());
        return;
    }
    pumpFor(2000);
    const ProcSample idle = server.sample();
    r.add(figure("memory", QStringLiteral("idle server RSS"), double(idle.rssBytes) / 1048576,
                 QStringLiteral("MiB"), QStringLiteral("< 30 MB"),
                 metIf(idle.rssBytes < 30000000)));

    if (memoryIdleViewers(o, r, server))
        memoryStalledViewers(o, r, server);
}

// #5's soak: a steady mix (metrics clients, log viewers, viewers coming and
// going) for soakSeconds; RSS sampled throughout; growth after warm-up.
void soak(const Options &o, Report &r) {
    const int seconds = o.smoke ? 20 : o.soakSeconds;
    heading("soak", QStringLiteral("%1 s of steady load with churn").arg(seconds));
    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("soak"), started.error());
        return;
    }
    const int rate = 500;
    LogContainer c(containerName("soak"), 0, 150, rate);
    const int appId = server.addContainerApp(c.name(), c.name());
    const QUrl logs = server.wsUrl(QStringLiteral("/ws/container/logs?appId=%1").arg(appId));
    ClientGroup steady, watchers;
    if (appId < 0 || !c.start() || !steady.open(20, logs, server.cookie()) ||
        !watchers.open(50, server.wsUrl(QStringLiteral("/ws/metrics")), server.cookie())) {
        r.fail(QStringLiteral("soak"),
               QStringLiteral("set-up failed: %1").arg(steady.firstError()));
        return;
    }
    std::vector<std::pair<double, double>> rss; // (seconds, MiB)
    quint64 churned = 0;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < seconds * 1000) {
        // Churn: 10 viewers come, read for a while, and go.
        ClientGroup passing;
        passing.open(10, logs, server.cookie());
        pumpFor(1000);
        churned += quint64(passing.connectedCount());
        passing.closeAll();
        rss.emplace_back(double(timer.elapsed()) / 1000,
                         double(server.sample().rssBytes) / 1048576);
    }
    // Growth: mean of the last fifth against the mean of the second fifth
    // (the first is warm-up: buffers filling, allocator arenas growing).
    auto meanOf = [&](size_t from, size_t to) {
        double sum = 0;
        for (size_t i = from; i < to; ++i)
            sum += rss[i].second;
        return to > from ? sum / double(to - from) : 0;
    };
    const size_t n = rss.size(), fifth = std::max<size_t>(1, n / 5);
    const double early = meanOf(fifth, std::min(n, 2 * fifth));
    const double late = meanOf(n - fifth, n);
    double lo = 1e18, hi = 0;
    for (size_t i = fifth; i < n; ++i) {
        lo = std::min(lo, rss[i].second);
        hi = std::max(hi, rss[i].second);
    }
    const quint64 lines = steady.minLines();
    if (steady.totalErrors() || steady.totalOutOfOrder() || watchers.totalErrors())
        r.fail(QStringLiteral("soak"),
               QStringLiteral("errors: %1").arg(steady.firstError() + watchers.firstError()));
    r.add(figure(
        "soak", QStringLiteral("duration"), double(timer.elapsed()) / 1000, QStringLiteral("s"), {},
        -1,
        QStringLiteral("20 log viewers at %1 lines/s, 50 metrics clients, %2 viewers came and went")
            .arg(rate)
            .arg(churned)));
    r.add(figure("soak", QStringLiteral("lines per steady viewer"), double(lines),
                 QStringLiteral("lines"), {}, -1, QStringLiteral("0 lost, 0 out of order")));
    r.add(figure("soak", QStringLiteral("RSS after warm-up"), early, QStringLiteral("MiB")));
    r.add(figure("soak", QStringLiteral("RSS at the end"), late, QStringLiteral("MiB")));
    r.add(figure(
        "soak", QStringLiteral("growth after warm-up"), late - early, QStringLiteral("MiB"),
        QStringLiteral("≤ 2 MiB"), metIf(late - early <= 2),
        QStringLiteral("range after warm-up %1-%2 MiB").arg(lo, 0, 'f', 1).arg(hi, 0, 'f', 1)));
}

// 7. Start-up: `--server` to its first answered request.
void startup(const Options &o, Report &r) {
    heading("startup", QStringLiteral("--server to the first answered request"));
    std::vector<double> ms;
    const QString binary = QCoreApplication::applicationDirPath() + QStringLiteral("/mist-monitor");
    for (int i = 0; i < (o.smoke ? 1 : 5); ++i) {
        QTemporaryDir dir;
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        QProcess p;
        p.setStandardOutputFile(QProcess::nullDevice());
        p.setStandardErrorFile(QProcess::nullDevice());
        const qint64 t0 = monotonicNs();
        p.start(binary, {QStringLiteral("--server"), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--data-dir"),
                         dir.path()});
        bool answered = false;
        while (!answered && monotonicNs() - t0 < 30000000000LL &&
               p.state() != QProcess::NotRunning) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            if (s.waitForConnected(100)) {
                s.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                answered = s.waitForReadyRead(5000) && s.readAll().startsWith("HTTP/1.1 200");
            } else {
                QThread::usleep(1000);
            }
        }
        const qint64 t1 = monotonicNs();
        p.terminate();
        p.waitForFinished(10000);
        if (!answered) {
            r.fail(QStringLiteral("startup"), QStringLiteral("--server never answered"));
            return;
        }
        ms.push_back(double(t1 - t0) / 1e6);
    }
    r.add(figure("startup", QStringLiteral("--server to first answer"), median(ms),
                 QStringLiteral("ms"), {}, -1,
                 QStringLiteral("fresh data directory, median of %1").arg(ms.size())));
}

} // namespace mist::bench
