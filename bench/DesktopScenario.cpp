// SPDX-License-Identifier: GPL-3.0-or-later

// 6. The desktop log view, fed through the real client path (server process,
// ServerSession, StreamConnection, MainWindow's log handling, LogModel,
// LogView), offscreen; and 7b. desktop start-up to the first painted sample.

#include "Scenarios.h"

#include "AppLog.h"
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "archive/LogArchive.h"
#include "client/ServerSession.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QListView>
#include <QProcess>
#include <QScrollBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <malloc.h>

namespace mist::bench {

namespace {

Figure figure(const QString &name, double value, const QString &unit, const QString &target = {},
              int met = -1, const QString &note = {}) {
    return Figure{QStringLiteral("desktop"), name, value, unit, target, met, note};
}

// Longest gap between ticks of a 1 ms timer: how long the event loop was
// busy with something else (layout, painting, inserting rows).
class StallMeter : public QObject {
public:
    StallMeter() {
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = monotonicNs();
            if (m_last)
                m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
    }
    void start() {
        m_last = 0;
        m_longest = 0;
        m_timer.start(1);
    }
    void stop() { m_timer.stop(); }
    double longestMs() const { return double(m_longest) / 1e6; }

private:
    QTimer m_timer;
    qint64 m_last = 0;
    qint64 m_longest = 0;
};

qint64 heapInUse() {
    const struct mallinfo2 m = mallinfo2();
    return qint64(m.uordblks + m.hblkhd);
}

void liveFeed(const Options &o, Report &r) {
    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("desktop"), started.error());
        return;
    }
    const int rate = 50000;
    const int seconds = o.smoke ? 2 : 10;
    const quint64 count = quint64(rate) * seconds;
    LogContainer c(QStringLiteral("mist-bench-desktop-%1").arg(QCoreApplication::applicationPid()),
                   count, 80, rate);
    const int appId = server.addContainerApp(c.name(), c.name());
    if (appId < 0) {
        r.fail(QStringLiteral("desktop"), QStringLiteral("could not add the app"));
        return;
    }
    gui::MainWindow window;
    auto *session = new client::ServerSession(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())), &window);
    session->setToken(server.cookie().mid(int(qstrlen("mist_token="))));
    window.connectTo(session, QStringLiteral("bench"));
    window.resize(1280, 800);
    window.show();
    // The app list arrives, the app is chosen, its status row arrives. Each app has a model of
    // its own (gui::AppLog): the one to watch is the chosen app's.
    gui::LogModel *model = nullptr;
    waitUntil(
        [&] {
            window.selectApp(appId);
            gui::AppLog *log = window.currentAppLog();
            model = log ? log->model() : nullptr;
            return model && model->totalLines() > 0;
        },
        20000);
    if (!model || model->totalLines() == 0) {
        r.fail(QStringLiteral("desktop"), QStringLiteral("the log view never showed the app"));
        return;
    }
    quint64 inserted = 0;
    QObject::connect(
        model, &QAbstractItemModel::rowsInserted, model,
        [&](const QModelIndex &, int first, int last) { inserted += quint64(last - first + 1); });
    // The last line shown, to know when all arrived.
    auto lastSeq = [&]() -> quint64 {
        const int rows = model->rowCount();
        if (rows == 0)
            return 0;
        GenLine g;
        const QString text =
            model->data(model->index(rows - 1), gui::LogModel::TextRole).toString();
        return parseGenLine(text, &g) ? g.seq : 0;
    };
    StallMeter stalls;
    pumpFor(300);
    const quint64 insertedBefore = inserted;
    stalls.start();
    const qint64 t0 = monotonicNs();
    c.start();
    waitUntil([&] { return lastSeq() >= count; }, (seconds + 60) * 1000);
    const qint64 t1 = monotonicNs();
    stalls.stop();
    const quint64 shown = inserted - insertedBefore;
    if (lastSeq() < count) {
        r.fail(QStringLiteral("desktop"),
               QStringLiteral("the view showed line %1 of %2").arg(lastSeq()).arg(count));
        return;
    }
    const double secs = double(t1 - t0) / 1e9;
    r.add(figure(QStringLiteral("live feed: longest stall"), stalls.longestMs(),
                 QStringLiteral("ms"), QStringLiteral("≤ 50 ms"), stalls.longestMs() <= 50 ? 1 : 0,
                 QStringLiteral("%1 lines/s for %2 s, 80 B").arg(rate).arg(seconds)));
    r.add(figure(QStringLiteral("live feed: lines/s into the view"), double(shown) / secs,
                 QStringLiteral("lines/s"), {}, -1,
                 QStringLiteral("%1 lines in %2 s").arg(shown).arg(secs, 0, 'f', 2)));
}

