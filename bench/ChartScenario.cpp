// SPDX-License-Identifier: GPL-3.0-or-later

// desktop-chart (issue #18: "desktop: open a 24 h chart < 100 ms from the answer"): the time
// from the bytes of a history answer to the charts painted with it, in the real MetricsView
// (offscreen, 1200x800). The answer is the real one: the host's history recorded by
// history::MetricHistory (the class the route asks) and serialised in the route's envelope;
// what is timed is what the desktop does with it: parse the JSON, put the points on the
// three host charts (MetricsView::applyHostHistory, the same call an answer to loadHistory
// gets) and paint. The server's side of the answer is the history scenario's.

#include "Scenarios.h"

#include "MetricsView.h"
#include "history/MetricHistory.h"

#include <QApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineSeries>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>

namespace mist::bench {

namespace {

using history::HostSeries;
using history::MetricHistory;

// A host sample moving as a real one does (CPU a random walk of a few points, memory in KiB).
QJsonObject hostSample(QRandomGenerator &rng, double &cpu, double &mem) {
    cpu = std::clamp(cpu + (rng.bounded(6.0) - 3.0), 0.0, 100.0);
    mem = std::max(1e9, mem + 1024.0 * double(rng.bounded(-200, 201)));
    const double memTotal = 16.0 * 1024 * 1024 * 1024;
    return QJsonObject{
        {"cpu", QJsonObject{{"usage", std::round(cpu * 10) / 10}, {"cores", 8}}},
        {"memory", QJsonObject{{"used", mem},
                               {"total", memTotal},
                               {"percent", std::round(mem / memTotal * 1000) / 10}}},
        {"disk", QJsonObject{{"used", 2e11}, {"total", 5e11}, {"percent", 40.0}}},
    };
}

// The route's answer for the window ending now, as the view asks it (its step), as bytes.
// The answer's bytes and how many points it holds.
struct Answer {
    QByteArray bytes;
    qsizetype points = 0;
};
Expected<Answer> answerBytes(MetricHistory &h, qint64 nowMs, int windowSeconds) {
    const qint64 now = nowMs / 1000;
    QUrlQuery query;
    query.addQueryItem(
        QStringLiteral("from"),
        QDateTime::fromSecsSinceEpoch(now - windowSeconds, Qt::UTC).toString(Qt::ISODate));
    query.addQueryItem(QStringLiteral("to"),
                       QDateTime::fromSecsSinceEpoch(now + 1, Qt::UTC).toString(Qt::ISODate));
    query.addQueryItem(QStringLiteral("step"),
                       QString::number(gui::MetricsView::historyStep(windowSeconds)));
    const auto range = history::parseHistoryRange(query, nowMs);
    if (!range)
        return fail(range.error());
    const auto answer = h.queryNow(HostSeries, *range);
    if (!answer)
        return fail(answer.error());
    return Answer{QJsonDocument(QJsonObject{{"success", true}, {"data", *answer}})
                      .toJson(QJsonDocument::Compact),
                  answer->value(QStringLiteral("points")).toArray().size()};
}

// ms from the answer's bytes to the charts painted with it, in a fresh view.
double openChartMs(const QByteArray &bytes, int windowSeconds, int *shown) {
    gui::MetricsView view;
    view.resize(1200, 800);
    view.show();
    view.setWindowSeconds(windowSeconds);
    QCoreApplication::processEvents(); // laid out and painted empty, as a tab about to fill
    const qint64 t0 = monotonicNs();
    const QJsonObject envelope = QJsonDocument::fromJson(bytes).object();
    view.applyHostHistory(envelope.value(QStringLiteral("data")).toObject());
    view.repaint(); // paints now, with the three charts' points
    const qint64 t1 = monotonicNs();
    *shown = view.cpuSeries()->count();
    return double(t1 - t0) / 1e6;
}

} // namespace

void desktopChart(const Options &o, Report &r) {
    heading("desktop-chart", QStringLiteral("the Metrics tab opened from a history answer"));
    // The last day at one sample a minute, the last hour at one a second (what a 24 h and a
    // 1 h window read), ending now: the view's window ends at the current time.
    QTemporaryDir dir;
    const qint64 end = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    qint64 clock = end - 24 * 3600 * 1000;
    MetricHistory h(dir.path(), [&clock] { return clock; });
    if (auto opened = h.open(); !opened)
        return r.fail(QStringLiteral("desktop-chart"), opened.error());
    QRandomGenerator rng(3);
    double cpu = 20, mem = 6e9;
    while (clock < end) {
        const qint64 every = clock < end - 3600 * 1000 ? 60 : 1; // seconds
        h.record(HostSeries, clock, hostSample(rng, cpu, mem));
        clock += every * 1000;
        // As the server's timers: a flush every 5 s, maintenance (downsampling) every hour.
        if ((clock / 1000) % 5 < every) {
            h.flush();
            h.sync();
        }
        if ((clock / 1000) % 3600 < every)
            h.maintain();
    }
    h.flush();
    h.maintain();
    h.sync();
    const int runs = o.smoke ? 1 : std::max(3, o.runs);
    for (const int window : {24 * 3600, 3600}) {
        const auto answer = answerBytes(h, clock, window);
        if (!answer)
            return r.fail(QStringLiteral("desktop-chart"), answer.error());
        const QByteArray &bytes = answer->bytes;
        const qsizetype points = answer->points;
        std::vector<double> times;
        int shown = 0;
        for (int i = 0; i < runs; ++i)
            times.push_back(openChartMs(bytes, window, &shown));
        if (shown < points * 9 / 10)
            r.fail(QStringLiteral("desktop-chart"),
                   QStringLiteral("%1 of %2 points shown").arg(shown).arg(points));
        const double ms = median(times);
        const bool day = window == 24 * 3600;
        r.add(Figure{QStringLiteral("desktop"),
                     day ? QStringLiteral("open a 24 h chart from the answer")
                         : QStringLiteral("open a 1 h chart from the answer"),
                     ms, QStringLiteral("ms"), day ? QStringLiteral("< 100 ms") : QString(),
                     day ? metIf(ms < 100) : -1,
                     QStringLiteral("%1 points a chart (step %2 s), %3 kB of JSON; parse, three "
                                    "charts, paint; median of %4")
                         .arg(points)
                         .arg(gui::MetricsView::historyStep(window))
                         .arg(double(bytes.size()) / 1000, 0, 'f', 0)
                         .arg(runs)});
    }
}

} // namespace mist::bench
