// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "DeploymentMarkers.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QPointF>
#include <QPointer>
#include <QStringList>
#include <QWidget>

#include <memory>

class QChartView;
class QEvent;
class QTimer;
class QCategoryAxis;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace Ui {
class MetricsView;
}

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

// Host metrics: CPU, memory and disk percent as line charts over a window of
// 1 h, 6 h, 24 h, 7 d, 30 d or 1 y, with the current values, cores and Docker
// counts beside them. With a session the charts open filled with the
// server's history (GET /api/metrics/history, at historyStep() for the
// window), fetched again when the window changes; live samples are added
// after it. Against upstream Mist or a server without history they stay
// live-only, with a short note. Points are bounded: at most one per
// historyStep() of the window (a live sample within the newest point's step
// replaces it). Series are updated with one replace() per sample, so the
// charts stay smooth (docs/HISTORY.md, "Desktop"). Below them, the selected
// app's CPU, memory, network (received and sent per second) and block I/O
// (read and written per second) (setApp): its history, then /ws/apps/stats.
class MetricsView : public QWidget {
    Q_OBJECT
public:
    explicit MetricsView(QWidget *parent = nullptr);
    ~MetricsView() override;

    // One message of /ws/metrics (the published schema).
    void addSample(const QJsonObject &metrics);
    void clear();

    // The server whose history fills the charts (nullptr: live only);
    // fetches it for the window at once. clear() forgets nothing of it.
    void setSession(client::ServerSession *session);

    void setWindowSeconds(int seconds);
    int windowSeconds() const { return m_windowSeconds; }
    // The seconds between points of a window: 1 s up to 1 h, 10 s up to 6 h,
    // 1 min up to 24 h, 5 min up to 7 d, 30 min up to 30 d, else 6 h (about
    // 1500 to 3600 points a chart).
    static int historyStep(int windowSeconds);

    // The app whose CPU, memory, network and block I/O show beside the host's (0: none, the
    // section hides): its history for the window (GET
    // /api/apps/{id}/stats/history), then live from /ws/apps/stats, which the
    // view follows while an app is selected. Against upstream Mist (no history) live only, from
    // its per-container stats socket.
    void setApp(qint64 appId, const QString &name);
    qint64 appId() const { return m_appId; }
    // Against upstream Mist, how long after its stats socket ended (the container stopped) the
    // view asks again.
    static constexpr int RetryUpstreamStatsMs = 5000;
    // One /ws/apps/stats message; the selected app's figures are taken from it.
    void addAppStats(const QJsonObject &message);
    // The series as drawn (a hidden view draws when shown: these draw first if need be).
    QLineSeries *appCpuSeries() { return drawnSeries(3); }
    QLineSeries *appMemorySeries() { return drawnSeries(4); }
    // Bytes per second, as the app's stats give them (the series on screen are scaled to the
    // unit of their axis: rateDivisor()).
    QList<QPointF> appRatePoints(int which) const { return m_points[5 + which]; }
    enum Rate { Received, Sent, Read, Written };
    QLineSeries *appRateSeries(Rate which) { return drawnSeries(5 + which); }
    // What a unit of the network (true) or block I/O chart's axis is in bytes per second.
    double rateDivisor(bool network) {
        drawnSeries(0);
        return m_rateDivisor[network ? 5 : 6];
    }
    QString rateAxisFormat(bool network);
    // How often the charts were drawn from the points (tests: a hidden view does not draw).
    int chartUpdates() const { return m_chartUpdates; }
    // "CPU of web | 2.5 % | 1 process | Memory of web | 3.1 % | 64.0 MiB of 1.9 GiB | Network
    // of web | 1.2 KiB/s | ...".
    QString appSummaryText() const;
    int appHistoryLoads() const { return m_appHistoryLoads; }
    // The app's deployments are dashed vertical markers on its charts (hover: "#12 · success ·
    // a1b2c3d Add search"), read when the app is chosen; again with this (a deployment of it
    // ended).
    void refreshDeployments();
    QStringList markerTexts() const; // oldest first

    // Zoom and pan, on every chart at once (docs/HISTORY.md, "Desktop"): the mouse wheel zooms
    // around the time under the cursor, dragging pans, a double click goes back to live; on a
    // focused chart + and - zoom, Left and Right pan, Esc and Home go back. While zoomed the
    // charts show [from, to] within the window and stop following the live samples; the
    // history for that range is read again at the step of its span, so zooming into a 30-day
    // window shows minutes, not the window's 30-minute points.
    void zoomTo(qint64 fromMs, qint64 toMs);
    void zoomBy(double factor, double anchorMs); // factor < 1 zooms in, around anchorMs
    void panBy(double fraction);                 // of the span; negative: back in time
    void resetZoom();
    bool isZoomed() const { return m_zoomTo > 0; }
    // The time range the charts show (ms since the epoch).
    QPair<qint64, qint64> visibleRange() const;
    // The shortest span a zoom shows.
    static constexpr qint64 MinZoomMs = 30 * 1000;

