// SPDX-License-Identifier: GPL-3.0-or-later

#include "MainWindow.h"

#include "AppActions.h"
#include "AppLog.h"
#include "ConnectDialog.h"
#include "CredentialStore.h"
#include "DeploymentsView.h"
#include "FleetView.h"
#include "LogView.h"
#include "MetricsView.h"
#include "Settings.h"
#include "StateBadge.h"
#include "StatusWords.h"
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
enum AppRoles { AppIdRole = Qt::UserRole, AppNameRole, AppGitRole, AppStateRole, AppJsonRole };

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
    connect(m_ui->deployments, &DeploymentsView::deploymentFinished, this,
            [this](qint64, bool success, const QString &message) {
                if (m_tray)
                    m_tray->showMessage(tr("Mist Monitor"), message,
                                        success ? QSystemTrayIcon::Information
                                                : QSystemTrayIcon::Critical);
                statusBar()->showMessage(message, 10000);
                refreshApps();
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
                          [this, connection](bool ok, const QByteArray &pw, const QString &) {
                              if (ok && !pw.isEmpty())
                                  connectRemote(connection, pw, false);
                              else
                                  openConnectDialog(connection);
                          });
}

void MainWindow::openConnectDialog(const SavedConnection &connection, const QString &message) {
    ConnectDialog dialog(this);
    dialog.setConnection(connection);
    dialog.setMessage(message);
    if (dialog.exec() != QDialog::Accepted)
        return;
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
                   [this, session, connection, password, remember](bool ok, const QString &error) {
                       if (ok)
                           signedIn(session, connection, password, remember);
                       else
                           signInFailed(session, connection, error);
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
            [this](bool stored, const QString &why) {
                if (!stored)
                    statusBar()->showMessage(
                        tr("Password not remembered: no system keychain (%1)").arg(why), 10000);
            });
        rebuildConnectionMenu();
    }
    settings::lastConnection.setValue(url);
    // Upstream Mist servers speak another dialect: once the session knows, its REST calls and
    // streams speak it too.
    session->detectDialect(
        this, [this, session, url, email = connection.email](bool, const QString &) {
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
             m_ui->hostSidebar->currentItem()->parent() != m_hosts[index].item))
            m_ui->hostSidebar->setCurrentItem(m_hosts[index].item);
        return;
    }
    m_current = index;
    client::ServerSession *session = m_hosts[index].session;
    m_session = session;
    m_label = m_hosts[index].label;
    delete m_metricsStream;
    m_ui->metrics->clear();
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
    {
        const QSignalBlocker block(m_ui->hostSidebar);
        if (!m_ui->hostSidebar->currentItem() ||
            (m_ui->hostSidebar->currentItem() != m_hosts[index].item &&
             m_ui->hostSidebar->currentItem()->parent() != m_hosts[index].item))
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
                                      : tr("Docker engine unreachable"));
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
    const QString state = m_ui->fleet->hostState(host.fleetIndex);
    host.item->setText(0, state.isEmpty() ? host.label
                                          : QStringLiteral("%1\n%2").arg(host.label, state));
    QFont font = host.item->font(0);
    font.setBold(true);
    host.item->setFont(0, font);
    host.item->setData(0, Qt::UserRole, index);
    QString tip = host.session ? host.session->baseUrl().toString() : QString();
    if (!host.appsError.isEmpty())
        tip += u'\n' + tr("Apps could not be listed: %1").arg(host.appsError);
    host.item->setToolTip(0, tip);
}

QString MainWindow::hostText(int host) const {
    return host >= 0 && host < m_hosts.size() ? m_hosts[host].item->text(0) : QString();
}

int MainWindow::appCount(int host) const {
    return host >= 0 && host < m_hosts.size() ? m_hosts[host].item->childCount() : 0;
}

QString MainWindow::appState(int host, int row) const {
    if (host < 0 || host >= m_hosts.size() || row < 0 || row >= m_hosts[host].item->childCount())
        return QString();
    return m_hosts[host].item->child(row)->data(0, AppStateRole).toString();
}

