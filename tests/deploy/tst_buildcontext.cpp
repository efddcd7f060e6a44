// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::deploy::packBuildContext: the tar archive sent as the body of the engine's
// POST /build. Archives are read back with libarchive; the last test builds one with the real
// engine (the private one of the test setup, found through DOCKER_HOST).

#include "TestSupport.h"
#include "deploy/BuildContext.h"
#include "deploy/BuildOutputParser.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

using mist::deploy::BuildContextLimits;
using mist::deploy::packBuildContext;
using mist::deploy::resolveDockerfile;

namespace {

struct Entry {
    QByteArray path; // without the trailing '/' some writers give directories
    char type = '?'; // 'f' file, 'd' directory, 'l' symlink, '?' other
    int perm = 0;
    qint64 size = 0;
    QByteArray data;
    QByteArray link;
    qint64 uid = -1, gid = -1;
    QByteArray uname, gname;
};

// Reads a tar archive back with libarchive, entries in archive order.
QList<Entry> unpack(const QByteArray &tar, QString *error) {
    QList<Entry> entries;
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    auto cleanup = qScopeGuard([a] { archive_read_free(a); });
    if (archive_read_open_memory(a, tar.constData(), size_t(tar.size())) != ARCHIVE_OK) {
        *error = QString::fromLocal8Bit(archive_error_string(a));
        return {};
    }
    struct archive_entry *e = nullptr;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        Entry x;
        x.path = archive_entry_pathname(e);
        if (x.path.endsWith('/'))
            x.path.chop(1);
        switch (archive_entry_filetype(e)) {
        case AE_IFREG:
            x.type = 'f';
            break;
        case AE_IFDIR:
            x.type = 'd';
            break;
        case AE_IFLNK:
            x.type = 'l';
            x.link = archive_entry_symlink(e);
            break;
        default:
            break;
        }
        x.perm = int(archive_entry_perm(e));
        x.size = archive_entry_size(e);
        x.uid = archive_entry_uid(e);
        x.gid = archive_entry_gid(e);
        x.uname = archive_entry_uname(e);
        x.gname = archive_entry_gname(e);
        char buf[65536];
        la_ssize_t n;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
            x.data.append(buf, qsizetype(n));
        if (n < 0) {
            *error = QString::fromLocal8Bit(archive_error_string(a));
            return {};
        }
        entries.append(x);
    }
    if (r != ARCHIVE_EOF) {
        *error = QString::fromLocal8Bit(archive_error_string(a));
        return {};
    }
    return entries;
}

bool writeFile(const QString &path, const QByteArray &data, int mode = 0644) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
        return false;
    f.close();
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
}

bool symlinkTo(const QByteArray &target, const QString &link) {
    return ::symlink(target.constData(), QFile::encodeName(link).constData()) == 0;
}

QByteArrayList paths(const QList<Entry> &entries) {
    QByteArrayList out;
    for (const Entry &e : entries)
        out << e.path;
    return out;
}

const Entry *find(const QList<Entry> &entries, const QByteArray &path) {
    for (const Entry &e : entries) {
        if (e.path == path)
            return &e;
    }
    return nullptr;
}

const QByteArray Dockerignore = "# comments and blank lines are ignored\n"
                                "\n"
                                "*.md\n"
                                "!README.md\n"
                                "  *.log  \n"
                                "**/*.tmp\n"
                                "build/\n"
                                "/secret.txt\n"
                                "./docs//\n"
                                "!docs/keep\n"
                                "q?.txt\n"
                                "c[0-9].txt\n"
                                "Dockerfile\n"
                                ".dockerignore\n";

