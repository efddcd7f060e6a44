// SPDX-License-Identifier: GPL-3.0-or-later

// The log archive on a real directory: round trips, order across chunks and
// containers, 20 apps interleaved, paging, retention by size (a flood past
// the budget) and by age (an injected clock), torn and corrupt segments,
// a writer SIGKILLed mid-flood (this binary run with --archive-writer), the
// bounds of one search and of the writer's queue, and a catastrophic regex.

#include "archive/ArchiveLogging.h"
#include "archive/LogArchive.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <zstd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <set>
#include <thread>

using namespace mist::archive;

namespace {

constexpr qint64 T0 = 1736937001000000000LL; // 2025-01-15T10:30:01Z
const ContainerRef A{QStringLiteral("aaaa"), QStringLiteral("app-1")};
const ContainerRef B{QStringLiteral("bbbb"), QStringLiteral("app-1-new")};

qint64 realtimeNs() {
    return QDateTime::currentMSecsSinceEpoch() * 1000000LL;
}

std::unique_ptr<LogArchive> openArchive(const QString &dir, ArchiveOptions o = {}) {
    o.directory = dir;
    // The age limit counts from the records' own times: a fixed "now" a day
    // after T0 keeps it out of tests that are not about it.
    if (!o.clockNs)
        o.clockNs = [] {
            return T0 + 86400LL * 1000000000LL;
        };
    auto a = LogArchive::open(o);
    if (!a) {
        qWarning() << "open failed:" << a.error();
        return nullptr;
    }
    return std::move(*a);
}

SearchQuery queryFor(qint64 app, Order order = Order::Asc, int limit = MaxLimit) {
    SearchQuery q;
    q.appId = app;
    q.order = order;
    q.limit = limit;
    return q;
}

// Every entry of a query, page by page; fails the test on a search error.
std::vector<ArchiveEntry> collect(const LogArchive &a, SearchQuery q, int *pages = nullptr) {
    std::vector<ArchiveEntry> all;
    int n = 0;
    for (;;) {
        const auto r = a.search(q);
        if (!r) {
            qWarning() << "search failed:" << r.error();
            return {};
        }
        ++n;
        all.insert(all.end(), r->entries.begin(), r->entries.end());
        if (!r->next || n > 100000)
            break;
        q.cursor = decodeCursor(*r->next, q.order);
        if (!q.cursor) {
            qWarning() << "bad cursor from the archive";
            return {};
        }
    }
    if (pages)
        *pages = n;
    return all;
}

qint64 dirBytes(const QString &dir) {
    qint64 total = 0;
    for (const QFileInfo &f : QDir(dir).entryInfoList(QDir::Files))
        total += f.size();
    return total;
}

QStringList segmentFiles(const QString &dir) {
    QStringList files;
    for (const QString &f :
         QDir(dir).entryList({QStringLiteral("segment-*.mla")}, QDir::Files, QDir::Name))
        files << QDir(dir).filePath(f);
    return files;
}

// Offsets of the chunks in a segment file, by its headers.
std::vector<qint64> chunkOffsets(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray all = f.readAll();
    std::vector<qint64> offsets;
    qint64 at = 0;
    while (at < all.size()) {
        const auto h = parseChunkHeader(QByteArrayView(all).sliced(at));
        if (!h)
            break;
        offsets.push_back(at);
        at += h->totalBytes();
    }
    return offsets;
}

bool copyDir(const QString &from, const QString &to) {
    QDir().mkpath(to);
    for (const QString &f : QDir(from).entryList(QDir::Files))
        if (!QFile::copy(QDir(from).filePath(f), QDir(to).filePath(f)))
            return false;
    return true;
}

// This binary, run with --archive-writer DIR: 20 apps append numbered lines
// at 1 000 lines/s each until the parent SIGKILLs it.
int runWriter(const QString &dir) {
    auto a = openArchive(dir);
    if (!a)
        return 2;
    std::vector<quint64> seq(20, 0);
    qint64 lastTs = 0;
    QElapsedTimer clock;
    clock.start();
    bool ready = false;
    while (clock.elapsed() < 60000) {
        for (int app = 1; app <= 20; ++app)
            for (int k = 0; k < 10; ++k) {
                const qint64 ts = std::max(realtimeNs(), lastTs + 1);
                lastTs = ts;
                const ContainerRef c{QStringLiteral("c%1").arg(app),
                                     QStringLiteral("app-%1").arg(app)};
                if (!a->append(
                        app, c, 0,
                        Record::line(ts, Stream::Stdout,
                                     QStringLiteral("app %1 seq %2").arg(app).arg(seq[app - 1]++))))
                    std::fprintf(stderr, "dropped\n");
            }
        if (!ready && clock.elapsed() > 1000) {
            std::printf("ready\n");
            ready = true;
        }
        // What was appended last: the parent measures the loss from here,
        // not from the kill, which a starved child may reach late.
        std::printf("appended %lld\n", lastTs);
        std::fflush(stdout);
        QThread::msleep(10);
    }
    return 3;
}

} // namespace

