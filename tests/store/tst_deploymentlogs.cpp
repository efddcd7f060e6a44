// SPDX-License-Identifier: GPL-3.0-or-later

// Deployment logs in the store: lines marked as errors (schema version 6)
// and the bounded tail that upstream's GET /api/deployments/logs answers
// with, row by row, on a real database file.
#include "auth/PasswordHasher.h"
#include "store/DeploymentStore.h"
#include "store/Store.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mist::store;

namespace {
struct Expected {
    QStringList lines;
    qint64 omitted = 0;
};
} // namespace
Q_DECLARE_METATYPE(Expected)

class TestDeploymentLogs : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    qint64 appId = 0;

    std::unique_ptr<Store> open() {
        auto s = std::make_unique<Store>();
        s->users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
        if (const auto opened = s->open(dir.path()); !opened)
            qFatal("%s", qPrintable(opened.error()));
        return s;
    }

    qint64 deploymentWith(const QList<DeploymentLogLine> &lines) {
        DeploymentStore deployments(*store);
        const auto d = deployments.create(appId, 0);
        if (!d)
            qFatal("%s", qPrintable(d.error()));
        if (lines.isEmpty())
            return d->id;
        const auto first = deployments.appendLogs(d->id, lines);
        if (!first || *first != 1)
            qFatal("%s", qPrintable(first.error()));
        return d->id;
    }