// The tree most tests pack. Returns false when something could not be created.
bool makeTree(const QString &root) {
    const QString r = root + u'/';
    bool ok = writeFile(r + "Dockerfile", "FROM mist-test-base:latest\n") &&
              writeFile(r + ".dockerignore", Dockerignore) &&
              writeFile(r + "run.sh", "#!/bin/sh\necho hi\n", 0755) &&
              writeFile(r + "README.md", "readme\n") && writeFile(r + "notes.md", "notes\n") &&
              writeFile(r + "debug.log", "log\n") && writeFile(r + "sub/debug.log", "sub log\n") &&
              writeFile(r + "sub/inner.txt", "inner\n", 0600) &&
              writeFile(r + "sub/deep/x.tmp", "tmp\n") &&
              writeFile(r + "sub/.git/x", "not the top .git\n") &&
              writeFile(r + "build/out.bin", QByteArray(3000, '\1')) &&
              writeFile(r + "secret.txt", "secret\n") && writeFile(r + "docs/a.txt", "a\n") &&
              writeFile(r + "docs/keep/k.txt", "kept\n") && writeFile(r + "q1.txt", "q\n") &&
              writeFile(r + "c1.txt", "c1\n") && writeFile(r + "ca.txt", "ca\n") &&
              writeFile(r + "caf\u00e9.txt", "utf-8 name\n") &&
              writeFile(r + ".git/HEAD", "ref: refs/heads/main\n") && QDir().mkpath(r + "empty") &&
              symlinkTo("run.sh", r + "link-rel") && symlinkTo("/etc/passwd", r + "link-abs") &&
              symlinkTo("sub", r + "link-dir") &&
              ::mkfifo(QFile::encodeName(r + "fifo").constData(), 0644) == 0;
    // A name that is not UTF-8 (QString cannot hold it): created with the raw bytes.
    const int fd = ::open((QFile::encodeName(r) + "bad\xff.bin").constData(),
                          O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ok = ok && fd >= 0 && ::write(fd, "raw", 3) == 3 && ::fchmod(fd, 0644) == 0;
    if (fd >= 0)
        ::close(fd);
    for (const char *dir : {"", "sub", "sub/deep", "sub/.git", "docs", "docs/keep", "empty"})
        ok = ok && ::chmod(QFile::encodeName(r + dir).constData(), 0755) == 0;
    return ok;
}

// A temporary directory holding makeTree(): removes the name QTemporaryDir cannot (QString has
// no way to spell it) before QTemporaryDir removes the rest.
class TreeDir : public QTemporaryDir {
public:
    ~TreeDir() { ::unlink((QFile::encodeName(path()) + "/bad\xff.bin").constData()); }
};

// Drops the file system rights of root for the current thread (setfsuid), so that permission
// bits are honoured even when the suite runs as root.
class FsUserNobody {
public:
    FsUserNobody() {
        if (::geteuid() == 0) {
            ::setfsuid(65534);
            m_active = true;
        }
    }
    ~FsUserNobody() {
        if (m_active)
            ::setfsuid(0);
    }

private:
    bool m_active = false;
};

QString dockerSocket() {
    QString host = qEnvironmentVariable("DOCKER_HOST");
    return host.startsWith(u"unix://") ? host.mid(7) : QString();
}

// curl against the engine; returns the HTTP status (0 on failure), the body in *body.
int curl(const QStringList &args, QByteArray *body) {
    QTemporaryDir tmp;
    const QString out = tmp.filePath(QStringLiteral("body"));
    QProcess p;
    p.start(QStringLiteral("curl"),
            QStringList{QStringLiteral("-sS"), QStringLiteral("--unix-socket"), dockerSocket(),
                        QStringLiteral("-o"), out, QStringLiteral("-w"),
                        QStringLiteral("%{http_code}")} +
                args);
    if (!p.waitForFinished(180000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("curl failed: %s", p.readAllStandardError().constData());
        return 0;
    }
    QFile f(out);
    if (body && f.open(QIODevice::ReadOnly))
        *body = f.readAll();
    return p.readAllStandardOutput().trimmed().toInt();
}

} // namespace

class TestBuildContext : public QObject {
    Q_OBJECT

private slots:
    void packsTreeWithDockerignore();
    void sameTreeSameBytes();
    void longNamesSurvive();
    void emptyDirectory();
    void refusesMissingRoot();
    void refusesFileAsRoot();
    void refusesTooManyEntries();
    void refusesTooManyBytes();
    void refusesUnreadableFiles();
    void refusesBadDockerignore();
    void buildsWithTheRealEngine();
    void resolvesDockerfileInsideRoot_data();
    void resolvesDockerfileInsideRoot();
};

void TestBuildContext::packsTreeWithDockerignore() {
    TreeDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(makeTree(dir.path()));

    const auto tar = packBuildContext(dir.path());
    QVERIFY2(tar, qPrintable(tar.error()));
    QString readError;
    const QList<Entry> entries = unpack(*tar, &readError);
    QVERIFY2(readError.isEmpty(), qPrintable(readError));

    // In byte order of names, each directory before what it holds. Left out: the top .git,
    // the FIFO, and what .dockerignore excludes (Dockerfile and .dockerignore are always sent;
    // docs/keep comes back through the exception, without docs itself).
    const QByteArrayList expected = {
        ".dockerignore",   "Dockerfile",    "README.md",       "bad\xff.bin",  "ca.txt",
        "caf\xc3\xa9.txt", "docs/keep",     "docs/keep/k.txt", "empty",        "link-abs",
        "link-dir",        "link-rel",      "run.sh",          "sub",          "sub/.git",
        "sub/.git/x",      "sub/debug.log", "sub/deep",        "sub/inner.txt"};
    QCOMPARE(paths(entries), expected);

    for (const Entry &e : entries) {
        QCOMPARE(e.uid, 0);
        QCOMPARE(e.gid, 0);
        QVERIFY(e.uname.isEmpty());
        QVERIFY(e.gname.isEmpty());
    }
    const Entry *run = find(entries, "run.sh");
    QCOMPARE(run->type, 'f');
    QCOMPARE(run->perm, 0755);
    QCOMPARE(run->data, QByteArray("#!/bin/sh\necho hi\n"));
    QCOMPARE(run->size, run->data.size());
    const Entry *inner = find(entries, "sub/inner.txt");
    QCOMPARE(inner->perm, 0600);
    QCOMPARE(inner->data, QByteArray("inner\n"));
    QCOMPARE(find(entries, "Dockerfile")->data, QByteArray("FROM mist-test-base:latest\n"));
    QCOMPARE(find(entries, ".dockerignore")->data, Dockerignore);
    QCOMPARE(find(entries, "caf\xc3\xa9.txt")->data, QByteArray("utf-8 name\n"));
    QCOMPARE(find(entries, "bad\xff.bin")->data, QByteArray("raw"));
    QCOMPARE(find(entries, "sub")->type, 'd');
    QCOMPARE(find(entries, "sub")->perm, 0755);
    QCOMPARE(find(entries, "empty")->type, 'd');

    // Links are links, with their text as is: never followed, not even into the tree.
    const Entry *rel = find(entries, "link-rel");
    QCOMPARE(rel->type, 'l');
    QCOMPARE(rel->link, QByteArray("run.sh"));
    QVERIFY(rel->data.isEmpty());
    const Entry *abs = find(entries, "link-abs");
    QCOMPARE(abs->type, 'l');
    QCOMPARE(abs->link, QByteArray("/etc/passwd"));
    QVERIFY(abs->data.isEmpty());
    QCOMPARE(find(entries, "link-dir")->type, 'l');
    QCOMPARE(find(entries, "link-dir")->link, QByteArray("sub"));
}

void TestBuildContext::sameTreeSameBytes() {
    TreeDir dir;
    QVERIFY(makeTree(dir.path()));
    const auto a = packBuildContext(dir.path());
    const auto b = packBuildContext(dir.path());
    QVERIFY2(a, qPrintable(a.error()));
    QVERIFY2(b, qPrintable(b.error()));
    QCOMPARE(*a, *b);
    QCOMPARE(a->size() % 512, 0); // whole tar blocks
}

void TestBuildContext::longNamesSurvive() {
    // Over ustar's 100 + 155 bytes: needs a pax extended header, which the engine reads.
    QTemporaryDir dir;
    const QString longDir = QString(120, u'd');
    const QString longName = QString(200, u'n') + QStringLiteral(".txt");
    QVERIFY(writeFile(dir.path() + u'/' + longDir + u'/' + longName, "long\n"));
    QVERIFY(symlinkTo(QByteArray(300, 't'), dir.path() + QStringLiteral("/l")));
    const auto tar = packBuildContext(dir.path());
    QVERIFY2(tar, qPrintable(tar.error()));
    QString error;
    const QList<Entry> entries = unpack(*tar, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.at(0).path, longDir.toUtf8());
    QCOMPARE(entries.at(1).path, (longDir + u'/' + longName).toUtf8());
    QCOMPARE(entries.at(1).data, QByteArray("long\n"));
    QCOMPARE(entries.at(2).link, QByteArray(300, 't'));
}

void TestBuildContext::emptyDirectory() {
    QTemporaryDir dir;
    const auto tar = packBuildContext(dir.path());
    QVERIFY2(tar, qPrintable(tar.error()));
    QString error;
    QCOMPARE(unpack(*tar, &error).size(), 0);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestBuildContext::refusesMissingRoot() {
    QTemporaryDir dir;
    const auto missing = packBuildContext(dir.path() + QStringLiteral("/nope"));
    QVERIFY(!missing);
    QVERIFY2(missing.error().contains(QStringLiteral("does not exist")),
             qPrintable(missing.error()));
    const auto none = packBuildContext(QString());
    QVERIFY(!none);
    QVERIFY(!none.error().isEmpty());
}

void TestBuildContext::refusesFileAsRoot() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("f"));
    QVERIFY(writeFile(file, "x"));
    const auto refused = packBuildContext(file);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("not a directory")),
             qPrintable(refused.error()));
}

