// SPDX-License-Identifier: GPL-3.0-or-later

// No lost lines: a client that reconnects with since=<ts of its last line>
// gets exactly the lines after it -- from the shared buffer, or from the
// engine when the gap is older than the buffer.
#include "TestSupport.h"

#include <QRandomGenerator>
#include <QTest>

using namespace mist;
using namespace mist::test;

class TestResume : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray cookie;
    QString container;
    qint64 app = 0;
    QStringList firstTs; // ts of line i (1-based) as received

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        cookie = f->login(QStringLiteral("owner@example.com"));
        container = QStringLiteral("mist-resume-%1").arg(QCoreApplication::applicationPid());
        store::App a;
        a.name = QStringLiteral("resume");
        a.containerName = container;
        QString error;
        app = f->store().apps().add(a)->id;
    }

    void cleanupTestCase() { removeContainer(container); }

    void fiftyReconnectsLoseNothing() {
        // 20 000 numbered lines at about 2 000 lines/s, after a pause that
        // lets the first connection start with an empty tail.
        QVERIFY(
            !runContainer(container, QStringLiteral("sleep 2; i=1; while [ $i -le 20000 ]; do "
                                                    "echo line$i; i=$((i+1)); "
                                                    "[ $((i % 100)) -eq 0 ] && usleep 50000; done; "
                                                    "while true; do sleep 1; done"))
                 .isEmpty());
        QStringList received;
        QString lastTs;
        int reconnects = 0;
        while (received.size() < 20000) {
            WsRecorder ws;
            QString path = QStringLiteral("/ws/container/logs?appId=%1").arg(app);
            if (!lastTs.isEmpty())
                path += QStringLiteral("&since=") +
                        QString::fromLatin1(QUrl::toPercentEncoding(lastTs));
            QVERIFY(ws.open(f->port(), path, cookie));
            // Stay a random while (or until everything is in), then drop.
            const int stay = 50 + int(QRandomGenerator::global()->bounded(200));
            ws.waitFor(
                [&] { return received.size() + ws.ofType(QStringLiteral("log")).size() >= 20000; },
                reconnects >= 50 ? 20000 : stay);
            ws.socket().abort(); // no close handshake: like a dropped network
            for (const QJsonObject &m : ws.ofType(QStringLiteral("log"))) {
                received << m["data"].toObject()["line"].toString();
                lastTs = m["data"].toObject()["ts"].toString();
                firstTs << lastTs;
            }
            QVERIFY2(
                ws.ofType(QStringLiteral("error")).isEmpty(),
                qPrintable(QJsonDocument(ws.ofType(QStringLiteral("error")).value(0)).toJson()));
            ++reconnects;
            QVERIFY2(reconnects < 2000, "no progress");
        }
        qInfo("reconnects: %d, lines: %lld", reconnects, qlonglong(received.size()));
        QVERIFY(reconnects >= 50);
        QCOMPARE(received.size(), 20000);
        for (int i = 0; i < received.size(); ++i) {
            if (received[i] != QStringLiteral("line%1").arg(i + 1))
                QFAIL(
                    qPrintable(QStringLiteral("position %1: got %2").arg(i + 1).arg(received[i])));
        }
    }

    void gapOlderThanTheBufferComesFromTheEngine() {
        QVERIFY(firstTs.size() == 20000);
        // Line 10 is far older than the 5 000 lines the hub keeps.
        WsRecorder ws;
        QVERIFY(ws.open(f->port(),
                        QStringLiteral("/ws/container/logs?appId=%1&since=%2")
                            .arg(app)
                            .arg(QString::fromLatin1(QUrl::toPercentEncoding(firstTs[9]))),
                        cookie));
        QVERIFY(
            ws.waitFor([&] { return ws.ofType(QStringLiteral("log")).size() >= 19990; }, 60000));
        QTest::qWait(300);
        const QList<QJsonObject> logs = ws.ofType(QStringLiteral("log"));
        QCOMPARE(logs.size(), 19990);
        for (int i = 0; i < logs.size(); ++i)
            QCOMPARE(logs[i]["data"].toObject()["line"].toString(),
                     QStringLiteral("line%1").arg(i + 11));
    }

    void badSince_data() {
        QTest::addColumn<QString>("since");
        QTest::newRow("text") << "yesterday";
        QTest::newRow("unix seconds") << "1700000000";
        QTest::newRow("no zone") << "2025-01-15T10:30:01";
        QTest::newRow("empty") << "";
        QTest::newRow("twice") << "2025-01-15T10:30:01Z&since=2025-01-15T10:30:02Z";
        QTest::newRow("huge") << QString(5000, u'9');
    }

    void badSince() {
        QFETCH(QString, since);
        WsRecorder ws;
        QVERIFY(ws.open(f->port(),
                        QStringLiteral("/ws/container/logs?appId=%1&since=%2").arg(app).arg(since),
                        cookie));
        QVERIFY(ws.waitForClose());
        QCOMPARE(ws.messages.size(), 1);
        QCOMPARE(ws.messages[0]["data"].toObject()["message"].toString(),
                 QStringLiteral("Invalid since"));
        QCOMPARE(ws.closeCode, 1008);
    }
};

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
