// SPDX-License-Identifier: GPL-3.0-or-later

#include "store/Store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

using namespace mist::store;

namespace {

const QByteArray kPassword = "correct horse battery staple";

// The result of a call that must not fail here (a lookup may still find
// nothing); a failure ends the run with its text.
template <typename T> T ok(mist::Expected<T> result) {
    if (!result)
        qFatal("unexpected failure: %s", qPrintable(result.error()));
    return std::move(result).value();
}

mode_t modeOf(const QString &path) {
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 07777;
    return st.st_mode & 0777;
}

// A second, independent connection to the file: what is on disk, not what
// the Store believes.
class RawDb {
public:
    explicit RawDb(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(++s_counter)) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb() {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariant scalar(const QString &sql) const {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql) || !query.next())
            return QVariant();
        return query.value(0);
    }
    bool exec(const QString &sql) const {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        return query.exec(sql);
    }
    QList<QVariantList> rows(const QString &sql) const {
        QList<QVariantList> result;
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        query.exec(sql);
        while (query.next()) {
            QVariantList row;
            for (int i = 0; i < query.record().count(); ++i)
                row.append(query.value(i));
            result.append(row);
        }
        return result;
    }

private:
    static inline int s_counter = 0;
    QString m_name;
};

} // namespace

class TestStore : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    // schema and files
    void freshDatabaseHasLatestSchema();
    void reopeningKeepsDataAndSchema();
    void newerSchemaIsRefused();
    void createsPrivateDirectoryAndFile();
    void tightensLoosePermissions();
    void createsMissingParents();
    void dataDirThatIsAFileIsRefused();
    void garbageDatabaseFileIsRefused();
    void twoStoresShareOneDatabase();

    // users
    void addUser();
    void emailIsNormalised_data();
    void emailIsNormalised();
    void duplicateUserIsRefused();
    void badEmails_data();
    void badEmails();
    void passwordLength_data();
    void passwordLength();
    void authenticate_data();
    void authenticate();
    void unknownAccountsTakeAsLongAsWrongPasswords();
    void setPassword();

    // projects
    void ensureProject();
    void badProjectNames_data();
    void badProjectNames();
    void addMember();

    // apps
    void containerApp();
    void gitApp();
    void invalidApps_data();
    void invalidApps();
    void serviceApps_data();
    void serviceApps();
    void replicas();
    void duplicateAppIsRefused();
    void appInUnknownProjectId();
    void visibility_data();
    void visibility();

    // sessions
    void sessionToken();
    void sessionTokenIsNotStoredInClear();
    void revokeSessions();
    void foreignTokens_data();
    void foreignTokens();
    void idleExpiry();
    void useIsRecorded();
    void absoluteExpiry();
    void sessionForUnknownUser();

    // failure and hostile input
    void readOnlyConnectionGivesErrors();
    void readOnlyDatabaseFileGivesErrors();
    void damagedSchemaGivesErrors();
    void closedStoreGivesErrors();
    void hostileInput();

private:
    std::unique_ptr<Store> openStore(const QString &dir = QString());
    QString dataDir() const { return m_dir->path() + QStringLiteral("/data"); }
    QString dbPath() const { return dataDir() + QStringLiteral("/mist.db"); }
    User makeUser(Store &store, const QString &email, Role role);
    void seedVisibility(Store &store);
    bool filesContain(const QByteArray &needle) const;

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestStore::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestStore::cleanup() {
    m_dir.reset();
}

std::unique_ptr<Store> TestStore::openStore(const QString &dir) {
    auto store = std::make_unique<Store>();
    store->users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
    if (const auto opened = store->open(dir.isEmpty() ? dataDir() : dir); !opened) {
        qWarning("open failed: %s", qPrintable(opened.error()));
        return nullptr;
    }
    return store;
}

User TestStore::makeUser(Store &store, const QString &email, Role role) {
    QString error;
    const auto user = store.users().add(email, role, kPassword);
    error = user.error();
    if (!user)
        qFatal("addUser(%s) failed: %s", qPrintable(email), qPrintable(error));
    return *user;
}

// --- schema and files

void TestStore::freshDatabaseHasLatestSchema() {
    auto store = openStore();
    QVERIFY(store);
    QVERIFY(Store::latestSchemaVersion() >= 1);
    QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());
    QCOMPARE(store->databasePath(), dbPath());

    RawDb raw(dbPath());
    QCOMPARE(raw.scalar("PRAGMA user_version").toInt(), Store::latestSchemaVersion());
    QCOMPARE(raw.scalar("PRAGMA journal_mode").toString(), QStringLiteral("wal"));
    for (const char *table : {"users", "projects", "project_members", "apps", "sessions"}) {
        QVERIFY2(raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = "
                                           "'table' AND name = '%1'")
                                .arg(table))
                         .toInt() == 1,
                 table);
    }
}

void TestStore::reopeningKeepsDataAndSchema() {
    {
        auto store = openStore();
        QVERIFY(store);
        makeUser(*store, "keep@example.com", Role::Admin);
    }
    // Migration 1 uses plain CREATE TABLE: running it again would fail.
    auto store = openStore();
    QVERIFY(store);
    QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());
    const auto user = ok(store->users().byEmail("keep@example.com"));
    QVERIFY(user);
    QCOMPARE(user->role, Role::Admin);
    QVERIFY(ok(store->users().authenticate("keep@example.com", kPassword)));
}

void TestStore::newerSchemaIsRefused() {
    QVERIFY(openStore());
    {
        RawDb raw(dbPath());
        QVERIFY(raw.exec(
            QStringLiteral("PRAGMA user_version = %1").arg(Store::latestSchemaVersion() + 1)));
    }
    Store store;
    QString error;
    const auto opened = store.open(dataDir());
    QVERIFY(!opened);
    error = opened.error();
    QVERIFY2(error.contains("newer mist-monitor"), qPrintable(error));
    QVERIFY(!store.isOpen());
    QCOMPARE(store.schemaVersion(), 0);
}

