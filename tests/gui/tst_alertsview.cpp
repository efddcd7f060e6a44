// SPDX-License-Identifier: GPL-3.0-or-later

// The Alerts tab against a real server: what fires now and the history from
// GET /api/alerts, acknowledging (remembered across windows), the tab's and
// the host's counts in the main window, and an upstream server, which has
// no alerts.

#include "SidebarApps.h"
#include "TestSupport.h"

#include "AlertsView.h"
#include "MainWindow.h"
#include "client/ServerSession.h"

#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QTreeWidgetItem>

using namespace mist;
using namespace mist::test;

namespace {

store::FiredAlert alert(std::optional<qint64> rule, std::optional<qint64> app, const char *state,
                        const char *severity, const char *title, qint64 since) {
    store::FiredAlert a;
    a.ruleId = rule;
    a.appId = app;
    a.state = QString::fromLatin1(state);
    a.severity = QString::fromLatin1(severity);
    a.title = QString::fromLatin1(title);
    a.message = QStringLiteral("message of ") + a.title;
    a.since = since;
    return a;
}

bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 15000) {
    WsRecorder w;
    return w.waitFor(predicate, timeoutMs);
}

} // namespace

class TestAlertsView : public QObject {
    Q_OBJECT
    QTemporaryDir settingsDir;
    std::unique_ptr<ServerFixture> f;
    QByteArray token;
    qint64 webId = 0, apiId = 0;

    client::ServerSession *session(QObject *parent) {
        auto *s = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f->port())), parent);
        s->setToken(token);
        return s;
    }

