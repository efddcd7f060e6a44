// SPDX-License-Identifier: GPL-3.0-or-later

// Login throttling, on a fake clock: free failures, then doubling delays,
// per (account, address) pair and per address, bounded memory; and the
// address key that limits count by.
#include "auth/LoginThrottle.h"

#include <QTest>

using mist::auth::LoginThrottle;

class TestLoginThrottle : public QObject {
    Q_OBJECT
    qint64 now = 1'000'000;

    LoginThrottle make(int perPair = 3, int perAddress = 10, int maxKeys = 100) {
        LoginThrottle::Limits limits;
        limits.freeFailuresPerAccountAndAddress = perPair;
        limits.freeFailuresPerAddress = perAddress;
        limits.windowSeconds = 60;
        limits.maxDelaySeconds = 30;
        limits.maxKeys = maxKeys;
        return LoginThrottle(limits, [this] { return now; });
    }

private Q_SLOTS:
    void init() { now = 1'000'000; }

    void delaysDouble_data() {
        QTest::addColumn<int>("failures");
        QTest::addColumn<qint64>("wait");
        QTest::newRow("free 1") << 1 << qint64(0);
        QTest::newRow("free 3") << 3 << qint64(0);
        QTest::newRow("4th: 1 s") << 4 << qint64(1);
        QTest::newRow("5th: 2 s") << 5 << qint64(2);
        QTest::newRow("6th: 4 s") << 6 << qint64(4);
        QTest::newRow("9th: 30 s cap") << 9 << qint64(30);
        QTest::newRow("40th: still capped") << 40 << qint64(30);
    }

    void delaysDouble() {
        QFETCH(int, failures);
        QFETCH(qint64, wait);
        LoginThrottle t = make();
        for (int i = 0; i < failures; ++i)
            t.recordFailure(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1"));
        QCOMPARE(t.retryAfter(QStringLiteral("A@Example.com "), QStringLiteral("10.0.0.1")), wait);
    }

    void waitRunsOut() {
        LoginThrottle t = make();
        for (int i = 0; i < 5; ++i)
            t.recordFailure(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1"));
        QCOMPARE(t.retryAfter(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1")),
                 qint64(2));
        now += 1500;
        QCOMPARE(t.retryAfter(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1")),
                 qint64(1));
        now += 600;
        QCOMPARE(t.retryAfter(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1")),
                 qint64(0));
    }

    void windowForgets() {
        LoginThrottle t = make();
        for (int i = 0; i < 3; ++i)
            t.recordFailure(QStringLiteral("a@example.com"), QStringLiteral("ip"));
        now += 61'000;
        t.recordFailure(QStringLiteral("a@example.com"), QStringLiteral("ip"));
        QCOMPARE(t.retryAfter(QStringLiteral("a@example.com"), QStringLiteral("ip")), qint64(0));
    }

    void successClearsPairNotAddress() {
        LoginThrottle t = make(3, 4);
        for (int i = 0; i < 5; ++i)
            t.recordFailure(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1"));
        t.recordSuccess(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1"));
        QVERIFY(t.retryAfter(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1")) > 0);
        QVERIFY(t.retryAfter(QStringLiteral("b@example.com"), QStringLiteral("10.0.0.1")) > 0);
        LoginThrottle u = make(3, 100);
        for (int i = 0; i < 5; ++i)
            u.recordFailure(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1"));
        u.recordSuccess(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1"));
        QCOMPARE(u.retryAfter(QStringLiteral("a@example.com"), QStringLiteral("10.0.0.1")),
                 qint64(0));
    }

    void strangerCannotLockTheOwnerOut() {
        // Issue #15 item 11: guessing at the owner's account from one address
        // blocks that address for that account, not the owner elsewhere.
        LoginThrottle t = make(3, 1000);
        for (int i = 0; i < 50; ++i)
            t.recordFailure(QStringLiteral("owner@example.com"), QStringLiteral("10.0.0.66"));
        QVERIFY(t.retryAfter(QStringLiteral("owner@example.com"), QStringLiteral("10.0.0.66")) > 0);
        QCOMPARE(t.retryAfter(QStringLiteral("owner@example.com"), QStringLiteral("10.0.0.1")),
                 qint64(0));
        QCOMPARE(t.retryAfter(QStringLiteral("other@example.com"), QStringLiteral("10.0.0.66")),
                 qint64(0));
    }

    void addressKey_data() {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("key");
        QTest::newRow("IPv4") << "192.0.2.7"
                              << "192.0.2.7";
        QTest::newRow("IPv4 loopback") << "127.0.0.2"
                                       << "127.0.0.2";
        QTest::newRow("IPv4-mapped") << "::ffff:192.0.2.7"
                                     << "192.0.2.7";
        QTest::newRow("IPv6: its /64") << "2001:db8:1:2:aaaa:bbbb:cccc:dddd"
                                       << "2001:db8:1:2::/64";
        QTest::newRow("IPv6, same /64") << "2001:db8:1:2::1"
                                        << "2001:db8:1:2::/64";
        QTest::newRow("IPv6, next /64") << "2001:db8:1:3::1"
                                        << "2001:db8:1:3::/64";
        QTest::newRow("IPv6 loopback alone") << "::1"
                                             << "::1";
        QTest::newRow("link-local alone") << "fe80::1234"
                                          << "fe80::1234";
        QTest::newRow("none") << QString() << QString();
    }

    void addressKey() {
        QFETCH(QString, address);
        QFETCH(QString, key);
        QCOMPARE(mist::auth::clientAddressKey(QHostAddress(address)), key);
    }

    void addressThrottledAcrossAccounts() {
        // Spraying many accounts from one address is caught by the address key.
        LoginThrottle t = make(3, 10);
        for (int i = 0; i < 11; ++i)
            t.recordFailure(QStringLiteral("user%1@example.com").arg(i),
                            QStringLiteral("10.0.0.1"));
        QVERIFY(t.retryAfter(QStringLiteral("fresh@example.com"), QStringLiteral("10.0.0.1")) > 0);
        QCOMPARE(t.retryAfter(QStringLiteral("fresh@example.com"), QStringLiteral("10.0.0.2")),
                 qint64(0));
    }

    void memoryBounded() {
        LoginThrottle t = make(3, 1000000, 50);
        for (int i = 0; i < 5000; ++i) {
            now += 10;
            t.recordFailure(QStringLiteral("made-up-%1@example.com").arg(i),
                            QStringLiteral("10.0.0.1"));
        }
        QVERIFY2(t.trackedKeys() <= 51, qPrintable(QString::number(t.trackedKeys())));
    }
};

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "tst_loginthrottle.moc"