void TestStore::createsPrivateDirectoryAndFile() {
    const mode_t oldMask = ::umask(0); // even the loosest umask must not leak
    auto store = openStore();
    ::umask(oldMask);
    QVERIFY(store);
    QCOMPARE(modeOf(dataDir()), mode_t(0700));
    QCOMPARE(modeOf(dbPath()), mode_t(0600));
    makeUser(*store, "wal@example.com", Role::User);
    QVERIFY(QFile::exists(dbPath() + "-wal"));
    QCOMPARE(modeOf(dbPath() + "-wal"), mode_t(0600));
}

void TestStore::tightensLoosePermissions() {
    QVERIFY(QDir().mkpath(dataDir()));
    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QVERIFY(::chmod(QFile::encodeName(dataDir()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(dbPath()).constData(), 0644) == 0);

    QVERIFY(openStore());
    QCOMPARE(modeOf(dataDir()), mode_t(0700));
    QCOMPARE(modeOf(dbPath()), mode_t(0600));
}

void TestStore::createsMissingParents() {
    const QString deep = m_dir->path() + "/a/b/c";
    auto store = openStore(deep);
    QVERIFY(store);
    QCOMPARE(modeOf(deep), mode_t(0700));
    QVERIFY(QFile::exists(deep + "/mist.db"));
}

void TestStore::dataDirThatIsAFileIsRefused() {
    QFile file(dataDir());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    Store store;
    QString error;
    const auto opened = store.open(dataDir());
    QVERIFY(!opened);
    error = opened.error();
    QVERIFY2(error.contains("is not a directory"), qPrintable(error));
    QVERIFY(!store.isOpen());
}

void TestStore::garbageDatabaseFileIsRefused() {
    QVERIFY(QDir().mkpath(dataDir()));
    QFile file(dbPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("this is not an SQLite database\n").repeated(200));
    file.close();
    Store store;
    QString error;
    const auto opened = store.open(dataDir());
    QVERIFY(!opened);
    error = opened.error();
    QVERIFY2(error.startsWith("database error:"), qPrintable(error));
    QVERIFY(!store.isOpen());
    error = store.users().add("a@example.com", Role::User, kPassword).error();
    QVERIFY(!error.isEmpty());
}

void TestStore::twoStoresShareOneDatabase() {
    auto first = openStore();
    auto second = openStore();
    QVERIFY(first && second);
    QVERIFY(first->connectionName() != second->connectionName());
    const User user = makeUser(*first, "shared@example.com", Role::User);
    const auto seen = ok(second->users().byId(user.id));
    QVERIFY(seen);
    QCOMPARE(seen->email, QStringLiteral("shared@example.com"));
    first.reset(); // removing one connection must leave the other working
    QVERIFY(ok(second->users().byId(user.id)));
}

// --- users

void TestStore::addUser() {
    auto store = openStore();
    QVERIFY(store);
    QString error;
    const auto user = store->users().add("owner@example.com", Role::Owner, kPassword);
    error = user.error();
    QVERIFY2(user, qPrintable(error));
    QVERIFY(user->id > 0);
    QCOMPARE(user->email, QStringLiteral("owner@example.com"));
    QCOMPARE(user->role, Role::Owner);

    const auto byId = ok(store->users().byId(user->id));
    QVERIFY(byId);
    QCOMPARE(byId->email, user->email);
    QCOMPARE(byId->role, Role::Owner);
    QVERIFY(!ok(store->users().byId(user->id + 1000)));
    QCOMPARE(ok(store->users().all()).size(), 1);

    RawDb raw(dbPath());
    const QString stored = raw.scalar("SELECT password_hash FROM users").toString();
    QVERIFY(stored.startsWith("$argon2id$"));
    QVERIFY(!stored.contains(QString::fromLatin1(kPassword)));
}

void TestStore::emailIsNormalised_data() {
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("lookup");

    QTest::newRow("mixed case") << "Alice@Example.COM"
                                << "alice@example.com";
    QTest::newRow("surrounding space") << "  bob@example.com \n"
                                       << "BOB@EXAMPLE.COM";
    QTest::newRow("non-ASCII") << QStringLiteral("Ümit@Bücher.example")
                               << QStringLiteral("ümit@bücher.example");
    QTest::newRow("quote is legal") << "o'Brien@example.com"
                                    << "o'brien@example.com";
}

void TestStore::emailIsNormalised() {
    QFETCH(QString, given);
    QFETCH(QString, lookup);

    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, given, Role::User);
    QCOMPARE(user.email, given.trimmed().toLower());
    const auto found = ok(store->users().byEmail(lookup));
    QVERIFY(found);
    QCOMPARE(found->id, user.id);
    QVERIFY(ok(store->users().authenticate(lookup, kPassword)));
}

void TestStore::duplicateUserIsRefused() {
    auto store = openStore();
    QVERIFY(store);
    makeUser(*store, "dup@example.com", Role::User);
    QString error;
    error = store->users().add(" DUP@example.com", Role::Admin, "another password").error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("a user with this email already exists"));
    QCOMPARE(ok(store->users().all()).size(), 1);
    QCOMPARE(ok(store->users().byEmail("dup@example.com"))->role, Role::User);
}

void TestStore::badEmails_data() {
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << ""
                           << "required";
    QTest::newRow("blank") << "   "
                           << "required";
    QTest::newRow("no @") << "alice.example.com"
                          << "exactly one '@'";
    QTest::newRow("two @") << "alice@@example.com"
                           << "exactly one '@'";
    QTest::newRow("@ in domain") << "a@b@example.com"
                                 << "exactly one '@'";
    QTest::newRow("no local part") << "@example.com"
                                   << "before";
    QTest::newRow("no domain") << "alice@"
                               << "after";
    QTest::newRow("inner space") << "al ice@example.com"
                                 << "spaces";
    QTest::newRow("tab") << "al\tice@example.com"
                         << "spaces";
    QTest::newRow("NUL") << QString::fromLatin1("al\0ice@example.com", 18) << "control";
    QTest::newRow("zero-width space") << QStringLiteral("al\u200Bice@example.com") << "control";
    QTest::newRow("255 characters") << QString(243, 'a') + "@example.com"
                                    << "longer than 254";
    QTest::newRow("1 MB") << QString(1024 * 1024, 'a') + "@example.com"
                          << "longer than 254";
}

