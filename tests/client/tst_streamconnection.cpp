// SPDX-License-Identifier: GPL-3.0-or-later

// StreamConnection against a real in-process server and the real engine:
// streaming, reconnect after a server restart on the same port, backoff,
// the final outcomes (end, 1008, close 1000 after an error, HTTP 401/404),
// resuming deployment and container logs without duplicates across a drop,
// and the client's own ping-based liveness check.
#include "TestSupport.h"

#include "client/ServerSession.h"
#include "client/StreamConnection.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUuid>

using namespace mist;
using namespace mist::test;
using mist::client::ServerSession;
using mist::client::StreamConnection;
using State = mist::client::StreamConnection::State;

namespace {

// Everything a StreamConnection says, with the time it said it.
struct Observed {
    QElapsedTimer clock;
    QList<QJsonObject> messages;
    QList<State> states;
    QList<qint64> connectingAt; // ms since start, one per attempt
    QList<int> countdowns;
    QStringList failures;
    int ended = 0;

    explicit Observed(StreamConnection &c) {
        clock.start();
        QObject::connect(&c, &StreamConnection::message, &c,
                         [this](const QJsonObject &m) { messages << m; });
        QObject::connect(&c, &StreamConnection::stateChanged, &c, [this](State s) {
            states << s;
            if (s == State::Connecting)
                connectingAt << clock.elapsed();
        });
        QObject::connect(&c, &StreamConnection::retryCountdown, &c,
                         [this](int seconds) { countdowns << seconds; });
        QObject::connect(&c, &StreamConnection::failed, &c,
                         [this](const QString &reason) { failures << reason; });
        QObject::connect(&c, &StreamConnection::ended, &c, [this] { ++ended; });
    }

    QList<QJsonObject> ofType(const QString &type) const {
        QList<QJsonObject> out;
        for (const QJsonObject &m : messages) {
            if (m[u"type"].toString() == type)
                out << m;
        }
        return out;
    }
    QStringList lines() const {
        QStringList out;
        for (const QJsonObject &m : ofType(QStringLiteral("log")))
            out << m[u"data"][u"line"].toString();
        return out;
    }
};

// A TCP relay between client and server that a test can cut (both ends
// reset, as a network failure would) or freeze (the connection stays open
// but nothing passes, as with a dead NAT entry).
class TcpProxy {
public:
    explicit TcpProxy(quint16 target)
        : m_target(target) {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] { accept(); });
    }
    ~TcpProxy() {
        cutAll();
        m_pairs = m_frozen;
        cutAll();
    }
    quint16 port() const { return m_server.serverPort(); }
    // The request line of each connection the client made, in order.
    QList<QByteArray> requestLines;

    void cutAll() {
        for (const Pair &p : std::as_const(m_pairs)) {
            if (p.client)
                p.client->abort();
            if (p.upstream)
                p.upstream->abort();
        }
        m_pairs.clear();
    }
    void freezeAll() {
        for (const Pair &p : std::as_const(m_pairs)) {
            if (p.client)
                p.client->disconnect(&m_server);
            if (p.upstream)
                p.upstream->disconnect(&m_server);
        }
        m_frozen += m_pairs;
        m_pairs.clear();
    }

private:
    struct Pair {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
    };

    void accept() {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            auto *upstream = new QTcpSocket(client);
            const qsizetype index = requestLines.size();
            requestLines << QByteArray();
            auto head = std::make_shared<QByteArray>();
            QObject::connect(client, &QTcpSocket::readyRead, &m_server,
                             [this, client, upstream, head, index] {
                                 const QByteArray data = client->readAll();
                                 if (!requestLines[index].endsWith('\n')) {
                                     *head += data;
                                     requestLines[index] = head->left(head->indexOf('\n') + 1);
                                 }
                                 upstream->write(data);
                             });
            QObject::connect(upstream, &QTcpSocket::readyRead, &m_server,
                             [client, upstream] { client->write(upstream->readAll()); });
            QObject::connect(client, &QTcpSocket::disconnected, &m_server,
                             [upstream] { upstream->disconnectFromHost(); });
            QObject::connect(upstream, &QTcpSocket::disconnected, &m_server,
                             [client] { client->disconnectFromHost(); });
            upstream->connectToHost(QHostAddress::LocalHost, m_target);
            m_pairs << Pair{client, upstream};
        }
    }

    QTcpServer m_server;
    quint16 m_target;
    QList<Pair> m_pairs;
    QList<Pair> m_frozen;
};

quint16 closedPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QByteArray unique() {
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

} // namespace

