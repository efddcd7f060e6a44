// SPDX-License-Identifier: GPL-3.0-or-later

#include "MainWindow.h"

#include "AlertRuleDialog.h"
#include "AlertsView.h"
#include "AppActions.h"
#include "AppListWatcher.h"
#include "AppLog.h"
#include "AppUsageView.h"
#include "ConnectDialog.h"
#include "ContainerDiscovery.h"
#include "CredentialStore.h"
#include "DeploymentsView.h"
#include "FleetView.h"
#include "LogView.h"
#include "MetricsView.h"
#include "Settings.h"
#include "SidebarApps.h"
#include "StateBadge.h"
#include "StatusWords.h"
#include "client/AlertFeed.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "ui_MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTreeWidget>

#include <optional>

// The icons live in the static mist_gui library: register them once.
static void initGuiResources() {
    Q_INIT_RESOURCE(resources);
}

namespace mist::gui {

namespace {
enum AppRoles {
    AppIdRole = SidebarApps::IdRole,
    AppNameRole = SidebarApps::NameRole,
    AppGitRole = SidebarApps::GitRole,
    AppStateRole = SidebarApps::StateRole,
    AppJsonRole = SidebarApps::JsonRole
};

QString stateText(client::StreamConnection::State state, int retry) {
    switch (state) {
    case client::StreamConnection::State::Connecting:
        return MainWindow::tr("connecting…");
    case client::StreamConnection::State::Connected:
        return MainWindow::tr("connected");
    case client::StreamConnection::State::Reconnecting:
        return MainWindow::tr("connection lost, reconnecting in %n s", nullptr, retry);
    case client::StreamConnection::State::Finished:
        return MainWindow::tr("disconnected");
    case client::StreamConnection::State::Idle:
        break;
    }
    return MainWindow::tr("not connected");
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>()) {
    initGuiResources(); // the form's window icon is one of them
    m_ui->setupUi(this);
    // Designer cannot set a splitter's stretch factors (they live in the size policies).
    m_ui->splitter->setStretchFactor(1, 4);
    connect(m_ui->hostSidebar, &QTreeWidget::currentItemChanged, this,
            &MainWindow::onSidebarSelection);
    connectViews();
    connectLogView();
    connectDiscovery();
    setUpAppActions();
    setUpStatusBar();
    m_appsTimer.setInterval(15000);
    connect(&m_appsTimer, &QTimer::timeout, this, &MainWindow::refreshApps);
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::tickStatuses);
    m_statusTimer.start();
    connectMenus();
    restoreGeometry(settings::windowGeometry.value());
    restoreState(settings::windowState.value());
}

MainWindow::~MainWindow() = default;

QTreeWidgetItem *MainWindow::hostItem(int host) const {
    return host >= 0 && host < m_hosts.size() ? m_hosts[host].item : nullptr;
}

// Apps made from the window (an adopted container, a git app) are listed and shown at once;
// a new git app is deployed from the Deployments tab once it is shown there (so that showing
// it cannot drop the deployment being followed).
void MainWindow::connectDiscovery() {
    m_discovery = new ContainerDiscovery(m_ui->hostSidebar, m_ui->addContainerAction,
                                         m_ui->newAppAction, this);
    connect(m_discovery, &ContainerDiscovery::status, this,
            [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(m_discovery, &ContainerDiscovery::appCreated, this,
            [this](client::ServerSession *session, qint64 appId, bool deploy) {
                const int host = hostOfUrl(session->baseUrl());
                session->listApps(
                    this, [this, host, appId, deploy](const client::ServerSession::Reply &r) {
                        if (host < 0 || host >= m_hosts.size() || !r.ok())
                            return;
                        showApps(host, r.data.toArray());
                        selectApp(host, appId); // shows its log and its deployments
                        if (m_selectedApp != appId)
                            return;
                        if (deploy) {
                            m_ui->tabs->setCurrentWidget(m_ui->deployments);
                            m_ui->deployments->deploy();
                        } else {
                            // An adopted container: what it prints is what the operator came
                            // to see.
                            m_ui->tabs->setCurrentWidget(m_ui->logs);
                        }
                    });
            });
}

MetricsView *MainWindow::metricsView() const {
    return m_ui->metrics;
}
LogView *MainWindow::logView() const {
    return m_ui->logs;
}
DeploymentsView *MainWindow::deploymentsView() const {
    return m_ui->deployments;
}
QTreeWidget *MainWindow::sidebar() const {
    return m_ui->hostSidebar;
}
QTabWidget *MainWindow::tabs() const {
    return m_ui->tabs;
}
FleetView *MainWindow::fleet() const {
    return m_ui->fleet;
}

AlertsView *MainWindow::alerts() const {
    return m_ui->alerts;
}

AppUsageView *MainWindow::appUsage() const {
    return m_ui->appUsage;
}

void MainWindow::connectViews() {
    connect(m_ui->fleet, &FleetView::openRequested, this,
            [this](client::ServerSession *session, const QString &label) {
                // The host is in the sidebar already: show it, with its own session.
                const int host = hostOfUrl(session->baseUrl());
                if (host >= 0) {
                    delete session;
                    showHost(host);
                } else {
                    session->setParent(this);
                    connectTo(session, label);
                }
                m_ui->tabs->setCurrentWidget(m_ui->metrics);
            });
    connect(m_ui->fleet, &FleetView::hostStateChanged, this, [this](int fleetIndex) {
        for (int i = 0; i < m_hosts.size(); ++i)
            if (m_hosts[i].fleetIndex == fleetIndex)
                updateHostItem(i);
    });
    connectAlerts();
    connect(m_ui->appUsage, &AppUsageView::appActivated, this, [this](qint64 appId) {
        selectApp(appId);
        m_ui->tabs->setCurrentWidget(m_ui->logs);
    });
    connect(m_ui->deployments, &DeploymentsView::deploymentFinished, this,
            [this](qint64, bool success, const QString &message) {
                if (m_tray)
                    m_tray->showMessage(tr("Mist Monitor"), message,
                                        success ? QSystemTrayIcon::Information
                                                : QSystemTrayIcon::Critical);
                statusBar()->showMessage(message, 10000);
                refreshApps();
                m_ui->metrics->refreshDeployments(); // its marker on the app's charts
            });
}

// A firing alert from any connected host: a system notification (and the
// status bar); the Alerts tab's title counts what is firing and not
// acknowledged, and each host's sidebar entry says how many of its own.
void MainWindow::connectAlerts() {
    connect(m_ui->alerts, &AlertsView::alertFired, this,
            [this](const QString &host, const client::AlertEntry &alert) {
                const QString text =
                    QStringLiteral("%1: %2 \u2014 %3").arg(host, alert.title, alert.message);
                if (m_tray)
                    m_tray->showMessage(tr("Alert: %1").arg(alert.title), text,
                                        alert.severity == u"info" ? QSystemTrayIcon::Information
                                        : alert.severity == u"warning" ? QSystemTrayIcon::Warning
                                                                       : QSystemTrayIcon::Critical);
                statusBar()->showMessage(text, 15000);
            });
    connect(m_ui->alerts, &AlertsView::newRuleRequested, this, [this] { openAlertRuleDialog(); });
    connect(m_ui->newAlertRuleAction, &QAction::triggered, this, [this] { openAlertRuleDialog(); });
    connect(m_ui->alerts, &AlertsView::unacknowledgedChanged, this, [this](int count) {
        const int index = m_ui->tabs->indexOf(m_ui->alerts);
        m_ui->tabs->setTabText(index, count > 0 ? tr("Ale&rts (%1)").arg(count) : tr("Ale&rts"));
        for (int i = 0; i < m_hosts.size(); ++i)
            updateHostItem(i);
    });
}

void MainWindow::setUpStatusBar() {
    // A form cannot place widgets in a status bar.
    m_connection = new QLabel(this);
    m_connection->setObjectName(QStringLiteral("connectionState"));
    m_engine = new QLabel(this);
    statusBar()->addWidget(m_connection, 1);
    statusBar()->addPermanentWidget(m_engine);
    setConnectionText(tr("Not connected"));

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("Mist Monitor"));
        m_tray->show();
    }
}

void MainWindow::connectMenus() {
    // Standard keys differ between platforms, which a form cannot say.
    m_ui->refreshAction->setShortcut(QKeySequence::Refresh);
    m_ui->quitAction->setShortcut(QKeySequence::Quit);
    connect(m_ui->refreshAction, &QAction::triggered, this, &MainWindow::refreshApps);
    connect(m_ui->quitAction, &QAction::triggered, qApp, &QApplication::quit);

    connect(m_ui->localServerAction, &QAction::triggered, this, [this] {
        if (m_localSession)
            connectTo(m_localSession, m_localLabel);
    });
    connect(m_ui->connectRemoteAction, &QAction::triggered, this, [this] {
        SavedConnection blank;
        blank.caCertFile = m_caCertFile;
        openConnectDialog(blank);
    });
    rebuildConnectionMenu();

    const std::pair<QAction *, QWidget *> tabActions[] = {
        {m_ui->showMetricsAction, m_ui->metrics},
        {m_ui->showLogsAction, m_ui->logs},
        {m_ui->showDeploymentsAction, m_ui->deployments},
    };
    for (const auto &[action, page] : tabActions)
        connect(action, &QAction::triggered, this,
                [this, page = page] { m_ui->tabs->setCurrentWidget(page); });
    connect(m_ui->focusAppsAction, &QAction::triggered, this,
            [this] { m_ui->hostSidebar->setFocus(); });
}

void MainWindow::rebuildConnectionMenu() {
    // Below the form's two actions: the saved servers, made afresh.
    qDeleteAll(m_savedConnectionActions);
    m_savedConnectionActions.clear();
    const QList<SavedConnection> saved = settings::savedConnections();
    if (!saved.isEmpty())
        m_savedConnectionActions.append(m_ui->connectionMenu->addSeparator());
    for (int i = 0; i < saved.size(); ++i) {
        const SavedConnection &c = saved[i];
        QAction *action = m_ui->connectionMenu->addAction(
            QStringLiteral("%1 (%2)").arg(c.url.toString(), c.email), this,
            [this, c] { openSavedConnection(c); });
        action->setObjectName(QStringLiteral("savedConnection%1").arg(i));
        m_savedConnectionActions.append(action);
    }
}

void MainWindow::openSavedConnection(SavedConnection connection) {
    // --ca-cert, when given, wins over the file saved with the server.
    if (!m_caCertFile.isEmpty())
        connection.caCertFile = m_caCertFile;
    CredentialStore::load(CredentialStore::keyFor(connection.url.toString(), connection.email),
                          [this, connection](const Expected<QByteArray> &pw) {
                              if (pw && !pw->isEmpty())
                                  connectRemote(connection, *pw, false);
                              else
                                  openConnectDialog(connection);
                          });
}

void MainWindow::openConnectDialog(const SavedConnection &connection, const QString &message) {
    ConnectDialog dialog(this);
    dialog.setConnection(connection);
    dialog.setMessage(message);
    if (dialog.exec() != QDialog::Accepted) {
        // Cancelled after a failure: its message goes, the shown host's state comes back.
        if (!message.isEmpty())
            showConnectionState();
        return;
    }
    connectRemote(dialog.connection(), dialog.password(), dialog.remember());
}

void MainWindow::connectRemote(const SavedConnection &connection, const QByteArray &password,
                               bool remember) {
    const QUrl &url = connection.url;
    std::optional<QSslConfiguration> ssl;
    if (!connection.caCertFile.isEmpty()) {
        // Pinned: this CA and no other (a saved file may have gone since).
        const auto pinned = client::ServerSession::pinnedCaConfiguration(connection.caCertFile);
        if (!pinned) {
            const QString text = tr("Could not connect to %1: CA certificate: %2")
                                     .arg(url.toString(), pinned.error());
            setConnectionText(text);
            openConnectDialog(connection, text);
            return;
        }
        ssl = *pinned;
    }
    auto *session = new client::ServerSession(url, this);
    if (ssl)
        session->setSslConfiguration(*ssl);
    setConnectionText(tr("Signing in to %1…").arg(url.toString()));
    session->login(connection.email, password,
                   [this, session, connection, password, remember](const Expected<void> &r) {
                       if (r)
                           signedIn(session, connection, password, remember);
                       else
                           signInFailed(session, connection, r.error());
                   });
}

void MainWindow::signInFailed(client::ServerSession *session, const SavedConnection &connection,
                              const QString &error) {
    session->deleteLater();
    // The reason in full, e.g. the certificate errors of a refused server ("TLS error with
    // https://h:p: The issuer certificate ...").
    const QString url = connection.url.toString();
    const QString text = error.contains(url) ? tr("Could not connect: %1").arg(error)
                                             : tr("Could not connect to %1: %2").arg(url, error);
    setConnectionText(text);
    openConnectDialog(connection, text);
}

void MainWindow::signedIn(client::ServerSession *session, const SavedConnection &connection,
                          const QByteArray &password, bool remember) {
    const QString url = connection.url.toString();
    if (remember) {
        // url, email and CA file in the settings (none of them is a secret); the password
        // goes to the keychain.
        settings::saveConnection(connection);
        CredentialStore::save(
            CredentialStore::keyFor(url, connection.email), password,
            [this](const Expected<void> &stored) {
                if (!stored)
                    statusBar()->showMessage(
                        tr("Password not remembered: no system keychain (%1)").arg(stored.error()),
                        10000);
            });
        rebuildConnectionMenu();
    }
    settings::lastConnection.setValue(url);
    // Upstream Mist servers speak another dialect: once the session knows, its REST calls and
    // streams speak it too.
    session->detectDialect(
        this, [this, session, url, email = connection.email](const Expected<void> &) {
            const bool upstream = session->dialect() == client::ServerSession::Dialect::Upstream;
            connectTo(session, upstream ? tr("%1 (%2, upstream Mist)").arg(url, email)
                                        : QStringLiteral("%1 (%2)").arg(url, email));
        });
}

void MainWindow::setLocalSession(client::ServerSession *session, const QString &label) {
    m_localSession = session;
    m_localLabel = label;
}

int MainWindow::hostOfUrl(const QUrl &url) const {
    for (int i = 0; i < m_hosts.size(); ++i)
        if (m_hosts[i].session && m_hosts[i].session->baseUrl() == url)
            return i;
    return -1;
}

void MainWindow::connectTo(client::ServerSession *session, const QString &label) {
    int index = hostOfUrl(session->baseUrl());
    if (index < 0) {
        Host host;
        host.item = new QTreeWidgetItem(m_ui->hostSidebar);
        host.item->setExpanded(true);
        m_hosts.append(host);
        index = int(m_hosts.size()) - 1;
    }
    Host &host = m_hosts[index];
    if (host.session && host.session != session && host.session != m_localSession) {
        if (host.session == m_session)
            m_session = nullptr; // showHost() below replaces the streams that use it
        host.session->deleteLater();
    }
    host.session = session;
    host.label = label;
    // Every host stays live in the fleet view (and its state in the sidebar).
    host.fleetIndex = m_ui->fleet->addHost(*session, label);
    m_ui->alerts->addHost(session, label);
    // The app list follows /ws/apps/stats: an app added or removed elsewhere shows at once.
    if (session->dialect() == client::ServerSession::Dialect::Published &&
        !session->findChild<AppListWatcher *>(QString(), Qt::FindDirectChildrenOnly)) {
        auto *watcher = new AppListWatcher(session, session);
        connect(watcher, &AppListWatcher::appsChanged, this, [this, session] {
            const int i = hostOfUrl(session->baseUrl());
            if (i >= 0 && m_hosts[i].session == session)
                refreshAppsOf(i);
        });
        connect(watcher, &AppListWatcher::statsUpdated, this, [this, session, watcher] {
            const int i = hostOfUrl(session->baseUrl());
            if (i < 0 || m_hosts[i].session != session)
                return;
            const QSignalBlocker block(m_ui->hostSidebar);
            SidebarApps::applyStats(m_hosts[i].item, watcher);
            if (i == m_current)
                m_ui->appUsage->setStats(watcher->stats());
        });
    }
    updateHostItem(index);
    m_current = -1; // a new session: show it afresh even if it was shown
    showHost(index);
}

void MainWindow::showHost(int index) {
    if (index < 0 || index >= m_hosts.size() || !m_hosts[index].session)
        return;
    if (index == m_current) {
        const QSignalBlocker block(m_ui->hostSidebar);
        if (!m_ui->hostSidebar->currentItem() ||
            (m_ui->hostSidebar->currentItem() != m_hosts[index].item &&
             SidebarApps::hostOf(m_ui->hostSidebar->currentItem()) != m_hosts[index].item))
            m_ui->hostSidebar->setCurrentItem(m_hosts[index].item);
        return;
    }
    m_current = index;
    client::ServerSession *session = m_hosts[index].session;
    m_session = session;
    m_label = m_hosts[index].label;
    delete m_metricsStream;
    m_ui->metrics->clear();
    m_ui->metrics->setSession(session); // the charts open filled with its history
    // The host's apps' logs stay kept; the view shows none until an app is picked.
    parkAppLog();
    m_appLog = nullptr;
    m_ui->logs->setModel(nullptr);
    m_ui->logs->model()->clear();
    m_ui->logs->setLiveTail(true);
    m_ui->logs->setHistoryStatus(QString());
    m_ui->logs->setHistorySearchAvailable(true);
    m_selectedApp = 0;
    m_appActions->setApp(nullptr, 0, QString());
    m_ui->logs->setAppActionsVisible(false);
    m_ui->logs->setAppStatus(QString());
    m_engine->clear();
    m_ui->deployments->setSession(session);
    AppListWatcher *watcher = watcherOf(index);
    m_ui->appUsage->setAvailable(watcher != nullptr);
    if (watcher)
        m_ui->appUsage->setStats(watcher->stats());
    {
        const QSignalBlocker block(m_ui->hostSidebar);
        if (!m_ui->hostSidebar->currentItem() ||
            (m_ui->hostSidebar->currentItem() != m_hosts[index].item &&
             SidebarApps::hostOf(m_ui->hostSidebar->currentItem()) != m_hosts[index].item))
            m_ui->hostSidebar->setCurrentItem(m_hosts[index].item);
    }

    m_metricsStream = new client::StreamConnection(session, QStringLiteral("/ws/metrics"), this);
    connect(m_metricsStream, &client::StreamConnection::message, m_ui->metrics,
            &MetricsView::addSample);
    auto showState = [this] {
        if (!m_metricsStream)
            return;
        setConnectionText(QStringLiteral("%1 — %2").arg(
            m_label, stateText(m_metricsStream->state(), m_metricsStream->secondsUntilRetry())));
    };
    connect(m_metricsStream, &client::StreamConnection::stateChanged, this, showState);
    connect(m_metricsStream, &client::StreamConnection::retryCountdown, this, showState);
    connect(
        m_metricsStream, &client::StreamConnection::failed, this,
        [this](const QString &reason) { setConnectionText(tr("%1 — %2").arg(m_label, reason)); });
    connect(m_metricsStream, &client::StreamConnection::message, this,
            [this](const QJsonObject &m) {
                // Upstream Mist reports no engine figures: nothing to warn about.
                const bool upstream =
                    m_session && m_session->dialect() == client::ServerSession::Dialect::Upstream;
                m_engine->setText(m.value(QStringLiteral("docker")).isObject() || upstream
                                      ? QString()
                                      : engineDownText(m_current));
            });
    m_metricsStream->open();
    refreshApps();
    m_appsTimer.start();
}

void MainWindow::showEngineProblem(const QString &text) {
    m_engine->setText(text);
}

void MainWindow::updateHostItem(int index) {
    Host &host = m_hosts[index];
    // The engine down: said on the host (its apps keep their last known state, greyed).
    const bool engineDown = m_ui->fleet->engineDown(host.fleetIndex);
    if (SidebarApps::setEngineDown(host.item, engineDown, watcherOf(index)))
        QTimer::singleShot(0, this, [this, index] { // the engine's word on the apps, at once
            if (index < m_hosts.size())
                refreshAppsOf(index);
        });
    QString state = engineDown ? engineDownText(index) : m_ui->fleet->hostState(host.fleetIndex);
    // The host's alerts that fire and are not acknowledged (the Alerts tab).
    const int firing =
        host.session ? m_ui->alerts->unacknowledgedCount(host.session->baseUrl()) : 0;
    // ... and each app's own, after its name.
    SidebarApps::setAlertCounts(host.item,
                                host.session
                                    ? m_ui->alerts->unacknowledgedByApp(host.session->baseUrl())
                                    : QHash<qint64, int>(),
                                watcherOf(index));
    if (firing > 0)
        state += (state.isEmpty() ? QString() : QStringLiteral(" \u00b7 ")) +
                 tr("%n alert(s) firing", nullptr, firing);
    host.item->setText(0, state.isEmpty() ? host.label
                                          : QStringLiteral("%1\n%2").arg(host.label, state));
    QFont font = host.item->font(0);
    font.setBold(true);
    host.item->setFont(0, font);
    host.item->setData(0, Qt::UserRole, index);
    QString tip = host.session ? host.session->baseUrl().toString() : QString();
    if (!host.appsError.isEmpty())
        tip += u'\n' + tr("Apps could not be listed: %1").arg(host.appsError);
    if (engineDown)
        tip += u'\n' + engineDownText(index);
    host.item->setToolTip(0, tip);
}

QString MainWindow::engineDownText(int index) const {
    if (index < 0 || index >= m_hosts.size())
        return QString();
    const bool local = m_hosts[index].session && m_hosts[index].session == m_localSession;
    return SidebarApps::engineUnreachableText(local ? m_localEngine : QString(),
                                              m_hosts[index].label);
}

QString MainWindow::hostText(int host) const {
    return host >= 0 && host < m_hosts.size() ? m_hosts[host].item->text(0) : QString();
}

int MainWindow::appCount(int host) const {
    return host >= 0 && host < m_hosts.size() ? int(SidebarApps::apps(m_hosts[host].item).size())
                                              : 0;
}

QTreeWidgetItem *MainWindow::appItem(int host, int row) const {
    if (host < 0 || host >= m_hosts.size())
        return nullptr;
    const QList<QTreeWidgetItem *> apps = SidebarApps::apps(m_hosts[host].item);
    return row >= 0 && row < apps.size() ? apps[row] : nullptr;
}

QString MainWindow::appState(int host, int row) const {
    QTreeWidgetItem *item = appItem(host, row);
    return item ? item->data(0, AppStateRole).toString() : QString();
}

QString MainWindow::appText(int host, int row) const {
    QTreeWidgetItem *item = appItem(host, row);
    return item ? item->text(0) : QString();
}

void MainWindow::refreshApps() {
    // Every host's list, each from its own session: one that does not answer
    // leaves the others current.
    for (int i = 0; i < m_hosts.size(); ++i)
        refreshAppsOf(i);
}

void MainWindow::refreshAppsOf(int index) {
    client::ServerSession *session = m_hosts[index].session;
    if (!session)
        return;
    const quint64 asked = ++m_hosts[index].appsAsked;
    session->listApps(this, [this, index, asked, guard = QPointer<client::ServerSession>(session)](
                                const client::ServerSession::Reply &reply) {
        if (!guard || index >= m_hosts.size() || m_hosts[index].session != guard)
            return; // the host has another session by now
        Host &host = m_hosts[index];
        if (asked < host.appsShown)
            return; // a later list has been shown already
        host.appsShown = asked;
        host.appsError = reply.ok() ? QString() : reply.error;
        if (reply.ok() && reply.skipped > 0)
            host.appsError =
                tr("%n app(s) in an unknown shape left out: %1", nullptr, reply.skipped)
                    .arg(reply.skipReason);
        updateHostItem(index);
        if (reply.ok()) // else keep what was listed
            showApps(index, reply.data.toArray());
    });
}

void MainWindow::showApps(int index, const QJsonArray &apps) {
    const QSignalBlocker block(m_ui->hostSidebar);
    Host &host = m_hosts[index];
    const bool shown = index == m_current;
    QTreeWidgetItem *current = m_ui->hostSidebar->currentItem();
    const bool appWasCurrent =
        shown && SidebarApps::isApp(current) && SidebarApps::hostOf(current) == host.item;
    // Grouped by project, before the Containers node (SidebarApps.h).
    const QSet<QString> collapsed = SidebarApps::clear(host.item);
    // While the engine is down, the apps keep their last known state (SidebarApps.h).
    for (const QJsonValue &v : SidebarApps::keepKnownStates(host.item, apps)) {
        const QJsonObject app = v.toObject();
        // The sidebar elides the middle of a long status; the tooltip has it whole.
        QStringList tip{app.value(QStringLiteral("containerStatus")).toString(), appToolTip(app)};
        tip.removeAll(QString());
        QTreeWidgetItem *item = SidebarApps::add(host.item, app, collapsed, tip.join(u'\n'));
        if (shown && item->data(0, AppIdRole).toLongLong() == m_selectedApp)
            m_ui->hostSidebar->setCurrentItem(item);
    }
    SidebarApps::applyStats(host.item, watcherOf(index));
    if (host.session) // the new items learn their alerts
        SidebarApps::setAlertCounts(host.item,
                                    m_ui->alerts->unacknowledgedByApp(host.session->baseUrl()),
                                    watcherOf(index));
    host.item->setExpanded(true);
    if (shown)
        showAppStatus(QDateTime::currentMSecsSinceEpoch());
    if (appWasCurrent && m_ui->hostSidebar->currentItem() == nullptr)
        m_ui->hostSidebar->setCurrentItem(host.item);
    m_discovery->update(host.item, host.session, apps);
}

AppListWatcher *MainWindow::watcherOf(int host) const {
    client::ServerSession *session =
        host >= 0 && host < m_hosts.size() ? m_hosts[host].session.data() : nullptr;
    return session ? session->findChild<AppListWatcher *>(QString(), Qt::FindDirectChildrenOnly)
                   : nullptr;
}

QString MainWindow::liveStatus(const QJsonObject &app, qint64 nowMs) {
    return SidebarApps::liveStatus(app, nowMs);
}

// Once a second the sidebar's status words move on ("Up 48 seconds", "Up 49 seconds").
void MainWindow::tickStatuses() {
    for (int i = 0; i < m_hosts.size(); ++i) {
        SidebarApps::applyStats(m_hosts[i].item, watcherOf(i));
        // The fleet's cards count the apps by state, with the sidebar's badges.
        QMap<QString, int> states;
        QList<QPair<QString, double>> cpu; // ... and name the busiest
        for (const QTreeWidgetItem *app : SidebarApps::apps(m_hosts[i].item)) {
            ++states[app->data(0, AppStateRole).toString()];
            const QVariant percent = app->data(0, SidebarApps::CpuRole);
            if (percent.isValid())
                cpu.append({app->data(0, AppNameRole).toString(), percent.toDouble()});
        }
        m_ui->fleet->setAppStates(m_hosts[i].fleetIndex, states);
        m_ui->fleet->setTopApps(m_hosts[i].fleetIndex, cpu);
    }
    showAppStatus(QDateTime::currentMSecsSinceEpoch());
}

// The log view's line above the list: the shown app's status, worded as in the sidebar.
void MainWindow::showAppStatus(qint64 nowMs) {
    QString text;
    if (m_current >= 0 && m_current < m_hosts.size() && m_selectedApp != 0) {
        if (const QTreeWidgetItem *item =
                SidebarApps::find(m_hosts[m_current].item, m_selectedApp)) {
            const QJsonObject app = item->data(0, AppJsonRole).toJsonObject();
            const QString status = app.value(QStringLiteral("containerState")).isString()
                                       ? liveStatus(app, nowMs)
                                       : tr("no container");
            text =
                QStringLiteral("%1 · %2").arg(app.value(QStringLiteral("name")).toString(), status);
        }
    }
    m_ui->logs->setAppStatus(text);
}

QString MainWindow::appToolTip(const QJsonObject &app) {
    const QString service = app.value(QStringLiteral("serviceName")).toString();
    QString tip =
        app.value(QStringLiteral("gitUrl")).isString()
            ? tr("Deployed from %1").arg(app.value(QStringLiteral("gitUrl")).toString())
        : service.isEmpty()
            ? tr("Container %1").arg(app.value(QStringLiteral("containerName")).toString())
            : QString();
    if (!service.isEmpty()) {
        // Replicas as the engine counts them ("3/3 tasks running" above); which task and node
        // each line comes from is in the log.
        const int replicas = app.value(QStringLiteral("replicas")).toInt();
        const QString line =
            replicas > 0 ? tr("Swarm service %1 of %n replica(s)", nullptr, replicas).arg(service)
                         : tr("Swarm service %1").arg(service);
        tip = tip.isEmpty() ? line : tip + u'\n' + line;
    }
    return tip;
}

void MainWindow::selectApp(qint64 appId) {
    selectApp(m_current, appId);
}

void MainWindow::selectApp(int hostIndex, qint64 appId) {
    if (hostIndex < 0 || hostIndex >= m_hosts.size())
        return;
    if (QTreeWidgetItem *item = SidebarApps::find(m_hosts[hostIndex].item, appId))
        m_ui->hostSidebar->setCurrentItem(item);
}

void MainWindow::onSidebarSelection() {
    QTreeWidgetItem *item = m_ui->hostSidebar->currentItem();
    if (!item)
        return;
    const int host = m_ui->hostSidebar->indexOfTopLevelItem(SidebarApps::hostOf(item));
    if (host < 0)
        return;
    if (host != m_current)
        showHost(host);
    if (SidebarApps::isApp(item))
        openApp(item);
}

void MainWindow::openApp(QTreeWidgetItem *item) {
    if (!m_session || ContainerDiscovery::kind(item) != ContainerDiscovery::NotOurs)
        return;
    const qint64 id = item->data(0, AppIdRole).toLongLong();
    if (id == m_selectedApp)
        return;
    m_selectedApp = id;
    m_appActions->setApp(m_session, id, item->data(0, AppNameRole).toString());
    m_ui->logs->setAppActionsVisible(true);
    showAppLog(id);
    m_ui->metrics->setApp(id, item->data(0, AppNameRole).toString());
    showAppStatus(QDateTime::currentMSecsSinceEpoch());
    m_ui->deployments->setApp(id, item->data(0, AppNameRole).toString(),
                              item->data(0, AppGitRole).toBool());
}

// Start, Stop, Restart (AppActions): in the log view's toolbar, and on an app's context menu in
// the sidebar (a right click shows that app first). After an action the list is read again.
void MainWindow::setUpAppActions() {
    const QList<QAction *> actions = m_ui->logs->appActions();
    m_appActions = new AppActions(this, actions.value(0), actions.value(1), actions.value(2));
    connect(m_appActions, &AppActions::finished, this, &MainWindow::refreshApps);
    m_appMenu = new QMenu(this);
    m_appMenu->addActions(actions);
    m_appMenu->addSeparator();
    m_appMenu->addAction(m_ui->newAlertRuleAction);
    QTreeWidget *sidebar = m_ui->hostSidebar;
    sidebar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(sidebar, &QTreeWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        // Apps only: hosts and containers have ContainerDiscovery's menu, project nodes none.
        QTreeWidgetItem *item = m_ui->hostSidebar->itemAt(pos);
        if (!SidebarApps::isApp(item))
            return;
        m_ui->hostSidebar->setCurrentItem(item);
        m_appMenu->popup(m_ui->hostSidebar->viewport()->mapToGlobal(pos));
    });
}

