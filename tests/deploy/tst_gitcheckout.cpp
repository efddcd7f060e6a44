// SPDX-License-Identifier: GPL-3.0-or-later

// GitCheckout against the real git executable and real repositories made in a temporary
// directory: no mocks. Needs `git` on PATH; no network (remote failures use 127.0.0.1:1).
#include "deploy/GitCheckout.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <memory>

using mist::deploy::CommitInfo;
using mist::deploy::GitCheckout;

namespace {

constexpr int kCloneWaitMs = 120000;

struct GitRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Identity and signing come from -c so that the user's global configuration is neither needed
// nor touched.
GitRun git(const QStringList &args, const QString &workingDirectory = {}) {
    QProcess p;
    if (!workingDirectory.isEmpty())
        p.setWorkingDirectory(workingDirectory);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    p.setProcessEnvironment(env);
    const QStringList identity = {
        QStringLiteral("-c"), QStringLiteral("user.name=Alice Example"),
        QStringLiteral("-c"), QStringLiteral("user.email=alice@example.com"),
        QStringLiteral("-c"), QStringLiteral("commit.gpgsign=false")};
    p.start(QStringLiteral("git"), identity + args);
    if (!p.waitForFinished(kCloneWaitMs))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QString gitOut(const QStringList &args, const QString &workingDirectory = {}) {
    return QString::fromUtf8(git(args, workingDirectory).out).trimmed();
}

bool writeFile(const QString &path, const QByteArray &content) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size();
}

QString readFile(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QString fileUrl(const QString &path) {
    return QStringLiteral("file://") + path;
}

// Processes (other than zombies) working in or naming one of `paths`: what a killed clone must
// not leave behind (git's helpers: upload-pack, pack-objects, index-pack).
QStringList processesTouching(const QStringList &paths) {
    QStringList found;
    const auto pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        bool numeric = false;
        pid.toLongLong(&numeric);
        if (!numeric || pid.toLongLong() == QCoreApplication::applicationPid())
            continue;
        const QString cwd = QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pid)).symLinkTarget();
        QFile cmdFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        const QString cmdline = cmdFile.open(QIODevice::ReadOnly)
                                    ? QString::fromUtf8(cmdFile.readAll().replace('\0', ' '))
                                    : QString();
        QStringList open = {cwd};
        const QString fdDir = QStringLiteral("/proc/%1/fd").arg(pid);
        for (const QString &fd : QDir(fdDir).entryList(QDir::AllEntries | QDir::System))
            open << QFileInfo(fdDir + QLatin1Char('/') + fd).symLinkTarget();
        for (const QString &path : paths) {
            const bool usesPath = cmdline.contains(path) ||
                                  std::any_of(open.cbegin(), open.cend(), [&](const QString &f) {
                                      return !f.isEmpty() && f.startsWith(path);
                                  });
            if (usesPath)
                found << QStringLiteral("%1: %2").arg(pid, cmdline);
        }
    }
    return found;
}

struct Outcome {
    bool ok = false;
    QString message;
    bool directoryExistedAtFinish = false;
    int finishedCount = 0;
};

// Runs a clone to its end; also records whether the directory was already gone when finished()
// came, which is what a caller relies on.
Outcome runClone(GitCheckout &checkout, const QString &url, const QString &branch,
                 const QString &directory) {
    Outcome outcome;
    const auto connection = QObject::connect(
        &checkout, &GitCheckout::finished, &checkout, [&](bool ok, const QString &message) {
            outcome.ok = ok;
            outcome.message = message;
            outcome.directoryExistedAtFinish = QFileInfo::exists(directory);
            ++outcome.finishedCount;
        });
    checkout.start(url, branch, directory);
    if (!QTest::qWaitFor([&] { return outcome.finishedCount > 0; }, kCloneWaitMs))
        qWarning("clone did not finish in time");
    QTest::qWait(50); // a second finished() would show up here
    QObject::disconnect(connection);
    return outcome;
}

} // namespace

class TestGitCheckout : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void cloneGivesFilesAndCommit_data();
    void cloneGivesFilesAndCommit();
    void cloneOtherBranch();
    void cloneIntoExistingEmptyDirectory();
    void failures_data();
    void failures();
    void failureKeepsExistingEmptyDirectory();
    void extTransportRunsNothing();
    void finishedIsNeverEmittedFromStart();
    void progressLines();
    void eventLoopKeepsRunning();
    void cancelMidClone();
    void cancelWhenIdleDoesNothing();
    void timeout();
    void destructorKillsGit();

    void describeCloneFailure_data();
    void describeCloneFailure();

