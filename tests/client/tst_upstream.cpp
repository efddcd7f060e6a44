// SPDX-License-Identifier: GPL-3.0-or-later

// The client core against an upstream Mist server (the in-repo stand-in,
// tests/support/UpstreamStandIn) and against this project's own server:
// dialect detection, sign-in, and each stream translated onto the published
// shapes (metrics schema, whole lines from 16 KiB pieces, the stepper's
// stages, and a deployment stream that ends cleanly without `end`).
#include "TestSupport.h"
#include "UpstreamStandIn.h"

#include "client/ServerSession.h"
#include "client/StreamConnection.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace mist;
using namespace mist::client;
using namespace mist::test;

namespace {
QUrl standInUrl(const UpstreamStandIn &s) {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(s.port()));
}

// Signs in and detects the dialect; QFAILs the caller through the result.
bool signIn(ServerSession &session, const QString &email, const QByteArray &password) {
    bool done = false, ok = false;
    session.login(email, password, [&](const mist::Expected<void> &r) {
        ok = r.has_value();
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000) || !ok)
        return false;
    done = false;
    session.detectDialect(nullptr, [&](const mist::Expected<void> &r) {
        ok = r.has_value();
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, 10000) && ok;
}

struct Recorder {
    QList<QJsonObject> messages;
    bool ended = false;
    QString failed;
    explicit Recorder(StreamConnection &s) {
        QObject::connect(&s, &StreamConnection::message, &s,
                         [this](const QJsonObject &m) { messages << m; });
        QObject::connect(&s, &StreamConnection::ended, &s, [this] { ended = true; });
        QObject::connect(&s, &StreamConnection::failed, &s, [this](const QString &why) {
            failed = why.isEmpty() ? QStringLiteral("?") : why;
        });
    }
    QList<QJsonObject> ofType(const char *type) const {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages)
            if (m.value(QStringLiteral("type")).toString() == QLatin1String(type))
                out << m;
        return out;
    }
};

