// SPDX-License-Identifier: GPL-3.0-or-later

#include "FleetView.h"

#include "StateBadge.h"
#include "StatusWords.h"
#include "TimeTicks.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "ui_FleetHostCard.h"
#include "ui_FleetView.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPushButton>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace mist::gui {

namespace {
constexpr int ChartPoints = 120; // the last two minutes at one sample a second

double percentOf(const QJsonObject &sample, const char *part) {
    return sample.value(QLatin1String(part)).toObject().value(QStringLiteral("percent")).toDouble();
}

client::ServerSession *copyOf(const client::ServerSession &session, QObject *parent) {
    auto *copy = new client::ServerSession(session.baseUrl(), parent);
    copy->setToken(session.token());
    copy->setDialect(session.dialect());
    if (const auto ssl = session.sslConfiguration())
        copy->setSslConfiguration(*ssl);
    return copy;
}
} // namespace

struct FleetView::Host {
    client::ServerSession *session = nullptr;
    client::StreamConnection *stream = nullptr;
    QString label;
    QString failure;
    QJsonObject last;
    int samples = 0;
    bool engineDown = false; // the last sample said "docker": null
    QElapsedTimer sinceSample;
    QLabel *state = nullptr;
    QLabel *figures = nullptr;
    QLabel *apps = nullptr;
    QLabel *top = nullptr;
    QMap<QString, int> appStates;
    QLineSeries *series[3] = {};
    QCategoryAxis *axisX = nullptr; // a time axis with ticks at round times
};

FleetView::FleetView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::FleetView>()) {
    m_ui->setupUi(this);
    m_ui->grid->setAlignment(Qt::AlignTop);
}

FleetView::~FleetView() {
    qDeleteAll(m_hosts);
}

// A card's chart: CPU, memory and disk percent over the last two minutes, on clock times.
void FleetView::makeChart(Host &host, QChartView *view) {
    QChart *chart = view->chart(); // the form's view made one; filled here, not replaced
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(2, 2, 2, 2));
    auto *axisY = new QValueAxis(chart);
    axisY->setRange(0, 100);
    axisY->setLabelFormat(QStringLiteral("%d%%"));
    axisY->setTickCount(3);
    auto *axisX = new QCategoryAxis(chart); // the samples' own times, ticks at round times
    axisX->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    showTimeRange(axisX, now - ChartPoints * 1000, now, 3);
    host.axisX = axisX;
    chart->addAxis(axisX, Qt::AlignBottom);
    chart->addAxis(axisY, Qt::AlignLeft);
    const QString names[3] = {tr("CPU"), tr("Memory"), tr("Disk")};
    for (int i = 0; i < 3; ++i) {
        host.series[i] = new QLineSeries(chart);
        host.series[i]->setName(names[i]);
        chart->addSeries(host.series[i]);
        host.series[i]->attachAxis(axisX);
        host.series[i]->attachAxis(axisY);
    }
    view->setRenderHint(QPainter::Antialiasing);
}

int FleetView::addHost(const client::ServerSession &session, const QString &label) {
    for (int i = 0; i < m_hosts.size(); ++i)
        if (m_hosts[i]->session->baseUrl() == session.baseUrl())
            return i;
    auto *host = new Host;
    host->label = label;
    host->session = copyOf(session, this);
    m_hosts.append(host);

    // The card is ui/FleetHostCard.ui; its labels are the host's to fill.
    auto *card = new QFrame(this);
    Ui::FleetHostCard ui;
    ui.setupUi(card);
    ui.hostName->setText(label);
    host->state = ui.state;
    host->figures = ui.figures;
    host->apps = ui.fleetApps;
    host->apps->hide(); // until the host's apps are known
    host->top = ui.fleetTopApps;
    host->top->hide(); // until an app runs
    makeChart(*host, ui.chart);
    connect(ui.open, &QPushButton::clicked, this,
            [this, host] { Q_EMIT openRequested(copyOf(*host->session, nullptr), host->label); });
    const int index = int(m_hosts.size()) - 1;
    m_ui->grid->addWidget(card, index / 3, index % 3);

    host->stream = new client::StreamConnection(host->session, QStringLiteral("/ws/metrics"), this);
    connect(host->stream, &client::StreamConnection::message, this,
            [this, host](const QJsonObject &m) { onSample(*host, m); });
    connect(host->stream, &client::StreamConnection::stateChanged, this,
            [this, host] { updateState(*host); });
    connect(host->stream, &client::StreamConnection::retryCountdown, this,
            [this, host] { updateState(*host); });
    connect(host->stream, &client::StreamConnection::failed, this,
            [this, host](const QString &why) {
                host->failure = why;
                updateState(*host);
                updateTotals();
            });
    host->stream->open();
    updateState(*host);
    updateTotals();
    return index;
}