private:
    QString path(const QString &name) const { return m_tmp.filePath(name); }
    // Waits for a progress line that proves the clone is transferring data.
    static bool waitForTransfer(GitCheckout &checkout);

    QTemporaryDir m_tmp;
    QString m_small;     // 3 commits on main, 1 more on "feature"
    QString m_smallHead; // main
    QString m_featureHead;
    QString m_large; // one commit of ~20 MB random data in 3000 files
};

void TestGitCheckout::initTestCase() {
    QVERIFY(m_tmp.isValid());
    QVERIFY2(git({QStringLiteral("--version")}).exitCode == 0, "git is not installed");

    m_small = path(QStringLiteral("small"));
    QCOMPARE(git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
                  QStringLiteral("main"), m_small})
                 .exitCode,
             0);
    const QStringList subjects = {QStringLiteral("First commit"), QStringLiteral("Second commit"),
                                  QStringLiteral("Third commit: add the app")};
    for (int i = 0; i < subjects.size(); ++i) {
        QVERIFY(writeFile(m_small + QStringLiteral("/README.md"),
                          QByteArray("# Demo\nversion ") + QByteArray::number(i + 1) + '\n'));
        QVERIFY(
            writeFile(m_small + QStringLiteral("/app/main.txt"), "app " + subjects[i].toUtf8()));
        QCOMPARE(git({QStringLiteral("add"), QStringLiteral("-A")}, m_small).exitCode, 0);
        // The last commit has a body and a different author than committer: the CommitInfo must
        // show the subject only, and the author.
        QStringList commit = {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
                              subjects[i]};
        if (i == subjects.size() - 1) {
            commit << QStringLiteral("-m") << QStringLiteral("Body line that is not the subject.")
                   << QStringLiteral("--author=Carol Coder <carol@example.com>");
        }
        QCOMPARE(git(commit, m_small).exitCode, 0);
    }
    m_smallHead = gitOut({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, m_small);
    // A tag on the cloned commit itself: git would fetch it without --no-tags.
    QCOMPARE(git({QStringLiteral("tag"), QStringLiteral("v1.0")}, m_small).exitCode, 0);

    QCOMPARE(git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"),
                  QStringLiteral("feature")},
                 m_small)
                 .exitCode,
             0);
    QVERIFY(writeFile(m_small + QStringLiteral("/feature.txt"), "feature\n"));
    QCOMPARE(git({QStringLiteral("add"), QStringLiteral("-A")}, m_small).exitCode, 0);
    QCOMPARE(git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
                  QStringLiteral("Feature work"),
                  QStringLiteral("--author=Bob Builder <bob@example.com>")},
                 m_small)
                 .exitCode,
             0);
    m_featureHead = gitOut({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, m_small);
    QCOMPARE(
        git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")}, m_small)
            .exitCode,
        0);

    // Big enough that a clone takes a while and reports progress in several steps.
    m_large = path(QStringLiteral("large"));
    QCOMPARE(git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
                  QStringLiteral("main"), m_large})
                 .exitCode,
             0);
    QRandomGenerator random(20250115);
    for (int d = 0; d < 30; ++d) {
        for (int f = 0; f < 100; ++f) {
            QByteArray data(7000, Qt::Uninitialized);
            random.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
            QVERIFY(writeFile(QStringLiteral("%1/d%2/f%3.bin").arg(m_large).arg(d).arg(f), data));
        }
    }
    // Level 0 only to make this setup fast; clones still compress with git's default.
    QCOMPARE(git({QStringLiteral("-c"), QStringLiteral("core.compression=0"), QStringLiteral("add"),
                  QStringLiteral("-A")},
                 m_large)
                 .exitCode,
             0);
    QCOMPARE(git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
                  QStringLiteral("Large")},
                 m_large)
                 .exitCode,
             0);
}

