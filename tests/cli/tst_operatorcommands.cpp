// SPDX-License-Identifier: GPL-3.0-or-later

#include "OperatorCommands.h"

#include "store/Store.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using mist::cli::runOperatorCommand;
using namespace mist::store;

namespace {

struct Result {
    int code = -1;
    QString out;
    QString err;
};

} // namespace

class TestOperatorCommands : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void isOperatorCommand_data();
    void isOperatorCommand();
    void userAdd();
    void userAddStripsLineEnding_data();
    void userAddStripsLineEnding();
    void appAddContainer();
    void appAddGit();
    void projectAddMember();
    void lists();
    void help();
    void defaultDataDir();
    void errors_data();
    void errors();

private:
    // "{dir}" in args stands for the temporary directory; --data-dir {dir}/data
    // is added unless the args name a data directory themselves.
    Result run(QStringList args, const QByteArray &input = QByteArray(),
               const QString &defaultDataDir = QString());
    QString dataDir() const { return m_dir->path() + QStringLiteral("/data"); }
    std::unique_ptr<Store> openStore();

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestOperatorCommands::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestOperatorCommands::cleanup() {
    m_dir.reset();
}

Result TestOperatorCommands::run(QStringList args, const QByteArray &input,
                                 const QString &defaultDataDir) {
    for (QString &arg : args)
        arg.replace(QStringLiteral("{dir}"), m_dir->path());
    if (!args.contains(QStringLiteral("--data-dir")) && defaultDataDir.isNull())
        args << QStringLiteral("--data-dir") << dataDir();

    QByteArray inBytes = input;
    QBuffer in(&inBytes);
    in.open(QIODevice::ReadOnly);
    QString out;
    QString err;
    QTextStream outStream(&out);
    QTextStream errStream(&err);
    Result result;
    result.code = runOperatorCommand(args, outStream, errStream, in, defaultDataDir);
    result.out = out;
    result.err = err;
    return result;
}

std::unique_ptr<Store> TestOperatorCommands::openStore() {
    auto store = std::make_unique<Store>();
    store->users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
    if (const auto opened = store->open(dataDir()); !opened)
        qFatal("cannot open the store: %s", qPrintable(opened.error()));
    return store;
}

void TestOperatorCommands::isOperatorCommand_data() {
    QTest::addColumn<QString>("word");
    QTest::addColumn<bool>("expected");

    QTest::newRow("user") << "user" << true;
    QTest::newRow("app") << "app" << true;
    QTest::newRow("project") << "project" << true;
    QTest::newRow("--server") << "--server" << false;
    QTest::newRow("users") << "users" << false;
    QTest::newRow("User") << "User" << false;
    QTest::newRow("empty") << "" << false;
}

void TestOperatorCommands::isOperatorCommand() {
    QFETCH(QString, word);
    QFETCH(bool, expected);
    QCOMPARE(mist::cli::isOperatorCommand(word), expected);
}

void TestOperatorCommands::userAdd() {
    const Result result =
        run({"user", "add", "--email", "Owner@Example.com", "--role", "owner", "--password-stdin"},
            "correct horse battery staple\n");
    QCOMPARE(result.code, 0);
    QCOMPARE(result.out, QString());
    QVERIFY2(result.err.startsWith("mist-monitor: added owner owner@example.com"),
             qPrintable(result.err));

    auto store = openStore();
    const auto user =
        store->users().authenticate("owner@example.com", "correct horse battery staple").value();
    QVERIFY(user);
    QCOMPARE(user->role, Role::Owner);
}

void TestOperatorCommands::userAddStripsLineEnding_data() {
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("LF") << QByteArray("pass word 1\n");
    QTest::newRow("CRLF") << QByteArray("pass word 1\r\n");
    QTest::newRow("no line ending") << QByteArray("pass word 1");
    QTest::newRow("only the first line") << QByteArray("pass word 1\nsecond line\n");
}

void TestOperatorCommands::userAddStripsLineEnding() {
    QFETCH(QByteArray, input);

    const Result result = run(
        {"user", "add", "--email", "u@example.com", "--role", "user", "--password-stdin"}, input);
    QCOMPARE(result.code, 0);
    auto store = openStore();
    QVERIFY(store->users().authenticate("u@example.com", "pass word 1").value());
}

