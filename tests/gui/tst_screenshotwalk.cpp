// SPDX-License-Identifier: GPL-3.0-or-later

// The first run as an operator meets it (#20, "Done when"), walked under Xvfb in English and
// German at 1024x600 and 1600x1000, one screenshot per step: an empty store on a host with
// four containers (a chatty one printing levels, JSON and ANSI colours, a quiet one, a stopped
// one and a crash-looping one) lists them under "Containers" and offers to add them all; one is
// adopted with "Add as app…" and its logs stream; the other three are adopted too and each
// state reads at a glance (badge, live status words in the window's language). Each step is
// checked, not only pictured. The pictures go to $MIST_SCREENSHOT_DIR (scripts/screenshots.sh
// points it at docs/screenshots/walk for the README), else next to this test's binary.
#include "AppDialogs.h"
#include "ContainerDiscovery.h"
#include "FleetView.h"
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "SidebarApps.h"
#include "TestSupport.h"
#include "client/ServerSession.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QDir>
#include <QGuiApplication>
#include <QLibraryInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QTabWidget>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>

using namespace mist;
using namespace mist::test;

namespace {
bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 30000) {
    WsRecorder w;
    return w.waitFor(predicate, timeoutMs);
}

// The four containers of the walk, all of compose project "shop".
struct WalkContainer {
    const char *name;
    const char *app; // the name it is adopted under
    const char *script;
    bool crashLoops;
};
// The chatty one prints a line with ANSI colours, a JSON line and, now and then, an error on
// stderr, 10 times a second.
const WalkContainer Containers[] = {
    {"shop-web", "web",
     "i=0; while true; do i=$((i+1)); "
     "printf '\\033[32mINFO\\033[0m GET /products/%d \\033[1m200\\033[0m 3ms\\n' $i; "
     "[ $((i % 3)) -eq 0 ] && echo "
     "\"{\\\"level\\\":\\\"warn\\\",\\\"msg\\\":\\\"slow query\\\",\\\"ms\\\":$((i * 7 % 900))}\"; "
     "[ $((i % 11)) -eq 0 ] && echo \"ERROR payment gateway timeout (order $i)\" >&2; "
     "sleep 0.1; done",
     false},
    {"shop-cron", "cron", "echo 'INFO scheduler ready: 3 jobs'; while true; do sleep 1; done",
     false},
    {"shop-migrate", "migrate", "echo 'INFO migrating 12 tables'; echo 'INFO migrations done'",
     false},
    {"shop-worker", "worker",
     "echo 'INFO worker starting'; echo 'FATAL: missing env DATABASE_URL' >&2; exit 1", true},
};
} // namespace

class TestScreenshotWalk : public QObject {
    Q_OBJECT
    QTemporaryDir dataDir;
    std::unique_ptr<ServerFixture> f;
    QString out;

    // The window's pixels as the screen shows them (an open dialog included) under a real X
    // server; the window's own rendering where the platform cannot grab the screen.
    QImage shoot(QWidget &window, const QString &name) {
        QImage image;
        if (QScreen *screen = window.screen();
            screen && QGuiApplication::platformName() != u"offscreen") {
            const QRect g = window.frameGeometry();
            image = screen->grabWindow(0, g.x(), g.y(), g.width(), g.height()).toImage();
        }
        if (image.isNull())
            image = window.grab().toImage();
        const QString path = QDir(out).filePath(name + QStringLiteral(".png"));
        if (!image.save(path))
            qWarning("could not write %s", qPrintable(path));
        return image;
    }

    // A picture of something: the window's size, and more than a few colours.
    static bool looksShown(const QImage &image, const QSize &size) {
        if (image.isNull() || image.size() != size)
            return false;
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        return colours.size() > 16;
    }

    static QTreeWidgetItem *containerItem(gui::MainWindow &w, const QString &name) {
        QTreeWidgetItemIterator it(w.sidebar());
        for (; *it; ++it)
            if (gui::ContainerDiscovery::kind(*it) == gui::ContainerDiscovery::Container &&
                (*it)->data(0, gui::ContainerDiscovery::NameRole).toString() == name)
                return *it;
        return nullptr;
    }