void TestBuildContext::refusesTooManyEntries() {
    QTemporaryDir dir;
    for (const char *name : {"a", "b", "sub/c"}) // 4 entries: a, b, sub, sub/c
        QVERIFY(writeFile(dir.filePath(QString::fromLatin1(name)), "x"));
    BuildContextLimits limits;
    limits.maxFiles = 4;
    const auto packed = packBuildContext(dir.path(), limits);
    QVERIFY2(packed, qPrintable(packed.error()));
    limits.maxFiles = 3;
    const auto refused = packBuildContext(dir.path(), limits);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("more than 3 entries")),
             qPrintable(refused.error()));
}

void TestBuildContext::refusesTooManyBytes() {
    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath(QStringLiteral("big")), QByteArray(100 * 1024, 'b')));
    BuildContextLimits limits;
    limits.maxBytes = 50 * 1024; // the file alone is over: refused before it is read
    const auto oneBig = packBuildContext(dir.path(), limits);
    QVERIFY(!oneBig);
    QVERIFY2(oneBig.error().contains(QStringLiteral("larger than 51200 bytes")),
             qPrintable(oneBig.error()));

    // Small files whose headers and padding pass the limit: refused by the output itself.
    QTemporaryDir many;
    for (int i = 0; i < 40; ++i)
        QVERIFY(writeFile(many.filePath(QStringLiteral("f%1").arg(i)), "tiny"));
    limits.maxBytes = 16 * 1024; // 40 entries take 40 KiB of tar
    const auto manySmall = packBuildContext(many.path(), limits);
    QVERIFY(!manySmall);
    QVERIFY2(manySmall.error().contains(QStringLiteral("larger than 16384 bytes")),
             qPrintable(manySmall.error()));
    limits.maxBytes = 64 * 1024;
    const auto tar = packBuildContext(many.path(), limits);
    QVERIFY2(tar, qPrintable(tar.error()));
    QVERIFY(tar->size() <= limits.maxBytes);
}

