// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>

class QAction;
class QMessageBox;
class QWidget;

namespace mist::client {
class ServerSession;
}

namespace mist::gui {

// Start, Stop and Restart of one app (POST /api/apps/{id}/start|stop|restart, docs/ACTIONS.md),
// on QActions that live elsewhere (the log view's toolbar; the sidebar's context menu shows the
// same ones). Owners and admins may use them; for anyone else (GET /api/auth/me says the role)
// they are disabled with a tooltip saying so. Stop asks first (a non-modal question, objectName
// ConfirmName). While an action runs the three are disabled. A refusal (a 403's message, an
// app without a container, the engine unreachable) is shown as the server says it (objectName
// ErrorName) and passed on in failed().
class AppActions : public QObject {
    Q_OBJECT
public:
    enum class Action { Start, Stop, Restart };
    static constexpr const char *ConfirmName = "stopConfirmation";
    static constexpr const char *ErrorName = "actionError";
    // The session's role as GET /api/auth/me said it, kept on the session (a dynamic
    // property) so that it is asked once per connection.
    static constexpr const char *RoleProperty = "mistRole";

    AppActions(QWidget *dialogParent, QAction *start, QAction *stop, QAction *restart);

    // The app the actions act on; a null session or id 0: none (all disabled).
    void setApp(client::ServerSession *session, qint64 appId, const QString &name);
    qint64 appId() const { return m_appId; }
    // Whether the signed-in user may act (known once the session's role is read).
    bool allowed() const { return m_allowed; }
    bool busy() const { return m_busy; }
    // Sends the action at once (Stop too: the question is the QAction's).
    void run(Action action);

Q_SIGNALS:
    // The server's answer: the container's (or service's) state afterwards.
    void finished(qint64 appId, const QJsonObject &state);
    void failed(qint64 appId, const QString &message);

private:
    void askStop();
    void readRole();
    void update();
    void showError(const QString &message);

    QWidget *m_parent;
    QAction *m_start;
    QAction *m_stop;
    QAction *m_restart;
    QPointer<client::ServerSession> m_session;
    qint64 m_appId = 0;
    QString m_name;
    bool m_allowed = false;
    bool m_roleKnown = false;
    bool m_busy = false;
    QString m_reason; // why the actions are off (tooltip)
};

} // namespace mist::gui
