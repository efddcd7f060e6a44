// SPDX-License-Identifier: GPL-3.0-or-later

// 6. The desktop log view, fed through the real client path (server process,
// ServerSession, StreamConnection, MainWindow's log handling, LogModel,
// LogView), offscreen; and 7b. desktop start-up to the first painted sample.

#include "Scenarios.h"

#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "client/ServerSession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QListView>
#include <QProcess>
#include <QTemporaryDir>
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
    QString error;
    if (!server.start({}, &error)) {
        r.fail(QStringLiteral("desktop"), error);
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
    gui::LogView *view = window.findChild<gui::LogView *>();
    if (!view) {
        r.fail(QStringLiteral("desktop"), QStringLiteral("no log view in the main window"));
        return;
    }
    gui::LogModel *model = view->model();
    quint64 inserted = 0;
    QObject::connect(
        model, &QAbstractItemModel::rowsInserted, model,
        [&](const QModelIndex &, int first, int last) { inserted += quint64(last - first + 1); });
    // The app list arrives, the app is chosen, its status row arrives.
    waitUntil(
        [&] {
            window.selectApp(appId);
            return model->totalLines() > 0;
        },
        20000);
    if (model->totalLines() == 0) {
        r.fail(QStringLiteral("desktop"), QStringLiteral("the log view never showed the app"));
        return;
    }
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

} // namespace mist::bench