class TestLogArchive : public QObject {
    Q_OBJECT
private slots:
    void roundTripAndReopen();
    void orderAcrossChunksAndContainers();
    void twentyAppsInterleaved();
    void pagingGivesEveryEntryOnce_data();
    void pagingGivesEveryEntryOnce();
    void filters();
    void writtenWithinTheFlushInterval();
    void newestLineTs();
    void retentionBySize();
    void retentionByDays();
    void tornTailIsCut();
    void garbageTailIsCut();
    void corruptMiddleChunkIsSkipped();
    void corruptMiddleHeaderIsSkipped();
    void killedWriterLosesAtMostTheLastSecond();
    void catastrophicRegexAnswers();
    void resultAndScanBounds();
    void pendingBound();
    void hostileCursorPositions();
    void unusableDirectory();
};

void TestLogArchive::roundTripAndReopen() {
    QTemporaryDir dir;
    std::vector<Record> written;
    {
        auto a = openArchive(dir.path());
        QVERIFY(a);
        written = {
            Record::makeEvent(T0, EventKind::Started, QStringLiteral("started")),
            Record::line(T0 + 1, Stream::Stdout, QStringLiteral("hello")),
            Record::line(T0 + 2, Stream::Stderr, QStringLiteral("FATAL: missing env DATABASE_URL")),
            Record::line(T0 + 3, Stream::Stdout, QStringLiteral("cut"), true),
            Record::makeEvent(T0 + 4, EventKind::Died, QStringLiteral("exited"), 1),
            Record::makeEvent(T0 + 5, EventKind::Replaced, QStringLiteral("replaced"), std::nullopt,
                              13)};
        for (const Record &r : written)
            QVERIFY(a->append(1, A, 12, r));
        a->flush();
        const auto got = collect(*a, queryFor(1));
        QCOMPARE(got.size(), written.size());
        for (size_t i = 0; i < got.size(); ++i) {
            QVERIFY(got[i].record == written[i]);
            QCOMPARE(got[i].container.id, A.id);
            QCOMPARE(got[i].container.name, A.name);
            QCOMPARE(got[i].deploymentId, 12);
        }
        QCOMPARE(a->stats().writtenRecords, qint64(written.size()));
    }
    auto b = openArchive(dir.path());
    QVERIFY(b);
    QCOMPARE(b->stats().recoveredChunks, 1);
    const auto again = collect(*b, queryFor(1, Order::Desc));
    QCOMPARE(again.size(), written.size());
    for (size_t i = 0; i < again.size(); ++i)
        QVERIFY(again[i].record == written[written.size() - 1 - i]);
    QVERIFY(collect(*b, queryFor(2)).empty());
}

void TestLogArchive::orderAcrossChunksAndContainers() {
    QTemporaryDir dir;
    ArchiveOptions o;
    o.chunkRawBytes = 1024; // many chunks
    auto a = openArchive(dir.path(), o);
    QVERIFY(a);
    // Two containers of one app alive at once, their times interleaved, and
    // lines that arrive slightly out of time order within a container.
    std::vector<qint64> all;
    for (int i = 0; i < 2000; ++i) {
        const qint64 ts = T0 + i * 1000 + ((i % 7 == 3) ? -1500 : 0);
        all.push_back(ts);
        QVERIFY(a->append(1, i % 3 ? A : B, i % 3 ? 1 : 2,
                          Record::line(ts, Stream::Stdout, QStringLiteral("n%1").arg(i))));
    }
    a->flush();
    QVERIFY(a->stats().writtenChunks > 10);
    std::sort(all.begin(), all.end());
    const auto asc = collect(*a, queryFor(1, Order::Asc, 333));
    QCOMPARE(asc.size(), all.size());
    for (size_t i = 0; i < asc.size(); ++i)
        QCOMPARE(asc[i].record.ts, all[i]);
    const auto desc = collect(*a, queryFor(1, Order::Desc, 333));
    QCOMPARE(desc.size(), all.size());
    for (size_t i = 0; i < desc.size(); ++i) {
        QCOMPARE(desc[i].record.ts, all[all.size() - 1 - i]);
        QCOMPARE(desc[i].container.id, desc[i].deploymentId == 1 ? A.id : B.id);
    }
}