void TestStore::badEmails() {
    QFETCH(QString, email);
    QFETCH(QString, message);

    auto store = openStore();
    QVERIFY(store);
    QString error;
    error = store->users().add(email, Role::User, kPassword).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(error.size() < 200, "the error must not echo the input");
    QVERIFY(ok(store->users().all()).isEmpty());
    QVERIFY(!ok(store->users().byEmail(email)));
    QVERIFY(!ok(store->users().authenticate(email, kPassword)));
}

void TestStore::passwordLength_data() {
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("empty") << 0 << false;
    QTest::newRow("7") << 7 << false;
    QTest::newRow("8") << 8 << true;
    QTest::newRow("1024") << 1024 << true;
    QTest::newRow("1025") << 1025 << false;
    QTest::newRow("1 MiB") << 1024 * 1024 << false;
}

void TestStore::passwordLength() {
    QFETCH(int, length);
    QFETCH(bool, accepted);

    auto store = openStore();
    QVERIFY(store);
    const QByteArray password(length, 'p');
    QString error;
    const auto user = store->users().add("len@example.com", Role::User, password);
    error = user.error();
    QCOMPARE(bool(user), accepted);
    if (accepted) {
        QVERIFY(ok(store->users().authenticate("len@example.com", password)));
    } else {
        QVERIFY2(error.contains("password must be 8 to 1024 bytes"), qPrintable(error));
    }
}

void TestStore::authenticate_data() {
    QTest::addColumn<QString>("email");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<bool>("accepted");

    const QByteArray nulPassword("nul\0inside-password", 19);
    QTest::newRow("right") << "auth@example.com" << kPassword << true;
    QTest::newRow("other case email") << "AUTH@Example.com" << kPassword << true;
    QTest::newRow("wrong password") << "auth@example.com" << QByteArray("wrong password") << false;
    QTest::newRow("empty password") << "auth@example.com" << QByteArray() << false;
    QTest::newRow("unknown email") << "nobody@example.com" << kPassword << false;
    QTest::newRow("malformed email") << "auth" << kPassword << false;
    QTest::newRow("NUL password, right") << "nul@example.com" << nulPassword << true;
    QTest::newRow("NUL password, cut at NUL") << "nul@example.com" << QByteArray("nul") << false;
}

void TestStore::authenticate() {
    QFETCH(QString, email);
    QFETCH(QByteArray, password);
    QFETCH(bool, accepted);

    auto store = openStore();
    QVERIFY(store);
    const User auth = makeUser(*store, "auth@example.com", Role::Admin);
    QString error;
    error = store->users()
                .add("nul@example.com", Role::User, QByteArray("nul\0inside-password", 19))
                .error();
    QVERIFY2(error.isEmpty(), qPrintable(error));

    const auto user = ok(store->users().authenticate(email, password));
    QCOMPARE(bool(user), accepted);
    if (accepted && email.startsWith("auth", Qt::CaseInsensitive)) {
        QCOMPARE(user->id, auth.id);
        QCOMPARE(user->role, Role::Admin);
    }
}

void TestStore::unknownAccountsTakeAsLongAsWrongPasswords() {
    // Real (interactive) cost: a skipped verification would answer in
    // microseconds instead of tens of milliseconds.
    Store store;
    QString error;
    const auto opened = store.open(dataDir());
    QVERIFY2(opened, qPrintable(opened.error()));
    error = store.users().add("timing@example.com", Role::User, kPassword).error();
    QVERIFY2(error.isEmpty(), qPrintable(error));

    bool accepted = false;
    const auto median = [&](const QString &email) {
        QList<qint64> samples;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer timer;
            timer.start();
            accepted = accepted || ok(store.users().authenticate(email, "wrong password"));
            samples.append(timer.nsecsElapsed());
        }
        std::sort(samples.begin(), samples.end());
        return samples.at(1);
    };
    const qint64 known = median("timing@example.com");
    const qint64 unknown = median("nobody@example.com");
    QVERIFY(!accepted);
    qInfo("known account: %lld us, unknown account: %lld us", known / 1000, unknown / 1000);
    QVERIFY(unknown > known / 3);
    QVERIFY(known > unknown / 3);
}

void TestStore::setPassword() {
    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "pw@example.com", Role::User);
    const User other = makeUser(*store, "other@example.com", Role::User);
    const QByteArray token = ok(store->sessions().create(user.id));
    const QByteArray otherToken = ok(store->sessions().create(other.id));
    QVERIFY(ok(store->sessions().userFor(token)));

    QString error;
    error = store->users().setPassword(user.id, "a brand new password").error();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!ok(store->users().authenticate("pw@example.com", kPassword)));
    QVERIFY(ok(store->users().authenticate("pw@example.com", "a brand new password")));
    QVERIFY(!ok(store->sessions().userFor(token)));
    QVERIFY(ok(store->sessions().userFor(otherToken)));

    error = store->users().setPassword(user.id, "short").error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.contains("8 to 1024"));
    QVERIFY(ok(store->users().authenticate("pw@example.com", "a brand new password")));
    error = store->users().setPassword(9999, "long enough password").error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("no such user"));
}

// --- projects

void TestStore::ensureProject() {
    auto store = openStore();
    QVERIFY(store);
    QString error;
    const auto created = store->projects().ensure("Web Team_1.0-x");
    error = created.error();
    QVERIFY2(created, qPrintable(error));
    QVERIFY(created->id > 0);
    QCOMPARE(created->name, QStringLiteral("Web Team_1.0-x"));
    const auto again = store->projects().ensure("Web Team_1.0-x");
    error = again.error();
    QVERIFY(again);
    QCOMPARE(again->id, created->id);
    QCOMPARE(ok(store->projects().byName("Web Team_1.0-x"))->id, created->id);
    QVERIFY(!ok(store->projects().byName("missing")));
}

