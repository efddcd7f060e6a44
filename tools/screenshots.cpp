// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor-screenshots: the README's pictures, taken from the real app.
// Starts an embedded server on a private data directory against the engine in
// DOCKER_HOST, gives it a container app with live output and a git app that
// it deploys for real, then grabs each view of the main window into
// OUTPUT_DIR (docs/screenshots by default). Run it through
// scripts/screenshots.sh, which provides the engine and an X server.
#include "DeploymentsView.h"
#include "FleetView.h"
#include "LogView.h"
#include "MainWindow.h"
#include "MetricsView.h"
#include "UpstreamStandIn.h"
#include "client/ServerSession.h"
#include "engine/EngineApi.h"
#include "server/MistServer.h"
#include "store/Store.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineSeries>
#include <QListWidget>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTimer>

using namespace mist;

namespace {
void waitUntil(const std::function<bool()> &done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
}

void pause(int ms) {
    waitUntil([] { return false; }, ms);
}

// A staging step that fails leaves nothing worth a picture: stop there.
template <typename T> T orDie(Expected<T> result, const char *what) {
    if (!result)
        qFatal("%s: %s", what, qPrintable(result.error()));
    return std::move(result).value();
}

bool run(const QString &program, const QStringList &args, const QString &dir = {}) {
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.start(program, args);
    return p.waitForFinished(120000) && p.exitCode() == 0;
}
} // namespace

namespace {

// A chatty container with a mix of levels and streams, as app "web" of project "shop".
store::App addChattyApp(server::MistServer &server) {
    run(QStringLiteral("docker"), {"rm", "-f", "shop-web"});
    run(QStringLiteral("docker"),
        {"run", "-d", "--init", "--network", "none", "--name", "shop-web", "mist-test-base:latest",
         "sh", "-c",
         "i=0; while true; i=$((i+1)); do echo \"$(date -Iseconds) INFO GET /products/$i 200 "
         "3ms\"; "
         "[ $((i % 7)) -eq 0 ] && echo \"$(date -Iseconds) WARN slow query ($((i*3)) ms)\"; "
         "[ $((i % 11)) -eq 0 ] && echo \"$(date -Iseconds) ERROR payment gateway timeout\" >&2; "
         "[ $((i % 5)) -eq 0 ] && echo \"$(date -Iseconds) DEBUG cache hit ratio 0.9$i\"; sleep "
         "0.3; done"});
    store::App web;
    web.name = QStringLiteral("web");
    web.projectName = QStringLiteral("shop");
    web.containerName = QStringLiteral("shop-web");
    return orDie(server.store().apps().add(web), "add app web");
}

// A git repository with a Dockerfile, as app "storefront" of project "shop".
store::App addGitApp(server::MistServer &server, const QTemporaryDir &work) {
    const QString repo = work.filePath(QStringLiteral("repo"));
    QDir().mkpath(repo);
    QFile dockerfile(repo + QStringLiteral("/Dockerfile"));
    dockerfile.open(QIODevice::WriteOnly);
    dockerfile.write("FROM mist-test-base:latest\nRUN echo installing dependencies && sleep 1\n"
                     "RUN echo compiling assets && sleep 1\nCOPY . /srv\n"
                     "CMD [\"sh\", \"-c\", \"while true; do echo serving; sleep 5; done\"]\n");
    dockerfile.close();
    run(QStringLiteral("git"), {"init", "-q", "-b", "main"}, repo);
    run(QStringLiteral("git"),
        {"-c", "user.name=Ada", "-c", "user.email=ada@example.com", "add", "-A"}, repo);
    run(QStringLiteral("git"),
        {"-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-qm",
         "Add product search"},
        repo);
    store::App site;
    site.name = QStringLiteral("storefront");
    site.projectName = QStringLiteral("shop");
    site.gitUrl = repo;
    return orDie(server.store().apps().add(site), "add app storefront");
}

// The git app deployed for real: one picture while it builds, one when done.
void shootDeployment(gui::MainWindow &window, const store::App &siteApp, const QString &out) {
    window.selectApp(siteApp.id);
    window.tabs()->setCurrentWidget(window.deploymentsView());
    waitUntil([&] { return window.deploymentsView()->deployButton()->isEnabled(); }, 10000);
    window.deploymentsView()->deploy();
    waitUntil(
        [&] {
            return window.deploymentsView()->currentStage() == u"building_image" &&
                   window.deploymentsView()->progressBar()->value() > 45;
        },
        60000);
    window.grab().save(out + QStringLiteral("/deployment-running.png"));
    waitUntil([&] { return window.deploymentsView()->currentStatus() == u"success"; }, 120000);
    pause(500);
    window.grab().save(out + QStringLiteral("/deployment-done.png"));
}

// A 3-replica Swarm service's merged log (scripts/screenshots.sh makes the
// engine a single-node swarm).
void shootServiceLogs(gui::MainWindow &window, server::MistServer &server, const QString &out) {
    run(QStringLiteral("docker"), {"service", "rm", "api"});
    run(QStringLiteral("docker"),
        {"service", "create", "--quiet", "--detach", "--name", "api", "--replicas", "3", "--init",
         "mist-test-base:latest", "sh", "-c",
         "i=0; while true; i=$((i+1)); do echo \"$(date -Iseconds) INFO GET /orders/$i 200 "
         "$((i % 9 + 2))ms\"; [ $((i % 13)) -eq 0 ] && echo \"$(date -Iseconds) WARN retrying "
         "payment $i\" >&2; sleep 0.7; done"});
    store::App api;
    api.name = QStringLiteral("api");
    api.projectName = QStringLiteral("shop");
    api.serviceName = QStringLiteral("api");
    const store::App apiApp = orDie(server.store().apps().add(api), "add app api");
    pause(4000); // the three tasks start and print
    window.refreshApps();
    waitUntil([&] { return window.appCount(window.currentHost()) == 3; }, 10000);
    window.selectApp(apiApp.id);
    window.tabs()->setCurrentWidget(window.logView());
    pause(8000);
    window.grab().save(out + QStringLiteral("/service-logs.png"));
}

// One window watching three hosts: this one, a second server of this
// project, and an upstream Mist server (the tests' stand-in: upstream
// cannot run here).
bool shootFleet(gui::MainWindow &window, client::ServerSession *session,
                const server::ServerConfig &config, const QTemporaryDir &work, const QString &out) {
    server::ServerConfig edgeConfig = config;
    edgeConfig.dataDir = work.filePath(QStringLiteral("edge"));
    server::MistServer edge(edgeConfig);
    if (const Expected<void> started = edge.start(); !started) {
        qCritical("second server: %s", qPrintable(started.error()));
        return false;
    }
    const store::User edgeOwner =
        orDie(edge.store().users().add(QStringLiteral("operator@example.com"), store::Role::Owner,
                                       "screenshot passphrase"),
              "add the edge owner");
    // The edge host runs its own app (a worker on this machine's engine).
    run(QStringLiteral("docker"), {"rm", "-f", "edge-worker"});
    run(QStringLiteral("docker"),
        {"run", "-d", "--init", "--network", "none", "--name", "edge-worker",
         "mist-test-base:latest", "sh", "-c",
         "while true; do echo \"$(date -Iseconds) INFO job done\"; sleep 2; done"});
    store::App worker;
    worker.name = QStringLiteral("worker");
    worker.projectName = QStringLiteral("edge");
    worker.containerName = QStringLiteral("edge-worker");
    orDie(edge.store().apps().add(worker), "add app worker");
    auto *edgeSession = new client::ServerSession(edge.httpUrl(), &window);
    edgeSession->setToken(orDie(edge.store().sessions().create(edgeOwner.id), "edge session"));
    window.connectTo(edgeSession, QStringLiteral("edge-1 (%1)").arg(edge.httpUrl().authority()));
    test::UpstreamStandIn upstream;
    upstream.statsIntervalMs = 1000;
    auto *upstreamSession = new client::ServerSession(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(upstream.port())), &window);
    bool signedIn = false;
    upstreamSession->login(upstream.email, upstream.password, [&](const Expected<void> &r) {
        upstreamSession->detectDialect(
            &window, [&, ok = r.has_value()](const Expected<void> &) { signedIn = ok; });
    });
    waitUntil([&] { return signedIn; }, 10000);
    window.connectTo(upstreamSession,
                     QStringLiteral("legacy (upstream Mist, 127.0.0.1:%1)").arg(upstream.port()));
    // Back to this host in the other tabs; the fleet keeps all three live.
    window.connectTo(session, QObject::tr("Local server"));
    window.tabs()->setCurrentWidget(window.fleet());
    waitUntil([&] { return window.fleet()->samplesReceived(2) >= 45; }, 90000);
    pause(500);
    window.grab().save(out + QStringLiteral("/fleet.png"));

