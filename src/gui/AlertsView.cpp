// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertsView.h"

#include "Settings.h"
#include "client/AlertFeed.h"
#include "client/ServerSession.h"

#include "ui_AlertsView.h"

#include <QDateTime>
#include <QLocale>
#include <QTableWidgetItem>

#include <algorithm>

namespace mist::gui {

namespace {

constexpr int KeyRole = Qt::UserRole + 1;
constexpr int MaxAcknowledged = 1000;

QColor severityColor(const QString &severity) {
    if (severity == u"critical")
        return QColor(0xc6, 0x28, 0x28);
    if (severity == u"warning")
        return QColor(0xb2, 0x6a, 0x00);
    return {};
}

QString sinceText(const QString &since) {
    const QDateTime at = QDateTime::fromString(since, Qt::ISODate);
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : since;
}

QTableWidgetItem *cell(const QString &text, const QString &toolTip = {}) {
    auto *item = new QTableWidgetItem(text);
    item->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return item;
}

struct Row {
    QString host;
    QUrl server;
    client::AlertEntry alert;
};

bool newestFirst(const Row &a, const Row &b) {
    if (a.alert.since != b.alert.since)
        return a.alert.since > b.alert.since;
    return a.alert.id > b.alert.id;
}

} // namespace

AlertsView::AlertsView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::AlertsView>()) {
    m_ui->setupUi(this);
    const QStringList saved = settings::acknowledgedAlerts.value();
    m_acknowledged = QSet<QString>(saved.begin(), saved.end());
    connect(m_ui->acknowledgeButton, &QPushButton::clicked, this, &AlertsView::acknowledgeSelected);
    connect(m_ui->acknowledgeAllButton, &QPushButton::clicked, this, &AlertsView::acknowledgeAll);
    connect(m_ui->newRuleButton, &QPushButton::clicked, this, &AlertsView::newRuleRequested);
    connect(m_ui->firingTable, &QTableWidget::itemSelectionChanged, this, [this] {
        m_ui->acknowledgeButton->setEnabled(!m_ui->firingTable->selectedItems().isEmpty());
    });
    rebuild();
}

AlertsView::~AlertsView() = default;

QTableWidget *AlertsView::firingTable() const {
    return m_ui->firingTable;
}
QTableWidget *AlertsView::historyTable() const {
    return m_ui->historyTable;
}
QPushButton *AlertsView::acknowledgeButton() const {
    return m_ui->acknowledgeButton;
}
QString AlertsView::summaryText() const {
    return m_ui->summary->text();
}

QString AlertsView::severityText(const QString &severity) {
    if (severity == u"critical")
        return tr("critical");
    if (severity == u"warning")
        return tr("warning");
    if (severity == u"info")
        return tr("info");
    return severity;
}

QString AlertsView::ackKey(const QUrl &server, qint64 alertId) {
    return server.toString() + u'#' + QString::number(alertId);
}

void AlertsView::addHost(client::ServerSession *session, const QString &label) {
    const QString key = session->baseUrl().toString();
    Host &host = m_hosts[key];
    host.label = label;
    if (host.feed && host.feed->session() == session)
        return;
    delete host.feed;
    host.feed = new client::AlertFeed(session, this);
    const QUrl server = session->baseUrl();
    connect(host.feed, &client::AlertFeed::changed, this, &AlertsView::rebuild);
    connect(host.feed, &client::AlertFeed::fired, this,
            [this, key](const client::AlertEntry &alert) {
                emit alertFired(m_hosts.value(key).label, alert);
            });
    host.feed->start();
    rebuild();
}

int AlertsView::unacknowledgedCount(const QUrl &server) const {
    const Host host = m_hosts.value(server.toString());
    if (!host.feed)
        return 0;
    const auto firing = host.feed->firingNow();
    return int(std::count_if(firing.begin(), firing.end(), [&](const client::AlertEntry &a) {
        return !m_acknowledged.contains(ackKey(server, a.id));
    }));
}

QHash<qint64, int> AlertsView::unacknowledgedByApp(const QUrl &server) const {
    QHash<qint64, int> out;
    const Host host = m_hosts.value(server.toString());
    if (!host.feed)
        return out;
    for (const client::AlertEntry &a : host.feed->firingNow())
        if (a.appId && !m_acknowledged.contains(ackKey(server, a.id)))
            ++out[*a.appId];
    return out;
}

int AlertsView::unacknowledgedCount() const {
    int n = 0;
    for (auto it = m_hosts.begin(); it != m_hosts.end(); ++it)
        n += unacknowledgedCount(QUrl(it.key()));
    return n;
}

