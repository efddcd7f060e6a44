// SPDX-License-Identifier: GPL-3.0-or-later

// The desktop window (offscreen) while the host's Docker engine is down (issue #20, item 4):
// the host's sidebar entry and the status bar say "Docker engine unreachable at <address> — is
// dockerd running?" instead of "connected", the host's apps keep their last known state,
// greyed, instead of "no container"; once the engine is back all of it follows the engine
// again. Against a real server whose engine is a private dockerd this test starts and kills.
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "PrivateEngine.h"
#include "SidebarApps.h"
#include "TestSupport.h"
#include "client/ServerSession.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLabel>
#include <QListView>
#include <QPalette>
#include <QPushButton>
#include <QScrollBar>
#include <QStatusBar>
#include <QTest>
#include <QTreeWidgetItem>

using namespace mist;
using namespace mist::test;

namespace {
bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 30000) {
    WsRecorder w;
    return w.waitFor(predicate, timeoutMs);
}
bool statusBarSays(gui::MainWindow &w, const QString &text) {
    for (const QLabel *label : w.statusBar()->findChildren<QLabel *>())
        if (label->text() == text)
            return true;
    return false;
}
} // namespace

class TestEngineDown : public QObject {
    Q_OBJECT
    PrivateEngine engine{QStringLiteral("mist-engine-down")};
    std::unique_ptr<ServerFixture> f;
    const QString container = QStringLiteral("mist-enginedown-web");

private Q_SLOTS:
    void initTestCase() {
        MIST_VERIFY_OK(engine.start());
        // Everything in this process (docker CLI calls too) uses the private engine.
        engine.useForDockerCli();
        server::ServerConfig config;
        config.port = 0;
        config.dockerHost = engine.dockerHost();
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        QVERIFY(!runContainer(container, QStringLiteral("while true; do sleep 1; done")).isEmpty());
        store::App app;
        app.name = QStringLiteral("web");
        app.projectName = QStringLiteral("alpha");
        app.containerName = container;
        QVERIFY(f->store().apps().add(app));
    }

    void cleanupTestCase() {
        f.reset();
        engine.stop();
    }

    void engineDownSaidOnceAppsKeepStateGreyedThenBack() {
        gui::MainWindow w;
        auto *session = signedInSession(*f, QStringLiteral("owner@example.com"), &w);
        QVERIFY(session);
        const QString label = QStringLiteral("Local server");
        w.setLocalSession(session, label);
        w.setLocalEngineAddress(engine.dockerHost());
        w.connectTo(session, label);
        w.show();
        auto web = [&]() -> QTreeWidgetItem * {
            const auto apps = gui::SidebarApps::apps(w.hostItem(0));
            return apps.isEmpty() ? nullptr : apps.first();
        };
        auto stateLine = [&] {
            return web() ? web()->text(0).section(u'\n', 1, 1) : QString();
        };
        QVERIFY(waitFor([&] { return web() && w.appState(0, 0) == u"running"; }));
        QVERIFY(waitFor([&] { return w.hostText(0).endsWith(QStringLiteral("\nconnected")); }));
        QVERIFY(!web()->data(0, Qt::ForegroundRole).isValid());
        const QString known = stateLine();
        QVERIFY2(known.startsWith(QStringLiteral("Up")), qPrintable(known));

        MIST_VERIFY_OK(engine.kill());
        const QString said =
            QStringLiteral("Docker engine unreachable at %1 \u2014 is dockerd running?")
                .arg(engine.dockerHost());
        QVERIFY2(waitFor([&] { return w.hostText(0) == label + u'\n' + said; }),
                 qPrintable(w.hostText(0)));
        QVERIFY(waitFor([&] { return statusBarSays(w, said); }));
        // Listed again (and the stats socket ticking) while the engine is down: the app keeps
        // its last known state, greyed, not "no container".
        w.refreshApps();
        QTest::qWait(4000);
        QCOMPARE(w.appState(0, 0), QStringLiteral("running"));
        QVERIFY2(stateLine().startsWith(QStringLiteral("Up")), qPrintable(stateLine()));
        QCOMPARE(web()->data(0, Qt::ForegroundRole).value<QBrush>().color(),
                 QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text));
        QCOMPARE(w.hostText(0), label + u'\n' + said);

