// SPDX-License-Identifier: GPL-3.0-or-later

// 8. The log archive (src/core/archive) on its own, in this process: ingest
// of 20 busy apps, bytes on disk per line, and a regex search over 1 GiB of
// archived text. No engine and no server: the figures are the archive's.

#include "Scenarios.h"

#include "archive/LogArchive.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>

namespace mist::bench {

namespace {

using namespace mist::archive;

Figure archiveFigure(const QString &name, double value, const QString &unit,
                     const QString &target = {}, int met = -1, const QString &note = {}) {
    return Figure{QStringLiteral("archive"), name, value, unit, target, met, note};
}

// Lines like a web service's: a level, a component, a request with an id,
// a status and a duration, from a few hundred words; no two alike.
class LineMaker {
public:
    explicit LineMaker(quint32 seed)
        : m_rng(seed) {}
    QString next(int app, quint64 seq) {
        static const char *levels[] = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
        static const char *components[] = {"http", "db", "cache", "auth", "worker", "scheduler"};
        static const char *verbs[] = {"GET", "POST", "PUT", "DELETE"};
        static const char *paths[] = {"/api/apps",     "/api/deployments", "/api/auth/me",
                                      "/health",       "/api/containers",  "/api/metrics/history",
                                      "/static/app.js"};
        static const char *users[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};
        static const int statuses[] = {200, 200, 200, 201, 204, 304, 400, 401, 404, 500};
        const quint32 r = m_rng.generate();
        QString line;
        line.reserve(160);
        // Most services print a time of their own first.
        m_ms += m_rng.bounded(3);
        line += QDateTime::fromMSecsSinceEpoch(m_ms, Qt::UTC).toString(Qt::ISODateWithMs);
        line += u' ';
        line += QLatin1String(levels[r % 6]);
        line += QLatin1String(" [");
        line += QLatin1String(components[(r >> 3) % 6]);
        line += QLatin1String("] ");
        line += QLatin1String(verbs[(r >> 6) % 4]);
        line += u' ';
        line += QLatin1String(paths[(r >> 8) % 7]);
        line += u'/';
        line += QString::number(m_rng.bounded(100000));
        line += QStringLiteral(" %1 %2.%3ms user=%4 req=%5 app=%6 seq=%7")
                    .arg(statuses[(r >> 11) % 10])
                    .arg(m_rng.bounded(300))
                    .arg(m_rng.bounded(10))
                    .arg(QLatin1String(users[(r >> 15) % 7]))
                    .arg(m_rng.generate64() & 0xffffffffffULL, 10, 16, QLatin1Char('0'))
                    .arg(app)
                    .arg(seq);
        return line;
    }

private:
    QRandomGenerator m_rng;
    qint64 m_ms = 1733356800000; // 2024-12-05
};

ArchiveOptions benchOptions(const QString &dir) {
    ArchiveOptions o;
    o.directory = dir;
    o.retentionBytes = 64LL << 30; // nothing is deleted while measuring
    o.retentionDays = 0;
    // Ablation knob: another zstd level (the archive's default is 1).
    if (qEnvironmentVariableIsSet("MIST_BENCH_ARCHIVE_LEVEL"))
        o.compressionLevel = qEnvironmentVariableIntValue("MIST_BENCH_ARCHIVE_LEVEL");
    return o;
}

// Appends `lines` lines spread over `apps` apps (4 containers for app 1 when
// apps == 1), pacing on the writer's queue so that nothing is dropped.
// Returns the raw text bytes (UTF-8 plus a newline each).
qint64 feed(LogArchive &a, int apps, quint64 lines, quint64 rareEvery = 0) {
    LineMaker maker(2026);
    qint64 raw = 0;
    // Containers made once: their names are not the archive's cost.
    std::vector<ContainerRef> containers;
    for (int c = 0; c <= std::max(apps, 4); ++c)
        containers.push_back(
            ContainerRef{QStringLiteral("c%1").arg(c), QStringLiteral("app-%1").arg(c)});
    std::vector<quint64> seq(size_t(apps) + 1, 0);
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() * 1000000LL;
    for (quint64 n = 0; n < lines; ++n) {
        const int app = 1 + int(n % quint64(apps));
        const int container = apps == 1 ? int(n % 4) : app;
        QString line = maker.next(app, seq[size_t(app)]++);
        if (rareEvery && n % rareEvery == rareEvery / 2)
            line = QStringLiteral("panic: deadlock detected in worker pool, goroutine %1").arg(n);
        raw += line.size() + 1; // ASCII: as many bytes as characters
        if ((n & 1023) == 0)
            while (a.stats().pendingBytes > 32 * 1024 * 1024)
                QThread::usleep(200);
        a.append(
            app, containers[size_t(container)], 0,
            Record::line(t0 + qint64(n) * 1000, n % 5 ? Stream::Stdout : Stream::Stderr, line));
    }
    return raw;
}

} // namespace

// Reads every app's lines back in order: how many were found, and how many
// were not where their sequence number says.
std::pair<quint64, quint64> readBackNumbered(const LogArchive &a, int apps) {
    quint64 found = 0, outOfPlace = 0;
    for (int app = 1; app <= apps; ++app) {
        SearchQuery q;
        q.appId = app;
        q.order = Order::Asc;
        q.limit = MaxLimit;
        quint64 expect = 0;
        for (;;) {
            const auto page = a.search(q);
            if (!page)
                break;
            for (const ArchiveEntry &e : page->entries) {
                const qsizetype at = e.record.text.lastIndexOf(QLatin1String("seq="));
                if (e.record.text.mid(at + 4).toULongLong() != expect)
                    ++outOfPlace;
                ++expect;
                ++found;
            }
            if (!page->next)
                break;
            q.cursor = decodeCursor(*page->next, q.order);
        }
    }
    return {found, outOfPlace};
}

// A fresh archive in dir with the benchmark's options; a failure is reported.
std::unique_ptr<LogArchive> openArchive(const QString &dir, Report &r) {
    auto opened = LogArchive::open(benchOptions(dir));
    if (!opened) {
        r.fail(QStringLiteral("archive"), opened.error());
        return nullptr;
    }
    return std::move(*opened);
}

// Ingest of 20 busy apps at once: lines/s, CPU per million lines, every
// line found again, bytes on disk per line.
void archiveIngest(const Options &o, Report &r, qint64 pid) {
    QTemporaryDir dir;
    const std::unique_ptr<LogArchive> opened = openArchive(dir.path(), r);
    if (!opened)
        return;
    LogArchive &a = *opened;
    const quint64 lines = o.smoke ? 200000 : 5000000;
    // The producer's own cost (making the lines) measured alone first.
    qint64 makeNs = 0;
    {
        LineMaker maker(2026);
        const qint64 c0 = sampleProcess(pid).cpuNs;
        for (quint64 n = 0; n < lines / 10; ++n)
            maker.next(1, n);
        makeNs = (sampleProcess(pid).cpuNs - c0) * 10;
    }
    const qint64 c0 = sampleProcess(pid).cpuNs;
    const qint64 t0 = monotonicNs();
    const qint64 raw = feed(a, 20, lines);
    a.flush();
    const qint64 t1 = monotonicNs();
    const qint64 cpu = sampleProcess(pid).cpuNs - c0;
    const ArchiveStats s = a.stats();
    // Every numbered line, found by queries afterwards.
    const auto [found, outOfPlace] = readBackNumbered(a, 20);
    const quint64 lost = lines - found;
    const double seconds = double(t1 - t0) / 1e9;
    r.add(archiveFigure(QStringLiteral("ingest, 20 apps: lines/s"), double(lines) / seconds,
                        QStringLiteral("lines/s"), {}, -1,
                        QStringLiteral("%1 lines of %2 B on average, append to written")
                            .arg(lines)
                            .arg(double(raw) / double(lines), 0, 'f', 0)));
    r.add(archiveFigure(QStringLiteral("ingest: CPU per million lines (archive: append, encode, "
                                       "compress, write)"),
                        double(cpu - makeNs) / double(lines) * 1e6 / 1e9, QStringLiteral("s"), {},
                        -1,
                        QStringLiteral("process CPU minus making the lines; writer thread's encode "
                                       "+ compress alone %1 CPU s")
                            .arg(double(s.encodeNs) / double(lines) * 1e6 / 1e9, 0, 'f', 3)));
    r.add(archiveFigure(
        QStringLiteral("ingest: lines lost"), double(lost + outOfPlace), QStringLiteral("lines"),
        QStringLiteral("0"), lost + outOfPlace == 0 ? 1 : 0,
        QStringLiteral("%1 found by queries, %2 dropped").arg(found).arg(s.droppedRecords)));
    if (lost || outOfPlace || s.droppedRecords)
        r.fail(QStringLiteral("archive"),
               QStringLiteral("%1 lines lost, %2 out of place").arg(lost).arg(outOfPlace));
    const double ratio = double(s.diskBytes) / double(raw);
    r.add(archiveFigure(QStringLiteral("bytes on disk per line / raw text"), ratio,
                        QStringLiteral("ratio"), QStringLiteral("≤ 0.25"), ratio <= 0.25 ? 1 : 0,
                        QStringLiteral("%1 B on disk per line of %2 B (zstd level %3, %4 chunks)")
                            .arg(double(s.diskBytes) / double(lines), 0, 'f', 1)
                            .arg(double(raw) / double(lines), 0, 'f', 1)
                            .arg(a.options().compressionLevel)
                            .arg(s.chunks)));
}

// Regex search over archived text: rare and common matches, plain scroll-back.
void archiveSearch(const Options &o, Report &r, qint64 pid) {
    QTemporaryDir dir;
    const std::unique_ptr<LogArchive> opened = openArchive(dir.path(), r);
    if (!opened)
        return;
    LogArchive &a = *opened;
    const qint64 target = o.smoke ? (32LL << 20) : (1LL << 30);
    // ~118 B a line: enough lines for the target size; a rare line every 100 000.
    const quint64 lines = quint64(target / 117);
    const qint64 raw = feed(a, 1, lines, 100000);
    a.flush();
    const quint64 rare = lines / 100000 + ((lines % 100000) > 50000 ? 1 : 0);
    const auto search = [&](const QString &pattern, int limit, qint64 *scanned,
                            double *cpuSeconds) {
        SearchQuery q;
        q.appId = 1;
        q.limit = limit;
        q.maxScanBytes = 0;
        if (!pattern.isEmpty())
            q.regex = *compilePattern(pattern);
        std::vector<double> runs, cpus;
        size_t found = 0;
        for (int i = 0; i < o.runs; ++i) {
            const qint64 c0 = sampleProcess(pid).cpuNs;
            const qint64 t0 = monotonicNs();
            const auto res = a.search(q);
            runs.push_back(double(monotonicNs() - t0) / 1e9);
            cpus.push_back(double(sampleProcess(pid).cpuNs - c0) / 1e9);
            found = res ? res->entries.size() : 0;
            if (scanned && res)
                *scanned = res->scannedBytes;
        }
        if (cpuSeconds)
            *cpuSeconds = median(cpus);
        return std::make_pair(median(runs), found);
    };
    qint64 scanned = 0;
    double rareCpu = 0;
    const auto [rareSeconds, rareFound] =
        search(QStringLiteral("panic: .*deadlock"), 1000, &scanned, &rareCpu);
    if (rareFound != rare)
        r.fail(QStringLiteral("archive"),
               QStringLiteral("search found %1 rare lines of %2").arg(rareFound).arg(rare));
    const QString size = QStringLiteral("%1 MiB").arg(double(raw) / (1 << 20), 0, 'f', 0);
    r.add(archiveFigure(
        QStringLiteral("search: regex over %1 of archived text (rare matches)").arg(size),
        rareSeconds, QStringLiteral("s"), QStringLiteral("< 2 s (1 GiB)"),
        o.smoke ? -1 : (rareSeconds < 2 ? 1 : 0),
        QStringLiteral("%1 found; %2 MiB decoded; %3 search threads; %4 MB/s")
            .arg(rareFound)
            .arg(double(scanned) / (1 << 20), 0, 'f', 0)
            .arg(QThread::idealThreadCount())
            .arg(double(scanned) / rareSeconds / 1e6, 0, 'f', 0)));
    // CPU time hardly depends on what else the machine runs: two idle
    // cores take about half of it in wall time.
    const double cpuPerGiB = rareCpu / (double(scanned) / double(1LL << 30));
    r.add(archiveFigure(QStringLiteral("search: CPU per GiB of archived text (rare matches)"),
                        cpuPerGiB, QStringLiteral("CPU s"), QStringLiteral("< 4 (2 s on 2 cores)"),
                        o.smoke ? -1 : (cpuPerGiB < 4 ? 1 : 0),
                        QStringLiteral("decompress, decode, regex, merge; process CPU")));
    const auto [commonSeconds, commonFound] =
        search(QStringLiteral("ERROR .* 500 "), 1000, nullptr, nullptr);
    r.add(archiveFigure(QStringLiteral("search: newest 1 000 matches of a common regex"),
                        commonSeconds * 1000, QStringLiteral("ms"), {}, -1,
                        QStringLiteral("%1 found").arg(commonFound)));
    const auto [pageSeconds, pageFound] = search(QString(), 1000, nullptr, nullptr);
    r.add(archiveFigure(QStringLiteral("search: newest 1 000 lines, no regex (scrolling back)"),
                        pageSeconds * 1000, QStringLiteral("ms"), {}, -1,
                        QStringLiteral("%1 found").arg(pageFound)));
}

void archive(const Options &o, Report &r) {
    std::printf(
        "\n== archive: ingest of 20 apps, bytes on disk, regex search over archived text\n");
    std::fflush(stdout);
    const qint64 pid = QCoreApplication::applicationPid();

    archiveIngest(o, r, pid);
    archiveSearch(o, r, pid);
}

} // namespace mist::bench