// Runs one of the session's REST calls to its end.
ServerSession::Reply
await(const std::function<void(std::function<void(const ServerSession::Reply &)>)> &call) {
    ServerSession::Reply out;
    bool done = false;
    call([&](const ServerSession::Reply &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        out.error = QStringLiteral("no answer within 10 s");
    return out;
}
} // namespace

class TestUpstream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void detectsUpstream() {
        UpstreamStandIn upstream;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        QCOMPARE(session.dialect(), ServerSession::Dialect::Upstream);
        QVERIFY(!session.token().isEmpty());
    }

    void wrongPasswordIsRefused() {
        UpstreamStandIn upstream;
        ServerSession session(standInUrl(upstream));
        bool done = false, ok = true;
        QString error;
        session.login(upstream.email, "wrong", [&](const mist::Expected<void> &r) {
            ok = r.has_value();
            error = r ? QString() : r.error();
            done = true;
        });
        QVERIFY(QTest::qWaitFor([&] { return done; }, 10000));
        QVERIFY(!ok);
        QVERIFY2(error.contains(QStringLiteral("Invalid email or password")), qPrintable(error));
    }

    void detectsThisProjectsServer() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        ServerFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        ServerSession session(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f.port())));
        session.setDialect(ServerSession::Dialect::Upstream); // detection must correct it
        QVERIFY(signIn(session, QStringLiteral("owner@example.com"), "correct horse battery"));
        QCOMPARE(session.dialect(), ServerSession::Dialect::Published);
    }

    void metricsInThePublishedSchema() {
        UpstreamStandIn upstream;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/metrics"));
        Recorder r(stream);
        stream.open();
        QVERIFY(QTest::qWaitFor([&] { return r.messages.size() >= 3; }, 10000));
        const QJsonObject m = r.messages.last();
        QCOMPARE(
            m.value(QStringLiteral("cpu")).toObject().value(QStringLiteral("usage")).toDouble(),
            12.5);
        QCOMPARE(m.value(QStringLiteral("memory"))
                     .toObject()
                     .value(QStringLiteral("percent"))
                     .toDouble(),
                 25.0);
        QCOMPARE(
            m.value(QStringLiteral("disk")).toObject().value(QStringLiteral("percent")).toDouble(),
            25.0);
        QVERIFY(m.value(QStringLiteral("timestamp")).toString().endsWith(u'Z'));
        QCOMPARE(m.value(QStringLiteral("load")).toObject().value(QStringLiteral("one")).toDouble(),
                 0.1);
        QCOMPARE(stream.state(), StreamConnection::State::Connected);
    }

    void containerLogPiecesBecomeLines() {
        UpstreamStandIn upstream;
        const QString longLine = QString(40000, u'x') + QStringLiteral("END");
        // 2-byte characters: the 16 KiB cuts fall between characters.
        const QString accents(20000, QChar(0xe9));
        // 3-byte characters: the first cut falls one byte into the 5 462nd
        // "€"; upstream's JSON turns its three bytes into three U+FFFD (two
        // in the next piece). The line stays whole, that character is lost.
        const QString euros(10000, QChar(0x20ac));
        const QString eurosSeen = QString(5461, QChar(0x20ac)) +
                                  QString(3, QChar::ReplacementCharacter) +
                                  QString(4538, QChar(0x20ac));
        upstream.containerLines = {QStringLiteral("first"), longLine, accents, euros,
                                   QStringLiteral("last")};
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/container/logs?appId=42"));
        Recorder r(stream);
        stream.open();
        QVERIFY(QTest::qWaitFor([&] { return r.ended || !r.failed.isEmpty(); }, 10000));
        QVERIFY2(r.ended, qPrintable(r.failed));
        QStringList lines;
        for (const QJsonObject &m : r.ofType("log"))
            lines << m.value(QStringLiteral("data"))
                         .toObject()
                         .value(QStringLiteral("line"))
                         .toString();
        QCOMPARE(lines, (QStringList{QStringLiteral("first"), longLine, accents, eurosSeen,
                                     QStringLiteral("last")}));
        QCOMPARE(r.ofType("status")
                     .value(0)
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("container"))
                     .toString(),
                 QStringLiteral("app-42"));
    }

    void deploymentEndsWithoutEnd() {
        UpstreamStandIn upstream;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/deployment/logs?deploymentId=731"));
        Recorder r(stream);
        stream.open();
        QVERIFY(QTest::qWaitFor([&] { return r.ended || !r.failed.isEmpty(); }, 10000));
        QVERIFY2(r.ended, qPrintable(r.failed));
        QStringList stages, statuses;
        QList<int> progress;
        for (const QJsonObject &m : r.ofType("status")) {
            const QJsonObject d = m.value(QStringLiteral("data")).toObject();
            stages << d.value(QStringLiteral("stage")).toString();
            statuses << d.value(QStringLiteral("status")).toString();
            progress << d.value(QStringLiteral("progress")).toInt();
        }
        QCOMPARE(stages,
                 (QStringList{QString(), QStringLiteral("cloning_repo"),
                              QStringLiteral("building_image"), QStringLiteral("starting_new"),
                              QStringLiteral("completed")}));
        QCOMPARE(statuses, (QStringList{QStringLiteral("pending"), QStringLiteral("building"),
                                        QStringLiteral("building"), QStringLiteral("deploying"),
                                        QStringLiteral("success")}));
        QCOMPARE(progress, (QList<int>{0, 20, 50, 80, 100}));
        QCOMPARE(r.ofType("log").size(), 2);
        QCOMPARE(r.messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("end"));
        QCOMPARE(stream.state(), StreamConnection::State::Finished);
    }

    void failedDeploymentFailsWithUpstreamsReason() {
        UpstreamStandIn upstream;
        upstream.deploymentFails = true;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/deployment/logs?deploymentId=9"));
        Recorder r(stream);
        stream.open();
        QVERIFY(QTest::qWaitFor([&] { return r.ended || !r.failed.isEmpty(); }, 10000));
        // As this project's server ends a failed deployment: error, then end.
        QVERIFY2(r.ended, qPrintable(r.failed));
        const auto errors = r.ofType("error");
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString(),
                 QStringLiteral("docker build failed: exit code 1"));
        const QJsonObject last = r.ofType("status").last().value(QStringLiteral("data")).toObject();
        QCOMPARE(last.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(last.value(QStringLiteral("stage")).toString(), QStringLiteral("building_image"));
        QCOMPARE(r.messages.last().value(QStringLiteral("type")).toString(), QStringLiteral("end"));
    }

    // Upstream drops the connection after "Container not found" without a
    // close frame: the client stops with that error instead of retrying.
    // Upstream has no resume: after a reconnect it replays its last 100 lines.
    // What the client already showed is not shown again, and what came
    // meanwhile is.
    void reconnectShowsOnlyTheNewLines() {
        UpstreamStandIn upstream;
        upstream.containerFollow = true;
        for (int i = 1; i <= 120; ++i)
            upstream.containerLines << QStringLiteral("line %1").arg(i);
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/container/logs?appId=5"));
        stream.setBackoff(100, 200);
        Recorder r(stream);
        stream.open();
        auto lines = [&] {
            QStringList out;
            for (const QJsonObject &m : r.ofType("log"))
                out << m[u"data"][u"line"].toString();
            return out;
        };
        QVERIFY(QTest::qWaitFor([&] { return lines().size() == 100; }, 10000));
        upstream.appendContainerLine(QStringLiteral("line 121"));
        QVERIFY(QTest::qWaitFor([&] { return lines().size() == 101; }, 10000));
        upstream.dropContainerClients();
        upstream.appendContainerLine(QStringLiteral("line 122")); // while nobody listens
        upstream.appendContainerLine(QStringLiteral("line 123"));
        QVERIFY(QTest::qWaitFor([&] { return lines().size() >= 103; }, 10000));
        QTest::qWait(500); // nothing more may come
        QStringList expected;
        for (int i = 21; i <= 123; ++i)
            expected << QStringLiteral("line %1").arg(i);
        QCOMPARE(lines(), expected);
        // And live lines after the replay pass at once.
        upstream.appendContainerLine(QStringLiteral("line 124"));
        QVERIFY(QTest::qWaitFor([&] { return lines().size() == 104; }, 10000));
        QCOMPARE(stream.state(), StreamConnection::State::Connected);
    }

    // The same line over and over cannot be matched: shown again rather than lost.
    void ambiguousReplayIsShownAgain() {
        UpstreamStandIn upstream;
        upstream.containerFollow = true;
        upstream.containerLines = QStringList(10, QStringLiteral("serving"));
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/container/logs?appId=5"));
        stream.setBackoff(100, 200);
        Recorder r(stream);
        stream.open();
        QVERIFY(QTest::qWaitFor([&] { return r.ofType("log").size() == 10; }, 10000));
        upstream.dropContainerClients();
        upstream.appendContainerLine(QStringLiteral("serving"));
        QVERIFY(QTest::qWaitFor([&] { return r.ofType("log").size() == 21; }, 10000));
        QTest::qWait(500);
        QCOMPARE(r.ofType("log").size(), 21); // 10, then all 11 again: none lost
    }

    void errorThenBareCloseIsFinal() {
        UpstreamStandIn upstream;
        upstream.containerMissing = true;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        StreamConnection stream(&session, QStringLiteral("/ws/container/logs?appId=5"));
        Recorder r(stream);
        stream.open();
        QVERIFY(QTest::qWaitFor([&] { return r.ended || !r.failed.isEmpty(); }, 10000));
        QCOMPARE(r.failed, QStringLiteral("Container not found"));
        QCOMPARE(stream.state(), StreamConnection::State::Finished);
    }

    void unrecognisedHealthAnswerMeansUpstream() {
        // An upstream web UI that answers every path with its page (200).
        UpstreamStandIn upstream;
        upstream.healthAnswersWithPage = true;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        QCOMPARE(session.dialect(), ServerSession::Dialect::Upstream);
    }
    void appsOfEveryProjectInThePublishedShape() {
        UpstreamStandIn upstream;
        upstream.projects.append(QJsonObject{{QStringLiteral("id"), 7},
                                             {QStringLiteral("name"), QStringLiteral("empty")}});
        upstream.projects.append(QJsonObject{{QStringLiteral("id"), 9},
                                             {QStringLiteral("name"), QStringLiteral("tools")}});
        upstream.appsByProject.insert(
            9, QJsonArray{QJsonObject{{QStringLiteral("id"), 12},
                                      {QStringLiteral("name"), QStringLiteral("cron")},
                                      {QStringLiteral("status"), QStringLiteral("stopped")}},
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("no id")}}});
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        const auto r = await([&](auto done) { session.listApps(nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error));
        const QJsonArray apps = r.data.toArray();
        QCOMPARE(apps.size(), 2); // project 7 answers `data: null`: no apps, no error
        QCOMPARE(apps[0][u"name"].toString(), QStringLiteral("storefront"));
        QCOMPARE(apps[0][u"projectName"].toString(), QStringLiteral("shop"));
        QCOMPARE(apps[0][u"gitUrl"].toString(), QStringLiteral("acme/storefront"));
        QCOMPARE(apps[0][u"containerName"].toString(), QStringLiteral("app-731904"));
        QCOMPARE(apps[0][u"containerState"].toString(), QStringLiteral("running"));
        QCOMPARE(apps[1][u"name"].toString(), QStringLiteral("cron"));
        QCOMPARE(apps[1][u"projectName"].toString(), QStringLiteral("tools"));
        QVERIFY(apps[1][u"gitUrl"].isNull());
        QCOMPARE(r.skipped, 1);
        QCOMPARE(r.skipReason, QStringLiteral("app without a valid id"));
    }

    void appListFailsWhenOneProjectFails() {
        UpstreamStandIn upstream;
        upstream.projects.append(QJsonObject{{QStringLiteral("id"), 7},
                                             {QStringLiteral("name"), QStringLiteral("broken")}});
        upstream.failingProjects << 7;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        auto r = await([&](auto done) { session.listApps(nullptr, done); });
        QVERIFY(!r.ok());
        QCOMPARE(r.status, 500);
        QCOMPARE(r.error, QStringLiteral("database is locked"));

        session.setToken("expired"); // upstream's middleware refuses every call
        r = await([&](auto done) { session.listApps(nullptr, done); });
        QCOMPARE(r.status, 401);
        QCOMPARE(r.error, QStringLiteral("Unauthorized"));
    }

    void deploymentsListedAndStarted() {
        UpstreamStandIn upstream;
        ServerSession session(standInUrl(upstream));
        QVERIFY(signIn(session, upstream.email, upstream.password));
        auto r = await([&](auto done) { session.listDeployments(731904, nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.data.toArray().size(), 1);
        QJsonObject d = r.data.toArray()[0].toObject();
        QCOMPARE(d[u"id"].toDouble(), 512877.0);
        QCOMPARE(d[u"status"].toString(), QStringLiteral("success"));
        QCOMPARE(d[u"stage"].toString(), QStringLiteral("completed"));
        QCOMPARE(d[u"started_at"].toString(), QStringLiteral("2026-11-27T09:12:04Z"));

        // Upstream answers a new deployment with the bare object.
        r = await([&](auto done) { session.startDeployment(731904, nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error));
        const qint64 id = qint64(r.data[u"id"].toDouble());
        QVERIFY(id > 0);
        QCOMPARE(r.data[u"status"].toString(), QStringLiteral("pending"));
        r = await([&](auto done) { session.listDeployments(731904, nullptr, done); });
        QCOMPARE(r.data.toArray().size(), 2);
        QCOMPARE(qint64(r.data.toArray()[0][u"id"].toDouble()), id);

        // An app upstream has no deployments for: Go's nil slice, an empty list.
        r = await([&](auto done) { session.listDeployments(5, nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(r.data.isArray() && r.data.toArray().isEmpty());
    }

    void sameCallsAgainstThisProjectsServer() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        ServerFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        f.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        ServerSession session(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f.port())));
        QVERIFY(signIn(session, QStringLiteral("owner@example.com"), "correct horse battery"));
        const auto r = await([&](auto done) { session.listApps(nullptr, done); });
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(r.data.isArray());
        const auto d = await([&](auto done) { session.listDeployments(999, nullptr, done); });
        QCOMPARE(d.status, 404);
        QCOMPARE(d.error, QStringLiteral("Application not found"));
    }
};

QTEST_GUILESS_MAIN(TestUpstream)
#include "tst_upstream.moc"