void TestLogArchive::twentyAppsInterleaved() {
    QTemporaryDir dir;
    ArchiveOptions o;
    o.chunkRawBytes = 2048;
    auto a = openArchive(dir.path(), o);
    QVERIFY(a);
    for (int n = 0; n < 5000; ++n) {
        const int app = 1 + n % 20;
        QVERIFY(a->append(
            app, ContainerRef{QStringLiteral("c%1").arg(app), QStringLiteral("app-%1").arg(app)}, 0,
            Record::line(T0 + n, n % 2 ? Stream::Stderr : Stream::Stdout,
                         QStringLiteral("line %1").arg(n))));
    }
    a->flush();
    std::vector<int> seen(5000, 0);
    for (int app = 1; app <= 20; ++app) {
        const auto got = collect(*a, queryFor(app));
        QCOMPARE(got.size(), size_t(250));
        for (const ArchiveEntry &e : got) {
            const int n = e.record.text.mid(5).toInt();
            QCOMPARE(1 + n % 20, app);
            ++seen[n];
        }
    }
    for (int n = 0; n < 5000; ++n)
        QVERIFY2(seen[n] == 1,
                 qPrintable(QStringLiteral("line %1 seen %2 times").arg(n).arg(seen[n])));
    // Each numbered line is found by a query of its own, exactly once.
    for (int n : {0, 1, 1234, 2019, 4999}) {
        SearchQuery q = queryFor(1 + n % 20);
        q.regex = *compilePattern(QStringLiteral("^line %1$").arg(n));
        const auto got = collect(*a, q);
        QCOMPARE(got.size(), size_t(1));
        QCOMPARE(got[0].record.text, QStringLiteral("line %1").arg(n));
    }
}

void TestLogArchive::pagingGivesEveryEntryOnce_data() {
    QTest::addColumn<int>("order");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("pattern");
    QTest::newRow("desc by 100") << 0 << 100 << QString();
    QTest::newRow("asc by 100") << 1 << 100 << QString();
    QTest::newRow("desc by 1") << 0 << 1 << QStringLiteral("7$");
    QTest::newRow("asc by 7, regex") << 1 << 7 << QStringLiteral("[13]$");
    QTest::newRow("desc by 10000") << 0 << 10000 << QString();
}

void TestLogArchive::pagingGivesEveryEntryOnce() {
    QFETCH(int, order);
    QFETCH(int, limit);
    QFETCH(QString, pattern);
    QTemporaryDir dir;
    ArchiveOptions o;
    o.chunkRawBytes = 4096;
    auto a = openArchive(dir.path(), o);
    QVERIFY(a);
    // Equal timestamps across containers too: the order must still be total.
    for (int i = 0; i < 3000; ++i)
        QVERIFY(
            a->append(4, i % 2 ? A : B, 0,
                      Record::line(T0 + i / 2, Stream::Stdout, QStringLiteral("entry %1").arg(i))));
    a->flush();
    SearchQuery q = queryFor(4, Order(order), limit);
    if (!pattern.isEmpty())
        q.regex = *compilePattern(pattern);
    int pages = 0;
    const auto got = collect(*a, q, &pages);
    std::set<QString> texts;
    for (const ArchiveEntry &e : got)
        QVERIFY2(texts.insert(e.record.text).second, qPrintable(e.record.text));
    int expected = 0;
    for (int i = 0; i < 3000; ++i)
        if (pattern.isEmpty() ||
            QRegularExpression(pattern).match(QStringLiteral("entry %1").arg(i)).hasMatch())
            ++expected;
    QCOMPARE(int(got.size()), expected);
    QVERIFY(pages >= expected / limit);
    for (size_t i = 1; i < got.size(); ++i)
        QVERIFY(order == 0 ? got[i].key < got[i - 1].key : got[i - 1].key < got[i].key);
}