    return true;
}

} // namespace

int main(int argc, char *argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("mist-monitor-screenshots"));
    const QString out =
        QDir(argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("docs/screenshots"))
            .absolutePath();
    QDir().mkpath(out);
    QTemporaryDir work;

    server::ServerConfig config;
    config.dataDir = work.filePath(QStringLiteral("data"));
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.deployNetwork = QStringLiteral("none");
    server::MistServer server(config);
    if (const Expected<void> started = server.start(); !started) {
        qCritical("server: %s", qPrintable(started.error()));
        return 1;
    }
    const store::User owner =
        orDie(server.store().users().add(QStringLiteral("operator@example.com"), store::Role::Owner,
                                         "screenshot passphrase"),
              "add the owner");

    const store::App webApp = addChattyApp(server);
    // A git app, deployed for real.
    const store::App siteApp = addGitApp(server, work);

    gui::MainWindow window;
    auto *session = new client::ServerSession(server.httpUrl(), &window);
    session->setToken(orDie(server.store().sessions().create(owner.id), "session"));
    window.setLocalSession(session, QObject::tr("Local server"));
    window.connectTo(session, QObject::tr("Local server"));
    window.resize(1200, 760);
    window.show();

    // Metrics need a minute or so of history to look like anything; the chatty app's charts
    // (CPU, memory, network, block I/O) beside the host's.
    waitUntil([&] { return window.appCount(window.currentHost()) == 2; }, 10000);
    window.selectApp(webApp.id);
    waitUntil([&] { return window.metricsView()->cpuSeries()->count() >= 40; }, 60000);
    waitUntil([&] { return window.metricsView()->appCpuSeries()->count() >= 20; }, 30000);
    window.tabs()->setCurrentWidget(window.metricsView());
    pause(300);
    window.grab().save(out + QStringLiteral("/metrics.png"));

    window.tabs()->setCurrentWidget(window.logView());
    pause(6000);
    window.grab().save(out + QStringLiteral("/logs.png"));

    shootDeployment(window, siteApp, out);

    shootServiceLogs(window, server, out);

    if (!shootFleet(window, session, config, work, out))
        return 1;

    run(QStringLiteral("docker"),
        {"rm", "-f", "shop-web", "edge-worker", engine::appContainerName(siteApp.id)});
    run(QStringLiteral("docker"), {"service", "rm", "api"});
    qInfo("screenshots in %s", qPrintable(out));
    return 0;
}
