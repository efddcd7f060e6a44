// SPDX-License-Identifier: GPL-3.0-or-later

#include "auth/PasswordHasher.h"

#include <QTest>

using mist::auth::PasswordHasher;

class TestPasswordHasher : public QObject {
    Q_OBJECT

private slots:
    void hashIsArgon2id();
    void defaultLimitsAreInteractive();
    void verify_data();
    void verify();
    void hashesAreSalted();
    void rejectsMalformedHashes_data();
    void rejectsMalformedHashes();

private:
    // Real work factors make each hash take ~100 ms; the format and the
    // verification logic do not depend on them.
    PasswordHasher m_hasher = PasswordHasher::minimal();
};

void TestPasswordHasher::hashIsArgon2id() {
    const QByteArray hash = m_hasher.hash("correct horse battery staple");
    QVERIFY2(hash.startsWith("$argon2id$"), hash.constData());
    QVERIFY(!hash.contains("correct horse"));
}

void TestPasswordHasher::defaultLimitsAreInteractive() {
    const PasswordHasher hasher;
    const QByteArray hash = hasher.hash("password");
    // m=65536 KiB, t=2: libsodium's INTERACTIVE parameters, recorded in the hash.
    QVERIFY2(hash.startsWith("$argon2id$v=19$m=65536,t=2,p=1$"), hash.constData());
    QVERIFY(hasher.verify(hash, "password"));
    QVERIFY(m_hasher.verify(hash, "password")); // verification reads the limits from the hash
}

void TestPasswordHasher::verify_data() {
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("attempt");
    QTest::addColumn<bool>("expected");

    QTest::newRow("right") << QByteArray("s3cret-passw0rd") << QByteArray("s3cret-passw0rd")
                           << true;
    QTest::newRow("wrong") << QByteArray("s3cret-passw0rd") << QByteArray("s3cret-passw0rD")
                           << false;
    QTest::newRow("prefix") << QByteArray("s3cret-passw0rd") << QByteArray("s3cret") << false;
    QTest::newRow("empty password") << QByteArray() << QByteArray() << true;
    QTest::newRow("empty attempt") << QByteArray("s3cret-passw0rd") << QByteArray() << false;
    const QByteArray nul("abc\0def", 7);
    QTest::newRow("NUL inside, right") << nul << nul << true;
    QTest::newRow("NUL inside, cut at NUL") << nul << QByteArray("abc") << false;
    const QByteArray huge(1024 * 1024, 'x');
    QTest::newRow("1 MiB, right") << huge << huge << true;
    QTest::newRow("1 MiB, one byte off")
        << huge << QByteArray(huge).replace(500000, 1, "y") << false;
    QTest::newRow("UTF-8") << QByteArray("pässwörd-ü") << QByteArray("pässwörd-ü") << true;
}

void TestPasswordHasher::verify() {
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, attempt);
    QFETCH(bool, expected);

    const QByteArray hash = m_hasher.hash(password);
    QVERIFY(!hash.isEmpty());
    QCOMPARE(m_hasher.verify(hash, attempt), expected);
}

void TestPasswordHasher::hashesAreSalted() {
    const QByteArray first = m_hasher.hash("same password");
    const QByteArray second = m_hasher.hash("same password");
    QVERIFY(first != second);
    QVERIFY(m_hasher.verify(first, "same password"));
    QVERIFY(m_hasher.verify(second, "same password"));
}

void TestPasswordHasher::rejectsMalformedHashes_data() {
    QTest::addColumn<QByteArray>("hash");

    const QByteArray good = PasswordHasher::minimal().hash("password");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("plain text") << QByteArray("password");
    QTest::newRow("truncated") << good.left(good.size() - 5);
    QTest::newRow("NUL inside") << QByteArray(good).insert(20, '\0');
    QTest::newRow("overlong") << good + QByteArray(200, 'A');
    QTest::newRow("other algorithm") << QByteArray("$2b$12$abcdefghijklmnopqrstuv");
}

void TestPasswordHasher::rejectsMalformedHashes() {
    QFETCH(QByteArray, hash);
    QVERIFY(!m_hasher.verify(hash, "password"));
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
