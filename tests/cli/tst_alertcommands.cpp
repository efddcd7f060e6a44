// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor alert rule add|list|rm and alert channel add|list|rm|test
// against a real server (local through server.json, and --url), with every
// bad option's exact message, secrets read from stdin and never printed, and
// a test message to a real receiver.

#include "AlertReceiver.h"
#include "Dispatch.h"
#include "TestSupport.h"

#include "alerts/AlertFormats.h"

#include <QBuffer>
#include <QTemporaryDir>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
struct Run {
    int code = -1;
    QString out;
    QString err;
};
} // namespace

class TestAlertCommands : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    std::unique_ptr<ServerFixture> f;

    QString dataDir() const { return dir.filePath(QStringLiteral("data")); }
    Run cli(QStringList args, const QByteArray &stdinText = {}, bool local = true) {
        Run r;
        QTextStream out(&r.out), err(&r.err);
        QBuffer in;
        in.setData(stdinText);
        in.open(QIODevice::ReadOnly);
        if (local)
            args << QStringLiteral("--data-dir") << dataDir();
        r.code = cli::runCommand(args, cli::CommandIo{out, err, in, QString()});
        out.flush();
        err.flush();
        return r;
    }

private slots:
    void initTestCase() {
        server::ServerConfig config;
        config.dataDir = dataDir();
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
    }

    void badOptions_data();
    void badOptions();
    void rules();
    void channels();
    void remote();
};