void TestStore::badProjectNames_data() {
    QTest::addColumn<QString>("name");

    QTest::newRow("empty") << "";
    QTest::newRow("101 characters") << QString(101, 'p');
    QTest::newRow("SQL") << "x'; DROP TABLE users;--";
    QTest::newRow("slash") << "a/b";
    QTest::newRow("leading space") << " web";
    QTest::newRow("trailing space") << "web ";
    QTest::newRow("NUL") << QString::fromLatin1("we\0b", 4);
    QTest::newRow("newline") << "we\nb";
    QTest::newRow("1 MB") << QString(1024 * 1024, 'p');
}

void TestStore::badProjectNames() {
    QFETCH(QString, name);

    auto store = openStore();
    QVERIFY(store);
    QString error;
    error = store->projects().ensure(name).error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.contains("project name"));
    QVERIFY(error.size() < 200);
    QVERIFY(!ok(store->projects().byName(name)));
    if (!name.isEmpty()) { // an app without a project goes to "default"
        App app;
        app.name = "web";
        app.projectName = name;
        app.containerName = "web-1";
        error = store->apps().add(app).error();
        QVERIFY(!error.isEmpty());
    }
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar("SELECT count(*) FROM projects").toInt(), 0);
    QCOMPARE(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'users'").toInt(), 1);
}

void TestStore::addMember() {
    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "member@example.com", Role::User);
    QString error;
    error = store->projects().ensure("alpha").error();
    QVERIFY2(error.isEmpty(), qPrintable(error));

    error = store->projects().addMember("alpha", "Member@Example.com").error();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(store->projects().addMember("alpha", "member@example.com"), "must be idempotent");
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar("SELECT count(*) FROM project_members").toInt(), 1);
    QCOMPARE(raw.scalar("SELECT user_id FROM project_members").toLongLong(), user.id);

    error = store->projects().addMember("beta", "member@example.com").error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("no such project \"beta\""));
    error = store->projects().addMember("alpha", "nobody@example.com").error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("no such user \"nobody@example.com\""));
    error = store->projects().addMember("alpha", "not an email").error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.contains("email"));
}

// --- apps

void TestStore::containerApp() {
    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = "web";
    app.containerName = "mist-app-1";
    QString error;
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const auto added = store->apps().add(app);
    error = added.error();
    QVERIFY2(added, qPrintable(error));
    QVERIFY(added->id > 0);
    QCOMPARE(added->projectName, QStringLiteral("default"));
    QVERIFY(ok(store->projects().byName("default")));
    QCOMPARE(added->projectId, ok(store->projects().byName("default"))->id);
    QVERIFY(!added->isGit());

    const auto loaded = ok(store->apps().byId(added->id));
    QVERIFY(loaded);
    QCOMPARE(loaded->name, QStringLiteral("web"));
    QCOMPARE(loaded->containerName, QStringLiteral("mist-app-1"));
    QCOMPARE(loaded->projectName, QStringLiteral("default"));
    QVERIFY(loaded->gitUrl.isEmpty() && loaded->gitBranch.isEmpty());
    QCOMPARE(loaded->createdAt, added->createdAt);
    QVERIFY(loaded->createdAt.toSecsSinceEpoch() >= before);
    QVERIFY(loaded->createdAt.toSecsSinceEpoch() <= QDateTime::currentSecsSinceEpoch());
    QVERIFY(!ok(store->apps().byId(added->id + 1)));

    const QJsonObject json = loaded->toJson();
    QCOMPARE(json.value("id").toInteger(), added->id);
    QCOMPARE(json.value("containerName").toString(), QStringLiteral("mist-app-1"));
    QVERIFY(json.value("gitUrl").isNull());
    QVERIFY(json.value("gitBranch").isNull());
    QVERIFY(json.value("port").isNull());
}

void TestStore::gitApp() {
    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = "api";
    app.projectName = "backend";
    app.gitUrl = "https://github.com/example/api.git";
    app.port = 8080;
    QString error;
    const auto added = store->apps().add(app);
    error = added.error();
    QVERIFY2(added, qPrintable(error));
    QVERIFY(added->isGit());
    QCOMPARE(added->gitBranch, QStringLiteral("main"));
    QCOMPARE(added->dockerfile, QStringLiteral("Dockerfile"));

    const auto loaded = ok(store->apps().byId(added->id));
    QVERIFY(loaded);
    QCOMPARE(loaded->gitUrl, app.gitUrl);
    QCOMPARE(loaded->gitBranch, QStringLiteral("main"));
    QCOMPARE(loaded->dockerfile, QStringLiteral("Dockerfile"));
    QCOMPARE(loaded->port, 8080);
    QCOMPARE(loaded->projectName, QStringLiteral("backend"));
    QVERIFY(loaded->containerName.isEmpty());

    const QJsonObject json = loaded->toJson();
    const QStringList keys = {"id",     "name",      "projectId",  "projectName", "containerName",
                              "gitUrl", "gitBranch", "dockerfile", "port",        "createdAt"};
    for (const QString &key : keys)
        QVERIFY2(json.contains(key), qPrintable(key));
    QCOMPARE(json.value("projectId").toInteger(), loaded->projectId);
    QCOMPARE(json.value("gitBranch").toString(), QStringLiteral("main"));
    QCOMPARE(json.value("port").toInt(), 8080);
    QVERIFY(json.value("containerName").isNull());
    QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")
                .match(json.value("createdAt").toString())
                .hasMatch());

    App custom = app;
    custom.name = "api-dev";
    custom.gitBranch = "feature/new-ui";
    custom.dockerfile = "docker/Dockerfile.prod";
    custom.gitUrl = "git@github.com:example/api.git";
    const auto second = store->apps().add(custom);
    error = second.error();
    QVERIFY2(second, qPrintable(error));
    QCOMPARE(ok(store->apps().byId(second->id))->gitBranch, QStringLiteral("feature/new-ui"));
    QCOMPARE(ok(store->apps().byId(second->id))->dockerfile,
             QStringLiteral("docker/Dockerfile.prod"));
}