void TestLogArchive::filters() {
    QTemporaryDir dir;
    auto a = openArchive(dir.path());
    QVERIFY(a);
    for (int i = 0; i < 100; ++i)
        a->append(1, A, 0,
                  Record::line(T0 + i * 1000000000LL, i % 2 ? Stream::Stderr : Stream::Stdout,
                               QStringLiteral("second %1").arg(i)));
    a->append(1, A, 0,
              Record::makeEvent(T0 + 50500000000LL, EventKind::Died, QStringLiteral("died"), 137));
    a->flush();
    SearchQuery q = queryFor(1);
    q.since = T0 + 10 * 1000000000LL;
    q.until = T0 + 19 * 1000000000LL; // both inclusive
    QCOMPARE(collect(*a, q).size(), size_t(10));
    q.stream = Stream::Stderr;
    QCOMPARE(collect(*a, q).size(), size_t(5));
    // Events pass the stream filter; q filters them by their text.
    q = queryFor(1);
    q.stream = Stream::Stdout;
    const auto withEvent = collect(*a, q);
    QCOMPARE(withEvent.size(), size_t(51));
    QVERIFY(withEvent[26].record.isEvent);
    QCOMPARE(withEvent[26].record.exitCode, std::optional<int>(137));
    q.regex = *compilePattern(QStringLiteral("^died$"));
    QCOMPARE(collect(*a, q).size(), size_t(1));
}

void TestLogArchive::writtenWithinTheFlushInterval() {
    QTemporaryDir dir;
    auto a = openArchive(dir.path());
    QVERIFY(a);
    QVERIFY(a->append(1, A, 0, Record::line(T0, Stream::Stdout, QStringLiteral("one"))));
    // No flush(): the writer's timer writes it. A generous bound against a hang.
    QElapsedTimer t;
    t.start();
    while (a->stats().writtenRecords < 1 && t.elapsed() < 20000)
        QThread::msleep(20);
    QCOMPARE(a->stats().writtenRecords, 1);
    qInfo("written %lld ms after append (flush interval %d ms)", t.elapsed(),
          a->options().flushIntervalMs);
    QCOMPARE(collect(*a, queryFor(1)).size(), size_t(1));
}

void TestLogArchive::newestLineTs() {
    QTemporaryDir dir;
    {
        auto a = openArchive(dir.path());
        QVERIFY(a);
        QVERIFY(!a->newestLineTs(1, A.id));
        a->append(1, A, 0, Record::line(T0 + 5, Stream::Stdout, QStringLiteral("x")));
        a->append(1, A, 0, Record::line(T0 + 3, Stream::Stderr, QStringLiteral("y")));
        a->append(1, A, 0, Record::makeEvent(T0 + 9, EventKind::Died, QStringLiteral("died"), 0));
        // Queued counts too.
        QCOMPARE(a->newestLineTs(1, A.id), std::optional<qint64>(T0 + 5));
        a->flush();
        QCOMPARE(a->newestLineTs(1, A.id), std::optional<qint64>(T0 + 5));
        QVERIFY(!a->newestLineTs(1, B.id));
        QVERIFY(!a->newestLineTs(2, A.id));
    }
    auto b = openArchive(dir.path());
    QCOMPARE(b->newestLineTs(1, A.id), std::optional<qint64>(T0 + 5));
}

