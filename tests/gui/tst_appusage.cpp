// SPDX-License-Identifier: GPL-3.0-or-later

// States at a glance and who is eating the host (#20 item 3, #18), offscreen against a real
// server and the private engine: the sidebar groups a host's apps under project nodes (the
// Containers node stays last), shows each running app's CPU and memory and a restarting
// one's restart count; the App usage tab lists every app with its figures, sorted by CPU
// (busiest first), by number in every column, and opens an app on a double-click. The
// /ws/apps/stats parser takes hostile entries (data rows).
#include "AppLog.h"
#include "AppStats.h"
#include "AppUsageModel.h"
#include "AppUsageView.h"
#include "ContainerDiscovery.h"
#include "MainWindow.h"
#include "SidebarApps.h"
#include "TestPaths.h"
#include "TestSupport.h"
#include "client/ServerSession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

using namespace mist;
using namespace mist::test;

class TestAppUsage : public QObject {
    Q_OBJECT
    QTemporaryDir dataDir;
    std::unique_ptr<ServerFixture> f;
    std::unique_ptr<gui::MainWindow> window;
    QByteArray ownerCookie;
    const qint64 pid = QCoreApplication::applicationPid();
    const QString busy = QStringLiteral("mist-use-busy-%1").arg(pid);
    const QString idle = QStringLiteral("mist-use-idle-%1").arg(pid);
    const QString other = QStringLiteral("mist-use-other-%1").arg(pid);
    const QString looping = QStringLiteral("mist-use-loop-%1").arg(pid);
    const QString loose = QStringLiteral("mist-use-loose-%1").arg(pid);
    const QString shop = QStringLiteral("shop-%1").arg(pid);
    const QString blog = QStringLiteral("blog-%1").arg(pid);
    QHash<QString, qint64> ids; // app name -> id

    bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 30000) {
        WsRecorder w;
        return w.waitFor(predicate, timeoutMs);
    }

    qint64 adopt(const QString &name, const QString &project, const QString &container) {
        const HttpResult r =
            f->http("POST", QStringLiteral("/api/apps"),
                    QJsonDocument(QJsonObject{{QStringLiteral("name"), name},
                                              {QStringLiteral("project"), project},
                                              {QStringLiteral("container"), container}})
                        .toJson(QJsonDocument::Compact),
                    ownerCookie);
        return r.status == 201 ? qint64(r.json()["data"].toObject()["id"].toDouble()) : 0;
    }

    QTreeWidgetItem *appItem(const QString &name) {
        return gui::SidebarApps::find(window->hostItem(0), ids.value(name));
    }
    QString sidebarText(const QString &name) {
        QTreeWidgetItem *item = appItem(name);
        return item ? item->text(0) : QString();
    }