void TestStore::invalidApps_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("project");
    QTest::addColumn<QString>("container");
    QTest::addColumn<QString>("git");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("dockerfile");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("message");

    const QString url = "https://example.com/repo.git";
    QTest::newRow("both") << "web"
                          << "p1"
                          << "web-1" << url << ""
                          << "" << 0 << "exactly one";
    QTest::newRow("neither") << "web"
                             << "p1"
                             << ""
                             << ""
                             << ""
                             << "" << 0 << "exactly one";
    QTest::newRow("empty name") << ""
                                << "p1"
                                << "web-1"
                                << ""
                                << ""
                                << "" << 0 << "app name";
    QTest::newRow("101-character name") << QString(101, 'a') << "p1"
                                        << "web-1"
                                        << ""
                                        << ""
                                        << "" << 0 << "app name";
    QTest::newRow("space in name") << "my app"
                                   << "p1"
                                   << "web-1"
                                   << ""
                                   << ""
                                   << "" << 0 << "app name";
    QTest::newRow("SQL name") << "x'; DROP TABLE users;--"
                              << "p1"
                              << "web-1"
                              << ""
                              << ""
                              << "" << 0 << "app name";
    QTest::newRow("NUL in name") << QString::fromLatin1("w\0eb", 4) << "p1"
                                 << "web-1"
                                 << ""
                                 << ""
                                 << "" << 0 << "app name";
    QTest::newRow("bad project") << "web"
                                 << "p/1"
                                 << "web-1"
                                 << ""
                                 << ""
                                 << "" << 0 << "project name";
    QTest::newRow("bad container") << "web"
                                   << "p1"
                                   << "-web"
                                   << ""
                                   << ""
                                   << "" << 0 << "container name";
    QTest::newRow("container with branch") << "web"
                                           << "p1"
                                           << "web-1"
                                           << ""
                                           << "dev"
                                           << "" << 0 << "only to apps";
    QTest::newRow("container with port") << "web"
                                         << "p1"
                                         << "web-1"
                                         << ""
                                         << ""
                                         << "" << 80 << "only to apps";
    QTest::newRow("port 70000") << "web"
                                << "p1"
                                << "" << url << ""
                                << "" << 70000 << "port";
    QTest::newRow("port -1") << "web"
                             << "p1"
                             << "" << url << ""
                             << "" << -1 << "port";
    QTest::newRow("git option injection") << "web"
                                          << "p1"
                                          << ""
                                          << "--upload-pack=touch /tmp/x"
                                          << ""
                                          << "" << 0 << "must not start with '-'";
    QTest::newRow("ext transport") << "web"
                                   << "p1"
                                   << ""
                                   << "ext::sh -c touch% /tmp/x"
                                   << ""
                                   << "" << 0 << "git URL";
    QTest::newRow("ext transport, no spaces") << "web"
                                              << "p1"
                                              << ""
                                              << "ext::sh"
                                              << ""
                                              << "" << 0 << "git URL";
    QTest::newRow("url with newline") << "web"
                                      << "p1"
                                      << "" << url + "\nx"
                                      << ""
                                      << "" << 0 << "git URL";
    QTest::newRow("branch as option") << "web"
                                      << "p1"
                                      << "" << url << "--force"
                                      << "" << 0 << "branch";
    QTest::newRow("branch with ..") << "web"
                                    << "p1"
                                    << "" << url << "a..b"
                                    << "" << 0 << "branch";
    QTest::newRow("dockerfile escapes") << "web"
                                        << "p1"
                                        << "" << url << ""
                                        << "../../etc/passwd" << 0 << "Dockerfile";
    QTest::newRow("absolute dockerfile") << "web"
                                         << "p1"
                                         << "" << url << ""
                                         << "/etc/passwd" << 0 << "Dockerfile";
}

void TestStore::invalidApps() {
    QFETCH(QString, name);
    QFETCH(QString, project);
    QFETCH(QString, container);
    QFETCH(QString, git);
    QFETCH(QString, branch);
    QFETCH(QString, dockerfile);
    QFETCH(int, port);
    QFETCH(QString, message);

    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = name;
    app.projectName = project;
    app.containerName = container;
    app.gitUrl = git;
    app.gitBranch = branch;
    app.dockerfile = dockerfile;
    app.port = port;
    QString error;
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(ok(store->apps().all()).isEmpty());
    // A refused app must not leave its new project behind.
    QVERIFY(!ok(store->projects().byName(project)));
}

// Apps that adopt a Swarm service: stored, read back and listed as such,
// and refused with the others or with a name Docker would refuse.
void TestStore::serviceApps_data() {
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("container");
    QTest::addColumn<QString>("git");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("message"); // empty: accepted
    QTest::newRow("service") << "web_svc.1"
                             << ""
                             << ""
                             << ""
                             << "";
    QTest::newRow("63 characters") << QString(63, u's') << ""
                                   << ""
                                   << ""
                                   << "";
    QTest::newRow("64 characters") << QString(64, u's') << ""
                                   << ""
                                   << ""
                                   << "invalid service name";
    QTest::newRow("leading dash") << "-svc"
                                  << ""
                                  << ""
                                  << ""
                                  << "invalid service name";
    QTest::newRow("slash") << "a/b"
                           << ""
                           << ""
                           << ""
                           << "invalid service name";
    QTest::newRow("service and container") << "svc"
                                           << "web-1"
                                           << ""
                                           << ""
                                           << "exactly one";
    QTest::newRow("service and git") << "svc"
                                     << ""
                                     << "https://example.com/r.git"
                                     << ""
                                     << "exactly one";
    QTest::newRow("service with a branch") << "svc"
                                           << ""
                                           << ""
                                           << "dev"
                                           << "apply only to apps built from git";
}

