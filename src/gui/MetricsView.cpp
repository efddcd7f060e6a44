// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricsView.h"

#include "ui_MetricsView.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QLoggingCategory>
#include <QTimer>
#include <QValueAxis>

// mist-monitor-bench turns this on to time start-up to the first painted sample.
Q_LOGGING_CATEGORY(lcStartup, "mist.gui.startup", QtWarningMsg)

namespace mist::gui {

QString formatBytes(double bytes) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 5) {
        bytes /= 1024.0;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(qint64(bytes))
                     : QStringLiteral("%1 %2").arg(QLocale().toString(bytes, 'f', 1),
                                                   QLatin1String(units[unit]));
}

MetricsView::MetricsView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::MetricsView>()) {
    m_ui->setupUi(this);
    for (int minutes : {1, 5, 15, 60})
        m_ui->windowCombo->addItem(tr("%n minute(s)", nullptr, minutes), minutes * 60);
    m_ui->windowCombo->setCurrentIndex(1);
    connect(m_ui->windowCombo, &QComboBox::currentIndexChanged, this,
            [this] { setWindowSeconds(m_ui->windowCombo->currentData().toInt()); });

    const QLabel *titles[3] = {m_ui->cpuTitle, m_ui->memoryTitle, m_ui->diskTitle};
    QChartView *views[3] = {m_ui->cpuChart, m_ui->memoryChart, m_ui->diskChart};
    m_value[0] = m_ui->cpuValue;
    m_value[1] = m_ui->memoryValue;
    m_value[2] = m_ui->diskValue;
    m_details[0] = m_ui->cpuDetails;
    m_details[1] = m_ui->memoryDetails;
    m_details[2] = m_ui->diskDetails;
    for (int i = 0; i < 3; ++i) {
        setUpChart(views[i], titles[i]->text(), i);
        QFont big = m_value[i]->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        m_value[i]->setFont(big);
    }
    views[0]->viewport()->installEventFilter(this); // for the start-up timing
    trimAndShow(QDateTime::currentMSecsSinceEpoch());
}

MetricsView::~MetricsView() = default;

void MetricsView::setUpChart(QChartView *view, const QString &title, int i) {
    QChart *chart = view->chart();
    chart->legend()->hide();
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark
                                                                        : QChart::ChartThemeLight);
    m_series[i] = new QLineSeries(chart);
    chart->addSeries(m_series[i]);
    m_axisX[i] = new QDateTimeAxis(chart);
    m_axisX[i]->setFormat(QStringLiteral("HH:mm:ss"));
    m_axisX[i]->setTickCount(4);
    auto *axisY = new QValueAxis(chart);
    axisY->setRange(0, 100);
    axisY->setLabelFormat(QStringLiteral("%d%%"));
    chart->addAxis(m_axisX[i], Qt::AlignBottom);
    chart->addAxis(axisY, Qt::AlignLeft);
    m_series[i]->attachAxis(m_axisX[i]);
    m_series[i]->attachAxis(axisY);
    view->setRenderHint(QPainter::Antialiasing);
}

bool MetricsView::eventFilter(QObject *watched, QEvent *event) {
    if (event->type() == QEvent::Paint && m_hasSample && !m_paintedSample) {
        m_paintedSample = true;
        // After this paint has finished: the first sample is on screen.
        QTimer::singleShot(0, this, [] {
            qCDebug(lcStartup, "first metrics painted at %lld",
                    qlonglong(QDateTime::currentMSecsSinceEpoch()));
        });
    }
    return QWidget::eventFilter(watched, event);
}