private Q_SLOTS:
    void parse_data() {
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("appId");
        QTest::addColumn<bool>("live");
        QTest::addColumn<double>("cpu");
        QTest::addColumn<double>("memory");
        QTest::addColumn<qint64>("restarts");
        QTest::newRow("running")
            << QByteArray(R"({"appId":7,"name":"web","project":"p","state":"running",)"
                          R"("cpu":{"percent":12.5},"memory":{"used":1048576,"limit":2097152,)"
                          R"("percent":50},"network":{"rxRate":10,"txRate":20},)"
                          R"("blockio":{"readRate":1,"writeRate":2},"pids":3,"restarts":2})")
            << true << qint64(7) << true << 12.5 << 1048576.0 << qint64(2);
        QTest::newRow("no container: figures null, restarts known")
            << QByteArray(R"({"appId":8,"state":"restarting","cpu":null,"memory":null,)"
                          R"("pids":null,"restarts":5})")
            << true << qint64(8) << false << 0.0 << 0.0 << qint64(5);
        QTest::newRow("negative figures count as 0")
            << QByteArray(R"({"appId":9,"cpu":{"percent":-4},"memory":{"used":-1},)"
                          R"("restarts":-3})")
            << true << qint64(9) << true << 0.0 << 0.0 << qint64(0);
        QTest::newRow("figures of the wrong type")
            << QByteArray(R"({"appId":10,"cpu":{"percent":"99"},"memory":"lots",)"
                          R"("restarts":"7","pids":[1]})")
            << true << qint64(10) << false << 0.0 << 0.0 << qint64(0);
        QTest::newRow("huge restarts") << QByteArray(R"({"appId":11,"restarts":1e300})") << true
                                       << qint64(11) << false << 0.0 << 0.0 << qint64(0);
        QTest::newRow("no appId") << QByteArray(R"({"name":"x"})") << false << qint64(0) << false
                                  << 0.0 << 0.0 << qint64(0);
        QTest::newRow("appId as text") << QByteArray(R"({"appId":"7"})") << false << qint64(0)
                                       << false << 0.0 << 0.0 << qint64(0);
        QTest::newRow("appId 0") << QByteArray(R"({"appId":0})") << false << qint64(0) << false
                                 << 0.0 << 0.0 << qint64(0);
        QTest::newRow("appId fractional") << QByteArray(R"({"appId":1.5})") << false << qint64(0)
                                          << false << 0.0 << 0.0 << qint64(0);
        QTest::newRow("appId huge") << QByteArray(R"({"appId":1e300})") << false << qint64(0)
                                    << false << 0.0 << 0.0 << qint64(0);
        QTest::newRow("not an object")
            << QByteArray("[42]") << false << qint64(0) << false << 0.0 << 0.0 << qint64(0);
    }

    void parse() {
        QFETCH(QByteArray, entry);
        QFETCH(bool, valid);
        const QJsonDocument doc = QJsonDocument::fromJson(entry);
        const QJsonValue value = doc.isArray() ? doc.array().at(0) : QJsonValue(doc.object());
        const auto s = gui::parseAppStats(value);
        QCOMPARE(s.has_value(), valid);
        if (!valid)
            return;
        QTEST(s->appId, "appId");
        QTEST(s->live, "live");
        QTEST(s->cpuPercent, "cpu");
        QTEST(s->memoryUsed, "memory");
        QTEST(s->restarts, "restarts");
    }

    void parseMessage_data() {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<int>("apps"); // -1: not a stats message
        QTest::newRow("two apps, one bad")
            << QByteArray(R"({"type":"stats","data":{"apps":[{"appId":1},{"x":1},{"appId":2}]}})")
            << 2;
        QTest::newRow("no apps") << QByteArray(R"({"type":"stats","data":{"apps":[]}})") << 0;
        QTest::newRow("apps not an array")
            << QByteArray(R"({"type":"stats","data":{"apps":{"appId":1}}})") << -1;
        QTest::newRow("no data") << QByteArray(R"({"type":"stats"})") << -1;
        QTest::newRow("another type")
            << QByteArray(R"({"type":"error","data":{"apps":[{"appId":1}]}})") << -1;
    }

    void parseMessage() {
        QFETCH(QByteArray, message);
        QFETCH(int, apps);
        const auto parsed = gui::parseAppStatsMessage(QJsonDocument::fromJson(message).object());
        QCOMPARE(parsed ? int(parsed->size()) : -1, apps);
    }

    // More entries than anyone has apps: read up to the bound, not beyond.
    void parseMessageIsBounded() {
        QJsonArray apps;
        for (int i = 1; i <= gui::MaxApps + 50; ++i)
            apps.append(QJsonObject{{QStringLiteral("appId"), i}});
        const QJsonObject m{{QStringLiteral("type"), QStringLiteral("stats")},
                            {QStringLiteral("data"), QJsonObject{{QStringLiteral("apps"), apps}}}};
        QCOMPARE(int(gui::parseAppStatsMessage(m)->size()), gui::MaxApps);
    }

    // Every column sorts by its value, not its text: 9.5 % below 10.2 %, 900 KiB below
    // 2 MiB, 2 restarts below 10; an app without a running container below every running one.
    void usageTableSortsByNumber() {
        gui::AppUsageView view;
        auto app = [](qint64 id, double cpu, double memory, qint64 restarts, bool live = true) {
            gui::AppStats s;
            s.appId = id;
            s.name = QStringLiteral("app%1").arg(id);
            s.state = live ? QStringLiteral("running") : QStringLiteral("exited");
            s.live = live;
            s.cpuPercent = cpu;
            s.memoryUsed = memory;
            s.restarts = restarts;
            return s;
        };
        view.setStats({app(1, 9.5, 900 * 1024.0, 2), app(2, 10.2, 2 * 1048576.0, 10),
                       app(3, 0, 0, 0, false), app(4, 0.0, 100.0, 3)});
        const auto order = [&](int column, Qt::SortOrder sortOrder) {
            view.table()->sortByColumn(column, sortOrder);
            QList<qint64> ids;
            for (int row = 0; row < view.table()->model()->rowCount(); ++row)
                ids << view.appIdAt(row);
            return ids;
        };
        using M = gui::AppUsageModel;
        QCOMPARE(order(M::Cpu, Qt::DescendingOrder), (QList<qint64>{2, 1, 4, 3}));
        QCOMPARE(order(M::Cpu, Qt::AscendingOrder), (QList<qint64>{3, 4, 1, 2}));
        QCOMPARE(order(M::Memory, Qt::DescendingOrder), (QList<qint64>{2, 1, 4, 3}));
        QCOMPARE(order(M::Restarts, Qt::DescendingOrder), (QList<qint64>{2, 4, 1, 3}));
        // The figures change (the same apps): the rows move with them.
        view.setStats({app(1, 50, 900 * 1024.0, 2), app(2, 10.2, 2 * 1048576.0, 10),
                       app(3, 0, 0, 0, false), app(4, 0.0, 100.0, 3)});
        QCOMPARE(order(M::Cpu, Qt::DescendingOrder), (QList<qint64>{1, 2, 4, 3}));
        QCOMPARE(view.table()->model()->index(3, M::Cpu).data().toString(), QStringLiteral("—"));
    }

    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig c;
        c.dataDir = dataDir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none");
        c.port = 0;
        f = std::make_unique<ServerFixture>(c, ServerFixture::KeepPort{});
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        ownerCookie = f->login(QStringLiteral("owner@example.com"));
        QVERIFY(!ownerCookie.isEmpty());
        // Half a core at most for the busy one: the machine is shared.
        QVERIFY(!runContainer(busy, QStringLiteral("while :; do :; done"),
                              {QStringLiteral("--cpus=0.5")})
                     .isEmpty());
        for (const QString &name : {idle, other, loose})
            QVERIFY(!runContainer(name, QStringLiteral("while true; do sleep 1; done")).isEmpty());
        QVERIFY(!runContainer(looping, QStringLiteral("sleep 1; exit 3"),
                              {QStringLiteral("--restart=always")})
                     .isEmpty());
        const QList<std::pair<QString, std::pair<QString, QString>>> apps{
            {QStringLiteral("busy"), {shop, busy}},
            {QStringLiteral("idle"), {shop, idle}},
            {QStringLiteral("looping"), {shop, looping}},
            {QStringLiteral("other"), {blog, other}}};
        for (const auto &[name, where] : apps) {
            ids[name] = adopt(name, where.first, where.second);
            QVERIFY2(ids[name] > 0, qPrintable(name));
        }
        window = std::make_unique<gui::MainWindow>();
        auto *session = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f->port())), window.get());
        session->setToken(
            f->store()
                .sessions()
                .create(f->store().users().byEmail(QStringLiteral("owner@example.com")).value()->id)
                .value());
        window->connectTo(session, QStringLiteral("Local server"));
        window->resize(1024, 600);
        window->show();
    }

    void cleanupTestCase() {
        window.reset();
        for (const QString &name : {busy, idle, other, looping, loose})
            removeContainer(name);
    }

    // Two projects: each app under its project's node; the unadopted container's node stays
    // the host's last child, and appCount()/appText() still see just the apps.
    void appsAreGroupedByProject() {
        QVERIFY(window);
        gui::MainWindow &w = *window;
        QVERIFY(waitFor([&] { return w.appCount(0) == 4; }));
        QTreeWidgetItem *host = w.hostItem(0);
        QVERIFY(waitFor([&] { return gui::ContainerDiscovery::listed(host).contains(loose); }));
        QCOMPARE(gui::SidebarApps::projects(host).size(), 2);
        for (const QString &name : {QStringLiteral("busy"), QStringLiteral("idle"),
                                    QStringLiteral("looping"), QStringLiteral("other")}) {
            QTreeWidgetItem *item = appItem(name);
            QVERIFY2(item, qPrintable(name));
            QVERIFY(gui::SidebarApps::isProject(item->parent()));
            QCOMPARE(item->parent()->parent(), host);
            QCOMPARE(item->parent()->text(0), name == u"other" ? blog : shop);
        }
        QCOMPARE(gui::ContainerDiscovery::kind(host->child(host->childCount() - 1)),
                 gui::ContainerDiscovery::Node);
        QStringList names;
        for (int i = 0; i < w.appCount(0); ++i)
            names << w.appText(0, i).section(u'\n', 0, 0);
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("busy"), QStringLiteral("idle"),
                                     QStringLiteral("looping"), QStringLiteral("other")}));
        // A click on an app under its project opens it (its log in the log view).
        w.selectApp(ids.value(QStringLiteral("other")));
        QCOMPARE(w.sidebar()->currentItem(), appItem(QStringLiteral("other")));
        QVERIFY(w.currentAppLog());
        QCOMPARE(w.currentAppLog()->appId(), ids.value(QStringLiteral("other")));
    }

    // The busy container: first by CPU in the App usage tab, its sidebar entry with a CPU
    // figure; every figure column sorts by number.
    void busyAppLeadsTheUsageTable() {
        QVERIFY(window);
        gui::MainWindow &w = *window;
        w.tabs()->setCurrentWidget(w.appUsage());
        gui::AppUsageView *view = w.appUsage();
        QTableView *table = view->table();
        QVERIFY(waitFor([&] {
            return table->model()->rowCount() == 4 &&
                   view->appIdAt(0) == ids.value(QStringLiteral("busy")) &&
                   table->model()
                           ->index(0, gui::AppUsageModel::Cpu)
                           .data(gui::AppUsageModel::SortRole)
                           .toDouble() > 10;
        }));
        static const QRegularExpression cpu(QStringLiteral("\nCPU [0-9.,]+ % · [0-9.,]+ "));
        QVERIFY(waitFor([&] { return cpu.match(sidebarText(QStringLiteral("busy"))).hasMatch(); }));
        // Numeric, not text, order in every figure column: descending values row by row.
        for (int column = gui::AppUsageModel::Cpu; column < gui::AppUsageModel::ColumnCount;
             ++column) {
            table->sortByColumn(column, Qt::DescendingOrder);
            for (int row = 1; row < table->model()->rowCount(); ++row)
                QVERIFY2(table->model()->index(row - 1, column).data(Qt::UserRole).toDouble() >=
                             table->model()->index(row, column).data(Qt::UserRole).toDouble(),
                         qPrintable(QStringLiteral("column %1 row %2").arg(column).arg(row)));
        }
        table->sortByColumn(gui::AppUsageModel::Cpu, Qt::DescendingOrder);
        QVERIFY(waitFor([&] { return view->appIdAt(0) == ids.value(QStringLiteral("busy")); }));
        // A double-click opens the app: its log in the Logs tab.
        const QModelIndex first = table->model()->index(0, 0);
        const QRect rect = table->visualRect(first);
        // (the view takes a double-click only after the press of its first click)
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(w.tabs()->currentWidget(), static_cast<QWidget *>(w.logView()));
        QCOMPARE(w.sidebar()->currentItem(), appItem(QStringLiteral("busy")));
    }

    // A container that exits and is restarted by Docker: its restart count in the sidebar
    // and the table, never more than the engine says.
    void restartingAppShowsItsRestarts() {
        QVERIFY(window);
        static const QRegularExpression restarts(QStringLiteral(" · (\\d+) restart"));
        QVERIFY(waitFor([&] {
            const auto m = restarts.match(sidebarText(QStringLiteral("looping")));
            return m.hasMatch() && m.captured(1).toInt() >= 2;
        }));
        const int shown =
            restarts.match(sidebarText(QStringLiteral("looping"))).captured(1).toInt();
        const int engine = docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                                   QStringLiteral("{{.RestartCount}}"), looping})
                               .toInt();
        QVERIFY2(shown <= engine, qPrintable(QStringLiteral("%1 > %2").arg(shown).arg(engine)));
        QTableView *table = window->appUsage()->table();
        int row = -1;
        for (int r = 0; r < table->model()->rowCount(); ++r)
            if (window->appUsage()->appIdAt(r) == ids.value(QStringLiteral("looping")))
                row = r;
        QVERIFY(row >= 0);
        QVERIFY(table->model()->index(row, gui::AppUsageModel::Restarts).data().toInt() >= 2);
        // The idle one never restarted: no count.
        QVERIFY(!sidebarText(QStringLiteral("idle")).contains(QStringLiteral("restart")));
    }
};

QTEST_MAIN(TestAppUsage)
#include "tst_appusage.moc"