void TestAlertCommands::badOptions_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("stdinText");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("error");
    const QStringList add = {"alert", "rule", "add", "--name", "r", "--kind", "metric"};
    const QStringList metric = add + QStringList{"--field", "cpu.usage", "--op", ">"};
    const QStringList ch = {"alert", "channel", "add", "--name", "c"};
    // clang-format off
    QTest::newRow("no name") << QStringList{"alert", "rule", "add", "--kind", "metric"} << QByteArray() << 2 << "alert rule add needs --name and --kind";
    QTest::newRow("no kind") << QStringList{"alert", "rule", "add", "--name", "x"} << QByteArray() << 2 << "alert rule add needs --name and --kind";
    QTest::newRow("name twice") << add + QStringList{"--name", "s"} << QByteArray() << 2 << "--name given twice";
    QTest::newRow("threshold not a number") << metric + QStringList{"--threshold", "abc"} << QByteArray() << 2 << "invalid --threshold \"abc\" (expected a number)";
    QTest::newRow("threshold nan") << metric + QStringList{"--threshold", "nan"} << QByteArray() << 2 << "invalid --threshold \"nan\" (expected a number)";
    QTest::newRow("threshold inf") << metric + QStringList{"--threshold", "inf"} << QByteArray() << 2 << "invalid --threshold \"inf\" (expected a number)";
    QTest::newRow("for fraction") << metric + QStringList{"--threshold", "1", "--for", "1.5"} << QByteArray() << 2 << "invalid --for \"1.5\" (expected a whole number)";
    QTest::newRow("app word") << metric + QStringList{"--app", "web"} << QByteArray() << 2 << "invalid --app \"web\" (expected a whole number)";
    QTest::newRow("channel word") << metric + QStringList{"--threshold", "1", "--channel", "x"} << QByteArray() << 2 << "--channel wants a positive id";
    QTest::newRow("channel zero") << metric + QStringList{"--threshold", "1", "--channel", "0"} << QByteArray() << 2 << "--channel wants a positive id";
    QTest::newRow("op refused by the server") << add + QStringList{"--field", "cpu.usage", "--op", ">=", "--threshold", "1"} << QByteArray() << 2 << "cannot add rule: Invalid op";
    QTest::newRow("negative for") << metric + QStringList{"--threshold", "1", "--for", "-5"} << QByteArray() << 2 << "cannot add rule: Invalid forSeconds";
    QTest::newRow("pattern does not compile") << QStringList{"alert", "rule", "add", "--name", "l", "--kind", "log", "--app", "1", "--pattern", "(("} << QByteArray() << 2 << "cannot add rule: Invalid pattern";
    QTest::newRow("unknown kind") << QStringList{"alert", "rule", "add", "--name", "l", "--kind", "logs"} << QByteArray() << 2 << "cannot add rule: Invalid kind";
    QTest::newRow("unknown channel") << metric + QStringList{"--threshold", "1", "--channel", "999"} << QByteArray() << 2 << "cannot add rule: Invalid channels";
    QTest::newRow("unknown option") << add + QStringList{"--colour", "red"} << QByteArray() << 2 << "Unknown option 'colour'.";
    QTest::newRow("stray word") << add + QStringList{"extra"} << QByteArray() << 2 << "unexpected argument 'extra'";
    QTest::newRow("rule rm no id") << QStringList{"alert", "rule", "rm"} << QByteArray() << 2 << "--id wants a positive id";
    QTest::newRow("rule rm id zero") << QStringList{"alert", "rule", "rm", "--id", "0"} << QByteArray() << 2 << "--id wants a positive id";
    QTest::newRow("rule rm id twice") << QStringList{"alert", "rule", "rm", "--id", "1", "--id", "2"} << QByteArray() << 2 << "--id wants a positive id";
    QTest::newRow("rule rm unknown") << QStringList{"alert", "rule", "rm", "--id", "424242"} << QByteArray() << 1 << "cannot delete rule 424242: Rule not found";
    QTest::newRow("channel no kind") << ch << QByteArray() << 2 << "alert channel add needs --name and --kind";
    QTest::newRow("channel url twice") << ch + QStringList{"--kind", "ntfy", "--target", "http://a/t", "--target", "http://b/t"} << QByteArray() << 2 << "--target given twice";
    QTest::newRow("from on ntfy") << ch + QStringList{"--kind", "ntfy", "--target", "http://a/t", "--from", "a@b"} << QByteArray() << 2 << "--from applies only to --kind email";
    QTest::newRow("starttls on slack") << ch + QStringList{"--kind", "slack", "--target", "http://a/t", "--starttls"} << QByteArray() << 2 << "--starttls applies only to --kind email";
    QTest::newRow("url on email") << ch + QStringList{"--kind", "email", "--target", "http://a/t"} << QByteArray() << 2 << "--target does not apply to --kind email (use --smtp-url)";
    QTest::newRow("secret on discord") << ch + QStringList{"--kind", "discord", "--target", "http://a/t", "--secret-stdin"} << QByteArray("s\n") << 2 << "--secret-stdin applies only to --kind webhook";
    QTest::newRow("secret stdin empty") << ch + QStringList{"--kind", "webhook", "--target", "http://a/t", "--secret-stdin"} << QByteArray() << 2 << "--secret-stdin read no line from standard input";
    QTest::newRow("password stdin empty") << ch + QStringList{"--kind", "email", "--smtp-url", "smtp://h", "--from", "a@b", "--to", "c@d", "--smtp-password-stdin"} << QByteArray("\n") << 2 << "--smtp-password-stdin read no line from standard input";
    QTest::newRow("url ftp") << ch + QStringList{"--kind", "webhook", "--target", "ftp://a/t"} << QByteArray() << 2 << "cannot add channel: Invalid url";
    QTest::newRow("url missing") << ch + QStringList{"--kind", "webhook"} << QByteArray() << 2 << "cannot add channel: Invalid url";
    QTest::newRow("smtp url newline") << ch + QStringList{"--kind", "email", "--smtp-url", "smtp://h\r\nQUIT", "--from", "a@b", "--to", "c@d"} << QByteArray() << 2 << "cannot add channel: Invalid smtp.url";
    QTest::newRow("to missing") << ch + QStringList{"--kind", "email", "--smtp-url", "smtp://h", "--from", "a@b"} << QByteArray() << 2 << "cannot add channel: Invalid smtp.to";
    QTest::newRow("test no id") << QStringList{"alert", "channel", "test"} << QByteArray() << 2 << "--id wants a positive id";
    QTest::newRow("test unknown") << QStringList{"alert", "channel", "test", "--id", "31337"} << QByteArray() << 1 << "cannot test channel 31337: Channel not found";
    QTest::newRow("channel rm unknown") << QStringList{"alert", "channel", "rm", "--id", "31337"} << QByteArray() << 1 << "cannot delete channel 31337: Channel not found";
    QTest::newRow("group") << QStringList{"alert", "rule"} << QByteArray() << 2 << "";
    // clang-format on
}

void TestAlertCommands::badOptions() {
    QFETCH(QStringList, args);
    QFETCH(QByteArray, stdinText);
    QFETCH(int, code);
    QFETCH(QString, error);
    const Run r = cli(args, stdinText);
    QCOMPARE(r.code, code);
    if (!error.isEmpty())
        QCOMPARE(r.err, QStringLiteral("mist-monitor: %1\n").arg(error));
    QVERIFY(r.out.isEmpty());
}