    // One answer of GET /api/metrics/history (its `data`: step and points) on the host's charts,
    // as loadHistory() applies it (public for mist-monitor-bench, which times opening a chart).
    void applyHostHistory(const QJsonObject &answer);

    // The note beside the window ("Live only: ..."); empty while hidden.
    QString historyNote() const;
    // History answers applied since the view was made (tests).
    int historyLoads() const { return m_historyLoads; }
    // The tooltip of a point: "2026-12-06 10:00:00 · 12.3 %" (local time).
    static QString pointText(const QPointF &point);
    // A rate point's: "2026-12-06 10:00:00 · 1.2 MiB/s received" (y in bytes per second).
    static QString ratePointText(const QPointF &point, const QString &what);
    // "1.2 MiB/s" (binary units, as formatBytes).
    static QString formatRate(double bytesPerSecond);
    // The axis of a rate chart whose highest point is maxBytesPerSecond: the unit's size in
    // bytes per second, its name ("KiB/s") and the axis top in that unit (1, 2 or 5 times a
    // power of ten, at least 1). Pure.
    struct RateAxis {
        double divisor = 1;
        QString unit;
        double top = 1;
    };
    static RateAxis rateAxis(double maxBytesPerSecond);
    // Value ticks a chart's plot of that height shows: 5, 3 or 2 (round values: 0, 50, 100 %),
    // each label with at least 20 px (Qt Charts elides every label of a vertical axis to "…"
    // when they do not fit); a rate chart at most 3 (0, half, its 1-2-5 top). Before the first
    // layout (height 0) as many as a chart can have. Pure.
    static int valueTicks(double plotHeight, bool rateChart);

    // For tests and screenshots.
    QLineSeries *cpuSeries() { return drawnSeries(0); }
    QLineSeries *memorySeries() { return drawnSeries(1); }
    QString summaryText() const;
    // "Load average: 0.10, 0.20, 0.30" under CPU when the sample has one
    // (upstream Mist's samples do); empty while hidden.
    QString loadText() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void setUpChart(QChartView *view, int i);
    void trimAndShow(qint64 nowMs);
    void showCharts();
    int fitTicks(int chart);
    static constexpr qint64 MaxSkewMs = 2000;
    qint64 liveEnd(qint64 sampleMs) const;
    QLineSeries *drawnSeries(int series);
    void loadHistory();
    void loadAppHistory();
    void openAppStream();
    QString historyPath(qint64 appId) const;
    // Puts history points before the live ones of charts [first, first + paths.size()).
    void applyHistory(const QJsonArray &points, int first, const QList<QStringList> &paths);
    // A live point: appended, or replacing the newest in the same step of the window.
    void addPoint(int series, double x, double y);
    void addRates(const QJsonObject &app, double x);
    void showRates(int chart);
    void showNote(const QString &text);
    bool chartEvent(QChartView *view, QEvent *event);
    void loadDeployments();
    void drawMarkers();
    void zoomChanged();
    qint64 newestMs() const;

    std::unique_ptr<Ui::MetricsView> m_ui;

    int m_windowSeconds = 3600;
    qint64 m_shownUntil = 0;    // the end of the window the points were last trimmed to
    bool m_chartsStale = false; // points changed since the charts were drawn
    int m_chartUpdates = 0;
    bool m_refitPending = false;
    QPointer<client::ServerSession> m_session;
    int m_generation = 0; // a history answer for an older window or session is dropped
    int m_historyLoads = 0;
    bool m_hasSample = false;
    bool m_paintedSample = false; // reported once, for start-up timing
    // Charts: the host's CPU, memory, disk, then the app's CPU, memory, network, block I/O;
    // series: one per chart, with two on the last two (received and sent, read and written).
    static constexpr int Charts = 7;
    static constexpr int Series = 9;
    static constexpr int chartOf(int series) { return series < 5 ? series : 5 + (series - 5) / 2; }
    QList<QPointF> m_points[Series];
    QLineSeries *m_series[Series] = {};
    double m_rateDivisor[Charts] = {1, 1, 1, 1, 1, 1, 1};
    QCategoryAxis *m_axisX[Charts] = {}; // a time axis with ticks at round times
    QValueAxis *m_axisY[Charts] = {};
    QLabel *m_value[Charts] = {}; // in the form, as the series
    QLabel *m_details[Charts] = {};
    QLabel *m_titles[Charts] = {};
    qint64 m_appId = 0;
    QString m_appName;
    int m_appGeneration = 0;
    int m_appHistoryLoads = 0;
    QPointer<client::StreamConnection> m_appStream;
    QChartView *m_views[Charts] = {};
    qint64 m_zoomFrom = 0, m_zoomTo = 0; // 0: following live
    int m_dragX = -1;                    // a pan by mouse under way: where it started
    QPair<qint64, qint64> m_dragRange;
    QList<DeploymentMarker> m_markers;
    QList<QLineSeries *> m_markerSeries; // on the app's charts
    QTimer *m_zoomLoad = nullptr;        // reads the zoomed range's history once the zoom settles
};

// "4.0 GiB" from bytes (binary units, one decimal).
QString formatBytes(double bytes);

} // namespace mist::gui
