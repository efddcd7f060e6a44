#include "MainWindow.h"

#include "ConnectDialog.h"
#include "CredentialStore.h"
#include "DeploymentsView.h"
#include "FleetView.h"
#include "LogView.h"
#include "MetricsView.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "protocol/Parsing.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTreeWidget>

#include <algorithm>
#include <optional>

// The icons live in the static mist_gui library: register them once.
static void initGuiResources() {
    Q_INIT_RESOURCE(resources);
}

namespace mist::gui {

namespace {
enum AppRoles { AppIdRole = Qt::UserRole, AppNameRole, AppGitRole };

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
    : QMainWindow(parent) {
    initGuiResources();
    setWindowTitle(tr("Mist Monitor"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/mist-monitor.svg")));
    auto *splitter = new QSplitter(this);
    m_sidebar = new QTreeWidget(splitter);
    m_sidebar->setObjectName(QStringLiteral("hostSidebar"));
    m_sidebar->setHeaderHidden(true);
    m_sidebar->setColumnCount(1);
    m_sidebar->setMinimumWidth(200);
    m_sidebar->setUniformRowHeights(false);
    connect(m_sidebar, &QTreeWidget::currentItemChanged, this, &MainWindow::onSidebarSelection);
    m_tabs = new QTabWidget(splitter);
    m_metrics = new MetricsView(m_tabs);
    m_logs = new LogView(m_tabs);
    m_deployments = new DeploymentsView(m_tabs);
    m_tabs->addTab(m_metrics, tr("&Metrics"));
    m_tabs->addTab(m_logs, tr("&Logs"));
    m_tabs->addTab(m_deployments, tr("De&ployments"));
    m_fleet = new FleetView(m_tabs);
    m_fleet->setObjectName(QStringLiteral("fleet"));
    m_tabs->addTab(m_fleet, tr("&Fleet"));
    connect(m_fleet, &FleetView::openRequested, this,
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
                m_tabs->setCurrentWidget(m_metrics);
            });
    connect(m_fleet, &FleetView::hostStateChanged, this, [this](int fleetIndex) {
        for (int i = 0; i < m_hosts.size(); ++i)
            if (m_hosts[i].fleetIndex == fleetIndex)
                updateHostItem(i);
    });
    splitter->addWidget(m_sidebar);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 4);
    setCentralWidget(splitter);

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
    connect(m_deployments, &DeploymentsView::deploymentFinished, this,
            [this](qint64, bool success, const QString &message) {
                if (m_tray)
                    m_tray->showMessage(tr("Mist Monitor"), message,
                                        success ? QSystemTrayIcon::Information
                                                : QSystemTrayIcon::Critical);
                statusBar()->showMessage(message, 10000);
                refreshApps();
            });

    m_appsTimer.setInterval(15000);
    connect(&m_appsTimer, &QTimer::timeout, this, &MainWindow::refreshApps);
    buildMenus();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1100, 720);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *refresh = file->addAction(tr("&Refresh"), this, &MainWindow::refreshApps);
    refresh->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    m_connectionMenu = menuBar()->addMenu(tr("&Connection"));
    rebuildConnectionMenu();

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < 3; ++i) {
        QAction *a = view->addAction(m_tabs->tabText(i).remove(u'&'), this,
                                     [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
    }
    QAction *apps = view->addAction(tr("Apps list"), this, [this] { m_sidebar->setFocus(); });
    apps->setShortcut(QKeySequence(QStringLiteral("Ctrl+L")));
}

void MainWindow::rebuildConnectionMenu() {
    m_connectionMenu->clear();
    m_connectionMenu->addAction(tr("&Local server"), this, [this] {
        if (m_localSession)
            connectTo(m_localSession, m_localLabel);
    });
    QAction *remote = m_connectionMenu->addAction(tr("Connect to &remote server…"), this, [this] {
        openConnectDialog({}, {}, m_caCertFile);
    });
    remote->setObjectName(QStringLiteral("connectRemoteAction"));
    remote->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+C")));
    QSettings settings;
    const int n = settings.beginReadArray(QStringLiteral("connections"));
    if (n > 0)
        m_connectionMenu->addSeparator();
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        const QUrl url(settings.value(QStringLiteral("url")).toString());
        const QString email = settings.value(QStringLiteral("email")).toString();
        const QString savedCa = settings.value(QStringLiteral("caCert")).toString();
        QAction *saved = m_connectionMenu->addAction(
            QStringLiteral("%1 (%2)").arg(url.toString(), email), this,
            [this, url, email, savedCa] {
                // --ca-cert, when given, wins over the file saved with the server.
                const QString ca = m_caCertFile.isEmpty() ? savedCa : m_caCertFile;
                CredentialStore::load(
                    CredentialStore::keyFor(url.toString(), email),
                    [this, url, email, ca](bool ok, const QByteArray &pw, const QString &) {
                        if (ok && !pw.isEmpty())
                            connectRemote(url, email, pw, false, ca);
                        else
                            openConnectDialog(url, email, ca);
                    });
            });
        saved->setObjectName(QStringLiteral("savedConnection%1").arg(i));
    }
    settings.endArray();
}

void MainWindow::openConnectDialog(const QUrl &url, const QString &email, const QString &caCertFile,
                                   const QString &message) {
    ConnectDialog dialog(this);
    dialog.setValues(url, email);
    dialog.setCaCertFile(caCertFile);
    dialog.setMessage(message);
    if (dialog.exec() != QDialog::Accepted)
        return;
    connectRemote(dialog.url(), dialog.email(), dialog.password(), dialog.remember(),
                  dialog.caCertFile());
}

void MainWindow::connectRemote(const QUrl &url, const QString &email, const QByteArray &password,
                               bool remember, const QString &caCertFile) {
    std::optional<QSslConfiguration> ssl;
    if (!caCertFile.isEmpty()) {
        // Pinned: this CA and no other (a saved file may have gone since).
        QString error;
        ssl = client::ServerSession::pinnedCaConfiguration(caCertFile, &error);
        if (!ssl) {
            const QString text =
                tr("Could not connect to %1: CA certificate: %2").arg(url.toString(), error);
            setConnectionText(text);
            openConnectDialog(url, email, caCertFile, text);
            return;
        }
    }
    auto *session = new client::ServerSession(url, this);
    if (ssl)
        session->setSslConfiguration(*ssl);
    setConnectionText(tr("Signing in to %1…").arg(url.toString()));
    session->login(
        email, password,
        [this, session, url, email, password, remember, caCertFile](bool ok, const QString &error) {
            if (!ok) {
                session->deleteLater();
                // The reason in full, e.g. the certificate errors of a refused
                // server ("TLS error with https://h:p: The issuer certificate ...").
                const QString text =
                    error.contains(url.toString())
                        ? tr("Could not connect: %1").arg(error)
                        : tr("Could not connect to %1: %2").arg(url.toString(), error);
                setConnectionText(text);
                openConnectDialog(url, email, caCertFile, text);
                return;
            }
            if (remember) {
                rememberConnection(url, email, caCertFile);
                CredentialStore::save(
                    CredentialStore::keyFor(url.toString(), email), password,
                    [this](bool stored, const QString &why) {
                        if (!stored)
                            statusBar()->showMessage(
                                tr("Password not remembered: no system keychain (%1)").arg(why),
                                10000);
                    });
                rebuildConnectionMenu();
            }
            QSettings().setValue(QStringLiteral("lastConnection"), url.toString());
            // Upstream Mist servers speak another dialect: once the session
            // knows, its REST calls and streams speak it too.
            session->detectDialect(this, [this, session, url, email](bool, const QString &) {
                const bool upstream =
                    session->dialect() == client::ServerSession::Dialect::Upstream;
                connectTo(session, upstream
                                       ? tr("%1 (%2, upstream Mist)").arg(url.toString(), email)
                                       : QStringLiteral("%1 (%2)").arg(url.toString(), email));
            });
        });
}

void MainWindow::rememberConnection(const QUrl &url, const QString &email,
                                    const QString &caCertFile) {
    // url, email and CA file in the settings (none of them is a secret); the
    // password goes to the keychain.
    struct Saved {
        QString url, email, caCert;
    };
    QSettings settings;
    QList<Saved> saved;
    const int n = settings.beginReadArray(QStringLiteral("connections"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        saved.append({settings.value(QStringLiteral("url")).toString(),
                      settings.value(QStringLiteral("email")).toString(),
                      settings.value(QStringLiteral("caCert")).toString()});
    }
    settings.endArray();
    auto it = std::find_if(saved.begin(), saved.end(), [&](const Saved &s) {
        return s.url == url.toString() && s.email == email;
    });
    if (it != saved.end())
        it->caCert = caCertFile;
    else
        saved.append({url.toString(), email, caCertFile});
    settings.remove(QStringLiteral("connections"));
    settings.beginWriteArray(QStringLiteral("connections"), int(saved.size()));
    for (int i = 0; i < saved.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("url"), saved[i].url);
        settings.setValue(QStringLiteral("email"), saved[i].email);
        if (!saved[i].caCert.isEmpty())
            settings.setValue(QStringLiteral("caCert"), saved[i].caCert);
    }
    settings.endArray();
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
        host.item = new QTreeWidgetItem(m_sidebar);
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
    host.fleetIndex = m_fleet->addHost(*session, label);
    updateHostItem(index);
    m_current = -1; // a new session: show it afresh even if it was shown
    showHost(index);
}

void MainWindow::showHost(int index) {
    if (index < 0 || index >= m_hosts.size() || !m_hosts[index].session)
        return;
    if (index == m_current) {
        const QSignalBlocker block(m_sidebar);
        if (!m_sidebar->currentItem() ||
            (m_sidebar->currentItem() != m_hosts[index].item &&
             m_sidebar->currentItem()->parent() != m_hosts[index].item))
            m_sidebar->setCurrentItem(m_hosts[index].item);
        return;
    }
    m_current = index;
    client::ServerSession *session = m_hosts[index].session;
    m_session = session;
    m_label = m_hosts[index].label;
    delete m_metricsStream;
    delete m_logStream;
    m_metrics->clear();
    m_logs->model()->clear();
    m_selectedApp = 0;
    m_engine->clear();
    m_deployments->setSession(session);
    {
        const QSignalBlocker block(m_sidebar);
        if (!m_sidebar->currentItem() ||
            (m_sidebar->currentItem() != m_hosts[index].item &&
             m_sidebar->currentItem()->parent() != m_hosts[index].item))
            m_sidebar->setCurrentItem(m_hosts[index].item);
    }

    m_metricsStream = new client::StreamConnection(session, QStringLiteral("/ws/metrics"), this);
    connect(m_metricsStream, &client::StreamConnection::message, m_metrics,
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
    const QString state = m_fleet->hostState(host.fleetIndex);
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
        if (!reply.ok())
            return; // keep what was listed
        const QSignalBlocker block(m_sidebar);
        const bool shown = index == m_current;
        const bool appWasCurrent =
            shown && m_sidebar->currentItem() && m_sidebar->currentItem()->parent() == host.item;
        qDeleteAll(host.item->takeChildren());
        for (const QJsonValue &v : reply.data.toArray()) {
            const QJsonObject app = v.toObject();
            const qint64 id = qint64(app.value(QStringLiteral("id")).toDouble());
            const QString state = app.value(QStringLiteral("containerState")).toString();
            const QString status = app.value(QStringLiteral("containerStatus")).toString();
            auto *item = new QTreeWidgetItem(host.item);
            item->setText(0, QStringLiteral("%1\n%2 · %3")
                                 .arg(app.value(QStringLiteral("name")).toString(),
                                      app.value(QStringLiteral("projectName")).toString(),
                                      state.isEmpty()    ? tr("no container")
                                      : status.isEmpty() ? state
                                                         : status));
            item->setData(0, AppIdRole, id);
            item->setData(0, AppNameRole, app.value(QStringLiteral("name")).toString());
            item->setData(0, AppGitRole, app.value(QStringLiteral("gitUrl")).isString());
            const QString service = app.value(QStringLiteral("serviceName")).toString();
            QString tip =
                app.value(QStringLiteral("gitUrl")).isString()
                    ? tr("Deployed from %1").arg(app.value(QStringLiteral("gitUrl")).toString())
                : service.isEmpty()
                    ? tr("Container %1").arg(app.value(QStringLiteral("containerName")).toString())
                    : QString();
            if (!service.isEmpty()) {
                // Replicas as the engine counts them ("3/3 tasks running" above);
                // which task and node each line comes from is in the log.
                const int replicas = app.value(QStringLiteral("replicas")).toInt();
                const QString line =
                    replicas > 0
                        ? tr("Swarm service %1 of %n replica(s)", nullptr, replicas).arg(service)
                        : tr("Swarm service %1").arg(service);
                tip = tip.isEmpty() ? line : tip + u'\n' + line;
            }
            item->setToolTip(0, tip);
            if (shown && id == m_selectedApp)
                m_sidebar->setCurrentItem(item);
        }
        host.item->setExpanded(true);
        if (appWasCurrent && m_sidebar->currentItem() == nullptr)
            m_sidebar->setCurrentItem(host.item);
    });
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
            m_sidebar->setCurrentItem(host->child(i));
            return;
        }
    }
}

