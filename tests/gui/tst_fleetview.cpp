// One window watching three hosts at once, offscreen: two servers of this
// project on two loopback ports and the upstream stand-in. Each host's data
// lands on its own card; stopping one server leaves the other two live; it
// comes back by itself when the server does.
#include "FleetView.h"
#include "MainWindow.h"
#include "TestSupport.h"
#include "UpstreamStandIn.h"

#include "client/ServerSession.h"

#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
const QByteArray Password = "correct horse battery";

std::unique_ptr<client::ServerSession> signedIn(quint16 port, const QString &email,
                                                const QByteArray &password) {
    auto session = std::make_unique<client::ServerSession>(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    bool done = false, ok = false;
    session->login(email, password, [&](bool good, const QString &) {
        ok = good;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000) || !ok)
        return {};
    done = false;
    session->detectDialect(nullptr, [&](bool, const QString &) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        return {};
    return session;
}
} // namespace

class TestFleetView : public QObject {
    Q_OBJECT
private Q_SLOTS:
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

    void windowKeepsEveryHostItShowed() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        ServerFixture a(config), b(config);
        QVERIFY(a.ok() && b.ok());
        a.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        b.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        gui::MainWindow window;
        window.show();
        window.connectTo(
            signedIn(a.port(), QStringLiteral("owner@example.com"), Password).release(),
            QStringLiteral("a"));
        window.connectTo(
            signedIn(b.port(), QStringLiteral("owner@example.com"), Password).release(),
            QStringLiteral("b"));
        QCOMPARE(window.fleet()->hostCount(), 2);
        QVERIFY(QTest::qWaitFor(
            [&] { return window.fleet()->hostLive(0) && window.fleet()->hostLive(1); }, 15000));
    }
};

QTEST_MAIN(TestFleetView)
#include "tst_fleetview.moc"
