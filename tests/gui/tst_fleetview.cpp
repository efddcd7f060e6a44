// SPDX-License-Identifier: GPL-3.0-or-later

// One window watching three hosts at once, offscreen: two servers of this
// project on two loopback ports and the upstream stand-in. Each host's data
// lands on its own card; stopping one server leaves the other two live; it
// comes back by itself when the server does. In the window, the sidebar lists
// each host with its state and apps, and a click shows that host's logs,
// deployments and charts.
#include "FleetView.h"
#include "MainWindow.h"
#include "StateBadge.h"
#include "TestSupport.h"
#include "UpstreamStandIn.h"

#include "AppUsageView.h"
#include "DeploymentsView.h"
#include "LogModel.h"
#include "LogView.h"
#include "MetricsView.h"
#include "client/ServerSession.h"

#include <QAction>
#include <QCategoryAxis>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include <cmath>
#include <limits>

using namespace mist;
using CpuList = QList<QPair<QString, double>>; // an app's name and CPU percent
using namespace mist::test;

namespace {
const QByteArray Password = "correct horse battery";

std::unique_ptr<client::ServerSession> signedIn(quint16 port, const QString &email,
                                                const QByteArray &password) {
    auto session = std::make_unique<client::ServerSession>(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    bool done = false, ok = false;
    session->login(email, password, [&](const mist::Expected<void> &r) {
        ok = r.has_value();
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000) || !ok)
        return {};
    done = false;
    session->detectDialect(nullptr, [&](const mist::Expected<void> &) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        return {};
    return session;
}

// The lines of the window's log view (flushed first).
QStringList logLines(gui::MainWindow &window) {
    gui::LogModel *logs = window.logView()->model();
    logs->flushPending();
    QStringList out;
    for (int i = 0; i < logs->visibleLines(); ++i)
        out << logs->entryAt(i).text;
    return out;
}
} // namespace

class TestFleetView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A host whose sign-in is no longer good (revoked, expired, the password
    // changed elsewhere) says so in the sidebar and is not retried forever;
    // the other hosts are not affected.
    void refusedSignInShowsInTheSidebar() {
        server::ServerConfig config;
        config.port = 0;
        ServerFixture good(config), revoked(config);
        QVERIFY2(good.ok() && revoked.ok(), qPrintable(good.error() + revoked.error()));
        good.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        const store::User owner =
            revoked.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        auto a = signedIn(good.port(), QStringLiteral("owner@example.com"), Password);
        auto b = signedIn(revoked.port(), QStringLiteral("owner@example.com"), Password);
        QVERIFY(a && b);
        QString error;
        error = revoked.store().sessions().revokeAllOf(owner.id).error();
        QVERIFY2(error.isEmpty(), qPrintable(error));

        gui::MainWindow window;
        window.connectTo(a.release(), QStringLiteral("good"));
        window.connectTo(b.release(), QStringLiteral("revoked"));
        window.show();
        QVERIFY(QTest::qWaitFor(
            [&] { return window.hostText(1).contains(QStringLiteral("sign-in refused")); }, 15000));
        QVERIFY2(window.hostText(1).contains(QStringLiteral("401")),
                 qPrintable(window.hostText(1)));
        QVERIFY(QTest::qWaitFor(
            [&] { return window.hostText(0).contains(QStringLiteral("connected")); }, 15000));
        // It stays refused: no retries against a server that said no.
        QTest::qWait(1500);
        QVERIFY(window.hostText(1).contains(QStringLiteral("sign-in refused")));
    }

    void threeHostsOneGoesAwayAndComesBack() {
        MIST_REQUIRE_DOCKER();
        QTemporaryDir dirB;
        server::ServerConfig configA, configB;
        configA.port = 0;
        configB.port = 0;
        configB.dataDir = dirB.filePath(QStringLiteral("b"));
        ServerFixture a(configA);
        auto b = std::make_unique<ServerFixture>(configB, ServerFixture::KeepPort{});
        QVERIFY(a.ok() && b->ok());
        a.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        b->addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        UpstreamStandIn upstream;
        upstream.statsIntervalMs = 500;

        auto sa = signedIn(a.port(), QStringLiteral("owner@example.com"), Password);
        auto sb = signedIn(b->port(), QStringLiteral("owner@example.com"), Password);
        auto su = signedIn(upstream.port(), upstream.email, upstream.password);
        QVERIFY(sa && sb && su);
        QCOMPARE(su->dialect(), client::ServerSession::Dialect::Upstream);

        gui::FleetView fleet;
        fleet.resize(1200, 500);
        fleet.show();
        QCOMPARE(fleet.addHost(*sa, QStringLiteral("alpha")), 0);
        QCOMPARE(fleet.addHost(*sb, QStringLiteral("beta")), 1);
        QCOMPARE(fleet.addHost(*su, QStringLiteral("upstream")), 2);
        QCOMPARE(fleet.addHost(*sa, QStringLiteral("alpha again")), 0); // same server: same card
        QCOMPARE(fleet.hostCount(), 3);
        // The window's own sessions may go: the fleet keeps copies.
        sa.reset();
        sb.reset();
        su.reset();

        QVERIFY(QTest::qWaitFor(
            [&] { return fleet.hostLive(0) && fleet.hostLive(1) && fleet.hostLive(2); }, 15000));
        QVERIFY2(fleet.totalsText().startsWith(QStringLiteral("3 of 3 hosts live")),
                 qPrintable(fleet.totalsText()));
        QCOMPARE(fleet.hostState(0), QStringLiteral("connected"));

        // Beta goes away: alpha and the upstream host keep receiving.
        const quint16 portB = b->port();
        b.reset();
        QVERIFY2(QTest::qWaitFor(
                     [&] { return fleet.hostState(1).startsWith(QStringLiteral("reconnecting")); },
                     15000),
                 qPrintable(fleet.hostState(1)));
        const int alphaBefore = fleet.samplesReceived(0), upstreamBefore = fleet.samplesReceived(2);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return fleet.samplesReceived(0) >= alphaBefore + 2 &&
                       fleet.samplesReceived(2) >= upstreamBefore + 2;
            },
            15000));
        QVERIFY(fleet.hostLive(0) && fleet.hostLive(2));
        QVERIFY(!fleet.hostLive(1));
        QVERIFY2(fleet.totalsText().startsWith(QStringLiteral("2 of 3 hosts live")),
                 qPrintable(fleet.totalsText()));

