// SPDX-License-Identifier: GPL-3.0-or-later

// Alert rules, channels, fired alerts and the delivery queue in the store:
// caps, references, secrets kept apart, queue order, claims and retries.

#include "TestPaths.h"
#include "auth/PasswordHasher.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mist::store;
using mist::alerts::Channel;
using mist::alerts::Rule;

namespace {

template <typename T> T ok(mist::Expected<T> result) {
    if (!result)
        qFatal("unexpected failure: %s", qPrintable(result.error()));
    return std::move(result).value();
}

Rule hostRule(const QString &name) {
    return ok(mist::alerts::parseRule(
        QJsonDocument::fromJson(
            QStringLiteral(R"({"name":"%1","kind":"metric","field":"cpu.usage",)"
                           R"("op":">","threshold":90})")
                .arg(name)
                .toUtf8())
            .object()));
}

Channel hook(const QString &secret) {
    QJsonObject o{{QStringLiteral("name"), QStringLiteral("hook")},
                  {QStringLiteral("kind"), QStringLiteral("webhook")},
                  {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9/h")}};
    if (!secret.isEmpty())
        o.insert(QStringLiteral("secret"), secret);
    return ok(mist::alerts::parseChannel(o));
}

} // namespace

class TestAlertStore : public QObject {
    Q_OBJECT
private slots:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<Store>();
        m_store->users().setPasswordHasher(mist::auth::PasswordHasher::minimal());
        QVERIFY(m_store->open(m_dir->path()));
    }
    void cleanup() {
        m_store.reset();
        m_dir.reset();
    }

    void rulesRoundTrip() {
        const Channel c = ok(m_store->alerts().addChannel(hook({})));
        Rule r = hostRule(QStringLiteral("cpu"));
        r.channels = {c.id};
        const Rule added = ok(m_store->alerts().addRule(r));
        QVERIFY(added.id > 0);
        const auto read = ok(m_store->alerts().rule(added.id));
        QVERIFY(read);
        QCOMPARE(read->toJson(), added.toJson());
        // Deleting the channel takes it off the rule.
        QVERIFY(m_store->alerts().removeChannel(c.id));
        QVERIFY(ok(m_store->alerts().rule(added.id))->channels.isEmpty());
        QVERIFY(m_store->alerts().removeRule(added.id));
        QCOMPARE(m_store->alerts().removeRule(added.id).error(), QStringLiteral("Rule not found"));
    }

    void ruleReferences() {
        Rule r = hostRule(QStringLiteral("x"));
        r.channels = {12345};
        QCOMPARE(m_store->alerts().addRule(r).error(), QStringLiteral("Invalid channels"));
        r.channels = {};
        r.appId = 777;
        QCOMPARE(m_store->alerts().addRule(r).error(), QStringLiteral("Invalid appId"));
    }

    void ruleCap() {
        for (int i = 0; i < Alerts::MaxRules; ++i)
            ok(m_store->alerts().addRule(hostRule(QString::number(i))));
        QCOMPARE(m_store->alerts().addRule(hostRule(QStringLiteral("one more"))).error(),
                 QStringLiteral("Too many rules (at most %1)").arg(Alerts::MaxRules));
    }

    void channelCap() {
        for (int i = 0; i < Alerts::MaxChannels; ++i)
            ok(m_store->alerts().addChannel(hook({})));
        QCOMPARE(m_store->alerts().addChannel(hook({})).error(),
                 QStringLiteral("Too many channels (at most %1)").arg(Alerts::MaxChannels));
    }

    // The secret is stored apart from the JSON answers are made of, kept by
    // an update that does not mention it, cleared by one that says null.
    void secretKeptApart() {
        const Channel added = ok(m_store->alerts().addChannel(hook(QStringLiteral("s3cr3t-x"))));
        QSqlQuery q(QSqlDatabase::database(m_store->connectionName()));
        QVERIFY(q.exec(QStringLiteral("SELECT spec, secret FROM alert_channels")));
        QVERIFY(q.next());
        QVERIFY(!q.value(0).toString().contains(QStringLiteral("s3cr3t-x")));
        QCOMPARE(q.value(1).toString(), QStringLiteral("s3cr3t-x"));
        Channel renamed = hook({});
        renamed.id = added.id;
        renamed.name = QStringLiteral("renamed");
        QVERIFY(renamed.keepSecret);
        ok(m_store->alerts().updateChannel(renamed));
        const auto read = ok(m_store->alerts().channel(added.id));
        QCOMPARE(read->secret, QStringLiteral("s3cr3t-x"));
        QCOMPARE(read->name, QStringLiteral("renamed"));
        Channel cleared = hook({});
        cleared.id = added.id;
        cleared.keepSecret = false;
        ok(m_store->alerts().updateChannel(cleared));
        QVERIFY(ok(m_store->alerts().channel(added.id))->secret.isEmpty());
    }

    // Per channel, only the oldest pending message is due; a claimed one is
    // not handed out twice; a failure past its deadline is given up.
    void queueOrderAndClaims() {
        auto &a = m_store->alerts();
        const qint64 c1 = ok(a.addChannel(hook({}))).id;
        const qint64 c2 = ok(a.addChannel(hook({}))).id;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const qint64 m1 = ok(a.enqueue(c1, "one", now + 3600));
        const qint64 m2 = ok(a.enqueue(c1, "two", now + 3600));
        const qint64 m3 = ok(a.enqueue(c2, "three", now));
        auto due = ok(a.due(now));
        QCOMPARE(due.size(), 2);
        QCOMPARE(due[0].id, m1);
        QCOMPARE(due[1].id, m3);
        QVERIFY(ok(a.claim(m1, now + 30)));
        QVERIFY(!ok(a.claim(m1, now + 30)));
        QCOMPARE(ok(a.due(now)).size(), 1);
        QVERIFY(a.markDelivered(m1, now));
        QCOMPARE(ok(a.due(now)).first().id, m2);
        QVERIFY(a.markAttemptFailed(m3, QStringLiteral("HTTP 500"), now + 1));
        QCOMPARE(ok(a.deliveryState(m3)).value(), QStringLiteral("failed"));
        QVERIFY(a.markAttemptFailed(m2, QStringLiteral("HTTP 500"), now + 2));
        QCOMPARE(ok(a.deliveryState(m2)).value(), QStringLiteral("pending"));
        QVERIFY(ok(a.due(now)).isEmpty());
        QCOMPARE(ok(a.due(now + 2)).first().id, m2);
        QCOMPARE(ok(a.deliveredSince(c1, now - 60)), 1);
    }

    void alertsNewestFirst() {
        auto &a = m_store->alerts();
        FiredAlert f;
        f.state = QStringLiteral("firing");
        f.severity = QStringLiteral("warning");
        f.title = QStringLiteral("t1");
        f.since = 1000;
        ok(a.recordAlert(f));
        f.title = QStringLiteral("t2");
        f.state = QStringLiteral("resolved");
        ok(a.recordAlert(f));
        User owner;
        owner.role = Role::Owner;
        const auto list = ok(a.alertsVisibleTo(owner, 10));
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].title, QStringLiteral("t2"));
        QCOMPARE(list[0].toJson().value(QStringLiteral("since")).toString(),
                 QStringLiteral("1970-01-01T00:16:40Z"));
        User user;
        user.role = Role::User;
        user.id = 99;
        QVERIFY(ok(a.alertsVisibleTo(user, 10)).isEmpty());
    }

    // The server opens a second connection for its alert sender. Opening it
    // must not strip the first of its locks: then another process closing
    // its connection (a CLI command) took itself for the last one and deleted
    // the WAL, and the server's later commits went to a deleted file, never
    // seen by anyone and lost in a crash.
    void secondConnectionKeepsCommitsVisible() {
        Store second;
        QVERIFY(second.open(m_dir->path()));
        QProcess other;
        other.start(mist::test::binaryPath(QStringLiteral("mist-monitor")),
                    {QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--data-dir"),
                     m_dir->path()});
        QVERIFY(other.waitForFinished(30000));
        QCOMPARE(other.exitCode(), 0);
        const qint64 channel = ok(m_store->alerts().addChannel(hook({}))).id;
        Store third;
        QVERIFY(third.open(m_dir->path()));
        const auto seen = ok(third.alerts().channel(channel));
        QVERIFY2(seen.has_value(), "a commit of the first connection is not in the database");
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
};

QTEST_GUILESS_MAIN(TestAlertStore)
#include "tst_alertstore.moc"
