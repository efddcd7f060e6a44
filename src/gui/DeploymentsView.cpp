// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentsView.h"

#include "LogView.h"
#include "ServerTexts.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "ui_DeploymentsView.h"

#include <QDateTime>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>

namespace mist::gui {

namespace {
QString stageTitle(const QString &stage) {
    if (stage == u"cloning_repo")
        return DeploymentsView::tr("Clone");
    if (stage == u"building_image")
        return DeploymentsView::tr("Build");
    if (stage == u"stopping_old")
        return DeploymentsView::tr("Stop old");
    if (stage == u"starting_new")
        return DeploymentsView::tr("Start new");
    return DeploymentsView::tr("Completed");
}

const QColor FailedColor(0xd3, 0x2f, 0x2f);

// The duration column's data: when the deployment started and ended (ms since the epoch;
// 0: not yet), so that a running one can count up without asking the server.
constexpr int StartedRole = Qt::UserRole;
constexpr int FinishedRole = Qt::UserRole + 1;

qint64 msOf(const QJsonValue &v) {
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODate);
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

QString durationOf(const QTableWidgetItem *item) {
    const qint64 started = item->data(StartedRole).toLongLong();
    if (started == 0)
        return QString();
    const qint64 finished = item->data(FinishedRole).toLongLong();
    return DeploymentsView::durationText(
        (finished != 0 ? finished : QDateTime::currentMSecsSinceEpoch()) - started);
}
} // namespace

QString DeploymentsView::durationText(qint64 ms) {
    const qint64 s = std::max<qint64>(0, ms) / 1000;
    if (s == 0)
        return tr("< 1 s");
    return s < 60 ? tr("%1 s").arg(s) : tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}

QString DeploymentsView::statusText(const QString &status) {
    if (status == u"pending")
        return tr("pending");
    if (status == u"building")
        return tr("building");
    if (status == u"deploying")
        return tr("deploying");
    if (status == u"success")
        return tr("success");
    if (status == u"failed")
        return tr("failed");
    return status;
}

const QStringList &DeploymentsView::stages() {
    static const QStringList s{QStringLiteral("cloning_repo"), QStringLiteral("building_image"),
                               QStringLiteral("stopping_old"), QStringLiteral("starting_new"),
                               QStringLiteral("completed")};
    return s;
}

DeploymentsView::DeploymentsView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::DeploymentsView>()) {
    m_ui->setupUi(this);
    // An error in the build log is read whole, whatever the width and the Wrap setting.
    m_ui->log->setWrapErrorRows(true);
    // Set after the form's text: a button's text with a mnemonic ("&Deploy") replaces its
    // shortcut with Alt+<letter>.
    m_ui->deployButton->setShortcut(QKeySequence(QStringLiteral("Ctrl+D")));
    connect(m_ui->deployButton, &QPushButton::clicked, this, &DeploymentsView::deploy);
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &DeploymentsView::refresh);
    m_ui->deploymentsTable->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    connect(m_ui->deploymentsTable, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_ui->deploymentsTable->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        const qint64 id =
            m_ui->deploymentsTable->item(rows.first().row(), 0)->data(Qt::UserRole).toLongLong();
        if (id != m_watched)
            watch(id);
    });
    // Designer cannot set a splitter's stretch factors (they live in the size policies).
    m_ui->splitter->setStretchFactor(1, 3);
    for (const QString &stage : stages()) {
        auto *step = new QLabel(stageTitle(stage), m_ui->detail);
        step->setAlignment(Qt::AlignCenter);
        step->setMargin(4);
        step->setObjectName(QStringLiteral("step_") + stage);
        m_steps.append(step);
        m_ui->stepper->addWidget(step, 1);
    }
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &DeploymentsView::tickDurations);
    QPalette errorPalette = m_ui->deploymentError->palette();
    errorPalette.setColor(QPalette::WindowText, FailedColor);
    m_ui->deploymentError->setPalette(errorPalette);
    updateStepper();
}

DeploymentsView::~DeploymentsView() = default;

QProgressBar *DeploymentsView::progressBar() const {
    return m_ui->progress;
}
QPushButton *DeploymentsView::deployButton() const {
    return m_ui->deployButton;
}
QTableWidget *DeploymentsView::table() const {
    return m_ui->deploymentsTable;
}
LogView *DeploymentsView::logView() const {
    return m_ui->log;
}

void DeploymentsView::setSession(client::ServerSession *session) {
    m_session = session;
    m_appId = 0;
    m_watched = 0;
    delete m_stream;
    m_ui->deploymentsTable->setRowCount(0);
    m_ui->log->model()->clear();
}