bool TestGitCheckout::waitForTransfer(GitCheckout &checkout) {
    bool transferring = false;
    const auto connection =
        QObject::connect(&checkout, &GitCheckout::progress, &checkout, [&](const QString &line) {
            if (line.startsWith(QLatin1String("Receiving objects")))
                transferring = true;
        });
    const bool seen = QTest::qWaitFor([&] { return transferring; }, kCloneWaitMs);
    QObject::disconnect(connection);
    return seen;
}

void TestGitCheckout::cloneGivesFilesAndCommit_data() {
    QTest::addColumn<bool>("asUrl");
    QTest::newRow("plain path") << false;
    QTest::newRow("file:// url") << true;
}

void TestGitCheckout::cloneGivesFilesAndCommit() {
    QFETCH(bool, asUrl);
    const QString target = path(QStringLiteral("clone-") + QString::number(asUrl));
    GitCheckout checkout;
    const Outcome outcome =
        runClone(checkout, asUrl ? fileUrl(m_small) : m_small, QStringLiteral("main"), target);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    QCOMPARE(outcome.message, QString());
    QCOMPARE(outcome.finishedCount, 1);

    QCOMPARE(readFile(target + QStringLiteral("/README.md")),
             QStringLiteral("# Demo\nversion 3\n"));
    QCOMPARE(readFile(target + QStringLiteral("/app/main.txt")),
             QStringLiteral("app Third commit: add the app"));
    QVERIFY(!QFileInfo::exists(target + QStringLiteral("/feature.txt")));

    const CommitInfo commit = checkout.commit();
    QVERIFY(commit.isValid());
    QCOMPARE(commit.hash, m_smallHead);
    QCOMPARE(commit.hash, gitOut({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, target));
    QCOMPARE(commit.message, QStringLiteral("Third commit: add the app"));
    QCOMPARE(commit.author, QStringLiteral("Carol Coder <carol@example.com>"));

    // Shallow, one branch, no tags, even though the source has 3 commits and 2 branches.
    QCOMPARE(gitOut({QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")},
                    m_small),
             QStringLiteral("3"));
    QCOMPARE(gitOut({QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")},
                    target),
             QStringLiteral("1"));
    QCOMPARE(
        gitOut({QStringLiteral("rev-parse"), QStringLiteral("--is-shallow-repository")}, target),
        QStringLiteral("true"));
    QCOMPARE(gitOut({QStringLiteral("for-each-ref"), QStringLiteral("--format=%(refname)"),
                     QStringLiteral("refs/remotes/"), QStringLiteral("refs/tags/")},
                    target),
             QStringLiteral("refs/remotes/origin/HEAD\nrefs/remotes/origin/main"));
}

void TestGitCheckout::cloneOtherBranch() {
    const QString target = path(QStringLiteral("clone-feature"));
    GitCheckout checkout;
    const Outcome outcome = runClone(checkout, fileUrl(m_small), QStringLiteral("feature"), target);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    QCOMPARE(readFile(target + QStringLiteral("/feature.txt")), QStringLiteral("feature\n"));
    QCOMPARE(checkout.commit().hash, m_featureHead);
    QCOMPARE(checkout.commit().message, QStringLiteral("Feature work"));
    QCOMPARE(checkout.commit().author, QStringLiteral("Bob Builder <bob@example.com>"));
    QCOMPARE(gitOut({QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")},
                    target),
             QStringLiteral("1"));
    QCOMPARE(gitOut({QStringLiteral("branch"), QStringLiteral("--show-current")}, target),
             QStringLiteral("feature"));
}

void TestGitCheckout::cloneIntoExistingEmptyDirectory() {
    const QString target = path(QStringLiteral("existing-empty"));
    QVERIFY(QDir().mkpath(target));
    GitCheckout checkout;
    const Outcome outcome = runClone(checkout, m_small, QStringLiteral("main"), target);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));
    QCOMPARE(checkout.commit().hash, m_smallHead);
}

void TestGitCheckout::failures_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QByteArray>("existingContent"); // "" none, "dir", "file", else a file in it
    QTest::addColumn<QString>("expected");

    const QString missing = path(QStringLiteral("does-not-exist"));
    const QString plain = path(QStringLiteral("plain-directory"));
    QDir().mkpath(plain);
    const auto target = [this](const char *name) {
        return path(QStringLiteral("failures/") + QLatin1String(name));
    };

    QTest::newRow("missing branch, path")
        << m_small << "nope" << target("b1") << QByteArray()
        << QStringLiteral("Branch 'nope' not found in %1").arg(m_small);
    QTest::newRow("missing branch, file url")
        << fileUrl(m_small) << "nope" << target("b2") << QByteArray()
        << QStringLiteral("Branch 'nope' not found in file://%1").arg(m_small);
    QTest::newRow("nonexistent path")
        << missing << "main" << target("n1") << QByteArray()
        << QStringLiteral("Repository not found or unreachable: %1").arg(missing);
    QTest::newRow("nonexistent file url")
        << fileUrl(missing) << "main" << target("n2") << QByteArray()
        << QStringLiteral("Repository not found or unreachable: file://%1").arg(missing);
    QTest::newRow("directory that is no repository")
        << plain << "main" << target("n3") << QByteArray()
        << QStringLiteral("Repository not found or unreachable: %1").arg(plain);
    QTest::newRow("connection refused")
        << "http://user:secret@127.0.0.1:1/app.git"
        << "main" << target("n4") << QByteArray()
        << QStringLiteral(
               "Repository not found or unreachable: http://user:***@127.0.0.1:1/app.git");
    QTest::newRow("url starting with -")
        << "--upload-pack=touch /tmp/x"
        << "main" << target("r1") << QByteArray()
        << QStringLiteral("Refusing repository URL starting with '-': --upload-pack=touch /tmp/x");
    QTest::newRow("ext transport")
        << "ext::sh -c id"
        << "main" << target("r2") << QByteArray()
        << QStringLiteral("Refusing repository URL with the 'ext' transport: ext::sh -c id");
    QTest::newRow("ext transport, the classic")
        << "ext::sh -c touch% /tmp/pwned"
        << "main" << target("r2b") << QByteArray()
        << QStringLiteral(
               "Refusing repository URL with the 'ext' transport: ext::sh -c touch% /tmp/pwned");
    QTest::newRow("EXT transport, upper case")
        << "EXT::sh -c id"
        << "main" << target("r3") << QByteArray()
        << QStringLiteral("Refusing repository URL with the 'ext' transport: EXT::sh -c id");
    QTest::newRow("fd transport") << "fd::0"
                                  << "main" << target("r4") << QByteArray()
                                  << QStringLiteral(
                                         "Refusing repository URL with the 'fd' transport: fd::0");
    QTest::newRow("control character in url")
        << m_small + QStringLiteral("\nx") << "main" << target("r5") << QByteArray()
        << QStringLiteral("Refusing repository URL with control characters");
    QTest::newRow("branch starting with -")
        << m_small << "--upload-pack=id" << target("r6") << QByteArray()
        << QStringLiteral("Invalid branch name: '--upload-pack=id'");
    QTest::newRow("empty url") << QString() << "main" << target("r7") << QByteArray()
                               << QStringLiteral("Repository URL is empty");
    QTest::newRow("empty branch") << m_small << QString() << target("r8") << QByteArray()
                                  << QStringLiteral("Branch name is empty");
    QTest::newRow("empty directory") << m_small << "main" << QString() << QByteArray()
                                     << QStringLiteral("No target directory given");
    QTest::newRow("target is a file")
        << m_small << "main" << target("t1") << QByteArray("file")
        << QStringLiteral("Target exists and is not a directory: %1").arg(target("t1"));
    QTest::newRow("target not empty")
        << m_small << "main" << target("t2") << QByteArray(".keep")
        << QStringLiteral("Target directory is not empty: %1").arg(target("t2"));
}

void TestGitCheckout::failures() {
    QFETCH(QString, url);
    QFETCH(QString, branch);
    QFETCH(QString, target);
    QFETCH(QByteArray, existingContent);
    QFETCH(QString, expected);

    QDir().mkpath(path(QStringLiteral("failures")));
    if (existingContent == "file")
        QVERIFY(writeFile(target, "precious"));
    else if (!existingContent.isEmpty())
        QVERIFY(writeFile(target + QLatin1Char('/') + QString::fromLatin1(existingContent),
                          "precious"));

    GitCheckout checkout;
    const Outcome outcome = runClone(checkout, url, branch, target);
    QCOMPARE(outcome.finishedCount, 1);
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.message, expected);
    QVERIFY(!checkout.commit().isValid());
    QVERIFY(!checkout.isRunning());

    if (existingContent == "file") {
        QCOMPARE(readFile(target), QStringLiteral("precious")); // refused, so left alone
    } else if (!existingContent.isEmpty()) {
        QCOMPARE(readFile(target + QLatin1Char('/') + QString::fromLatin1(existingContent)),
                 QStringLiteral("precious"));
    } else if (!target.isEmpty()) {
        QVERIFY(!outcome.directoryExistedAtFinish);
        QVERIFY(!QFileInfo::exists(target));
    }
}