void AlertsView::acknowledgeSelected() {
    QStringList keys;
    for (const QModelIndex &index : m_ui->firingTable->selectionModel()->selectedRows())
        keys << m_ui->firingTable->item(index.row(), 0)->data(KeyRole).toString();
    acknowledge(keys);
}

void AlertsView::acknowledgeAll() {
    QStringList keys;
    for (int row = 0; row < m_ui->firingTable->rowCount(); ++row)
        keys << m_ui->firingTable->item(row, 0)->data(KeyRole).toString();
    acknowledge(keys);
}

void AlertsView::acknowledge(const QStringList &keys) {
    QStringList saved = settings::acknowledgedAlerts.value();
    for (const QString &key : keys) {
        if (key.isEmpty() || m_acknowledged.contains(key))
            continue;
        m_acknowledged.insert(key);
        saved.append(key);
    }
    while (saved.size() > MaxAcknowledged)
        m_acknowledged.remove(saved.takeFirst());
    settings::acknowledgedAlerts.setValue(saved);
    rebuild();
}

void AlertsView::rebuild() {
    fillFiring();
    fillHistory();
    const int unacked = unacknowledgedCount();
    const int firing = m_ui->firingTable->rowCount();
    QStringList problems;
    for (const Host &h : std::as_const(m_hosts)) {
        if (!h.feed || h.feed->problem() == client::AlertFeed::Problem::None)
            continue;
        problems << QStringLiteral("%1: %2").arg(
            h.label, h.feed->problem() == client::AlertFeed::Problem::Upstream
                         ? tr("Upstream Mist servers have no alerts.")
                         : tr("Alerts unavailable: %1").arg(h.feed->problemDetail()));
    }
    QString summary =
        firing == 0 ? tr("Nothing is firing.")
                    : tr("%n firing", nullptr, firing) +
                          (firing > unacked ? tr(" (%n acknowledged)", nullptr, firing - unacked)
                                            : QString());
    if (!problems.isEmpty())
        summary += u'\n' + problems.join(u'\n');
    m_ui->summary->setText(summary);
    m_ui->acknowledgeAllButton->setEnabled(unacked > 0);
    emit unacknowledgedChanged(unacked);
}

void AlertsView::fillFiring() {
    QList<Row> rows;
    for (auto it = m_hosts.begin(); it != m_hosts.end(); ++it)
        if (it->feed)
            for (const client::AlertEntry &a : it->feed->firingNow())
                rows.append({it->label, QUrl(it.key()), a});
    std::sort(rows.begin(), rows.end(), newestFirst);
    QTableWidget *t = m_ui->firingTable;
    t->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const Row &row = rows.at(r);
        const QString key = ackKey(row.server, row.alert.id);
        const bool acked = m_acknowledged.contains(key);
        auto *host = cell(row.host);
        host->setData(KeyRole, key);
        t->setItem(r, 0, host);
        auto *severity = cell(severityText(row.alert.severity));
        severity->setForeground(severityColor(row.alert.severity));
        t->setItem(r, 1, severity);
        t->setItem(r, 2, cell(sinceText(row.alert.since)));
        t->setItem(r, 3,
                   cell(row.alert.title + QStringLiteral(" \u2014 ") + row.alert.message,
                        row.alert.title + u'\n' + row.alert.message));
        for (int c = 0; c < 4; ++c) {
            QFont f = t->item(r, c)->font();
            f.setBold(!acked);
            t->item(r, c)->setFont(f);
        }
    }
}

void AlertsView::fillHistory() {
    QList<Row> rows;
    for (auto it = m_hosts.begin(); it != m_hosts.end(); ++it)
        if (it->feed)
            for (const client::AlertEntry &a : it->feed->alerts())
                rows.append({it->label, QUrl(it.key()), a});
    std::sort(rows.begin(), rows.end(), newestFirst);
    rows = rows.mid(0, client::AlertFeed::MaxKept);
    QTableWidget *t = m_ui->historyTable;
    t->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const client::AlertEntry &a = rows.at(r).alert;
        t->setItem(r, 0, cell(rows.at(r).host));
        t->setItem(r, 1, cell(a.firing() ? tr("firing") : tr("resolved")));
        auto *severity = cell(severityText(a.severity));
        severity->setForeground(severityColor(a.severity));
        t->setItem(r, 2, severity);
        t->setItem(r, 3, cell(sinceText(a.since)));
        t->setItem(
            r, 4,
            cell(a.title + QStringLiteral(" \u2014 ") + a.message, a.title + u'\n' + a.message));
    }
}

} // namespace mist::gui