// The Apps menu, an app's context menu and the Alerts tab open it; the rule is saved by the
// dialog (POST /api/alerts/rules), which stays open on a refusal.
AlertRuleDialog *MainWindow::openAlertRuleDialog() {
    if (!m_session || m_current < 0 || m_current >= m_hosts.size()) {
        statusBar()->showMessage(tr("Connect to a server first"), 8000);
        return nullptr;
    }
    if (m_session->dialect() == client::ServerSession::Dialect::Upstream) {
        statusBar()->showMessage(tr("Upstream Mist servers have no alerts"), 8000);
        return nullptr;
    }
    QList<AlertRuleDialog::AppChoice> apps;
    for (const QTreeWidgetItem *item : SidebarApps::apps(m_hosts[m_current].item))
        apps.append({item->data(0, AppIdRole).toLongLong(), item->data(0, AppNameRole).toString()});
    auto *dialog = new AlertRuleDialog(
        m_session, apps, m_selectedApp > 0 ? std::optional<qint64>(m_selectedApp) : std::nullopt,
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AlertRuleDialog::ruleSaved, this, [this](qint64, const QString &name) {
        statusBar()->showMessage(tr("Alert rule \u201c%1\u201d saved").arg(name), 8000);
    });
    dialog->open();
    return dialog;
}