void TestOperatorCommands::appAddContainer() {
    const Result first = run({"app", "add", "--name", "web", "--container", "mist-app-1"});
    QCOMPARE(first.code, 0);
    QVERIFY2(QRegularExpression("^[1-9][0-9]*\\n$").match(first.out).hasMatch(),
             qPrintable(first.out));
    QVERIFY(first.err.startsWith("mist-monitor: "));

    const Result second = run({"app", "add", "--name", "db", "--container", "postgres"});
    QCOMPARE(second.code, 0);
    QVERIFY(second.out.trimmed().toLongLong() > first.out.trimmed().toLongLong());

    auto store = openStore();
    const auto app = store->apps().byId(first.out.trimmed().toLongLong()).value();
    QVERIFY(app);
    QCOMPARE(app->name, QStringLiteral("web"));
    QCOMPARE(app->containerName, QStringLiteral("mist-app-1"));
    QCOMPARE(app->projectName, QStringLiteral("default"));
}

void TestOperatorCommands::appAddGit() {
    const Result result = run({"app", "add", "--name", "api", "--project", "backend", "--git",
                               "https://github.com/example/api.git", "--branch", "develop",
                               "--dockerfile", "docker/Dockerfile", "--port", "8080"});
    QCOMPARE(result.code, 0);
    QVERIFY2(QRegularExpression("^[0-9]+\\n$").match(result.out).hasMatch(),
             qPrintable(result.out));

    auto store = openStore();
    const auto app = store->apps().byId(result.out.trimmed().toLongLong()).value();
    QVERIFY(app);
    QCOMPARE(app->projectName, QStringLiteral("backend"));
    QCOMPARE(app->gitUrl, QStringLiteral("https://github.com/example/api.git"));
    QCOMPARE(app->gitBranch, QStringLiteral("develop"));
    QCOMPARE(app->dockerfile, QStringLiteral("docker/Dockerfile"));
    QCOMPARE(app->port, 8080);

    const Result defaults = run({"app", "add", "--name", "worker", "--git", "/srv/git/worker.git"});
    QCOMPARE(defaults.code, 0);
    const auto worker = store->apps().byId(defaults.out.trimmed().toLongLong()).value();
    QVERIFY(worker);
    QCOMPARE(worker->gitBranch, QStringLiteral("main"));
    QCOMPARE(worker->dockerfile, QStringLiteral("Dockerfile"));
    QCOMPARE(worker->port, 0);
    QCOMPARE(worker->projectName, QStringLiteral("default"));
}

void TestOperatorCommands::projectAddMember() {
    QCOMPARE(
        run({"user", "add", "--email", "dev@example.com", "--role", "user", "--password-stdin"},
            "developer password\n")
            .code,
        0);
    QCOMPARE(
        run({"app", "add", "--name", "web", "--project", "team a", "--container", "web-1"}).code,
        0);
    QCOMPARE(run({"app", "add", "--name", "other", "--container", "other-1"}).code, 0);

    const Result result =
        run({"project", "add-member", "--project", "team a", "--email", "DEV@example.com"});
    QCOMPARE(result.code, 0);
    QCOMPARE(result.out, QString());
    QVERIFY2(result.err.contains("dev@example.com is a member of project team a"),
             qPrintable(result.err));
    QCOMPARE(
        run({"project", "add-member", "--project", "team a", "--email", "dev@example.com"}).code,
        0); // idempotent

    auto store = openStore();
    const auto user = store->users().byEmail("dev@example.com").value();
    QVERIFY(user);
    const QList<App> visible = store->apps().visibleTo(*user).value();
    QCOMPARE(visible.size(), 1);
    QCOMPARE(visible.first().name, QStringLiteral("web"));
}

void TestOperatorCommands::lists() {
    QCOMPARE(run({"user", "add", "--email", "a@example.com", "--role", "admin", "--password-stdin"},
                 "admin password\n")
                 .code,
             0);
    QCOMPARE(run({"app", "add", "--name", "web", "--container", "web-1"}).code, 0);
    QCOMPARE(
        run({"app", "add", "--name", "api", "--git", "https://example.com/api.git", "--port", "80"})
            .code,
        0);
    QCOMPARE(run({"app", "add", "--name", "workers", "--service", "queue-workers"}).code, 0);
    QCOMPARE(run({"app", "add", "--name", "site", "--git", "https://example.com/site.git",
                  "--replicas", "3"})
                 .code,
             0);

    const Result users = run({"user", "list"});
    QCOMPARE(users.code, 0);
    QCOMPARE(users.out, QStringLiteral("1\ta@example.com\tadmin\n"));

    const Result apps = run({"app", "list"});
    QCOMPARE(apps.code, 0);
    QCOMPARE(apps.out, QStringLiteral("1\tdefault\tweb\tweb-1\t\t\t\t\t\n"
                                      "2\tdefault\tapi\t\thttps://example.com/api.git\tmain\t"
                                      "Dockerfile\t80\t\n"
                                      "3\tdefault\tworkers\t\t\t\t\t\tqueue-workers\n"
                                      "4\tdefault\tsite\t\thttps://example.com/site.git\tmain\t"
                                      "Dockerfile\t0\tapp-4\n"));
}