QString MainWindow::appText(int host, int row) const {
    if (row < 0 || row >= appCount(host))
        return QString();
    return m_hosts[host].item->child(row)->text(0);
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
    session->listApps(this, [this, index, guard = QPointer<client::ServerSession>(session)](
                                const client::ServerSession::Reply &reply) {
        if (!guard || index >= m_hosts.size() || m_hosts[index].session != guard)
            return; // the host has another session by now
        Host &host = m_hosts[index];
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
    const bool appWasCurrent = shown && current && current->parent() == host.item;
    qDeleteAll(host.item->takeChildren());
    for (const QJsonValue &v : apps) {
        const QJsonObject app = v.toObject();
        const qint64 id = qint64(app.value(QStringLiteral("id")).toDouble());
        const QString state = app.value(QStringLiteral("containerState")).toString();
        const QString status = liveStatus(app, QDateTime::currentMSecsSinceEpoch());
        auto *item = new QTreeWidgetItem(host.item);
        item->setData(0, AppJsonRole, app);
        item->setText(0, appLine(app, status));
        item->setIcon(0, stateIcon(state));
        item->setData(0, AppStateRole, state);
        item->setData(0, AppIdRole, id);
        item->setData(0, AppNameRole, app.value(QStringLiteral("name")).toString());
        item->setData(0, AppGitRole, app.value(QStringLiteral("gitUrl")).isString());
        // The sidebar elides the middle of a long status; the tooltip has it whole.
        QStringList tip{status, appToolTip(app)};
        tip.removeAll(QString());
        item->setToolTip(0, tip.join(u'\n'));
        if (shown && id == m_selectedApp)
            m_ui->hostSidebar->setCurrentItem(item);
    }
    host.item->setExpanded(true);
    if (shown)
        showAppStatus(QDateTime::currentMSecsSinceEpoch());
    if (appWasCurrent && m_ui->hostSidebar->currentItem() == nullptr)
        m_ui->hostSidebar->setCurrentItem(host.item);
}

QString MainWindow::liveStatus(const QJsonObject &app, qint64 nowMs) {
    auto text = [&](const char *key) {
        return app.value(QLatin1String(key)).toString();
    };
    const QString words =
        StatusWords::of(ContainerTimes{text("containerState"), text("containerStartedAt"),
                                       text("containerFinishedAt"),
                                       app.value(QStringLiteral("containerExitCode")).toInt()},
                        nowMs);
    return words.isEmpty() ? text("containerStatus") : words;
}

QString MainWindow::appLine(const QJsonObject &app, const QString &status) {
    const QString state = app.value(QStringLiteral("containerState")).toString();
    return QStringLiteral("%1\n%2 · %3")
        .arg(app.value(QStringLiteral("name")).toString(),
             app.value(QStringLiteral("projectName")).toString(),
             state.isEmpty()    ? tr("no container")
             : status.isEmpty() ? state
                                : status);
}

// Once a second the sidebar's status words move on ("Up 48 seconds", "Up 49 seconds").
void MainWindow::tickStatuses() {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const Host &host : std::as_const(m_hosts)) {
        for (int i = 0; i < host.item->childCount(); ++i) {
            QTreeWidgetItem *item = host.item->child(i);
            const QJsonObject app = item->data(0, AppJsonRole).toJsonObject();
            const QString line = appLine(app, liveStatus(app, now));
            if (item->text(0) != line)
                item->setText(0, line);
        }
    }
    showAppStatus(now);
}

// The log view's line above the list: the shown app's status, worded as in the sidebar.
void MainWindow::showAppStatus(qint64 nowMs) {
    QString text;
    if (m_current >= 0 && m_current < m_hosts.size() && m_selectedApp != 0) {
        QTreeWidgetItem *host = m_hosts[m_current].item;
        for (int i = 0; i < host->childCount(); ++i) {
            const QJsonObject app = host->child(i)->data(0, AppJsonRole).toJsonObject();
            if (host->child(i)->data(0, AppIdRole).toLongLong() != m_selectedApp)
                continue;
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
    QTreeWidgetItem *host = m_hosts[hostIndex].item;
    for (int i = 0; i < host->childCount(); ++i) {
        if (host->child(i)->data(0, AppIdRole).toLongLong() == appId) {
            m_ui->hostSidebar->setCurrentItem(host->child(i));
            return;
        }
    }
}

void MainWindow::onSidebarSelection() {
    QTreeWidgetItem *item = m_ui->hostSidebar->currentItem();
    if (!item)
        return;
    QTreeWidgetItem *hostItem = item->parent() ? item->parent() : item;
    const int host = m_ui->hostSidebar->indexOfTopLevelItem(hostItem);
    if (host < 0)
        return;
    if (host != m_current)
        showHost(host);
    if (item->parent())
        openApp(item);
}

void MainWindow::openApp(QTreeWidgetItem *item) {
    if (!m_session)
        return;
    const qint64 id = item->data(0, AppIdRole).toLongLong();
    if (id == m_selectedApp)
        return;
    m_selectedApp = id;
    m_appActions->setApp(m_session, id, item->data(0, AppNameRole).toString());
    m_ui->logs->setAppActionsVisible(true);
    showAppLog(id);
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
    QTreeWidget *sidebar = m_ui->hostSidebar;
    sidebar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(sidebar, &QTreeWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QTreeWidgetItem *item = m_ui->hostSidebar->itemAt(pos);
        if (!item || !item->parent())
            return;
        m_ui->hostSidebar->setCurrentItem(item);
        m_appMenu->popup(m_ui->hostSidebar->viewport()->mapToGlobal(pos));
    });
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
