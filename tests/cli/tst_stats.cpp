// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor stats: the built binary against a real in-process server, a
// real container on the private engine for a running app's figures, and
// points written through the server's own history for --since/--until.
#include "TestPaths.h"
#include "TestSupport.h"
#include "UpstreamStandIn.h"

#include "AppStatsTable.h"
#include "history/MetricHistory.h"
#include "protocol/Envelope.h"
#include "server/AppStatsService.h"

#include <QJsonArray>
#include <QProcess>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {

struct Run {
    int code = -1;
    QStringList out;
    QString err;
};

QString rfc(qint64 seconds) {
    return protocol::rfc3339Seconds(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC));
}

QJsonObject figures(double cpu, double used, double limit, double rate, int pids) {
    return QJsonObject{
        {QStringLiteral("cpu"), QJsonObject{{QStringLiteral("percent"), cpu}}},
        {QStringLiteral("memory"),
         QJsonObject{{QStringLiteral("used"), used}, {QStringLiteral("limit"), limit}}},
        {QStringLiteral("network"),
         QJsonObject{{QStringLiteral("rxRate"), rate}, {QStringLiteral("txRate"), rate * 2}}},
        {QStringLiteral("blockio"),
         QJsonObject{{QStringLiteral("readRate"), 0}, {QStringLiteral("writeRate"), rate}}},
        {QStringLiteral("pids"), pids},
        {QStringLiteral("restarts"), 1},
    };
}

} // namespace

