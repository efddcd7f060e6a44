// SPDX-License-Identifier: GPL-3.0-or-later

// The server killed with SIGKILL in the middle of a deployment, then started
// again on the same data: the deployment ends as failed ("interrupted by
// server restart") with its log so far, its clone is removed, and the server
// deploys again.
#include "TestPaths.h"
#include "TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <QUuid>

#include <csignal>

using namespace mist;
using namespace mist::test;

namespace {
const QString Binary = mist::test::binaryPath(QStringLiteral("mist-monitor"));

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

class TestCrash : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString data;
    quint16 port = 0;
    QNetworkAccessManager nam;

    bool startServer(QProcess &server) {
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(Binary,
                     {QStringLiteral("--server"), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--data-dir"), data,
                      QStringLiteral("--deploy-network"), QStringLiteral("none")});
        QByteArray out;
        WsRecorder w;
        w.waitFor(
            [&] {
                out += server.readAll();
                return out.contains("serving on") || server.state() == QProcess::NotRunning;
            },
            20000);
        return out.contains("serving on");
    }

    QJsonObject call(const QByteArray &method, const QString &path, const QByteArray &token,
                     const QByteArray &body = {}) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
        WsRecorder w;
        w.waitFor([&] { return reply->isFinished(); }, 15000);
        const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return o;
    }

    QByteArray login() {
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1/api/auth/login").arg(port)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply =
            nam.post(request, "{\"email\":\"ops@example.com\",\"password\":\"a long passphrase\"}");
        WsRecorder w;
        w.waitFor([&] { return reply->isFinished(); }, 15000);
        const QByteArray cookie = reply->rawHeader("Set-Cookie");
        reply->deleteLater();
        return cookie.mid(11, cookie.indexOf(';') - 11);
    }