void TestStore::serviceApps() {
    QFETCH(QString, service);
    QFETCH(QString, container);
    QFETCH(QString, git);
    QFETCH(QString, branch);
    QFETCH(QString, message);
    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = QStringLiteral("web");
    app.serviceName = service;
    app.containerName = container;
    app.gitUrl = git;
    app.gitBranch = branch;
    QString error;
    const auto added = store->apps().add(app);
    error = added.error();
    if (!message.isEmpty()) {
        QVERIFY(!added);
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(ok(store->apps().all()).isEmpty());
        return;
    }
    QVERIFY2(added, qPrintable(error));
    const auto back = ok(store->apps().byId(added->id));
    QVERIFY(back);
    QVERIFY(back->isService());
    QCOMPARE(back->serviceName, service);
    QVERIFY(back->containerName.isEmpty());
    QVERIFY(!back->isGit());
    const QJsonObject json = back->toJson();
    QCOMPARE(json.value(QStringLiteral("serviceName")).toString(), service);
    QVERIFY(json.value(QStringLiteral("containerName")).isNull());
}

// Git apps deployed as services: replicas kept, bounded, git-only.
void TestStore::replicas() {
    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = QStringLiteral("web");
    app.gitUrl = QStringLiteral("https://example.com/r.git");
    app.replicas = 3;
    QString error;
    const auto added = store->apps().add(app);
    error = added.error();
    QVERIFY2(added, qPrintable(error));
    const auto back = ok(store->apps().byId(added->id));
    QCOMPARE(back->replicas, 3);
    QCOMPARE(back->swarmServiceName(), QStringLiteral("app-%1").arg(added->id));
    QCOMPARE(back->toJson().value(QStringLiteral("replicas")).toInt(), 3);
    QCOMPARE(back->toJson().value(QStringLiteral("serviceName")).toString(),
             QStringLiteral("app-%1").arg(added->id));

    for (const int bad : {-1, App::MaxReplicas + 1}) {
        App b = app;
        b.name = QStringLiteral("b%1").arg(bad < 0 ? 0 : 1);
        b.replicas = bad;
        error = store->apps().add(b).error();
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(QStringLiteral("replicas must be between 0 and 1000")),
                 qPrintable(error));
    }
    App container;
    container.name = QStringLiteral("c");
    container.containerName = QStringLiteral("c-1");
    container.replicas = 2;
    error = store->apps().add(container).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(QStringLiteral("replicas apply only to apps built from git")),
             qPrintable(error));
    App plain = app;
    plain.name = QStringLiteral("plain");
    plain.replicas = 0;
    const auto one = store->apps().add(plain);
    error = one.error();
    QVERIFY(one);
    QVERIFY(one->swarmServiceName().isEmpty());
    QCOMPARE(ok(store->apps().all()).size(), 2);
}

void TestStore::duplicateAppIsRefused() {
    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = "web";
    app.containerName = "web-1";
    QString error;
    error = store->apps().add(app).error();
    QVERIFY2(error.isEmpty(), qPrintable(error));

    app.containerName = "web-2";
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("an app named web already exists in project default"));

    app.projectName = "other";
    error = store->apps().add(app).error();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(ok(store->apps().all()).size(), 2);
}

void TestStore::appInUnknownProjectId() {
    auto store = openStore();
    QVERIFY(store);
    App app;
    app.name = "web";
    app.projectId = 42;
    app.containerName = "web-1";
    QString error;
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("no such project (id 42)"));

    const auto project = store->projects().ensure("real");
    error = project.error();
    app.projectId = project->id;
    app.projectName = "ignored when projectId is set";
    const auto added = store->apps().add(app);
    error = added.error();
    QVERIFY2(added, qPrintable(error));
    QCOMPARE(added->projectName, QStringLiteral("real"));
}

void TestStore::seedVisibility(Store &store) {
    QString error;
    for (const auto &[name, project] : QList<QPair<QString, QString>>{
             {"a1", "alpha"}, {"a2", "alpha"}, {"b1", "beta"}, {"c1", "gamma"}}) {
        App app;
        app.name = name;
        app.projectName = project;
        app.containerName = name + "-container";
        error = store.apps().add(app).error();
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    makeUser(store, "owner@example.com", Role::Owner);
    makeUser(store, "admin@example.com", Role::Admin);
    makeUser(store, "alice@example.com", Role::User);
    makeUser(store, "bob@example.com", Role::User);
    makeUser(store, "carol@example.com", Role::User);
    error = store.projects().addMember("alpha", "alice@example.com").error();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = store.projects().addMember("alpha", "bob@example.com").error();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = store.projects().addMember("beta", "bob@example.com").error();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    error = store.projects().addMember("beta", "owner@example.com").error();
    QVERIFY2(error.isEmpty(), qPrintable(error)); // changes nothing for owners
}

void TestStore::visibility_data() {
    QTest::addColumn<QString>("email");
    QTest::addColumn<QStringList>("visible");

    QTest::newRow("owner sees all") << "owner@example.com" << QStringList{"a1", "a2", "b1", "c1"};
    QTest::newRow("admin sees all") << "admin@example.com" << QStringList{"a1", "a2", "b1", "c1"};
    QTest::newRow("user in one project") << "alice@example.com" << QStringList{"a1", "a2"};
    QTest::newRow("user in two projects") << "bob@example.com" << QStringList{"a1", "a2", "b1"};
    QTest::newRow("user in no project") << "carol@example.com" << QStringList{};
}

void TestStore::visibility() {
    QFETCH(QString, email);
    QFETCH(QStringList, visible);

    auto store = openStore();
    QVERIFY(store);
    seedVisibility(*store);
    const auto user = ok(store->users().byEmail(email));
    QVERIFY(user);

    const auto apps = store->apps().visibleTo(*user);
    QVERIFY2(apps, qPrintable(apps.error()));
    QStringList names;
    for (const App &app : *apps)
        names.append(app.name);
    QCOMPARE(names, visible);

    for (const App &app : ok(store->apps().all()))
        QCOMPARE(ok(store->apps().canAccess(*user, app.id)), visible.contains(app.name));
    QVERIFY(!ok(store->apps().canAccess(*user, 9999)));
}

// --- sessions

void TestStore::sessionToken() {
    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "s@example.com", Role::User);
    const QByteArray token = ok(store->sessions().create(user.id));
    QCOMPARE(token.size(), 43);
    QVERIFY(QRegularExpression("^[A-Za-z0-9_-]{43}$").match(QString::fromLatin1(token)).hasMatch());
    QCOMPARE(QByteArray::fromBase64(token, QByteArray::Base64UrlEncoding).size(), 32);
    QVERIFY(ok(store->sessions().create(user.id)) != token);

    const auto signedIn = ok(store->sessions().userFor(token));
    QVERIFY(signedIn);
    QCOMPARE(signedIn->id, user.id);
    QCOMPARE(signedIn->email, user.email);
    QCOMPARE(signedIn->role, Role::User);
}