void TestLogArchive::retentionBySize() {
    QTemporaryDir dir;
    ArchiveOptions o;
    o.retentionBytes = 10 * 1024 * 1024;
    o.retentionDays = 0;
    auto a = openArchive(dir.path(), o);
    QVERIFY(a);
    // The largest chunk this flood can make: a sealed buffer holds at most
    // chunkRawBytes of estimate plus one record.
    const qint64 oneChunk =
        qint64(ZSTD_compressBound(size_t(o.chunkRawBytes + 4096))) + MaxHeaderBytes;
    std::atomic_bool done{false};
    std::atomic<qint64> worst{0};
    std::thread watcher([&] {
        while (!done) {
            worst = std::max(worst.load(), dirBytes(dir.path()));
            QThread::msleep(2);
        }
    });
    // 100 MiB of text that compresses about 2:1 (random hex), 4 containers.
    QRandomGenerator rng(5);
    qint64 raw = 0;
    quint64 n = 0;
    while (raw < 100LL * 1024 * 1024) {
        QString hex;
        for (int k = 0; k < 12; ++k)
            hex += QString::number(rng.generate64(), 16);
        const QString line = QStringLiteral("%1 %2").arg(n, 9, 10, QLatin1Char('0')).arg(hex);
        const ContainerRef c{QStringLiteral("c%1").arg(n % 4), QStringLiteral("app-%1").arg(n % 4)};
        while (a->stats().pendingBytes > 16 * 1024 * 1024)
            QThread::msleep(1);
        QVERIFY(a->append(1, c, 0, Record::line(T0 + qint64(n), Stream::Stdout, line)));
        raw += line.size();
        ++n;
    }
    a->flush();
    done = true;
    watcher.join();
    const ArchiveStats s = a->stats();
    qInfo("budget %lld, one chunk at most %lld; worst seen %lld, now %lld on disk in %d segments "
          "(%lld deleted)",
          o.retentionBytes, oneChunk, worst.load(), dirBytes(dir.path()), s.segments,
          s.deletedSegments);
    QVERIFY(s.deletedSegments > 0);
    QVERIFY(worst <= o.retentionBytes + oneChunk);
    QVERIFY(dirBytes(dir.path()) <= o.retentionBytes);
    QVERIFY(s.diskBytes > o.retentionBytes / 2); // whole segments go, not everything
    QCOMPARE(s.droppedRecords, 0);
    // What is kept is the newest: per container a run that ends with its last line.
    const auto kept = collect(*a, queryFor(1));
    QVERIFY(!kept.empty());
    std::map<QString, std::vector<quint64>> byContainer;
    for (const ArchiveEntry &e : kept)
        byContainer[e.container.id].push_back(e.record.text.left(9).toULongLong());
    QCOMPARE(byContainer.size(), size_t(4));
    for (auto &[id, seqs] : byContainer) {
        QCOMPARE(seqs.back() % 4, quint64(id.mid(1).toInt()));
        QVERIFY(seqs.back() >= n - 4);
        for (size_t i = 1; i < seqs.size(); ++i)
            QCOMPARE(seqs[i], seqs[i - 1] + 4);
    }
    QVERIFY(kept.front().record.text.left(9).toULongLong() > 0);
}

void TestLogArchive::retentionByDays() {
    QTemporaryDir dir;
    std::atomic<qint64> now{T0 + 100LL * 86400 * 1000000000LL};
    ArchiveOptions o;
    o.retentionDays = 30;
    o.segmentBytes = 1; // a segment per chunk: ages do not share one
    o.clockNs = [&] {
        return now.load();
    };
    {
        auto a = openArchive(dir.path(), o);
        QVERIFY(a);
        const qint64 day = 86400LL * 1000000000LL;
        // 40, 20 and 1 day(s) old, each in segments of their own.
        for (int age : {40, 20, 1}) {
            for (int i = 0; i < 300; ++i)
                a->append(1, A, 0,
                          Record::line(now - age * day + i, Stream::Stdout,
                                       QStringLiteral("%1 days old %2 %3")
                                           .arg(age)
                                           .arg(i)
                                           .arg(QString(300, u'x'))));
            a->flush();
        }
        // The age check runs after every write.
        a->append(1, A, 0, Record::line(now, Stream::Stdout, QStringLiteral("now")));
        a->flush();
        const auto kept = collect(*a, queryFor(1));
        QCOMPARE(kept.size(), size_t(601));
        for (const ArchiveEntry &e : kept)
            QVERIFY(!e.record.text.startsWith(QStringLiteral("40 ")));
    }
    // 25 days later, at open: only the 1-day-old lines and "now" remain.
    now += 25LL * 86400 * 1000000000LL;
    auto b = openArchive(dir.path(), o);
    QVERIFY(b);
    const auto kept = collect(*b, queryFor(1));
    QCOMPARE(kept.size(), size_t(301));
    QVERIFY(kept.front().record.text.startsWith(QStringLiteral("1 ")));
}