void TestBuildContext::refusesUnreadableFiles() {
    QTemporaryDir dir;
    QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0755) == 0);
    QVERIFY(writeFile(dir.filePath(QStringLiteral("ok")), "ok"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("secret")), "secret", 0));
    {
        FsUserNobody nobody;
        if (QFile(dir.filePath(QStringLiteral("secret"))).open(QIODevice::ReadOnly))
            QFAIL("a mode 000 file is still readable: cannot test unreadable files here");
        const auto refused = packBuildContext(dir.path());
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("cannot read secret")),
                 qPrintable(refused.error()));
    }

    QTemporaryDir locked;
    QVERIFY(::chmod(QFile::encodeName(locked.path()).constData(), 0755) == 0);
    QVERIFY(writeFile(locked.filePath(QStringLiteral("closed/inside")), "x"));
    QVERIFY(::chmod(QFile::encodeName(locked.filePath(QStringLiteral("closed"))).constData(), 0) ==
            0);
    auto reopen = qScopeGuard([&] { // so that QTemporaryDir can remove it
        ::chmod(QFile::encodeName(locked.filePath(QStringLiteral("closed"))).constData(), 0755);
    });
    {
        FsUserNobody nobody;
        const auto refused = packBuildContext(locked.path());
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("cannot read closed")),
                 qPrintable(refused.error()));
    }
}