void TestGitCheckout::failureKeepsExistingEmptyDirectory() {
    // The caller made the directory; only what git put into it goes.
    const QString target = path(QStringLiteral("existing-empty-failure"));
    QVERIFY(QDir().mkpath(target));
    GitCheckout checkout;
    const Outcome outcome = runClone(checkout, m_small, QStringLiteral("nope"), target);
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.message, QStringLiteral("Branch 'nope' not found in %1").arg(m_small));
    QVERIFY(QFileInfo(target).isDir());
    QVERIFY(QDir(target).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden));
}

void TestGitCheckout::extTransportRunsNothing() {
    const QString pwned = path(QStringLiteral("pwned"));
    const QString url = QStringLiteral("ext::sh -c touch% ") + pwned;
    const QString target = path(QStringLiteral("ext-target"));
    GitCheckout checkout;
    const Outcome outcome = runClone(checkout, url, QStringLiteral("main"), target);
    QVERIFY(!outcome.ok);
    QVERIFY2(outcome.message.startsWith(QLatin1String("Refusing repository URL with the 'ext'")),
             qPrintable(outcome.message));
    QTest::qWait(200);
    QVERIFY(!QFileInfo::exists(pwned));
    QVERIFY(!QFileInfo::exists(target));
}

void TestGitCheckout::finishedIsNeverEmittedFromStart() {
    // Callers connect, start, and may still be setting up: a synchronous finished() (refusal or
    // git missing) would arrive too early.
    GitCheckout checkout;
    QSignalSpy finished(&checkout, &GitCheckout::finished);
    checkout.start(QStringLiteral("-x"), QStringLiteral("main"), path(QStringLiteral("sync")));
    QCOMPARE(finished.count(), 0);
    QVERIFY(checkout.isRunning());
    // While the refusal is pending, a second start() is ignored, not queued.
    QTest::ignoreMessage(QtWarningMsg, "GitCheckout::start() ignored: a clone is still running");
    checkout.start(m_small, QStringLiteral("main"), path(QStringLiteral("sync2")));
    QVERIFY(finished.wait(5000));
    QTest::qWait(100);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!QFileInfo::exists(path(QStringLiteral("sync2"))));
}