void TestStore::sessionTokenIsNotStoredInClear() {
    QByteArray token;
    {
        auto store = openStore();
        QVERIFY(store);
        const User user = makeUser(*store, "s@example.com", Role::User);
        token = ok(store->sessions().create(user.id));
        QVERIFY(!token.isEmpty());

        RawDb raw(dbPath());
        const auto rows = raw.rows("SELECT * FROM sessions");
        QCOMPARE(rows.size(), 1);
        for (const QVariant &value : rows.first()) {
            QVERIFY(!value.toByteArray().contains(token));
            QVERIFY(!value.toString().contains(QString::fromLatin1(token)));
        }
        QCOMPARE(raw.scalar("SELECT token_hash FROM sessions").toByteArray(),
                 QCryptographicHash::hash(token, QCryptographicHash::Sha256));
        QVERIFY(!filesContain(token));
    }
    QVERIFY(!filesContain(token)); // after the final checkpoint, too
}

// Nor anywhere in the files: the WAL holds recent writes verbatim.
bool TestStore::filesContain(const QByteArray &needle) const {
    for (const QString &path : {dbPath(), dbPath() + "-wal"}) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            return true;
    }
    return false;
}

void TestStore::revokeSessions() {
    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "s@example.com", Role::User);
    const QByteArray first = ok(store->sessions().create(user.id));
    const QByteArray second = ok(store->sessions().create(user.id));
    const QByteArray third = ok(store->sessions().create(user.id));

    QVERIFY(store->sessions().revoke(first));
    QVERIFY(!ok(store->sessions().userFor(first)));
    QVERIFY(ok(store->sessions().userFor(second)));
    QVERIFY(store->sessions().revoke(first)); // revoking twice is harmless

    QVERIFY(store->sessions().revokeAllOf(user.id));
    QVERIFY(!ok(store->sessions().userFor(second)));
    QVERIFY(!ok(store->sessions().userFor(third)));
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar("SELECT count(*) FROM sessions").toInt(), 0);
}

void TestStore::foreignTokens_data() {
    QTest::addColumn<QByteArray>("token");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("unknown, right shape") << QByteArray(43, 'A');
    QTest::newRow("one character short") << QByteArray(42, 'A');
    QTest::newRow("1 MB") << QByteArray(1024 * 1024, 'A');
    QTest::newRow("NUL bytes") << QByteArray(43, '\0');
    QTest::newRow("SQL") << QByteArray("' OR '1'='1' --").leftJustified(43, ' ');
}

void TestStore::foreignTokens() {
    QFETCH(QByteArray, token);

    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "s@example.com", Role::User);
    const QByteArray real = ok(store->sessions().create(user.id));
    const auto signedIn = store->sessions().userFor(token);
    QVERIFY2(signedIn, qPrintable(signedIn.error())); // unknown, not a failure
    QVERIFY(!*signedIn);
    QVERIFY(store->sessions().revoke(token));
    QVERIFY(ok(store->sessions().userFor(real)));
}

void TestStore::idleExpiry() {
    auto store = openStore();
    QVERIFY(store);
    store->sessions().setIdleTimeout(1);
    const User user = makeUser(*store, "s@example.com", Role::User);
    const QByteArray token = ok(store->sessions().create(user.id));
    QVERIFY(ok(store->sessions().userFor(token)));

    QTest::qSleep(2100); // timestamps are whole seconds
    QVERIFY(!ok(store->sessions().userFor(token)));
    RawDb raw(dbPath());
    QCOMPARE(raw.scalar("SELECT count(*) FROM sessions").toInt(), 0); // expired ones are deleted
}

void TestStore::useIsRecorded() {
    auto store = openStore();
    QVERIFY(store);
    store->sessions().setIdleTimeout(2);
    const User user = makeUser(*store, "s@example.com", Role::User);
    const QByteArray token = ok(store->sessions().create(user.id));
    RawDb raw(dbPath());
    const qint64 created = raw.scalar("SELECT created_at FROM sessions").toLongLong();

    QTest::qSleep(1100);
    QVERIFY(ok(store->sessions().userFor(token)));
    const qint64 lastSeen = raw.scalar("SELECT last_seen_at FROM sessions").toLongLong();
    QVERIFY(lastSeen > created);
    QCOMPARE(raw.scalar("SELECT expires_at FROM sessions").toLongLong(), lastSeen + 2);
}

void TestStore::absoluteExpiry() {
    auto store = openStore();
    QVERIFY(store);
    store->sessions().setIdleTimeout(2);
    store->sessions().setAbsoluteTimeout(2);
    const User user = makeUser(*store, "s@example.com", Role::User);
    const QByteArray token = ok(store->sessions().create(user.id));
    RawDb raw(dbPath());
    const qint64 created = raw.scalar("SELECT created_at FROM sessions").toLongLong();

    QTest::qSleep(1100);
    QVERIFY(ok(store->sessions().userFor(token))); // recorded use would allow last_seen + 2...
    QCOMPARE(raw.scalar("SELECT expires_at FROM sessions").toLongLong(), created + 2);
    QTest::qSleep(2100);
    QVERIFY(!ok(store->sessions().userFor(token))); // ...but the absolute limit wins
}

void TestStore::sessionForUnknownUser() {
    auto store = openStore();
    QVERIFY(store);
    QString error;
    const auto token = store->sessions().create(4242);
    QVERIFY(!token);
    QCOMPARE(token.error(), QStringLiteral("no such user"));
}

// --- failure and hostile input