    static QTreeWidgetItem *appItem(gui::MainWindow &w, const QString &name) {
        for (QTreeWidgetItem *item : gui::SidebarApps::apps(w.hostItem(0)))
            if (item->text(0).section(u'\n', 0, 0) == name)
                return item;
        return nullptr;
    }

    static QString stateOf(gui::MainWindow &w, const QString &name) {
        QTreeWidgetItem *item = appItem(w, name);
        return item ? item->data(0, gui::SidebarApps::StateRole).toString() : QString();
    }

    static void adopt(gui::MainWindow &w, const QString &container, const QString &name,
                      const std::function<void(QDialog &)> &beforeOk = {}) {
        QTreeWidgetItem *item = nullptr;
        QVERIFY(waitFor([&] { return (item = containerItem(w, container)) != nullptr; }));
        w.sidebar()->setCurrentItem(item);
        auto *add = w.findChild<QAction *>(QStringLiteral("addContainerAction"));
        QVERIFY(add && add->isEnabled());
        add->trigger();
        auto *dialog = w.findChild<gui::AddAppDialog *>();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->project(), QStringLiteral("shop")); // from its compose label
        dialog->setName(name);
        if (beforeOk)
            beforeOk(*dialog);
        auto *buttons = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttons"));
        QVERIFY(buttons && buttons->button(QDialogButtonBox::Ok));
        buttons->button(QDialogButtonBox::Ok)->click();
        QVERIFY2(waitFor([&] { return appItem(w, name) != nullptr; }), qPrintable(name));
    }

    static bool logShows(gui::LogModel *logs,
                         const std::function<bool(const gui::LogEntry &)> &want) {
        logs->flushPending();
        for (int i = 0; i < logs->visibleLines(); ++i)
            if (want(logs->entryAt(i)))
                return true;
        return false;
    }

    static QString shownLines(gui::LogModel *logs) {
        QStringList lines;
        for (int i = qMax(0, logs->visibleLines() - 20); i < logs->visibleLines(); ++i)
            lines << logs->entryAt(i).text;
        return lines.join(u'\n');
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        out = qEnvironmentVariable("MIST_SCREENSHOT_DIR");
        if (out.isEmpty())
            out = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("walk"));
        QVERIFY(QDir().mkpath(out));
        server::ServerConfig c;
        c.dataDir = dataDir.filePath(QStringLiteral("data"));
        c.deployNetwork = QStringLiteral("none");
        c.port = 0;
        f = std::make_unique<ServerFixture>(c, ServerFixture::KeepPort{});
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("operator@example.com"), store::Role::Owner);
    }

    void cleanupTestCase() {
        for (const WalkContainer &c : Containers)
            removeContainer(QString::fromLatin1(c.name));
    }

    void walk_data() {
        QTest::addColumn<bool>("german");
        QTest::addColumn<QSize>("size");
        QTest::newRow("en-1024x600") << false << QSize(1024, 600);
        QTest::newRow("en-1600x1000") << false << QSize(1600, 1000);
        QTest::newRow("de-1024x600") << true << QSize(1024, 600);
        QTest::newRow("de-1600x1000") << true << QSize(1600, 1000);
    }

    void walk() {
        QFETCH(bool, german);
        QFETCH(QSize, size);
        const QString shot = QString::fromLatin1(QTest::currentDataTag()) + u'-';
        // An empty store, as on the first start, and containers of its own for each walk (a
        // crash-looping one restarts ever more slowly: a new one shows its crashes within the
        // walk).
        const QList<store::App> apps = f->store().apps().all().value(); // (not a temporary's)
        for (const store::App &app : apps)
            QVERIFY(f->store().apps().remove(app.id).value());
        for (const WalkContainer &c : Containers) {
            QStringList extra{QStringLiteral("--label"),
                              QStringLiteral("com.docker.compose.project=shop")};
            if (c.crashLoops)
                extra << QStringLiteral("--restart") << QStringLiteral("always");
            QVERIFY(!runContainer(QString::fromLatin1(c.name), QString::fromLatin1(c.script), extra)
                         .isEmpty());
        }
        QTranslator own;
        QTranslator qt;
        const QLocale locale;
        if (german) {
            QVERIFY(own.load(QStringLiteral(":/i18n/mist-monitor_de.qm")));
            QVERIFY(qt.load(QStringLiteral("qtbase_de"),
                            QLibraryInfo::path(QLibraryInfo::TranslationsPath)));
            QCoreApplication::installTranslator(&qt);
            QCoreApplication::installTranslator(&own);
            QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        }
        const auto restore = qScopeGuard([&] {
            QCoreApplication::removeTranslator(&own);
            QCoreApplication::removeTranslator(&qt);
            QLocale::setDefault(locale);
        });

        gui::MainWindow w;
        auto *session = signedInSession(*f, QStringLiteral("operator@example.com"), &w);
        QVERIFY(session);
        const QString local =
            german ? QStringLiteral("Lokaler Server") : QStringLiteral("Local server");
        w.setLocalSession(session, local);
        w.connectTo(session, local);
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QSize least = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(least.width() <= size.width() && least.height() <= size.height(),
                 qPrintable(QStringLiteral("needs %1x%2").arg(least.width()).arg(least.height())));
        QCOMPARE(w.size(), size);

        walkFirstRun(w, german, size, shot);
        walkStates(w, german, size, shot);
    }