void TestGitCheckout::progressLines() {
    const QString target = path(QStringLiteral("progress"));
    GitCheckout checkout;
    QStringList lines;
    connect(&checkout, &GitCheckout::progress, this, [&](const QString &line) { lines << line; });
    const Outcome outcome = runClone(checkout, fileUrl(m_large), QStringLiteral("main"), target);
    QVERIFY2(outcome.ok, qPrintable(outcome.message));

    QVERIFY(!lines.isEmpty());
    QCOMPARE(lines.first(), QStringLiteral("Cloning into '%1'...").arg(target));
    for (const QString &line : std::as_const(lines)) {
        QVERIFY2(!line.contains(QLatin1Char('\r')) && !line.contains(QLatin1Char('\n')),
                 qPrintable(line));
        QVERIFY(!line.isEmpty());
    }
    // git redraws "Receiving objects: N% ..." with '\r': each redraw is a line of its own.
    const QStringList receiving = lines.filter(QStringLiteral("Receiving objects:"));
    QVERIFY2(receiving.size() > 1, qPrintable(lines.join(QLatin1Char('\n'))));
    QVERIFY(receiving.last().contains(QLatin1String("100%")));
    QVERIFY(receiving.last().endsWith(QLatin1String(", done.")));
}

void TestGitCheckout::eventLoopKeepsRunning() {
    const QString target = path(QStringLiteral("event-loop"));
    GitCheckout checkout;
    QTimer ticker;
    ticker.setInterval(10);
    int ticks = 0;
    qint64 longestGapMs = 0;
    QElapsedTimer sinceLastTick;
    connect(&ticker, &QTimer::timeout, this, [&] {
        ++ticks;
        longestGapMs = std::max(longestGapMs, sinceLastTick.restart());
    });
    int ticksWhenFinished = -1;
    connect(&checkout, &GitCheckout::finished, this, [&] { ticksWhenFinished = ticks; });

    QElapsedTimer clock;
    clock.start();
    sinceLastTick.start();
    ticker.start();
    checkout.start(fileUrl(m_large), QStringLiteral("main"), target);
    const qint64 startMs = clock.elapsed();
    QVERIFY(QTest::qWaitFor([&] { return ticksWhenFinished >= 0; }, kCloneWaitMs));
    ticker.stop();
    const qint64 cloneMs = clock.elapsed();

    QVERIFY2(startMs < 500, qPrintable(QString::number(startMs)));
    QVERIFY2(checkout.commit().isValid(), "clone of the large repository failed");
    // Ticks all along the clone (which takes far longer than 10 ms), not in one burst at the end.
    QVERIFY2(ticksWhenFinished >= 5 && ticksWhenFinished >= cloneMs / 10 / 4,
             qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticksWhenFinished).arg(cloneMs)));
    QVERIFY2(longestGapMs < 1000, qPrintable(QString::number(longestGapMs)));
}