void TestLogArchive::tornTailIsCut() {
    QTemporaryDir dir;
    const QString src = dir.filePath(QStringLiteral("src"));
    {
        auto a = openArchive(src);
        QVERIFY(a);
        for (int c = 0; c < 5; ++c) {
            for (int i = 0; i < 20; ++i)
                a->append(1, A, 0,
                          Record::line(T0 + c * 100 + i, Stream::Stdout,
                                       QStringLiteral("c%1 l%2").arg(c).arg(i)));
            a->flush();
        }
    }
    const QStringList segs = segmentFiles(src);
    QCOMPARE(segs.size(), 1);
    const auto offsets = chunkOffsets(segs.front());
    QCOMPARE(offsets.size(), size_t(5));
    const qint64 lastChunk = offsets.back();
    const qint64 size = QFileInfo(segs.front()).size();
    // Every offset inside the last chunk: the header, the payload, its last byte.
    for (qint64 cut = lastChunk; cut < size; ++cut) {
        const QString copy = dir.filePath(QStringLiteral("cut-%1").arg(cut));
        QVERIFY(copyDir(src, copy));
        const QString seg = segmentFiles(copy).front();
        QVERIFY(QFile::resize(seg, cut));
        auto a = openArchive(copy);
        QVERIFY2(a, qPrintable(QString::number(cut)));
        QCOMPARE(a->stats().recoveredChunks, 4);
        QCOMPARE(a->stats().truncatedBytes, cut - lastChunk);
        QCOMPARE(QFileInfo(seg).size(), cut == lastChunk ? cut : lastChunk);
        QCOMPARE(collect(*a, queryFor(1)).size(), size_t(80));
        // And it goes on writing after the cut.
        a->append(1, A, 0, Record::line(T0 + 1000, Stream::Stdout, QStringLiteral("after")));
        a->flush();
        QCOMPARE(collect(*a, queryFor(1)).size(), size_t(81));
        a.reset();
        QVERIFY(QDir(copy).removeRecursively());
    }
}

void TestLogArchive::garbageTailIsCut() {
    for (const char *kind : {"zeros", "random", "magic"}) {
        QTemporaryDir dir;
        {
            auto a = openArchive(dir.path());
            a->append(1, A, 0, Record::line(T0, Stream::Stdout, QStringLiteral("kept")));
        }
        const QString seg = segmentFiles(dir.path()).front();
        const qint64 good = QFileInfo(seg).size();
        QFile f(seg);
        QVERIFY(f.open(QIODevice::Append));
        QByteArray tail(100000, '\0');
        if (qstrcmp(kind, "random") == 0)
            for (char &c : tail)
                c = char(QRandomGenerator::global()->bounded(256));
        if (qstrcmp(kind, "magic") == 0)
            for (qsizetype i = 0; i + 4 <= tail.size(); i += 97)
                tail.replace(i, 4, "MLAC");
        f.write(tail);
        f.close();
        auto a = openArchive(dir.path());
        QVERIFY(a);
        QCOMPARE(QFileInfo(seg).size(), good);
        QCOMPARE(a->stats().truncatedBytes, qint64(tail.size()));
        QCOMPARE(collect(*a, queryFor(1)).size(), size_t(1));
    }
}

void TestLogArchive::corruptMiddleChunkIsSkipped() {
    QTemporaryDir dir;
    {
        auto a = openArchive(dir.path());
        for (int c = 0; c < 3; ++c) {
            for (int i = 0; i < 10; ++i)
                a->append(
                    1, A, 0,
                    Record::line(T0 + c * 100 + i, Stream::Stdout, QStringLiteral("c%1").arg(c)));
            a->flush();
        }
    }
    const QString seg = segmentFiles(dir.path()).front();
    const auto offsets = chunkOffsets(seg);
    QFile f(seg);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.seek(offsets[2] - 3); // the middle chunk's payload
    f.write("\xff\xff\xff", 3);
    f.close();
    auto a = openArchive(dir.path());
    QVERIFY(a);
    QCOMPARE(a->stats().recoveredChunks, 3); // headers are fine: found at search time
    const auto r = a->search(queryFor(1));
    QVERIFY(r);
    QCOMPARE(r->chunksSkipped, 1);
    QCOMPARE(r->entries.size(), size_t(20));
}

void TestLogArchive::corruptMiddleHeaderIsSkipped() {
    QTemporaryDir dir;
    {
        auto a = openArchive(dir.path());
        for (int c = 0; c < 3; ++c) {
            for (int i = 0; i < 10; ++i)
                a->append(
                    1, A, 0,
                    Record::line(T0 + c * 100 + i, Stream::Stdout, QStringLiteral("c%1").arg(c)));
            a->flush();
        }
    }
    const QString seg = segmentFiles(dir.path()).front();
    const auto offsets = chunkOffsets(seg);
    QFile f(seg);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.seek(offsets[1] + 30);
    f.write("\x01\x02\x03", 3);
    f.close();
    auto a = openArchive(dir.path());
    QVERIFY(a);
    QCOMPARE(a->stats().recoveredChunks, 2);
    QCOMPARE(a->stats().skippedCorruptBytes, offsets[2] - offsets[1]);
    QCOMPARE(collect(*a, queryFor(1)).size(), size_t(20));
}

