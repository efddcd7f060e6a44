// SPDX-License-Identifier: GPL-3.0-or-later

// The server binary killed with SIGKILL while 10 alert messages wait for a
// receiver that is down: after a restart, with the receiver up, all 10 arrive
// in order and none twice; a second kill and restart sends nothing again.
#include "AlertReceiver.h"
#include "TestPaths.h"
#include "TestSupport.h"

#include "alerts/AlertRules.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <csignal>

using namespace mist;
using namespace mist::test;

namespace {
const QString Binary = mist::test::binaryPath(QStringLiteral("mist-monitor"));
} // namespace

class TestAlertCrash : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    QString data;
    quint16 port = 0;

    bool startServer(QProcess &server) {
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(Binary, {QStringLiteral("--server"), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:%1").arg(port),
                              QStringLiteral("--data-dir"), data});
        QByteArray out;
        const bool up = QTest::qWaitFor(
            [&] {
                out += server.readAll();
                return out.contains("serving on") || server.state() == QProcess::NotRunning;
            },
            20000);
        return up && out.contains("serving on");
    }
    void kill9(QProcess &server) {
        ::kill(pid_t(server.processId()), SIGKILL);
        QVERIFY(server.waitForFinished(10000));
        QCOMPARE(server.exitStatus(), QProcess::CrashExit);
    }
    // Attempts made on the queue so far, read by a connection of our own.
    int attempts() {
        store::Store s;
        if (!s.open(data))
            return -1;
        auto q = s.database().exec(QStringLiteral("SELECT SUM(attempts) FROM alert_deliveries"));
        if (!q)
            qWarning("%s", qPrintable(q.error()));
        return q && q->next() ? q->value(0).toInt() : -1;
    }

private Q_SLOTS:
    void sigkillWithUndelivered() {
        data = dir.filePath(QStringLiteral("data"));
        port = freePort();
        const quint16 receiverPort = freePort();
        qint64 channelId = 0;
        {
            // The queue, as the server's own rules will fill it: rows in the database.
            store::Store s;
            QVERIFY(s.open(data));
            const auto channel = alerts::parseChannel(
                QJsonDocument::fromJson(
                    QString::fromUtf8(R"j({"name":"h","kind":"webhook","url":"%1"})j")
                        .arg(QStringLiteral("http://127.0.0.1:%1/hook").arg(receiverPort))
                        .toUtf8())
                    .object());
            QVERIFY(channel);
            channelId = s.alerts().addChannel(*channel)->id;
        }
        QProcess server;
        QVERIFY(startServer(server));
        {
            store::Store s;
            QVERIFY(s.open(data));
            const qint64 giveUp = QDateTime::currentSecsSinceEpoch() + 3600;
            for (int i = 0; i < 10; ++i)
                QVERIFY(
                    s.alerts().enqueue(channelId, "{\"n\":" + QByteArray::number(i) + "}", giveUp));
        }
        // The server tries (the receiver is down) ...
        QTest::qWait(4000); // attempts at about 0, 1 and 3 s
        const int tried = attempts();
        QVERIFY2(tried >= 2, qPrintable(QString::number(tried)));
        kill9(server);

        AlertReceiver receiver;
        QVERIFY(receiver.listen(receiverPort));
        QProcess again;
        QVERIFY(startServer(again));
        QVERIFY2(receiver.waitFor(10, 30000),
                 qPrintable(QString::number(receiver.requests.size())));
        QTest::qWait(2000);
        QCOMPARE(receiver.requests.size(), 10);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(receiver.requests[i].body, "{\"n\":" + QByteArray::number(i) + "}");

        // Delivered is delivered: another kill and start sends nothing.
        kill9(again);
        QProcess third;
        QVERIFY(startServer(third));
        QTest::qWait(2500);
        QCOMPARE(receiver.requests.size(), 10);
        third.terminate();
        QVERIFY(third.waitForFinished(10000));
    }
};

QTEST_MAIN(TestAlertCrash)
#include "tst_alertcrash.moc"