void FleetView::onSample(Host &host, const QJsonObject &sample) {
    host.last = sample;
    ++host.samples;
    const bool engineDown = !sample.value(QStringLiteral("docker")).isObject() &&
                            host.session->dialect() != client::ServerSession::Dialect::Upstream;
    if (engineDown != host.engineDown) {
        host.engineDown = engineDown;
        updateState(host);
    }
    host.sinceSample.restart();
    const double values[3] = {
        sample.value(QStringLiteral("cpu")).toObject().value(QStringLiteral("usage")).toDouble(),
        percentOf(sample, "memory"), percentOf(sample, "disk")};
    QDateTime at =
        QDateTime::fromString(sample.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
    if (!at.isValid())
        at = QDateTime::currentDateTimeUtc();
    const double x = double(at.toMSecsSinceEpoch());
    for (int i = 0; i < 3; ++i) {
        if (host.series[i]->count() > 0 && host.series[i]->at(host.series[i]->count() - 1).x() >= x)
            continue; // a sample no newer than the last: the time axis only moves on
        host.series[i]->append(x, values[i]);
        if (host.series[i]->count() > ChartPoints)
            host.series[i]->removePoints(0, host.series[i]->count() - ChartPoints);
    }
    // The x axis shows the last ChartPoints seconds, ending with the newest sample.
    showTimeRange(host.axisX, qint64(x) - ChartPoints * 1000, qint64(x), 3);
    host.figures->setText(tr("CPU %1%  ·  memory %2%  ·  disk %3%")
                              .arg(QLocale().toString(values[0], 'f', 1))
                              .arg(QLocale().toString(values[1], 'f', 1))
                              .arg(QLocale().toString(values[2], 'f', 1)));
    updateTotals();
}

void FleetView::updateState(Host &host) {
    using State = client::StreamConnection::State;
    QString text;
    if (host.stream->state() != client::StreamConnection::State::Connected)
        host.engineDown = false; // unknown until the next sample
    switch (host.stream->state()) {
    case State::Connected:
        text = host.engineDown ? tr("Docker engine unreachable") : tr("connected");
        break;
    case State::Connecting:
        text = tr("connecting…");
        break;
    case State::Reconnecting:
        text = tr("reconnecting in %n s", nullptr, host.stream->secondsUntilRetry());
        break;
    case State::Finished:
    case State::Idle:
        text = host.failure.contains(QStringLiteral("401"))
                   ? tr("sign-in refused: %1").arg(host.failure)
                   : tr("stopped: %1").arg(host.failure);
        break;
    }
    if (host.state->text() == text)
        return;
    host.state->setText(text);
    Q_EMIT hostStateChanged(int(m_hosts.indexOf(&host)));
}

void FleetView::updateTotals() {
    int live = 0;
    double cpu = 0, memUsed = 0, memTotal = 0, diskUsed = 0, diskTotal = 0;
    for (int i = 0; i < m_hosts.size(); ++i) {
        if (!hostLive(i))
            continue;
        const Host *h = m_hosts[i];
        ++live;
        cpu += h->last.value(QStringLiteral("cpu"))
                   .toObject()
                   .value(QStringLiteral("usage"))
                   .toDouble();
        const QJsonObject mem = h->last.value(QStringLiteral("memory")).toObject();
        const QJsonObject disk = h->last.value(QStringLiteral("disk")).toObject();
        memUsed += mem.value(QStringLiteral("used")).toDouble();
        memTotal += mem.value(QStringLiteral("total")).toDouble();
        diskUsed += disk.value(QStringLiteral("used")).toDouble();
        diskTotal += disk.value(QStringLiteral("total")).toDouble();
    }
    const double gib = 1024.0 * 1024.0 * 1024.0;
    m_ui->fleetTotals->setText(
        tr("%1 of %2 hosts live  ·  CPU %3% on average  ·  memory %4 of %5 GiB  ·  "
           "disk %6 of %7 GiB")
            .arg(live)
            .arg(m_hosts.size())
            .arg(QLocale().toString(live ? cpu / live : 0.0, 'f', 1))
            .arg(QLocale().toString(memUsed / gib, 'f', 1))
            .arg(QLocale().toString(memTotal / gib, 'f', 1))
            .arg(QLocale().toString(diskUsed / gib, 'f', 1))
            .arg(QLocale().toString(diskTotal / gib, 'f', 1)));
}

QString FleetView::hostState(int i) const {
    return m_hosts.value(i) ? m_hosts[i]->state->text() : QString();
}

bool FleetView::engineDown(int i) const {
    return m_hosts.value(i) && m_hosts[i]->engineDown;
}

int FleetView::samplesReceived(int i) const {
    return m_hosts.value(i) ? m_hosts[i]->samples : 0;
}

bool FleetView::hostLive(int i) const {
    const Host *h = m_hosts.value(i);
    return h && h->samples > 0 &&
           h->stream->state() == client::StreamConnection::State::Connected &&
           h->sinceSample.elapsed() < 5000;
}

QString FleetView::totalsText() const {
    return m_ui->fleetTotals->text();
}

namespace {
// Worst first: what needs a look leads the line.
int stateRank(const QString &state) {
    static const QStringList order{QStringLiteral("restarting"),
                                   QStringLiteral("dead"),
                                   QStringLiteral("exited"),
                                   QStringLiteral("removing"),
                                   QStringLiteral("paused"),
                                   QStringLiteral("created"),
                                   QString(),
                                   QStringLiteral("running")};
    const qsizetype at = order.indexOf(state);
    return at < 0 ? int(order.size()) : int(at);
}

QList<QPair<QString, int>> rankedStates(const QMap<QString, int> &counts) {
    QList<QPair<QString, int>> states;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() > 0)
            states.append({it.key(), it.value()});
    std::stable_sort(states.begin(), states.end(), [](const auto &a, const auto &b) {
        return stateRank(a.first) < stateRank(b.first);
    });
    return states;
}

QString stateWord(const QString &state) {
    return state.isEmpty() ? FleetView::tr("no container") : StatusWords::stateName(state);
}
} // namespace