void MainWindow::onSidebarSelection() {
    QTreeWidgetItem *item = m_sidebar->currentItem();
    if (!item)
        return;
    QTreeWidgetItem *hostItem = item->parent() ? item->parent() : item;
    const int host = m_sidebar->indexOfTopLevelItem(hostItem);
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
    m_logService.clear();
    delete m_logStream;
    m_logs->model()->clear();
    m_logStream = new client::StreamConnection(
        m_session, QStringLiteral("/ws/container/logs?appId=%1").arg(id), this);
    connect(m_logStream, &client::StreamConnection::message, this, &MainWindow::onLogMessage);
    connect(m_logStream, &client::StreamConnection::failed, this, [this](const QString &reason) {
        LogEntry e;
        e.kind = LogEntry::Kind::Error;
        e.text = reason;
        m_logs->model()->append(e);
    });
    m_logStream->open();
    m_deployments->setApp(id, item->data(0, AppNameRole).toString(),
                          item->data(0, AppGitRole).toBool());
}

void MainWindow::onLogMessage(const QJsonObject &message) {
    const QString type = message.value(QStringLiteral("type")).toString();
    const QJsonObject data = message.value(QStringLiteral("data")).toObject();
    LogEntry e;
    if (type == u"log") {
        e.text = taskLabel(m_logService, data) + data.value(QStringLiteral("line")).toString();
        e.stderrStream = data.value(QStringLiteral("stream")).toString() == u"stderr";
        e.truncated = data.value(QStringLiteral("truncated")).toBool();
        // Per line at tens of thousands of lines/s: the protocol's own
        // parser, several times cheaper than QDateTime::fromString.
        e.tsMs = protocol::parseEngineTimestampNs(data.value(QStringLiteral("ts")).toString())
                     .value_or(0) /
                 1000000;
    } else if (type == u"status") {
        m_logService = data.value(QStringLiteral("service")).toString();
        e.kind = LogEntry::Kind::Status;
        e.text = (m_logService.isEmpty() ? tr("Container %1: %2 (%3)") : tr("Service %1: %2 (%3)"))
                     .arg(data.value(QStringLiteral("container")).toString(),
                          data.value(QStringLiteral("state")).toString(),
                          data.value(QStringLiteral("status")).toString());
        if (!m_logService.isEmpty())
            e.text += serviceTasksText(m_logService, data);
    } else if (type == u"error") {
        e.kind = LogEntry::Kind::Error;
        e.text = data.value(QStringLiteral("message")).toString();
    } else if (type == u"end") {
        e.kind = LogEntry::Kind::End;
        e.text = data.value(QStringLiteral("message")).toString();
    } else {
        return;
    }
    m_logs->model()->append(e);
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
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace mist::gui