void MainWindow::connectLogView() {
    LogView *view = m_ui->logs;
    connect(view, &LogView::olderWanted, this, [this] {
        if (m_appLog)
            m_appLog->loadOlder();
    });
    connect(view, &LogView::newerWanted, this, [this] {
        if (m_appLog)
            m_appLog->loadNewer();
    });
    connect(view, &LogView::liveWanted, this, [this] {
        if (m_appLog)
            m_appLog->goLive();
    });
    connect(view, &LogView::followingChanged, this, [this](bool following) {
        if (m_appLog)
            m_appLog->setReaderFollowing(following);
    });
    connect(view, &LogView::historySearchRequested, this,
            [this](const QString &pattern, std::optional<qint64> sinceNs) {
                if (m_appLog)
                    m_appLog->search(pattern, sinceNs);
            });
    connect(view, &LogView::historyMoreRequested, this, [this] {
        if (m_appLog)
            m_appLog->searchMore();
    });
    connect(view, &LogView::historyResultActivated, this, [this](qint64 tsNs) {
        if (m_appLog)
            m_appLog->jumpTo(tsNs);
    });
}

void MainWindow::parkAppLog() {
    for (KeptLog &kept : m_appLogs)
        if (kept.log == m_appLog)
            kept.position = m_ui->logs->position();
}

