// SPDX-License-Identifier: GPL-3.0-or-later

// First run (#20, "Discovery"), offscreen against a real server and the private engine: an
// empty store on a host with containers lists them under "Containers" (grouped by compose
// project) and asks once whether to add them all; one is adopted with "Add as app…" and its
// logs stream; an app added or removed elsewhere shows without a refresh; "New app…" creates
// a git app and deploys it; a plain user gets no container list.
#include "AppDialogs.h"
#include "ContainerDiscovery.h"
#include "DeploymentsView.h"
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TestPaths.h"
#include "TestSupport.h"
#include "client/ServerSession.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QTabWidget>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>
#include <QUuid>

using namespace mist;
using namespace mist::test;

class TestDiscovery : public QObject {
    Q_OBJECT
    QTemporaryDir dataDir;
    std::unique_ptr<ServerFixture> f;
    std::unique_ptr<gui::MainWindow> window;
    QByteArray ownerCookie;
    const qint64 pid = QCoreApplication::applicationPid();
    const QString plain = QStringLiteral("mist-disc-plain-%1").arg(pid);
    const QString shop = QStringLiteral("mist-disc-shop-%1").arg(pid);
    const QString project = QStringLiteral("shop-%1").arg(pid);
    qint64 gitApp = 0;
    GitRepo repo;

    bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 20000) {
        WsRecorder w;
        return w.waitFor(predicate, timeoutMs);
    }

    std::unique_ptr<gui::MainWindow> openWindow(const QString &email) {
        auto w = std::make_unique<gui::MainWindow>();
        auto *session = signedInSession(*f, email, w.get());
        w->setLocalSession(session, QStringLiteral("Local server"));
        w->connectTo(session, QStringLiteral("Local server"));
        w->show();
        return w;
    }

    QHash<QString, QString> listed(gui::MainWindow &w) {
        return gui::ContainerDiscovery::listed(w.hostItem(0));
    }

    QTreeWidgetItem *containerItem(gui::MainWindow &w, const QString &name) {
        QTreeWidgetItemIterator it(w.sidebar());
        for (; *it; ++it)
            if (gui::ContainerDiscovery::kind(*it) == gui::ContainerDiscovery::Container &&
                (*it)->data(0, gui::ContainerDiscovery::NameRole).toString() == name)
                return *it;
        return nullptr;
    }

    QStringList appNames(gui::MainWindow &w) {
        QStringList names;
        for (int i = 0; i < w.appCount(0); ++i)
            names << w.appText(0, i).section(u'\n', 0, 0);
        return names;
    }

    QJsonObject appByName(const QString &name) {
        const HttpResult r = f->http("GET", QStringLiteral("/api/apps"), {}, ownerCookie);
        for (const QJsonValue &v : r.json().value(QStringLiteral("data")).toArray())
            if (v.toObject().value(QStringLiteral("name")).toString() == name)
                return v.toObject();
        return {};
    }

    void clickButton(QWidget *dialog, QDialogButtonBox::StandardButton which) {
        auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttons"));
        QVERIFY(buttons && buttons->button(which));
        buttons->button(which)->click();
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig c;
        c.dataDir = dataDir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none");
        c.port = 0;
        f = std::make_unique<ServerFixture>(c, ServerFixture::KeepPort{});
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        f->addUser(QStringLiteral("user@example.com"), store::Role::User);
        ownerCookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!ownerCookie.isEmpty());
        for (const QString &name : {plain, shop})
            removeContainer(name);
        QVERIFY(!runContainer(plain, QStringLiteral("for i in $(seq 1 20); do echo disc-line$i; "
                                                    "done; while true; do sleep 1; done"))
                     .isEmpty());
        QVERIFY(!runContainer(shop, QStringLiteral("while true; do sleep 1; done"),
                              {QStringLiteral("--label"),
                               QStringLiteral("com.docker.compose.project=") + project})
                     .isEmpty());
    }

    void cleanupTestCase() {
        window.reset();
        for (const QString &name : {plain, shop})
            removeContainer(name);
        if (gitApp)
            removeContainer(QStringLiteral("app-%1").arg(gitApp));
    }

    // Empty store, two containers: both under Containers (one in its compose project's
    // group), the first-run prompt; "Add as app…" on one makes it an app whose logs stream.
    void firstRunListsContainersAndAdoptsOne() {
        window = openWindow(QStringLiteral("owner@example.com"));
        gui::MainWindow &w = *window;
        QVERIFY(waitFor([&] {
            const auto l = listed(w);
            return l.contains(plain) && l.contains(shop);
        }));
        QCOMPARE(listed(w).value(plain), QString());
        QCOMPARE(listed(w).value(shop), project);
        QCOMPARE(containerItem(w, shop)->parent()->text(0), project);
        QCOMPARE(w.appCount(0), 0);

        QMessageBox *prompt = nullptr;
        QVERIFY(waitFor([&] {
            prompt = w.findChild<QMessageBox *>(QStringLiteral("firstRunPrompt"));
            return prompt && prompt->isVisible();
        }));
        prompt->button(QMessageBox::No)->click();
        QVERIFY(
            waitFor([&] { return !w.findChild<QMessageBox *>(QStringLiteral("firstRunPrompt")); }));

        auto *add = w.findChild<QAction *>(QStringLiteral("addContainerAction"));
        QVERIFY(add);
        QVERIFY(!add->isEnabled()); // nothing selected yet
        w.sidebar()->setCurrentItem(containerItem(w, plain));
        QVERIFY(add->isEnabled());
        add->trigger();
        auto *dialog = w.findChild<gui::AddAppDialog *>();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->name(), plain); // defaults to the container's name
        QCOMPARE(dialog->project(), QStringLiteral("default"));
        dialog->setName(QStringLiteral("web"));
        clickButton(dialog, QDialogButtonBox::Ok);

        QVERIFY(waitFor([&] { return appNames(w) == QStringList{QStringLiteral("web")}; }));
        QVERIFY(waitFor([&] { return !listed(w).contains(plain) && listed(w).contains(shop); }));
        QCOMPARE(appByName(QStringLiteral("web")).value(QStringLiteral("containerName")).toString(),
                 plain);
        // The new app is shown, in the Logs tab: its logs stream into the log view.
        QVERIFY(waitFor([&] { return w.tabs()->currentWidget() == w.logView(); }));
        gui::LogModel *logs = w.logView()->model();
        QVERIFY(waitFor([&] {
            logs->flushPending();
            for (int i = 0; i < logs->visibleLines(); ++i)
                if (logs->entryAt(i).text == u"disc-line20")
                    return true;
            return false;
        }));
    }

    // An app added from outside (REST, the CLI) appears within seconds (the list used to wait
    // for F5 or its 15 s timer), and goes when it is removed.
    void appAddedElsewhereAppearsWithoutRefresh() {
        QVERIFY(window);
        gui::MainWindow &w = *window;
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/apps"),
                    QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("outside")},
                                              {QStringLiteral("project"), project},
                                              {QStringLiteral("container"), shop}})
                        .toJson(QJsonDocument::Compact),
                    ownerCookie);
        QCOMPARE(r.status, 201);
        const qint64 id = qint64(r.json()["data"].toObject()["id"].toDouble());
        QVERIFY(waitFor([&] { return appNames(w).contains(QStringLiteral("outside")); }, 6000));
        // Its container leaves the Containers node (now none is left: the node goes).
        QVERIFY(waitFor(
            [&] {
                return !gui::ContainerDiscovery::node(w.hostItem(0)) || !listed(w).contains(shop);
            },
            6000));
        QVERIFY(f->store().apps().remove(id).value());
        QVERIFY(waitFor([&] { return !appNames(w).contains(QStringLiteral("outside")); }, 6000));
        // `mist-monitor app add` (another process, writing the database) too.
        QProcess cli;
        cli.start(binaryPath(QStringLiteral("mist-monitor")),
                  {QStringLiteral("app"), QStringLiteral("add"), QStringLiteral("--data-dir"),
                   dataDir.filePath(QStringLiteral("data")), QStringLiteral("--name"),
                   QStringLiteral("from-cli"), QStringLiteral("--container"), shop});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        const qint64 cliApp = cli.readAllStandardOutput().trimmed().toLongLong();
        QVERIFY(cliApp > 0);
        QVERIFY(waitFor([&] { return appNames(w).contains(QStringLiteral("from-cli")); }, 6000));
        QVERIFY(f->store().apps().remove(cliApp).value());
        QVERIFY(waitFor([&] { return !appNames(w).contains(QStringLiteral("from-cli")); }, 6000));
        QVERIFY(waitFor([&] { return listed(w).contains(shop); }, 6000));
    }

    // "New app…": a git app with branch, Dockerfile and port, deployed at once.
    void newAppCreatesGitAppAndDeploys() {
        QVERIFY(window);
        gui::MainWindow &w = *window;
        repo.commit({{"build/App.dockerfile",
                      "FROM mist-test-base:latest\nRUN echo disc-build " +
                          QUuid::createUuid().toByteArray() +
                          "\nCMD [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n"}},
                    QStringLiteral("discovery test"), QStringLiteral("release"));
        auto *newApp = w.findChild<QAction *>(QStringLiteral("newAppAction"));
        QVERIFY(newApp && newApp->isEnabled());
        newApp->trigger();
        auto *dialog = w.findChild<gui::NewAppDialog *>();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(dialog->deployNow());
        dialog->setFields(QStringLiteral("site"), QStringLiteral("gamma"),
                          QStringLiteral("file://") + repo.path(), QStringLiteral("release"),
                          QStringLiteral("build/App.dockerfile"), 8080);
        clickButton(dialog, QDialogButtonBox::Ok);
        QVERIFY(waitFor([&] { return appNames(w).contains(QStringLiteral("site")); }));
        const QJsonObject app = appByName(QStringLiteral("site"));
        gitApp = qint64(app.value(QStringLiteral("id")).toDouble());
        QCOMPARE(app.value(QStringLiteral("projectName")).toString(), QStringLiteral("gamma"));
        QCOMPARE(app.value(QStringLiteral("gitBranch")).toString(), QStringLiteral("release"));
        QCOMPARE(app.value(QStringLiteral("dockerfile")).toString(),
                 QStringLiteral("build/App.dockerfile"));
        QCOMPARE(app.value(QStringLiteral("port")).toInt(), 8080);
        // Its deployment runs in the Deployments tab and succeeds.
        QVERIFY(waitFor([&] { return w.tabs()->currentWidget() == w.deploymentsView(); }));
        QVERIFY(
            waitFor([&] { return w.deploymentsView()->currentStatus() == u"success"; }, 120000));
    }

    // A user may not list the host's containers: no node, no prompt.
    void userGetsNoContainers() {
        auto w = openWindow(QStringLiteral("user@example.com"));
        QVERIFY(waitFor([&] { return w->hostText(0).contains(QStringLiteral("connected")); }));
        pump(2000);
        QVERIFY(!gui::ContainerDiscovery::node(w->hostItem(0)));
        QVERIFY(!w->findChild<QMessageBox *>(QStringLiteral("firstRunPrompt")));
    }

    // The new words in German: the menu, the dialogs, the node.
    void german() {
        QTranslator german;
        QVERIFY(german.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
        QCoreApplication::installTranslator(&german);
        {
            gui::MainWindow w;
            auto *action = w.findChild<QAction *>(QStringLiteral("addContainerAction"));
            QVERIFY(action);
            QCOMPARE(action->text(), QStringLiteral("Als App &hinzufügen…"));
            gui::AddAppDialog add(QStringLiteral("c"), QString(), {});
            QCOMPARE(add.windowTitle(), QStringLiteral("Container als App hinzufügen"));
            gui::NewAppDialog created({});
            QCOMPARE(created.windowTitle(), QStringLiteral("Neue App aus Git"));
            QCOMPARE(gui::ContainerDiscovery::tr("Containers (%n)", nullptr, 3),
                     QStringLiteral("Container (3)"));
        }
        QCoreApplication::removeTranslator(&german);
    }

    // Empty store again: the first-run prompt's Yes adds every container, each in its compose
    // project (else "default").
    void firstRunPromptAddsAll() {
        window.reset();
        const QList<store::App> apps = f->store().apps().all().value();
        for (const store::App &app : apps)
            QVERIFY(f->store().apps().remove(app.id).value());
        window = openWindow(QStringLiteral("owner@example.com"));
        gui::MainWindow &w = *window;
        QMessageBox *prompt = nullptr;
        QVERIFY(waitFor([&] {
            prompt = w.findChild<QMessageBox *>(QStringLiteral("firstRunPrompt"));
            return prompt && prompt->isVisible() && listed(w).contains(plain) &&
                   listed(w).contains(shop);
        }));
        prompt->button(QMessageBox::Yes)->click();
        QVERIFY(waitFor([&] {
            return appNames(w).contains(plain) && appNames(w).contains(shop) &&
                   !listed(w).contains(plain) && !listed(w).contains(shop);
        }));
        QCOMPARE(appByName(shop).value(QStringLiteral("projectName")).toString(), project);
        QCOMPARE(appByName(plain).value(QStringLiteral("projectName")).toString(),
                 QStringLiteral("default"));
    }
};

QTEST_MAIN(TestDiscovery)
#include "tst_discovery.moc"