void TestBuildContext::refusesBadDockerignore() {
    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath(QStringLiteral(".dockerignore")), "a\n!\n"));
    const auto loneBang = packBuildContext(dir.path());
    QVERIFY(!loneBang);
    QCOMPARE(loneBang.error(), QStringLiteral(".dockerignore: illegal exclusion pattern: \"!\""));

    QVERIFY(writeFile(dir.filePath(QStringLiteral(".dockerignore")), "[z-a]\n"));
    const auto badRange = packBuildContext(dir.path());
    QVERIFY(!badRange);
    QCOMPARE(badRange.error(), QStringLiteral(".dockerignore: invalid pattern: [z-a]"));

    QFile::remove(dir.filePath(QStringLiteral(".dockerignore")));
    QVERIFY(symlinkTo("/etc/hostname", dir.filePath(QStringLiteral(".dockerignore"))));
    const auto link = packBuildContext(dir.path()); // never read through a link
    QVERIFY(!link);
    QVERIFY2(link.error().contains(QStringLiteral(".dockerignore")), qPrintable(link.error()));
}

void TestBuildContext::buildsWithTheRealEngine() {
    MIST_REQUIRE_DOCKER();
    if (dockerSocket().isEmpty())
        QFAIL("DOCKER_HOST is not a unix:// socket");

    TreeDir dir;
    QVERIFY(makeTree(dir.path()));
    QFile::remove(dir.filePath(QStringLiteral("fifo")));
    // The check the brief asks for, then what the image must (not) hold.
    QVERIFY(writeFile(dir.filePath(QStringLiteral("Dockerfile")),
                      "FROM mist-test-base:latest\n"
                      "COPY . /app\n"
                      "RUN test -x /app/run.sh\n"
                      "RUN test -L /app/link-rel && test \"$(readlink /app/link-rel)\" = run.sh"
                      " && test \"$(readlink /app/link-abs)\" = /etc/passwd"
                      " && test -d /app/empty && test -f /app/sub/.git/x"
                      " && test \"$(cat /app/sub/inner.txt)\" = inner"
                      " && test -f /app/docs/keep/k.txt && test -f /app/README.md"
                      " && test ! -e /app/.git && test ! -e /app/debug.log"
                      " && test ! -e /app/secret.txt && test ! -e /app/build"
                      " && test ! -e /app/notes.md && test ! -e /app/docs/a.txt"
                      " && test ! -e /app/Dockerfile && test ! -e /app/.dockerignore"
                      " && test \"$(cat /app/bad*.bin)\" = raw\n"));

    const auto tar = packBuildContext(dir.path());
    QVERIFY2(tar, qPrintable(tar.error()));
    QTemporaryDir tmp;
    const QString tarFile = tmp.filePath(QStringLiteral("context.tar"));
    QFile f(tarFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(*tar), tar->size());
    f.close();

    const QString tag = QStringLiteral("mist-ctx-test:1");
    auto removeImage = qScopeGuard([&] {
        QByteArray body;
        const int status =
            curl({QStringLiteral("-X"), QStringLiteral("DELETE"),
                  QStringLiteral("http://d/v1.41/images/") + tag + QStringLiteral("?force=1")},
                 &body);
        if (status != 200)
            qWarning("removing %s: HTTP %d %s", qPrintable(tag), status, body.constData());
    });
    QByteArray body;
    const int status =
        curl({QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
              QStringLiteral("Content-Type: application/x-tar"), QStringLiteral("--data-binary"),
              QLatin1Char('@') + tarFile,
              QStringLiteral("http://d/v1.41/build?t=") + tag + QStringLiteral("&rm=1&forcerm=1")},
             &body);
    QCOMPARE(status, 200);

    mist::deploy::BuildOutputParser parser;
    QList<mist::deploy::BuildEvent> events;
    parser.feed(body, events);
    parser.finish(events);
    if (parser.failed() || parser.imageId().isEmpty()) {
        for (const auto &e : events)
            qWarning("%s", qPrintable(e.line));
        QFAIL(qPrintable(mist::deploy::buildFailureMessage(parser)));
    }
    QVERIFY(parser.imageId().startsWith(QStringLiteral("sha256:")));
    int lastStep = 0;
    for (const auto &e : events)
        lastStep = std::max(lastStep, e.step);
    QCOMPARE(lastStep, 4);

    // The image the tag names is the one the parser reported.
    QByteArray inspect;
    QCOMPARE(
        curl({QStringLiteral("http://d/v1.41/images/") + tag + QStringLiteral("/json")}, &inspect),
        200);
    QCOMPARE(QJsonDocument::fromJson(inspect).object().value(QStringLiteral("Id")).toString(),
             parser.imageId());
}