void MainWindow::showAppLog(qint64 appId) {
    LogView *view = m_ui->logs;
    parkAppLog();
    auto it = std::find_if(m_appLogs.begin(), m_appLogs.end(), [&](const KeptLog &k) {
        return k.log->session() == m_session && k.log->appId() == appId;
    });
    KeptLog kept;
    const bool isNew = it == m_appLogs.end();
    if (!isNew) {
        kept = *it;
        m_appLogs.erase(it);
    } else {
        kept.log = new AppLog(m_session, appId, this);
        AppLog *log = kept.log;
        // Only the shown log speaks to the view; a kept one is read again when shown.
        connect(log, &AppLog::historyStatusChanged, this, [this, log](const QString &text) {
            if (log == m_appLog)
                m_ui->logs->setHistoryStatus(text);
        });
        connect(log, &AppLog::liveChanged, this, [this, log](bool live) {
            if (log == m_appLog)
                m_ui->logs->setLiveTail(live);
        });
        connect(log, &AppLog::availabilityChanged, this, [this, log] {
            if (log == m_appLog)
                m_ui->logs->setHistorySearchAvailable(log->historyAvailable(),
                                                      log->historyReason());
        });
        connect(log, &AppLog::searchFinished, this,
                [this, log](const QList<LogEntry> &results, const QString &error, bool more,
                            bool append) {
                    if (log == m_appLog)
                        m_ui->logs->showHistoryResults(results, error, more, append);
                });
        connect(log, &AppLog::revealRequested, this, [this, log](qint64 tsNs) {
            if (log == m_appLog)
                m_ui->logs->revealLine(tsNs);
        });
    }
    m_appLogs.push_front(kept);
    while (int(m_appLogs.size()) > KeptAppLogs) {
        delete m_appLogs.back().log; // closes its socket
        m_appLogs.pop_back();
    }
    m_appLog = kept.log;
    view->setModel(kept.log->model());
    view->setLiveTail(kept.log->isLive());
    view->setHistoryStatus(kept.log->historyStatus());
    view->setHistorySearchAvailable(kept.log->historyAvailable(), kept.log->historyReason());
    view->clearHistoryResults();
    kept.log->model()->flushPending();
    view->restorePosition(kept.position);
    kept.log->setReaderFollowing(view->isFollowing());
    if (isNew)
        kept.log->start();
}