void TestLogArchive::killedWriterLosesAtMostTheLastSecond() {
    QTemporaryDir dir;
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--archive-writer"), dir.path()});
    QVERIFY(child.waitForStarted());
    QByteArray out;
    while (!out.contains("ready\n") && child.waitForReadyRead(30000))
        out += child.readAllStandardOutput();
    QVERIFY(out.contains("ready\n"));
    QThread::msleep(1500);
    ::kill(pid_t(child.processId()), SIGKILL);
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QCOMPARE(child.readAllStandardError(), QByteArray());
    qint64 killedAt = 0; // the last append the child reported
    out += child.readAllStandardOutput();
    const QList<QByteArray> lines = out.split('\n');
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) // the last may be cut by the kill
        if (lines[i].startsWith("appended "))
            killedAt = lines[i].mid(9).toLongLong();
    QVERIFY(killedAt > 0);

    auto a = openArchive(dir.path());
    QVERIFY(a);
    qint64 worstGapNs = 0;
    for (int app = 1; app <= 20; ++app) {
        const auto got = collect(*a, queryFor(app));
        QVERIFY(got.size() > 1000);
        for (size_t i = 0; i < got.size(); ++i)
            QCOMPARE(got[i].record.text, QStringLiteral("app %1 seq %2").arg(app).arg(i));
        worstGapNs = std::max(worstGapNs, killedAt - got.back().record.ts);
    }
    qInfo("lost at most the last %.0f ms before the last reported append (truncated %lld bytes)",
          worstGapNs / 1e6, a->stats().truncatedBytes);
    // The writer's promise is one second; one more second of slack for a busy machine.
    QVERIFY(worstGapNs < 2000LL * 1000000);
}

void TestLogArchive::catastrophicRegexAnswers() {
    QTemporaryDir dir;
    auto a = openArchive(dir.path());
    QVERIFY(a);
    const QString longLine(MaxTextBytes, u'a');
    a->append(1, A, 0, Record::line(T0, Stream::Stdout, QStringLiteral("start")));
    a->append(1, A, 0, Record::line(T0 + 1, Stream::Stdout, longLine));
    a->append(1, A, 0,
              Record::line(T0 + 2, Stream::Stdout, QString(MaxTextBytes - 1, u'a') + u'!'));
    a->flush();
    for (const QString &pattern : {QStringLiteral("(a+)+$"), QStringLiteral("(a|aa)+$"),
                                   QStringLiteral("(a*)*b"), QStringLiteral("^(a+)+!$")}) {
        SearchQuery q = queryFor(1);
        q.regex = *compilePattern(pattern);
        QElapsedTimer t;
        t.start();
        const auto r = a->search(q);
        QVERIFY(r);
        qInfo("%s over two 1 MiB lines: %lld ms, %zu found", qPrintable(pattern), t.elapsed(),
              r->entries.size());
        QVERIFY(t.elapsed() < 30000); // only against a hang
        QCOMPARE(r->entries.size(), size_t(pattern == QStringLiteral("(a*)*b") ? 0 : 1));
    }
}

