// SPDX-License-Identifier: GPL-3.0-or-later

// GET /api/apps/{id}/logs on a real server: permissions as the log socket's,
// every query parameter malformed, paging, hostile regexes, and the archive
// turned off or unusable.
#include "TestSupport.h"

#include "archive/LogArchive.h"
#include "server/ArchiveService.h"
#include "server/MistServer.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QtConcurrent>

using namespace mist;
using namespace mist::test;

namespace {
// The lines' engine ts start an hour ago: well inside the 30-day age limit.
const qint64 BaseNs = (QDateTime::currentSecsSinceEpoch() - 3600) * 1000000000LL;

QString encoded(const QString &value) {
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}
} // namespace

class TestAppLogs : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray owner, user;
    qint64 alphaApp = 0, betaApp = 0;

    HttpResult get(const QString &pathAndQuery, const QByteArray &cookie) {
        return f->http("GET", pathAndQuery, {}, cookie);
    }
    QString logsPath(qint64 app, const QString &query = {}) {
        return QStringLiteral("/api/apps/%1/logs%2")
            .arg(app)
            .arg(query.isEmpty() ? QString() : u'?' + query);
    }

    // On a server of its own: an owner, one app, and that owner's GET of the app's logs.
    static HttpResult ownerAsksForLogs(ServerFixture &g) {
        g.addUser(QStringLiteral("o@example.com"), store::Role::Owner);
        store::App a;
        a.name = QStringLiteral("x");
        a.projectName = QStringLiteral("p");
        a.containerName = QStringLiteral("c-x");
        QString error;
        const auto app = g.store().apps().add(a);
        error = app.error();
        if (!app)
            return {};
        return g.http("GET", QStringLiteral("/api/apps/%1/logs").arg(app->id), {},
                      g.login(QStringLiteral("o@example.com")));
    }