void DeploymentsView::setApp(qint64 appId, const QString &name, bool deployable) {
    if (appId == m_appId)
        return;
    m_appId = appId;
    m_ui->title->setText(deployable
                             ? tr("Deployments of %1").arg(name)
                             : tr("%1 adopts an existing container: nothing to deploy").arg(name));
    m_ui->deployButton->setEnabled(deployable && m_session);
    // Nothing to deploy: no bar at "0 %" and no stages to follow.
    m_ui->progress->setVisible(deployable);
    for (QLabel *step : std::as_const(m_steps))
        step->setVisible(deployable);
    m_watched = 0;
    delete m_stream;
    m_ui->log->model()->clear();
    m_status.clear();
    m_stage.clear();
    m_ui->progress->setValue(0);
    m_message.clear();
    showBar();
    m_ui->deploymentError->hide();
    updateStepper();
    refresh();
}

void DeploymentsView::refresh() {
    if (!m_session || m_appId == 0)
        return;
    m_session->listDeployments(
        m_appId, this, [this, appId = m_appId](const client::ServerSession::Reply &reply) {
            if (appId != m_appId || !reply.ok())
                return;
            const QJsonArray list = reply.data.toArray();
            const QSignalBlocker block(m_ui->deploymentsTable);
            m_ui->deploymentsTable->setRowCount(int(list.size()));
            for (int row = 0; row < list.size(); ++row) {
                const QJsonObject d = list[row].toObject();
                const qint64 id = qint64(d.value(QStringLiteral("id")).toDouble());
                auto *idItem = new QTableWidgetItem(QStringLiteral("#%1").arg(id));
                idItem->setData(Qt::UserRole, id);
                m_ui->deploymentsTable->setItem(row, 0, idItem);
                const QString status = d.value(QStringLiteral("status")).toString();
                auto *statusItem = new QTableWidgetItem(statusText(status));
                statusItem->setData(Qt::UserRole, status);
                m_ui->deploymentsTable->setItem(row, 1, statusItem);
                m_ui->deploymentsTable->setItem(
                    row, 2,
                    new QTableWidgetItem(QStringLiteral("%1 %2").arg(
                        d.value(QStringLiteral("commit_hash")).toString().left(8),
                        d.value(QStringLiteral("commit_message")).toString())));
                auto *durationItem = new QTableWidgetItem;
                durationItem->setData(StartedRole, msOf(d.value(QStringLiteral("started_at"))));
                durationItem->setData(FinishedRole, msOf(d.value(QStringLiteral("finished_at"))));
                durationItem->setText(durationOf(durationItem));
                m_ui->deploymentsTable->setItem(row, 3, durationItem);
                if (id == m_watched)
                    m_ui->deploymentsTable->selectRow(row);
            }
            tickDurations();
            if (m_watched == 0 && !list.isEmpty())
                watch(qint64(list[0].toObject().value(QStringLiteral("id")).toDouble()));
        });
}

void DeploymentsView::tickDurations() {
    bool running = false;
    for (int row = 0; row < m_ui->deploymentsTable->rowCount(); ++row) {
        QTableWidgetItem *item = m_ui->deploymentsTable->item(row, 3);
        if (!item || item->data(StartedRole).toLongLong() == 0 ||
            item->data(FinishedRole).toLongLong() != 0)
            continue;
        running = true;
        item->setText(durationOf(item));
    }
    if (running && !m_tick.isActive())
        m_tick.start();
    else if (!running)
        m_tick.stop();
}

void DeploymentsView::deploy() {
    if (!m_session || m_appId == 0)
        return;
    m_ui->deployButton->setEnabled(false);
    m_session->startDeployment(m_appId, this, [this](const client::ServerSession::Reply &reply) {
        m_ui->deployButton->setEnabled(true);
        if (!reply.ok()) {
            m_ui->deploymentError->setText(tr("Could not deploy: %1").arg(reply.error));
            m_ui->deploymentError->show();
            return;
        }
        watch(qint64(reply.data.toObject().value(QStringLiteral("id")).toDouble()));
        refresh();
    });
}

void DeploymentsView::watch(qint64 deploymentId) {
    if (!m_session)
        return;
    delete m_stream;
    m_watched = deploymentId;
    m_ui->log->model()->clear();
    m_status.clear();
    m_stage.clear();
    m_ui->progress->setValue(0);
    m_message.clear();
    showBar();
    m_ui->deploymentError->hide();
    updateStepper();
    m_stream = new client::StreamConnection(
        m_session, QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(deploymentId), this);
    connect(m_stream, &client::StreamConnection::message, this, &DeploymentsView::onMessage);
    m_stream->open();
}