void MetricsView::addSample(const QJsonObject &metrics) {
    m_hasSample = true;
    QDateTime at =
        QDateTime::fromString(metrics.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
    if (!at.isValid())
        at = QDateTime::currentDateTimeUtc();
    const double x = double(at.toMSecsSinceEpoch());
    const QJsonObject cpu = metrics.value(QStringLiteral("cpu")).toObject();
    const QJsonObject memory = metrics.value(QStringLiteral("memory")).toObject();
    const QJsonObject disk = metrics.value(QStringLiteral("disk")).toObject();
    const double values[3] = {cpu.value(QStringLiteral("usage")).toDouble(),
                              memory.value(QStringLiteral("percent")).toDouble(),
                              disk.value(QStringLiteral("percent")).toDouble()};
    for (int i = 0; i < 3; ++i) {
        m_points[i].append(QPointF(x, values[i]));
        m_value[i]->setText(QStringLiteral("%1 %").arg(QLocale().toString(values[i], 'f', 1)));
    }
    const QJsonValue cores = cpu.value(QStringLiteral("cores"));
    m_details[0]->setText(cores.isDouble() ? tr("%n core(s)", nullptr, cores.toInt())
                                           : tr("cores unknown"));
    m_details[1]->setText(tr("%1 of %2")
                              .arg(formatBytes(memory.value(QStringLiteral("used")).toDouble()),
                                   formatBytes(memory.value(QStringLiteral("total")).toDouble())));
    m_details[2]->setText(tr("%1 of %2")
                              .arg(formatBytes(disk.value(QStringLiteral("used")).toDouble()),
                                   formatBytes(disk.value(QStringLiteral("total")).toDouble())));
    const QJsonObject load = metrics.value(QStringLiteral("load")).toObject();
    const QJsonValue one = load.value(QStringLiteral("one")),
                     five = load.value(QStringLiteral("five")),
                     fifteen = load.value(QStringLiteral("fifteen"));
    if (one.isDouble() && five.isDouble() && fifteen.isDouble()) {
        m_ui->loadAverage->setText(tr("Load average: %1, %2, %3")
                                       .arg(QLocale().toString(one.toDouble(), 'f', 2),
                                            QLocale().toString(five.toDouble(), 'f', 2),
                                            QLocale().toString(fifteen.toDouble(), 'f', 2)));
        m_ui->loadAverage->show();
    } else {
        m_ui->loadAverage->hide();
        m_ui->loadAverage->clear();
    }
    const QJsonValue docker = metrics.value(QStringLiteral("docker"));
    if (docker.isObject()) {
        const QJsonObject d = docker.toObject();
        m_ui->dockerSummary->setText(tr("Containers: %1 running of %2 · Images: %3")
                                         .arg(d.value(QStringLiteral("containers_running")).toInt())
                                         .arg(d.value(QStringLiteral("containers_total")).toInt())
                                         .arg(d.value(QStringLiteral("images")).toInt()));
    } else {
        m_ui->dockerSummary->setText(tr("Docker engine unreachable"));
    }
    trimAndShow(qint64(x));
}

void MetricsView::clear() {
    for (auto &points : m_points)
        points.clear();
    trimAndShow(QDateTime::currentMSecsSinceEpoch());
}

void MetricsView::setWindowSeconds(int seconds) {
    m_windowSeconds = std::max(10, seconds);
    qint64 last = QDateTime::currentMSecsSinceEpoch();
    if (!m_points[0].isEmpty())
        last = qint64(m_points[0].last().x());
    trimAndShow(last);
}

void MetricsView::trimAndShow(qint64 nowMs) {
    const double from = double(nowMs - qint64(m_windowSeconds) * 1000);
    for (int i = 0; i < 3; ++i) {
        QList<QPointF> &points = m_points[i];
        qsizetype drop = 0;
        while (drop < points.size() && points[drop].x() < from)
            ++drop;
        points.remove(0, drop);
        m_series[i]->replace(points); // one repaint, not one per point
        m_axisX[i]->setRange(QDateTime::fromMSecsSinceEpoch(qint64(from)),
                             QDateTime::fromMSecsSinceEpoch(nowMs));
    }
}

QString MetricsView::loadText() const {
    return m_ui->loadAverage->isHidden() ? QString() : m_ui->loadAverage->text();
}

QString MetricsView::summaryText() const {
    return QStringLiteral("%1 | %2 | %3 | %4")
        .arg(m_value[0]->text(), m_value[1]->text(), m_value[2]->text(),
             m_ui->dockerSummary->text());
}

} // namespace mist::gui
