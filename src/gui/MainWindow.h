// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogView.h"
#include "Settings.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>

#include <QTimer>
#include <QUrl>
#include <optional>

#include <deque>
#include <memory>

class QAction;
class QLabel;
class QMenu;
class QSystemTrayIcon;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace Ui {
class MainWindow;
}

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

class AlertRuleDialog;
class AlertsView;
class AppListWatcher;
class AppUsageView;
class AppActions;
class AppLog;
class ContainerDiscovery;
class DeploymentsView;
class FleetView;
class MetricsView;

// The desktop app's window. On the left, a sidebar of every host the window
// is connected to (the embedded server, remote instances of this project,
// upstream Mist servers), each with its live state and its apps beneath it.
// On the right, the shown host's metrics, the selected app's live logs and
// its deployments in tabs, and the Fleet tab with every host at once. All
// hosts stay connected together (independent sessions and streams): a click
// on a host or on one of its apps shows it, without signing in again.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // The embedded server's session (already signed in); used at start and
    // from Connection > Local server.
    void setLocalSession(client::ServerSession *session, const QString &label);
    // The embedded server's engine address (unix:///var/run/docker.sock), named when that
    // engine is unreachable.
    void setLocalEngineAddress(const QString &address) { m_localEngine = address; }
    // Adds the host of `session` to the sidebar (or, for a server already
    // there, takes the new session in place of the old one) and shows it.
    // The window takes ownership unless it is the local session.
    void connectTo(client::ServerSession *session, const QString &label);
    // Shows host `index` (sidebar order): its charts, apps, logs, deployments.
    void showHost(int index);
    void showEngineProblem(const QString &text);
    // --ca-cert: remote connections trust only the CA in this PEM file (it
    // fills the connect dialog's CA field and wins over the file remembered
    // with a saved connection). Empty: the system's CAs, or the saved file.
    void setCaCertFile(const QString &path) { m_caCertFile = path; }
    QString caCertFile() const { return m_caCertFile; }

    MetricsView *metricsView() const;
    LogView *logView() const;
    DeploymentsView *deploymentsView() const;
    QTreeWidget *sidebar() const;
    QTabWidget *tabs() const;
    QString connectionText() const;
    int hostCount() const { return int(m_hosts.size()); }
    int currentHost() const { return m_current; }
    QString hostText(int host) const; // label and live state
    int appCount(int host) const;     // apps listed under the host
    // The engine state of an app in the sidebar (its badge: StateBadge.h); empty: none.
    QString appState(int host, int row) const;
    QString appText(int host, int row) const; // "name\nstate" (SidebarApps.h)
    void selectApp(qint64 appId);             // an app of the shown host
    void selectApp(int host, qint64 appId);
    FleetView *fleet() const;
    AlertsView *alerts() const;
    AppUsageView *appUsage() const; // the App usage tab: the shown host's apps' figures
    // The host's containers no app adopts, "Add as app…", "New app…" (ContainerDiscovery.h).
    ContainerDiscovery *discovery() const { return m_discovery; }
    QTreeWidgetItem *hostItem(int host) const;
    // Start, Stop, Restart of the shown app, and the sidebar's context menu on an app.
    AppActions *appActions() const { return m_appActions; }
    QMenu *appContextMenu() const { return m_appMenu; }
    void refreshApps();
    // "New alert rule…" for the shown host, its selected app chosen at first (nullptr: no
    // host shown, or one whose server has no alerts: the status bar says so).
    AlertRuleDialog *openAlertRuleDialog();
    // The shown app's log (nullptr when none is shown) and how many apps' logs are kept.
    AppLog *currentAppLog() const { return m_appLog; }
    int keptAppLogs() const { return int(m_appLogs.size()); }
    // Recently viewed apps whose log (lines, filter, place, live socket) is kept, so
    // switching to another app and back finds it as it was (docs/ARCHIVE.md, "Desktop").
    static constexpr int KeptAppLogs = 5;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void connectViews();
    void connectAlerts();
    void setUpStatusBar();
    void connectMenus();
    void rebuildConnectionMenu();
    void openSavedConnection(SavedConnection connection);
    void openConnectDialog(const SavedConnection &connection = {}, const QString &message = {});
    void connectRemote(const SavedConnection &connection, const QByteArray &password,
                       bool remember);
    void signedIn(client::ServerSession *session, const SavedConnection &connection,
                  const QByteArray &password, bool remember);
    void signInFailed(client::ServerSession *session, const SavedConnection &connection,
                      const QString &error);
    void onSidebarSelection();
    void openApp(QTreeWidgetItem *item);
    // The app's log, kept or new (docs/ARCHIVE.md, "Desktop"), in the log view.
    void showAppLog(qint64 appId);
    void parkAppLog(); // remembers where the reader is in the shown app's log
    void connectLogView();
    void connectDiscovery();
    void refreshAppsOf(int host);
    void showApps(int host, const QJsonArray &apps);
    static QString appToolTip(const QJsonObject &app);
    QTreeWidgetItem *appItem(int host, int row) const;
    AppListWatcher *watcherOf(int host) const; // nullptr: the host's server has no stats socket
    void setUpAppActions();
    // An app's status as of `nowMs`: worked out from its container's times (StatusWords), or
    // the engine's own words when the times do not tell.
    static QString liveStatus(const QJsonObject &app, qint64 nowMs);
    void tickStatuses();
    void showAppStatus(qint64 nowMs);
    void updateHostItem(int host);
    QString engineDownText(int host) const; // SidebarApps::engineUnreachableText()
    int hostOfUrl(const QUrl &url) const;