void FleetView::setAppStates(int i, const QMap<QString, int> &counts) {
    if (i < 0 || i >= m_hosts.size() || m_hosts[i]->appStates == counts)
        return;
    Host &host = *m_hosts[i];
    host.appStates = counts;
    QStringList parts;
    for (const auto &[state, count] : rankedStates(counts))
        parts << QStringLiteral("<span style=\"color:%1\">%2</span>&nbsp;%3&nbsp;%4")
                     .arg(stateBadge(state).color.name(), stateGlyph(state),
                          QLocale().toString(count), stateWord(state).toHtmlEscaped());
    host.apps->setText(parts.join(QStringLiteral(" &nbsp; ")));
    host.apps->setVisible(!parts.isEmpty());
}

QString FleetView::topAppsLine(QList<QPair<QString, double>> cpuByApp) {
    cpuByApp.erase(std::remove_if(cpuByApp.begin(), cpuByApp.end(),
                                  [](const auto &a) { return !std::isfinite(a.second); }),
                   cpuByApp.end());
    if (cpuByApp.isEmpty())
        return QString();
    std::stable_sort(cpuByApp.begin(), cpuByApp.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    QStringList parts;
    for (qsizetype k = 0; k < std::min<qsizetype>(3, cpuByApp.size()); ++k)
        parts << QStringLiteral("%1 %2 %").arg(cpuByApp[k].first,
                                               QLocale().toString(cpuByApp[k].second, 'f', 1));
    return tr("Top CPU: %1").arg(parts.join(QStringLiteral(", ")));
}

void FleetView::setTopApps(int i, const QList<QPair<QString, double>> &cpuByApp) {
    if (i < 0 || i >= m_hosts.size())
        return;
    const QString line = topAppsLine(cpuByApp);
    QLabel *top = m_hosts[i]->top;
    if (top->text() != line)
        top->setText(line);
    top->setVisible(!line.isEmpty());
}

QString FleetView::topAppsText(int i) const {
    return i < 0 || i >= m_hosts.size() ? QString() : m_hosts[i]->top->text();
}

QString FleetView::appStatesText(int i) const {
    if (i < 0 || i >= m_hosts.size())
        return QString();
    QStringList parts;
    for (const auto &[state, count] : rankedStates(m_hosts[i]->appStates))
        parts << QStringLiteral("%1 %2 %3").arg(stateGlyph(state)).arg(count).arg(stateWord(state));
    return parts.join(QStringLiteral("  "));
}

} // namespace mist::gui
