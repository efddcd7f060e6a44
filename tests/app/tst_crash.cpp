// SPDX-License-Identifier: GPL-3.0-or-later

// The server killed with SIGKILL in the middle of a deployment, then started
// again on the same data: the deployment ends as failed ("interrupted by
// server restart") with its log so far, its clone is removed, and the server
// deploys again.
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
const QString Binary = QStringLiteral(MIST_BINARY_DIR "/mist-monitor");

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
        QString error;
        QVERIFY2(spreadIds(data, &error), qPrintable(error)); // not app-1, which others use
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
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