public:
    // The label a line of a Swarm service's merged log starts with, as
    // `docker service logs` writes it: "web.2.x8ccy5ed58yl@node-1 | ", so the
    // log view's filter picks a task (web.2, or its id) or a node (@node-1).
    // Empty for a line that names no task.
    static QString taskLabel(const QString &service, const QJsonObject &logData);
    // The replicas of a service's `status` and where they run: " — web.1 on
    // node-1 (running), web.2 on node-2 (starting)"; empty without tasks.
    static QString serviceTasksText(const QString &service, const QJsonObject &status);

private:
    void setConnectionText(const QString &text);
    void showConnectionState(); // the shown host's stream state, or "Not connected"

    struct Host {
        QPointer<client::ServerSession> session;
        QString label;
        QTreeWidgetItem *item = nullptr;
        int fleetIndex = -1;
        QString appsError; // why the last app list could not be read
        // App lists overlap (the watcher, the timer, the engine coming back) and their answers
        // may arrive out of order: one older than the list shown is dropped.
        quint64 appsAsked = 0;
        quint64 appsShown = 0;
    };
    QList<Host> m_hosts;
    int m_current = -1;
    QPointer<client::ServerSession> m_session; // the shown host's
    QPointer<client::ServerSession> m_localSession;
    QString m_localLabel;
    QString m_localEngine;
    QString m_label;
    QString m_caCertFile;
    QPointer<client::StreamConnection> m_metricsStream;
    struct KeptLog {
        AppLog *log = nullptr;
        LogView::Position position;
    };
    std::deque<KeptLog> m_appLogs; // most recently shown first, at most KeptAppLogs
    AppLog *m_appLog = nullptr;    // the shown one
    std::unique_ptr<Ui::MainWindow> m_ui;
    QList<QAction *> m_savedConnectionActions; // in the Connection menu, after the form's
    QLabel *m_connection = nullptr;            // in the status bar
    QLabel *m_engine = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QTimer m_appsTimer;
    QTimer m_statusTimer; // the sidebar's status words tick
    AppActions *m_appActions = nullptr;
    QMenu *m_appMenu = nullptr;
    qint64 m_selectedApp = 0;
    ContainerDiscovery *m_discovery = nullptr;
};

} // namespace mist::gui