void TestStore::readOnlyConnectionGivesErrors() {
    // query_only makes SQLite refuse writes exactly as for a read-only file,
    // and works even when the tests run as root (who ignores file modes).
    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "ro@example.com", Role::User);
    const QByteArray token = ok(store->sessions().create(user.id));
    QVERIFY(
        QSqlQuery(QSqlDatabase::database(store->connectionName())).exec("PRAGMA query_only = ON"));

    QString error;
    error = store->users().add("new@example.com", Role::User, kPassword).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains("readonly"), qPrintable(error));
    error.clear();
    error = store->projects().ensure("alpha").error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.startsWith("database error:"));
    App app;
    app.name = "web";
    app.containerName = "web-1";
    error.clear();
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.startsWith("database error:"));
    error.clear();
    error = store->sessions().create(user.id).error();
    QVERIFY(error.startsWith("database error:"));
    error.clear();
    error = store->users().setPassword(user.id, "another password").error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.startsWith("database error:"));
    error = store->sessions().revokeAllOf(user.id).error();
    QVERIFY(!error.isEmpty());
    error = store->projects().addMember("alpha", "ro@example.com").error();
    QVERIFY(!error.isEmpty());

    // Reading still works; a session stays valid even if its use cannot be recorded.
    QVERIFY(ok(store->users().byEmail("ro@example.com")));
    QVERIFY(ok(store->users().authenticate("ro@example.com", kPassword)));
    QVERIFY(ok(store->sessions().userFor(token)));
}

void TestStore::readOnlyDatabaseFileGivesErrors() {
    if (::geteuid() == 0)
        QSKIP("root ignores file modes; readOnlyConnectionGivesErrors covers these paths");
    {
        auto store = openStore();
        QVERIFY(store);
        makeUser(*store, "ro@example.com", Role::User);
    }
    for (const QString &path : {dbPath(), dbPath() + "-wal", dbPath() + "-shm"})
        ::chmod(QFile::encodeName(path).constData(), 0400);

    Store store;
    store.users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
    QString error;
    // Refusing to open and refusing to write are both fine; crashing is not.
    if (const auto opened = store.open(dataDir()); !opened) {
        error = opened.error();
        qInfo("open refused: %s", qPrintable(error));
        QVERIFY(!error.isEmpty());
        return;
    }
    error = store.users().add("new@example.com", Role::User, kPassword).error();
    QVERIFY(!error.isEmpty());
    qInfo("write refused: %s", qPrintable(error));
    QVERIFY(error.startsWith("database error:"));
}

void TestStore::damagedSchemaGivesErrors() {
    auto store = openStore();
    QVERIFY(store);
    const User user = makeUser(*store, "d@example.com", Role::User);
    {
        RawDb raw(dbPath());
        QVERIFY(raw.exec("DROP TABLE apps"));
        QVERIFY(raw.exec("DROP TABLE sessions"));
    }
    QString error;
    App app;
    app.name = "web";
    app.containerName = "web-1";
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains("no such table"), qPrintable(error));
    error.clear();
    error = store->apps().all().error();
    QVERIFY(!error.isEmpty());
    error.clear();
    error = store->apps().visibleTo(user).error();
    QVERIFY(!error.isEmpty());
    error = store->sessions().create(user.id).error();
    QVERIFY(!error.isEmpty());
    error.clear();
    error = store->sessions().userFor(QByteArray(43, 'A')).error();
    QVERIFY(!error.isEmpty());
}

void TestStore::closedStoreGivesErrors() {
    Store store;
    QString error;
    QVERIFY(!store.isOpen());
    error = store.users().add("a@example.com", Role::User, kPassword).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("the database is not open"));
    error = store.users().byId(1).error();
    QVERIFY(!error.isEmpty());
    error = store.sessions().create(1).error();
    QVERIFY(!error.isEmpty());
    error = store.sessions().userFor(QByteArray(43, 'A')).error();
    QVERIFY(!error.isEmpty());
    App app;
    app.name = "web";
    app.containerName = "web-1";
    error = store.apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("the database is not open"));

    const auto opened = store.open(dataDir());
    QVERIFY2(opened, qPrintable(opened.error()));
    store.close();
    QVERIFY(!store.isOpen());
    error = store.users().byId(1).error();
    QVERIFY(!error.isEmpty());
    QCOMPARE(error, QStringLiteral("the database is not open"));
}

void TestStore::hostileInput() {
    auto store = openStore();
    QVERIFY(store);
    QString error;

    // Quotes and semicolons are legal in the local part; they must be stored
    // literally, not interpreted.
    const QString sqlEmail = "x';drop_table_users;--@example.com";
    const User sqlUser = makeUser(*store, sqlEmail, Role::User);
    QCOMPARE(ok(store->users().byEmail(sqlEmail))->id, sqlUser.id);
    QVERIFY(!ok(store->users().byEmail("x' or '1'='1@example.com")));
    QVERIFY(!ok(store->users().authenticate("' OR 1=1 --@x", kPassword)));

    const QString megabyte(1024 * 1024, 'm');
    error = store->users().add(megabyte + "@example.com", Role::User, kPassword).error();
    QVERIFY(!error.isEmpty());
    error = store->projects().addMember(megabyte, sqlEmail).error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.size() < 200);
    error = store->projects().ensure("x'; DROP TABLE users;--").error();
    QVERIFY(!error.isEmpty());
    App app;
    app.name = "x'; DROP TABLE users;--";
    app.containerName = "x'; DROP TABLE users;--";
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    app.name = megabyte;
    error = store->apps().add(app).error();
    QVERIFY(!error.isEmpty());
    QVERIFY(error.size() < 200);

    error = store->users()
                .add(QString::fromLatin1("nul\0@example.com", 16), Role::User, kPassword)
                .error();
    QVERIFY(!error.isEmpty());
    error = store->projects().ensure(QString::fromLatin1("p\0", 2)).error();
    QVERIFY(!error.isEmpty());

    RawDb raw(dbPath());
    QCOMPARE(raw.scalar("SELECT count(*) FROM users").toInt(), 1);
    QCOMPARE(raw.scalar("SELECT count(*) FROM projects").toInt(), 0);
    QCOMPARE(raw.scalar("SELECT count(*) FROM apps").toInt(), 0);
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