class TestStats : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;
    qint64 running = 0; // an app whose container runs
    qint64 gone = 0;    // an app without a container, with history written for it
    QString runningName;
    QString container;
    qint64 t0 = 0; // the first second of the gone app's history

    QString dataDir() const { return dir.filePath(QStringLiteral("data")); }

    Run run(QStringList args, int timeoutMs = 60000) {
        args << QStringLiteral("--data-dir") << dataDir();
        return runWith(args, {}, timeoutMs);
    }

    // Without --data-dir: --url servers, the passwords on standard input.
    Run runWith(const QStringList &args, const QByteArray &input, int timeoutMs = 60000) {
        QProcess p;
        p.start(mist::test::binaryPath(QStringLiteral("mist-monitor")), args);
        p.waitForStarted(10000);
        p.write(input);
        p.closeWriteChannel();
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, timeoutMs)) {
            p.kill();
            p.waitForFinished();
            qWarning("mist-monitor did not finish");
        }
        Run r;
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    qint64 addApp(const QString &name) {
        store::App a;
        a.name = name;
        a.containerName = name;
        const auto created = f->store().apps().add(a);
        if (!created)
            qFatal("%s", qPrintable(created.error()));
        return created->id;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig c;
        c.dataDir = dataDir();
        f = std::make_unique<ServerFixture>(c);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const qint64 pid = QCoreApplication::applicationPid();
        runningName = QStringLiteral("mist-stats-run-%1").arg(pid);
        container = runContainer(runningName, QStringLiteral("while true; do sleep 1; done"));
        QVERIFY(!container.isEmpty());
        running = addApp(runningName);
        gone = addApp(QStringLiteral("mist-stats-gone-%1").arg(pid));
        // The service measures the new container from its second reading on.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         for (const auto &a : f->server().appStats().latest().apps)
                             if (a.appId == running && a.figures && a.figures->cpuPercent)
                                 return true;
                         return false;
                     },
                     30000),
                 "the running app was not measured");
        // Five seconds of the gone app, ten minutes ago (no sampler writes
        // its series: it has no running container).
        history::MetricHistory *h = f->server().history();
        QVERIFY(h);
        t0 = QDateTime::currentSecsSinceEpoch() - 600;
        for (int i = 0; i < 5; ++i)
            QVERIFY(h->record(history::appSeries(gone), (t0 + i) * 1000,
                              figures(10.0 * i, 64.0 * 1024 * 1024 * (i + 1), 1024.0 * 1024 * 1024,
                                      1536.0 * i, 3 + i)));
        h->flush();
        h->sync();
    }

    void cleanupTestCase() {
        if (!container.isEmpty())
            removeContainer(runningName);
    }

    void table_data() {
        QTest::addColumn<QJsonObject>("app");
        QTest::addColumn<QStringList>("cells"); // the row split on spaces, after the time
        QTest::newRow("figures") << figures(12.345, 64.0 * 1024 * 1024, 2.0 * 1024 * 1024 * 1024,
                                            1536, 7)
                                 << QStringList{QStringLiteral("12.3%"),   QStringLiteral("64.0"),
                                                QStringLiteral("MiB/2.0"), QStringLiteral("GiB"),
                                                QStringLiteral("1.5"),     QStringLiteral("KiB/s"),
                                                QStringLiteral("3.0"),     QStringLiteral("KiB/s"),
                                                QStringLiteral("0"),       QStringLiteral("B/s"),
                                                QStringLiteral("1.5"),     QStringLiteral("KiB/s"),
                                                QStringLiteral("7"),       QStringLiteral("1")};
        const QJsonObject nulls{{QStringLiteral("cpu"), QJsonValue::Null},
                                {QStringLiteral("memory"), QJsonValue::Null},
                                {QStringLiteral("network"), QJsonValue::Null},
                                {QStringLiteral("blockio"), QJsonValue::Null},
                                {QStringLiteral("pids"), QJsonValue::Null},
                                {QStringLiteral("restarts"), 0}};
        QTest::newRow("no running container")
            << nulls << QStringList{QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                                    QStringLiteral("-"), QStringLiteral("-"), QStringLiteral("-"),
                                    QStringLiteral("-"), QStringLiteral("0")};
        QTest::newRow("empty object") << QJsonObject{} << QStringList(8, QStringLiteral("-"));
        const QJsonObject hostile{
            {QStringLiteral("cpu"), QStringLiteral("lots")},
            {QStringLiteral("memory"), QJsonObject{{QStringLiteral("used"), -5}}},
            {QStringLiteral("network"), QJsonArray{1, 2}},
            {QStringLiteral("blockio"),
             QJsonObject{{QStringLiteral("readRate"), true}, {QStringLiteral("writeRate"), 1e300}}},
            {QStringLiteral("pids"), QStringLiteral("7")},
            {QStringLiteral("restarts"), QJsonObject{}}};
        QTest::newRow("wrong types, negative, huge")
            << hostile << QStringList(8, QStringLiteral("-"));
    }
    void table() {
        QFETCH(QJsonObject, app);
        QFETCH(QStringList, cells);
        const cli::AppStatsTable table{false};
        const QString row = table.row(QStringLiteral("2026-12-05T10:00:00Z"), app);
        QStringList got = row.split(u' ', Qt::SkipEmptyParts);
        QCOMPARE(got.takeFirst(), QStringLiteral("2026-12-05T10:00:00Z"));
        QCOMPARE(got, cells);
        // Aligned: every row as long as the header, whatever is in it.
        QCOMPARE(row.size(), table.header().size());
    }

    void liveAllApps() {
        const Run r =
            run({QStringLiteral("stats"), QStringLiteral("--count"), QStringLiteral("2")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.size() >= 5, qPrintable(r.out.join(u'\n')));
        QVERIFY(r.out[0].startsWith(QStringLiteral("TIME")));
        QVERIFY(r.out[0].contains(QStringLiteral("RESTARTS")));
        const QStringList runningRows = r.out.filter(runningName);
        const QStringList goneRows = r.out.filter(QStringLiteral("mist-stats-gone-"));
        QCOMPARE(runningRows.size(), 2);
        QCOMPARE(goneRows.size(), 2);
        // The running container: its state and figures (memory in use, pids).
        QVERIFY2(runningRows[1].contains(QStringLiteral(" running ")), qPrintable(runningRows[1]));
        QVERIFY2(runningRows[1].contains(QStringLiteral("iB/")), qPrintable(runningRows[1]));
        QVERIFY2(goneRows[1].contains(QStringLiteral(" - ")), qPrintable(goneRows[1]));
        for (const QString &row : runningRows + goneRows)
            QCOMPARE(row.size(), r.out[0].size());
    }

    void liveOneAppJson() {
        // The first second after the container was seen has no rates: wait for two samples.
        const Run r =
            run({QStringLiteral("stats"), QStringLiteral("--app"), QString::number(running),
                 QStringLiteral("--json"), QStringLiteral("--count"), QStringLiteral("2")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 2);
        const QJsonObject data = QJsonDocument::fromJson(r.out[1].toUtf8()).object();
        QVERIFY(data.contains(QStringLiteral("timestamp")));
        QVERIFY(!data.contains(QStringLiteral("type"))); // the data, not the envelope
        const QJsonArray apps = data[u"apps"].toArray();
        QCOMPARE(apps.size(), 1);
        const QJsonObject app = apps[0].toObject();
        QCOMPARE(app[u"appId"].toInteger(), running);
        QCOMPARE(app[u"state"].toString(), QStringLiteral("running"));
        QVERIFY(app[u"memory"][u"used"].toDouble() > 0);
        QVERIFY(app[u"pids"].toInteger() >= 1);
        QVERIFY(app[u"cpu"][u"percent"].isDouble());
    }

    void liveOneAppTable() {
        const Run r = run({QStringLiteral("stats"), QStringLiteral("--app"), QString::number(gone),
                           QStringLiteral("--count"), QStringLiteral("2")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 3); // the header and one row a second
        QVERIFY(r.out[0].startsWith(QStringLiteral("TIME")));
        QCOMPARE(r.out.filter(QStringLiteral("mist-stats-gone-")).size(), 2);
        QCOMPARE(r.out.filter(runningName).size(), 0);
    }

    void appHistory() {
        const Run r =
            run({QStringLiteral("stats"), QStringLiteral("--app"), QString::number(gone),
                 QStringLiteral("--since"), rfc(t0 - 60), QStringLiteral("--until"), rfc(t0 + 60)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 6);
        QVERIFY(r.out[0].startsWith(QStringLiteral("TIME")));
        QVERIFY(!r.out[0].contains(QStringLiteral("APP")));
        for (int i = 0; i < 5; ++i) {
            QVERIFY2(r.out[i + 1].startsWith(rfc(t0 + i)), qPrintable(r.out[i + 1]));
            QVERIFY2(r.out[i + 1].contains(QStringLiteral(" %1.0% ").arg(10 * i)),
                     qPrintable(r.out[i + 1]));
            QVERIFY2(r.out[i + 1].contains(QStringLiteral(" %1.0 MiB/1.0 GiB ").arg(64 * (i + 1))),
                     qPrintable(r.out[i + 1]));
        }
        QVERIFY(r.out[2].contains(QStringLiteral("1.5 KiB/s")));
    }

    void appHistoryJsonAndCount() {
        const Run r = run({QStringLiteral("stats"), QStringLiteral("--app"), QString::number(gone),
                           QStringLiteral("--since"), rfc(t0 + 1), QStringLiteral("--json"),
                           QStringLiteral("--count"), QStringLiteral("2")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 2);
        const QJsonObject second = QJsonDocument::fromJson(r.out[1].toUtf8()).object();
        QCOMPARE(second[u"timestamp"].toString(), rfc(t0 + 2));
        QCOMPARE(second[u"pids"].toInt(), 5);
        QCOMPARE(second[u"cpu"][u"percent"].toDouble(), 20.0);
    }

    void appHistoryEmptyRange() {
        const Run r = run({QStringLiteral("stats"), QStringLiteral("--app"), QString::number(gone),
                           QStringLiteral("--since"), rfc(t0 - 3600), QStringLiteral("--until"),
                           rfc(t0 - 1800)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 1); // the header alone
    }

    void hostHistory() {
        // The server has sampled the host since initTestCase; its points on disk.
        f->server().history()->flush();
        f->server().history()->sync();
        const Run r =
            run({QStringLiteral("stats"), QStringLiteral("--since"), QStringLiteral("10m")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.size() >= 2, qPrintable(r.out.join(u'\n')));
        const QDateTime start = QDateTime::fromSecsSinceEpoch(t0, Qt::UTC);
        for (const QString &line : r.out) {
            QVERIFY2(line.contains(QStringLiteral(" cpu ")) &&
                         line.contains(QStringLiteral(" mem ")),
                     qPrintable(line));
            const QDateTime at = QDateTime::fromString(line.section(u' ', 0, 0), Qt::ISODate);
            QVERIFY2(at.isValid() && at >= start, qPrintable(line));
        }
    }

    // Several --url live: each server's rows under its own header, prefixed with it.
    void twoServersLive() {
        server::ServerConfig config;
        config.port = 0;
        ServerFixture b(config);
        QVERIFY2(b.ok(), qPrintable(b.error()));
        b.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QString a = QStringLiteral("127.0.0.1:%1").arg(f->port());
        const QString other = QStringLiteral("127.0.0.1:%1").arg(b.port());
        const QStringList args{QStringLiteral("stats"),
                               QStringLiteral("--count"),
                               QStringLiteral("2"),
                               QStringLiteral("--url"),
                               QStringLiteral("http://") + a,
                               QStringLiteral("--url"),
                               QStringLiteral("http://") + other,
                               QStringLiteral("--email"),
                               QStringLiteral("owner@example.com"),
                               QStringLiteral("--password-stdin")};
        const Run r = runWith(args, "correct horse battery\n");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList fromA = r.out.filter(QStringLiteral("[%1] ").arg(a));
        const QStringList fromB = r.out.filter(QStringLiteral("[%1] ").arg(other));
        QCOMPARE(fromA.size() + fromB.size(), r.out.size());
        QVERIFY2(fromA.size() >= 5, qPrintable(fromA.join(u'\n'))); // a header, 2 apps x 2
        QCOMPARE(fromA.filter(runningName).size(), 2);
        QCOMPARE(fromB.size(), 1); // no apps there: the header alone
        QVERIFY(fromB[0].contains(QStringLiteral("TIME")));

        // History takes one server.
        const Run history =
            runWith(args + QStringList{QStringLiteral("--since"), QStringLiteral("1h")},
                    "correct horse battery\n");
        QCOMPARE(history.code, 2);
        QVERIFY2(history.err.contains(QStringLiteral("stats with --since takes one --url")),
                 qPrintable(history.err));
    }

    void upstreamRefused() {
        UpstreamStandIn upstream;
        const Run r =
            runWith({QStringLiteral("stats"), QStringLiteral("--url"),
                     QStringLiteral("http://127.0.0.1:%1").arg(upstream.port()),
                     QStringLiteral("--email"), upstream.email, QStringLiteral("--password-stdin")},
                    upstream.password + '\n');
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("stats needs a Mist Monitor server")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void failures_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        const QString s = QStringLiteral("stats");
        const QString since = QStringLiteral("--since");
        QTest::newRow("unknown app, live")
            << QStringList{s, QStringLiteral("--app"), QStringLiteral("987654")} << 1
            << QStringLiteral("mist-monitor: app 987654: Application not found\n");
        QTest::newRow("unknown app, history")
            << QStringList{s, QStringLiteral("--app"), QStringLiteral("987654"), since,
                           QStringLiteral("1h")}
            << 1 << QStringLiteral("mist-monitor: app 987654: Application not found\n");
        QTest::newRow("app 0") << QStringList{s, QStringLiteral("--app"), QStringLiteral("0")} << 2
                               << QStringLiteral("--app wants a positive id");
        QTest::newRow("app not a number")
            << QStringList{s, QStringLiteral("--app"), QStringLiteral("web")} << 2
            << QStringLiteral("--app wants a positive id");
        QTest::newRow("until without since")
            << QStringList{s, QStringLiteral("--until"), QStringLiteral("1h")} << 2
            << QStringLiteral("--until needs --since");
        QTest::newRow("step without since")
            << QStringList{s, QStringLiteral("--step"), QStringLiteral("60")} << 2
            << QStringLiteral("--step needs --since");
        QTest::newRow("bad since") << QStringList{s, since, QStringLiteral("yesterday")} << 2
                                   << QStringLiteral("--since wants a time");
        QTest::newRow("huge since") << QStringList{s, since, QString(5000, u'9')} << 2
                                    << QStringLiteral("--since wants a time");
        QTest::newRow("bad until")
            << QStringList{s, since, QStringLiteral("1h"), QStringLiteral("--until"),
                           QStringLiteral("2026-13-40T99:00:00Z")}
            << 2 << QStringLiteral("--until wants a time");
        QTest::newRow("until before since")
            << QStringList{s, since, QStringLiteral("1h"), QStringLiteral("--until"),
                           QStringLiteral("2h")}
            << 2 << QStringLiteral("--until is before --since");
        QTest::newRow("step 0") << QStringList{s, since, QStringLiteral("1h"),
                                               QStringLiteral("--step"), QStringLiteral("0")}
                                << 2 << QStringLiteral("--step wants whole seconds");
        QTest::newRow("step fractional")
            << QStringList{s, since, QStringLiteral("1h"), QStringLiteral("--step"),
                           QStringLiteral("1.5")}
            << 2 << QStringLiteral("--step wants whole seconds");
        QTest::newRow("step over a year")
            << QStringList{s, since, QStringLiteral("1h"), QStringLiteral("--step"),
                           QStringLiteral("31536001")}
            << 2 << QStringLiteral("--step wants whole seconds");
        QTest::newRow("too many points: the server's 400")
            << QStringList{s, since, QStringLiteral("2d"), QStringLiteral("--step"),
                           QStringLiteral("1")}
            << 1 << QStringLiteral("at most 100000 in one answer");
        QTest::newRow("count 0") << QStringList{s, QStringLiteral("--count"), QStringLiteral("0")}
                                 << 2 << QStringLiteral("--count wants a positive number");
        QTest::newRow("stray argument")
            << QStringList{s, QStringLiteral("web")} << 2 << QStringLiteral("web");
    }
    void failures() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, message);
        const Run r = run(args);
        QVERIFY2(r.code == code, qPrintable(QString::number(r.code) + u' ' + r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out.join(u'\n')));
    }
};

QTEST_MAIN(TestStats)
#include "tst_stats.moc"
