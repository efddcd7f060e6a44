// SPDX-License-Identifier: GPL-3.0-or-later

// The server's log lines (all categories, all levels) carry no password,
// session token, API token or cookie, whatever the clients send.
#include "TestSupport.h"

#include <QLoggingCategory>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
QStringList g_lines;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    g_lines << QStringLiteral("%1: %2").arg(QLatin1String(context.category ? context.category : ""),
                                            message);
    if (g_previous)
        g_previous(type, context, message);
}
} // namespace

class TestNoSecrets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QLoggingCategory::setFilterRules(QStringLiteral("mist.*=true"));
        g_previous = qInstallMessageHandler(capture);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void nothingSecretIsLogged() {
        const QByteArray password = "correct horse battery";
        const QByteArray typoPassword = "s3cr3t-typed-into-email";
        ServerFixture f;
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, password);
        const QByteArray token = f.login(QStringLiteral("owner@example.com"), password);
        QVERIFY(!token.isEmpty());
        // A password typed into the email field, and a wrong one.
        f.http("POST", QStringLiteral("/api/auth/login"),
               "{\"email\":\"" + typoPassword + "\",\"password\":\"" + password + "\"}");
        f.http("POST", QStringLiteral("/api/auth/login"),
               "{\"email\":\"owner@example.com\",\"password\":\"" + typoPassword + "\"}");
        const auto created = f.store().apiTokens().create(
            f.store().users().byEmail(QStringLiteral("owner@example.com")).value()->id,
            QStringLiteral("ci"), 1);
        QVERIFY2(created, qPrintable(created.error()));
        const QByteArray apiToken = *created;
        f.http("GET", QStringLiteral("/metrics"), {}, {},
               {{"Authorization", "Bearer " + apiToken}});
        f.http("GET", QStringLiteral("/api/apps"), {}, {},
               {{"Authorization", "Bearer wrong-" + apiToken}});
        f.rawUpgradeStatus(QStringLiteral("/ws/metrics"), "forged-" + token,
                           "https://evil.example");
        f.rawUpgradeStatus(QStringLiteral("/ws/metrics"), "forged-" + token);
        f.rawUpgradeStatus(QStringLiteral("/ws/nope?token=") + QString::fromUtf8(token), token);
        {
            WsRecorder ws;
            QVERIFY(ws.open(f.port(), QStringLiteral("/ws/metrics"), token));
            QVERIFY(ws.waitForMessages(1, 5000));
        }
        QTest::qWait(200);
        QCOMPARE(f.http("POST", QStringLiteral("/api/auth/logout"), {}, token).status, 200);

        // The handler saw the server's lines (so this test can fail) ...
        const QString all = g_lines.join(u'\n');
        QVERIFY2(all.contains(QStringLiteral("sign-in of user")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("failed sign-in")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("opened /ws/metrics")), qPrintable(all));
        // ... and none of the secrets.
        for (const QByteArray &secret :
             {password, typoPassword, token, apiToken, QByteArray("mist_token=")})
            QVERIFY2(!all.contains(QString::fromUtf8(secret)), secret.constData());
    }
};

QTEST_GUILESS_MAIN(TestNoSecrets)
#include "tst_nosecrets.moc"
