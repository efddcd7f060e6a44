// SPDX-License-Identifier: GPL-3.0-or-later

// The stream commands (logs, metrics, deployment, deploy) as a user runs
// them: the built binary, against a real in-process server and engine.
#include "StreamCommands.h"
#include "TestPaths.h"
#include "TestSupport.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>
#include <QUuid>

using namespace mist;
using namespace mist::test;

namespace {

struct Run {
    int code = -1;
    QStringList out; // lines
    QString err;
};

QByteArray unique() {
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

quint16 closedPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}

QStringList linesOf(const QByteArray &bytes) {
    return QString::fromUtf8(bytes).split(u'\n', Qt::SkipEmptyParts);
}

const QRegularExpression &metricsLinePattern() {
    static const QRegularExpression re(QStringLiteral(
        "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ cpu \\d+\\.\\d% \\(\\d+ cores?\\) "
        "mem \\d+\\.\\d% \\d+\\.\\d/\\d+\\.\\d GiB disk \\d+\\.\\d% \\d+\\.\\d/\\d+\\.\\d GiB "
        "(containers \\d+/\\d+ images \\d+|docker unavailable)$"));
    return re;
}

} // namespace

class TestStreamCommands : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;
    QStringList containers;
    QList<qint64> gitApps;

    server::ServerConfig config() {
        server::ServerConfig c;
        c.dataDir = dir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none");
        return c;
    }

    // Runs the binary; the server lives in this process, so the event loop
    // keeps turning while we wait. "{data}" in args is the fixture's data dir.
    Run run(QStringList args, const QByteArray &input = {}, int timeoutMs = 60000) {
        args.replaceInStrings(QStringLiteral("{data}"), config().dataDir);
        QProcess p;
        p.start(mist::test::binaryPath(QStringLiteral("mist-monitor")), args);
        if (!p.waitForStarted(10000))
            return {};
        p.write(input);
        p.closeWriteChannel();
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, timeoutMs)) {
            p.kill();
            p.waitForFinished();
            qWarning("mist-monitor %s did not finish", qPrintable(args.join(u' ')));
        }
        Run r;
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = linesOf(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
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

    QString startContainer(const QString &script) {
        const QString name = QStringLiteral("mist-cli-") + QString::fromLatin1(unique().left(8));
        runContainer(name, script);
        containers << name;
        return name;
    }

    int sessionCount() {
        QSqlQuery q(QSqlDatabase::database(f->store().connectionName()));
        q.exec(QStringLiteral("SELECT COUNT(*) FROM sessions"));
        return q.next() ? q.value(0).toInt() : -1;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
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

    void isStreamCommand_data() {
        QTest::addColumn<QString>("word");
        QTest::addColumn<bool>("expected");
        for (const char *w : {"logs", "metrics", "deployment", "deploy"})
            QTest::newRow(w) << QString::fromLatin1(w) << true;
        for (const char *w : {"log", "user", "--server", ""})
            QTest::newRow(w[0] ? w : "empty") << QString::fromLatin1(w) << false;
    }
    void isStreamCommand() {
        QFETCH(QString, word);
        QFETCH(bool, expected);
        QCOMPARE(cli::isStreamCommand(word), expected);
    }

    void metricsLine_data() {
        QTest::addColumn<QByteArray>("sample");
        QTest::addColumn<QString>("expected");
        QTest::newRow("published example")
            << QByteArray("{\"timestamp\":\"2025-01-15T10:30:00Z\",\"cpu\":{\"usage\":25.5,"
                          "\"cores\":4},\"memory\":{\"used\":4294967296,\"total\":17179869184,"
                          "\"percent\":25.0},\"disk\":{\"used\":53687091200,\"total\":"
                          "536870912000,\"percent\":10.0},\"docker\":{\"containers_running\":5,"
                          "\"containers_total\":8,\"images\":12}}")
            << "2025-01-15T10:30:00Z cpu 25.5% (4 cores) mem 25.0% 4.0/16.0 GiB disk 10.0% "
               "50.0/500.0 GiB containers 5/8 images 12";
        QTest::newRow("engine down, one core")
            << QByteArray("{\"timestamp\":\"2025-01-15T10:30:01Z\",\"cpu\":{\"usage\":0,"
                          "\"cores\":1},\"memory\":{\"used\":0,\"total\":1073741824,"
                          "\"percent\":0},\"disk\":{\"used\":1073741824,\"total\":2147483648,"
                          "\"percent\":50},\"docker\":null}")
            << "2025-01-15T10:30:01Z cpu 0.0% (1 core) mem 0.0% 0.0/1.0 GiB disk 50.0% "
               "1.0/2.0 GiB docker unavailable";
        QTest::newRow("upstream: no cores, no percent")
            << QByteArray("{\"timestamp\":\"2025-01-15T10:30:02Z\",\"cpu\":{\"usage\":12.34,"
                          "\"cores\":null},\"memory\":{\"used\":536870912,\"total\":2147483648},"
                          "\"disk\":{\"used\":0,\"total\":0},\"docker\":{\"containers_running\":0,"
                          "\"containers_total\":0,\"images\":0}}")
            << "2025-01-15T10:30:02Z cpu 12.3% mem 25.0% 0.5/2.0 GiB disk 0.0% 0.0/0.0 GiB "
               "containers 0/0 images 0";
        QTest::newRow("upstream with its load average")
            << QByteArray("{\"timestamp\":\"2025-01-15T10:30:03Z\",\"cpu\":{\"usage\":1,"
                          "\"cores\":null},\"memory\":{\"used\":0,\"total\":0},\"disk\":"
                          "{\"used\":0,\"total\":0},\"load\":{\"one\":0.1,\"five\":2.25,"
                          "\"fifteen\":12},\"docker\":null}")
            << "2025-01-15T10:30:03Z cpu 1.0% mem 0.0% 0.0/0.0 GiB disk 0.0% 0.0/0.0 GiB "
               "load 0.10 2.25 12.00 docker unavailable";
        QTest::newRow("a partial or hostile load average is left out")
            << QByteArray("{\"timestamp\":\"2025-01-15T10:30:04Z\",\"cpu\":{\"usage\":1,"
                          "\"cores\":null},\"memory\":{\"used\":0,\"total\":0},\"disk\":"
                          "{\"used\":0,\"total\":0},\"load\":{\"one\":\"0.1\",\"five\":1,"
                          "\"fifteen\":1},\"docker\":null}")
            << "2025-01-15T10:30:04Z cpu 1.0% mem 0.0% 0.0/0.0 GiB disk 0.0% 0.0/0.0 GiB "
               "docker unavailable";
    }
    void metricsLine() {
        QFETCH(QByteArray, sample);
        QFETCH(QString, expected);
        QCOMPARE(cli::metricsLine(QJsonDocument::fromJson(sample).object()), expected);
    }

    void metricsCount() {
        const int sessionsBefore = sessionCount();
        const Run r = run({"metrics", "--count", "2", "--data-dir", "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 2);
        for (const QString &line : r.out)
            QVERIFY2(metricsLinePattern().match(line).hasMatch(), qPrintable(line));
        QCOMPARE(r.err, QString());
        QCOMPARE(sessionCount(), sessionsBefore); // its session was revoked
    }

    void metricsJson() {
        const Run r = run({"metrics", "--json", "--count", "1", "--data-dir", "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 1);
        const QJsonObject m = QJsonDocument::fromJson(r.out[0].toUtf8()).object();
        for (const char *key : {"timestamp", "cpu", "memory", "disk", "docker"})
            QVERIFY2(m.contains(QLatin1String(key)), key);
        QVERIFY(m[u"cpu"][u"cores"].toInt() >= 1);
    }

    void logsCount() {
        const QString name = startContainer(QStringLiteral(
            "for i in 1 2 3 4 5; do echo hello-$i; done; sleep 1; echo oops >&2; sleep 600"));
        const qint64 app = containerApp(name);
        QVERIFY(QTest::qWaitFor(
            [&] {
                QProcess logs; // the engine's own view, stderr included
                logs.setProcessChannelMode(QProcess::MergedChannels);
                logs.start(QStringLiteral("docker"), {QStringLiteral("logs"), name});
                logs.waitForFinished(10000);
                return logs.readAll().contains("oops");
            },
            10000));
        Run r =
            run({"logs", "--app", QString::number(app), "--count", "3", "--data-dir", "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, (QStringList{"hello-1", "hello-2", "hello-3"}));
        QVERIFY2(
            r.err.contains(QStringLiteral("mist-monitor: container %1 is running (Up ").arg(name)),
            qPrintable(r.err));

        // stderr lines of the container are log lines too.
        r = run({"logs", "--app", QString::number(app), "--count", "6", "--data-dir", "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.last(), QStringLiteral("oops"));

        // --json: every message, the status included; --count still counts lines.
        r = run({"logs", "--app", QString::number(app), "--count", "2", "--json", "--data-dir",
                 "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 3);
        QStringList types;
        for (const QString &line : std::as_const(r.out))
            types << QJsonDocument::fromJson(line.toUtf8()).object()[u"type"].toString();
        QCOMPARE(types, (QStringList{"status", "log", "log"}));
        const QJsonObject log = QJsonDocument::fromJson(r.out[1].toUtf8()).object();
        QCOMPARE(log[u"data"][u"line"].toString(), QStringLiteral("hello-1"));
        QCOMPARE(log[u"data"][u"stream"].toString(), QStringLiteral("stdout"));
        QVERIFY(!log[u"data"][u"ts"].toString().isEmpty());
        QCOMPARE(r.err, QString());
    }

    void logsUntilEnd() {
        const QString name = startContainer(QStringLiteral("echo first; sleep 2; echo last"));
        const Run r =
            run({"logs", "--app", QString::number(containerApp(name)), "--data-dir", "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, (QStringList{"first", "last"}));
        QVERIFY2(r.err.endsWith(QStringLiteral("mist-monitor: Log stream ended\n")),
                 qPrintable(r.err));
    }

    void refusedStreams_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expectedErr");
        QTest::newRow("unknown app")
            << QStringList{"logs", "--app", "987654"} << "mist-monitor: Application not found\n";
        QTest::newRow("unknown deployment") << QStringList{"deployment", "--id", "987654"}
                                            << "mist-monitor: Deployment not found\n";
        QTest::newRow("container not found")
            << QStringList{"logs", "--app", "{missing}"} << "mist-monitor: Container not found\n";
        QTest::newRow("deploy a container app")
            << QStringList{"deploy", "--app", "{missing}"} << "mist-monitor: cannot deploy app ";
    }
    void refusedStreams() {
        QFETCH(QStringList, args);
        QFETCH(QString, expectedErr);
        args.replaceInStrings(QStringLiteral("{missing}"),
                              QString::number(containerApp(QStringLiteral("no-such-") +
                                                           QString::fromLatin1(unique().left(8)))));
        const Run r = run(args << "--data-dir"
                               << "{data}");
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(expectedErr), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void containerNotRunning() {
        const QString name = startContainer(QStringLiteral("true"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                               QStringLiteral("{{.State.Status}}"), name}) == u"exited";
            },
            20000));
        const Run r =
            run({"logs", "--app", QString::number(containerApp(name)), "--data-dir", "{data}"});
        QCOMPARE(r.code, 1);
        // The status, then the error, said once.
        QVERIFY2(r.err.contains(
                     QStringLiteral("mist-monitor: container %1 is exited (Exited (0) ").arg(name)),
                 qPrintable(r.err));
        QVERIFY2(r.err.endsWith(QStringLiteral("mist-monitor: Container not running\n")),
                 qPrintable(r.err));
        QCOMPARE(r.err.count(QStringLiteral("Container not running")), 1);
    }

    void remote() {
        const QString url = QStringLiteral("ws://127.0.0.1:%1").arg(f->port());
        const Run r = run({"metrics", "--count", "1", "--url", url, "--email", "owner@example.com",
                           "--password-stdin"},
                          "correct horse battery\n");
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 1);
        QVERIFY(metricsLinePattern().match(r.out[0]).hasMatch());
    }

    void signInFailures_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("password");
        QTest::addColumn<QString>("expectedErr");
        QTest::newRow("wrong password") << "http://127.0.0.1:{port}" << QByteArray("wrong\n")
                                        << "mist-monitor: Invalid email or password\n";
        const quint16 closed = closedPort();
        QTest::newRow("unreachable")
            << QStringLiteral("http://127.0.0.1:%1").arg(closed)
            << QByteArray("correct horse battery\n")
            << QStringLiteral(
                   "mist-monitor: Cannot reach http://127.0.0.1:%1: Connection refused\n")
                   .arg(closed);
        QTest::newRow("unreachable ws://")
            << QStringLiteral("ws://127.0.0.1:%1/ws/metrics").arg(closed)
            << QByteArray("correct horse battery\n")
            << QStringLiteral(
                   "mist-monitor: Cannot reach http://127.0.0.1:%1: Connection refused\n")
                   .arg(closed);
    }
    void signInFailures() {
        QFETCH(QString, url);
        QFETCH(QByteArray, password);
        QFETCH(QString, expectedErr);
        url.replace(QStringLiteral("{port}"), QString::number(f->port()));
        for (const char *command : {"metrics", "logs"}) {
            QStringList args{QString::fromLatin1(command)};
            if (args[0] == u"logs")
                args << "--app"
                     << "1";
            const Run r = run(args << "--url" << url << "--email"
                                   << "owner@example.com"
                                   << "--password-stdin",
                              password);
            QCOMPARE(r.code, 1);
            QCOMPARE(r.err, expectedErr);
            QVERIFY(r.out.isEmpty());
        }
    }

    void noLocalServer() {
        QTemporaryDir empty;
        const Run r = run({"metrics", "--data-dir", empty.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("mist-monitor: no server is running on data "
                                                 "directory ")),
                 qPrintable(r.err));
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("expectedErr");
        QTest::newRow("logs without --app")
            << QStringList{"logs"} << QByteArray() << "--app wants a positive id";
        QTest::newRow("logs --app 0")
            << QStringList{"logs", "--app", "0"} << QByteArray() << "--app wants a positive id";
        QTest::newRow("logs --app abc")
            << QStringList{"logs", "--app", "abc"} << QByteArray() << "--app wants a positive id";
        QTest::newRow("deployment without --id")
            << QStringList{"deployment"} << QByteArray() << "--id wants a positive id";
        QTest::newRow("deploy --app -1")
            << QStringList{"deploy", "--app", "-1"} << QByteArray() << "--app wants a positive id";
        QTest::newRow("metrics --app")
            << QStringList{"metrics", "--app", "3"} << QByteArray() << "Unknown option 'app'";
        QTest::newRow("--count 0") << QStringList{"metrics", "--count", "0"} << QByteArray()
                                   << "--count wants a positive number";
        QTest::newRow("--count x") << QStringList{"logs", "--app", "1", "--count", "x"}
                                   << QByteArray() << "--count wants a positive number";
        QTest::newRow("--count without value")
            << QStringList{"metrics", "--count"} << QByteArray() << "Missing value after '--count'";
        QTest::newRow("positional")
            << QStringList{"metrics", "extra"} << QByteArray() << "unexpected argument 'extra'";
        QTest::newRow("--url alone") << QStringList{"metrics", "--url", "http://h:1"}
                                     << QByteArray() << "--url needs --email and --password-stdin";
        QTest::newRow("--url and --data-dir")
            << QStringList{"metrics",          "--url",      "http://h:1", "--email", "e@x.y",
                           "--password-stdin", "--data-dir", "/tmp"}
            << QByteArray("pw\n") << "--url and --data-dir exclude each other";
        QTest::newRow("bad --url")
            << QStringList{"metrics", "--url", "ftp://h", "--email", "e@x.y", "--password-stdin"}
            << QByteArray("pw\n") << "--url wants http(s)://host:port or ws(s)://host:port";
        QTest::newRow("--password-stdin without --url")
            << QStringList{"metrics", "--password-stdin"} << QByteArray("pw\n")
            << "--password-stdin goes with --url";
        QTest::newRow("no password on stdin")
            << QStringList{"metrics", "--url", "http://127.0.0.1:1",
                           "--email", "e@x.y", "--password-stdin"}
            << QByteArray() << "--password-stdin: no password on standard input";
    }
    void usageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, expectedErr);
        const Run r = run(args, input, 20000);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.startsWith(QStringLiteral("mist-monitor: ") + expectedErr),
                 qPrintable(r.err));
        QCOMPARE(r.err.count(u'\n'), 1); // one line
        QVERIFY(r.out.isEmpty());
    }

    void help() {
        const Run r = run({"logs", "--help"});
        QCOMPARE(r.code, 0);
        const QString text = r.out.join(u'\n');
        for (const char *option : {"--app", "--count", "--json", "--url", "--password-stdin"})
            QVERIFY2(text.contains(QLatin1String(option)), option);
    }

    void reconnectsAndSaysSo() {
        QTemporaryDir restartDir;
        server::ServerConfig cfg;
        cfg.dataDir = restartDir.filePath(QStringLiteral("data"));
        cfg.port = 0; // a free one first; then the same one again
        auto server = std::make_unique<ServerFixture>(cfg, ServerFixture::KeepPort{});
        QVERIFY2(server->ok(), qPrintable(server->error()));
        server->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const quint16 port = server->port();

        QProcess p;
        p.start(mist::test::binaryPath(QStringLiteral("mist-monitor")),
                {"metrics", "--count", "4", "--data-dir", cfg.dataDir});
        QByteArray out;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += p.readAllStandardOutput();
                return out.count('\n') >= 1;
            },
            15000));
        server.reset();
        QByteArray err;
        QVERIFY(QTest::qWaitFor(
            [&] {
                err += p.readAllStandardError();
                return err.contains("retrying in");
            },
            10000));
        QTest::qWait(1500); // at least one failed attempt while the server is away
        cfg.port = port;
        server = std::make_unique<ServerFixture>(cfg, ServerFixture::KeepPort{});
        QVERIFY2(server->ok(), qPrintable(server->error()));
        QVERIFY(QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 30000));
        out += p.readAllStandardOutput();
        err += p.readAllStandardError();
        QVERIFY2(p.exitCode() == 0, err.constData());
        const QStringList lines = linesOf(out);
        QCOMPARE(lines.size(), 4);
        for (const QString &line : lines)
            QVERIFY2(metricsLinePattern().match(line).hasMatch(), qPrintable(line));
        QVERIFY2(QRegularExpression(
                     QStringLiteral("^mist-monitor: connection lost, retrying in \\d+ s \\("))
                     .match(QString::fromUtf8(err))
                     .hasMatch(),
                 err.constData());
        QVERIFY2(err.contains("mist-monitor: reconnected\n"), err.constData());
    }

    void interruptRevokesSession() {
        const int sessionsBefore = sessionCount();
        QProcess p;
        p.start(mist::test::binaryPath(QStringLiteral("mist-monitor")),
                {"metrics", "--data-dir", config().dataDir});
        QByteArray out;
        QVERIFY(QTest::qWaitFor(
            [&] {
                out += p.readAllStandardOutput();
                return !out.isEmpty();
            },
            15000));
        QCOMPARE(sessionCount(), sessionsBefore + 1);
        p.terminate(); // SIGTERM
        QVERIFY(QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 10000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 128 + 15);
        QCOMPARE(sessionCount(), sessionsBefore);
    }

    void deployJson() {
        GitRepo repo;
        repo.commit({{"Dockerfile", "FROM mist-test-base:latest\nRUN echo " + unique() +
                                        "\nCMD [\"sh\", \"-c\", \"while true; do sleep 1; "
                                        "done\"]\n"}},
                    QStringLiteral("json"));
        store::App app;
        app.name = QStringLiteral("g-") + QString::fromLatin1(unique().left(8));
        app.gitUrl = QStringLiteral("file://") + repo.path();
        app.gitBranch = QStringLiteral("main");
        QString error;
        const auto created = f->store().apps().add(app);
        error = created.error();
        QVERIFY2(created, qPrintable(error));
        gitApps << created->id;

        Run r =
            run({"deploy", "--app", QString::number(created->id), "--json", "--data-dir", "{data}"},
                {}, 120000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject last = QJsonDocument::fromJson(r.out.last().toUtf8()).object();
        QCOMPARE(last[u"type"].toString(), QStringLiteral("end"));
        const qint64 id = QJsonDocument::fromJson(r.out.first().toUtf8())
                              .object()[u"data"][u"deployment_id"]
                              .toInteger();
        QVERIFY(id > 0);
        QVERIFY2(r.err.contains(QStringLiteral("deployment %1 queued").arg(id)), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("deployment %1 succeeded").arg(id)),
                 qPrintable(r.err));

        // Following it again replays it; --count stops early.
        r = run(
            {"deployment", "--id", QString::number(id), "--count", "1", "--data-dir", "{data}"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestStreamCommands)
#include "tst_streamcommands.moc"