void retainedLines(const Options &o, Report &r) {
    const int lines = o.smoke ? 100000 : 1000000;
    gui::LogView view;
    view.resize(1280, 800);
    view.show();
    gui::LogModel *model = view.model();
    model->setMaxLines(lines);
    pumpFor(100);
    // The heap in use, not RSS: freed memory of earlier scenarios would
    // hide the growth.
    const qint64 before = heapInUse();
    qint64 textBytes = 0;
    QList<gui::LogEntry> batch;
    for (int i = 1; i <= lines; ++i) {
        gui::LogEntry e;
        e.tsMs = 1790000000000 + i;
        // 80-character lines, like the relay's: a level word now and then.
        e.text = QStringLiteral("~L%1 %2 %3 request served in %4 ms")
                     .arg(i, 10, 10, QLatin1Char('0'))
                     .arg(qint64(1790000000000000000) + i)
                     .arg(i % 97 == 0 ? QStringLiteral("WARN") : QStringLiteral("INFO"))
                     .arg(i % 1000, 3, 10, QLatin1Char('0'));
        textBytes += e.text.toUtf8().size();
        batch.append(e);
        if (batch.size() == 10000) {
            model->append(batch);
            batch.clear();
            model->flushPending();
        }
    }
    model->append(batch);
    model->flushPending();
    pumpFor(200);
    const double perLine = double(heapInUse() - before) / lines;
    const double overhead = perLine - double(textBytes) / lines;
    r.add(figure(QStringLiteral("memory per retained line"), perLine, QStringLiteral("B"), {}, -1,
                 QStringLiteral("%1 lines of %2 B text")
                     .arg(lines)
                     .arg(double(textBytes) / lines, 0, 'f', 0)));
    r.add(figure(QStringLiteral("overhead per retained line"), overhead, QStringLiteral("B"),
                 QStringLiteral("≤ 200 B"), overhead <= 200 ? 1 : 0,
                 QStringLiteral("heap growth minus the UTF-8 text")));

    std::vector<double> ms;
    const QStringList patterns{QStringLiteral("WARN.*served in 9\\d\\d"),
                               QStringLiteral("^~L\\d+7 "), QStringLiteral("(?-i)warn")};
    for (const QString &pattern : patterns) {
        view.setFilterText({}, false);
        QApplication::processEvents();
        QElapsedTimer t;
        t.start();
        view.setFilterText(pattern, true);
        QApplication::processEvents(); // the view's relayout belongs to the cost
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        std::printf("    filter /%s/: %d of %d rows, %.1f ms\n", qPrintable(pattern),
                    model->visibleLines(), model->totalLines(), ms.back());
    }
    const double worst = *std::max_element(ms.begin(), ms.end());
    r.add(figure(QStringLiteral("regex filter over %1 lines").arg(lines), worst,
                 QStringLiteral("ms"), QStringLiteral("< 1000 ms"), worst < 1000 ? 1 : 0,
                 QStringLiteral("slowest of %1 expressions").arg(patterns.size())));
}

qint64 residentBytes() {
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    return statm.readAll().split(' ').value(1).toLongLong() * 4096;
}

// Writes `lines` numbered lines of app `appId` into the archive of `dataDir` (the server is
// down: one writer at a time), one every 50 µs ending an hour ago, within the retention's days.
// Returns what failed, or an empty string.
QString fillArchive(const QString &dataDir, int appId, const QString &name, int lines) {
    archive::ArchiveOptions options;
    options.directory = dataDir + QStringLiteral("/archive");
    auto opened = archive::LogArchive::open(options);
    if (!opened)
        return QStringLiteral("archive: %1").arg(opened.error());
    archive::LogArchive &a = **opened;
    const archive::ContainerRef c{QStringLiteral("bench"), name};
    const qint64 t0 =
        (QDateTime::currentMSecsSinceEpoch() - 3600 * 1000) * 1000000LL - qint64(lines) * 50000;
    for (int i = 0; i < lines; ++i) {
        if ((i & 1023) == 0)
            while (a.stats().pendingBytes > 32 * 1024 * 1024)
                QThread::usleep(200);
        a.append(appId, c, 0,
                 archive::Record::line(t0 + qint64(i) * 50000, archive::Stream::Stdout,
                                       QStringLiteral("~L%1 INFO request served in %2 ms "
                                                      "path=/api/apps/%3")
                                           .arg(i, 10, 10, QLatin1Char('0'))
                                           .arg(i % 1000)
                                           .arg(i % 97)));
    }
    a.flush();
    return {};
}