void TestGitCheckout::cancelMidClone() {
    const QString target = path(QStringLiteral("cancelled"));
    GitCheckout checkout;
    Outcome outcome;
    connect(&checkout, &GitCheckout::finished, this, [&](bool ok, const QString &message) {
        outcome.ok = ok;
        outcome.message = message;
        outcome.directoryExistedAtFinish = QFileInfo::exists(target);
        ++outcome.finishedCount;
    });
    checkout.start(fileUrl(m_large), QStringLiteral("main"), target);
    QVERIFY(waitForTransfer(checkout));
    QVERIFY(QFileInfo::exists(target));
    checkout.cancel();
    QCOMPARE(outcome.finishedCount, 0); // only once git is gone and the directory removed
    checkout.cancel();                  // repeated: still one finished()
    QVERIFY(QTest::qWaitFor([&] { return outcome.finishedCount > 0; }, 30000));
    QTest::qWait(100);
    QCOMPARE(outcome.finishedCount, 1);
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.message, QStringLiteral("cancelled"));
    QVERIFY(!outcome.directoryExistedAtFinish);
    QVERIFY(!checkout.commit().isValid());
    // The whole process group died, not only `git clone`.
    QTRY_COMPARE_WITH_TIMEOUT(processesTouching({target, m_large}), QStringList(), 5000);

    // The object is reusable afterwards.
    const Outcome again = runClone(checkout, m_small, QStringLiteral("main"), target);
    QVERIFY2(again.ok, qPrintable(again.message));
    QCOMPARE(checkout.commit().hash, m_smallHead);
}

void TestGitCheckout::cancelWhenIdleDoesNothing() {
    GitCheckout checkout;
    QSignalSpy finished(&checkout, &GitCheckout::finished);
    checkout.cancel();
    const Outcome outcome =
        runClone(checkout, m_small, QStringLiteral("main"), path(QStringLiteral("idle")));
    QVERIFY(outcome.ok);
    checkout.cancel(); // after the end: the result stands
    QTest::qWait(100);
    QCOMPARE(finished.count(), 1);
    QVERIFY(checkout.commit().isValid());
    QVERIFY(QFileInfo::exists(path(QStringLiteral("idle/README.md"))));
}

void TestGitCheckout::timeout() {
    const QString target = path(QStringLiteral("timeout"));
    GitCheckout checkout;
    QCOMPARE(checkout.timeoutMs(), 5 * 60 * 1000);
    checkout.setTimeoutMs(50);
    const Outcome outcome = runClone(checkout, fileUrl(m_large), QStringLiteral("main"), target);
    QCOMPARE(outcome.finishedCount, 1);
    QVERIFY(!outcome.ok);
    QCOMPARE(outcome.message, QStringLiteral("git clone timed out after 0.05 s"));
    QVERIFY(!outcome.directoryExistedAtFinish);
    QTRY_COMPARE_WITH_TIMEOUT(processesTouching({target, m_large}), QStringList(), 5000);

    checkout.setTimeoutMs(120000);
    const Outcome ok = runClone(checkout, m_small, QStringLiteral("main"), target);
    QVERIFY2(ok.ok, qPrintable(ok.message));
}

