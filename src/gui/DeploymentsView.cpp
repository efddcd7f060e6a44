#include "DeploymentsView.h"

#include "LogView.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

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
    : QWidget(parent) {
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_title = new QLabel(tr("Select an app"), this);
    m_deploy = new QPushButton(tr("&Deploy"), this);
    m_deploy->setObjectName(QStringLiteral("deployButton"));
    m_deploy->setToolTip(tr("Deploy the app's branch now (Ctrl+D)"));
    m_deploy->setShortcut(QKeySequence(QStringLiteral("Ctrl+D")));
    m_deploy->setEnabled(false);
    connect(m_deploy, &QPushButton::clicked, this, &DeploymentsView::deploy);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &DeploymentsView::refresh);
    top->addWidget(m_title, 1);
    top->addWidget(refresh);
    top->addWidget(m_deploy);
    layout->addLayout(top);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableWidget(0, 4, splitter);
    m_table->setHorizontalHeaderLabels(
        {tr("Deployment"), tr("Status"), tr("Commit"), tr("Duration")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        const qint64 id = m_table->item(rows.first().row(), 0)->data(Qt::UserRole).toLongLong();
        if (id != m_watched)
            watch(id);
    });

    auto *detail = new QWidget(splitter);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(detail);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    detailLayout->addWidget(m_progress);
    auto *stepper = new QHBoxLayout;
    for (const QString &stage : stages()) {
        auto *step = new QLabel(stageTitle(stage), detail);
        step->setAlignment(Qt::AlignCenter);
        step->setMargin(4);
        step->setObjectName(QStringLiteral("step_") + stage);
        m_steps.append(step);
        stepper->addWidget(step, 1);
    }
    detailLayout->addLayout(stepper);
    m_error = new QLabel(detail);
    m_error->setObjectName(QStringLiteral("deploymentError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xd3, 0x2f, 0x2f));
    m_error->setPalette(errorPalette);
    m_error->hide();
    detailLayout->addWidget(m_error);
    m_log = new LogView(detail);
    detailLayout->addWidget(m_log, 1);
    splitter->addWidget(m_table);
    splitter->addWidget(detail);
    splitter->setStretchFactor(1, 3);
    layout->addWidget(splitter, 1);
    updateStepper();
}

DeploymentsView::~DeploymentsView() = default;

void DeploymentsView::setSession(client::ServerSession *session) {
    m_session = session;
    m_appId = 0;
    m_watched = 0;
    delete m_stream;
    m_table->setRowCount(0);
    m_log->model()->clear();
}

void DeploymentsView::setApp(qint64 appId, const QString &name, bool deployable) {
    if (appId == m_appId)
        return;
    m_appId = appId;
    m_title->setText(deployable
                         ? tr("Deployments of %1").arg(name)
                         : tr("%1 adopts an existing container: nothing to deploy").arg(name));
    m_deploy->setEnabled(deployable && m_session);
    m_watched = 0;
    delete m_stream;
    m_log->model()->clear();
    m_status.clear();
    m_stage.clear();
    m_progress->setValue(0);
    m_error->hide();
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
            const QSignalBlocker block(m_table);
            m_table->setRowCount(int(list.size()));
            for (int row = 0; row < list.size(); ++row) {
                const QJsonObject d = list[row].toObject();
                const qint64 id = qint64(d.value(QStringLiteral("id")).toDouble());
                auto *idItem = new QTableWidgetItem(QStringLiteral("#%1").arg(id));
                idItem->setData(Qt::UserRole, id);
                m_table->setItem(row, 0, idItem);
                m_table->setItem(
                    row, 1, new QTableWidgetItem(d.value(QStringLiteral("status")).toString()));
                m_table->setItem(row, 2,
                                 new QTableWidgetItem(QStringLiteral("%1 %2").arg(
                                     d.value(QStringLiteral("commit_hash")).toString().left(8),
                                     d.value(QStringLiteral("commit_message")).toString())));
                m_table->setItem(row, 3, new QTableWidgetItem(duration(d)));
                if (id == m_watched)
                    m_table->selectRow(row);
            }
            if (m_watched == 0 && !list.isEmpty())
                watch(qint64(list[0].toObject().value(QStringLiteral("id")).toDouble()));
        });
}

void DeploymentsView::deploy() {
    if (!m_session || m_appId == 0)
        return;
    m_deploy->setEnabled(false);
    m_session->startDeployment(m_appId, this, [this](const client::ServerSession::Reply &reply) {
        m_deploy->setEnabled(true);
        if (!reply.ok()) {
            m_error->setText(tr("Could not deploy: %1").arg(reply.error));
            m_error->show();
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
    m_log->model()->clear();
    m_status.clear();
    m_stage.clear();
    m_progress->setValue(0);
    m_error->hide();
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
        m_log->model()->append(entry);
    } else if (type == u"status") {
        showStatus(data);
    } else if (type == u"error") {
        m_error->setText(data.value(QStringLiteral("message")).toString());
        m_error->show();
        entry.kind = LogEntry::Kind::Error;
        entry.text = data.value(QStringLiteral("message")).toString();
        m_log->model()->append(entry);
    } else if (type == u"end") {
        entry.kind = LogEntry::Kind::End;
        entry.text = data.value(QStringLiteral("message")).toString();
        m_log->model()->append(entry);
    }
}

void DeploymentsView::showStatus(const QJsonObject &data) {
    const QString previous = m_status;
    m_status = data.value(QStringLiteral("status")).toString();
    const QString stage = data.value(QStringLiteral("stage")).toString();
    if (!stage.isEmpty())
        m_stage = stage;
    m_progress->setValue(data.value(QStringLiteral("progress")).toInt());
    m_progress->setFormat(QStringLiteral("%p% — ") +
                          data.value(QStringLiteral("message")).toString());
    const QString error = data.value(QStringLiteral("error_message")).toString();
    if (!error.isEmpty()) {
        m_error->setText(error);
        m_error->show();
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
    return m_error->isVisible() || !m_error->isHidden() ? m_error->text() : QString();
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