void DeploymentsView::onMessage(const QJsonObject &message) {
    const QString type = message.value(QStringLiteral("type")).toString();
    const QJsonObject data = message.value(QStringLiteral("data")).toObject();
    LogEntry entry;
    // The envelope's time, shown when Timestamps is on (the build log has no other).
    const QDateTime at =
        QDateTime::fromString(message.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
    if (at.isValid())
        entry.tsMs = at.toMSecsSinceEpoch();
    if (type == u"log") {
        entry.text = data.value(QStringLiteral("line")).toString();
        m_ui->log->model()->append(entry);
    } else if (type == u"status") {
        showStatus(data);
    } else if (type == u"error") {
        const QString text = serverText(data.value(QStringLiteral("message")).toString());
        m_ui->deploymentError->setText(text);
        m_ui->deploymentError->show();
        entry.kind = LogEntry::Kind::Error;
        entry.text = text;
        m_ui->log->model()->append(entry);
    } else if (type == u"end") {
        entry.kind = LogEntry::Kind::End;
        entry.text = serverText(data.value(QStringLiteral("message")).toString());
        m_ui->log->model()->append(entry);
    }
}

void DeploymentsView::showStatus(const QJsonObject &data) {
    const QString previous = m_status;
    const QString previousStage = m_stage;
    m_status = data.value(QStringLiteral("status")).toString();
    const QString stage = data.value(QStringLiteral("stage")).toString();
    if (!stage.isEmpty())
        m_stage = stage;
    m_ui->progress->setValue(data.value(QStringLiteral("progress")).toInt());
    m_message = serverText(data.value(QStringLiteral("message")).toString());
    showBar();
    const QString error = data.value(QStringLiteral("error_message")).toString();
    if (!error.isEmpty()) {
        m_ui->deploymentError->setText(error);
        m_ui->deploymentError->show();
    }
    updateStepper();
    const bool terminal = m_status == u"success" || m_status == u"failed";
    if (terminal && previous != m_status && !previous.isEmpty() && previous != u"success" &&
        previous != u"failed") {
        Q_EMIT deploymentFinished(m_watched, m_status == u"success",
                                  m_status == u"success"
                                      ? tr("Deployment #%1 succeeded").arg(m_watched)
                                      : tr("Deployment #%1 failed: %2").arg(m_watched).arg(error));
        refresh();
    } else if (m_stage != previousStage && !previousStage.isEmpty()) {
        refresh(); // the list learns the commit once the clone is done, the start time, ...
    }
}

void DeploymentsView::showBar() {
    // A failed deployment's bar is red and says where it stopped; otherwise the palette's.
    const bool failed = m_status == u"failed";
    QPalette pal = palette();
    if (failed) {
        pal.setColor(QPalette::Highlight, FailedColor);
        pal.setColor(QPalette::HighlightedText, Qt::white);
    }
    m_ui->progress->setPalette(pal);
    if (failed)
        m_ui->progress->setFormat(m_stage.isEmpty() ? tr("Failed")
                                                    : tr("Failed at %1").arg(stageTitle(m_stage)));
    else if (m_message.isEmpty())
        m_ui->progress->setFormat(QStringLiteral("%p%"));
    else
        m_ui->progress->setFormat(QStringLiteral("%p% — ") + m_message);
}

QStringList DeploymentsView::stepStates() const {
    QStringList states;
    const int current = stages().indexOf(m_stage);
    for (int i = 0; i < stages().size(); ++i) {
        if (current < 0)
            states << QStringLiteral("todo");
        else if (i < current || (i == current && m_status == u"success"))
            states << QStringLiteral("done");
        else if (i == current)
            states << (m_status == u"failed" ? QStringLiteral("failed")
                                             : QStringLiteral("current"));
        else
            states << QStringLiteral("todo");
    }
    return states;
}

QString DeploymentsView::errorText() const {
    return m_ui->deploymentError->isVisible() || !m_ui->deploymentError->isHidden()
               ? m_ui->deploymentError->text()
               : QString();
}

void DeploymentsView::updateStepper() {
    const QStringList states = stepStates();
    const QPalette pal = palette();
    for (int i = 0; i < m_steps.size(); ++i) {
        QLabel *step = m_steps[i];
        QString style;
        QString prefix;
        if (states[i] == u"done") {
            style = QStringLiteral("color: %1;").arg(QColor(0x2e, 0x7d, 0x32).name());
            prefix = QStringLiteral("✓ ");
        } else if (states[i] == u"current") {
            style = QStringLiteral("font-weight: bold; border-bottom: 3px solid %1;")
                        .arg(pal.color(QPalette::Highlight).name());
            prefix = QStringLiteral("● ");
        } else if (states[i] == u"failed") {
            style = QStringLiteral("font-weight: bold; color: %1;").arg(FailedColor.name());
            prefix = QStringLiteral("✗ ");
        } else {
            style = QStringLiteral("color: %1;").arg(pal.color(QPalette::PlaceholderText).name());
        }
        step->setStyleSheet(style);
        step->setText(prefix + stageTitle(stages()[i]));
        step->setProperty("state", states[i]);
    }
}

} // namespace mist::gui
