// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppActions.h"

#include "ServerTexts.h"
#include "client/ServerSession.h"

#include <QAction>
#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

namespace mist::gui {

namespace {
QString path(qint64 appId, AppActions::Action a) {
    const char *word = a == AppActions::Action::Start  ? "start"
                       : a == AppActions::Action::Stop ? "stop"
                                                       : "restart";
    return QStringLiteral("/api/apps/%1/%2").arg(appId).arg(QLatin1String(word));
}
} // namespace

AppActions::AppActions(QWidget *dialogParent, QAction *start, QAction *stop, QAction *restart)
    : QObject(dialogParent)
    , m_parent(dialogParent)
    , m_start(start)
    , m_stop(stop)
    , m_restart(restart) {
    connect(m_start, &QAction::triggered, this, [this] { run(Action::Start); });
    connect(m_stop, &QAction::triggered, this, &AppActions::askStop);
    connect(m_restart, &QAction::triggered, this, [this] { run(Action::Restart); });
    update();
}

void AppActions::setApp(client::ServerSession *session, qint64 appId, const QString &name) {
    m_session = session;
    m_appId = session ? appId : 0;
    m_name = name;
    m_busy = false;
    m_roleKnown = false;
    m_allowed = false;
    m_reason.clear();
    if (m_appId != 0)
        readRole();
    update();
}

void AppActions::readRole() {
    const QVariant role = m_session->property(RoleProperty);
    if (role.isValid()) {
        m_roleKnown = true;
        m_allowed = role.toString() == u"owner" || role.toString() == u"admin";
        return;
    }
    if (m_session->dialect() != client::ServerSession::Dialect::Published) {
        m_roleKnown = true;
        m_reason = tr("Start, stop and restart are not available on an upstream Mist server");
        return;
    }
    QPointer<client::ServerSession> asked = m_session;
    m_session->get(QStringLiteral("/api/auth/me"), this,
                   [this, asked](const client::ServerSession::Reply &r) {
                       if (!asked)
                           return;
                       if (r.ok())
                           asked->setProperty(RoleProperty, r.data.toObject()
                                                                .value(QStringLiteral("user"))
                                                                .toObject()
                                                                .value(QStringLiteral("role"))
                                                                .toString());
                       if (asked != m_session)
                           return;
                       if (!r.ok()) {
                           m_roleKnown = true;
                           m_reason = tr("Cannot tell who you are on this server: %1").arg(r.error);
                           return update();
                       }
                       readRole();
                       update();
                   });
}

void AppActions::update() {
    QString reason;
    if (m_appId == 0)
        reason = tr("No app shown");
    else if (!m_roleKnown)
        reason = tr("Asking the server who you are…");
    else if (!m_allowed)
        reason = m_reason.isEmpty() ? tr("Only owners and admins can start, stop or restart apps")
                                    : m_reason;
    else if (m_busy)
        reason = tr("An action on %1 is under way").arg(m_name);
    const bool on = reason.isEmpty();
    const struct {
        QAction *action;
        QString tip;
    } all[] = {{m_start, tr("Start %1's container").arg(m_name)},
               {m_stop, tr("Stop %1's container").arg(m_name)},
               {m_restart, tr("Restart %1's container").arg(m_name)}};
    for (const auto &a : all) {
        a.action->setEnabled(on);
        a.action->setToolTip(on ? a.tip : reason);
    }
}

void AppActions::askStop() {
    if (m_appId == 0 || !m_allowed || m_busy)
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Stop %1?").arg(m_name),
                                tr("Stop the container of %1? It stays stopped until someone "
                                   "starts it again.")
                                    .arg(m_name),
                                QMessageBox::Cancel, m_parent);
    box->setObjectName(QLatin1String(ConfirmName));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *stop = box->addButton(tr("Stop"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    const qint64 app = m_appId;
    connect(box, &QMessageBox::finished, this, [this, box, stop, app] {
        if (box->clickedButton() == stop && app == m_appId)
            run(Action::Stop);
    });
    box->open();
}

void AppActions::run(Action action) {
    if (m_appId == 0 || !m_session || !m_allowed || m_busy)
        return;
    m_busy = true;
    update();
    const qint64 app = m_appId;
    m_session->post(
        path(app, action), {}, this, [this, app](const client::ServerSession::Reply &r) {
            if (app != m_appId)
                return; // another app is shown by now
            m_busy = false;
            update();
            if (r.ok())
                return emit finished(app, r.data.toObject());
            const QString message =
                r.error.isEmpty() ? tr("The server answered %1").arg(r.status) : r.error;
            showError(message);
            emit failed(app, message);
        });
}

void AppActions::showError(const QString &message) {
    auto *box = new QMessageBox(QMessageBox::Warning, tr("%1 not changed").arg(m_name), message,
                                QMessageBox::Ok, m_parent);
    box->setObjectName(QLatin1String(ErrorName));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace mist::gui