private:
    // Containers listed with the prompt; one adopted; its logs stream.
    void walkFirstRun(gui::MainWindow &w, bool german, const QSize &size, const QString &shot) {
        QMessageBox *prompt = nullptr;
        QVERIFY(waitFor([&] {
            const QHash<QString, QString> listed = gui::ContainerDiscovery::listed(w.hostItem(0));
            for (const WalkContainer &c : Containers)
                if (listed.value(QString::fromLatin1(c.name)) != u"shop")
                    return false;
            prompt = w.findChild<QMessageBox *>(QStringLiteral("firstRunPrompt"));
            return prompt && prompt->isVisible();
        }));
        QCOMPARE(w.appCount(0), 0);
        QCOMPARE(containerItem(w, QStringLiteral("shop-web"))->parent()->text(0),
                 QStringLiteral("shop"));
        // The engine's status words, in the window's language.
        const QString cron =
            containerItem(w, QStringLiteral("shop-cron"))->text(0).section(u'\n', 1);
        QVERIFY2(cron.startsWith(german ? QStringLiteral("Aktiv seit ") : QStringLiteral("Up ")),
                 qPrintable(cron));
        const QString migrate =
            containerItem(w, QStringLiteral("shop-migrate"))->text(0).section(u'\n', 1);
        QVERIFY2(migrate.startsWith(german ? QStringLiteral("Beendet (0) vor ")
                                           : QStringLiteral("Exited (0) ")),
                 qPrintable(migrate));
        QCOMPARE(prompt->button(QMessageBox::No)->text(),
                 german ? QStringLiteral("&Nein") : QStringLiteral("&No"));
        QTest::qWait(300);
        QVERIFY(looksShown(shoot(w, shot + QStringLiteral("1-first-run")), size));
        prompt->button(QMessageBox::No)->click();

        adopt(w, QStringLiteral("shop-web"), QStringLiteral("web"), [&](QDialog &dialog) {
            QTest::qWait(300);
            QVERIFY(looksShown(shoot(w, shot + QStringLiteral("2-add-as-app")), size));
            QVERIFY(dialog.isVisible());
        });
        // Shown at once, its output streaming: plain lines, JSON fields and ANSI colours.
        gui::LogModel *logs = w.logView()->model();
        QVERIFY2(waitFor([&] { return w.tabs()->currentWidget() == w.logView(); }),
                 qPrintable(w.tabs()->tabText(w.tabs()->currentIndex())));
        QVERIFY(waitFor([&] {
            return logShows(
                       logs,
                       [](const gui::LogEntry &e) { return e.text.contains(u"GET /products/"); }) &&
                   logShows(logs,
                            [](const gui::LogEntry &e) { return gui::LogModel::isJsonLine(e); }) &&
                   logShows(logs, [](const gui::LogEntry &e) { return e.stderrStream; });
        }));
        QVERIFY(logShows(logs, [](const gui::LogEntry &e) { return !e.styles.isEmpty(); }));
        const int before = logs->totalLines();
        QVERIFY(waitFor([&] {
            logs->flushPending();
            return logs->totalLines() >= before + 10;
        }));
        QVERIFY(w.logView()->isFollowing());
        QVERIFY(looksShown(shoot(w, shot + QStringLiteral("3-logs")), size));
    }

    // The other three adopted: running, exited and crash-looping read apart, in words that
    // tick, in the window's language; the crash-looping one shows why it stops.
    void walkStates(gui::MainWindow &w, bool german, const QSize &size, const QString &shot) {
        for (const WalkContainer &c : Containers)
            if (!appItem(w, QString::fromLatin1(c.app)))
                adopt(w, QString::fromLatin1(c.name), QString::fromLatin1(c.app));
        QVERIFY(
            !gui::ContainerDiscovery::node(w.hostItem(0)) ||
            !gui::ContainerDiscovery::listed(w.hostItem(0)).contains(QStringLiteral("shop-web")));
        QVERIFY(waitFor(
            [&] {
                return stateOf(w, QStringLiteral("web")) == u"running" &&
                       stateOf(w, QStringLiteral("cron")) == u"running" &&
                       stateOf(w, QStringLiteral("migrate")) == u"exited" &&
                       stateOf(w, QStringLiteral("worker")) == u"restarting";
            },
            60000));
        const QString up = german ? QStringLiteral("Aktiv seit ") : QStringLiteral("Up ");
        const QString exited =
            german ? QStringLiteral("Beendet (0) vor ") : QStringLiteral("Exited (0) ");
        const QString restarting =
            german ? QStringLiteral("Neustart (1) vor ") : QStringLiteral("Restarting (1) ");
        auto statusLine = [&](const char *app) {
            return appItem(w, QString::fromLatin1(app))->text(0).section(u'\n', 1);
        };
        QVERIFY2(statusLine("cron").contains(up), qPrintable(statusLine("cron")));
        QVERIFY2(statusLine("migrate").contains(exited), qPrintable(statusLine("migrate")));
        QVERIFY2(waitFor([&] { return statusLine("worker").contains(restarting); }, 60000),
                 qPrintable(statusLine("worker")));
        // The fleet's card for the host counts them by state, worst first, with the badges.
        const QString expected = german ? QStringLiteral("◆ 1 startet neu  ■ 1 beendet  ● 2 läuft")
                                        : QStringLiteral("◆ 1 restarting  ■ 1 exited  ● 2 running");
        QVERIFY2(waitFor([&] { return w.fleet()->appStatesText(0) == expected; }, 5000),
                 qPrintable(w.fleet()->appStatesText(0)));
        // Three states, three different badges.
        const QIcon running = appItem(w, QStringLiteral("web"))->icon(0);
        const QIcon stopped = appItem(w, QStringLiteral("migrate"))->icon(0);
        const QIcon looping = appItem(w, QStringLiteral("worker"))->icon(0);
        auto pixels = [](const QIcon &icon) {
            return icon.pixmap(16, 16).toImage();
        };
        QVERIFY(pixels(running) != pixels(stopped));
        QVERIFY(pixels(running) != pixels(looping));
        QVERIFY(pixels(stopped) != pixels(looping));

        // The crash-looping app shows its last words, without a click: the server archives what
        // it prints between its restarts, and the view looks again while it is not running.
        w.sidebar()->setCurrentItem(appItem(w, QStringLiteral("worker")));
        gui::LogModel *logs = w.logView()->model();
        QVERIFY2(
            waitFor(
                [&] {
                    return logShows(logs,
                                    [](const gui::LogEntry &e) {
                                        return e.text.contains(u"FATAL: missing env DATABASE_URL");
                                    }) &&
                           logShows(logs, [&](const gui::LogEntry &e) {
                               return e.text ==
                                      (german ? u"— beendet (Exit 1) —" : u"— died (exit 1) —");
                           });
                },
                60000),
            qPrintable(shownLines(logs)));
        QTest::qWait(300);
        QVERIFY(looksShown(shoot(w, shot + QStringLiteral("4-states")), size));
    }
};

QTEST_MAIN(TestScreenshotWalk)
#include "tst_screenshotwalk.moc"