void TestLogArchive::resultAndScanBounds() {
    QTemporaryDir dir;
    auto a = openArchive(dir.path());
    QVERIFY(a);
    for (int i = 0; i < 40; ++i)
        a->append(1, A, 0,
                  Record::line(T0 + i, Stream::Stdout,
                               QStringLiteral("%1 ").arg(i, 2, 10, QLatin1Char('0')) +
                                   QString(100000, u'x')));
    a->flush();
    // Texts of one answer are bounded: ~1 MiB a page here.
    SearchQuery q = queryFor(1);
    q.maxResultBytes = 1024 * 1024;
    auto r = a->search(q);
    QVERIFY(r);
    QVERIFY(r->entries.size() >= 10 && r->entries.size() <= 11);
    QVERIFY(r->next);
    int pages = 0;
    const auto all = collect(*a, q, &pages);
    QCOMPARE(all.size(), size_t(40));
    QVERIFY(pages >= 4);
    // So is the scan: a regex that matches nothing answers with a cursor to
    // go on from, and the pages together still find everything once.
    ArchiveOptions o;
    o.chunkRawBytes = 200000; // two lines a chunk
    QTemporaryDir dir2;
    auto b = openArchive(dir2.path(), o);
    for (int i = 0; i < 40; ++i)
        b->append(1, A, 0,
                  Record::line(T0 + i, Stream::Stdout,
                               QStringLiteral("%1 ").arg(i, 2, 10, QLatin1Char('0')) +
                                   QString(100000, u'x')));
    b->flush();
    for (Order order : {Order::Desc, Order::Asc}) {
        SearchQuery s = queryFor(1, order);
        s.maxScanBytes = 500000;
        s.regex = *compilePattern(QStringLiteral("^(05|33) "));
        r = b->search(s);
        QVERIFY(r);
        QVERIFY(r->next);
        QVERIFY(r->scannedBytes < 1000000);
        const auto found = collect(*b, s, &pages);
        QCOMPARE(found.size(), size_t(2));
        QVERIFY(pages > 3);
    }
}

void TestLogArchive::pendingBound() {
    QTemporaryDir dir;
    ArchiveOptions o;
    o.maxPendingBytes = 256 * 1024;
    auto a = openArchive(dir.path(), o);
    QVERIFY(a);
    const QString line(1000, u'y');
    qint64 accepted = 0, refused = 0;
    for (int i = 0; i < 20000; ++i) {
        if (a->append(1, ContainerRef{QStringLiteral("c%1").arg(i % 50), QString()}, 0,
                      Record::line(T0 + i, Stream::Stdout, line)))
            ++accepted;
        else
            ++refused;
        if (i % 100 == 0)
            QVERIFY(a->stats().pendingBytes <= o.maxPendingBytes);
    }
    a->flush();
    const ArchiveStats s = a->stats();
    qInfo("accepted %lld, refused %lld", accepted, refused);
    QCOMPARE(s.droppedRecords, refused);
    QCOMPARE(s.writtenRecords, accepted);
    QCOMPARE(s.pendingBytes, 0);
    QCOMPARE(qint64(collect(*a, queryFor(1)).size()), accepted);
}

void TestLogArchive::hostileCursorPositions() {
    QTemporaryDir dir;
    auto a = openArchive(dir.path());
    for (int i = 0; i < 100; ++i)
        a->append(1, A, 0, Record::line(T0 + i, Stream::Stdout, QStringLiteral("l%1").arg(i)));
    a->flush();
    // Well-formed cursors at positions the archive never gave out.
    const OrderKey keys[] = {
        {std::numeric_limits<qint64>::min(), 0, 0},
        {std::numeric_limits<qint64>::max(), ~quint64(0), std::numeric_limits<qint64>::max()},
        {T0 + 50, 0, -1},
        {T0 + 50, ~quint64(0), std::numeric_limits<qint64>::min()},
        {T0 + 50, 1, 1000000}};
    for (const OrderKey &k : keys)
        for (Order order : {Order::Desc, Order::Asc}) {
            SearchQuery q = queryFor(1, order);
            q.cursor = decodeCursor(encodeCursor(Cursor{order, k}), order);
            QVERIFY(q.cursor);
            const auto r = a->search(q);
            QVERIFY(r);
            QVERIFY(r->entries.size() <= 100);
        }
    // A cursor of the other order is refused.
    SearchQuery q = queryFor(1, Order::Asc);
    q.cursor = Cursor{Order::Desc, OrderKey{}};
    QCOMPARE(a->search(q).error(), QStringLiteral("Invalid cursor"));
}

void TestLogArchive::unusableDirectory() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("file"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    ArchiveOptions o;
    o.directory = file;
    QVERIFY(!LogArchive::open(o));
    o.directory.clear();
    QVERIFY(!LogArchive::open(o));
    o.directory = dir.filePath(QStringLiteral("new/deeper"));
    QVERIFY(LogArchive::open(o));
    // Files of other names are left alone.
    QFile other(dir.filePath(QStringLiteral("new/deeper/segment-12.mla")));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("x");
    other.close();
    QVERIFY(LogArchive::open(o));
    QVERIFY(other.exists());
}

int main(int argc, char **argv) {
    if (argc == 3 && qstrcmp(argv[1], "--archive-writer") == 0) {
        QCoreApplication app(argc, argv);
        return runWriter(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    TestLogArchive test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_logarchive.moc"