        // The engine is back: the host is connected again and the app follows the engine (its
        // container died with the engine and has no restart policy: exited).
        MIST_VERIFY_OK(engine.start());
        QVERIFY2(
            waitFor([&] { return w.hostText(0) == label + QStringLiteral("\nconnected"); }, 60000),
            qPrintable(w.hostText(0)));
        QVERIFY(waitFor([&] { return !statusBarSays(w, said); }));
        QElapsedTimer sinceRefresh;
        sinceRefresh.start();
        QVERIFY2(waitFor(
                     [&] {
                         if (sinceRefresh.elapsed() > 1000) { // listed once a second at most
                             w.refreshApps();
                             sinceRefresh.restart();
                         }
                         return w.appState(0, 0) == u"exited";
                     },
                     60000),
                 qPrintable(stateLine()));
        QVERIFY(!web()->data(0, Qt::ForegroundRole).isValid());
        removeContainer(container);
    }

    // A log view following a chatty container's tail (about 2 000 lines/s) while the engine goes
    // away and comes back (the container restarts with it: restart policy "always") follows the new
    // lines again, at the bottom, without "N new lines — jump to end"; the engine's absence is said
    // in the log once, not once per retry.
    void followingViewFollowsAgainAfterEngineBack() {
        const QString chatty = QStringLiteral("mist-enginedown-chatty");
        QVERIFY(!runContainer(chatty,
                              QStringLiteral("echo started; i=0; while true; do for j in 1 2 3 4 5 "
                                             "6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "
                                             "i=$((i+1)); echo \"chatty-$i\"; done; sleep "
                                             "0.01; done"),
                              {QStringLiteral("--restart"), QStringLiteral("always")})
                     .isEmpty());
        store::App app;
        app.name = QStringLiteral("chatty");
        app.projectName = QStringLiteral("alpha");
        app.containerName = chatty;
        const qint64 appId = f->store().apps().add(app).value().id;
        gui::MainWindow w;
        auto *session = signedInSession(*f, QStringLiteral("owner@example.com"), &w);
        QVERIFY(session);
        w.setLocalSession(session, QStringLiteral("Local server"));
        w.setLocalEngineAddress(engine.dockerHost());
        w.connectTo(session, QStringLiteral("Local server"));
        w.resize(1200, 800);
        w.show();
        QVERIFY(waitFor([&] { return w.appCount(0) >= 1; }));
        w.selectApp(appId);
        gui::LogView *view = w.logView();
        gui::LogModel *logs = view->model();
        auto lastLine = [&] {
            logs->flushPending();
            for (int i = logs->visibleLines() - 1; i >= 0; --i)
                if (logs->entryAt(i).kind == gui::LogEntry::Kind::Line)
                    return logs->entryAt(i).text;
            return QString();
        };
        auto atBottom = [&] {
            const QScrollBar *bar = view->listView()->verticalScrollBar();
            return bar->value() == bar->maximum();
        };
        QVERIFY(waitFor([&] { return lastLine().startsWith(QStringLiteral("chatty-")); }));
        QVERIFY(view->isFollowing());

        MIST_VERIFY_OK(engine.kill());
        logs->flushPending();
        const int killedAt = logs->visibleLines();
        QVERIFY(waitFor([&] { return w.hostText(0).contains(QStringLiteral("unreachable")); }));
        QTest::qWait(8000); // several reconnect attempts
        MIST_VERIFY_OK(engine.start());
        // Started again by the engine ("started", then counting from 1 again): its new lines
        // arrive, followed.
        auto restartedAt = [&] {
            logs->flushPending();
            for (int i = logs->visibleLines() - 1; i >= killedAt; --i)
                if (logs->entryAt(i).text == u"started")
                    return i;
            return -1;
        };
        QVERIFY2(waitFor([&] { return restartedAt() >= 0; }, 90000), qPrintable(lastLine()));
        const int before = logs->totalLines();
        QVERIFY(waitFor([&] { return lastLine().mid(7).toInt() > 300; }, 30000));
        QTest::qWait(300);
        QVERIFY2(
            view->isFollowing(),
            qPrintable(QStringLiteral("%1 new lines").arg(view->newLinesSinceFollowStopped())));
        QVERIFY(atBottom());
        auto *jump = view->findChild<QPushButton *>(QStringLiteral("jumpButton"));
        QVERIFY(jump && !jump->isVisible());
        QVERIFY(logs->totalLines() > before);
        // Said once, not once per retry.
        QStringList errors;
        for (int i = 0; i < logs->visibleLines(); ++i)
            if (logs->entryAt(i).kind == gui::LogEntry::Kind::Error)
                errors << logs->entryAt(i).text;
        QVERIFY2(errors.size() == 1, qPrintable(errors.join(u'\n')));
        QVERIFY2(errors.first().contains(QStringLiteral("cannot reach Docker engine")),
                 qPrintable(errors.first()));
        removeContainer(chatty);
        QVERIFY(f->store().apps().remove(appId).value());
    }
};

QTEST_MAIN(TestEngineDown)
#include "tst_enginedown.moc"