QString MainWindow::serviceTasksText(const QString &service, const QJsonObject &status) {
    QStringList running;
    for (const QJsonValue &v : status.value(QStringLiteral("tasks")).toArray()) {
        const QJsonObject task = v.toObject();
        if (task.value(QStringLiteral("desiredState")).toString() != u"running")
            continue;
        QString node = task.value(QStringLiteral("nodeName")).toString();
        if (node.isEmpty())
            node = task.value(QStringLiteral("node")).toString().left(12);
        const int slot = task.value(QStringLiteral("slot")).toInt();
        running << tr("%1 on %2 (%3)")
                       .arg(slot > 0 ? QStringLiteral("%1.%2").arg(service).arg(slot) : service,
                            node, task.value(QStringLiteral("state")).toString());
    }
    return running.isEmpty() ? QString()
                             : QStringLiteral(" — ") + running.join(QStringLiteral(", "));
}

QString MainWindow::taskLabel(const QString &service, const QJsonObject &data) {
    const QString task = data.value(QStringLiteral("task")).toString();
    if (task.isEmpty())
        return QString();
    const int slot = data.value(QStringLiteral("slot")).toInt();
    QString node = data.value(QStringLiteral("nodeName")).toString();
    if (node.isEmpty())
        node = data.value(QStringLiteral("node")).toString().left(12);
    QString label = service.isEmpty() ? QStringLiteral("task") : service;
    if (slot > 0)
        label += u'.' + QString::number(slot);
    return label + u'.' + task.left(12) + u'@' + node + QStringLiteral(" | ");
}

void MainWindow::showConnectionState() {
    setConnectionText(m_metricsStream
                          ? QStringLiteral("%1 — %2").arg(
                                m_label, stateText(m_metricsStream->state(),
                                                   m_metricsStream->secondsUntilRetry()))
                          : tr("Not connected"));
}

QString MainWindow::connectionText() const {
    return m_connection->text();
}

void MainWindow::setConnectionText(const QString &text) {
    m_connection->setText(text);
}

void MainWindow::closeEvent(QCloseEvent *event) {
    settings::windowGeometry.setValue(saveGeometry());
    settings::windowState.setValue(saveState());
    QMainWindow::closeEvent(event);
}

} // namespace mist::gui