private Q_SLOTS:
    void initTestCase() {
        store = open();
        App app;
        app.name = QStringLiteral("logs");
        app.gitUrl = QStringLiteral("https://git.example/logs.git");
        const auto created = store->apps().add(app);
        QVERIFY2(created, qPrintable(created.error()));
        appId = created->id;
    }

    void errorMarksAreKept() {
        const qint64 id = deploymentWith({{0, QStringLiteral("Step 1/2 : FROM x"), false},
                                          {0, QStringLiteral("returned a non-zero code: 3"), true},
                                          {0, QStringLiteral("Error: Docker build failed"), true}});
        DeploymentStore deployments(*store);
        const auto page = deployments.logPage(id, 0, 1 << 30, qint64(1) << 40);
        QVERIFY2(page, qPrintable(page.error()));
        const QList<DeploymentLogLine> &lines = *page;
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0).seq, qint64(1));
        QCOMPARE(lines.at(0).error, false);
        QCOMPARE(lines.at(1).error, true);
        QCOMPARE(lines.at(2).error, true);
        QCOMPARE(deployments.logPage(id, 2, 1 << 30, qint64(1) << 40)->value(0).line,
                 QStringLiteral("Error: Docker build failed"));
    }

    void tail_data() {
        QTest::addColumn<QStringList>("log");
        QTest::addColumn<qint64>("maxBytes");
        QTest::addColumn<Expected>("expected");
        const QStringList abc{QStringLiteral("aaaa"), QStringLiteral("bbbb"),
                              QStringLiteral("cccc")};
        QTest::newRow("all fit") << abc << qint64(15) << Expected{abc, 0};
        QTest::newRow("all fit, room to spare") << abc << qint64(1000) << Expected{abc, 0};
        QTest::newRow("one byte short: the first goes")
            << abc << qint64(14) << Expected{abc.mid(1), 1};
        QTest::newRow("only the last") << abc << qint64(5) << Expected{abc.mid(2), 2};
        QTest::newRow("the last alone is too long: its beginning")
            << abc << qint64(3) << Expected{{QStringLiteral("cc")}, 2};
        QTest::newRow("never half a character")
            << QStringList{QStringLiteral("x"), QStringLiteral("\u00e9\u00e9\u20ac")} << qint64(5)
            << Expected{{QStringLiteral("\u00e9\u00e9")}, 1};
        QTest::newRow("bytes, not characters")
            << QStringList{QStringLiteral("\u20ac\u20ac"), QStringLiteral("\u20ac")} << qint64(10)
            << Expected{{QStringLiteral("\u20ac")}, 1};
        QTest::newRow("empty log") << QStringList() << qint64(10) << Expected{{}, 0};
        QTest::newRow("no budget") << abc << qint64(0) << Expected{{}, 3};
    }
    void tail() {
        QFETCH(QStringList, log);
        QFETCH(qint64, maxBytes);
        QFETCH(Expected, expected);
        QList<DeploymentLogLine> lines;
        for (const QString &l : log)
            lines.append({0, l, false});
        const qint64 id = deploymentWith(lines);
        DeploymentStore deployments(*store);
        const auto tail = deployments.logTail(id, maxBytes);
        QVERIFY(tail);
        QStringList got;
        for (const DeploymentLogLine &l : tail->lines)
            got << l.line;
        QCOMPARE(got, expected.lines);
        QCOMPARE(tail->omitted, expected.omitted);
        if (!tail->lines.isEmpty())
            QCOMPARE(tail->lines.last().seq, qint64(log.size()));
    }

    // The caller's own measure: error lines counted as they will go out.
    void tailWithACostOfItsOwn() {
        const qint64 id = deploymentWith({{0, QStringLiteral("ok"), false},
                                          {0, QStringLiteral("bad"), true},
                                          {0, QStringLiteral("ok"), false}});
        DeploymentStore deployments(*store);
        const auto cost = [](const DeploymentLogLine &l) {
            return qint64(l.error ? 100 : 3);
        };
        auto tail = deployments.logTail(id, 103, cost);
        QVERIFY(tail);
        QCOMPARE(tail->lines.size(), 2);
        QCOMPARE(tail->lines.first().error, true);
        tail = deployments.logTail(id, 102, cost);
        QVERIFY(tail);
        QCOMPARE(tail->lines.size(), 1);
        QCOMPARE(tail->omitted, qint64(2));
    }

    // A database of schema version 5, with a log, comes up to date: its lines
    // are plain output.
    void olderDatabaseIsMigrated() {
        QTemporaryDir old;
        qint64 deploymentId = 0;
        {
            auto s = std::make_unique<Store>();
            s->users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
            const auto opened = s->open(old.path());
            QVERIFY2(opened, qPrintable(opened.error()));
            QVERIFY(Store::latestSchemaVersion() >= 6);
            App app;
            app.name = QStringLiteral("old");
            app.gitUrl = QStringLiteral("https://git.example/old.git");
            const auto created = s->apps().add(app);
            QVERIFY2(created, qPrintable(created.error()));
            DeploymentStore deployments(*s);
            const auto d = deployments.create(created->id, 0);
            QVERIFY2(d, qPrintable(d.error()));
            deploymentId = d->id;
            const QString path = s->databasePath();
            s.reset();
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                            QStringLiteral("downgrade"));
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY(q.exec(QStringLiteral("ALTER TABLE deployment_logs DROP COLUMN is_error")));
                QVERIFY(
                    q.exec(QStringLiteral(
                               "INSERT INTO deployment_logs (deployment_id, seq, line, created_at)"
                               " VALUES (%1, 1, 'from an older version', 0)")
                               .arg(d->id)));
                QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 5")));
                db.close();
            }
            QSqlDatabase::removeDatabase(QStringLiteral("downgrade"));
        }
        Store reopened;
        reopened.users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
        const auto reopenedOk = reopened.open(old.path());
        QVERIFY2(reopenedOk, qPrintable(reopenedOk.error()));
        QCOMPARE(reopened.schemaVersion(), Store::latestSchemaVersion());
        DeploymentStore deployments(reopened);
        const auto page = deployments.logPage(deploymentId, 0, 1 << 30, qint64(1) << 40);
        QVERIFY2(page, qPrintable(page.error()));
        const QList<DeploymentLogLine> &lines = *page;
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.first().line, QStringLiteral("from an older version"));
        QCOMPARE(lines.first().error, false);
    }
};

QTEST_GUILESS_MAIN(TestDeploymentLogs)
#include "tst_deploymentlogs.moc"