private Q_SLOTS:
    void initTestCase() {
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
        f = std::make_unique<ServerFixture>();
        QVERIFY2(f->ok(), qPrintable(f->error()));
        const auto owner = f->addUser(QStringLiteral("o@example.com"), store::Role::Owner);
        token = f->store().sessions().create(owner.id).value();
        const QByteArray cookie = f->login(QStringLiteral("o@example.com"));
        const auto two = f->addTwoProjects();
        webId = two.alphaApp;
        apiId = two.betaApp;
        const auto rule = [&](const QString &json) {
            const auto r =
                f->http("POST", QStringLiteral("/api/alerts/rules"), json.toUtf8(), cookie);
            return qint64(r.json()["data"].toObject()["id"].toDouble());
        };
        // The server evaluates these rules for real: a threshold no percentage reaches keeps a
        // busy machine (host CPU over 90 %) from adding alerts of its own to the recorded ones.
        const QString metric = QStringLiteral("{\"name\":\"%1\",\"kind\":\"metric\",\"appId\":%2,"
                                              "\"field\":\"%3\",\"op\":\">\",\"threshold\":1000}");
        const qint64 host = rule(
            metric.arg(QStringLiteral("cpu"), QStringLiteral("null"), QStringLiteral("cpu.usage")));
        const qint64 webRule = rule(
            metric.arg(QStringLiteral("web")).arg(webId).arg(QStringLiteral("memory.percent")));
        const qint64 apiRule = rule(
            metric.arg(QStringLiteral("api")).arg(apiId).arg(QStringLiteral("memory.percent")));
        QVERIFY(host > 0 && webRule > 0 && apiRule > 0);
        const qint64 t = QDateTime::currentSecsSinceEpoch() - 600;
        auto &alerts = f->store().alerts();
        // The host's rule fires; web's fired and resolved; api's fires; a
        // test message without a rule.
        QVERIFY(alerts.recordAlert(alert(host, {}, "firing", "critical", "cpu high", t)));
        QVERIFY(alerts.recordAlert(alert(webRule, webId, "firing", "warning", "web down", t + 10)));
        QVERIFY(
            alerts.recordAlert(alert(webRule, webId, "resolved", "warning", "web down", t + 20)));
        QVERIFY(alerts.recordAlert(alert(apiRule, apiId, "firing", "warning", "api down", t + 30)));
        QVERIFY(alerts.recordAlert(alert({}, {}, "firing", "info", "Test message", t + 40)));
    }

    void firingNowAndHistory() {
        gui::AlertsView view;
        view.addHost(session(&view), QStringLiteral("Local server"));
        QVERIFY(waitFor([&] { return view.historyTable()->rowCount() == 5; }));
        QCOMPARE(view.firingTable()->rowCount(), 2);
        // Newest first: api down (rule 2, app 6), then cpu high.
        QVERIFY(view.firingTable()->item(0, 3)->text().startsWith(QStringLiteral("api down")));
        QVERIFY(view.firingTable()->item(1, 3)->text().startsWith(QStringLiteral("cpu high")));
        QCOMPARE(view.firingTable()->item(1, 1)->text(), QStringLiteral("critical"));
        QCOMPARE(view.firingTable()->item(0, 0)->text(), QStringLiteral("Local server"));
        QCOMPARE(view.historyTable()->item(0, 1)->text(), QStringLiteral("firing"));
        QCOMPARE(view.unacknowledgedCount(), 2);
        QVERIFY(view.summaryText().startsWith(QStringLiteral("2 firing")));
    }

    // Acknowledged on this desktop: it stays listed, stops counting, and a
    // new window remembers it.
    void acknowledgeIsRemembered() {
        {
            gui::AlertsView view;
            view.addHost(session(&view), QStringLiteral("Local server"));
            QVERIFY(waitFor([&] { return view.firingTable()->rowCount() == 2; }));
            QVERIFY(!view.acknowledgeButton()->isEnabled());
            view.firingTable()->selectRow(1); // cpu high
            QVERIFY(view.acknowledgeButton()->isEnabled());
            QTest::mouseClick(view.acknowledgeButton(), Qt::LeftButton);
            QCOMPARE(view.unacknowledgedCount(), 1);
            QCOMPARE(view.firingTable()->rowCount(), 2);
            QVERIFY(view.summaryText().startsWith(QStringLiteral("2 firing (1 acknowledged)")));
        }
        gui::AlertsView again;
        again.addHost(session(&again), QStringLiteral("Local server"));
        QVERIFY(waitFor([&] { return again.firingTable()->rowCount() == 2; }));
        QCOMPARE(again.unacknowledgedCount(), 1);
        QSettings().remove(QStringLiteral("alerts/acknowledged"));
    }

    // The window: the tab's title and the host's sidebar entry count what
    // fires and is not acknowledged.
    void windowCounts() {
        QTranslator english; // the plural forms ("2 alerts") come from the English file
        QVERIFY(english.load(QStringLiteral(":/i18n/mist-monitor_en.qm")));
        QCoreApplication::installTranslator(&english);
        gui::MainWindow window;
        window.connectTo(session(&window), QStringLiteral("Local server"));
        const int tab = window.tabs()->indexOf(window.alerts());
        QVERIFY(tab >= 0);
        QVERIFY(
            waitFor([&] { return window.tabs()->tabText(tab) == QStringLiteral("Ale&rts (2)"); }));
        QVERIFY2(window.hostText(0).contains(QStringLiteral("2 alerts firing")),
                 qPrintable(window.hostText(0)));
        // Each app says its own after its name: b1 has one firing, a1's resolved.
        const auto nameLine = [&](qint64 app) {
            const QTreeWidgetItem *item = gui::SidebarApps::find(window.hostItem(0), app);
            return item ? item->text(0).section(u'\n', 0, 0) : QString();
        };
        QVERIFY(waitFor([&] { return nameLine(apiId) == QStringLiteral("b1  \u26a0 1"); }));
        QCOMPARE(nameLine(webId), QStringLiteral("a1"));
        window.alerts()->acknowledgeAll();
        QCOMPARE(window.tabs()->tabText(tab), QStringLiteral("Ale&rts"));
        QVERIFY(!window.hostText(0).contains(QStringLiteral("firing")));
        QCOMPARE(nameLine(apiId), QStringLiteral("b1"));
        QSettings().remove(QStringLiteral("alerts/acknowledged"));
        QCoreApplication::removeTranslator(&english);
    }

    void windowCountsInGerman() {
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
        QCoreApplication::installTranslator(&german);
        gui::MainWindow window;
        window.connectTo(session(&window), QStringLiteral("Lokal"));
        const int tab = window.tabs()->indexOf(window.alerts());
        QVERIFY(
            waitFor([&] { return window.tabs()->tabText(tab) == QStringLiteral("Ala&rme (2)"); }));
        QVERIFY2(window.hostText(0).contains(QStringLiteral("2 Alarme aktiv")),
                 qPrintable(window.hostText(0)));
        QVERIFY(window.alerts()->summaryText().startsWith(QStringLiteral("2 aktiv")));
        QCOMPARE(window.alerts()->firingTable()->item(1, 1)->text(), QStringLiteral("kritisch"));
        QCoreApplication::removeTranslator(&german);
    }

    // Runs last: it adds a firing alert. A rule every host sample crosses fires
    // within seconds: the view gets it over /ws/alerts, lists it and says so.
    void liveAlertArrivesAndNotifies() {
        gui::AlertsView view;
        view.addHost(session(&view), QStringLiteral("Local server"));
        QVERIFY(waitFor([&] { return view.historyTable()->rowCount() == 5; }));
        QSignalSpy fired(&view, &gui::AlertsView::alertFired);
        const QByteArray cookie = f->login(QStringLiteral("o@example.com"));
        const auto created =
            f->http("POST", QStringLiteral("/api/alerts/rules"),
                    "{\"name\":\"live\",\"kind\":\"metric\",\"field\":\"cpu.usage\",\"op\":\">\","
                    "\"threshold\":-1,\"forSeconds\":0,\"cooldownSeconds\":0}",
                    cookie);
        QCOMPARE(created.status, 201);
        QVERIFY(waitFor([&] { return fired.count() >= 1; }, 20000));
        QCOMPARE(fired.first().at(0).toString(), QStringLiteral("Local server"));
        QCOMPARE(view.firingTable()->rowCount(), 3);
        QCOMPARE(view.unacknowledgedCount(), 3);
        QVERIFY(view.summaryText().startsWith(QStringLiteral("3 firing")));
        const qint64 id = qint64(created.json()["data"].toObject()["id"].toDouble());
        QCOMPARE(
            f->http("DELETE", QStringLiteral("/api/alerts/rules/%1").arg(id), {}, cookie).status,
            200);
    }

    void upstreamHasNoAlerts() {
        gui::AlertsView view;
        auto *s = session(&view);
        s->setDialect(client::ServerSession::Dialect::Upstream);
        view.addHost(s, QStringLiteral("upstream"));
        QVERIFY(
            view.summaryText().contains(QStringLiteral("Upstream Mist servers have no alerts.")));
        QCOMPARE(view.historyTable()->rowCount(), 0);
    }
};

QTEST_MAIN(TestAlertsView)
#include "tst_alertsview.moc"
