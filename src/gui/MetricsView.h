// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QWidget>

#include <memory>

class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;

namespace Ui {
class MetricsView;
}

namespace mist::gui {

// Live host metrics: CPU, memory and disk percent as line charts over a
// sliding window (default 5 minutes), with the current values, cores and
// Docker counts beside them. Series hold only the window's points and are
// updated with one replace() per sample, so the charts stay smooth for hours.
class MetricsView : public QWidget {
    Q_OBJECT
public:
    explicit MetricsView(QWidget *parent = nullptr);
    ~MetricsView() override;

    // One message of /ws/metrics (the published schema).
    void addSample(const QJsonObject &metrics);
    void clear();

    void setWindowSeconds(int seconds);
    int windowSeconds() const { return m_windowSeconds; }

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

    std::unique_ptr<Ui::MetricsView> m_ui;

    int m_windowSeconds = 300;
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
