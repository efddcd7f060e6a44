// SPDX-License-Identifier: GPL-3.0-or-later

// "New alert rule…" (issue #19) against a real server: "Test against the last hour" replays the
// rule over the history the server answers (an app's recorded here second by second, the
// host's as the server sampled it) and says how often it would have fired; Save posts the rule,
// a refusal shows the server's reason and keeps the dialog; the window opens it for the
// selected app from the Apps menu, an app's context menu and the Alerts tab.
#include "AlertRuleDialog.h"
#include "AlertsView.h"
#include "MainWindow.h"
#include "TestSupport.h"
#include "client/ServerSession.h"
#include "history/MetricHistory.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTranslator>

using namespace mist;
using namespace mist::test;

namespace {
template <typename T> T *child(QObject *parent, const char *name) {
    return parent->findChild<T *>(QLatin1String(name));
}
void choose(QComboBox *box, const QVariant &data) {
    const int i = box->findData(data);
    QVERIFY2(i >= 0, qPrintable(data.toString()));
    box->setCurrentIndex(i);
}
} // namespace

class TestAlertRuleDialog : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QTranslator english; // the plural forms ("3 times") come from the English file
    qint64 quiet = 0;    // no container: its history is what this test recorded
    qint64 web = 0;
    qint64 channel = 0;

    // The rule set in the dialog's fields.
    static void metricRule(gui::AlertRuleDialog &d, const QString &field, const QString &op,
                           double threshold, int forSeconds, int cooldown) {
        choose(child<QComboBox>(&d, "kind"), QStringLiteral("metric"));
        choose(child<QComboBox>(&d, "field"), field);
        choose(child<QComboBox>(&d, "op"), op);
        child<QDoubleSpinBox>(&d, "threshold")->setValue(threshold);
        child<QSpinBox>(&d, "forSeconds")->setValue(forSeconds);
        child<QSpinBox>(&d, "cooldown")->setValue(cooldown);
    }
    static QString test(gui::AlertRuleDialog &d) {
        QSignalSpy tested(&d, &gui::AlertRuleDialog::tested);
        QTest::mouseClick(child<QPushButton>(&d, "testButton"), Qt::LeftButton);
        if (!tested.wait(15000))
            return QStringLiteral("(no answer)");
        return d.testResultText();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(english.load(QStringLiteral(":/i18n/mist-monitor_en.qm")));
        QCoreApplication::installTranslator(&english);
        server::ServerConfig config;
        config.port = 0;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        store::App a;
        a.name = QStringLiteral("quiet");
        a.containerName =
            QStringLiteral("mist-ruledialog-none-%1").arg(QCoreApplication::applicationPid());
        quiet = f->store().apps().add(a).value().id;
        a.name = QStringLiteral("web");
        a.containerName += QStringLiteral("-web");
        web = f->store().apps().add(a).value().id;
        const QByteArray cookie = f->login(QStringLiteral("owner@example.com"));
        channel =
            f->http("POST", QStringLiteral("/api/alerts/channels"),
                    "{\"name\":\"ops hook\",\"kind\":\"webhook\",\"url\":\"http://127.0.0.1:9/x\"}",
                    cookie)
                .json()["data"]
                .toObject()["id"]
                .toInteger();
        QVERIFY(channel > 0);

        // quiet's memory over the last 30 minutes, one value a second: 10 % but for three
        // spikes to 95 % of 3 s each, the last ten minutes ago.
        history::MetricHistory *h = f->server().history();
        QVERIFY(h);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        for (qint64 s = now - 1800; s < now - 60; ++s) {
            const qint64 ago = now - s;
            const bool spike = (ago <= 1500 && ago > 1497) || (ago <= 1000 && ago > 997) ||
                               (ago <= 600 && ago > 597);
            const QJsonObject sample{
                {QStringLiteral("memory"),
                 QJsonObject{{QStringLiteral("percent"), spike ? 95.0 : 10.0}}}};
            QVERIFY(h->record(history::appSeries(quiet), s * 1000, sample));
            if (s % 50 == 0) { // at most MaxPendingPoints wait in memory
                h->flush();
                h->sync();
            }
        }
        h->flush();
        h->sync();
    }

    void cleanupTestCase() { QCoreApplication::removeTranslator(&english); }

    void appRuleReplayedOverItsHistory() {
        auto *session = signedInSession(*f, QStringLiteral("owner@example.com"), this);
        QVERIFY(session);
        gui::AlertRuleDialog d(
            session, {{quiet, QStringLiteral("quiet")}, {web, QStringLiteral("web")}}, quiet);
        d.show();
        QCOMPARE(child<QComboBox>(&d, "subject")->currentText(), QStringLiteral("App quiet"));
        // An app's figures, not the host's.
        QCOMPARE(child<QComboBox>(&d, "field")->findData(QStringLiteral("disk.percent")), -1);

        metricRule(d, QStringLiteral("memory.percent"), QStringLiteral(">"), 90, 0, 0);
        QVERIFY2(test(d).startsWith(QStringLiteral(
                     "This rule would have fired 3 times in the last hour, the last at ")),
                 qPrintable(d.testResultText()));
        QVERIFY(d.testResultText().endsWith(u'.'));
        QVERIFY(!d.testResultText().contains(QStringLiteral("firing now")));
        // 3 s spikes never last 5 s.
        metricRule(d, QStringLiteral("memory.percent"), QStringLiteral(">"), 90, 5, 0);
        QCOMPARE(test(d),
                 QStringLiteral(
                     "This rule would not have fired in the last hour (1740 values tested)."));
        // A cooldown of an hour lets the first through only.
        metricRule(d, QStringLiteral("memory.percent"), QStringLiteral(">"), 90, 0, 3600);
        QVERIFY2(test(d).startsWith(
                     QStringLiteral("This rule would have fired 1 time in the last hour")),
                 qPrintable(d.testResultText()));
        // Under a threshold: the 10 % stretches between the spikes (and the first).
        metricRule(d, QStringLiteral("memory.percent"), QStringLiteral("<"), 50, 0, 0);
        QVERIFY2(test(d).startsWith(
                     QStringLiteral("This rule would have fired 4 times in the last hour")),
                 qPrintable(d.testResultText()));
        // An app without any history.
        choose(child<QComboBox>(&d, "subject"), web);
        metricRule(d, QStringLiteral("memory.percent"), QStringLiteral(">"), 90, 0, 0);
        QCOMPARE(test(d), QStringLiteral("Nothing was recorded in the last hour to test against."));
    }

    void hostRuleReplayedOverTheHostsHistory() {
        // The host's own samples, as the server recorded them since it started.
        history::MetricHistory *h = f->server().history();
        QVERIFY(QTest::qWaitFor(
            [&] {
                h->flush();
                h->sync();
                const qint64 now = QDateTime::currentSecsSinceEpoch();
                const auto answer = h->queryNow(history::HostSeries, {now - 60, now + 1, 1});
                return answer && answer->value(QStringLiteral("points")).toArray().size() >= 3;
            },
            20000));
        auto *session = signedInSession(*f, QStringLiteral("owner@example.com"), this);
        gui::AlertRuleDialog d(session, {}, std::nullopt);
        QCOMPARE(child<QComboBox>(&d, "subject")->currentText(), QStringLiteral("This host"));
        // Always true: fires with the first value and fires still.
        metricRule(d, QStringLiteral("memory.percent"), QStringLiteral("<"), 1000, 0, 0);
        QVERIFY2(test(d).startsWith(
                     QStringLiteral("This rule would have fired 1 time in the last hour")),
                 qPrintable(d.testResultText()));
        QVERIFY2(d.testResultText().endsWith(QStringLiteral(", and would be firing now.")),
                 qPrintable(d.testResultText()));
        metricRule(d, QStringLiteral("cpu.usage"), QStringLiteral(">"), 1000, 0, 0);
        QVERIFY2(
            test(d).startsWith(QStringLiteral("This rule would not have fired in the last hour")),
            qPrintable(d.testResultText()));
    }

    void onlyMetricRulesAreTested() {
        gui::AlertRuleDialog d(signedInSession(*f, QStringLiteral("owner@example.com"), this),
                               {{quiet, QStringLiteral("quiet")}}, quiet);
        choose(child<QComboBox>(&d, "kind"), QStringLiteral("event"));
        QVERIFY(!child<QPushButton>(&d, "testButton")->isEnabled());
        // The engine's absence is the host's, not an app's.
        QCOMPARE(child<QComboBox>(&d, "event")->findData(QStringLiteral("engine_down")), -1);
        choose(child<QComboBox>(&d, "subject"), QVariant());
        QVERIFY(child<QComboBox>(&d, "event")->findData(QStringLiteral("engine_down")) >= 0);
        choose(child<QComboBox>(&d, "kind"), QStringLiteral("log"));
        QVERIFY(!child<QPushButton>(&d, "testButton")->isEnabled());
        choose(child<QComboBox>(&d, "kind"), QStringLiteral("metric"));
        QVERIFY(child<QPushButton>(&d, "testButton")->isEnabled());
    }

    // Save: the server's refusal stays in the dialog; a good rule is stored as set.
    void savesWhatTheServerTakes() {
        gui::AlertRuleDialog d(signedInSession(*f, QStringLiteral("owner@example.com"), this),
                               {{quiet, QStringLiteral("quiet")}}, quiet);
        d.show();
        auto *channels = child<QListWidget>(&d, "channels");
        QVERIFY(QTest::qWaitFor(
            [&] {
                return channels->count() == 1 && channels->item(0)->data(Qt::UserRole).isValid();
            },
            10000));
        QCOMPARE(channels->item(0)->text(), QStringLiteral("ops hook (webhook)"));
        channels->item(0)->setCheckState(Qt::Checked);
        choose(child<QComboBox>(&d, "kind"), QStringLiteral("log"));
        child<QLineEdit>(&d, "pattern")->setText(QStringLiteral("FATAL|panic:"));
        child<QSpinBox>(&d, "count")->setValue(3);
        child<QSpinBox>(&d, "logWithin")->setValue(120);
        QSignalSpy saved(&d, &gui::AlertRuleDialog::ruleSaved);
        auto *save = child<QDialogButtonBox>(&d, "buttons")->button(QDialogButtonBox::Save);
        // No name: refused, said, still open.
        save->click();
        QVERIFY(QTest::qWaitFor([&] { return !d.messageText().isEmpty(); }, 10000));
        QCOMPARE(d.messageText(), QStringLiteral("Invalid name"));
        QVERIFY(d.isVisible());
        QCOMPARE(saved.size(), 0);
        // A pattern RE2 does not take: the server names it.
        child<QLineEdit>(&d, "name")->setText(QStringLiteral("quiet fails"));
        child<QLineEdit>(&d, "pattern")->setText(QStringLiteral("(unclosed"));
        save->click();
        QVERIFY(QTest::qWaitFor([&] { return d.messageText() == u"Invalid pattern"; }, 10000));
        child<QLineEdit>(&d, "pattern")->setText(QStringLiteral("FATAL|panic:"));
        save->click();
        QVERIFY(saved.wait(10000));
        QVERIFY(!d.isVisible());
        const qint64 id = saved[0][0].toLongLong();
        QCOMPARE(saved[0][1].toString(), QStringLiteral("quiet fails"));
        const auto rules = f->http("GET", QStringLiteral("/api/alerts/rules"), {},
                                   f->login(QStringLiteral("owner@example.com")));
        QJsonObject stored;
        for (const QJsonValue &r : rules.json()["data"].toArray())
            if (r[u"id"].toInteger() == id)
                stored = r.toObject();
        QCOMPARE(stored.value(QStringLiteral("kind")).toString(), QStringLiteral("log"));
        QCOMPARE(stored.value(QStringLiteral("appId")).toInteger(), quiet);
        QCOMPARE(stored.value(QStringLiteral("pattern")).toString(),
                 QStringLiteral("FATAL|panic:"));
        QCOMPARE(stored.value(QStringLiteral("count")).toInt(), 3);
        QCOMPARE(stored.value(QStringLiteral("withinSeconds")).toInt(), 120);
        QCOMPARE(stored.value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
        QCOMPARE(stored.value(QStringLiteral("cooldownSeconds")).toInt(), 300);
        QCOMPARE(stored.value(QStringLiteral("channels")).toArray(), QJsonArray{channel});
        QVERIFY(f->http("DELETE", QStringLiteral("/api/alerts/rules/%1").arg(id), {},
                        f->login(QStringLiteral("owner@example.com")))
                    .status == 200);
    }

    // A user may not read channels or write rules: the dialog says both.
    void aUserIsToldWhy() {
        gui::AlertRuleDialog d(signedInSession(*f, QStringLiteral("user@example.com"), this), {},
                               std::nullopt);
        auto *channels = child<QListWidget>(&d, "channels");
        QVERIFY(QTest::qWaitFor([&] { return channels->count() == 1; }, 10000));
        QCOMPARE(channels->item(0)->text(), QStringLiteral("Only owners and admins see channels"));
        child<QLineEdit>(&d, "name")->setText(QStringLiteral("mine"));
        child<QDialogButtonBox>(&d, "buttons")->button(QDialogButtonBox::Save)->click();
        QVERIFY(QTest::qWaitFor([&] { return !d.messageText().isEmpty(); }, 10000));
        QVERIFY2(d.messageText().contains(QStringLiteral("owner")), qPrintable(d.messageText()));
    }

    // Alt+<letter> reaches one field: the labels and buttons of each kind's page differ, in
    // English and in German (Qt's own words for Save and Cancel included).
    void mnemonicsDoNotClash() {
        for (const bool german : {false, true}) {
            QTranslator ours, qts;
            if (german) {
                QVERIFY(ours.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
                QVERIFY(qts.load(QLocale(QLocale::German), QStringLiteral("qtbase"),
                                 QStringLiteral("_"),
                                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)));
                QCoreApplication::installTranslator(&ours);
                QCoreApplication::installTranslator(&qts);
            }
            gui::AlertRuleDialog d(nullptr, {{quiet, QStringLiteral("quiet")}}, quiet);
            d.show();
            for (const char *kind : {"metric", "event", "log"}) {
                choose(child<QComboBox>(&d, "kind"), QString::fromLatin1(kind));
                choose(child<QComboBox>(&d, "event"), QStringLiteral("restart_loop"));
                QStringList texts;
                for (const QLabel *label : d.findChildren<QLabel *>())
                    if (label->isVisible() && label->buddy())
                        texts << label->text();
                for (const QAbstractButton *button : d.findChildren<QAbstractButton *>())
                    if (button->isVisible())
                        texts << button->text();
                QMap<QChar, QString> seen;
                for (const QString &text : std::as_const(texts)) {
                    const qsizetype amp = text.indexOf(u'&');
                    if (amp < 0 || amp + 1 >= text.size())
                        continue;
                    const QChar key = text.at(amp + 1).toLower();
                    QVERIFY2(!seen.contains(key),
                             qPrintable(QStringLiteral("%1 and %2 (%3, %4)")
                                            .arg(seen.value(key), text, QLatin1String(kind),
                                                 german ? u"de" : u"en")));
                    seen.insert(key, text);
                }
                QVERIFY2(seen.size() >= 8, qPrintable(texts.join(u", ")));
            }
            if (german) {
                QCoreApplication::removeTranslator(&qts);
                QCoreApplication::removeTranslator(&ours);
            }
        }
    }

    // The window: the Apps menu, an app's context menu and the Alerts tab open it for the
    // selected app.
    void windowOpensItForTheSelectedApp() {
        gui::MainWindow w;
        w.connectTo(signedInSession(*f, QStringLiteral("owner@example.com"), &w),
                    QStringLiteral("Local server"));
        w.show();
        QVERIFY(QTest::qWaitFor([&] { return w.appCount(0) == 2; }, 15000));
        w.selectApp(web);
        QAction *action = w.findChild<QAction *>(QStringLiteral("newAlertRuleAction"));
        QVERIFY(action);
        QVERIFY(w.appContextMenu()->actions().contains(action));
        action->trigger();
        auto *d = w.findChild<gui::AlertRuleDialog *>();
        QVERIFY(d && d->isVisible());
        QCOMPARE(child<QComboBox>(d, "subject")->currentText(), QStringLiteral("App web"));
        QCOMPARE(child<QComboBox>(d, "subject")->count(), 3); // the host and both apps
        d->close();
        QVERIFY(QTest::qWaitFor([&] { return !w.findChild<gui::AlertRuleDialog *>(); }, 5000));
        QTest::mouseClick(child<QPushButton>(w.alerts(), "newRuleButton"), Qt::LeftButton);
        QVERIFY(w.findChild<gui::AlertRuleDialog *>());
    }
};

QTEST_MAIN(TestAlertRuleDialog)
#include "tst_alertruledialog.moc"
