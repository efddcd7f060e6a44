// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricsView.h"

#include "GuiLogging.h"

#include "ui_MetricsView.h"

#include "TimeTicks.h"

#include "client/ServerSession.h"
#include "client/StreamConnection.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QKeyEvent>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QLoggingCategory>
#include <QMouseEvent>
#include <QPen>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include <cmath>

namespace mist::gui {

namespace {

// The binary unit a byte count is shown in (the largest of B, KiB, ... PiB it is at least one
// of; at most `maxUnit`): its index and the count in it. One ladder for sizes and rates.
struct BinaryUnit {
    int index = 0;
    double divisor = 1;
    double value = 0;
};
const char *const BinaryUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

BinaryUnit binaryUnit(double bytes, int maxUnit = 5) {
    BinaryUnit u;
    u.value = bytes;
    while (u.value >= 1024.0 && u.index < maxUnit) {
        u.value /= 1024.0;
        u.divisor *= 1024.0;
        ++u.index;
    }
    return u;
}

// A point's time in its tooltip.
QString pointTime(const QPointF &point) {
    return QDateTime::fromMSecsSinceEpoch(qint64(point.x()))
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

QString formatBytes(double bytes) {
    const BinaryUnit u = binaryUnit(bytes);
    return u.index == 0 ? QStringLiteral("%1 B").arg(qint64(bytes))
                        : QStringLiteral("%1 %2").arg(QLocale().toString(u.value, 'f', 1),
                                                      QLatin1String(BinaryUnits[u.index]));
}

MetricsView::MetricsView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::MetricsView>()) {
    m_ui->setupUi(this);
    // The host's and the app's charts scroll when the window is short (1024x600, German
    // labels wrapping beside the app's charts) instead of raising the whole window's minimum
    // height past the screen: a hidden tab's minimum counts too.
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("sectionsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    delete m_ui->layout->replaceWidget(m_ui->sections, scroll);
    scroll->setWidget(m_ui->sections);
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

    QLabel *titles[Charts] = {m_ui->cpuTitle,       m_ui->memoryTitle,    m_ui->diskTitle,
                              m_ui->appCpuTitle,    m_ui->appMemoryTitle, m_ui->appNetworkTitle,
                              m_ui->appBlockIoTitle};
    QChartView *views[Charts] = {m_ui->cpuChart,       m_ui->memoryChart,    m_ui->diskChart,
                                 m_ui->appCpuChart,    m_ui->appMemoryChart, m_ui->appNetworkChart,
                                 m_ui->appBlockIoChart};
    QLabel *values[Charts] = {m_ui->cpuValue,       m_ui->memoryValue,    m_ui->diskValue,
                              m_ui->appCpuValue,    m_ui->appMemoryValue, m_ui->appNetworkValue,
                              m_ui->appBlockIoValue};
    QLabel *details[Charts] = {m_ui->cpuDetails,       m_ui->memoryDetails,
                               m_ui->diskDetails,      m_ui->appCpuDetails,
                               m_ui->appMemoryDetails, m_ui->appNetworkDetails,
                               m_ui->appBlockIoDetails};
    for (int i = 0; i < Charts; ++i) {
        m_titles[i] = titles[i];
        m_value[i] = values[i];
        m_details[i] = details[i];
        setUpChart(views[i], i);
        QFont big = m_value[i]->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        m_value[i]->setFont(big);
    }
    for (int i = 0; i < Charts; ++i) {
        m_views[i] = views[i];
        // Zoom and pan by mouse (and, on the first, the start-up timing).
        views[i]->viewport()->installEventFilter(this);
        views[i]->installEventFilter(this); // ... and by keyboard
        views[i]->setFocusPolicy(Qt::StrongFocus);
    }
    m_zoomLoad = new QTimer(this);
    m_zoomLoad->setSingleShot(true);
    m_zoomLoad->setInterval(300);
    connect(m_zoomLoad, &QTimer::timeout, this, [this] {
        loadHistory();
        loadAppHistory();
    });
    connect(m_ui->liveButton, &QPushButton::clicked, this, &MetricsView::resetZoom);
    m_ui->appSection->hide();
    trimAndShow(QDateTime::currentMSecsSinceEpoch());
}

MetricsView::~MetricsView() = default;

void MetricsView::setUpChart(QChartView *view, int i) {
    QChart *chart = view->chart();
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark
                                                                        : QChart::ChartThemeLight);
    m_axisX[i] = new QCategoryAxis(chart); // ticks at round times (TimeTicks.h)
    m_axisX[i]->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_axisY[i] = new QValueAxis(chart);
    m_axisY[i]->setRange(0, 100);
    m_axisY[i]->setLabelFormat(QStringLiteral("%d%%"));
    chart->addAxis(m_axisX[i], Qt::AlignBottom);
    chart->addAxis(m_axisY[i], Qt::AlignLeft);
    // No title: the label beside the chart says it. A legend only where two lines share a chart.
    const QString rateNames[4] = {tr("received"), tr("sent"), tr("read"), tr("written")};
    chart->legend()->setVisible(i >= 5);
    chart->legend()->setAlignment(Qt::AlignTop);
    for (int s = 0; s < Series; ++s) {
        if (chartOf(s) != i)
            continue;
        m_series[s] = new QLineSeries(chart);
        if (s >= 5)
            m_series[s]->setName(rateNames[s - 5]);
        chart->addSeries(m_series[s]);
        m_series[s]->attachAxis(m_axisX[i]);
        m_series[s]->attachAxis(m_axisY[i]);
        const QString name = s >= 5 ? rateNames[s - 5] : QString();
        connect(m_series[s], &QLineSeries::hovered, view,
                [this, view, name, i](const QPointF &point, bool state) {
                    if (!state)
                        QToolTip::hideText();
                    else if (name.isEmpty())
                        QToolTip::showText(QCursor::pos(), pointText(point), view);
                    else
                        QToolTip::showText(
                            QCursor::pos(),
                            ratePointText({point.x(), point.y() * m_rateDivisor[i]}, name), view);
                });
    }
    view->setRenderHint(QPainter::Antialiasing);
}

bool MetricsView::eventFilter(QObject *watched, QEvent *event) {
    for (QChartView *view : m_views)
        if (view && (watched == view || watched == view->viewport()) && chartEvent(view, event))
            return true;
    // A chart of another size fits other ticks, once its layout has followed.
    if (event->type() == QEvent::Resize && isVisible() && !m_refitPending) {
        m_refitPending = true; // one redraw for the many resizes of one layout pass
        QTimer::singleShot(0, this, [this] {
            m_refitPending = false;
            if (isVisible())
                showCharts();
        });
    }
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
        addPoint(i, x, values[i]);
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
    trimAndShow(liveEnd(qint64(x)));
}

// One point per step of the window: a sample in the newest point's step replaces it.
void MetricsView::addPoint(int series, double x, double y) {
    QList<QPointF> &points = m_points[series];
    if (!points.isEmpty() && points.last().x() >= x)
        return; // the history has it already
    const double step = 1000.0 * historyStep(m_windowSeconds);
    if (!points.isEmpty() && step > 1000 &&
        std::floor(points.last().x() / step) == std::floor(x / step))
        points.last() = QPointF(x, y);
    else
        points.append(QPointF(x, y));
}

void MetricsView::clear() {
    ++m_generation; // an answer on its way is for what was cleared
    ++m_appGeneration;
    for (auto &points : m_points)
        points.clear();
    trimAndShow(QDateTime::currentMSecsSinceEpoch());
}

void MetricsView::setSession(client::ServerSession *session) {
    setApp(0, QString()); // the app was the other host's
    m_session = session;
    loadHistory();
}

void MetricsView::setApp(qint64 appId, const QString &name) {
    if (appId == m_appId && name == m_appName)
        return;
    m_appId = appId;
    m_appName = name;
    ++m_appGeneration;
    delete m_appStream;
    m_markers.clear();
    drawMarkers();
    for (int i = 3; i < Series; ++i)
        m_points[i].clear();
    for (int i = 3; i < Charts; ++i) {
        m_value[i]->setText(QStringLiteral("–"));
        m_details[i]->clear();
    }
    trimAndShow(QDateTime::currentMSecsSinceEpoch());
    m_ui->appSection->setVisible(appId != 0);
    if (appId == 0)
        return;
    m_titles[3]->setText(tr("CPU of %1").arg(name));
    m_titles[4]->setText(tr("Memory of %1").arg(name));
    m_titles[5]->setText(tr("Network of %1").arg(name));
    m_titles[6]->setText(tr("Block I/O of %1").arg(name));
    if (!m_session)
        return;
    loadDeployments();
    openAppStream();
    loadAppHistory();
}

// The app's live figures: /ws/apps/stats, or from upstream Mist its per-container stats socket
// (StreamConnection translates it into /ws/apps/stats messages of this one app). Upstream's
// socket ends when the container stops ("Stats stream ended", or "Container is not running
// (state: exited)" at once): the view says so and asks again every RetryUpstreamStatsMs.
void MetricsView::openAppStream() {
    delete m_appStream;
    const bool upstream = m_session->dialect() == client::ServerSession::Dialect::Upstream;
    m_appStream = new client::StreamConnection(
        m_session,
        upstream ? QStringLiteral("/ws/apps/stats?appId=%1").arg(m_appId)
                 : QStringLiteral("/ws/apps/stats"),
        this);
    connect(m_appStream, &client::StreamConnection::message, this, &MetricsView::addAppStats);
    if (upstream) {
        const QPointer<client::StreamConnection> stream = m_appStream;
        const auto again = [this, stream](const QString &why) {
            m_details[3]->setText(why);
            // Unless another app, host or stream has come since.
            QTimer::singleShot(RetryUpstreamStatsMs, this, [this, stream] {
                if (stream && stream == m_appStream && m_session)
                    openAppStream();
            });
        };
        connect(m_appStream, &client::StreamConnection::failed, this, again);
        connect(m_appStream, &client::StreamConnection::ended, this,
                [again] { again(tr("Stats stream ended")); });
    }
    m_appStream->open();
}

void MetricsView::refreshDeployments() {
    if (m_session && m_appId != 0)
        loadDeployments();
}

// The app's deployments as markers on its charts (DeploymentMarkers.h).
void MetricsView::loadDeployments() {
    const int generation = m_appGeneration;
    m_session->listDeployments(m_appId, this,
                               [this, generation](const client::ServerSession::Reply &reply) {
                                   if (generation != m_appGeneration || !reply.ok())
                                       return; // no markers is what a failure shows
                                   m_markers = deploymentMarkers(reply.data.toArray());
                                   drawMarkers();
                               });
}

// One dashed vertical line per deployment on each of the app's charts, as high as the chart;
// hovering it says which deployment it was.
void MetricsView::drawMarkers() {
    qDeleteAll(m_markerSeries);
    m_markerSeries.clear();
    for (int chart = 3; chart < Charts; ++chart) {
        QChart *c = m_views[chart]->chart();
        for (const DeploymentMarker &m : std::as_const(m_markers)) {
            auto *line = new QLineSeries(c);
            QPen pen(m.status == u"failed" ? QColor(0xc6, 0x28, 0x28) : QColor(0x7e, 0x57, 0xc2));
            pen.setStyle(Qt::DashLine);
            pen.setWidthF(1.5);
            line->setPen(pen);
            line->setName(m.text);
            line->append(double(m.atMs), 0);
            line->append(double(m.atMs), m_axisY[chart]->max());
            c->addSeries(line);
            line->attachAxis(m_axisX[chart]);
            line->attachAxis(m_axisY[chart]);
            const QString text = m.text;
            QChartView *view = m_views[chart];
            connect(line, &QLineSeries::hovered, view, [view, text](const QPointF &, bool state) {
                if (state)
                    QToolTip::showText(QCursor::pos(), text, view);
                else
                    QToolTip::hideText();
            });
            for (QLegendMarker *marker : c->legend()->markers(line))
                marker->setVisible(false); // the legend names the figures, not the deployments
            m_markerSeries.append(line);
        }
    }
}

QStringList MetricsView::markerTexts() const {
    QStringList out;
    for (const DeploymentMarker &m : m_markers)
        out << m.text;
    return out;
}

void MetricsView::addAppStats(const QJsonObject &message) {
    if (m_appId == 0 || message.value(QStringLiteral("type")).toString() != u"stats")
        return;
    const QJsonObject data = message.value(QStringLiteral("data")).toObject();
    QJsonObject app;
    for (const QJsonValue &a : data.value(QStringLiteral("apps")).toArray())
        if (a[u"appId"].toInteger() == m_appId)
            app = a.toObject();
    if (app.isEmpty())
        return;
    const QDateTime at =
        QDateTime::fromString(data.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
    const double x =
        double(at.isValid() ? at.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch());
    const QJsonValue cpu = app.value(QStringLiteral("cpu"))[u"percent"];
    const QJsonObject memory = app.value(QStringLiteral("memory")).toObject();
    const QJsonValue memoryPercent = memory.value(QStringLiteral("percent"));
    if (cpu.isDouble()) {
        addPoint(3, x, cpu.toDouble());
        m_value[3]->setText(QStringLiteral("%1 %").arg(QLocale().toString(cpu.toDouble(), 'f', 1)));
    } else {
        m_value[3]->setText(QStringLiteral("–"));
    }
    const QJsonValue pids = app.value(QStringLiteral("pids"));
    m_details[3]->setText(pids.isDouble() ? tr("%n process(es)", nullptr, pids.toInt())
                                          : tr("no running container"));
    if (memoryPercent.isDouble()) {
        addPoint(4, x, memoryPercent.toDouble());
        m_value[4]->setText(
            QStringLiteral("%1 %").arg(QLocale().toString(memoryPercent.toDouble(), 'f', 1)));
        m_details[4]->setText(
            tr("%1 of %2")
                .arg(formatBytes(memory.value(QStringLiteral("used")).toDouble()),
                     formatBytes(memory.value(QStringLiteral("limit")).toDouble())));
    } else {
        m_value[4]->setText(QStringLiteral("–"));
        m_details[4]->clear();
    }
    addRates(app, x);
    trimAndShow(liveEnd(qint64(x)));
}

// The host's and the app's samples come on two sockets, and against upstream the app's carry
// whole seconds: a sample up to MaxSkewMs older than the window's end leaves the end where it
// is (the charts do not step back and forth each second); a larger jump is a clock that moved.
qint64 MetricsView::liveEnd(qint64 sampleMs) const {
    return sampleMs < m_shownUntil && m_shownUntil - sampleMs <= MaxSkewMs ? m_shownUntil
                                                                           : sampleMs;
}

// The network and block I/O rates of one app's stats: a point each, the value (in and out
// together) and the details (each, and the totals since the container started).
void MetricsView::addRates(const QJsonObject &app, double x) {
    const QString objects[2] = {QStringLiteral("network"), QStringLiteral("blockio")};
    const QString fields[2][4] = {{QStringLiteral("rxRate"), QStringLiteral("txRate"),
                                   QStringLiteral("rxBytes"), QStringLiteral("txBytes")},
                                  {QStringLiteral("readRate"), QStringLiteral("writeRate"),
                                   QStringLiteral("readBytes"), QStringLiteral("writeBytes")}};
    for (int k = 0; k < 2; ++k) {
        const QJsonObject o = app.value(objects[k]).toObject();
        const QJsonValue in = o.value(fields[k][0]), out = o.value(fields[k][1]);
        const int chart = 5 + k;
        if (o.isEmpty()) {
            m_value[chart]->setText(QStringLiteral("–"));
            m_details[chart]->setText(tr("no running container"));
            continue;
        }
        if (!in.isDouble() || !out.isDouble())
            continue; // figures without a rate yet (the first, or too soon after the last)
        addPoint(5 + 2 * k, x, in.toDouble());
        addPoint(6 + 2 * k, x, out.toDouble());
        m_value[chart]->setText(formatRate(in.toDouble() + out.toDouble()));
        const QString totalIn = formatBytes(o.value(fields[k][2]).toDouble()),
                      totalOut = formatBytes(o.value(fields[k][3]).toDouble());
        m_details[chart]->setText(k == 0 ? tr("%1 received, %2 sent (%3 and %4 in all)")
                                               .arg(formatRate(in.toDouble()),
                                                    formatRate(out.toDouble()), totalIn, totalOut)
                                         : tr("%1 read, %2 written (%3 and %4 in all)")
                                               .arg(formatRate(in.toDouble()),
                                                    formatRate(out.toDouble()), totalIn, totalOut));
    }
}

QString MetricsView::appSummaryText() const {
    QStringList parts;
    for (int i = 3; i < Charts; ++i)
        parts << m_titles[i]->text() << m_value[i]->text() << m_details[i]->text();
    return parts.join(QStringLiteral(" | "));
}

void MetricsView::setWindowSeconds(int seconds) {
    m_windowSeconds = std::max(10, seconds);
    m_zoomFrom = m_zoomTo = 0; // a new window is shown whole, live
    m_ui->liveButton->hide();
    {
        const QSignalBlocker block(m_ui->windowCombo);
        const int index = m_ui->windowCombo->findData(m_windowSeconds);
        if (index >= 0)
            m_ui->windowCombo->setCurrentIndex(index);
    }
    qint64 last = QDateTime::currentMSecsSinceEpoch();
    if (!m_points[0].isEmpty())
        last = std::max(last, qint64(m_points[0].last().x()));
    trimAndShow(last);
    loadHistory();
    loadAppHistory();
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
    return QStringLiteral("%1 · %2 %").arg(pointTime(point), QLocale().toString(point.y(), 'f', 1));
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
    m_session->get(historyPath(0), this,
                   [this, generation](const client::ServerSession::Reply &reply) {
                       if (generation != m_generation)
                           return; // the window, the session or the points changed since
                       if (!reply.ok()) {
                           showNote(tr("Live only: no history from this server (%1)")
                                        .arg(reply.error.isEmpty()
                                                 ? QStringLiteral("HTTP %1").arg(reply.status)
                                                 : reply.error));
                           return;
                       }
                       applyHostHistory(reply.data.toObject());
                   });
}

void MetricsView::applyHostHistory(const QJsonObject &answer) {
    applyHistory(answer.value(QStringLiteral("points")).toArray(), 0,
                 {{QStringLiteral("cpu"), QStringLiteral("usage")},
                  {QStringLiteral("memory"), QStringLiteral("percent")},
                  {QStringLiteral("disk"), QStringLiteral("percent")}});
    ++m_historyLoads;
}

// The selected app's history; without it (a failure) its charts are live-only.
void MetricsView::loadAppHistory() {
    const int generation = ++m_appGeneration;
    if (!m_session || m_appId == 0 ||
        m_session->dialect() == client::ServerSession::Dialect::Upstream)
        return;
    m_session->get(historyPath(m_appId), this,
                   [this, generation](const client::ServerSession::Reply &reply) {
                       if (generation != m_appGeneration || !reply.ok())
                           return;
                       applyHistory(reply.data[u"points"].toArray(), 3,
                                    {{QStringLiteral("cpu"), QStringLiteral("percent")},
                                     {QStringLiteral("memory"), QStringLiteral("percent")},
                                     {QStringLiteral("network"), QStringLiteral("rxRate")},
                                     {QStringLiteral("network"), QStringLiteral("txRate")},
                                     {QStringLiteral("blockio"), QStringLiteral("readRate")},
                                     {QStringLiteral("blockio"), QStringLiteral("writeRate")}});
                       ++m_appHistoryLoads;
                   });
}

// The host's (appId 0) or the app's history for what the charts show: the window, from now
// minus the window to now (the second included) at the window's step, or the zoomed range at
// the step of its own span.
QString MetricsView::historyPath(qint64 appId) const {
    if (isZoomed()) {
        const qint64 from = m_zoomFrom / 1000, to = m_zoomTo / 1000 + 1;
        return client::ServerSession::historyPath(appId, from, to, historyStep(int(to - from)));
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return client::ServerSession::historyPath(appId, now - m_windowSeconds, now + 1,
                                              historyStep(m_windowSeconds));
}

void MetricsView::applyHistory(const QJsonArray &points, int first,
                               const QList<QStringList> &paths) {
    QList<QPointF> history[Series];
    for (const QJsonValue &v : points) {
        const QDateTime at = QDateTime::fromString(v[u"timestamp"].toString(), Qt::ISODate);
        if (!at.isValid())
            continue;
        for (int k = 0; k < paths.size(); ++k) {
            const QJsonValue value = v[paths[k][0]][paths[k][1]];
            if (value.isDouble() && std::isfinite(value.toDouble()))
                history[k].append(QPointF(double(at.toMSecsSinceEpoch()), value.toDouble()));
        }
    }
    for (int k = 0; k < paths.size(); ++k) {
        // Live points newer than the history's newest stay after it.
        const double last = history[k].isEmpty() ? -1 : history[k].last().x();
        for (const QPointF &p : std::as_const(m_points[first + k]))
            if (p.x() > last)
                history[k].append(p);
        m_points[first + k] = history[k];
    }
    qint64 newest = QDateTime::currentMSecsSinceEpoch();
    if (!m_points[first].isEmpty())
        newest = std::max(newest, qint64(m_points[first].last().x()));
    trimAndShow(newest);
}

// The mouse and the keyboard on a chart; true when the event was used.
bool MetricsView::chartEvent(QChartView *view, QEvent *event) {
    QChart *chart = view->chart();
    const auto timeAt = [&](const QPointF &viewportPos) {
        return chart->mapToValue(chart->mapFromScene(view->mapToScene(viewportPos.toPoint()))).x();
    };
    const QPair<qint64, qint64> range = visibleRange();
    switch (event->type()) {
    case QEvent::Wheel: {
        const auto *wheel = static_cast<QWheelEvent *>(event);
        if (wheel->angleDelta().y() == 0)
            return false;
        zoomBy(wheel->angleDelta().y() > 0 ? 0.8 : 1.25, timeAt(wheel->position()));
        return true;
    }
    case QEvent::MouseButtonPress: {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (mouse->button() != Qt::LeftButton || !isZoomed())
            return false;
        m_dragX = int(mouse->position().x());
        m_dragRange = range;
        view->setFocus(Qt::MouseFocusReason);
        return true;
    }
    case QEvent::MouseMove: {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (m_dragX < 0 || !(mouse->buttons() & Qt::LeftButton))
            return false;
        const double width = std::max(1.0, chart->plotArea().width());
        const qint64 shift = qint64((mouse->position().x() - m_dragX) / width *
                                    double(m_dragRange.second - m_dragRange.first));
        zoomTo(m_dragRange.first - shift, m_dragRange.second - shift);
        return true;
    }
    case QEvent::MouseButtonRelease:
        if (m_dragX < 0)
            return false;
        m_dragX = -1;
        return true;
    case QEvent::MouseButtonDblClick:
        resetZoom();
        return true;
    case QEvent::KeyPress: {
        const int key = static_cast<QKeyEvent *>(event)->key();
        const double middle = double(range.first + range.second) / 2;
        if (key == Qt::Key_Plus || key == Qt::Key_Equal)
            zoomBy(0.5, middle);
        else if (key == Qt::Key_Minus)
            zoomBy(2, middle);
        else if (key == Qt::Key_Left)
            panBy(-0.25);
        else if (key == Qt::Key_Right)
            panBy(0.25);
        else if ((key == Qt::Key_Escape || key == Qt::Key_Home) && isZoomed())
            resetZoom();
        else
            return false;
        return true;
    }
    default:
        return false;
    }
}

qint64 MetricsView::newestMs() const {
    qint64 last = QDateTime::currentMSecsSinceEpoch();
    if (!m_points[0].isEmpty())
        last = std::max(last, qint64(m_points[0].last().x()));
    return last;
}

QPair<qint64, qint64> MetricsView::visibleRange() const {
    if (isZoomed())
        return {m_zoomFrom, m_zoomTo};
    const qint64 now = newestMs();
    return {now - qint64(m_windowSeconds) * 1000, now};
}

// Kept inside the window and at least MinZoomMs; the whole window is live again.
void MetricsView::zoomTo(qint64 fromMs, qint64 toMs) {
    const qint64 now = newestMs();
    const qint64 windowFrom = now - qint64(m_windowSeconds) * 1000;
    qint64 span = std::max(MinZoomMs, toMs - fromMs);
    if (span >= now - windowFrom) {
        resetZoom();
        return;
    }
    fromMs = std::clamp(fromMs, windowFrom, now - span);
    m_zoomFrom = fromMs;
    m_zoomTo = fromMs + span;
    zoomChanged();
}

void MetricsView::zoomBy(double factor, double anchorMs) {
    const QPair<qint64, qint64> range = visibleRange();
    const double anchor = std::clamp(anchorMs, double(range.first), double(range.second));
    zoomTo(qint64(anchor - (anchor - double(range.first)) * factor),
           qint64(anchor + (double(range.second) - anchor) * factor));
}

void MetricsView::panBy(double fraction) {
    if (!isZoomed())
        return; // the live window ends now: nothing after it, and before it is another window
    const qint64 shift = qint64(double(m_zoomTo - m_zoomFrom) * fraction);
    zoomTo(m_zoomFrom + shift, m_zoomTo + shift);
}

void MetricsView::resetZoom() {
    const bool was = isZoomed();
    m_zoomFrom = m_zoomTo = 0;
    m_dragX = -1;
    if (was)
        zoomChanged();
}

void MetricsView::zoomChanged() {
    m_ui->liveButton->setVisible(isZoomed());
    trimAndShow(newestMs());
    m_zoomLoad->start(); // the range's own history once the wheel or the drag has settled
}

// The points kept to the window ending at nowMs; the charts drawn from them now if the view is
// on screen, else when it is shown (showEvent) or a series is asked for: a chart's replace()
// lays out the whole path of its 3600 points, which a hidden tab need not pay for every second.
void MetricsView::trimAndShow(qint64 nowMs) {
    const double from = double(nowMs - qint64(m_windowSeconds) * 1000);
    for (QList<QPointF> &points : m_points) {
        qsizetype drop = 0;
        while (drop < points.size() && points[drop].x() < from)
            ++drop;
        points.remove(0, drop);
    }
    m_shownUntil = nowMs;
    m_chartsStale = true;
    if (isVisible())
        showCharts();
}

int MetricsView::valueTicks(double plotHeight, bool rateChart) {
    const int room = plotHeight > 0 ? int(plotHeight / 20) + 1 : 5;
    return room >= 5 && !rateChart ? 5 : room >= 3 ? 3 : 2;
}

// As many value ticks as the chart's height has room for (valueTicks()); and the number of
// time ticks its width has room for, returned.
int MetricsView::fitTicks(int chart) {
    const QRectF plot = m_views[chart]->chart()->plotArea();
    const int ticks = valueTicks(plot.height(), chart >= 5);
    if (m_axisY[chart]->tickCount() != ticks)
        m_axisY[chart]->setTickCount(ticks);
    return plot.width() > 0 ? std::clamp(int(plot.width() / 80), 2, 5) : 5;
}

QLineSeries *MetricsView::drawnSeries(int series) {
    if (m_chartsStale)
        showCharts();
    return m_series[series];
}

void MetricsView::showEvent(QShowEvent *event) {
    if (m_chartsStale)
        showCharts();
    QWidget::showEvent(event);
}

void MetricsView::showCharts() {
    m_chartsStale = false;
    ++m_chartUpdates;
    const qint64 from = m_shownUntil - qint64(m_windowSeconds) * 1000;
    const QPair<qint64, qint64> shown =
        isZoomed() ? qMakePair(m_zoomFrom, m_zoomTo) : qMakePair(from, m_shownUntil);
    for (int i = 0; i < 5; ++i)
        m_series[i]->replace(m_points[i]); // one repaint, not one per point
    for (int i = 0; i < Charts; ++i)
        showTimeRange(m_axisX[i], shown.first, shown.second, fitTicks(i));
    showRates(5);
    showRates(6);
    // An app's CPU is a percent of one core (200 % is two busy cores): whole hundreds.
    double top = 100;
    for (const QPointF &p : std::as_const(m_points[3]))
        top = std::max(top, std::ceil(p.y() / 100) * 100);
    m_axisY[3]->setRange(0, top);
    // The markers reach the top of their chart (drawMarkers: chart 3's first, then 4's, ...).
    for (qsizetype k = 0; k < m_markerSeries.size(); ++k) {
        const double height = m_axisY[3 + k / std::max<qsizetype>(1, m_markers.size())]->max();
        QLineSeries *line = m_markerSeries[k];
        if (line->at(1).y() != height)
            line->replace(1, line->at(1).x(), height);
    }
}

// A rate chart's two series in the unit of its highest point, on an axis up to a round top.
void MetricsView::showRates(int chart) {
    const int first = 5 + 2 * (chart - 5);
    double max = 0;
    for (int s = first; s < first + 2; ++s)
        for (const QPointF &p : std::as_const(m_points[s]))
            max = std::max(max, p.y());
    const RateAxis axis = rateAxis(max);
    m_rateDivisor[chart] = axis.divisor;
    for (int s = first; s < first + 2; ++s) {
        QList<QPointF> scaled = m_points[s];
        for (QPointF &p : scaled)
            p.setY(p.y() / axis.divisor);
        m_series[s]->replace(scaled);
    }
    m_axisY[chart]->setRange(0, axis.top);
    m_axisY[chart]->setLabelFormat(
        (axis.top < 10 ? QStringLiteral("%.1f ") : QStringLiteral("%.0f ")) + axis.unit);
}

QString MetricsView::rateAxisFormat(bool network) {
    drawnSeries(0);
    return m_axisY[network ? 5 : 6]->labelFormat();
}

MetricsView::RateAxis MetricsView::rateAxis(double maxBytesPerSecond) {
    RateAxis axis;
    const BinaryUnit u =
        binaryUnit(std::isfinite(maxBytesPerSecond) ? std::max(0.0, maxBytesPerSecond) : 0.0, 4);
    const double max = u.value;
    axis.divisor = u.divisor;
    axis.unit = QLatin1String(BinaryUnits[u.index]) + QStringLiteral("/s");
    // 1, 2 or 5 times a power of ten, at least max (and at least 1).
    double top = 1;
    while (top < max) {
        const double decade = top;
        top = decade * 2 >= max ? decade * 2 : decade * 5 >= max ? decade * 5 : decade * 10;
    }
    axis.top = top;
    return axis;
}

QString MetricsView::formatRate(double bytesPerSecond) {
    return formatBytes(bytesPerSecond) + QStringLiteral("/s");
}

QString MetricsView::ratePointText(const QPointF &point, const QString &what) {
    return QStringLiteral("%1 · %2 %3").arg(pointTime(point), formatRate(point.y()), what);
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
