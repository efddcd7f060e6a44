// SPDX-License-Identifier: GPL-3.0-or-later

// The server binary killed with SIGKILL while it records the host's metrics,
// then started again on the same data: at most the last 10 s before the kill
// are missing from GET /api/metrics/history, and everything before is there.
#include "TestPaths.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QJsonArray>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

#include <csignal>

using namespace mist::test;

namespace {
const QString Binary = mist::test::binaryPath(QStringLiteral("mist-monitor"));

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

class TestHistoryCrash : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString data;
    quint16 port = 0;
    QNetworkAccessManager nam;

    bool startServer(QProcess &server) {
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(Binary, {QStringLiteral("--server"), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:%1").arg(port),
                              QStringLiteral("--data-dir"), data});
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

    QNetworkReply *get(const QString &path, const QByteArray &token) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
        request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = nam.get(request);
        WsRecorder w;
        w.waitFor([&] { return reply->isFinished(); }, 15000);
        return reply;
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
    void sigkillLosesAtMostTenSeconds() {
        data = dir.filePath(QStringLiteral("data"));
        port = freePort();
        QProcess add;
        add.start(Binary, {"user", "add", "--email", "ops@example.com", "--role", "owner",
                           "--password-stdin", "--data-dir", data});
        add.write("a long passphrase\n");
        add.closeWriteChannel();
        QVERIFY(add.waitForFinished(30000) && add.exitCode() == 0);

        QProcess server;
        QVERIFY(startServer(server));
        const qint64 started = QDateTime::currentMSecsSinceEpoch();
        // Long enough for several flushes, and the kill lands at a random
        // point between two of them.
        QTest::qWait(17000 + int(started % 5000));
        const qint64 killed = QDateTime::currentMSecsSinceEpoch();
        ::kill(pid_t(server.processId()), SIGKILL);
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitStatus(), QProcess::CrashExit);

        QProcess again;
        QVERIFY(startServer(again));
        const QByteArray token = login();
        QVERIFY(!token.isEmpty());
        const QString from =
            QDateTime::fromMSecsSinceEpoch(started - 5000, Qt::UTC).toString(Qt::ISODate);
        QNetworkReply *reply =
            get(QStringLiteral("/api/metrics/history?from=%1&step=1").arg(from), token);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonArray points =
            QJsonDocument::fromJson(reply->readAll())["data"]["points"].toArray();
        reply->deleteLater();
        qint64 lastBefore = 0;
        int before = 0;
        for (const QJsonValue &p : points) {
            const qint64 t =
                QDateTime::fromString(p["timestamp"].toString(), Qt::ISODate).toMSecsSinceEpoch();
            if (t < killed) {
                lastBefore = std::max(lastBefore, t);
                ++before;
            }
        }
        qInfo("%d points before the kill, the last %lld ms before it", before,
              qlonglong(killed - lastBefore));
        QVERIFY2(killed - lastBefore <= 10000,
                 qPrintable(QStringLiteral("%1 ms lost").arg(killed - lastBefore)));
        // One a second from the start (a second or two of startup aside).
        QVERIFY(before >= (killed - started) / 1000 - 12);
        again.kill();
        again.waitForFinished(10000);
    }
};

QTEST_MAIN(TestHistoryCrash)
#include "tst_historycrash.moc"
