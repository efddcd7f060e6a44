// SPDX-License-Identifier: GPL-3.0-or-later

// The desktop window against a real server and engine (offscreen): apps
// appear with their state, metrics charts fill, logs stream into the log
// view, a deployment drives the progress bar and stepper through every stage
// and shows the error on failure, and a dropped server is reconnected.
#include "DeploymentsView.h"
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "MetricsView.h"
#include "TestSupport.h"
#include "archive/LogArchive.h"
#include "client/ServerSession.h"
#include "server/ArchiveService.h"

#include <QLineSeries>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QUuid>

using namespace mist;
using namespace mist::test;

class TestMainWindow : public QObject {
    Q_OBJECT
    QTemporaryDir dataDir;
    std::unique_ptr<ServerFixture> f;
    QString container;
    qint64 containerApp = 0;
    qint64 gitAppId = 0;
    GitRepo repo;

    server::ServerConfig config(quint16 port = 0) {
        server::ServerConfig c;
        c.dataDir = dataDir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none");
        c.port = port;
        return c;
    }

    bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 20000) {
        WsRecorder w;
        return w.waitFor(predicate, timeoutMs);
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>(config(), ServerFixture::KeepPort{});
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        container = QStringLiteral("mist-gui-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(container,
                              QStringLiteral("for i in $(seq 1 30); do echo gui-line$i; done; "
                                             "echo oops >&2; while true; do sleep 1; done"))
                     .isEmpty());
        store::App app;
        app.name = QStringLiteral("web");
        app.containerName = container;
        QString error;
        containerApp = f->store().apps().add(app)->id;
        repo.commit(
            {{"Dockerfile", "FROM mist-test-base:latest\nRUN echo gui-build " +
                                QUuid::createUuid().toByteArray() +
                                "\nCMD [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n"}},
            QStringLiteral("gui test"));
        store::App git;
        git.name = QStringLiteral("site");
        git.gitUrl = QStringLiteral("file://") + repo.path();
        gitAppId = f->store().apps().add(git)->id;
    }

    void cleanupTestCase() {
        removeContainer(container);
        removeContainer(QStringLiteral("app-%1").arg(gitAppId));
    }

    // A container that stopped: the view shows its last output from the
    // server's archive and why it stopped, not only "not running".
    void stoppedContainerShowsItsLastWords() {
        const QString name =
            QStringLiteral("mist-gui-stopped-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(name, QStringLiteral("echo last words; echo KeyError >&2; exit 4"))
                     .isEmpty());
        store::App app;
        app.name = QStringLiteral("stopped");
        app.containerName = name;
        QString error;
        const qint64 id = f->store().apps().add(app)->id;
        // The server's archiver finds it (its sweep) and reads what it left
        // (its death is recorded at once, the lines by a backfill).
        QVERIFY(waitFor(
            [&] {
                return f->server().archive().archive()->newestLineTs(
                           id, docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                                       QStringLiteral("{{.Id}}"), name})) >= 0;
            },
            30000));
        // Searches see what the archive has written (within a second).
        f->server().archive().archive()->flush();
        gui::MainWindow window;
        auto *session = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f->port())), &window);
        session->setToken(
            f->store()
                .sessions()
                .create(f->store().users().byEmail(QStringLiteral("owner@example.com")).value()->id)
                .value());
        window.connectTo(session, QStringLiteral("Local server"));
        window.show();
        QVERIFY(waitFor([&] { return window.appCount(0) >= 3; }));
        window.selectApp(id);
        gui::LogModel *logs = window.logView()->model();
        QStringList rows;
        QVERIFY(waitFor([&] {
            logs->flushPending();
            rows.clear();
            for (int i = 0; i < logs->visibleLines(); ++i)
                rows << logs->entryAt(i).text;
            return rows.contains(QStringLiteral("Container not running"));
        }));
        const int last = rows.indexOf(QStringLiteral("last words"));
        const int err = rows.indexOf(QStringLiteral("KeyError"));
        const int died = rows.indexOf(QStringLiteral("— died (exit 4) —"));
        QVERIFY2(last >= 0 && err >= 0 && died > std::max(last, err), qPrintable(rows.join(u'|')));
        QVERIFY(rows.indexOf(QStringLiteral("Container not running")) > died);
        // Said once (the error message and the close reason are one).
        QCOMPARE(rows.count(QStringLiteral("Container not running")), 1);
        removeContainer(name);
    }

    void wholeWindow() {
        gui::MainWindow window;
        auto *session = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f->port())), &window);
        QString error;
        session->setToken(
            f->store()
                .sessions()
                .create(f->store().users().byEmail(QStringLiteral("owner@example.com")).value()->id)
                .value());
        window.setLocalSession(session, QStringLiteral("Local server"));
        window.connectTo(session, QStringLiteral("Local server"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Apps with their container state, under their host in the sidebar.
        QCOMPARE(window.hostCount(), 1);
        QVERIFY(window.hostText(0).startsWith(QStringLiteral("Local server")));
        const int apps =
            int(f->store().apps().all().value().size()); // web, site (and earlier tests')
        QVERIFY(waitFor([&] { return window.appCount(0) == apps; }));
        QString webText;
        for (int i = 0; i < window.appCount(0); ++i) {
            if (window.appText(0, i).startsWith(QStringLiteral("web")))
                webText = window.appText(0, i);
        }
        QVERIFY2(webText.contains(QStringLiteral("Up ")), qPrintable(webText));
        for (int i = 0; i < window.appCount(0); ++i)
            if (window.appText(0, i).startsWith(QStringLiteral("web")))
                QCOMPARE(window.appState(0, i), QStringLiteral("running")); // its green disc

        // Metrics: the charts receive points.
        QVERIFY(waitFor([&] { return window.metricsView()->cpuSeries()->count() >= 2; }));
        // (Waited for: on a loaded machine a sample may find the engine slow to answer, and the
        // status bar says so until the next one.)
        QVERIFY2(
            waitFor([&] { return window.connectionText().contains(QStringLiteral("connected")); }),
            qPrintable(window.connectionText()));

        // Logs: selecting the app streams its lines into the log view.
        window.selectApp(containerApp);
        gui::LogModel *logs = window.logView()->model();
        QVERIFY(waitFor([&] {
            logs->flushPending();
            return logs->totalLines() >= 32;
        }));
        // The archived lines (when the server's archive has them by now)
        // and then the live ones, each line once; the socket's status row.
        bool sawStderr = false, sawStatus = false;
        QStringList lines;
        for (int i = 0; i < logs->visibleLines(); ++i) {
            const gui::LogEntry e = logs->entryAt(i);
            sawStderr = sawStderr || (e.text == u"oops" && e.stderrStream);
            sawStatus = sawStatus || e.kind == gui::LogEntry::Kind::Status;
            if (e.kind == gui::LogEntry::Kind::Line)
                lines << e.text;
        }
        QVERIFY(sawStderr);
        QVERIFY(sawStatus);
        // Each once (the engine stamps stdout and stderr on their own, so
        // "oops" may sort among the others).
        QStringList expected{QStringLiteral("oops")};
        for (int i = 1; i <= 30; ++i)
            expected << QStringLiteral("gui-line%1").arg(i);
        lines.sort();
        expected.sort();
        QCOMPARE(lines, expected);
        window.logView()->setFilterText(QStringLiteral("gui-line1"), false);
        logs->flushPending();
        // gui-line1, gui-line10..19, and the status rows (always shown).
        int shownLines = 0;
        for (int i = 0; i < logs->visibleLines(); ++i)
            shownLines += logs->entryAt(i).kind == gui::LogEntry::Kind::Line;
        QCOMPARE(shownLines, 11);
        window.logView()->setFilterText(QString(), false);

        // An app that adopts a container has nothing to deploy: no bar, no stages.
        gui::DeploymentsView *deployments = window.deploymentsView();
        window.tabs()->setCurrentWidget(deployments);
        QVERIFY(deployments->progressBar()->isHidden());
        QVERIFY(!deployments->deployButton()->isEnabled());
        // Its build log wraps error rows whatever the Wrap setting (item 5).
        QVERIFY(deployments->logView()->wrapsErrorRows());
        QVERIFY(!window.logView()->wrapsErrorRows());

        // Deployments: Deploy drives the progress bar and the stepper to the end; the list
        // shows the commit once the clone is done and the running one's duration counts up.
        window.selectApp(gitAppId);
        QVERIFY(!deployments->progressBar()->isHidden());
        QVERIFY(waitFor([&] { return deployments->deployButton()->isEnabled(); }));
        const auto watchedRow = [&](int column) {
            QTableWidget *t = deployments->table();
            for (int row = 0; row < t->rowCount(); ++row)
                if (t->item(row, 0) && t->item(row, 0)->isSelected() && t->item(row, column))
                    return t->item(row, column)->text();
            return QString();
        };
        QSet<QString> runningDurations;
        bool commitWhileRunning = false;
        QList<int> progressSeen;
        connect(deployments->progressBar(), &QProgressBar::valueChanged, this,
                [&](int v) { progressSeen << v; });
        QStringList stagesSeen;
        QTimer sampler;
        connect(&sampler, &QTimer::timeout, this, [&] {
            const QString status = deployments->currentStatus();
            if (status == u"building" || status == u"deploying") {
                runningDurations.insert(watchedRow(3));
                commitWhileRunning = commitWhileRunning || watchedRow(2).trimmed().size() >= 7;
            }
            if (!deployments->currentStage().isEmpty() &&
                (stagesSeen.isEmpty() || stagesSeen.last() != deployments->currentStage()))
                stagesSeen << deployments->currentStage();
        });
        sampler.start(1);
        QTest::mouseClick(deployments->deployButton(), Qt::LeftButton);
        QVERIFY(waitFor([&] { return deployments->currentStatus() == u"success"; }, 120000));
        sampler.stop();
        if (stagesSeen.isEmpty() || stagesSeen.last() != deployments->currentStage())
            stagesSeen << deployments->currentStage(); // the last change came with "success"
        QCOMPARE(deployments->progressBar()->value(), 100);
        QCOMPARE(deployments->stepStates(), QStringList(5, QStringLiteral("done")));
        QVERIFY2(stagesSeen.contains(QStringLiteral("building_image")),
                 qPrintable(stagesSeen.join(u',')));
        QCOMPARE(stagesSeen.last(), QStringLiteral("completed"));
        QVERIFY(std::is_sorted(progressSeen.begin(), progressSeen.end()));
        deployments->logView()->model()->flushPending();
        QVERIFY(deployments->logView()->model()->totalLines() > 5);
        QVERIFY(deployments->errorText().isEmpty());
        QVERIFY(commitWhileRunning);
        runningDurations.remove(QString());
        QVERIFY2(
            runningDurations.size() >= 2,
            qPrintable(QStringList(runningDurations.cbegin(), runningDurations.cend()).join(u'|')));
        // Build-log lines carry the envelope's time (shown with Timestamps on).
        QVERIFY(deployments->logView()->model()->entryAt(0).tsMs > 0);

        // A failing build: the stepper stops at Build, marked failed, with the error shown;
        // the bar turns red and says where it failed.
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN exit 1\n"}},
                    QStringLiteral("broken"));
        QTest::mouseClick(deployments->deployButton(), Qt::LeftButton);
        QVERIFY(waitFor([&] { return deployments->currentStatus() == u"failed"; }, 120000));
        QCOMPARE(deployments->stepStates(),
                 (QStringList{"done", "failed", "todo", "todo", "todo"}));
        QCOMPARE(deployments->errorText(), QStringLiteral("Docker build failed: exit code 1"));
        QCOMPARE(deployments->progressBar()->text(), QStringLiteral("Failed at Build"));
        QCOMPARE(deployments->progressBar()->palette().color(QPalette::Highlight),
                 QColor(0xd3, 0x2f, 0x2f));
        QVERIFY(deployments->table()->rowCount() >= 2);
        QVERIFY(waitFor([&] { return watchedRow(1) == u"failed"; }));
        QVERIFY(!watchedRow(3).isEmpty());

        // The server goes away: the status bar says so and counts down; it
        // comes back on the same port and the window reconnects by itself.
        const quint16 port = f->port();
        f.reset();
        QVERIFY(waitFor(
            [&] { return window.connectionText().contains(QStringLiteral("reconnecting")); }));
        f = std::make_unique<ServerFixture>(config(port), ServerFixture::KeepPort{});
        QVERIFY2(f->ok(), qPrintable(f->error()));
        const int before = window.metricsView()->cpuSeries()->count();
        QVERIFY(waitFor(
            [&] { return window.connectionText().endsWith(QStringLiteral("connected")); }, 60000));
        QVERIFY(
            waitFor([&] { return window.metricsView()->cpuSeries()->count() > before; }, 10000));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
