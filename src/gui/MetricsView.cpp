// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricsView.h"

#include "ui_MetricsView.h"

#include "client/ServerSession.h"
#include "protocol/Envelope.h"

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
#include <QToolTip>
#include <QUrlQuery>
#include <QValueAxis>

#include <cmath>

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
    m_ui->windowCombo->addItem(tr("1 hour"), 3600);
    m_ui->windowCombo->addItem(tr("6 hours"), 6 * 3600);
    m_ui->windowCombo->addItem(tr("24 hours"), 24 * 3600);
    m_ui->windowCombo->addItem(tr("7 days"), 7 * 24 * 3600);
    m_ui->windowCombo->addItem(tr("30 days"), 30 * 24 * 3600);
    m_ui->windowCombo->addItem(tr("1 year"), 365 * 24 * 3600);
    m_ui->windowCombo->setCurrentIndex(0);
    m_ui->historyNote->hide();
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
    m_axisX[i]->setFormat(m_axisFormat);
    m_axisX[i]->setTickCount(4);
    auto *axisY = new QValueAxis(chart);
    axisY->setRange(0, 100);
    axisY->setLabelFormat(QStringLiteral("%d%%"));
    chart->addAxis(m_axisX[i], Qt::AlignBottom);
    chart->addAxis(axisY, Qt::AlignLeft);
    m_series[i]->attachAxis(m_axisX[i]);
    m_series[i]->attachAxis(axisY);
    connect(m_series[i], &QLineSeries::hovered, view, [view](const QPointF &point, bool state) {
        if (state)
            QToolTip::showText(QCursor::pos(), pointText(point), view);
        else
            QToolTip::hideText();
    });
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
    // One point per step of the window: a sample in the newest point's step replaces it.
    const double step = 1000.0 * historyStep(m_windowSeconds);
    for (int i = 0; i < 3; ++i) {
        QList<QPointF> &points = m_points[i];
        const bool newer = points.isEmpty() || points.last().x() < x; // else history has it
        if (newer && !points.isEmpty() && step > 1000 &&
            std::floor(points.last().x() / step) == std::floor(x / step))
            points.last() = QPointF(x, values[i]);
        else if (newer)
            points.append(QPointF(x, values[i]));
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
    ++m_generation; // an answer on its way is for what was cleared
    for (auto &points : m_points)
        points.clear();
    trimAndShow(QDateTime::currentMSecsSinceEpoch());
}

void MetricsView::setSession(client::ServerSession *session) {
    m_session = session;
    loadHistory();
}

void MetricsView::setWindowSeconds(int seconds) {
    m_windowSeconds = std::max(10, seconds);
    {
        const QSignalBlocker block(m_ui->windowCombo);
        const int index = m_ui->windowCombo->findData(m_windowSeconds);
        if (index >= 0)
            m_ui->windowCombo->setCurrentIndex(index);
    }
    m_axisFormat = m_windowSeconds <= 24 * 3600        ? QStringLiteral("HH:mm")
                   : m_windowSeconds <= 30 * 24 * 3600 ? QStringLiteral("dd.MM. HH:mm")
                                                       : QStringLiteral("yyyy-MM-dd");
    for (QDateTimeAxis *axis : m_axisX)
        axis->setFormat(m_axisFormat);
    qint64 last = QDateTime::currentMSecsSinceEpoch();
    if (!m_points[0].isEmpty())
        last = std::max(last, qint64(m_points[0].last().x()));
    trimAndShow(last);
    loadHistory();
}

int MetricsView::historyStep(int windowSeconds) {
    if (windowSeconds <= 3600)
        return 1;
    if (windowSeconds <= 6 * 3600)
        return 10;
    if (windowSeconds <= 24 * 3600)
        return 60;
    if (windowSeconds <= 7 * 24 * 3600)
        return 300;
    if (windowSeconds <= 30 * 24 * 3600)
        return 1800;
    return 6 * 3600;
}

QString MetricsView::pointText(const QPointF &point) {
    return QStringLiteral("%1 · %2 %")
        .arg(QDateTime::fromMSecsSinceEpoch(qint64(point.x()))
                 .toLocalTime()
                 .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
             QLocale().toString(point.y(), 'f', 1));
}

QString MetricsView::historyNote() const {
    return m_ui->historyNote->isHidden() ? QString() : m_ui->historyNote->text();
}

void MetricsView::showNote(const QString &text) {
    m_ui->historyNote->setText(text);
    m_ui->historyNote->setVisible(!text.isEmpty());
}

// Asks the server for the window's history; the answer replaces the points
// before the first live one.
void MetricsView::loadHistory() {
    const int generation = ++m_generation;
    showNote(QString());
    if (!m_session)
        return;
    if (m_session->dialect() == client::ServerSession::Dialect::Upstream) {
        showNote(tr("Live only: upstream Mist keeps no metric history"));
        return;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto rfc = [](qint64 seconds) {
        return protocol::rfc3339Seconds(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC));
    };
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), rfc(now - m_windowSeconds));
    query.addQueryItem(QStringLiteral("to"), rfc(now + 1));
    query.addQueryItem(QStringLiteral("step"), QString::number(historyStep(m_windowSeconds)));
    m_session->get(QStringLiteral("/api/metrics/history?") + query.toString(QUrl::FullyEncoded),
                   this, [this, generation](const client::ServerSession::Reply &reply) {
                       if (generation != m_generation)
                           return; // the window, the session or the points changed since
                       if (!reply.ok()) {
                           showNote(tr("Live only: no history from this server (%1)")
                                        .arg(reply.error.isEmpty()
                                                 ? QStringLiteral("HTTP %1").arg(reply.status)
                                                 : reply.error));
                           return;
                       }
                       applyHistory(reply.data[u"points"].toArray());
                   });
}

void MetricsView::applyHistory(const QJsonArray &points) {
    static const char *const paths[3][2] = {
        {"cpu", "usage"}, {"memory", "percent"}, {"disk", "percent"}};
    QList<QPointF> history[3];
    for (const QJsonValue &v : points) {
        const QDateTime at = QDateTime::fromString(v[u"timestamp"].toString(), Qt::ISODate);
        if (!at.isValid())
            continue;
        for (int i = 0; i < 3; ++i) {
            const QJsonValue value = v[QLatin1String(paths[i][0])][QLatin1String(paths[i][1])];
            if (value.isDouble() && std::isfinite(value.toDouble()))
                history[i].append(QPointF(double(at.toMSecsSinceEpoch()), value.toDouble()));
        }
    }
    for (int i = 0; i < 3; ++i) {
        // Live points newer than the history's newest stay after it.
        const double last = history[i].isEmpty() ? -1 : history[i].last().x();
        for (const QPointF &p : std::as_const(m_points[i]))
            if (p.x() > last)
                history[i].append(p);
        m_points[i] = history[i];
    }
    ++m_historyLoads;
    qint64 newest = QDateTime::currentMSecsSinceEpoch();
    if (!m_points[0].isEmpty())
        newest = std::max(newest, qint64(m_points[0].last().x()));
    trimAndShow(newest);
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