void TestGitCheckout::destructorKillsGit() {
    // Nor does it block on the dying child (QProcess warns when deleted while running).
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    const QString target = path(QStringLiteral("destroyed"));
    auto checkout = std::make_unique<GitCheckout>();
    QSignalSpy finished(checkout.get(), &GitCheckout::finished);
    checkout->start(fileUrl(m_large), QStringLiteral("main"), target);
    QVERIFY(waitForTransfer(*checkout));
    checkout.reset();
    QCOMPARE(finished.count(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(target), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(processesTouching({target, m_large}), QStringList(), 5000);
}

void TestGitCheckout::describeCloneFailure_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrText");
    QTest::addColumn<QString>("expected");

    // Texts as git 2.39 prints them (LC_ALL=C), provoked for real.
    const QString sshAdvice = QStringLiteral("fatal: Could not read from remote repository.\n\n"
                                             "Please make sure you have the correct access rights\n"
                                             "and the repository exists.\n");
    QTest::newRow("missing branch")
        << "/srv/app" << 128
        << "Cloning into 'x'...\nwarning: Could not find remote branch nope to clone.\n"
           "fatal: Remote branch nope not found in upstream origin\n"
        << "Branch 'nope' not found in /srv/app";
    QTest::newRow("missing path") << "/nonexistent/x" << 128
                                  << "fatal: repository '/nonexistent/x' does not exist\n"
                                  << "Repository not found or unreachable: /nonexistent/x";
    QTest::newRow("file url, not a repository")
        << "file:///nonexistent/x" << 128
        << "Cloning into 'x'...\nfatal: '/nonexistent/x' does not appear to be a git repository\n" +
               sshAdvice
        << "Repository not found or unreachable: file:///nonexistent/x";
    QTest::newRow("http 404")
        << "http://127.0.0.1:18765/404/repo.git" << 128
        << "Cloning into 'x'...\nfatal: repository 'http://127.0.0.1:18765/404/repo.git/' not "
           "found\n"
        << "Repository not found or unreachable: http://127.0.0.1:18765/404/repo.git";
    QTest::newRow("github, private or missing")
        << "https://github.com/o/r.git" << 128
        << "Cloning into 'x'...\nremote: Repository not found.\nfatal: repository "
           "'https://github.com/o/r.git/' not found\n"
        << "Repository not found or unreachable: https://github.com/o/r.git";
    QTest::newRow("connection refused")
        << "https://127.0.0.1:1/x" << 128
        << "Cloning into 'x'...\nfatal: unable to access 'https://127.0.0.1:1/x/': Failed to "
           "connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server\n"
        << "Repository not found or unreachable: https://127.0.0.1:1/x";
    QTest::newRow("unknown host")
        << "http://no-such-host.invalid/x" << 128
        << "Cloning into 'x'...\nfatal: unable to access 'http://no-such-host.invalid/x/': Could "
           "not resolve host: no-such-host.invalid\n"
        << "Repository not found or unreachable: http://no-such-host.invalid/x";
    QTest::newRow("ssh unknown host")
        << "ssh://git@no-such-host.invalid/x" << 128
        << "Cloning into 'x'...\nssh: Could not resolve hostname no-such-host.invalid: Name or "
           "service not known\r\n" +
               sshAdvice
        << "Repository not found or unreachable: ssh://git@no-such-host.invalid/x";
    QTest::newRow("ssh connection refused")
        << "git@127.0.0.1:x" << 128
        << "Cloning into 'x'...\nssh: connect to host 127.0.0.1 port 22: Connection refused\r\n" +
               sshAdvice
        << "Repository not found or unreachable: git@127.0.0.1:x";
    QTest::newRow("git protocol, connection refused")
        << "git://127.0.0.1:1/x" << 128
        << "Cloning into 'x'...\nfatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: "
           "127.0.0.1]: errno=Connection refused\n\n"
        << "Repository not found or unreachable: git://127.0.0.1:1/x";
    QTest::newRow("git protocol, unknown host")
        << "git://no-such-host.invalid/x" << 128
        << "Cloning into 'x'...\nfatal: unable to look up no-such-host.invalid (port 9418) (Name "
           "or service not known)\n"
        << "Repository not found or unreachable: git://no-such-host.invalid/x";
    QTest::newRow("http 401") << "http://127.0.0.1:18765/401/repo.git" << 128
                              << "Cloning into 'x'...\nfatal: Authentication failed for "
                                 "'http://127.0.0.1:18765/401/repo.git/'\n"
                              << "Authentication failed for http://127.0.0.1:18765/401/repo.git";
    QTest::newRow("http 401, password redacted")
        << "https://deploy:t0ken@git.example.com/app.git" << 128
        << "Cloning into 'x'...\nfatal: Authentication failed for "
           "'https://git.example.com/app.git/'\n"
        << "Authentication failed for https://deploy:***@git.example.com/app.git";
    QTest::newRow("http 403")
        << "http://127.0.0.1:18765/403/repo.git" << 128
        << "Cloning into 'x'...\nfatal: unable to access 'http://127.0.0.1:18765/403/repo.git/': "
           "The requested URL returned error: 403\n"
        << "Authentication failed for http://127.0.0.1:18765/403/repo.git";
    QTest::newRow("no credentials, prompt disabled")
        << "https://git.example.com/app.git" << 128
        << "Cloning into 'x'...\nfatal: could not read Username for 'https://git.example.com': "
           "terminal prompts disabled\n"
        << "Authentication failed for https://git.example.com/app.git";
    QTest::newRow("ssh key refused")
        << "git@github.com:o/r.git" << 128
        << "Cloning into 'x'...\ngit@github.com: Permission denied (publickey).\r\n" + sshAdvice
        << "Authentication failed for git@github.com:o/r.git";
    QTest::newRow("ssh unknown host key")
        << "git@git.example.com:app.git" << 128
        << "Cloning into 'x'...\nHost key verification failed.\r\n" + sshAdvice
        << "SSH host key verification failed for git@git.example.com:app.git";
    QTest::newRow("ext not allowed")
        << "ext::sh -c id" << 128 << "Cloning into 'x'...\nfatal: transport 'ext' not allowed\n"
        << "Transport not allowed: ext::sh -c id";
    QTest::newRow("http 500: git's verdict")
        << "http://127.0.0.1:18765/500/repo.git" << 128
        << "Cloning into 'x'...\nfatal: unable to access 'http://127.0.0.1:18765/500/repo.git/': "
           "The requested URL returned error: 500\n"
        << "git clone failed: unable to access 'http://127.0.0.1:18765/500/repo.git/': The "
           "requested URL returned error: 500";
    QTest::newRow("target not empty: git's verdict")
        << "/srv/app" << 128
        << "fatal: destination path 'dstx' already exists and is not an empty directory.\n"
        << "git clone failed: destination path 'dstx' already exists and is not an empty "
           "directory.";
    QTest::newRow("verdict before advice")
        << "/srv/app" << 128
        << "Cloning into 'x'...\nerror: RPC failed; curl 92 HTTP/2 stream 0 was not closed "
           "cleanly\nfatal: early EOF\nhint: try again\n"
        << "git clone failed: early EOF";
    QTest::newRow("no fatal line") << "/srv/app" << 1 << "something odd\n\n"
                                   << "git clone failed: something odd";
    QTest::newRow("no stderr") << "/srv/app" << 129 << ""
                               << "git clone failed: exit code 129";
    QTest::newRow("killed") << "/srv/app" << -1 << "Cloning into 'x'...\n"
                            << "git clone failed: git terminated abnormally";
    QTest::newRow("exit code, only the opening line")
        << "/srv/app" << 128 << "Cloning into 'x'...\n"
        << "git clone failed: exit code 128";
    QTest::newRow("killed, nothing said") << "/srv/app" << -1 << ""
                                          << "git clone failed: git terminated abnormally";
}

void TestGitCheckout::describeCloneFailure() {
    QFETCH(QString, url);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrText);
    QFETCH(QString, expected);
    QCOMPARE(mist::deploy::describeCloneFailure(url, QStringLiteral("nope"), exitCode, stderrText),
             expected);
}

QTEST_GUILESS_MAIN(TestGitCheckout)
#include "tst_gitcheckout.moc"