private Q_SLOTS:
    void initTestCase() {
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        QCOMPARE(f->server().archive().state(), server::ArchiveService::State::Open);
        const ServerFixture::TwoProjects two = f->addTwoProjects();
        alphaApp = two.alphaApp;
        betaApp = two.betaApp;
        owner = two.owner;
        user = two.user;
        QVERIFY(alphaApp > 0 && betaApp > 0);
        QVERIFY(!owner.isEmpty() && !user.isEmpty());

        // Five lines of alpha's container (the last on stderr), one of beta's.
        archive::LogArchive *log = f->server().archive().archive();
        const archive::ContainerRef c{QStringLiteral("cafe01"), QStringLiteral("c-a1")};
        for (int i = 0; i < 5; ++i)
            QVERIFY(log->append(
                alphaApp, c, 0,
                archive::Record::line(BaseNs + i * 1000000000LL,
                                      i == 4 ? archive::Stream::Stderr : archive::Stream::Stdout,
                                      QStringLiteral("alpha line %1").arg(i))));
        QVERIFY(log->append(
            betaApp, {QStringLiteral("beef02"), QStringLiteral("c-b1")}, 0,
            archive::Record::line(BaseNs, archive::Stream::Stdout, QStringLiteral("beta secret"))));
        log->flush();
    }

    void entriesNewestFirst() {
        const HttpResult r = get(logsPath(alphaApp), user);
        QCOMPARE(r.status, 200);
        const QJsonObject data = r.json()["data"].toObject();
        const QJsonArray entries = data["entries"].toArray();
        QCOMPARE(entries.size(), 5);
        QVERIFY(data.contains(QStringLiteral("next")));
        QVERIFY(data["next"].isNull());
        const QJsonObject newest = entries.first().toObject();
        QCOMPARE(newest["kind"].toString(), QStringLiteral("log"));
        QCOMPARE(newest["line"].toString(), QStringLiteral("alpha line 4"));
        QCOMPARE(newest["stream"].toString(), QStringLiteral("stderr"));
        QCOMPARE(newest["container"].toString(), QStringLiteral("c-a1"));
        QVERIFY(newest["deploymentId"].isNull());
        QCOMPARE(newest["ts"].toString(), archive::formatTimestampNs(BaseNs + 4000000000LL));
        QCOMPARE(entries.last().toObject()["line"].toString(), QStringLiteral("alpha line 0"));
    }

    void filtersAndPages() {
        HttpResult r =
            get(logsPath(alphaApp, QStringLiteral("order=asc&stream=stdout&since=") +
                                       encoded(archive::formatTimestampNs(BaseNs + 1000000000LL))),
                user);
        QCOMPARE(r.status, 200);
        QJsonArray entries = r.json()["data"].toObject()["entries"].toArray();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries.first().toObject()["line"].toString(), QStringLiteral("alpha line 1"));

        r = get(logsPath(alphaApp, QStringLiteral("q=") + encoded(QStringLiteral("line [13]$"))),
                user);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toObject()["entries"].toArray().size(), 2);

        // Pages of two, newest first, follow each other without a gap.
        QStringList lines;
        QString cursor;
        for (int page = 0; page < 5; ++page) {
            r = get(logsPath(alphaApp,
                             QStringLiteral("limit=2") +
                                 (cursor.isEmpty() ? QString()
                                                   : QStringLiteral("&cursor=") + encoded(cursor))),
                    user);
            QCOMPARE(r.status, 200);
            const QJsonObject data = r.json()["data"].toObject();
            for (const QJsonValue &e : data["entries"].toArray())
                lines << e.toObject()["line"].toString();
            if (data["next"].isNull())
                break;
            cursor = data["next"].toString();
        }
        QCOMPARE(lines, (QStringList{"alpha line 4", "alpha line 3", "alpha line 2", "alpha line 1",
                                     "alpha line 0"}));
    }

    void permissions() {
        QCOMPARE(get(logsPath(betaApp), user).status, 403);
        QCOMPARE(get(logsPath(betaApp), user).json()["error"].toString(),
                 QStringLiteral("Permission denied"));
        QCOMPARE(get(logsPath(999999), user).status, 404);
        QCOMPARE(get(logsPath(999999), user).json()["error"].toString(),
                 QStringLiteral("Application not found"));
        QCOMPARE(get(QStringLiteral("/api/apps/abc/logs"), owner).status, 400);
        QCOMPARE(get(logsPath(alphaApp), {}).status, 401);
        // Access is checked before the query: a stranger learns nothing from it.
        QCOMPARE(get(logsPath(betaApp, QStringLiteral("since=x")), user).status, 403);
        const HttpResult r = get(logsPath(betaApp), owner);
        QCOMPARE(r.status, 200);
        const QJsonArray entries = r.json()["data"].toObject()["entries"].toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().toObject()["line"].toString(), QStringLiteral("beta secret"));
    }

    void malformedQuery_data() {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("error");
        const QString since = QStringLiteral("Invalid since"),
                      until = QStringLiteral("Invalid until"), q = QStringLiteral("Invalid q"),
                      limit = QStringLiteral("Invalid limit"),
                      cursor = QStringLiteral("Invalid cursor");
        QTest::newRow("since garbage") << "since=yesterday" << since;
        QTest::newRow("since empty") << "since=" << since;
        QTest::newRow("since no zone") << "since=2025-01-15T10:30:00.5" << since;
        QTest::newRow("since twice")
            << "since=2025-01-15T10:30:00.1Z&since=2025-01-15T10:30:00.1Z" << since;
        QTest::newRow("since huge") << "since=" + QString(6000, u'9') << since;
        QTest::newRow("until garbage") << "until=%00" << until;
        QTest::newRow("until before since")
            << "since=2025-01-15T10:30:01.0Z&until=2025-01-15T10:30:00.0Z" << until;
        QTest::newRow("q unbalanced") << "q=" + encoded(QStringLiteral("(")) << q;
        QTest::newRow("q backreference") << "q=" + encoded(QStringLiteral("(a)\\1")) << q;
        QTest::newRow("q lookahead") << "q=" + encoded(QStringLiteral("(?=a)")) << q;
        QTest::newRow("q too long") << "q=" + QString(2000, u'a') << q;
        QTest::newRow("stream") << "stream=stdin" << QStringLiteral("Invalid stream");
        QTest::newRow("limit 0") << "limit=0" << limit;
        QTest::newRow("limit negative") << "limit=-1" << limit;
        QTest::newRow("limit above max") << "limit=10001" << limit;
        QTest::newRow("limit huge") << "limit=99999999999999999999" << limit;
        QTest::newRow("limit text") << "limit=all" << limit;
        QTest::newRow("order") << "order=up" << QStringLiteral("Invalid order");
        QTest::newRow("cursor garbage") << "cursor=abc" << cursor;
        QTest::newRow("cursor huge") << "cursor=" + QString(6000, u'A') << cursor;
    }

    void malformedQuery() {
        QFETCH(QString, query);
        QFETCH(QString, error);
        const HttpResult r = get(logsPath(alphaApp, query), user);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json()["error"].toString(), error);
    }

    void cursorOfTheOtherOrderIsInvalid() {
        const HttpResult r = get(logsPath(alphaApp, QStringLiteral("limit=1")), user);
        const QString next = r.json()["data"].toObject()["next"].toString();
        QVERIFY(!next.isEmpty());
        const HttpResult other =
            get(logsPath(alphaApp, QStringLiteral("order=asc&cursor=") + encoded(next)), user);
        QCOMPARE(other.status, 400);
        QCOMPARE(other.json()["error"].toString(), QStringLiteral("Invalid cursor"));
    }

    void largestLimitAnswers() {
        const HttpResult r = get(logsPath(alphaApp, QStringLiteral("limit=10000")), user);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toObject()["entries"].toArray().size(), 5);
    }

    void catastrophicRegexAnswersPromptly() {
        // A backtracking engine takes exponential time on this; RE2 is linear.
        archive::LogArchive *log = f->server().archive().archive();
        QVERIFY(log->append(alphaApp, {QStringLiteral("cafe01"), QStringLiteral("c-a1")}, 0,
                            archive::Record::line(BaseNs + 10000000000LL, archive::Stream::Stdout,
                                                  QString(512 * 1024, u'a') + u'!')));
        log->flush();
        QElapsedTimer timer;
        timer.start();
        const HttpResult r =
            get(logsPath(alphaApp, QStringLiteral("q=") + encoded(QStringLiteral("(a+)+$"))), user);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json()["data"].toObject()["entries"].toArray().size(), 0);
        // Generous: catches a hang, not a slow machine.
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    }

    void manySearchesAtOnceAllAnswer() {
        // More than the archive's search slots at once: each answers (200, or
        // 503 "Archive busy" past the bounds), none hangs, none stays counted.
        QList<QFuture<HttpResult>> answers;
        const QString path =
            logsPath(alphaApp, QStringLiteral("q=") + encoded(QStringLiteral("a+!")));
        for (int i = 0; i < 40; ++i)
            answers << QtConcurrent::run([port = f->port(), path, cookie = user] {
                return rawHttp(QHostAddress(QStringLiteral("127.0.0.2")), port, "GET", path, {},
                               {{"Cookie", "mist_token=" + cookie}}, 30000);
            });
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::all_of(answers.cbegin(), answers.cend(),
                                   [](const QFuture<HttpResult> &a) { return a.isFinished(); });
            },
            40000));
        int ok = 0;
        for (const auto &a : answers) {
            const HttpResult r = a.result();
            QVERIFY2(r.status == 200 || r.status == 503 || r.status == 429,
                     qPrintable(QString::number(r.status)));
            if (r.status == 200) {
                ++ok;
                QCOMPARE(r.json()["data"].toObject()["entries"].toArray().size(), 1);
            }
        }
        QVERIFY(ok > 0);
        QCOMPARE(f->server().archive().searchesInFlight(), 0);
    }

    // Past ArchiveService::MaxQueuedSearches, a search fails at once with
    // "Archive busy" instead of queueing; the slots come back as answers do.
    void searchBoundHeldInTotal() {
        QTemporaryDir dir;
        server::ArchiveService service(dir.path(), 1LL << 30, 30);
        QCOMPARE(service.state(), server::ArchiveService::State::Open);
        QVERIFY(service.archive()->append(
            1, {QStringLiteral("c1"), QStringLiteral("n1")}, 0,
            archive::Record::line(BaseNs, archive::Stream::Stdout, QStringLiteral("x"))));
        service.archive()->flush();
        archive::SearchQuery q;
        q.appId = 1;
        int answered = 0, busyAtOnce = 0;
        const int asked = server::ArchiveService::MaxQueuedSearches + 8;
        bool synchronous = true;
        for (int i = 0; i < asked; ++i) {
            synchronous = true;
            service.search(q, [&](Expected<archive::SearchResult> r) {
                if (synchronous) {
                    QCOMPARE(r.error(), QStringLiteral("Archive busy"));
                    ++busyAtOnce;
                } else {
                    QVERIFY2(r.has_value(), qPrintable(r.error()));
                    ++answered;
                }
            });
            synchronous = false;
        }
        // Answers come through the event loop, which has not turned yet.
        QCOMPARE(busyAtOnce, 8);
        QCOMPARE(service.searchesInFlight(), server::ArchiveService::MaxQueuedSearches);
        QTRY_COMPARE_WITH_TIMEOUT(answered, server::ArchiveService::MaxQueuedSearches, 30000);
        QCOMPARE(service.searchesInFlight(), 0);
        bool again = false;
        service.search(q, [&](Expected<archive::SearchResult> r) { again = bool(r); });
        QTRY_VERIFY_WITH_TIMEOUT(again, 30000);
    }

    void archiveOff() {
        server::ServerConfig config;
        config.logRetentionBytes = 0;
        ServerFixture g(config);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        QCOMPARE(g.server().archive().state(), server::ArchiveService::State::Off);
        QVERIFY(!QDir(g.dataDir() + QStringLiteral("/data/archive")).exists());
        const HttpResult r = ownerAsksForLogs(g);
        QCOMPARE(r.status, 503);
        QCOMPARE(r.json()["error"].toString(),
                 QStringLiteral("Log archive is off (--log-retention 0)"));
    }

    void unusableArchiveDirectoryDoesNotStopTheServer() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("archive")));
        QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where the directory goes
        blocker.close();
        server::ServerConfig config;
        config.dataDir = dir.path();
        ServerFixture g(config);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        QCOMPARE(g.server().archive().state(), server::ArchiveService::State::Unavailable);
        QVERIFY(!g.server().archive().unavailableReason().isEmpty());
        const HttpResult r = ownerAsksForLogs(g);
        QCOMPARE(r.status, 503);
        QCOMPARE(r.json()["error"].toString(), QStringLiteral("Log archive unavailable"));
    }
};

QTEST_MAIN(TestAppLogs)
#include "tst_applogs.moc"
