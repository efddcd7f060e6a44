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
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>

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
    m_apps = new QListWidget(splitter);
    m_apps->setObjectName(QStringLiteral("appList"));
    m_apps->setMinimumWidth(180);
    connect(m_apps, &QListWidget::currentItemChanged, this, &MainWindow::onAppSelected);
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
                session->setParent(this);
                connectTo(session, label);
                m_tabs->setCurrentWidget(m_metrics);
            });
    splitter->addWidget(m_apps);
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
    QAction *apps = view->addAction(tr("Apps list"), this, [this] { m_apps->setFocus(); });
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
            // Upstream Mist servers speak another dialect; the streams
            // translate it once the session knows (metrics, logs and
            // deployment progress; upstream's REST routes are not used yet).
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

void MainWindow::connectTo(client::ServerSession *session, const QString &label) {
    if (m_session && m_session != m_localSession && m_session != session)
        m_session->deleteLater();
    m_session = session;
    m_label = label;
    // Every host stays live in the fleet view, whichever one is shown here.
    m_fleet->addHost(*session, label);
    delete m_metricsStream;
    delete m_logStream;
    m_metrics->clear();
    m_logs->model()->clear();
    m_apps->clear();
    m_selectedApp = 0;
    m_deployments->setSession(session);

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
                m_engine->setText(m.value(QStringLiteral("docker")).isObject()
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

void MainWindow::refreshApps() {
    if (!m_session)
        return;
    m_session->get(
        QStringLiteral("/api/apps"), this, [this](const client::ServerSession::Reply &reply) {
            if (!reply.ok())
                return;
            const QJsonArray apps = reply.data.toArray();
            const QSignalBlocker block(m_apps);
            const qint64 selected = m_selectedApp;
            m_apps->clear();
            for (const QJsonValue &v : apps) {
                const QJsonObject app = v.toObject();
                const qint64 id = qint64(app.value(QStringLiteral("id")).toDouble());
                const QString state = app.value(QStringLiteral("containerState")).toString();
                const QString status = app.value(QStringLiteral("containerStatus")).toString();
                auto *item = new QListWidgetItem(
                    QStringLiteral("%1\n%2 · %3")
                        .arg(app.value(QStringLiteral("name")).toString(),
                             app.value(QStringLiteral("projectName")).toString(),
                             state.isEmpty()    ? tr("no container")
                             : status.isEmpty() ? state
                                                : status),
                    m_apps);
                item->setData(AppIdRole, id);
                item->setData(AppNameRole, app.value(QStringLiteral("name")).toString());
                item->setData(AppGitRole, app.value(QStringLiteral("gitUrl")).isString());
                item->setToolTip(
                    app.value(QStringLiteral("gitUrl")).isString()
                        ? tr("Deployed from %1").arg(app.value(QStringLiteral("gitUrl")).toString())
                        : tr("Container %1")
                              .arg(app.value(QStringLiteral("containerName")).toString()));
                if (id == selected)
                    m_apps->setCurrentItem(item);
            }
        });
}

void MainWindow::selectApp(qint64 appId) {
    for (int i = 0; i < m_apps->count(); ++i) {
        if (m_apps->item(i)->data(AppIdRole).toLongLong() == appId) {
            m_apps->setCurrentRow(i);
            return;
        }
    }
}

void MainWindow::onAppSelected() {
    QListWidgetItem *item = m_apps->currentItem();
    if (!item || !m_session)
        return;
    const qint64 id = item->data(AppIdRole).toLongLong();
    if (id == m_selectedApp)
        return;
    m_selectedApp = id;
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
    m_deployments->setApp(id, item->data(AppNameRole).toString(), item->data(AppGitRole).toBool());
}

void MainWindow::onLogMessage(const QJsonObject &message) {
    const QString type = message.value(QStringLiteral("type")).toString();
    const QJsonObject data = message.value(QStringLiteral("data")).toObject();
    LogEntry e;
    if (type == u"log") {
        e.text = data.value(QStringLiteral("line")).toString();
        e.stderrStream = data.value(QStringLiteral("stream")).toString() == u"stderr";
        e.truncated = data.value(QStringLiteral("truncated")).toBool();
        // Per line at tens of thousands of lines/s: the protocol's own
        // parser, several times cheaper than QDateTime::fromString.
        e.tsMs = protocol::parseEngineTimestampNs(data.value(QStringLiteral("ts")).toString())
                     .value_or(0) /
                 1000000;
    } else if (type == u"status") {
        e.kind = LogEntry::Kind::Status;
        e.text = tr("Container %1: %2 (%3)")
                     .arg(data.value(QStringLiteral("container")).toString(),
                          data.value(QStringLiteral("state")).toString(),
                          data.value(QStringLiteral("status")).toString());
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
