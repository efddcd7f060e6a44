// SPDX-License-Identifier: GPL-3.0-or-later

// The desktop app's settings (src/gui/Settings.h): what earlier versions wrote still loads (the
// keys on disk are unchanged), saving a server adds or updates it, and a damaged or hostile
// settings file neither stalls the start nor smuggles in entries.
#include "Settings.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace mist::gui;

class TestSettings : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    QString file() const { return QSettings().fileName(); }
    void writeFile(const QByteArray &ini) {
        QSettings().sync();
        QVERIFY(QDir().mkpath(QFileInfo(file()).path()));
        QFile f(file());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(ini);
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("mist-monitor"));
        QCoreApplication::setApplicationName(QStringLiteral("mist-monitor"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
    }
    void init() { QSettings().clear(); }

    void readsWhatEarlierVersionsWrote() {
        // Written as MainWindow wrote it before the keys were declared in one place.
        writeFile("[General]\n"
                  "lastConnection=https://old.example:8080\n"
                  "\n"
                  "[connections]\n"
                  "1\\url=https://a.example\n"
                  "1\\email=a@example.com\n"
                  "2\\url=http://b.example:8080\n"
                  "2\\email=b@example.com\n"
                  "2\\caCert=/etc/ssl/b-ca.pem\n"
                  "size=2\n");
        const QList<SavedConnection> saved = settings::savedConnections();
        QCOMPARE(saved.size(), 2);
        QCOMPARE(saved[0].url, QUrl(QStringLiteral("https://a.example")));
        QCOMPARE(saved[0].email, QStringLiteral("a@example.com"));
        QVERIFY(saved[0].caCertFile.isEmpty());
        QCOMPARE(saved[1].url, QUrl(QStringLiteral("http://b.example:8080")));
        QCOMPARE(saved[1].caCertFile, QStringLiteral("/etc/ssl/b-ca.pem"));
        QCOMPARE(settings::lastConnection.value(), QStringLiteral("https://old.example:8080"));
    }

    void keysOnDiskStayTheSame() {
        settings::saveConnection({QUrl(QStringLiteral("https://a.example")),
                                  QStringLiteral("a@example.com"), QString()});
        settings::saveConnection({QUrl(QStringLiteral("https://b.example")),
                                  QStringLiteral("b@example.com"), QStringLiteral("/ca.pem")});
        settings::windowGeometry.setValue(QByteArray("geometry"));
        settings::windowState.setValue(QByteArray("state"));
        settings::lastConnection.setValue(QStringLiteral("https://b.example"));
        QSettings s;
        QCOMPARE(s.value(QStringLiteral("connections/size")).toInt(), 2);
        QCOMPARE(s.value(QStringLiteral("connections/1/url")).toString(),
                 QStringLiteral("https://a.example"));
        QCOMPARE(s.value(QStringLiteral("connections/1/email")).toString(),
                 QStringLiteral("a@example.com"));
        QVERIFY(!s.contains(QStringLiteral("connections/1/caCert"))); // none: no key
        QCOMPARE(s.value(QStringLiteral("connections/2/caCert")).toString(),
                 QStringLiteral("/ca.pem"));
        QCOMPARE(s.value(QStringLiteral("window/geometry")).toByteArray(), QByteArray("geometry"));
        QCOMPARE(s.value(QStringLiteral("window/state")).toByteArray(), QByteArray("state"));
        QCOMPARE(s.value(QStringLiteral("lastConnection")).toString(),
                 QStringLiteral("https://b.example"));
    }

    void savingAgainUpdatesTheCaFileOnly() {
        const SavedConnection a{QUrl(QStringLiteral("https://a.example")),
                                QStringLiteral("a@example.com"), QStringLiteral("/one.pem")};
        settings::saveConnection(a);
        settings::saveConnection({a.url, QStringLiteral("other@example.com"), QString()});
        settings::saveConnection({a.url, a.email, QStringLiteral("/two.pem")});
        QList<SavedConnection> saved = settings::savedConnections();
        QCOMPARE(saved.size(), 2);
        QCOMPARE(saved[0].caCertFile, QStringLiteral("/two.pem"));
        QCOMPARE(saved[1].email, QStringLiteral("other@example.com"));
        // Back to the system's CAs: the key goes, no stale file stays behind.
        settings::saveConnection({a.url, a.email, QString()});
        saved = settings::savedConnections();
        QVERIFY(saved[0].caCertFile.isEmpty());
        QVERIFY(!QSettings().contains(QStringLiteral("connections/1/caCert")));
    }

    void missingValuesDefault() {
        QVERIFY(!settings::windowGeometry.isSet());
        QVERIFY(settings::windowGeometry.value().isEmpty());
        QVERIFY(settings::lastConnection.value().isEmpty());
        QVERIFY(settings::savedConnections().isEmpty());
    }

    void damagedFile_data() {
        QTest::addColumn<QByteArray>("ini");
        QTest::addColumn<int>("expected");
        QTest::newRow("size not a number") << QByteArray("[connections]\nsize=lots\n") << 0;
        QTest::newRow("negative size") << QByteArray("[connections]\nsize=-5\n") << 0;
        QTest::newRow("size larger than the entries")
            << QByteArray("[connections]\n1\\url=https://a.example\nsize=3\n") << 3;
        QTest::newRow("entries beyond size are not read")
            << QByteArray("[connections]\n1\\url=https://a\n2\\url=https://b\nsize=1\n") << 1;
        QTest::newRow("hostile size") << QByteArray("[connections]\nsize=2147483647\n") << 1000;
        QTest::newRow("not an INI file at all") << QByteArray("\x00\xff\xfe garbage", 12) << 0;
    }
    void damagedFile() {
        QFETCH(QByteArray, ini);
        QFETCH(int, expected);
        writeFile(ini);
        QElapsedTimer timer;
        timer.start();
        const QList<SavedConnection> saved = settings::savedConnections();
        QCOMPARE(saved.size(), expected);
        // Entries that are not there read as blank ones: the menu shows them, harmlessly.
        for (const SavedConnection &c : saved)
            QVERIFY(c.caCertFile.isEmpty());
        QVERIFY2(timer.elapsed() < 20000, "reading a damaged file must not hang the start");
    }
};

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