class TestStreamConnection : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;
    QByteArray owner;
    QByteArray outsider;
    QStringList containers;
    QList<qint64> gitApps;

    server::ServerConfig config() {
        server::ServerConfig c;
        c.dataDir = dir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none"); // the private engine has no bridge
        return c;
    }

    std::unique_ptr<ServerSession> session(const QByteArray &token, quint16 port = 0) {
        auto s = std::make_unique<ServerSession>(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port ? port : f->port())));
        s->setToken(token);
        return s;
    }

    qint64 containerApp(const QString &container) {
        store::App app;
        app.name = QStringLiteral("c-") + QString::fromLatin1(unique().left(8));
        app.containerName = container;
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        return created->id;
    }

    qint64 gitApp(const QString &url) {
        store::App app;
        app.name = QStringLiteral("g-") + QString::fromLatin1(unique().left(8));
        app.gitUrl = url;
        app.gitBranch = QStringLiteral("main");
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        gitApps << created->id;
        return created->id;
    }

    QString startContainer(const QString &script) {
        const QString name = QStringLiteral("mist-client-") + QString::fromLatin1(unique().left(8));
        runContainer(name, script);
        containers << name;
        return name;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        owner = f->login(QStringLiteral("owner@example.com"));
        outsider = f->login(QStringLiteral("user@example.com"));
        QVERIFY(!owner.isEmpty() && !outsider.isEmpty());
    }

    void cleanupTestCase() {
        for (const QString &c : std::as_const(containers))
            removeContainer(c);
        for (qint64 id : std::as_const(gitApps)) {
            const QString all =
                docker({QStringLiteral("ps"), QStringLiteral("-aq"), QStringLiteral("--filter"),
                        QStringLiteral("label=mist.app.id=%1").arg(id)});
            for (const QString &c : all.split(u'\n', Qt::SkipEmptyParts))
                removeContainer(c);
        }
    }

    void metricsStream() {
        auto s = session(owner);
        StreamConnection c(s.get(), QStringLiteral("/ws/metrics"));
        Observed o(c);
        QCOMPARE(c.state(), State::Idle);
        c.open();
        QCOMPARE(c.state(), State::Connecting);
        QVERIFY(QTest::qWaitFor([&] { return o.messages.size() >= 2; }, 10000));
        QCOMPARE(c.state(), State::Connected);
        QCOMPARE(o.states, (QList<State>{State::Connecting, State::Connected}));
        for (const QJsonObject &m : std::as_const(o.messages)) {
            QVERIFY(m.contains(QStringLiteral("cpu")));
            QVERIFY(!m.contains(QStringLiteral("type"))); // bare objects
        }
        QCOMPARE(c.attempt(), 0);
        QCOMPARE(c.secondsUntilRetry(), 0);
        c.close();
        QCOMPARE(c.state(), State::Idle);
        const qsizetype count = o.messages.size();
        QTest::qWait(1500);
        QCOMPARE(o.messages.size(), count); // closed means closed
        QVERIFY(o.failures.isEmpty());
        QCOMPARE(o.ended, 0);
    }

    void reconnectsAfterServerRestartOnSamePort() {
        QTemporaryDir restartDir;
        server::ServerConfig cfg;
        cfg.dataDir = restartDir.filePath(QStringLiteral("data"));
        cfg.port = 0;
        auto server = std::make_unique<ServerFixture>(cfg, ServerFixture::KeepPort{});
        QVERIFY2(server->ok(), qPrintable(server->error()));
        server->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const QByteArray token = server->login(QStringLiteral("owner@example.com"));
        const quint16 port = server->port();

        auto s = session(token, port);
        StreamConnection c(s.get(), QStringLiteral("/ws/metrics"));
        c.setBackoff(300, 2000);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return !o.messages.isEmpty(); }, 10000));

        server.reset(); // the server goes away...
        QVERIFY(QTest::qWaitFor([&] { return c.state() == State::Reconnecting; }, 5000));
        QVERIFY2(!c.dropReason().isEmpty(), "a drop says why");
        QVERIFY(!o.countdowns.isEmpty());
        QCOMPARE(o.countdowns.first(), 1);
        // ...and stays away for a few attempts.
        QVERIFY(QTest::qWaitFor([&] { return c.attempt() >= 3; }, 10000));
        QVERIFY2(c.dropReason().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(c.dropReason()));
        QVERIFY(o.failures.isEmpty());

        cfg.port = port; // back on the same port, same data: the session is still valid
        server = std::make_unique<ServerFixture>(cfg, ServerFixture::KeepPort{});
        QVERIFY2(server->ok(), qPrintable(server->error()));
        QCOMPARE(server->port(), port);
        const qsizetype before = o.messages.size();
        QVERIFY(QTest::qWaitFor([&] { return o.messages.size() >= before + 2; }, 15000));
        QCOMPARE(c.state(), State::Connected);
        QCOMPARE(c.attempt(), 0); // reset by the working connection
        QVERIFY(o.failures.isEmpty());
        QCOMPARE(o.ended, 0);
        QVERIFY(o.states.contains(State::Reconnecting));
        c.close();
    }

    void backoffGrows() {
        auto s = session(owner, closedPort());
        StreamConnection c(s.get(), QStringLiteral("/ws/metrics"));
        c.setBackoff(100, 800);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return o.connectingAt.size() >= 7; }, 20000));
        c.close();
        QList<qint64> gaps;
        for (qsizetype i = 1; i < o.connectingAt.size(); ++i)
            gaps << o.connectingAt[i] - o.connectingAt[i - 1];
        // Nominal 100, 200, 400, 800, 800, 800 with +-20% jitter; generous bounds.
        const QByteArray text = QByteArray("gaps: ") + QDebug::toString(gaps).toUtf8();
        QVERIFY2(gaps[0] >= 60 && gaps[0] < 400, text.constData());
        QVERIFY2(gaps[1] >= 140 && gaps[1] < 600, text.constData());
        QVERIFY2(gaps[2] >= 300 && gaps[2] < 900, text.constData());
        QVERIFY2(gaps[2] > gaps[0] * 2, text.constData());
        for (qsizetype i = 3; i < gaps.size(); ++i)
            QVERIFY2(gaps[i] >= 600 && gaps[i] < 1400, text.constData()); // capped at 800
        QVERIFY(o.failures.isEmpty());
        QCOMPARE(c.state(), State::Idle);
    }

    void countdownOncePerSecond() {
        auto s = session(owner, closedPort());
        StreamConnection c(s.get(), QStringLiteral("/ws/metrics"));
        c.setBackoff(3000, 3000);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return c.state() == State::Reconnecting; }, 5000));
        QVERIFY(c.secondsUntilRetry() >= 2 && c.secondsUntilRetry() <= 4);
        QTest::qWait(2000);
        c.close();
        // E.g. 3, 2, 1: one per second, counting down.
        QVERIFY2(o.countdowns.size() >= 2 && o.countdowns.size() <= 4,
                 qPrintable(QDebug::toString(o.countdowns)));
        for (qsizetype i = 1; i < o.countdowns.size(); ++i)
            QCOMPARE(o.countdowns[i], o.countdowns[i - 1] - 1);
        QCOMPARE(c.secondsUntilRetry(), 0);
    }

    void finalRefusals_data() {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bad appId") << "owner"
                                   << "/ws/container/logs?appId=abc"
                                   << "Invalid appId";
        QTest::newRow("unknown app") << "owner"
                                     << "/ws/container/logs?appId=987654"
                                     << "Application not found";
        QTest::newRow("bad deploymentId") << "owner"
                                          << "/ws/deployment/logs?deploymentId=0"
                                          << "Invalid deploymentId";
        QTest::newRow("unknown deployment") << "owner"
                                            << "/ws/deployment/logs?deploymentId=987654"
                                            << "Deployment not found";
        QTest::newRow("permission") << "outsider"
                                    << "/ws/container/logs?appId={app}"
                                    << "Permission denied";
        QTest::newRow("no session (401)") << "nobody"
                                          << "/ws/metrics"
                                          << "Not signed in (HTTP 401)";
        QTest::newRow("revoked session (401)") << "revoked"
                                               << "/ws/metrics"
                                               << "Not signed in (HTTP 401)";
        QTest::newRow("unknown path (404)") << "owner"
                                            << "/ws/nothing"
                                            << "No such stream on this server (HTTP 404)";
        QTest::newRow("container not found (1000)") << "owner"
                                                    << "/ws/container/logs?appId={missing}"
                                                    << "Container not found";
    }
    void finalRefusals() {
        QFETCH(QString, who);
        QFETCH(QString, path);
        QFETCH(QString, reason);
        QByteArray token = who == u"owner" ? owner : who == u"outsider" ? outsider : "";
        if (who == u"nobody")
            token = "not-a-session-token-at-all-xxxxxxxxxxxxxxx";
        if (who == u"revoked") {
            token = f->login(QStringLiteral("owner@example.com"));
            f->store().sessions().revoke(token);
        }
        path.replace(QStringLiteral("{app}"),
                     QString::number(containerApp(QStringLiteral("whatever"))));
        path.replace(QStringLiteral("{missing}"),
                     QString::number(containerApp(QStringLiteral("no-such-container-") +
                                                  QString::fromLatin1(unique().left(8)))));
        auto s = session(token);
        StreamConnection c(s.get(), path);
        c.setBackoff(100, 200);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return !o.failures.isEmpty(); }, 10000));
        QCOMPARE(o.failures, QStringList{reason});
        QCOMPARE(c.state(), State::Finished);
        QTest::qWait(700); // several backoff periods: nothing more happens
        QCOMPARE(o.connectingAt.size(), 1);
        QCOMPARE(o.failures.size(), 1);
        QCOMPARE(o.ended, 0);
        QVERIFY(!o.states.contains(State::Reconnecting));
    }

    void containerNotRunningIsFinal() {
        const QString name = startContainer(QStringLiteral("echo bye"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                               QStringLiteral("{{.State.Status}}"), name}) == u"exited";
            },
            20000));
        auto s = session(owner);
        StreamConnection c(s.get(),
                           QStringLiteral("/ws/container/logs?appId=%1").arg(containerApp(name)));
        c.setBackoff(100, 200);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return !o.failures.isEmpty(); }, 10000));
        QCOMPARE(o.failures, QStringList{QStringLiteral("Container not running")});
        // The status before it shows the real state, and arrived as a message.
        QCOMPARE(o.ofType(QStringLiteral("status")).size(), 1);
        QCOMPARE(o.ofType(QStringLiteral("status"))[0][u"data"][u"state"].toString(),
                 QStringLiteral("exited"));
        QCOMPARE(o.ofType(QStringLiteral("error")).size(), 1);
        QTest::qWait(600);
        QCOMPARE(o.connectingAt.size(), 1);
    }

    void noReconnectAfterEnd() {
        const QString name = startContainer(QStringLiteral("echo one; echo two; sleep 3"));
        auto s = session(owner);
        StreamConnection c(s.get(),
                           QStringLiteral("/ws/container/logs?appId=%1").arg(containerApp(name)));
        c.setBackoff(100, 200);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return o.ended > 0 || !o.failures.isEmpty(); }, 20000));
        QCOMPARE(o.ended, 1);
        QVERIFY(o.failures.isEmpty());
        QCOMPARE(c.state(), State::Finished);
        QCOMPARE(o.lines(), (QStringList{"one", "two"}));
        QCOMPARE(o.messages.last()[u"type"].toString(), QStringLiteral("end"));
        QTest::qWait(700);
        QCOMPARE(o.connectingAt.size(), 1);
        QCOMPARE(o.ended, 1);
    }

    void deploymentResumesWithAfter() {
        GitRepo repo;
        repo.commit(
            {{"Dockerfile", "FROM mist-test-base:latest\n"
                            "RUN for i in $(seq 1 40); do echo slow-line-$i; sleep 0.1; done && "
                            "echo " +
                                unique() +
                                " >/dev/null\n"
                                "CMD [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n"}},
            QStringLiteral("slow build"));
        const qint64 app = gitApp(QStringLiteral("file://") + repo.path());
        const HttpResult created =
            f->http("POST", QStringLiteral("/api/deployments"),
                    QStringLiteral("{\"appId\":%1}").arg(app).toUtf8(), owner);
        QCOMPARE(created.status, 201);
        const qint64 id = qint64(created.json()[u"data"][u"id"].toDouble());

        TcpProxy proxy(f->port());
        auto s = session(owner, proxy.port());
        StreamConnection c(s.get(), QStringLiteral("/ws/deployment/logs?deploymentId=%1").arg(id));
        c.setBackoff(200, 1000);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return o.lines().contains(QStringLiteral("slow-line-8")); },
                                60000));
        const qint64 lastIndex =
            o.ofType(QStringLiteral("log")).last()[u"data"][u"index"].toInteger();
        proxy.cutAll(); // the network fails in the middle of the build
        QVERIFY(QTest::qWaitFor([&] { return c.state() == State::Reconnecting; }, 5000));
        QVERIFY2(c.currentPathAndQuery().contains(QStringLiteral("&after=")),
                 qPrintable(c.currentPathAndQuery()));
        QVERIFY(QTest::qWaitFor([&] { return o.ended > 0 || !o.failures.isEmpty(); }, 120000));
        QCOMPARE(o.ended, 1);
        QVERIFY(o.failures.isEmpty());

        // The second request resumed after the last line seen.
        QVERIFY(proxy.requestLines.size() >= 2);
        QVERIFY2(
            proxy.requestLines[1].contains(QStringLiteral("after=%1 ").arg(lastIndex).toLatin1()),
            proxy.requestLines[1].constData());
        // Every line exactly once, in order, and nothing missing.
        QList<qint64> indexes;
        for (const QJsonObject &m : o.ofType(QStringLiteral("log")))
            indexes << m[u"data"][u"index"].toInteger();
        for (qsizetype i = 0; i < indexes.size(); ++i)
            QCOMPARE(indexes[i], qint64(i + 1));
        const QJsonArray stored =
            f->http("GET", QStringLiteral("/api/deployments/%1/logs").arg(id), {}, owner)
                .json()[u"data"]
                .toArray();
        QCOMPARE(indexes.size(), stored.size());
        QStringList slow = o.lines().filter(QRegularExpression(QStringLiteral("^slow-line-")));
        QCOMPARE(slow.size(), 40);
        QCOMPARE(QSet<QString>(slow.begin(), slow.end()).size(), 40);
        QCOMPARE(o.ofType(QStringLiteral("status")).last()[u"data"][u"status"].toString(),
                 QStringLiteral("success"));
    }

    void containerLogsResumeWithoutDuplicates() {
        const QString name = startContainer(
            QStringLiteral("i=0; while [ $i -lt 60 ]; do i=$((i+1)); echo n-$i; sleep 0.1; done; "
                           "sleep 1"));
        TcpProxy proxy(f->port());
        auto s = session(owner, proxy.port());
        StreamConnection c(s.get(),
                           QStringLiteral("/ws/container/logs?appId=%1").arg(containerApp(name)));
        c.setBackoff(300, 1000);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return o.lines().size() >= 10; }, 20000));
        proxy.cutAll();
        QVERIFY(QTest::qWaitFor([&] { return c.state() == State::Reconnecting; }, 5000));
        QVERIFY2(c.currentPathAndQuery().contains(QStringLiteral("&since=")),
                 qPrintable(c.currentPathAndQuery()));
        QVERIFY(QTest::qWaitFor([&] { return o.ended > 0 || !o.failures.isEmpty(); }, 30000));
        QCOMPARE(o.ended, 1);
        QVERIFY2(proxy.requestLines.size() >= 2 && proxy.requestLines[1].contains("&since=20"),
                 proxy.requestLines.value(1).constData());
        // The server sent its tail again on reconnect; the client kept each line once.
        QStringList expected;
        for (int i = 1; i <= 60; ++i)
            expected << QStringLiteral("n-%1").arg(i);
        QCOMPARE(o.lines(), expected);
        QCOMPARE(o.ofType(QStringLiteral("status")).size(), 2); // one per connection
    }

    void silentServerCountsAsDrop() {
        TcpProxy proxy(f->port());
        auto s = session(owner, proxy.port());
        StreamConnection c(s.get(), QStringLiteral("/ws/metrics"));
        c.setBackoff(200, 1000);
        c.setPingInterval(300);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return !o.messages.isEmpty(); }, 10000));
        QTest::qWait(1000); // pings answered: still the same connection
        QCOMPARE(o.connectingAt.size(), 1);
        QCOMPARE(c.state(), State::Connected);
        proxy.freezeAll(); // the line goes silent without closing
        QVERIFY(QTest::qWaitFor([&] { return c.state() == State::Reconnecting; }, 5000));
        QCOMPARE(c.dropReason(), QStringLiteral("The server stopped answering pings"));
        const qsizetype before = o.messages.size();
        QVERIFY(QTest::qWaitFor([&] { return o.messages.size() > before; }, 10000));
        QCOMPARE(c.state(), State::Connected);
        QCOMPARE(o.connectingAt.size(), 2);
        c.close();
    }

    void reopenAfterFinished() {
        auto s = session(owner);
        StreamConnection c(s.get(), QStringLiteral("/ws/container/logs?appId=abc"));
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return !o.failures.isEmpty(); }, 10000));
        c.open(); // a new try, e.g. the user pressed "Retry"
        QVERIFY(QTest::qWaitFor([&] { return o.failures.size() == 2; }, 10000));
        QCOMPARE(o.connectingAt.size(), 2);
    }

    void sessionGoneFailsCleanly() {
        auto s = session(owner, closedPort());
        StreamConnection c(s.get(), QStringLiteral("/ws/metrics"));
        c.setBackoff(100, 100);
        Observed o(c);
        c.open();
        QVERIFY(QTest::qWaitFor([&] { return c.state() == State::Reconnecting; }, 5000));
        s.reset();
        QVERIFY(QTest::qWaitFor([&] { return !o.failures.isEmpty(); }, 5000));
        QCOMPARE(o.failures, QStringList{QStringLiteral("The server session is gone")});
    }
};

QTEST_GUILESS_MAIN(TestStreamConnection)
#include "tst_streamconnection.moc"