struct ScrollRun {
    qint64 rssStart = 0, rssEnd = 0, rssPeak = 0;
    int pages = 0, maxRows = 0;
    double seconds = 0;
    double longestStallMs = 0;
};

// Drags the scroll bar up a screen at a time until the view shows the archive's oldest line
// (or the time is up), waiting for each page the view asks for, and measures the event loop.
ScrollRun scrollToTheTop(QScrollBar *bar, gui::AppLog *log, int maxSeconds) {
    ScrollRun run;
    run.rssStart = run.rssPeak = residentBytes();
    const int pagesBefore = log->pagesLoaded();
    StallMeter stalls;
    stalls.start();
    const qint64 t0 = monotonicNs();
    const qint64 deadline = t0 + qint64(maxSeconds) * 1000000000LL;
    while (monotonicNs() < deadline) {
        if (bar->value() == 0 && log->olderExhausted())
            break;
        bar->setValue(std::max(0, bar->value() - bar->pageStep()));
        QCoreApplication::processEvents(); // lays out and paints the new screen
        while (log->isLoading() && monotonicNs() < deadline)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        run.maxRows = std::max(run.maxRows, log->model()->totalLines());
        if ((log->pagesLoaded() & 63) == 0)
            run.rssPeak = std::max(run.rssPeak, residentBytes());
    }
    stalls.stop();
    run.longestStallMs = stalls.longestMs();
    run.seconds = double(monotonicNs() - t0) / 1e9;
    run.rssEnd = residentBytes();
    run.rssPeak = std::max(run.rssPeak, run.rssEnd);
    run.pages = log->pagesLoaded() - pagesBefore;
    return run;
}

void reportScroll(Report &r, const ScrollRun &run, int lines, int cap) {
    const qint64 rssStart = run.rssStart, rssEnd = run.rssEnd, rssPeak = run.rssPeak;
    const int pages = run.pages, maxRows = run.maxRows;
    const double secs = run.seconds;
    std::printf("    scroll back: %d lines, %d pages in %.1f s, at most %d rows held, "
                "RSS %.1f MiB at start, %.1f MiB at the end (peak %.1f MiB)\n",
                lines, pages, secs, maxRows, double(rssStart) / 1048576.0,
                double(rssEnd) / 1048576.0, double(rssPeak) / 1048576.0);
    const QString what = QStringLiteral("%1 archived lines, %2 pages").arg(lines).arg(pages);
    r.add(figure(QStringLiteral("scroll back: longest stall"), run.longestStallMs,
                 QStringLiteral("ms"), QStringLiteral("≤ 50 ms"), run.longestStallMs <= 50 ? 1 : 0,
                 what));
    r.add(figure(QStringLiteral("scroll back: pages loaded"), pages, QStringLiteral("pages"), {},
                 -1,
                 QStringLiteral("%1 s from the newest line to the oldest").arg(secs, 0, 'f', 1)));
    r.add(figure(QStringLiteral("scroll back: RSS at start"), double(rssStart) / 1048576.0,
                 QStringLiteral("MiB")));
    // Bounded: the window holds at most the model's cap, whatever the archive's length.
    r.add(figure(QStringLiteral("scroll back: RSS at the end"), double(rssEnd) / 1048576.0,
                 QStringLiteral("MiB"), QStringLiteral("bounded"), maxRows <= cap ? 1 : 0,
                 QStringLiteral("peak %1 MiB; at most %2 rows held (cap %3)")
                     .arg(double(rssPeak) / 1048576.0, 0, 'f', 1)
                     .arg(maxRows)
                     .arg(cap)));
}