void TestAlertCommands::rules() {
    const Run added = cli({"alert", "rule", "add", "--name", "cpu high", "--kind", "metric",
                           "--field", "cpu.usage", "--op", ">", "--threshold", "90.5", "--for",
                           "60", "--severity", "critical"});
    QCOMPARE(added.code, 0);
    const QString id = added.out.trimmed();
    QCOMPARE(added.err, QStringLiteral("mist-monitor: added rule %1\n").arg(id));
    const Run event =
        cli({"alert", "rule", "add", "--name", "loop", "--kind", "event", "--event", "restart_loop",
             "--restarts", "3", "--within", "120", "--cooldown", "0"});
    QCOMPARE(event.code, 0);
    const Run list = cli({"alert", "rule", "list"});
    QCOMPARE(list.code, 0);
    QCOMPARE(list.out, QStringLiteral("%1\tcpu high\tmetric\thost\tcpu.usage > 90.5 for 60s\t"
                                      "critical\t300\t\n%2\tloop\tevent\thost\trestart_loop 3 "
                                      "within 120s\twarning\t0\t\n")
                           .arg(id, event.out.trimmed()));
    QCOMPARE(cli({"alert", "rule", "rm", "--id", id}).code, 0);
    QCOMPARE(cli({"alert", "rule", "rm", "--id", id}).err,
             QStringLiteral("mist-monitor: cannot delete rule %1: Rule not found\n").arg(id));
    QCOMPARE(cli({"alert", "rule", "rm", "--id", event.out.trimmed()}).code, 0);
    QCOMPARE(cli({"alert", "rule", "list"}).out, QString());
}

void TestAlertCommands::channels() {
    AlertReceiver receiver;
    QVERIFY(receiver.listen());
    const QByteArray secret = "cli-secret-never-printed";
    const Run added = cli({"alert", "channel", "add", "--name", "hook", "--kind", "webhook",
                           "--target", receiver.url(QStringLiteral("/h")), "--secret-stdin"},
                          secret + "\n");
    QCOMPARE(added.code, 0);
    const QString id = added.out.trimmed();
    const Run mail =
        cli({"alert", "channel", "add", "--name", "mail", "--kind", "email", "--smtp-url",
             "smtp://127.0.0.1:2525", "--smtp-user", "u", "--from", "m@example.com", "--to",
             "a@example.com", "--to", "b@example.com", "--starttls", "--smtp-password-stdin"},
            "smtp-pass-never-printed\n");
    QCOMPARE(mail.code, 0);
    const Run list = cli({"alert", "channel", "list"});
    QCOMPARE(list.out,
             QStringLiteral("%1\thook\twebhook\t%2\tsecret set\n%3\tmail\temail\t"
                            "smtp://127.0.0.1:2525 -> a@example.com,b@example.com\tsecret set\n")
                 .arg(id, receiver.url(QStringLiteral("/h")), mail.out.trimmed()));
    for (const Run &r : {added, mail, list}) {
        QVERIFY(!(r.out + r.err).contains(QString::fromUtf8(secret)));
        QVERIFY(!(r.out + r.err).contains(QStringLiteral("smtp-pass-never-printed")));
    }
    const Run tested = cli({"alert", "channel", "test", "--id", id});
    QCOMPARE(tested.code, 0);
    QCOMPARE(tested.err,
             QStringLiteral("mist-monitor: test message delivered to channel %1\n").arg(id));
    QCOMPARE(receiver.requests.size(), 1);
    QCOMPARE(receiver.requests[0].headers.value("x-mist-signature"),
             alerts::signature(receiver.requests[0].body, QString::fromUtf8(secret)));
    receiver.status = 503;
    QCOMPARE(cli({"alert", "channel", "test", "--id", id}).err,
             QStringLiteral("mist-monitor: cannot test channel %1: Test message not delivered: "
                            "HTTP 503\n")
                 .arg(id));
    QCOMPARE(cli({"alert", "channel", "rm", "--id", id}).code, 0);
    QCOMPARE(cli({"alert", "channel", "rm", "--id", mail.out.trimmed()}).code, 0);
    QCOMPARE(cli({"alert", "channel", "list"}).out, QString());
}

// --url with --password-stdin: the password's line first, then the secret's.
void TestAlertCommands::remote() {
    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(f->port());
    const Run added = cli({"alert", "channel", "add", "--name", "hook", "--kind", "webhook",
                           "--target", "http://127.0.0.1:9/x", "--secret-stdin", "--url", url,
                           "--email", "owner@example.com", "--password-stdin"},
                          "correct horse battery\nremote-secret\n", false);
    QCOMPARE(added.code, 0);
    const auto stored = f->store().alerts().channel(added.out.trimmed().toLongLong());
    QVERIFY(stored && *stored);
    QCOMPARE((*stored)->secret, QStringLiteral("remote-secret"));
    const Run list = cli(
        {"alert", "rule", "list", "--url", url, "--email", "owner@example.com", "--password-stdin"},
        "correct horse battery\n", false);
    QCOMPARE(list.code, 0);
    QCOMPARE(cli({"alert", "channel", "rm", "--id", added.out.trimmed(), "--url", url, "--email",
                  "owner@example.com", "--password-stdin"},
                 "correct horse battery\n", false)
                 .code,
             0);
    const Run wrong = cli(
        {"alert", "rule", "list", "--url", url, "--email", "owner@example.com", "--password-stdin"},
        "wrong password\n", false);
    QCOMPARE(wrong.code, 1);
}

QTEST_MAIN(TestAlertCommands)
#include "tst_alertcommands.moc"
