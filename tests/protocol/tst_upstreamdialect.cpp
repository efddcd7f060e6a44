// The upstream Mist dialect (../shared/spec/upstream-mist-dialect.md) mapped
// onto the published shapes, row by row: metrics, stages and progress, log
// pieces, and the deployment stream's missing end.
#include "protocol/UpstreamDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mist::protocol::upstream;

namespace {
QJsonObject json(const char *text) {
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(QByteArray(text), &error).object();
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text);
    return o;
}
// JSON written with single quotes, for readable rows.
QJsonObject sq(const char *text) {
    return json(QByteArray(text).replace('\'', '"').constData());
}
} // namespace

Q_DECLARE_METATYPE(Progress)

class TestUpstreamDialect : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void routes() {
        QCOMPARE(webSocketPath(Stream::ContainerLogs, 42),
                 QStringLiteral("/api/ws/container/logs?appId=42"));
        QCOMPARE(webSocketPath(Stream::DeploymentLogs, 999998),
                 QStringLiteral("/api/deployments/logs/stream?id=999998"));
        QCOMPARE(webSocketPath(Stream::Metrics), QStringLiteral("/api/ws/stats"));
    }

    void metrics_data() {
        QTest::addColumn<QJsonObject>("upstream");
        // Expected fields; a null `expected` means: refused.
        QTest::addColumn<QJsonObject>("expected");
        QTest::newRow("the documented sample")
            << json("{\"cpuUsage\":12.5,\"memory\":{\"total\":17179869184,\"used\":4294967296},"
                    "\"disk\":[{\"name\":\"/dev/vda\",\"totalSpace\":400,\"availableSpace\":300,"
                    "\"usedSpace\":100}],\"loadAverage\":{\"oneMinute\":0.1,\"fiveMinutes\":0.2,"
                    "\"fifteenMinutes\":0.3},\"timestamp\":1736937000,\"uptime\":123456,"
                    "\"cpuTemperature\":45.0}")
            << json("{\"timestamp\":\"2025-01-15T10:30:00Z\",\"cpu\":{\"usage\":12.5,\"cores\":"
                    "null},"
                    "\"memory\":{\"used\":4294967296,\"total\":17179869184,\"percent\":25},"
                    "\"disk\":{\"used\":100,\"total\":400,\"percent\":25},\"docker\":null,"
                    "\"disks\":[{\"name\":\"/dev/vda\",\"used\":100,\"total\":400,\"percent\":25}],"
                    "\"load\":{\"one\":0.1,\"five\":0.2,\"fifteen\":0.3},\"uptime\":123456,"
                    "\"cpuTemperature\":45}");
        QTest::newRow("two disks are summed")
            << json("{\"cpuUsage\":1,\"timestamp\":0,\"memory\":{\"total\":3,\"used\":1},"
                    "\"disk\":[{\"name\":\"a\",\"totalSpace\":100,\"usedSpace\":10},"
                    "{\"name\":\"b\",\"totalSpace\":300,\"usedSpace\":90}]}")
            << json("{\"timestamp\":\"1970-01-01T00:00:00Z\",\"cpu\":{\"usage\":1,\"cores\":null},"
                    "\"memory\":{\"used\":1,\"total\":3,\"percent\":33.3},"
                    "\"disk\":{\"used\":100,\"total\":400,\"percent\":25},\"docker\":null,"
                    "\"disks\":[{\"name\":\"a\",\"used\":10,\"total\":100,\"percent\":10},"
                    "{\"name\":\"b\",\"used\":90,\"total\":300,\"percent\":30}]}");
        QTest::newRow("used from available when usedSpace is missing")
            << json("{\"cpuUsage\":0,\"timestamp\":1,\"disk\":[{\"name\":\"x\",\"totalSpace\":200,"
                    "\"availableSpace\":50}]}")
            << json("{\"timestamp\":\"1970-01-01T00:00:01Z\",\"cpu\":{\"usage\":0,\"cores\":null},"
                    "\"memory\":{\"used\":0,\"total\":0,\"percent\":0},"
                    "\"disk\":{\"used\":150,\"total\":200,\"percent\":75},\"docker\":null,"
                    "\"disks\":[{\"name\":\"x\",\"used\":150,\"total\":200,\"percent\":75}]}");
        QTest::newRow("used above total, cpu above 100: clamped")
            << json("{\"cpuUsage\":250,\"timestamp\":1,\"memory\":{\"total\":10,\"used\":20}}")
            << json(
                   "{\"timestamp\":\"1970-01-01T00:00:01Z\",\"cpu\":{\"usage\":100,\"cores\":null},"
                   "\"memory\":{\"used\":10,\"total\":10,\"percent\":100},"
                   "\"disk\":{\"used\":0,\"total\":0,\"percent\":0},\"docker\":null,\"disks\":[]}");
        QTest::newRow("hostile disk list and partial load average are left out")
            << json("{\"cpuUsage\":5,\"timestamp\":2,\"disk\":[1,\"x\",{\"totalSpace\":-1},"
                    "{\"totalSpace\":\"9\"}],\"loadAverage\":{\"oneMinute\":1},\"uptime\":-5}")
            << json(
                   "{\"timestamp\":\"1970-01-01T00:00:02Z\",\"cpu\":{\"usage\":5,\"cores\":null},"
                   "\"memory\":{\"used\":0,\"total\":0,\"percent\":0},"
                   "\"disk\":{\"used\":0,\"total\":0,\"percent\":0},\"docker\":null,\"disks\":[]}");
        QTest::newRow("refused: no cpuUsage") << json("{\"timestamp\":1}") << QJsonObject();
        QTest::newRow("refused: cpuUsage as text")
            << json("{\"cpuUsage\":\"12\",\"timestamp\":1}") << QJsonObject();
        QTest::newRow("refused: negative cpuUsage")
            << json("{\"cpuUsage\":-1,\"timestamp\":1}") << QJsonObject();
        QTest::newRow("refused: no timestamp") << json("{\"cpuUsage\":1}") << QJsonObject();
        QTest::newRow("refused: timestamp as RFC 3339 (the published schema)")
            << json("{\"cpuUsage\":1,\"timestamp\":\"2025-01-15T10:30:00Z\"}") << QJsonObject();
        QTest::newRow("the last second nanoseconds can count")
            << json("{\"cpuUsage\":1,\"timestamp\":9223372036}")
            << json("{\"timestamp\":\"2262-04-11T23:47:16Z\",\"cpu\":{\"usage\":1,\"cores\":"
                    "null},\"memory\":{\"used\":0,\"total\":0,\"percent\":0},"
                    "\"disk\":{\"used\":0,\"total\":0,\"percent\":0},\"docker\":null,"
                    "\"disks\":[]}");
        // Found by fuzz_client_json: a year-2520 sample became a timestamp no
        // client of this project could read.
        QTest::newRow("refused: timestamp after 2262-04-11 (year 2520)")
            << json("{\"cpuUsage\":1,\"timestamp\":17500000000}") << QJsonObject();
        QTest::newRow("refused: timestamp beyond year 9999")
            << json("{\"cpuUsage\":1,\"timestamp\":1e15}") << QJsonObject();
        QTest::newRow("refused: the published schema")
            << json("{\"timestamp\":\"2025-01-15T10:30:00Z\",\"cpu\":{\"usage\":25.5,\"cores\":4}}")
            << QJsonObject();
        QTest::newRow("refused: empty") << QJsonObject() << QJsonObject();
    }
    void metrics() {
        QFETCH(QJsonObject, upstream);
        QFETCH(QJsonObject, expected);
        QString error;
        const auto mapped = metricsFromUpstream(upstream, &error);
        if (expected.isEmpty()) {
            QVERIFY(!mapped);
            QVERIFY(error.startsWith(QStringLiteral("not an upstream metrics sample")));
            return;
        }
        QVERIFY2(mapped, qPrintable(error));
        QCOMPARE(QJsonDocument(*mapped).toJson(QJsonDocument::Compact),
                 QJsonDocument(expected).toJson(QJsonDocument::Compact));
    }

    // This server's /api/ws/stats for upstream's clients: upstream's schema,
    // and what this project's client makes of it is the sample it started from.
    void metricsToUpstreamRoundTrip() {
        const QJsonObject published =
            json("{\"timestamp\":\"2025-01-15T10:30:00Z\",\"cpu\":{\"usage\":25.5,\"cores\":4},"
                 "\"memory\":{\"used\":4294967296,\"total\":17179869184,\"percent\":25},"
                 "\"disk\":{\"used\":100,\"total\":400,\"percent\":25},"
                 "\"docker\":{\"containers_running\":1,\"containers_total\":2,\"images\":3}}");
        const QJsonObject up = metricsToUpstream(published, QStringLiteral("/dev/vda"),
                                                 LoadAverage{0.5, 0.25, 0.125}, 3600.7);
        QCOMPARE(QJsonDocument(up).toJson(QJsonDocument::Compact),
                 QByteArray(
                     "{\"cpuUsage\":25.5,\"disk\":[{\"availableSpace\":300,\"name\":\"/dev/vda\","
                     "\"totalSpace\":400,\"usedSpace\":100}],\"loadAverage\":{\"fifteenMinutes\":"
                     "0.125,\"fiveMinutes\":0.25,\"oneMinute\":0.5},\"memory\":{\"total\":"
                     "17179869184,\"used\":4294967296},\"timestamp\":1736937000,\"uptime\":3600}"));
        QString error;
        const auto back = metricsFromUpstream(up, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->value(QStringLiteral("timestamp")),
                 published.value(QStringLiteral("timestamp")));
        QCOMPARE(
            back->value(QStringLiteral("cpu")).toObject().value(QStringLiteral("usage")).toDouble(),
            25.5);
        QCOMPARE(back->value(QStringLiteral("memory")), published.value(QStringLiteral("memory")));
        QCOMPARE(back->value(QStringLiteral("disk")), published.value(QStringLiteral("disk")));
        // Without load average and uptime the keys are left out.
        const QJsonObject bare =
            metricsToUpstream(published, QStringLiteral("d"), std::nullopt, std::nullopt);
        QVERIFY(!bare.contains(QStringLiteral("loadAverage")));
        QVERIFY(!bare.contains(QStringLiteral("uptime")));
    }

    void procLoadAndUptime_data() {
        QTest::addColumn<QByteArray>("loadavg");
        QTest::addColumn<bool>("loadOk");
        QTest::addColumn<double>("one");
        QTest::addColumn<QByteArray>("uptime");
        QTest::addColumn<bool>("uptimeOk");
        QTest::addColumn<double>("seconds");
        QTest::newRow("typical") << QByteArray("0.10 0.20 0.30 1/123 4567\n") << true << 0.1
                                 << QByteArray("123.45 678.90\n") << true << 123.45;
        QTest::newRow("empty") << QByteArray() << false << 0.0 << QByteArray() << false << 0.0;
        QTest::newRow("too few") << QByteArray("0.1 0.2") << false << 0.0 << QByteArray(" ")
                                 << false << 0.0;
        QTest::newRow("garbage") << QByteArray("a b c") << false << 0.0 << QByteArray("x 1")
                                 << false << 0.0;
        QTest::newRow("negative") << QByteArray("-1 0 0") << false << 0.0 << QByteArray("-5 1")
                                  << false << 0.0;
        QTest::newRow("nan and inf")
            << QByteArray("nan 0 0") << false << 0.0 << QByteArray("inf 1") << false << 0.0;
        QTest::newRow("huge") << QByteArray(100000, '9') << false << 0.0 << QByteArray("1e308 0")
                              << true << 1e308;
    }
    void procLoadAndUptime() {
        QFETCH(QByteArray, loadavg);
        QFETCH(bool, loadOk);
        QFETCH(double, one);
        QFETCH(QByteArray, uptime);
        QFETCH(bool, uptimeOk);
        QFETCH(double, seconds);
        const auto load = parseLoadAverage(loadavg);
        QCOMPARE(bool(load), loadOk);
        if (load && one != 0)
            QCOMPARE(load->one, one);
        const auto up = parseUptimeSeconds(uptime);
        QCOMPARE(bool(up), uptimeOk);
        if (up)
            QCOMPARE(*up, seconds);
    }

    // This server's deployment status in upstream's words, and back through
    // this project's own reading of upstream: the same step of the stepper.
    void deploymentStatusToUpstream_data() {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("stage");
        QTest::addColumn<QString>("upstreamStage");
        // What progressFromUpstream makes of it:
        QTest::addColumn<QString>("backStatus");
        QTest::addColumn<QString>("backStage");
        QTest::newRow("queued") << "pending"
                                << ""
                                << "pending"
                                << "pending"
                                << "";
        QTest::newRow("cloning") << "building"
                                 << "cloning_repo"
                                 << "cloning"
                                 << "building"
                                 << "cloning_repo";
        QTest::newRow("building") << "building"
                                  << "building_image"
                                  << "building"
                                  << "building"
                                  << "building_image";
        QTest::newRow("stopping the old container") << "deploying"
                                                    << "stopping_old"
                                                    << "deploying"
                                                    << "deploying"
                                                    << "starting_new";
        QTest::newRow("starting the new one") << "deploying"
                                              << "starting_new"
                                              << "deploying"
                                              << "deploying"
                                              << "starting_new";
        QTest::newRow("done") << "success"
                              << "completed"
                              << "success"
                              << "success"
                              << "completed";
        QTest::newRow("failed while building") << "failed"
                                               << "building_image"
                                               << "failed"
                                               << "failed"
                                               << "building_image";
        QTest::newRow("failed while cloning") << "failed"
                                              << "cloning_repo"
                                              << "failed"
                                              << "failed"
                                              << "cloning_repo";
        QTest::newRow("a stage of a later version") << "deploying"
                                                    << "warming_up"
                                                    << "warming_up"
                                                    << "building"
                                                    << "building_image";
    }
    void deploymentStatusToUpstream() {
        QFETCH(QString, status);
        QFETCH(QString, stage);
        QFETCH(QString, upstreamStage);
        QFETCH(QString, backStatus);
        QFETCH(QString, backStage);
        const QJsonObject ours{{QStringLiteral("deployment_id"), 7},
                               {QStringLiteral("status"), status},
                               {QStringLiteral("stage"), stage},
                               {QStringLiteral("progress"), 42},
                               {QStringLiteral("message"), QStringLiteral("m")},
                               {QStringLiteral("error_message"), QJsonValue::Null}};
        const QJsonObject theirs = mist::protocol::upstream::deploymentStatusToUpstream(ours);
        QCOMPARE(theirs.value(QStringLiteral("stage")).toString(), upstreamStage);
        // Everything else as it was.
        QJsonObject rest = theirs;
        rest.insert(QStringLiteral("stage"), stage);
        QCOMPARE(rest, ours);
        // Read back as this project's client reads upstream (a failure keeps
        // the last stage it saw; a later version's stage keeps "building_image").
        const QString lastSeen =
            status == u"failed" || stage == u"warming_up" ? backStage : QString();
        const Progress back = progressFromUpstream(status, upstreamStage, 42, lastSeen);
        QCOMPARE(back.status, backStatus);
        QCOMPARE(back.stage, backStage);
    }

    void apps_data() {
        QTest::addColumn<QJsonObject>("app");
        QTest::addColumn<QJsonObject>("project");
        QTest::addColumn<QJsonObject>("expected"); // empty: refused
        QTest::addColumn<QString>("error");
        const QJsonObject shop = sq("{'id':48213,'name':'shop','ownerId':1}");
        QTest::newRow("git app")
            << sq("{'id':731904,'projectId':48213,'name':'storefront','gitRepository':'acme/sf',"
                  "'gitCloneUrl':'https://g/acme/sf.git','gitBranch':'main','status':'running',"
                  "'port':3000,'createdAt':'2026-01-01T00:00:00Z'}")
            << shop
            << sq("{'id':731904,'name':'storefront','projectId':48213,'projectName':'shop',"
                  "'gitUrl':'acme/sf','gitBranch':'main','containerName':'app-731904',"
                  "'containerState':'running','containerStatus':null}")
            << "";
        QTest::newRow("clone URL when no repository name")
            << sq("{'id':5,'name':'a','gitRepository':'','gitCloneUrl':'https://g/a.git',"
                  "'status':'building'}")
            << shop
            << sq("{'id':5,'name':'a','projectId':48213,'projectName':'shop',"
                  "'gitUrl':'https://g/a.git','gitBranch':null,'containerName':'app-5',"
                  "'containerState':'building','containerStatus':null}")
            << "";
        QTest::newRow("no git, no status, project without id")
            << sq("{'id':0,'name':'db'}") << sq("{'name':'x'}")
            << sq("{'id':0,'name':'db','projectId':null,'projectName':'x','gitUrl':null,"
                  "'gitBranch':null,'containerName':'app-0','containerState':null,"
                  "'containerStatus':null}")
            << "";
        QTest::newRow("id missing")
            << sq("{'name':'x'}") << shop << QJsonObject() << "app without a valid id";
        QTest::newRow("id as string")
            << sq("{'id':'7','name':'x'}") << shop << QJsonObject() << "app without a valid id";
        QTest::newRow("negative id")
            << sq("{'id':-1,'name':'x'}") << shop << QJsonObject() << "app without a valid id";
        QTest::newRow("fractional id")
            << sq("{'id':1.5,'name':'x'}") << shop << QJsonObject() << "app without a valid id";
        QTest::newRow("id beyond 2^53")
            << sq("{'id':1e300,'name':'x'}") << shop << QJsonObject() << "app without a valid id";
        QTest::newRow("no name") << sq("{'id':3,'name':''}") << shop << QJsonObject()
                                 << "app 3 without a name";
        QTest::newRow("name not a string")
            << sq("{'id':3,'name':42}") << shop << QJsonObject() << "app 3 without a name";
    }
    void apps() {
        QFETCH(QJsonObject, app);
        QFETCH(QJsonObject, project);
        QFETCH(QJsonObject, expected);
        QFETCH(QString, error);
        QString why;
        const auto got = appFromUpstream(app, project, &why);
        if (expected.isEmpty()) {
            QVERIFY(!got);
            QCOMPARE(why, error);
        } else {
            QVERIFY2(got, qPrintable(why));
            QCOMPARE(*got, expected);
        }
    }

    void deployments_data() {
        QTest::addColumn<QJsonObject>("deployment");
        QTest::addColumn<QJsonObject>("expected"); // empty: refused
        QTest::newRow("finished")
            << sq("{'id':512877,'app_id':731904,'commit_hash':'9b1e','commit_message':'m',"
                  "'status':'success','stage':'success','progress':100,"
                  "'created_at':'2026-11-27T09:12:04Z','started_at':'2026-11-27T09:12:05Z',"
                  "'finished_at':'2026-11-27T09:13:41Z','logs':'...'}")
            << sq("{'id':512877,'deployment_id':512877,'app_id':731904,'status':'success',"
                  "'stage':'completed','progress':100,'commit_hash':'9b1e','commit_message':'m',"
                  "'error_message':'','created_at':'2026-11-27T09:12:04Z',"
                  "'started_at':'2026-11-27T09:12:05Z','finished_at':'2026-11-27T09:13:41Z'}");
        QTest::newRow("queued, bare object of POST /api/deployments")
            << sq("{'id':904117,'app_id':731904,'status':'pending','stage':'pending',"
                  "'progress':0,'created_at':'2026-11-28T10:00:00Z','finished_at':null}")
            << sq("{'id':904117,'deployment_id':904117,'app_id':731904,'status':'pending',"
                  "'stage':'','progress':0,'commit_hash':'','commit_message':'',"
                  "'error_message':'','created_at':'2026-11-28T10:00:00Z',"
                  "'started_at':'2026-11-28T10:00:00Z','finished_at':null}");
        QTest::newRow("failed, with upstream's reason")
            << sq("{'id':3,'status':'failed','stage':'failed','progress':50,"
                  "'error_message':'build failed: exit 1'}")
            << sq("{'id':3,'deployment_id':3,'status':'failed','stage':'cloning_repo',"
                  "'progress':50,'commit_hash':'','commit_message':'',"
                  "'error_message':'build failed: exit 1','created_at':'','started_at':null,"
                  "'finished_at':null}");
        QTest::newRow("old server: status only")
            << sq("{'id':4,'status':'building'}")
            << sq("{'id':4,'deployment_id':4,'status':'building','stage':'building_image',"
                  "'progress':0,'commit_hash':'','commit_message':'','error_message':'',"
                  "'created_at':'','started_at':null,'finished_at':null}");
        QTest::newRow("no id") << sq("{'status':'success'}") << QJsonObject();
        QTest::newRow("id null") << sq("{'id':null}") << QJsonObject();
        QTest::newRow("id NaN-like string") << sq("{'id':'NaN'}") << QJsonObject();
    }
    void deployments() {
        QFETCH(QJsonObject, deployment);
        QFETCH(QJsonObject, expected);
        QString why;
        const auto got = deploymentFromUpstream(deployment, &why);
        if (expected.isEmpty()) {
            QVERIFY(!got);
            QCOMPARE(why, QStringLiteral("deployment without a valid id"));
        } else {
            QVERIFY2(got, qPrintable(why));
            QCOMPARE(*got, expected);
        }
    }

    void replayOverlap_data() {
        QTest::addColumn<QStringList>("seen");
        QTest::addColumn<QStringList>("replay");
        QTest::addColumn<qsizetype>("overlap");
        auto range = [](int from, int to) {
            QStringList out;
            for (int i = from; i <= to; ++i)
                out << QStringLiteral("line %1").arg(i);
            return out;
        };
        QTest::newRow("3 new lines") << range(1, 100) << range(4, 103) << qsizetype(97);
        QTest::newRow("nothing new") << range(1, 100) << range(1, 100) << qsizetype(100);
        QTest::newRow("everything new") << range(1, 100) << range(201, 300) << qsizetype(0);
        QTest::newRow("short log, then more") << range(1, 5) << range(1, 8) << qsizetype(5);
        QTest::newRow("nothing seen") << QStringList() << range(1, 3) << qsizetype(0);
        QTest::newRow("empty replay") << range(1, 3) << QStringList() << qsizetype(0);
        QTest::newRow("the same line over and over: ambiguous")
            << QStringList(100, QStringLiteral("serving"))
            << QStringList(100, QStringLiteral("serving")) << qsizetype(0);
        QTest::newRow("period 2: ambiguous")
            << QStringList{"a", "b", "a", "b"} << QStringList{"a", "b", "a", "b", "a"}
            << qsizetype(0);
        QTest::newRow("period 2, broken by a new line: one fit")
            << QStringList{"a", "b", "a", "b"} << QStringList{"a", "b", "c"} << qsizetype(2);
        QTest::newRow("a repeated line inside, still one fit")
            << QStringList{"x", "", "y", "", "z"} << QStringList{"y", "", "z", "new"}
            << qsizetype(3);
        QTest::newRow("replay shorter than the overlap window")
            << range(1, 100) << range(99, 100) << qsizetype(2);
    }
    void replayOverlap() {
        QFETCH(QStringList, seen);
        QFETCH(QStringList, replay);
        QFETCH(qsizetype, overlap);
        QCOMPARE(mist::protocol::upstream::replayOverlap(seen, replay), overlap);
    }

    void stages_data() {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("stage");
        QTest::addColumn<double>("progress");
        QTest::addColumn<QString>("lastStage");
        QTest::addColumn<Progress>("expected");
        auto p = [](const char *status, const char *stage, int progress) {
            return Progress{QString::fromLatin1(status), QString::fromLatin1(stage), progress};
        };
        QTest::newRow("pending") << "pending"
                                 << "pending" << 0.0 << "" << p("pending", "", 0);
        QTest::newRow("cloning as status, no stage")
            << "cloning"
            << "" << 20.0 << "" << p("building", "cloning_repo", 20);
        QTest::newRow("cloning") << "building"
                                 << "cloning" << 20.0 << "" << p("building", "cloning_repo", 20);
        QTest::newRow("building") << "building"
                                  << "building" << 50.0 << "cloning_repo"
                                  << p("building", "building_image", 50);
        QTest::newRow("pulling") << "building"
                                 << "pulling" << 50.0 << "" << p("building", "building_image", 50);
        QTest::newRow("deploying")
            << "deploying"
            << "deploying" << 80.0 << "building_image" << p("deploying", "starting_new", 80);
        QTest::newRow("success") << "success"
                                 << "success" << 100.0 << "starting_new"
                                 << p("success", "completed", 100);
        QTest::newRow("success, progress missing")
            << "success"
            << "" << 0.0 << "" << p("success", "completed", 100);
        QTest::newRow("failed while building keeps its stage")
            << "failed"
            << "failed" << 50.0 << "building_image" << p("failed", "building_image", 50);
        QTest::newRow("failed before any stage")
            << "failed"
            << "failed" << 0.0 << "" << p("failed", "cloning_repo", 0);
        QTest::newRow("unknown stage keeps the last one")
            << "building"
            << "optimizing" << 60.0 << "building_image" << p("building", "building_image", 60);
        QTest::newRow("progress out of range is clamped")
            << "deploying"
            << "deploying" << 250.0 << "" << p("deploying", "starting_new", 100);
        QTest::newRow("negative progress")
            << "building"
            << "building" << -5.0 << "" << p("building", "building_image", 0);
    }
    void stages() {
        QFETCH(QString, status);
        QFETCH(QString, stage);
        QFETCH(double, progress);
        QFETCH(QString, lastStage);
        QFETCH(Progress, expected);
        const Progress got = progressFromUpstream(status, stage, progress, lastStage);
        QCOMPARE(got.status, expected.status);
        QCOMPARE(got.stage, expected.stage);
        QCOMPARE(got.progress, expected.progress);
    }

    void pieces_data() {
        QTest::addColumn<QStringList>("pieces");
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<int>("truncated"); // how many of the lines are flagged
        const QString piece(LinePieceJoiner::PieceBytes, u'a');
        QTest::newRow("short lines pass")
            << QStringList{QStringLiteral("one"), QStringLiteral("two")}
            << QStringList{QStringLiteral("one"), QStringLiteral("two")} << 0;
        QTest::newRow("a split line is joined")
            << QStringList{piece, piece, QStringLiteral("tail"), QStringLiteral("next")}
            << QStringList{piece + piece + QStringLiteral("tail"), QStringLiteral("next")} << 0;
        QTest::newRow("exactly one piece long, then the end of the stream")
            << QStringList{piece} << QStringList{piece} << 0;
        QTest::newRow("16 KiB of multi-byte text counts bytes, not characters")
            << QStringList{QString(LinePieceJoiner::PieceBytes / 2, QChar(0xe9)),
                           QStringLiteral("x")}
            << QStringList{QString(LinePieceJoiner::PieceBytes / 2, QChar(0xe9)) + u'x'} << 0;
        QTest::newRow("empty line") << QStringList{QString()} << QStringList{QString()} << 0;
        // 16 384 bytes of "€" (3 bytes) end one byte into a character: Go's
        // JSON writes that byte as U+FFFD, and the next piece starts with
        // the character's other two bytes, each U+FFFD.
        const QString euros(5461, QChar(0x20ac)); // 16 383 bytes
        const QString r(QChar::ReplacementCharacter);
        QTest::newRow("a cut inside a character: the line stays whole")
            << QStringList{euros + r, r + r + QStringLiteral("end"), QStringLiteral("next")}
            << QStringList{euros + r + r + r + QStringLiteral("end"), QStringLiteral("next")} << 0;
        QTest::newRow("cut two bytes into a 4-byte character")
            << QStringList{QString(16382, u'a') + r + r, r + r + QStringLiteral("z")}
            << QStringList{QString(16382, u'a') + r + r + r + r + QStringLiteral("z")} << 0;
        QTest::newRow("a short line that ends in U+FFFD is a line")
            << QStringList{QStringLiteral("broken ") + r, QStringLiteral("next")}
            << QStringList{QStringLiteral("broken ") + r, QStringLiteral("next")} << 0;
        QTest::newRow("16 KiB + 2 bytes without U+FFFD at the end is a line")
            << QStringList{QString(16384, u'a') + QChar(0xe9), QStringLiteral("next")}
            << QStringList{QString(16384, u'a') + QChar(0xe9), QStringLiteral("next")} << 0;
    }
    void pieces() {
        QFETCH(QStringList, pieces);
        QFETCH(QStringList, lines);
        QFETCH(int, truncated);
        LinePieceJoiner joiner;
        QStringList got;
        int flagged = 0;
        for (const QString &p : pieces) {
            if (auto line = joiner.feed(p)) {
                got << line->text;
                flagged += line->truncated;
            }
        }
        if (auto rest = joiner.flush())
            got << rest->text;
        QCOMPARE(got, lines);
        QCOMPARE(flagged, truncated);
    }
    void piecesAreBounded() {
        // A hostile server that sends piece after piece never makes us hold
        // more than the limit.
        LinePieceJoiner joiner(64 * 1024);
        const QString piece(LinePieceJoiner::PieceBytes, u'z');
        int handedOut = 0;
        for (int i = 0; i < 100; ++i) {
            if (auto line = joiner.feed(piece)) {
                ++handedOut;
                QVERIFY(line->truncated);
                QVERIFY(line->text.size() <= 64 * 1024 + LinePieceJoiner::PieceBytes);
            }
        }
        // Four pieces fill the 64 KiB; the fifth goes out with them.
        QCOMPARE(handedOut, 100 / 5);
    }

    void translatorHandsOnOnlyPublishedTypes() {
        MessageTranslator logs(Stream::ContainerLogs);
        QVERIFY(logs.translate(json("{\"cpuUsage\":1,\"timestamp\":1}")).isEmpty());
        QVERIFY(logs.translate(json("{\"type\":\"stats\",\"data\":{}}")).isEmpty());
        QCOMPARE(logs.translate(json("{\"type\":\"end\",\"data\":{\"message\":\"x\"}}")).size(), 1);
        MessageTranslator metrics(Stream::Metrics);
        QVERIFY(metrics.translate(json("{\"type\":\"log\",\"data\":{\"line\":\"x\"}}")).isEmpty());
        MessageTranslator deployment(Stream::DeploymentLogs);
        QVERIFY(deployment.closingMessages().isEmpty()); // no status yet
        deployment.translate(json("{\"type\":\"status\",\"data\":{\"status\":\"failed\","
                                  "\"error_message\":\"boom\"}}"));
        const QList<QJsonObject> closing = deployment.closingMessages();
        QCOMPARE(closing.size(), 2); // error, then end: as this project's server ends a failure
        QCOMPARE(closing[0].value(QStringLiteral("type")).toString(), QStringLiteral("error"));
        QCOMPARE(closing[0]
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString(),
                 QStringLiteral("boom"));
        QCOMPARE(closing[1].value(QStringLiteral("type")).toString(), QStringLiteral("end"));
    }

    void ending_data() {
        QTest::addColumn<QJsonObject>("lastStatus");
        QTest::addColumn<bool>("ends");
        QTest::addColumn<bool>("failed");
        QTest::addColumn<QString>("message");
        QTest::newRow("success")
            << json("{\"status\":\"success\",\"stage\":\"success\",\"progress\":100}") << true
            << false << QStringLiteral("Deployment completed");
        QTest::newRow("failed with error_message")
            << json(
                   "{\"status\":\"failed\",\"stage\":\"failed\",\"error_message\":\"exit code 1\"}")
            << true << true << QStringLiteral("exit code 1");
        QTest::newRow("failed with message only")
            << json("{\"status\":\"failed\",\"message\":\"Build failed\"}") << true << true
            << QStringLiteral("Build failed");
        QTest::newRow("failed without a word") << json("{\"status\":\"failed\"}") << true << true
                                               << QStringLiteral("Deployment failed");
        QTest::newRow("closed while building: a lost connection")
            << json("{\"status\":\"building\",\"stage\":\"building\"}") << false << false
            << QString();
        QTest::newRow("no status yet") << QJsonObject() << false << false << QString();
    }
    void ending() {
        QFETCH(QJsonObject, lastStatus);
        QFETCH(bool, ends);
        QFETCH(bool, failed);
        QFETCH(QString, message);
        const auto e = endingOfUpstreamDeployment(lastStatus);
        QCOMPARE(bool(e), ends);
        if (e) {
            QCOMPARE(e->failed, failed);
            QCOMPARE(e->message, message);
        }
    }
};

QTEST_GUILESS_MAIN(TestUpstreamDialect)
#include "tst_upstreamdialect.moc"
