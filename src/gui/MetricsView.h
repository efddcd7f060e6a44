// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QPointer>
#include <QWidget>

#include <memory>

class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;

namespace Ui {
class MetricsView;
}

namespace mist::client {
class ServerSession;
}

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
// charts stay smooth (docs/HISTORY.md, "Desktop").
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

    // The note beside the window ("Live only: ..."); empty while hidden.
    QString historyNote() const;
    // History answers applied since the view was made (tests).
    int historyLoads() const { return m_historyLoads; }
    // The tooltip of a point: "2026-12-06 10:00:00 · 12.3 %" (local time).
    static QString pointText(const QPointF &point);

    // For tests and screenshots.
    QLineSeries *cpuSeries() const { return m_series[0]; }
    QLineSeries *memorySeries() const { return m_series[1]; }
    QString summaryText() const;
    // "Load average: 0.10, 0.20, 0.30" under CPU when the sample has one
    // (upstream Mist's samples do); empty while hidden.
    QString loadText() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setUpChart(QChartView *view, const QString &title, int i);
    void trimAndShow(qint64 nowMs);
    void loadHistory();
    void applyHistory(const QJsonArray &points);
    void showNote(const QString &text);

    std::unique_ptr<Ui::MetricsView> m_ui;

    int m_windowSeconds = 3600;
    QString m_axisFormat = QStringLiteral("HH:mm");
    QPointer<client::ServerSession> m_session;
    int m_generation = 0; // a history answer for an older window or session is dropped
    int m_historyLoads = 0;
    bool m_hasSample = false;
    bool m_paintedSample = false; // reported once, for start-up timing
    QList<QPointF> m_points[3];
    QLineSeries *m_series[3] = {};
    QDateTimeAxis *m_axisX[3] = {};
    QLabel *m_value[3] = {}; // in the form; CPU, memory, disk as the series
    QLabel *m_details[3] = {};
};

// "4.0 GiB" from bytes (binary units, one decimal).
QString formatBytes(double bytes);

} // namespace mist::gui