void TestBuildContext::resolvesDockerfileInsideRoot_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("resolved"); // empty: refused
    QTest::newRow("plain") << "Dockerfile"
                           << "Dockerfile";
    QTest::newRow("in a directory") << "docker/Dockerfile.prod"
                                    << "docker/Dockerfile.prod";
    QTest::newRow("dot and double slash") << ".//docker/./Dockerfile.prod"
                                          << "docker/Dockerfile.prod";
    QTest::newRow("down and up") << "docker/../Dockerfile"
                                 << "Dockerfile";
    QTest::newRow("relative link") << "docker/link-rel"
                                   << "docker/Dockerfile.prod";
    QTest::newRow("absolute link starts at root") << "abs"
                                                  << "docker/Dockerfile.prod";
    QTest::newRow("through a directory link") << "dir-link/Dockerfile.prod"
                                              << "docker/Dockerfile.prod";
    QTest::newRow("link to a link") << "chain"
                                    << "docker/Dockerfile.prod";
    QTest::newRow("link to a host file") << "to-passwd"
                                         << "";
    QTest::newRow("through a link to /") << "slash/etc/passwd"
                                         << "";
    QTest::newRow("through a link climbing out") << "up/etc/passwd"
                                                 << "";
    QTest::newRow("relative link climbing out") << "climb"
                                                << "";
    QTest::newRow("dot-dot climbing out") << "../../../../../../etc/passwd"
                                          << "";
    QTest::newRow("dot-dot stops at root") << "../../Dockerfile"
                                           << "Dockerfile";
    QTest::newRow("missing") << "Dockerfile.missing"
                             << "";
    QTest::newRow("directory") << "docker"
                               << "";
    QTest::newRow("root") << "."
                          << "";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("trailing slash") << "Dockerfile/"
                                    << "";
    QTest::newRow("file as directory") << "Dockerfile/x"
                                       << "";
    QTest::newRow("link to a directory") << "dir-link"
                                         << "";
    QTest::newRow("fifo") << "fifo"
                          << "";
    QTest::newRow("self loop") << "loop"
                               << "";
    QTest::newRow("two-link loop") << "ping"
                                   << "";
    QTest::newRow("long path") << QString(5000, u'a') << "";
}

void TestBuildContext::resolvesDockerfileInsideRoot() {
    QFETCH(QString, path);
    QFETCH(QString, resolved);
    QTemporaryDir dir;
    const QString r = dir.path() + u'/';
    QVERIFY(writeFile(r + "Dockerfile", "FROM x\n") &&
            writeFile(r + "docker/Dockerfile.prod", "FROM y\n") &&
            symlinkTo("Dockerfile.prod", r + "docker/link-rel") &&
            symlinkTo("/docker/Dockerfile.prod", r + "abs") &&
            symlinkTo("docker", r + "dir-link") && symlinkTo("abs", r + "chain") &&
            symlinkTo("/etc/passwd", r + "to-passwd") && symlinkTo("/", r + "slash") &&
            symlinkTo("../../../../../../..", r + "up") &&
            symlinkTo("../../../../../../../etc/passwd", r + "climb") &&
            symlinkTo("loop", r + "loop") && symlinkTo("pong", r + "ping") &&
            symlinkTo("ping", r + "pong") &&
            ::mkfifo(QFile::encodeName(r + "fifo").constData(), 0644) == 0);
    QVERIFY(QFileInfo(QStringLiteral("/etc/passwd")).isFile()); // what the links aim at exists
    const auto got = resolveDockerfile(dir.path(), path);
    QCOMPARE(got.value_or(QString()), resolved);
    QCOMPARE(got.has_value(), !resolved.isEmpty());
    QVERIFY(
        !resolveDockerfile(dir.path() + QStringLiteral("/missing"), QStringLiteral("Dockerfile")));
}

QTEST_GUILESS_MAIN(TestBuildContext)
#include "tst_buildcontext.moc"