void TestOperatorCommands::help() {
    const Result group = run({"app", "--help"});
    QCOMPARE(group.code, 0);
    QVERIFY(group.out.contains("mist-monitor app add --name N"));
    QVERIFY(group.out.contains("mist-monitor app list"));

    const Result command = run({"user", "add", "--help"});
    QCOMPARE(command.code, 0);
    QVERIFY(command.out.contains("--password-stdin"));
    QVERIFY(!QDir(dataDir()).exists()); // help touches nothing
}

void TestOperatorCommands::defaultDataDir() {
    const Result result =
        run({"app", "add", "--name", "web", "--container", "web-1"}, QByteArray(), dataDir());
    QCOMPARE(result.code, 0);
    QVERIFY(QFile::exists(dataDir() + "/mist.db"));
}

void TestOperatorCommands::errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("setup");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");

    const QByteArray pw = "a good password\n";
    const QStringList userAdd = {"user",   "add",  "--email",         "a@example.com",
                                 "--role", "user", "--password-stdin"};
    const QStringList appAdd = {"app", "add", "--name", "web"};

    // Usage errors (2): the command as written can never succeed.
    QTest::newRow("missing --email")
        << QStringList{"user", "add", "--role", "owner", "--password-stdin"} << pw << "" << 2
        << "missing --email";
    QTest::newRow("missing --role")
        << QStringList{"user", "add", "--email", "a@example.com", "--password-stdin"} << pw << ""
        << 2 << "missing --role";
    QTest::newRow("bad role") << QStringList{"user",   "add",  "--email",         "a@example.com",
                                             "--role", "root", "--password-stdin"}
                              << pw << "" << 2 << "invalid role \"root\"";
    QTest::newRow("no --password-stdin")
        << QStringList{"user", "add", "--email", "a@example.com", "--role", "user"} << pw << "" << 2
        << "missing --password-stdin";
    QTest::newRow("no password on stdin")
        << userAdd << QByteArray() << "" << 2 << "no password on standard input";
    QTest::newRow("empty line on stdin")
        << userAdd << QByteArray("\n") << "" << 2 << "no password on standard input";
    QTest::newRow("short password")
        << userAdd << QByteArray("short\n") << "" << 2 << "password must be 8 to 1024 bytes";
    QTest::newRow("bad email") << QStringList{"user",   "add",  "--email",         "nope",
                                              "--role", "user", "--password-stdin"}
                               << pw << "" << 2 << "exactly one '@'";
    QTest::newRow("duplicate option")
        << QStringList{"user",          "add",    "--email", "a@example.com",   "--email",
                       "b@example.com", "--role", "user",    "--password-stdin"}
        << pw << "" << 2 << "--email given more than once";
    QTest::newRow("empty value") << QStringList{"app", "add", "--name", "", "--container", "c1"}
                                 << QByteArray() << "" << 2 << "--name needs a non-empty value";
    QTest::newRow("missing value")
        << QStringList{"app", "add", "--data-dir", "{dir}/data", "--container", "c1", "--name"}
        << QByteArray() << "" << 2 << "Missing value after '--name'";
    QTest::newRow("unknown option") << QStringList{"user", "add", "--emial", "a@example.com"} << pw
                                    << "" << 2 << "Unknown option 'emial'";
    QTest::newRow("unexpected argument")
        << appAdd + QStringList{"--container", "c1", "extra"} << QByteArray() << "" << 2
        << "unexpected argument \"extra\"";
    QTest::newRow("unknown subcommand") << QStringList{"user", "frob"} << QByteArray() << "" << 2
                                        << "unknown subcommand \"user frob\"";
    QTest::newRow("missing subcommand") << QStringList{"project"} << QByteArray() << "" << 2
                                        << "missing subcommand (expected project add-member)";
    QTest::newRow("unknown command")
        << QStringList{"deploy"} << QByteArray() << "" << 2 << "unknown command \"deploy\"";
    QTest::newRow("both --container and --git")
        << appAdd + QStringList{"--container", "c1", "--git", "https://example.com/r.git"}
        << QByteArray() << "" << 2 << "--container, --service and --git exclude each other";
    QTest::newRow("both --service and --container")
        << appAdd + QStringList{"--service", "s1", "--container", "c1"} << QByteArray() << "" << 2
        << "--container, --service and --git exclude each other";
    QTest::newRow("--port with --service")
        << appAdd + QStringList{"--service", "s1", "--port", "80"} << QByteArray() << "" << 2
        << "--port applies only to --git apps";
    QTest::newRow("--replicas with --container")
        << appAdd + QStringList{"--container", "c1", "--replicas", "2"} << QByteArray() << "" << 2
        << "--replicas applies only to --git apps";
    QTest::newRow("--replicas too many")
        << appAdd + QStringList{"--git", "https://example.com/r.git", "--replicas", "1001"}
        << QByteArray() << "" << 2 << "invalid replicas \"1001\" (expected 0 to 1000)";
    QTest::newRow("--replicas not a number")
        << appAdd + QStringList{"--git", "https://example.com/r.git", "--replicas", "-3"}
        << QByteArray() << "" << 2 << "invalid replicas \"-3\" (expected 0 to 1000)";
    QTest::newRow("bad --service name") << appAdd + QStringList{"--service", "-s1"} << QByteArray()
                                        << "" << 2 << "invalid service name";
    QTest::newRow("neither --container nor --git")
        << appAdd << QByteArray() << "" << 2
        << "missing --container NAME, --service NAME or --git URL";
    QTest::newRow("missing --name") << QStringList{"app", "add", "--container", "c1"}
                                    << QByteArray() << "" << 2 << "missing --name";
    QTest::newRow("--branch with --container")
        << appAdd + QStringList{"--container", "c1", "--branch", "dev"} << QByteArray() << "" << 2
        << "--branch applies only to --git apps";
    QTest::newRow("port 70000") << appAdd + QStringList{"--git", "https://example.com/r.git",
                                                        "--port", "70000"}
                                << QByteArray() << "" << 2 << "invalid port \"70000\"";
    QTest::newRow("port abc") << appAdd + QStringList{"--git", "https://example.com/r.git",
                                                      "--port", "abc"}
                              << QByteArray() << "" << 2 << "invalid port \"abc\"";
    QTest::newRow("port -1") << appAdd + QStringList{"--git", "https://example.com/r.git", "--port",
                                                     "-1"}
                             << QByteArray() << "" << 2 << "invalid port \"-1\"";
    QTest::newRow("bad app name") << QStringList{"app",         "add",
                                                 "--name",      "x'; DROP TABLE apps;--",
                                                 "--container", "c1"}
                                  << QByteArray() << "" << 2 << "app name";
    QTest::newRow("git option injection")
        << appAdd + QStringList{"--git=--upload-pack=touch /tmp/pwned"} << QByteArray() << "" << 2
        << "git URL";
    QTest::newRow("bad project name")
        << QStringList{"project", "add-member", "--project", "a/b", "--email", "a@example.com"}
        << QByteArray() << "" << 2 << "project name";
    QTest::newRow("no data directory") << QStringList{"user", "list", "--data-dir", ""}
                                       << QByteArray() << "" << 2 << "--data-dir needs";

    // Runtime errors (1): valid, but not possible here and now.
    QTest::newRow("duplicate user")
        << userAdd << pw << "user" << 1 << "a user with this email already exists";
    QTest::newRow("duplicate app")
        << appAdd + QStringList{"--container", "c2"} << QByteArray() << "app" << 1
        << "an app named web already exists in project default";
    QTest::newRow("data dir is a file") << appAdd + QStringList{"--container", "c1"} << QByteArray()
                                        << "file" << 1 << "is not a directory";
    QTest::newRow("data dir parent is a file")
        << appAdd + QStringList{"--container", "c1", "--data-dir", "{dir}/data/sub"} << QByteArray()
        << "file" << 1 << "cannot create data directory";
    QTest::newRow("no such project")
        << QStringList{"project", "add-member", "--project", "nope", "--email", "a@example.com"}
        << QByteArray() << "user" << 1 << "no such project \"nope\"";
    QTest::newRow("no such user") << QStringList{"project", "add-member", "--project",
                                                 "default", "--email",    "b@example.com"}
                                  << QByteArray() << "app" << 1 << "no such user \"b@example.com\"";
}

void TestOperatorCommands::errors() {
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QString, setup);
    QFETCH(int, code);
    QFETCH(QString, message);

    if (setup == "user" || setup == "app") {
        auto store = openStore();
        QString error;
        error = store->users().add("a@example.com", Role::User, "a good password").error();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        App app;
        app.name = "web";
        app.containerName = "c1";
        QVERIFY(setup != "app" || store->apps().add(app));
    } else if (setup == "file") {
        QFile file(dataDir());
        QVERIFY(file.open(QIODevice::WriteOnly));
    }

    const Result result = run(args, input);
    QCOMPARE(result.code, code);
    QCOMPARE(result.out, QString());
    QVERIFY2(result.err.startsWith("mist-monitor: "), qPrintable(result.err));
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QCOMPARE(result.err.count('\n'), 1); // one line
    if (code == 2 && setup.isEmpty())
        QVERIFY2(!QFileInfo::exists(dataDir()), "a usage error must not touch the data directory");
}

QTEST_GUILESS_MAIN(TestOperatorCommands)
#include "tst_operatorcommands.moc"
