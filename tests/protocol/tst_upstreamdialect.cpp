// SPDX-License-Identifier: GPL-3.0-or-later

// The upstream Mist dialect (docs/PROTOCOL.md, "Upstream Mist's dialect") mapped
// onto the published shapes, row by row: metrics, stages and progress, log
// pieces, and the deployment stream's missing end.
#include "protocol/UpstreamDialect.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <limits>

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
        QCOMPARE(webSocketPath(Stream::ContainerStats, 7),
                 QStringLiteral("/api/ws/container/stats?appId=7"));
    }

    // This server's /ws/apps/stats app object in upstream's stats data.
    void containerStatsToUpstream_data() {
        QTest::addColumn<QJsonObject>("app");
        QTest::addColumn<QJsonObject>("expected");
        QTest::newRow("figures")
            << sq("{'appId':3,'name':'web','state':'running','cpu':{'percent':61.5},"
                  "'memory':{'used':104857600,'limit':1073741824,'percent':9.8},"
                  "'network':{'rxBytes':2097152,'txBytes':1048576,'rxRate':10,'txRate':5},"
                  "'blockio':{'readBytes':0,'writeBytes':524288,'readRate':0,'writeRate':0},"
                  "'pids':4,'restarts':2}")
            << sq("{'cpu_percent':61.5,'memory_used_mb':100,'memory_limit_mb':1024,"
                  "'memory_percent':9.8,'network_rx_mb':2,'network_tx_mb':1,"
                  "'block_read_mb':0,'block_write_mb':0.5,'pids':4}");
        QTest::newRow("nulls are Go's zeros")
            << sq("{'appId':3,'cpu':null,'memory':null,'network':null,'blockio':null,"
                  "'pids':null}")
            << sq("{'cpu_percent':0,'memory_used_mb':0,'memory_limit_mb':0,'memory_percent':0,"
                  "'network_rx_mb':0,'network_tx_mb':0,'block_read_mb':0,'block_write_mb':0,"
                  "'pids':0}");
    }
    void containerStatsToUpstream() {
        QFETCH(QJsonObject, app);
        QFETCH(QJsonObject, expected);
        QCOMPARE(mist::protocol::upstream::containerStatsToUpstream(app), expected);
    }

    // Upstream's stats data as the figures of a /ws/apps/stats object;
    // rates from the previous message. An empty `expected` is a refusal
    // whose error names `error`.
    void containerStatsFromUpstream_data() {
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<QJsonObject>("previous");
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QJsonObject>("expected");
        QTest::addColumn<QString>("error");
        const QJsonObject upstreamData =
            sq("{'cpu_percent':61.5,'memory_used_mb':100,'memory_limit_mb':1024,"
               "'memory_percent':9.8,'network_rx_mb':2,'network_tx_mb':1,"
               "'block_read_mb':0,'block_write_mb':0.5,'pids':4}");
        const QJsonObject first =
            sq("{'cpu':{'percent':61.5},'memory':{'used':104857600,'limit':1073741824,"
               "'percent':9.8},'network':{'rxBytes':2097152,'txBytes':1048576,'rxRate':null,"
               "'txRate':null},'blockio':{'readBytes':0,'writeBytes':524288,'readRate':null,"
               "'writeRate':null},'pids':4}");
        QTest::newRow("first message: no rates")
            << upstreamData << QJsonObject() << 1.0 << first << QString();
        QJsonObject later = upstreamData;
        later.insert(QStringLiteral("network_rx_mb"), 4);
        later.insert(QStringLiteral("block_write_mb"), 0.25); // went down: a restart
        QTest::newRow("rates over two seconds")
            << later << first << 2.0
            << sq("{'cpu':{'percent':61.5},'memory':{'used':104857600,'limit':1073741824,"
                  "'percent':9.8},'network':{'rxBytes':4194304,'txBytes':1048576,"
                  "'rxRate':1048576,'txRate':0},'blockio':{'readBytes':0,'writeBytes':262144,"
                  "'readRate':0,'writeRate':null},'pids':4}")
            << QString();
        QTest::newRow("no interval: no rates")
            << upstreamData << first << 0.0 << first << QString();
        const auto refused = [&](const char *name, const char *field, const QJsonValue &v) {
            QJsonObject bad = upstreamData;
            if (v.isUndefined())
                bad.remove(QLatin1String(field));
            else
                bad.insert(QLatin1String(field), v);
            QTest::newRow(name)
                << bad << QJsonObject() << 1.0 << QJsonObject()
                << QStringLiteral("Invalid upstream container stats: %1").arg(QLatin1String(field));
        };
        refused("missing", "memory_used_mb", QJsonValue(QJsonValue::Undefined));
        refused("string", "cpu_percent", QStringLiteral("61"));
        refused("negative", "pids", -1);
        refused("null", "network_rx_mb", QJsonValue::Null);
        refused("huge", "block_read_mb", 1e300);
        refused("object", "memory_limit_mb", QJsonObject{});
        QTest::newRow("not upstream's at all")
            << sq("{'cpuUsage':12}") << QJsonObject() << 1.0 << QJsonObject()
            << QStringLiteral("Invalid upstream container "
                              "stats: cpu_percent");
    }
    void containerStatsFromUpstream() {
        QFETCH(QJsonObject, data);
        QFETCH(QJsonObject, previous);
        QFETCH(double, seconds);
        QFETCH(QJsonObject, expected);
        QFETCH(QString, error);
        const auto got =
            mist::protocol::upstream::containerStatsFromUpstream(data, previous, seconds);
        if (!error.isEmpty()) {
            QVERIFY(!got);
            QCOMPARE(got.error(), error);
            return;
        }
        QVERIFY2(got, got ? "" : qPrintable(got.error()));
        QCOMPARE(*got, expected);
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
        const auto mapped = metricsFromUpstream(upstream);
        if (expected.isEmpty()) {
            QVERIFY(!mapped);
            QVERIFY(mapped.error().startsWith(QStringLiteral("not an upstream metrics sample")));
            return;
        }
        QVERIFY2(mapped, qPrintable(mapped.error()));
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
                                                 LoadAverage{0.5, 0.25, 0.125}, 3600.7, 47.25);
        QCOMPARE(
            QJsonDocument(up).toJson(QJsonDocument::Compact),
            QByteArray("{\"cpuTemperature\":47.25,\"cpuUsage\":25.5,\"disk\":[{\"availableSpace\":"
                       "300,\"name\":\"/dev/vda\",\"totalSpace\":400,\"usedSpace\":100}],"
                       "\"loadAverage\":{\"fifteenMinutes\":0.125,\"fiveMinutes\":0.25,"
                       "\"oneMinute\":0.5},\"memory\":{\"total\":17179869184,\"used\":4294967296},"
                       "\"timestamp\":1736937000,\"uptime\":3600}"));
        const auto back = metricsFromUpstream(up);
        QVERIFY2(back, qPrintable(back.error()));
        QCOMPARE(back->value(QStringLiteral("timestamp")),
                 published.value(QStringLiteral("timestamp")));
        QCOMPARE(
            back->value(QStringLiteral("cpu")).toObject().value(QStringLiteral("usage")).toDouble(),
            25.5);
        QCOMPARE(back->value(QStringLiteral("memory")), published.value(QStringLiteral("memory")));
        QCOMPARE(back->value(QStringLiteral("disk")), published.value(QStringLiteral("disk")));
        QCOMPARE(back->value(QStringLiteral("cpuTemperature")).toDouble(), 47.25);
        // Without load average and uptime the keys are left out; without a
        // sensor cpuTemperature is upstream's 0 (sysMetrics.go: a float64
        // without omitempty, left at its zero value when no sensor matched).
        const QJsonObject bare =
            metricsToUpstream(published, QStringLiteral("d"), std::nullopt, std::nullopt);
        QVERIFY(!bare.contains(QStringLiteral("loadAverage")));
        QVERIFY(!bare.contains(QStringLiteral("uptime")));
        QVERIFY(bare.value(QStringLiteral("cpuTemperature")).isDouble());
        QCOMPARE(bare.value(QStringLiteral("cpuTemperature")).toDouble(), 0.0);
        QCOMPARE(metricsToUpstream(published, QStringLiteral("d"), std::nullopt, std::nullopt,
                                   std::numeric_limits<double>::quiet_NaN())
                     .value(QStringLiteral("cpuTemperature"))
                     .toDouble(),
                 0.0);
        QCOMPARE(metricsToUpstream(published, QStringLiteral("d"), std::nullopt, std::nullopt, -3.5)
                     .value(QStringLiteral("cpuTemperature"))
                     .toDouble(),
                 -3.5);
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

    // This server's deployment status as upstream's deployer writes it
    // (server/docker/deployer.go, server/queue/handleWork.go at 1537712:
    // UpdateDeploymentStatus(id, status, stage, progress, err) with status ==
    // stage, progress 0 on failure; the message from utils.GetStageMessage),
    // and back through this project's own reading of upstream: the same step
    // of the stepper.
    void deploymentStatusToUpstream_data() {
        QTest::addColumn<QJsonObject>("ours");
        QTest::addColumn<QJsonObject>("expected");
        // What progressFromUpstream makes of it:
        QTest::addColumn<QString>("backStatus");
        QTest::addColumn<QString>("backStage");
        QTest::newRow("queued")
            << sq("{'deployment_id':7,'status':'pending','stage':'','progress':0,"
                  "'message':'Queued','error_message':''}")
            << sq("{'deployment_id':7,'status':'pending','stage':'pending','progress':0,"
                  "'message':'Deployment queued and waiting to start'}")
            << "pending"
            << "";
        QTest::newRow("cloning: upstream's status is cloning too")
            << sq("{'deployment_id':7,'status':'building','stage':'cloning_repo','progress':25,"
                  "'message':'Cloning repository...','error_message':''}")
            << sq("{'deployment_id':7,'status':'cloning','stage':'cloning','progress':25,"
                  "'message':'Cloning repository from Git'}")
            << "building"
            << "cloning_repo";
        QTest::newRow("building")
            << sq("{'deployment_id':7,'status':'building','stage':'building_image',"
                  "'progress':42,'message':'Building Docker image...','error_message':''}")
            << sq("{'deployment_id':7,'status':'building','stage':'building','progress':42,"
                  "'message':'Building Docker image'}")
            << "building"
            << "building_image";
        QTest::newRow("stopping the old container")
            << sq("{'deployment_id':7,'status':'deploying','stage':'stopping_old','progress':80,"
                  "'message':'Stopping previous container...','error_message':''}")
            << sq("{'deployment_id':7,'status':'deploying','stage':'deploying','progress':80,"
                  "'message':'Deploying container'}")
            << "deploying"
            << "starting_new";
        QTest::newRow("starting the new one")
            << sq("{'deployment_id':7,'status':'deploying','stage':'starting_new','progress':90,"
                  "'message':'Container started, checking...','error_message':''}")
            << sq("{'deployment_id':7,'status':'deploying','stage':'deploying','progress':90,"
                  "'message':'Deploying container'}")
            << "deploying"
            << "starting_new";
        QTest::newRow("done")
            << sq("{'deployment_id':7,'status':'success','stage':'completed','progress':100,"
                  "'message':'Deployment complete','error_message':''}")
            << sq("{'deployment_id':7,'status':'success','stage':'success','progress':100,"
                  "'message':'Deployment completed successfully'}")
            << "success"
            << "completed";
        QTest::newRow("failed while building: progress back to 0")
            << sq("{'deployment_id':7,'status':'failed','stage':'building_image','progress':52,"
                  "'message':'Deployment failed',"
                  "'error_message':'Docker build failed: exit code 3'}")
            << sq("{'deployment_id':7,'status':'failed','stage':'failed','progress':0,"
                  "'message':'Deployment failed',"
                  "'error_message':'Docker build failed: exit code 3'}")
            << "failed"
            << "building_image";
        QTest::newRow("failed while cloning")
            << sq("{'deployment_id':7,'status':'failed','stage':'cloning_repo','progress':25,"
                  "'message':'Deployment failed','error_message':'git clone failed'}")
            << sq("{'deployment_id':7,'status':'failed','stage':'failed','progress':0,"
                  "'message':'Deployment failed','error_message':'git clone failed'}")
            << "failed"
            << "cloning_repo";
        QTest::newRow("cancelled while queued")
            << sq("{'deployment_id':7,'status':'failed','stage':'','progress':0,"
                  "'message':'Deployment cancelled','error_message':'cancelled'}")
            << sq("{'deployment_id':7,'status':'failed','stage':'failed','progress':0,"
                  "'message':'Deployment failed','error_message':'cancelled'}")
            << "failed"
            << "cloning_repo";
        QTest::newRow("a stage of a later version")
            << sq("{'deployment_id':7,'status':'deploying','stage':'warming_up','progress':88,"
                  "'message':'Warming up','error_message':''}")
            << sq("{'deployment_id':7,'status':'deploying','stage':'warming_up','progress':88,"
                  "'message':'Unknown stage'}")
            << "building"
            << "building_image";
        QTest::newRow("error_message null or missing is left out")
            << sq("{'deployment_id':7,'status':'building','stage':'building_image',"
                  "'progress':30,'message':'m','error_message':null}")
            << sq("{'deployment_id':7,'status':'building','stage':'building','progress':30,"
                  "'message':'Building Docker image'}")
            << "building"
            << "building_image";
    }
    void deploymentStatusToUpstream() {
        QFETCH(QJsonObject, ours);
        QFETCH(QJsonObject, expected);
        QFETCH(QString, backStatus);
        QFETCH(QString, backStage);
        const QJsonObject theirs = mist::protocol::upstream::deploymentStatusToUpstream(ours);
        QCOMPARE(theirs, expected);
        // Read back as this project's client reads upstream (a failure keeps
        // the last stage it saw; a later version's stage keeps "building_image").
        const QString status = ours.value(QStringLiteral("status")).toString();
        const QString lastSeen = status == u"failed" || theirs.value(QStringLiteral("stage")) ==
                                                            QStringLiteral("warming_up")
                                     ? backStage
                                     : QString();
        const Progress back =
            progressFromUpstream(theirs.value(QStringLiteral("status")).toString(),
                                 theirs.value(QStringLiteral("stage")).toString(),
                                 theirs.value(QStringLiteral("progress")).toDouble(), lastSeen);
        QCOMPARE(back.status, backStatus);
        QCOMPARE(back.stage, backStage);
    }

    void stageMessages_data() {
        QTest::addColumn<QString>("stage");
        QTest::addColumn<QString>("message");
        // utils.GetStageMessage at 1537712, case by case.
        QTest::newRow("pending") << "pending"
                                 << "Deployment queued and waiting to start";
        QTest::newRow("cloning") << "cloning"
                                 << "Cloning repository from Git";
        QTest::newRow("building") << "building"
                                  << "Building Docker image";
        QTest::newRow("deploying") << "deploying"
                                   << "Deploying container";
        QTest::newRow("success") << "success"
                                 << "Deployment completed successfully";
        QTest::newRow("failed") << "failed"
                                << "Deployment failed";
        QTest::newRow("rolling_back") << "rolling_back"
                                      << "Rolling back to previous version";
        QTest::newRow("pulling has none") << "pulling"
                                          << "Unknown stage";
        QTest::newRow("empty") << ""
                               << "Unknown stage";
        QTest::newRow("this server's own word") << "cloning_repo"
                                                << "Unknown stage";
    }
    void stageMessages() {
        QFETCH(QString, stage);
        QFETCH(QString, message);
        QCOMPARE(stageMessage(stage), message);
    }

    // GET /api/deployments/logs?id=N: this server's deployment object in
    // upstream's models.Deployment JSON (server/models/deployment.go).
    void deploymentToUpstream_data() {
        QTest::addColumn<QJsonObject>("ours");
        QTest::addColumn<qint64>("number");      // 0: unknown
        QTest::addColumn<qint64>("triggeredBy"); // 0: unknown
        QTest::addColumn<bool>("active");
        QTest::addColumn<QJsonObject>("expected");
        QTest::newRow("succeeded")
            << sq("{'id':12,'deployment_id':12,'app_id':3,'status':'success','stage':'completed',"
                  "'progress':100,'message':'Deployment complete','error_message':'',"
                  "'commit_hash':'9b1e04c2d5aa','commit_message':'First release',"
                  "'commit_author':'Ann','image_id':'sha256:ab','created_at':'2026-11-27T09:12:04Z'"
                  ","
                  "'started_at':'2026-11-27T09:12:05Z','finished_at':'2026-11-27T09:13:41Z'}")
            << qint64(1) << qint64(2) << true
            << sq("{'id':12,'app_id':3,'commit_hash':'9b1e04c2d5aa',"
                  "'commit_message':'First release','commit_author':'Ann','triggered_by':2,"
                  "'deployment_number':1,'status':'success','stage':'success','progress':100,"
                  "'created_at':'2026-11-27T09:12:04Z','started_at':'2026-11-27T09:12:05Z',"
                  "'finished_at':'2026-11-27T09:13:41Z','duration':96,'is_active':true}");
        QTest::newRow("failed in its build")
            << sq("{'id':13,'deployment_id':13,'app_id':3,'status':'failed',"
                  "'stage':'building_image','progress':52,'message':'Deployment failed',"
                  "'error_message':'Docker build failed: exit code 3','commit_hash':'aa',"
                  "'commit_message':'','commit_author':'','image_id':'',"
                  "'created_at':'2026-11-27T10:00:00Z','started_at':'2026-11-27T10:00:00Z',"
                  "'finished_at':'2026-11-27T10:00:00Z'}")
            << qint64(2) << qint64(0) << false
            << sq("{'id':13,'app_id':3,'commit_hash':'aa','deployment_number':2,"
                  "'status':'failed','stage':'failed','progress':0,"
                  "'error_message':'Docker build failed: exit code 3',"
                  "'created_at':'2026-11-27T10:00:00Z','started_at':'2026-11-27T10:00:00Z',"
                  "'finished_at':'2026-11-27T10:00:00Z','duration':0,'is_active':false}");
        QTest::newRow("cancelled before it started: no start, no duration")
            << sq("{'id':14,'deployment_id':14,'app_id':3,'status':'failed','stage':'',"
                  "'progress':0,'message':'Deployment cancelled','error_message':'cancelled',"
                  "'commit_hash':'','commit_message':'','commit_author':'','image_id':'',"
                  "'created_at':'2026-11-27T11:00:00Z','started_at':null,"
                  "'finished_at':'2026-11-27T11:00:09Z'}")
            << qint64(0) << qint64(0) << false
            << sq("{'id':14,'app_id':3,'commit_hash':'','status':'failed','stage':'failed',"
                  "'progress':0,'error_message':'cancelled','created_at':'2026-11-27T11:00:00Z',"
                  "'finished_at':'2026-11-27T11:00:09Z','is_active':false}");
    }
    void deploymentToUpstream() {
        QFETCH(QJsonObject, ours);
        QFETCH(qint64, number);
        QFETCH(qint64, triggeredBy);
        QFETCH(bool, active);
        QFETCH(QJsonObject, expected);
        DeploymentFacts facts;
        if (number > 0)
            facts.number = number;
        if (triggeredBy > 0)
            facts.triggeredBy = triggeredBy;
        facts.active = active;
        QCOMPARE(mist::protocol::upstream::deploymentToUpstream(ours, facts), expected);
    }

    void logFileLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("reportedError");
        QTest::addColumn<QString>("expected");
        QTest::newRow("output") << "Step 1/2 : FROM mist-test-base:latest" << false
                                << "Step 1/2 : FROM mist-test-base:latest";
        QTest::newRow("output that looks like an error stays as it is")
            << "npm ERR! missing script" << false << "npm ERR! missing script";
        QTest::newRow("the engine's error")
            << "The command '/bin/sh -c exit 3' returned a non-zero code: 3" << true
            << "{\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}";
        QTest::newRow("quotes and backslashes are JSON-escaped")
            << "Error: \"a\\b\"" << true << "{\"error\":\"Error: \\\"a\\\\b\\\"\"}";
        QTest::newRow("empty") << "" << false << "";
    }
    void logFileLines() {
        QFETCH(QString, line);
        QFETCH(bool, reportedError);
        QFETCH(QString, expected);
        QCOMPARE(logFileLine(line, reportedError), expected);
        if (reportedError) // what upstream's dashboard reads back from it
            QCOMPARE(QJsonDocument::fromJson(expected.toUtf8())
                         .object()
                         .value(QStringLiteral("error"))
                         .toString(),
                     line);
    }

    void streamOfLogLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("reportedError");
        QTest::addColumn<QString>("detected"); // upstream's DetectStreamType
        QTest::addColumn<QString>("stream");   // this server's, on upstream's route
        QTest::newRow("plain output") << "Step 2/3 : RUN make" << false << "stdout"
                                      << "stdout";
        QTest::newRow("the engine's error, no keyword in it")
            << "The command '/bin/sh -c exit 3' returned a non-zero code: 3" << true << "stdout"
            << "stderr";
        QTest::newRow("the pipeline's own error")
            << "Error: Docker build failed: exit code 3" << true << "stderr"
            << "stderr";
        QTest::newRow("a keyword in the build's output")
            << "npm WARN: deprecated" << false << "stderr"
            << "stderr";
        QTest::newRow("any case") << "FATAL: cannot open" << false << "stderr"
                                  << "stderr";
        QTest::newRow("failed anywhere") << "0 passed, 1 failed" << false << "stderr"
                                         << "stderr";
        QTest::newRow("err as a word") << "npm err foo" << false << "stderr"
                                       << "stderr";
        QTest::newRow("err inside a word is not") << "stderr buffering off" << false << "stdout"
                                                  << "stdout";
        QTest::newRow("bracketed") << "[warn] disk almost full" << false << "stderr"
                                   << "stderr";
        QTest::newRow("traceback") << "Traceback (most recent call last):" << false << "stderr"
                                   << "stderr";
        QTest::newRow("error without a colon") << "0 errors found" << false << "stdout"
                                               << "stdout";
        QTest::newRow("empty") << "" << false << "stdout"
                               << "stdout";
    }
    void streamOfLogLines() {
        QFETCH(QString, line);
        QFETCH(bool, reportedError);
        QFETCH(QString, detected);
        QFETCH(QString, stream);
        QCOMPARE(detectStreamType(line), detected);
        QCOMPARE(deploymentLogStream(line, reportedError), stream);
    }

    // docker.GetContainerStatus at 1537712 (server/docker/container.go): the
    // container's `state` in upstream's words, which its logs socket puts
    // in "Container is not running (state: X)".
    void containerStates_data() {
        QTest::addColumn<QString>("engine");
        QTest::addColumn<QString>("state");
        QTest::newRow("running") << "running"
                                 << "running";
        QTest::newRow("paused runs") << "paused"
                                     << "running";
        QTest::newRow("restarting runs") << "restarting"
                                         << "running";
        QTest::newRow("exited is stopped") << "exited"
                                           << "stopped";
        QTest::newRow("created") << "created"
                                 << "created";
        QTest::newRow("dead") << "dead"
                              << "dead";
        QTest::newRow("removing") << "removing"
                                  << "removing";
        QTest::newRow("no state") << ""
                                  << "stopped";
    }
    void containerStates() {
        QFETCH(QString, engine);
        QFETCH(QString, state);
        QCOMPARE(containerState(engine), state);
        QCOMPARE(containerNotRunningMessage(state),
                 QStringLiteral("Container is not running (state: %1)").arg(state));
    }

    // strconv.ParseInt(s, 10, 64), as upstream reads `id`.
    void goIds_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("error");
        QTest::newRow("plain") << "42" << true << qint64(42) << "";
        QTest::newRow("leading zeros") << "007" << true << qint64(7) << "";
        QTest::newRow("plus") << "+5" << true << qint64(5) << "";
        QTest::newRow("minus") << "-5" << true << qint64(-5) << "";
        QTest::newRow("zero") << "0" << true << qint64(0) << "";
        QTest::newRow("largest") << "9223372036854775807" << true << qint64(9223372036854775807LL)
                                 << "";
        QTest::newRow("smallest") << "-9223372036854775808" << true
                                  << std::numeric_limits<qint64>::min() << "";
        QTest::newRow("missing") << "" << false << qint64(0)
                                 << "strconv.ParseInt: parsing \"\": invalid syntax";
        QTest::newRow("sign only")
            << "-" << false << qint64(0) << "strconv.ParseInt: parsing \"-\": invalid syntax";
        QTest::newRow("letters") << "abc" << false << qint64(0)
                                 << "strconv.ParseInt: parsing \"abc\": invalid syntax";
        QTest::newRow("space") << " 1" << false << qint64(0)
                               << "strconv.ParseInt: parsing \" 1\": invalid syntax";
        QTest::newRow("underscore") << "1_000" << false << qint64(0)
                                    << "strconv.ParseInt: parsing \"1_000\": invalid syntax";
        QTest::newRow("fraction") << "1.0" << false << qint64(0)
                                  << "strconv.ParseInt: parsing \"1.0\": invalid syntax";
        QTest::newRow("one past the largest")
            << "9223372036854775808" << false << qint64(0)
            << "strconv.ParseInt: parsing \"9223372036854775808\": value out of range";
        QTest::newRow("one past the smallest")
            << "-9223372036854775809" << false << qint64(0)
            << "strconv.ParseInt: parsing \"-9223372036854775809\": value out of range";
        // Go's ParseUint stops at the first digit that overflows.
        QTest::newRow("huge, then garbage")
            << "99999999999999999999x" << false << qint64(0)
            << "strconv.ParseInt: parsing \"99999999999999999999x\": value out of range";
        QTest::newRow("quotes, controls and other spaces are escaped")
            << QStringLiteral("\"\\\n\x01\x7f\u00a0\u00e9") << false << qint64(0)
            << QStringLiteral(
                   "strconv.ParseInt: parsing \"\\\"\\\\\\n\\x01\\x7f\\u00a0\u00e9\": invalid "
                   "syntax");
        QTest::newRow("huge") << QString(100000, u'1') << false << qint64(0)
                              << QStringLiteral("strconv.ParseInt: parsing \"%1\": value out of "
                                                "range")
                                     .arg(QString(100000, u'1'));
    }
    void goIds() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, value);
        QFETCH(QString, error);
        const GoInt parsed = parseGoInt64(text);
        QCOMPARE(parsed.value.has_value(), ok);
        if (ok)
            QCOMPARE(*parsed.value, value);
        QCOMPARE(parsed.error, error);
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
        const auto got = appFromUpstream(app, project);
        if (expected.isEmpty()) {
            QVERIFY(!got);
            QCOMPARE(got.error(), error);
        } else {
            QVERIFY2(got, qPrintable(got.error()));
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
        const auto got = deploymentFromUpstream(deployment);
        if (expected.isEmpty()) {
            QVERIFY(!got);
            QCOMPARE(got.error(), QStringLiteral("deployment without a valid id"));
        } else {
            QVERIFY2(got, qPrintable(got.error()));
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

    // Which published stream goes where on an upstream server; resume parameters dropped,
    // anything else refused (empty).
    void upstreamPaths_data() {
        QTest::addColumn<QString>("published");
        QTest::addColumn<QString>("expected");
        QTest::newRow("metrics") << "/ws/metrics"
                                 << "/api/ws/stats";
        QTest::newRow("container logs, resume dropped")
            << "/ws/container/logs?appId=42&since=2026-12-06T10:00:00Z"
            << "/api/ws/container/logs?appId=42";
        QTest::newRow("deployment logs, resume dropped")
            << "/ws/deployment/logs?deploymentId=9&after=12"
            << "/api/deployments/logs/stream?id=9";
        QTest::newRow("one app's stats") << "/ws/apps/stats?appId=7"
                                         << "/api/ws/container/stats?appId=7";
        QTest::newRow("every app's stats: upstream has no such socket") << "/ws/apps/stats"
                                                                        << "";
        QTest::newRow("app 0") << "/ws/apps/stats?appId=0"
                               << "";
        QTest::newRow("negative app") << "/ws/apps/stats?appId=-3"
                                      << "";
        QTest::newRow("app not a number") << "/ws/apps/stats?appId=web"
                                          << "";
        QTest::newRow("app past 64 bits") << "/ws/apps/stats?appId=99999999999999999999"
                                          << "";
        QTest::newRow("logs without an app") << "/ws/container/logs"
                                             << "";
        QTest::newRow("alerts: none upstream") << "/ws/alerts"
                                               << "";
        QTest::newRow("unknown") << "/ws/../etc/passwd"
                                 << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void upstreamPaths() {
        QFETCH(QString, published);
        QFETCH(QString, expected);
        QCOMPARE(upstreamPathFor(published), expected);
    }

    // Upstream's per-container stats as /ws/apps/stats messages of the one app: the figures in
    // bytes, the rates from the totals' change over the time between arrivals (none for the
    // first message), the arrival as the time; status, error and end handed on; a stats
    // message not in upstream's schema dropped without losing the last figures.
    void translatorContainerStats() {
        MessageTranslator stats(Stream::ContainerStats, 7);
        const qint64 t0 = QDateTime(QDate(2026, 12, 6), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
        const auto upstreamStats = [](double rxMb, double writeMb) {
            return json(QStringLiteral("{\"type\":\"stats\",\"timestamp\":\"2026-12-06T10:00:00Z\","
                                       "\"data\":{\"cpu_percent\":25,\"memory_used_mb\":64,"
                                       "\"memory_limit_mb\":256,\"memory_percent\":25,"
                                       "\"network_rx_mb\":%1,\"network_tx_mb\":2,"
                                       "\"block_read_mb\":0,\"block_write_mb\":%2,\"pids\":3}}")
                            .arg(rxMb)
                            .arg(writeMb)
                            .toUtf8()
                            .constData());
        };
        QList<QJsonObject> out = stats.translate(upstreamStats(10, 5), t0);
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0][u"type"].toString(), QStringLiteral("stats"));
        QJsonObject data = out[0][u"data"].toObject();
        QCOMPARE(data[u"timestamp"].toString(), QStringLiteral("2026-12-06T10:00:00.000Z"));
        QCOMPARE(data[u"apps"].toArray().size(), 1);
        QJsonObject app = data[u"apps"].toArray()[0].toObject();
        QCOMPARE(app[u"appId"].toInteger(), 7);
        QCOMPARE(app[u"state"].toString(), QStringLiteral("running"));
        QCOMPARE(app[u"cpu"][u"percent"].toDouble(), 25.0);
        QCOMPARE(app[u"memory"][u"used"].toDouble(), 64.0 * 1048576);
        QCOMPARE(app[u"network"][u"rxBytes"].toDouble(), 10.0 * 1048576);
        QVERIFY(app[u"network"][u"rxRate"].isNull()); // nothing to compare with yet
        QCOMPARE(app[u"pids"].toInt(), 3);
        // Half a second later, 1 MiB more received and 2 MiB more written: 2 and 4 MiB/s.
        out = stats.translate(upstreamStats(11, 7), t0 + 500);
        QCOMPARE(out.size(), 1);
        app = out[0][u"data"][u"apps"].toArray()[0].toObject();
        QCOMPARE(out[0][u"data"][u"timestamp"].toString(),
                 QStringLiteral("2026-12-06T10:00:00.500Z"));
        QCOMPARE(app[u"network"][u"rxRate"].toDouble(), 2.0 * 1048576);
        QCOMPARE(app[u"network"][u"txRate"].toDouble(), 0.0);
        QCOMPARE(app[u"blockio"][u"writeRate"].toDouble(), 4.0 * 1048576);
        // Not upstream's schema: dropped; the next rate is still against the last good one.
        QVERIFY(
            stats.translate(json("{\"type\":\"stats\",\"data\":{\"cpu_percent\":\"x\"}}"), t0 + 700)
                .isEmpty());
        QVERIFY(stats.translate(json("{\"type\":\"stats\",\"data\":[]}"), t0 + 800).isEmpty());
        out = stats.translate(upstreamStats(12, 7), t0 + 1500);
        app = out[0][u"data"][u"apps"].toArray()[0].toObject();
        QCOMPARE(app[u"network"][u"rxRate"].toDouble(), 1.0 * 1048576);
        // A restarted container's counters start again: no rate, not a negative one.
        out = stats.translate(upstreamStats(1, 1), t0 + 2500);
        app = out[0][u"data"][u"apps"].toArray()[0].toObject();
        QVERIFY(app[u"network"][u"rxRate"].isNull());
        // The same arrival time twice: no rate (no division by zero).
        out = stats.translate(upstreamStats(2, 1), t0 + 2500);
        QVERIFY(out[0][u"data"][u"apps"].toArray()[0][u"network"][u"rxRate"].isNull());
        // 100 ms later (two messages delivered together): no rate, not ten times the true one;
        // the next is measured from the last message a rate could be taken against.
        out = stats.translate(upstreamStats(2.5, 1), t0 + 2600);
        QVERIFY(out[0][u"data"][u"apps"].toArray()[0][u"network"][u"rxRate"].isNull());
        QCOMPARE(out[0][u"data"][u"apps"].toArray()[0][u"network"][u"rxBytes"].toDouble(),
                 2.5 * 1048576);
        out = stats.translate(upstreamStats(3, 1), t0 + 3000);
        QCOMPARE(out[0][u"data"][u"apps"].toArray()[0][u"network"][u"rxRate"].toDouble(),
                 4.0 * 1048576); // 2 MiB since t0 + 2500, over half a second
        for (const char *type : {"status", "error", "end"})
            QCOMPARE(stats
                         .translate(json((QByteArray("{\"type\":\"") + type +
                                          "\",\"data\":{\"message\":\"Stats stream ended\"}}")
                                             .constData()),
                                    t0)
                         .size(),
                     1);
        QVERIFY(
            stats.translate(json("{\"type\":\"log\",\"data\":{\"line\":\"x\"}}"), t0).isEmpty());
        // Other streams leave stats alone.
        MessageTranslator logs(Stream::ContainerLogs, 7);
        QVERIFY(logs.translate(upstreamStats(10, 5), t0).isEmpty());
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
