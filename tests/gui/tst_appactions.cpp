// SPDX-License-Identifier: GPL-3.0-or-later

// Start, Stop and Restart in the desktop window (offscreen) against a real server and engine:
// the log view's toolbar actions act on the real container (Stop only once its question is
// answered with Stop; Cancel leaves it running), the sidebar's state follows, the sidebar's
// context menu offers the same actions, a user sees them disabled with the reason, and a
// refusal shows the server's own message.
#include "AppActions.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TestSupport.h"
#include "client/ServerSession.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>
#include <QTranslator>

using namespace mist;
using namespace mist::test;

namespace {
bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 30000) {
    WsRecorder w;
    return w.waitFor(predicate, timeoutMs);
}
QString inspect(const QString &name, const QString &format) {
    return docker({QStringLiteral("inspect"), QStringLiteral("--format"), format, name});
}
QString stateOf(const QString &name) {
    return inspect(name, QStringLiteral("{{.State.Status}}"));
}
const QString OwnersOnly = QStringLiteral("Only owners and admins can start, stop or restart apps");
} // namespace

class TestAppActionsGui : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QString container;
    qint64 app = 0;
    qint64 bare = 0; // an app whose container does not exist

    std::unique_ptr<gui::MainWindow> window(const QString &email) {
        auto w = std::make_unique<gui::MainWindow>();
        auto *session = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f->port())), w.get());
        session->setToken(
            f->store().sessions().create(f->store().users().byEmail(email).value()->id).value());
        w->connectTo(session, QStringLiteral("Local server"));
        w->show();
        return w;
    }
    int rowOf(gui::MainWindow &w, const QString &name) {
        for (int i = 0; i < w.appCount(0); ++i)
            if (w.appText(0, i).startsWith(name + u'\n'))
                return i;
        return -1;
    }
    static QAction *action(gui::MainWindow &w, int i) { return w.logView()->appActions().value(i); }
    static QMessageBox *box(gui::MainWindow &w, const char *name) {
        QMessageBox *found = nullptr;
        waitFor(
            [&] {
                found = w.findChild<QMessageBox *>(QLatin1String(name));
                return found && found->isVisible();
            },
            10000);
        return found;
    }
    static QAbstractButton *buttonOf(QMessageBox *b, QMessageBox::ButtonRole role) {
        for (QAbstractButton *button : b->buttons())
            if (b->buttonRole(button) == role)
                return button;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        config.actionStopSeconds = 2;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        const auto two = f->addTwoProjects(); // owner; user in project alpha
        QVERIFY(two.alphaApp > 0);
        container = QStringLiteral("mist-gui-actions-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(container, QStringLiteral("echo hello; while true; do sleep 1; done"))
                     .isEmpty());
        store::App a;
        a.name = QStringLiteral("web");
        a.projectName = QStringLiteral("alpha");
        a.containerName = container;
        app = f->store().apps().add(a).value().id;
        a.name = QStringLiteral("bare");
        a.containerName = container + QStringLiteral("-never");
        bare = f->store().apps().add(a).value().id;
    }
    void cleanupTestCase() { removeContainer(container); }

    void stopAsksThenStopsAndStartStartsAgain() {
        auto w = window(QStringLiteral("owner@example.com"));
        QVERIFY(waitFor([&] { return rowOf(*w, QStringLiteral("web")) >= 0; }));
        w->selectApp(app);
        QAction *start = action(*w, 0), *stop = action(*w, 1);
        QVERIFY(start && stop);
        QVERIFY(stop->isVisible());
        QVERIFY(waitFor([&] { return stop->isEnabled(); }));

        // Cancel: nothing happens.
        stop->trigger();
        QMessageBox *question = box(*w, gui::AppActions::ConfirmName);
        QVERIFY(question);
        QVERIFY(question->text().contains(QStringLiteral("web")));
        buttonOf(question, QMessageBox::RejectRole)->click();
        QTest::qWait(1000);
        QCOMPARE(stateOf(container), QStringLiteral("running"));

        // Stop: the real container stops, and the sidebar says so.
        stop->trigger();
        question = box(*w, gui::AppActions::ConfirmName);
        QVERIFY(question);
        buttonOf(question, QMessageBox::AcceptRole)->click();
        QVERIFY(waitFor([&] { return stateOf(container) == u"exited"; }));
        QVERIFY(waitFor(
            [&] { return w->appState(0, rowOf(*w, QStringLiteral("web"))) == u"exited"; }, 10000));

        QVERIFY(waitFor([&] { return start->isEnabled(); }));
        start->trigger();
        QVERIFY(waitFor([&] { return stateOf(container) == u"running"; }));
        QVERIFY(waitFor(
            [&] { return w->appState(0, rowOf(*w, QStringLiteral("web"))) == u"running"; }, 10000));
    }

    void restartFromTheSidebarMenu() {
        auto w = window(QStringLiteral("owner@example.com"));
        QVERIFY(waitFor([&] { return rowOf(*w, QStringLiteral("web")) >= 0; }));
        w->selectApp(app);
        QMenu *menu = w->appContextMenu();
        QVERIFY(menu);
        // Start, Stop, Restart; then, apart, a new alert rule for the app.
        QCOMPARE(menu->actions().mid(0, 3), w->logView()->appActions());
        QCOMPARE(menu->actions().size(), 5);
        QVERIFY(menu->actions().at(3)->isSeparator());
        QCOMPARE(menu->actions().at(4)->objectName(), QStringLiteral("newAlertRuleAction"));
        QAction *restart = menu->actions().value(2);
        QVERIFY(waitFor([&] { return restart->isEnabled(); }));
        const QString startedAt = inspect(container, QStringLiteral("{{.State.StartedAt}}"));
        restart->trigger(); // no question for a restart
        QVERIFY(waitFor([&] {
            return inspect(container, QStringLiteral("{{.State.StartedAt}}")) != startedAt;
        }));
        QCOMPARE(stateOf(container), QStringLiteral("running"));
    }

    // Issue #20 item 8: the sidebar words the status itself from the container's times, in the
    // window's language, and the words move on by themselves (no new listing in between).
    void sidebarStatusTicksInGerman() {
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
        QCoreApplication::installTranslator(&german);
        const auto remove = qScopeGuard([&] { QCoreApplication::removeTranslator(&german); });
        docker({QStringLiteral("restart"), QStringLiteral("-t"), QStringLiteral("1"), container});
        auto w = window(QStringLiteral("owner@example.com"));
        QString first;
        QVERIFY(waitFor([&] {
            first = w->appText(0, rowOf(*w, QStringLiteral("web"))).section(u'\n', 1, 1);
            return first.contains(QStringLiteral("Aktiv seit"));
        }));
        QVERIFY(waitFor(
            [&] {
                const QString now =
                    w->appText(0, rowOf(*w, QStringLiteral("web"))).section(u'\n', 1, 1);
                return now != first && now.contains(QStringLiteral("Aktiv seit"));
            },
            5000));
        // The log view's line above the list says the same, from the same function, and ticks.
        w->selectApp(app);
        const QString header = w->logView()->appStatus();
        QVERIFY2(header.startsWith(QStringLiteral("web · Aktiv seit")), qPrintable(header));
        QVERIFY(waitFor(
            [&] {
                const QString sidebar = w->appText(0, rowOf(*w, QStringLiteral("web")));
                // The sidebar's second line is the status (a third, "CPU …", may follow).
                return w->logView()->appStatus() != header &&
                       sidebar.section(u'\n', 1, 1)
                           .startsWith(w->logView()->appStatus().section(u'·', 1).trimmed());
            },
            5000));
    }

    void userSeesThemDisabled() {
        auto w = window(QStringLiteral("user@example.com"));
        QVERIFY(waitFor([&] { return rowOf(*w, QStringLiteral("web")) >= 0; }));
        w->selectApp(app);
        QVERIFY(waitFor([&] { return action(*w, 1)->toolTip() == OwnersOnly; }));
        for (QAction *a : w->logView()->appActions()) {
            QVERIFY(!a->isEnabled());
            QCOMPARE(a->toolTip(), OwnersOnly);
        }
    }

    // The server's refusal in its own words: an app without a container, and a 403 for a
    // window that still believes its user an admin (the role is read once per connection).
    void refusalsShowTheServersMessage() {
        auto w = window(QStringLiteral("owner@example.com"));
        QVERIFY(waitFor([&] { return rowOf(*w, QStringLiteral("bare")) >= 0; }));
        w->selectApp(bare);
        QVERIFY(waitFor([&] { return action(*w, 0)->isEnabled(); }));
        action(*w, 0)->trigger();
        QMessageBox *error = box(*w, gui::AppActions::ErrorName);
        QVERIFY(error);
        QVERIFY2(error->text().contains(QStringLiteral("has no container")),
                 qPrintable(error->text()));
        error->close();

        auto u = window(QStringLiteral("user@example.com"));
        QVERIFY(waitFor([&] { return rowOf(*u, QStringLiteral("web")) >= 0; }));
        auto *session = u->findChild<client::ServerSession *>();
        QVERIFY(session);
        session->setProperty(gui::AppActions::RoleProperty,
                             QStringLiteral("admin")); // stale: as if demoted since
        u->selectApp(app);
        QVERIFY(waitFor([&] { return action(*u, 2)->isEnabled(); }));
        action(*u, 2)->trigger();
        error = box(*u, gui::AppActions::ErrorName);
        QVERIFY(error);
        QCOMPARE(error->text(),
                 QStringLiteral("Only owners and admins may start, stop or restart apps"));
        QCOMPARE(stateOf(container), QStringLiteral("running"));
    }
};

QTEST_MAIN(TestAppActionsGui)
#include "tst_appactions.moc"
