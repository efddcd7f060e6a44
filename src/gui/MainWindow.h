#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QLabel;
class QListWidget;
class QMenu;
class QSystemTrayIcon;
class QTabWidget;

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

class DeploymentsView;
class FleetView;
class LogView;
class MetricsView;

// The desktop app's window: apps with their container state on the left;
// metrics, the selected app's live logs and its deployments in tabs; the
// connection's state in the status bar. It is a WebSocket client of one
// server at a time: the embedded one, or a remote instance.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // The embedded server's session (already signed in); used at start and
    // from Connection > Local server.
    void setLocalSession(client::ServerSession *session, const QString &label);
    // Switches to `session` (the window takes ownership unless it is the local one).
    void connectTo(client::ServerSession *session, const QString &label);
    void showEngineProblem(const QString &text);
    // --ca-cert: remote connections trust only the CA in this PEM file (it
    // fills the connect dialog's CA field and wins over the file remembered
    // with a saved connection). Empty: the system's CAs, or the saved file.
    void setCaCertFile(const QString &path) { m_caCertFile = path; }
    QString caCertFile() const { return m_caCertFile; }

    MetricsView *metricsView() const { return m_metrics; }
    LogView *logView() const { return m_logs; }
    DeploymentsView *deploymentsView() const { return m_deployments; }
    QListWidget *appList() const { return m_apps; }
    QTabWidget *tabs() const { return m_tabs; }
    QString connectionText() const;
    void selectApp(qint64 appId);
    FleetView *fleet() const { return m_fleet; }
    void refreshApps();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void rebuildConnectionMenu();
    void openConnectDialog(const QUrl &url = {}, const QString &email = {},
                           const QString &caCertFile = {}, const QString &message = {});
    void connectRemote(const QUrl &url, const QString &email, const QByteArray &password,
                       bool remember, const QString &caCertFile);
    void rememberConnection(const QUrl &url, const QString &email, const QString &caCertFile);
    void onAppSelected();
    void onLogMessage(const QJsonObject &message);
    void setConnectionText(const QString &text);

    QPointer<client::ServerSession> m_session;
    QPointer<client::ServerSession> m_localSession;
    QString m_localLabel;
    QString m_label;
    QString m_caCertFile;
    QPointer<client::StreamConnection> m_metricsStream;
    QPointer<client::StreamConnection> m_logStream;
    MetricsView *m_metrics = nullptr;
    FleetView *m_fleet = nullptr;
    LogView *m_logs = nullptr;
    DeploymentsView *m_deployments = nullptr;
    QListWidget *m_apps = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_connection = nullptr;
    QLabel *m_engine = nullptr;
    QMenu *m_connectionMenu = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QTimer m_appsTimer;
    qint64 m_selectedApp = 0;
};

} // namespace mist::gui
