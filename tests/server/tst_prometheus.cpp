// SPDX-License-Identifier: GPL-3.0-or-later

// /metrics: valid Prometheus text format, behind login (cookie or bearer),
// and its counters move when traffic flows.
#include "TestSupport.h"

#include <QRegularExpression>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
struct Sample {
    QString name;
    QString labels;
    double value = 0;
};

// A strict reader of the text exposition format (version 0.0.4): HELP/TYPE
// comments before their samples, one sample per line, known types only.
// Returns the samples, or fails with the offending line in *error.
QList<Sample> parseExposition(const QByteArray &text, QString *error) {
    static const QRegularExpression sampleLine(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]"
                       "|\\\\.)*\",?)*)\\})? "
                       "(-?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|NaN|\\+Inf|-Inf))$"));
    static const QRegularExpression typeLine(QStringLiteral(
        "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$"));
    QList<Sample> out;
    QSet<QString> typed;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith(QStringLiteral("# HELP ")))
            continue;
        if (line.startsWith(u'#')) {
            const auto m = typeLine.match(line);
            if (!m.hasMatch()) {
                *error = line;
                return {};
            }
            typed.insert(m.captured(1));
            continue;
        }
        const auto m = sampleLine.match(line);
        if (!m.hasMatch() || !typed.contains(m.captured(1))) {
            *error = line;
            return {};
        }
        out.append({m.captured(1), m.captured(3), m.captured(4).toDouble()});
    }
    return out;
}

double valueOf(const QList<Sample> &samples, const QString &name, const QString &labels = {}) {
    for (const Sample &s : samples) {
        if (s.name == name && s.labels == labels)
            return s.value;
    }
    return -1;
}
} // namespace

class TestPrometheus : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray owner, user;

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        owner = f->login(QStringLiteral("owner@example.com"));
        user = f->login(QStringLiteral("user@example.com"));
    }

    void behindLogin() {
        QCOMPARE(f->http("GET", QStringLiteral("/metrics")).status, 401);
        QCOMPARE(f->http("GET", QStringLiteral("/metrics"), {}, user).status, 403);
        QCOMPARE(f->http("GET", QStringLiteral("/metrics"), {}, {},
                         {{"Authorization", "Bearer nonsense"}})
                     .status,
                 401);
        const HttpResult bearer = f->http("GET", QStringLiteral("/metrics"), {}, {},
                                          {{"Authorization", "Bearer " + owner}});
        QCOMPARE(bearer.status, 200);
        QVERIFY(bearer.header("Content-Type").startsWith("text/plain; version=0.0.4"));
    }

    void parsesAndCountersMove() {
        QTest::qWait(1200); // a metrics sample with docker counts
        QString error;
        const QList<Sample> before =
            parseExposition(f->http("GET", QStringLiteral("/metrics"), {}, owner).body, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(valueOf(before, QStringLiteral("mist_host_cpu_cores")) >= 1);
        QVERIFY(valueOf(before, QStringLiteral("mist_host_memory_total_bytes")) > 0);
        QCOMPARE(valueOf(before, QStringLiteral("mist_docker_up")), 1.0);
        QVERIFY(valueOf(before, QStringLiteral("mist_docker_images")) >= 1);

        // Traffic: a viewer on a container that prints, and a metrics client.
        const QString name = QStringLiteral("mist-prom-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(name, QStringLiteral("for i in $(seq 1 20); do echo p$i; done; "
                                                   "while true; do sleep 1; done"))
                     .isEmpty());
        store::App app;
        app.name = QStringLiteral("prom");
        app.containerName = name;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QTest::qWait(300);
        WsRecorder logs, metrics;
        QVERIFY(logs.open(f->port(), QStringLiteral("/ws/container/logs?appId=%1").arg(created->id),
                          owner));
        QVERIFY(metrics.open(f->port(), QStringLiteral("/ws/metrics"), owner));
        QVERIFY(logs.waitForMessages(21));
        docker({QStringLiteral("exec"), name, QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("echo live >/proc/1/fd/1")});
        QVERIFY(logs.waitForMessages(22));

        const QList<Sample> after =
            parseExposition(f->http("GET", QStringLiteral("/metrics"), {}, owner).body, &error);
        removeContainer(name);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(valueOf(after, QStringLiteral("mist_websocket_clients"),
                         QStringLiteral("endpoint=\"/ws/metrics\"")),
                 1.0);
        QCOMPARE(valueOf(after, QStringLiteral("mist_websocket_clients"),
                         QStringLiteral("endpoint=\"/ws/container/logs\"")),
                 1.0);
        QVERIFY(valueOf(after, QStringLiteral("mist_log_lines_relayed_total")) >=
                valueOf(before, QStringLiteral("mist_log_lines_relayed_total")) + 1);
        QVERIFY(valueOf(after, QStringLiteral("mist_engine_streams_opened_total")) >=
                valueOf(before, QStringLiteral("mist_engine_streams_opened_total")) + 1);
        QVERIFY(valueOf(after, QStringLiteral("mist_engine_log_streams")) >= 1);
        QVERIFY(valueOf(after, QStringLiteral("mist_http_responses_total"),
                        QStringLiteral("code=\"101\"")) >= 2);
        QVERIFY(valueOf(after, QStringLiteral("mist_http_responses_total"),
                        QStringLiteral("code=\"401\"")) >= 2);
        QCOMPARE(valueOf(after, QStringLiteral("mist_deployments"),
                         QStringLiteral("status=\"success\"")),
                 0.0);
    }

    void parserRejectsBadText_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("untyped sample") << QByteArray("foo 1\n");
        QTest::newRow("bad type") << QByteArray("# TYPE foo thing\nfoo 1\n");
        QTest::newRow("bad value") << QByteArray("# TYPE foo gauge\nfoo one\n");
        QTest::newRow("bad label") << QByteArray("# TYPE foo gauge\nfoo{a=b} 1\n");
    }

    void parserRejectsBadText() {
        // The reader above must be able to say no, or the test proves nothing.
        QFETCH(QByteArray, text);
        QString error;
        parseExposition(text, &error);
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
