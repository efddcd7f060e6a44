// SPDX-License-Identifier: GPL-3.0-or-later

// API tokens for scripts: created and revoked from the CLI, stored hashed,
// accepted as Authorization: Bearer, no idle timeout, a fixed lifetime.
#include "OperatorCommands.h"
#include "TestSupport.h"

#include <QBuffer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestTokens : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;

    int cli(const QStringList &args, QString *out, QString *err = nullptr) {
        QString o, e;
        QTextStream outStream(&o), errStream(&e);
        QBuffer in;
        in.open(QIODevice::ReadOnly);
        const int rc =
            cli::runOperatorCommand(args + QStringList{QStringLiteral("--data-dir"), dataDir()},
                                    outStream, errStream, in, QString());
        outStream.flush();
        errStream.flush();
        *out = o;
        if (err)
            *err = e;
        return rc;
    }
    QString dataDir() const { return dir.filePath(QStringLiteral("data")); }
    int me(const QByteArray &token) {
        return f
            ->http("GET", QStringLiteral("/api/auth/me"), {}, {},
                   {{"Authorization", "Bearer " + token}})
            .status;
    }

private Q_SLOTS:
    void initTestCase() {
        server::ServerConfig config;
        config.dataDir = dataDir();
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("bot@example.com"), store::Role::Admin);
    }

    void createUseRevoke() {
        QString out, err;
        QCOMPARE(
            cli({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--email"),
                 QStringLiteral("bot@example.com"), QStringLiteral("--name"), QStringLiteral("ci")},
                &out, &err),
            0);
        const QByteArray token = out.trimmed().toUtf8();
        QCOMPARE(token.size(), 43);
        QVERIFY(!err.contains(QString::fromUtf8(token))); // shown once, on stdout only
        QCOMPARE(me(token), 200);
        QCOMPARE(f->http("GET", QStringLiteral("/metrics"), {}, {},
                         {{"Authorization", "Bearer " + token}})
                     .status,
                 200);

        // Stored hashed: the database does not contain the token.
        {
            QSqlDatabase raw =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            raw.setDatabaseName(dataDir() + QStringLiteral("/mist.db"));
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(
                QStringLiteral("SELECT token_hash, api_name FROM sessions WHERE api_name = 'ci'")));
            QVERIFY(q.next());
            QVERIFY(!q.value(0).toByteArray().contains(token));
            QCOMPARE(q.value(0).toByteArray().size(), 32);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));

        // Listed without the token.
        QCOMPARE(cli({QStringLiteral("token"), QStringLiteral("list")}, &out), 0);
        QVERIFY(out.startsWith(QStringLiteral("bot@example.com\tci\t")));
        QVERIFY(!out.contains(QString::fromUtf8(token)));

        // No idle timeout: a browser session made now expires, the token does not.
        f->store().sessions().setIdleTimeout(1);
        const QByteArray session = f->login(QStringLiteral("bot@example.com"));
        QTest::qWait(2500);
        QCOMPARE(f->http("GET", QStringLiteral("/api/auth/me"), {}, session).status, 401);
        QCOMPARE(me(token), 200);
        f->store().sessions().setIdleTimeout(store::Sessions::DefaultIdleTimeout);

        QCOMPARE(
            cli({QStringLiteral("token"), QStringLiteral("revoke"), QStringLiteral("--email"),
                 QStringLiteral("bot@example.com"), QStringLiteral("--name"), QStringLiteral("ci")},
                &out),
            0);
        QCOMPARE(me(token), 401);
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("no name") << QStringList{"token", "create", "--email", "bot@example.com"}
                                 << 2 << "needs --email and --name";
        QTest::newRow("bad name") << QStringList{"token",           "create", "--email",
                                                 "bot@example.com", "--name", "a b"}
                                  << 1 << "token name";
        QTest::newRow("long name") << QStringList{"token",           "create", "--email",
                                                  "bot@example.com", "--name", QString(65, u'x')}
                                   << 1 << "token name";
        QTest::newRow("days zero") << QStringList{"token",  "create", "--email", "bot@example.com",
                                                  "--name", "x",      "--days",  "0"}
                                   << 2 << "--days";
        QTest::newRow("days text") << QStringList{"token",  "create", "--email", "bot@example.com",
                                                  "--name", "x",      "--days",  "ever"}
                                   << 2 << "--days";
        QTest::newRow("unknown user")
            << QStringList{"token", "create", "--email", "ghost@example.com", "--name", "x"} << 1
            << "no user";
        QTest::newRow("revoke unknown")
            << QStringList{"token", "revoke", "--email", "bot@example.com", "--name", "nope"} << 1
            << "no token named nope";
        QTest::newRow("unknown subcommand")
            << QStringList{"token", "rotate"} << 2 << "unknown subcommand";
    }

    void refusals() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        QString out, err;
        QCOMPARE(cli(args, &out, &err), code);
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTokens)
#include "tst_tokens.moc"
