// SPDX-License-Identifier: GPL-3.0-or-later

#include "DeploymentsView.h"

#include "LogView.h"
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

QString duration(const QJsonObject &d) {
    const QDateTime start =
        QDateTime::fromString(d.value(QStringLiteral("started_at")).toString(), Qt::ISODate);
    QDateTime end =
        QDateTime::fromString(d.value(QStringLiteral("finished_at")).toString(), Qt::ISODate);
    if (!start.isValid())
        return QString();
    if (!end.isValid())
        end = QDateTime::currentDateTimeUtc();
    const qint64 s = start.secsTo(end);
    return s < 60 ? DeploymentsView::tr("%1 s").arg(s)
                  : DeploymentsView::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}
} // namespace

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
    QPalette errorPalette = m_ui->deploymentError->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd3, 0x2f, 0x2f));
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
    m_watched = 0;
    delete m_stream;
    m_ui->log->model()->clear();
    m_status.clear();
    m_stage.clear();
    m_ui->progress->setValue(0);
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
                m_ui->deploymentsTable->setItem(
                    row, 1, new QTableWidgetItem(d.value(QStringLiteral("status")).toString()));
                m_ui->deploymentsTable->setItem(
                    row, 2,
                    new QTableWidgetItem(QStringLiteral("%1 %2").arg(
                        d.value(QStringLiteral("commit_hash")).toString().left(8),
                        d.value(QStringLiteral("commit_message")).toString())));
                m_ui->deploymentsTable->setItem(row, 3, new QTableWidgetItem(duration(d)));
                if (id == m_watched)
                    m_ui->deploymentsTable->selectRow(row);
            }
            if (m_watched == 0 && !list.isEmpty())
                watch(qint64(list[0].toObject().value(QStringLiteral("id")).toDouble()));
        });
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
    if (type == u"log") {
        entry.text = data.value(QStringLiteral("line")).toString();
        m_ui->log->model()->append(entry);
    } else if (type == u"status") {
        showStatus(data);
    } else if (type == u"error") {
        m_ui->deploymentError->setText(data.value(QStringLiteral("message")).toString());
        m_ui->deploymentError->show();
        entry.kind = LogEntry::Kind::Error;
        entry.text = data.value(QStringLiteral("message")).toString();
        m_ui->log->model()->append(entry);
    } else if (type == u"end") {
        entry.kind = LogEntry::Kind::End;
        entry.text = data.value(QStringLiteral("message")).toString();
        m_ui->log->model()->append(entry);
    }
}

void DeploymentsView::showStatus(const QJsonObject &data) {
    const QString previous = m_status;
    m_status = data.value(QStringLiteral("status")).toString();
    const QString stage = data.value(QStringLiteral("stage")).toString();
    if (!stage.isEmpty())
        m_stage = stage;
    m_ui->progress->setValue(data.value(QStringLiteral("progress")).toInt());
    m_ui->progress->setFormat(QStringLiteral("%p% — ") +
                              data.value(QStringLiteral("message")).toString());
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
    }
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
            style = QStringLiteral("font-weight: bold; color: %1;")
                        .arg(QColor(0xd3, 0x2f, 0x2f).name());
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
