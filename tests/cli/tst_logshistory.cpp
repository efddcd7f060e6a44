// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor logs --since/--until/--grep/--stream [--follow]: the built
// binary against a real in-process server whose log archive holds known
// entries (and, for --follow, a real container going on live).
#include "TestPaths.h"
#include "TestSupport.h"

#include "TimeArgument.h"
#include "archive/LogArchive.h"
#include "server/ArchiveService.h"

#include <QProcess>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {

struct Run {
    int code = -1;
    QStringList out;
    QString err;
};

// 2026-12-05T10:00:00Z and the entries' times after it.
constexpr qint64 T0 = 1796464800LL * 1000000000LL;
qint64 at(int second) {
    return T0 + qint64(second) * 1000000000LL;
}
QString rfc(int second) {
    return archive::formatTimestampNs(at(second));
}

} // namespace

class TestLogsHistory : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;
    qint64 app = 0;
    qint64 bigApp = 0;
    QString container;

    server::ServerConfig config() {
        server::ServerConfig c;
        c.dataDir = dir.filePath(QStringLiteral("data"));
        return c;
    }

    QProcess *start(QStringList args) {
        args << QStringLiteral("--data-dir") << config().dataDir;
        auto *p = new QProcess(this);
        p->start(mist::test::binaryPath(QStringLiteral("mist-monitor")), args);
        return p;
    }

    Run finish(QProcess *p, int timeoutMs = 60000) {
        if (!QTest::qWaitFor([&] { return p->state() == QProcess::NotRunning; }, timeoutMs)) {
            p->kill();
            p->waitForFinished();
            qWarning("mist-monitor did not finish");
        }
        Run r;
        r.code = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        r.out = QString::fromUtf8(p->readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
        r.err = QString::fromUtf8(p->readAllStandardError());
        p->deleteLater();
        return r;
    }

    Run run(const QStringList &args) { return finish(start(args)); }

    qint64 addApp(const QString &containerName) {
        store::App a;
        a.name = containerName;
        a.containerName = containerName;
        QString error;
        const auto created = f->store().apps().add(a);
        error = created.error();
        if (!created)
            qFatal("%s", qPrintable(error));
        return created->id;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        f = std::make_unique<ServerFixture>(config());
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        archive::LogArchive *log = f->server().archive().archive();
        QVERIFY(log);
        // An app whose container no longer exists: only the archive has it.
        app =
            addApp(QStringLiteral("mist-history-gone-%1").arg(QCoreApplication::applicationPid()));
        const archive::ContainerRef ref{QStringLiteral("c0ffee"), QStringLiteral("gone")};
        using archive::Record;
        using archive::Stream;
        QVERIFY(log->append(app, ref, 4, Record::line(at(1), Stream::Stdout, "line 1")));
        QVERIFY(log->append(app, ref, 4, Record::line(at(2), Stream::Stderr, "line 2 oops")));
        QVERIFY(log->append(app, ref, 4, Record::line(at(3), Stream::Stdout, "line 3")));
        QVERIFY(log->append(app, ref, 4, Record::line(at(4), Stream::Stderr, "line 4 oops")));
        QVERIFY(log->append(app, ref, 4,
                            Record::makeEvent(at(5), archive::EventKind::Died,
                                              QStringLiteral("died (exit 3)"), 3)));
        QVERIFY(log->append(app, ref, 4, Record::line(at(6), Stream::Stdout, "line 5 üñí")));
        // More than one page (10 000 entries) of lines.
        bigApp =
            addApp(QStringLiteral("mist-history-big-%1").arg(QCoreApplication::applicationPid()));
        for (int i = 1; i <= 12345; ++i)
            QVERIFY(log->append(
                bigApp, ref, 0,
                Record::line(at(100) + i, Stream::Stdout, QStringLiteral("big %1").arg(i))));
        log->flush();
    }

    void cleanupTestCase() {
        if (!container.isEmpty())
            removeContainer(container);
    }

    void timeArgument_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1: refused
        const qint64 now = at(86400 * 10);
        QTest::newRow("RFC 3339") << QStringLiteral("2026-12-05T10:00:01Z") << at(1);
        QTest::newRow("with a fraction")
            << QStringLiteral("2026-12-05T10:00:01.5Z") << at(1) + 500000000LL;
        QTest::newRow("90 seconds ago") << QStringLiteral("90s") << now - 90LL * 1000000000LL;
        QTest::newRow("15 minutes ago") << QStringLiteral("15m") << now - 900LL * 1000000000LL;
        QTest::newRow("2 hours ago") << QStringLiteral("2h") << now - 7200LL * 1000000000LL;
        QTest::newRow("7 days ago") << QStringLiteral("7d") << now - 7LL * 86400 * 1000000000LL;
        QTest::newRow("0s is now") << QStringLiteral("0s") << now;
        QTest::newRow("before 1970") << QStringLiteral("100000d") << qint64(-1);
        QTest::newRow("beyond 100 years") << QStringLiteral("99999999999d") << qint64(-1);
        QTest::newRow("negative age") << QStringLiteral("-5m") << qint64(-1);
        QTest::newRow("plus sign") << QStringLiteral("+5m") << qint64(-1);
        QTest::newRow("unknown unit") << QStringLiteral("5w") << qint64(-1);
        QTest::newRow("unit only") << QStringLiteral("m") << qint64(-1);
        QTest::newRow("a word") << QStringLiteral("yesterday") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
        QTest::newRow("date only") << QStringLiteral("2026-12-05") << qint64(-1);
        QTest::newRow("huge") << QString(5000, u'9') << qint64(-1);
    }
    void timeArgument() {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto parsed = cli::parseTimeArgument(text, at(86400 * 10));
        QCOMPARE(parsed.value_or(-1), expected);
    }

    void archivedLines_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("out");
        QTest::addColumn<QString>("errHas");
        const QStringList all{QStringLiteral("line 1"), QStringLiteral("line 2 oops"),
                              QStringLiteral("line 3"), QStringLiteral("line 4 oops"),
                              QStringLiteral("line 5 üñí")};
        QTest::newRow("since, oldest first, the death on stderr")
            << QStringList{QStringLiteral("--since"), rfc(0)} << all
            << QStringLiteral("mist-monitor: [%1] died (exit 3)").arg(rfc(5));
        QTest::newRow("grep") << QStringList{QStringLiteral("--grep"), QStringLiteral("oops$")}
                              << QStringList{all[1], all[3]} << QString();
        QTest::newRow("grep with URL characters")
            << QStringList{QStringLiteral("--grep"), QStringLiteral("line [1-3]( |$)|&=+#")}
            << QStringList{all[0], all[1], all[2]} << QString();
        QTest::newRow("stream") << QStringList{QStringLiteral("--stream"), QStringLiteral("stdout")}
                                << QStringList{all[0], all[2], all[4]} << QString();
        QTest::newRow("a window") << QStringList{QStringLiteral("--since"), rfc(2),
                                                 QStringLiteral("--until"), rfc(3)}
                                  << QStringList{all[1], all[2]} << QString();
        QTest::newRow("count") << QStringList{QStringLiteral("--since"), rfc(0),
                                              QStringLiteral("--count"), QStringLiteral("2")}
                               << QStringList{all[0], all[1]} << QString();
        QTest::newRow("nothing in range")
            << QStringList{QStringLiteral("--since"), QStringLiteral("1s")} << QStringList{}
            << QString();
    }
    void archivedLines() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, out);
        QFETCH(QString, errHas);
        const Run r =
            run(QStringList{QStringLiteral("logs"), QStringLiteral("--app"), QString::number(app)} +
                args);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, out);
        QVERIFY2(r.err.contains(errHas), qPrintable(r.err));
    }

    void jsonEntries() {
        const Run r = run({QStringLiteral("logs"), QStringLiteral("--app"), QString::number(app),
                           QStringLiteral("--since"), rfc(0), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.size(), 6);
        const QJsonObject died = QJsonDocument::fromJson(r.out[4].toUtf8()).object();
        QCOMPARE(died["type"].toString(), QStringLiteral("archived"));
        QCOMPARE(died["data"].toObject()["event"].toString(), QStringLiteral("died"));
        QCOMPARE(died["data"].toObject()["exitCode"].toInt(), 3);
        QCOMPARE(died["data"].toObject()["deploymentId"].toInteger(), qint64(4));
    }

    void pagesThroughEverything() {
        const Run r = run({QStringLiteral("logs"), QStringLiteral("--app"), QString::number(bigApp),
                           QStringLiteral("--since"), rfc(0)});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out.size(), 12345);
        QCOMPARE(r.out.first(), QStringLiteral("big 1"));
        QCOMPARE(r.out.last(), QStringLiteral("big 12345"));
    }

    void badOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("err");
        const QString timeError = QStringLiteral(
            "wants a time (RFC 3339, e.g. 2026-12-05T10:00:00Z) or an age (90s, 15m, 2h, 7d)\n");
        QTest::newRow("since a word")
            << QStringList{QStringLiteral("--since"), QStringLiteral("yesterday")} << 2
            << QStringLiteral("mist-monitor: --since ") + timeError;
        QTest::newRow("until empty") << QStringList{QStringLiteral("--until"), QString()} << 2
                                     << QStringLiteral("mist-monitor: --until ") + timeError;
        QTest::newRow("until before since")
            << QStringList{QStringLiteral("--since"), rfc(5), QStringLiteral("--until"), rfc(1)}
            << 2 << QStringLiteral("mist-monitor: --until is before --since\n");
        QTest::newRow("grep not a regex")
            << QStringList{QStringLiteral("--grep"), QStringLiteral("(")} << 2
            << QStringLiteral(
                   "mist-monitor: --grep wants a regular expression (RE2 syntax, at most 1024 "
                   "bytes)\n");
        QTest::newRow("grep a backreference (not RE2)")
            << QStringList{QStringLiteral("--grep"), QStringLiteral("(a)\\1")} << 2
            << QStringLiteral(
                   "mist-monitor: --grep wants a regular expression (RE2 syntax, at most 1024 "
                   "bytes)\n");
        QTest::newRow("grep huge")
            << QStringList{QStringLiteral("--grep"), QString(5000, u'a')} << 2
            << QStringLiteral("mist-monitor: --grep wants a regular "
                              "expression (RE2 syntax, at most 1024 "
                              "bytes)\n");
        QTest::newRow("stream both")
            << QStringList{QStringLiteral("--stream"), QStringLiteral("both")} << 2
            << QStringLiteral("mist-monitor: --stream wants stdout or stderr\n");
        QTest::newRow("follow with until")
            << QStringList{QStringLiteral("--until"), rfc(1), QStringLiteral("--follow")} << 2
            << QStringLiteral("mist-monitor: --follow cannot go with --until\n");
        QTest::newRow("an app that is not there")
            << QStringList{QStringLiteral("--since"), rfc(0), QStringLiteral("--app"),
                           QStringLiteral("987654321")}
            << 1 << QStringLiteral("mist-monitor: Application not found\n");
    }
    void badOptions() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        QFETCH(QString, err);
        QStringList all{QStringLiteral("logs")};
        if (!args.contains(QStringLiteral("--app")))
            all << QStringLiteral("--app") << QString::number(app);
        const Run r = run(all + args);
        QCOMPARE(r.code, code);
        QCOMPARE(r.err, err);
        QVERIFY(r.out.isEmpty());
    }

    // Archived lines, then live ones right after the last of them: the
    // filter applies to both, and --count counts both.
    void followGoesOnLive() {
        container = QStringLiteral("mist-history-live-%1").arg(QCoreApplication::applicationPid());
        const qint64 live = addApp(container);
        QVERIFY(
            !runContainer(container, QStringLiteral("echo keep 1; echo drop 1; mkfifo /tmp/say; "
                                                    "while true; do cat /tmp/say; done"))
                 .isEmpty());
        // The server archives the container's lines by itself.
        QTRY_VERIFY_WITH_TIMEOUT(
            (f->server().archive().archive()->flush(),
             run({QStringLiteral("logs"), QStringLiteral("--app"), QString::number(live),
                  QStringLiteral("--since"), QStringLiteral("1h")})
                     .out.size() == 2),
            40000);
        QProcess *p =
            start({QStringLiteral("logs"), QStringLiteral("--app"), QString::number(live),
                   QStringLiteral("--since"), QStringLiteral("1h"), QStringLiteral("--grep"),
                   QStringLiteral("^keep"), QStringLiteral("--follow"), QStringLiteral("--count"),
                   QStringLiteral("3")});
        QByteArray seen;
        QVERIFY(QTest::qWaitFor(
            [&] {
                seen += p->readAllStandardOutput();
                return seen.contains("keep 1\n");
            },
            30000));
        QTest::qWait(1000); // the live socket is open by now, most likely; else it resumes
        bool ok = false;
        docker({QStringLiteral("exec"), container, QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("printf 'drop 2\\nkeep 2\\ndrop 3\\nkeep 3\\nkeep 4\\n' >/tmp/say")},
               &ok);
        QVERIFY(ok);
        Run r = finish(p);
        r.out = (QString::fromUtf8(seen) + r.out.join(u'\n')).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.out, (QStringList{QStringLiteral("keep 1"), QStringLiteral("keep 2"),
                                     QStringLiteral("keep 3")}));
    }
};

QTEST_MAIN(TestLogsHistory)
#include "tst_logshistory.moc"