private Q_SLOTS:
    void sigkillDuringDeployment() {
        MIST_REQUIRE_DOCKER();
        data = dir.filePath(QStringLiteral("data"));
        port = freePort();
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN echo slow-step-" +
                                        QUuid::createUuid().toByteArray(QUuid::WithoutBraces) +
                                        " && sleep 30\n"}},
                    QStringLiteral("slow"));
        QProcess add;
        add.start(Binary, {"user", "add", "--email", "ops@example.com", "--role", "owner",
                           "--password-stdin", "--data-dir", data});
        add.write("a long passphrase\n");
        add.closeWriteChannel();
        QVERIFY(add.waitForFinished(30000) && add.exitCode() == 0);
        const auto spread = spreadIds(data); // not app-1, which others use
        QVERIFY2(spread, qPrintable(spread.error()));
        add.start(Binary, {"app", "add", "--name", "slow", "--git", "file://" + repo.path(),
                           "--data-dir", data});
        QVERIFY(add.waitForFinished(30000) && add.exitCode() == 0);
        const QString appId = QString::fromUtf8(add.readAllStandardOutput()).trimmed();

        QProcess server;
        QVERIFY(startServer(server));
        QByteArray token = login();
        QVERIFY(!token.isEmpty());
        const QJsonObject created = call("POST", QStringLiteral("/api/deployments"), token,
                                         "{\"appId\":" + appId.toUtf8() + "}");
        const qint64 id = qint64(created["data"].toObject()["id"].toDouble());
        QVERIFY(id > 0);
        WsRecorder w;
        QVERIFY(w.waitFor(
            [&] {
                return call("GET", QStringLiteral("/api/deployments/%1").arg(id), token)["data"]
                           .toObject()["stage"]
                           .toString() == u"building_image";
            },
            60000));
        QTest::qWait(1000); // well inside the 30 s build step

        ::kill(pid_t(server.processId()), SIGKILL);
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitStatus(), QProcess::CrashExit);
        // The kill left the clone behind; the next start removes it.
        const QString clone = QDir(data).filePath(QStringLiteral("work/deploy-%1").arg(id));
        QVERIFY(QFileInfo(clone + QStringLiteral("/src/Dockerfile")).isFile());

        QProcess again;
        QVERIFY(startServer(again));
        QVERIFY2(w.waitFor(
                     [&] {
                         return QDir(QDir(data).filePath(QStringLiteral("work")))
                             .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)
                             .isEmpty();
                     },
                     15000),
                 "the interrupted deployment's clone is still there");
        token = login();
        const QJsonObject d =
            call("GET", QStringLiteral("/api/deployments/%1").arg(id), token)["data"].toObject();
        QCOMPARE(d["status"].toString(), QStringLiteral("failed"));
        QCOMPARE(d["error_message"].toString(), QStringLiteral("interrupted by server restart"));
        QCOMPARE(d["stage"].toString(), QStringLiteral("building_image"));
        const QJsonArray log =
            call("GET", QStringLiteral("/api/deployments/%1/logs").arg(id), token)["data"]
                .toArray();
        QVERIFY(log.size() >= 3); // what was persisted before the kill survived it
        ::kill(pid_t(again.processId()), SIGTERM);
        QVERIFY(again.waitForFinished(10000));
        QCOMPARE(again.exitCode(), 0);
        removeContainer(QStringLiteral("app-%1").arg(appId));
    }

    // Issue #17: kill -9 the server while 5 apps log at 2 000 lines/s, start
    // it again: the archive opens, and with the engine's backfill it holds
    // every line of every app's engine log, each once, in order.
    void sigkillWhileAppsLog() {
        MIST_REQUIRE_DOCKER();
        QTemporaryDir here;
        data = here.filePath(QStringLiteral("data"));
        port = freePort();
        QProcess add;
        add.start(Binary, {"user", "add", "--email", "ops@example.com", "--role", "owner",
                           "--password-stdin", "--data-dir", data});
        add.write("a long passphrase\n");
        add.closeWriteChannel();
        QVERIFY(add.waitForFinished(30000) && add.exitCode() == 0);
        const auto spread = spreadIds(data);
        QVERIFY2(spread, qPrintable(spread.error()));
        QStringList names;
        QStringList appIds;
        for (int i = 0; i < 5; ++i) {
            const QString name = QStringLiteral("mist-crash-log-%1-%2")
                                     .arg(QCoreApplication::applicationPid())
                                     .arg(i);
            names << name;
            add.start(Binary,
                      {"app", "add", "--name", name, "--container", name, "--data-dir", data});
            QVERIFY(add.waitForFinished(30000) && add.exitCode() == 0);
            appIds << QString::fromUtf8(add.readAllStandardOutput()).trimmed();
            // 500 lines every quarter second for 12 s, then quiet.
            QVERIFY(!runContainer(
                         name, QStringLiteral("awk 'BEGIN { for (b = 0; b < 48; b++) { for (i = 1; "
                                              "i <= 500; i++) print \"line \" b * 500 + i; "
                                              "fflush(); system(\"sleep 0.25\") } }'; "
                                              "while true; do sleep 1; done"))
                         .isEmpty());
        }
        QProcess server;
        QVERIFY(startServer(server));
        QTest::qWait(4000); // the archive follows them (its sweep at start)
        ::kill(pid_t(server.processId()), SIGKILL);
        QVERIFY(server.waitForFinished(10000));
        QTest::qWait(2000); // lines the server is not there for
        QProcess again;
        QVERIFY(startServer(again));
        const QByteArray token = login();
        QVERIFY(!token.isEmpty());
        // Everything the containers print, once they are done.
        const auto engineLines = [&](const QString &name) {
            return docker({QStringLiteral("logs"), name}).split(u'\n', Qt::SkipEmptyParts);
        };
        WsRecorder w;
        QVERIFY(w.waitFor([&] { return engineLines(names.last()).size() == 24000; }, 60000));
        const auto archived = [&](const QString &appId) {
            QStringList lines;
            QString cursor;
            do {
                const QJsonObject data =
                    call("GET",
                         QStringLiteral("/api/apps/%1/logs?order=asc&limit=10000%2")
                             .arg(appId, cursor.isEmpty() ? QString()
                                                          : QStringLiteral("&cursor=") + cursor),
                         token)["data"]
                        .toObject();
                for (const QJsonValue &v : data["entries"].toArray())
                    if (v.toObject()["kind"].toString() == u"log")
                        lines << v.toObject()["line"].toString();
                cursor = data["next"].toString();
            } while (!cursor.isEmpty());
            return lines;
        };
        for (int i = 0; i < names.size(); ++i) {
            const QStringList expected = engineLines(names[i]);
            QCOMPARE(expected.size(), 24000);
            QVERIFY2(w.waitFor([&] { return archived(appIds[i]).size() >= 24000; }, 60000),
                     qPrintable(QStringLiteral("%1: %2 archived")
                                    .arg(names[i])
                                    .arg(archived(appIds[i]).size())));
            QCOMPARE(archived(appIds[i]), expected);
        }
        ::kill(pid_t(again.processId()), SIGTERM);
        QVERIFY(again.waitForFinished(10000));
        for (const QString &name : std::as_const(names))
            removeContainer(name);
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