// Scrolling back through a long archive: the real view, the real server, page by page from
// the newest line to the oldest, as a reader dragging the scroll bar up a screen at a time.
void scrollBack(const Options &o, Report &r) {
    const int lines = o.smoke ? 20000 : 1000000;
    ServerProcess server;
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("desktop"), started.error());
        return;
    }
    // The app needs no container: its history is all in the archive.
    const QString name =
        QStringLiteral("mist-bench-scroll-%1").arg(QCoreApplication::applicationPid());
    const int appId = server.addContainerApp(name, name);
    server.stop(); // one writer at a time: the archive is filled while the server is down
    if (appId < 0) {
        r.fail(QStringLiteral("desktop"), QStringLiteral("could not add the app"));
        return;
    }
    if (const QString failed = fillArchive(server.dataDir(), appId, name, lines);
        !failed.isEmpty()) {
        r.fail(QStringLiteral("desktop"), failed);
        return;
    }
    if (const auto started = server.start(); !started) {
        r.fail(QStringLiteral("desktop"), started.error());
        return;
    }
    gui::MainWindow window;
    auto *session = new client::ServerSession(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())), &window);
    session->setToken(server.cookie().mid(int(qstrlen("mist_token="))));
    window.connectTo(session, QStringLiteral("bench"));
    window.resize(1280, 800);
    window.show();
    window.tabs()->setCurrentWidget(window.logView());
    gui::AppLog *log = nullptr;
    waitUntil(
        [&] {
            window.selectApp(appId);
            log = window.currentAppLog();
            return log && !log->isLoading() && log->model()->totalLines() >= 1000;
        },
        30000);
    if (!log || log->model()->totalLines() < 1000) {
        r.fail(QStringLiteral("desktop"), QStringLiteral("the view never showed the archive"));
        return;
    }
    // The smoke run's window is small enough for its 20 000 lines to reach the cap, so the
    // newest lines are dropped there too.
    if (o.smoke)
        log->model()->setMaxLines(5000);
    pumpFor(200);
    const ScrollRun run = scrollToTheTop(window.logView()->listView()->verticalScrollBar(), log,
                                         o.smoke ? 120 : 1800);
    const QString first = log->model()->storedAt(0).text;
    if (!first.startsWith(QStringLiteral("~L0000000000"))) {
        r.fail(QStringLiteral("desktop"),
               QStringLiteral("scrolled back to %1, not to the first line").arg(first.left(14)));
        return;
    }
    reportScroll(r, run, lines, log->model()->maxLines());
}

void startupToPaint(const Options &o, Report &r) {
    std::vector<double> ms;
    const QString binary = QCoreApplication::applicationDirPath() + QStringLiteral("/mist-monitor");
    for (int i = 0; i < (o.smoke ? 1 : 5); ++i) {
        QTemporaryDir data, config;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("QT_LOGGING_RULES"),
                   QStringLiteral("mist.gui.startup.debug=true"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), data.path());
        p.setProcessEnvironment(env);
        p.setStandardOutputFile(QProcess::nullDevice());
        QByteArray err;
        QObject::connect(&p, &QProcess::readyReadStandardError,
                         [&] { err += p.readAllStandardError(); });
        const qint64 t0 = realtimeNs() / 1000000;
        p.start(binary, {QStringLiteral("--data-dir"), data.path() + QStringLiteral("/mm")});
        waitUntil(
            [&] {
                return err.contains("first metrics painted at ") ||
                       p.state() == QProcess::NotRunning;
            },
            30000);
        const qsizetype at = err.indexOf("first metrics painted at ");
        const qint64 painted =
            at < 0 ? 0 : err.mid(at + 25).split('\n').value(0).trimmed().toLongLong();
        p.terminate();
        p.waitForFinished(10000);
        if (!painted) {
            r.fail(QStringLiteral("desktop"),
                   QStringLiteral("the desktop app never painted a sample: %1")
                       .arg(QString::fromUtf8(err.right(400))));
            return;
        }
        ms.push_back(double(painted - t0));
    }
    r.add(Figure{
        QStringLiteral("startup"),
        QStringLiteral("desktop to first painted sample"),
        median(ms),
        QStringLiteral("ms"),
        {},
        -1,
        QStringLiteral("embedded server, fresh data directory, median of %1").arg(ms.size())});
}

} // namespace

void desktop(const Options &o, Report &r) {
    std::printf("\n== desktop: the log view offscreen, and start-up\n");
    liveFeed(o, r);
    retainedLines(o, r);
    startupToPaint(o, r);
}

void desktopScroll(const Options &o, Report &r) {
    std::printf("\n== desktop-scroll: the log view scrolled back through the archive\n");
    scrollBack(o, r);
}

} // namespace mist::bench