        // Beta is back on the same port with the same data: the card recovers by itself.
        configB.port = portB;
        b = std::make_unique<ServerFixture>(configB, ServerFixture::KeepPort{});
        QVERIFY(b->ok());
        const int betaBefore = fleet.samplesReceived(1);
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return fleet.samplesReceived(1) > betaBefore && fleet.hostLive(1); }, 40000),
            qPrintable(fleet.hostState(1)));
        QCOMPARE(fleet.hostState(1), QStringLiteral("connected"));
    }

    // Each card counts its host's apps by state with the sidebar's badges, worst first; states
    // without apps are left out; nothing known yet: no line.
    void appStatesOnTheCard() {
        gui::FleetView fleet;
        client::ServerSession nowhere(QUrl(QStringLiteral("http://127.0.0.1:9")));
        QCOMPARE(fleet.addHost(nowhere, QStringLiteral("x")), 0);
        fleet.show();
        auto *line = fleet.findChild<QLabel *>(QStringLiteral("fleetApps"));
        QVERIFY(line && !line->isVisible());
        QCOMPARE(fleet.appStatesText(0), QString());
        fleet.setAppStates(0, {{QStringLiteral("running"), 2},
                               {QStringLiteral("exited"), 1},
                               {QString(), 1},
                               {QStringLiteral("restarting"), 0}});
        QCOMPARE(fleet.appStatesText(0),
                 QStringLiteral("\u25A0 1 exited  \u25CC 1 no container  \u25CF 2 running"));
        QVERIFY(line->isVisible());
        QVERIFY(line->text().contains(gui::stateBadge(QStringLiteral("exited")).color.name()));
        fleet.setAppStates(0, {});
        QVERIFY(!line->isVisible());
        fleet.setAppStates(7, {{QStringLiteral("running"), 1}}); // no such host: ignored
        QCOMPARE(fleet.appStatesText(7), QString());
    }

    // The three busiest apps by CPU (#18): largest first, in the reader's decimals; apps
    // without figures (not in the list) or with a non-number are left out.
    void topAppsLine_data() {
        QTest::addColumn<CpuList>("apps");
        QTest::addColumn<QString>("line");
        using L = CpuList;
        QTest::newRow("none") << L{} << QString();
        QTest::newRow("one") << L{{QStringLiteral("web"), 2.5}}
                             << QStringLiteral("Top CPU: web 2.5 %");
        QTest::newRow("three of five, largest first")
            << L{{QStringLiteral("db"), 3},
                 {QStringLiteral("web"), 61},
                 {QStringLiteral("cron"), 0},
                 {QStringLiteral("worker"), 22.04},
                 {QStringLiteral("api"), 1}}
            << QStringLiteral("Top CPU: web 61.0 %, worker 22.0 %, db 3.0 %");
        QTest::newRow("over one core")
            << L{{QStringLiteral("build"), 187.26}} << QStringLiteral("Top CPU: build 187.3 %");
        QTest::newRow("not numbers left out")
            << L{{QStringLiteral("a"), std::nan("")},
                 {QStringLiteral("b"), std::numeric_limits<double>::infinity()},
                 {QStringLiteral("c"), 4}}
            << QStringLiteral("Top CPU: c 4.0 %");
    }
    void topAppsLine() {
        QFETCH(CpuList, apps);
        QFETCH(QString, line);
        QCOMPARE(gui::FleetView::topAppsLine(apps), line);
    }

    void topAppsAndTimeAxisOnTheCard() {
        gui::FleetView fleet;
        client::ServerSession nowhere(QUrl(QStringLiteral("http://127.0.0.1:9")));
        QCOMPARE(fleet.addHost(nowhere, QStringLiteral("x")), 0);
        fleet.show();
        auto *top = fleet.findChild<QLabel *>(QStringLiteral("fleetTopApps"));
        QVERIFY(top && !top->isVisible());
        fleet.setTopApps(0, {{QStringLiteral("web"), 12}, {QStringLiteral("db"), 40}});
        QCOMPARE(fleet.topAppsText(0), QStringLiteral("Top CPU: db 40.0 %, web 12.0 %"));
        QVERIFY(top->isVisible());
        fleet.setTopApps(0, {});
        QVERIFY(!top->isVisible());
        // The chart's time axis: two minutes of clock times, ticks at round times (every 30 s
        // or minute: at most 3), the newest sample at its right end.
        auto *view = fleet.findChild<QChartView *>();
        QVERIFY(view);
        auto *axis = qobject_cast<QCategoryAxis *>(view->chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(axis && axis->isVisible());
        QCOMPARE(qint64(axis->max() - axis->min()), 120000);
        QVERIFY(!axis->categoriesLabels().isEmpty() && axis->categoriesLabels().size() <= 3);
        for (const QString &label : axis->categoriesLabels()) {
            const qint64 ms = qint64(axis->endValue(label));
            QCOMPARE(ms % 30000, 0); // (a zone's offset is whole minutes)
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
            if (at.time() != QTime(0, 0)) // (midnight says the new day's date)
                QCOMPARE(at.toString(QStringLiteral("HH:mm")), label);
        }
    }

    void eachHostsAppsLogsAndDeploymentsInItsOwnViews() {
        MIST_REQUIRE_DOCKER();
        QTemporaryDir dirB;
        server::ServerConfig config, configB;
        config.port = 0;
        configB.port = 0;
        configB.dataDir = dirB.filePath(QStringLiteral("b"));
        ServerFixture a(config);
        auto b = std::make_unique<ServerFixture>(configB, ServerFixture::KeepPort{});
        QVERIFY(a.ok() && b->ok());
        a.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        b->addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        const QString pid = QString::number(QCoreApplication::applicationPid());
        const QString containerA = QStringLiteral("mist-fleet-a-") + pid;
        const QString containerB = QStringLiteral("mist-fleet-b-") + pid;
        const auto cleanup = qScopeGuard([&] {
            removeContainer(containerA);
            removeContainer(containerB);
        });
        QVERIFY(!runContainer(containerA,
                              QStringLiteral("echo alpha-line; while true; do sleep 1; done"))
                     .isEmpty());
        QVERIFY(!runContainer(containerB,
                              QStringLiteral("echo beta-line; while true; do sleep 1; done"))
                     .isEmpty());
        QString error;
        store::App appA, appB;
        appA.name = QStringLiteral("alpha-web");
        appA.containerName = containerA;
        appB.name = QStringLiteral("beta-web");
        appB.containerName = containerB;
        const qint64 idA = a.store().apps().add(appA)->id;
        const qint64 idB = b->store().apps().add(appB)->id;
        UpstreamStandIn upstream;
        upstream.statsIntervalMs = 300;
        upstream.containerLines = QStringList{QStringLiteral("upstream-line")};

        gui::MainWindow window;
        window.resize(1100, 700);
        window.show();
        window.connectTo(
            signedIn(a.port(), QStringLiteral("owner@example.com"), Password).release(),
            QStringLiteral("alpha"));
        window.connectTo(
            signedIn(b->port(), QStringLiteral("owner@example.com"), Password).release(),
            QStringLiteral("beta"));
        window.connectTo(signedIn(upstream.port(), upstream.email, upstream.password).release(),
                         QStringLiteral("upstream"));
        QCOMPARE(window.hostCount(), 3);
        QCOMPARE(window.fleet()->hostCount(), 3);
        QCOMPARE(window.currentHost(), 2); // the last one connected is shown

        // The sidebar: each host with its live state and its own apps.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return window.appCount(0) == 1 && window.appCount(1) == 1 &&
                                window.appCount(2) == 1;
                     },
                     15000),
                 qPrintable(QStringLiteral("%1 %2 %3")
                                .arg(window.appCount(0))
                                .arg(window.appCount(1))
                                .arg(window.appCount(2))));
        QVERIFY(window.appText(0, 0).startsWith(QStringLiteral("alpha-web\n")));
        QVERIFY(window.appText(1, 0).startsWith(QStringLiteral("beta-web\n")));
        // (under its project's node: SidebarApps.h)
        QCOMPARE(window.appText(2, 0), QStringLiteral("storefront\nrunning"));
        // An upstream Mist server sends no per-app figures: the App usage tab says so.
        QCOMPARE(window.appUsage()->table()->model()->rowCount(), 0);
        QCOMPARE(window.appUsage()->findChild<QLabel *>(QStringLiteral("summary"))->text(),
                 QStringLiteral("This server sends no per-app figures."));
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (int i = 0; i < 3; ++i)
                    if (!window.hostText(i).endsWith(QStringLiteral("\nconnected")))
                        return false;
                return true;
            },
            15000));
        QVERIFY(window.hostText(0).startsWith(QStringLiteral("alpha")));

        // One click on an app of another host shows that host and that app.
        window.selectApp(0, idA);
        QCOMPARE(window.currentHost(), 0);
        QVERIFY(QTest::qWaitFor([&] { return logLines(window).contains(u"alpha-line"); }, 15000));
        window.selectApp(1, idB);
        QCOMPARE(window.currentHost(), 1);
        QVERIFY(QTest::qWaitFor([&] { return logLines(window).contains(u"beta-line"); }, 15000));
        QVERIFY(!logLines(window).contains(u"alpha-line"));
        // The charts follow the shown host.
        QVERIFY(
            QTest::qWaitFor([&] { return window.metricsView()->cpuSeries()->count() > 0; }, 15000));

        // The upstream host: its app's lines, its deployments, its charts.
        window.selectApp(2, 731904);
        QCOMPARE(window.currentHost(), 2);
        QVERIFY(
            QTest::qWaitFor([&] { return logLines(window).contains(u"upstream-line"); }, 15000));
        QVERIFY(!logLines(window).contains(u"beta-line"));
        // Upstream keeps no archive: "All history" is off and says why.
        QVERIFY(!window.logView()->historySearchAvailable());
        QVERIFY(window.logView()
                    ->findChild<QAction *>(QStringLiteral("historyAction"))
                    ->toolTip()
                    .contains(QStringLiteral("Upstream Mist server: no log history")));
        QTableWidget *deployments = window.deploymentsView()->table();
        QVERIFY(QTest::qWaitFor([&] { return deployments->rowCount() == 1; }, 15000));
        QCOMPARE(deployments->item(0, 0)->text(), QStringLiteral("#512877"));
        QCOMPARE(deployments->item(0, 1)->text(), QStringLiteral("success"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto *cpu = window.metricsView()->cpuSeries();
                return cpu->count() > 0 && cpu->at(cpu->count() - 1).y() == 12.5;
            },
            15000));
        // And its load average, which only upstream gives.
        QCOMPARE(window.metricsView()->loadText(),
                 QStringLiteral("Load average: 0.10, 0.20, 0.30"));

        // Back to alpha by its host row: its app list is still there.
        window.showHost(0);
        QCOMPARE(window.currentHost(), 0);
        QCOMPARE(window.appCount(0), 1);

        // Beta goes away: the sidebar says so, alpha and upstream stay live
        // (their logs and charts go on), and beta comes back by itself.
        const quint16 portB = b->port();
        b.reset();
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return window.hostText(1).contains(QStringLiteral("reconnecting")); }, 15000),
            qPrintable(window.hostText(1)));
        QVERIFY(window.hostText(0).endsWith(QStringLiteral("\nconnected")));
        QVERIFY(window.hostText(2).endsWith(QStringLiteral("\nconnected")));
        const int charted = window.metricsView()->cpuSeries()->count();
        QVERIFY(QTest::qWaitFor(
            [&] { return window.metricsView()->cpuSeries()->count() >= charted + 2; }, 15000));
        configB.port = portB;
        b = std::make_unique<ServerFixture>(configB, ServerFixture::KeepPort{});
        QVERIFY(b->ok());
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return window.hostText(1).endsWith(QStringLiteral("\nconnected")); }, 40000),
            qPrintable(window.hostText(1)));
        // Its app list and logs are one click away again.
        window.selectApp(1, idB);
        QCOMPARE(window.currentHost(), 1);
        QVERIFY(QTest::qWaitFor([&] { return logLines(window).contains(u"beta-line"); }, 15000));
    }
};

QTEST_MAIN(TestFleetView)
#include "tst_fleetview.moc"
