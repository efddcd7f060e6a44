// SPDX-License-Identifier: GPL-3.0-or-later

// The desktop's log as one continuous history (issue #17, docs/ARCHIVE.md "Desktop"), against
// a real server and its archive, real widgets offscreen: scrolling back loads older pages from
// the archive without moving what the reader sees, the window stays bounded and comes back
// down to the live lines, a failed page keeps what is loaded, switching apps and back keeps
// the view, "search all history" finds lines and jumps to them in context.
#include "AppLog.h"
#include "LogModel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TestSupport.h"
#include "archive/LogArchive.h"
#include "client/ServerSession.h"
#include "server/ArchiveService.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QTabWidget>
#include <QTest>

using namespace mist;
using namespace mist::test;

namespace {
// Two days back: far enough for "last hour" not to reach it, within the retention's 30 days.
const qint64 BaseNs = (QDateTime::currentMSecsSinceEpoch() - 2 * 86400 * 1000LL) * 1000000;
} // namespace

class TestLogScroll : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    QByteArray token;

    static bool waitFor(const std::function<bool()> &predicate, int timeoutMs = 20000) {
        WsRecorder w;
        return w.waitFor(predicate, timeoutMs);
    }

    qint64 addApp(ServerFixture &server, const QString &name, const QString &container = {}) {
        store::App app;
        app.name = name;
        app.containerName = container.isEmpty() ? QStringLiteral("mist-scroll-none-%1-%2")
                                                      .arg(name)
                                                      .arg(QCoreApplication::applicationPid())
                                                : container;
        const auto added = server.store().apps().add(app);
        return added ? added->id : 0;
    }

    // `count` lines "<prefix>-NNNNN", one per millisecond from BaseNs, written at once.
    static void fill(ServerFixture &server, qint64 appId, const QString &prefix, int count,
                     const std::function<QString(int)> &textOf = {}) {
        archive::LogArchive *a = server.server().archive().archive();
        const archive::ContainerRef c{QStringLiteral("feed%1").arg(appId), prefix};
        for (int i = 0; i < count; ++i)
            a->append(appId, c, 0,
                      archive::Record::line(BaseNs + qint64(i) * 1000000, archive::Stream::Stdout,
                                            textOf ? textOf(i)
                                                   : QStringLiteral("%1-%2").arg(prefix).arg(
                                                         i, 5, 10, QLatin1Char('0'))));
        a->flush();
    }

    std::unique_ptr<gui::MainWindow> openWindow(ServerFixture &server) {
        auto window = std::make_unique<gui::MainWindow>();
        auto *session = new client::ServerSession(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())), window.get());
        const auto owner = server.store().users().byEmail(QStringLiteral("owner@example.com"));
        if (!owner || !*owner)
            qFatal("no owner: %s", qPrintable(owner.error()));
        session->setToken(server.store().sessions().create((*owner)->id).value_or(QByteArray()));
        window->connectTo(session, QStringLiteral("Local server"));
        window->resize(1000, 700);
        window->show();
        window->tabs()->setCurrentWidget(window->logView());
        return window;
    }

    // Selects the app and waits until its first page (and the live socket's answer) is in.
    static gui::AppLog *open(gui::MainWindow &window, qint64 appId, int minLines) {
        if (!waitFor([&] {
                window.selectApp(appId);
                gui::AppLog *log = window.currentAppLog();
                if (!log || log->appId() != appId || log->isLoading())
                    return false;
                log->model()->flushPending();
                return log->model()->totalLines() >= minLines;
            })) {
            gui::AppLog *log = window.currentAppLog();
            qWarning() << "app" << appId << "not open:" << (log ? log->appId() : -1)
                       << (log ? log->model()->totalLines() : -1)
                       << (log ? log->historyReason() : QString())
                       << (log && log->model()->totalLines() ? log->model()->storedAt(0).text
                                                             : QString());
            return nullptr;
        }
        return window.currentAppLog();
    }

    static QString topLine(gui::LogView *view) {
        return view->listView()->indexAt(QPoint(1, 1)).data(gui::LogModel::TextRole).toString();
    }

    // The stored lines' numbers (after the prefix); the window must hold them consecutively.
    static QList<int> numbers(gui::LogModel *model, const QString &prefix) {
        QList<int> n;
        for (int i = 0; i < model->totalLines(); ++i) {
            const gui::LogEntry &e = model->storedAt(i);
            if (e.kind == gui::LogEntry::Kind::Line && e.text.startsWith(prefix + u'-'))
                n << e.text.mid(prefix.size() + 1).section(u' ', 0, 0).toInt();
        }
        return n;
    }
    static bool consecutive(const QList<int> &n) {
        for (qsizetype i = 1; i < n.size(); ++i)
            if (n[i] != n[i - 1] + 1)
                return false;
        return !n.isEmpty();
    }

    // One user scroll to `value`; waits until the page it asked for is in. Returns the line
    // at the top right after the scroll, before the page came.
    static QString scrollTo(gui::LogView *view, gui::AppLog *log, int value) {
        QCoreApplication::processEvents(); // the list's delayed layout: the range it scrolls in
        view->listView()->verticalScrollBar()->setValue(value);
        const QString top = topLine(view);
        waitFor([&] { return !log->isLoading(); });
        QCoreApplication::processEvents();
        return top;
    }

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig c;
        c.port = 0;
        c.deployNetwork = QStringLiteral("none");
        f = std::make_unique<ServerFixture>(c);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
    }

    // Scrolling up past the oldest loaded line loads the next older page and keeps the line
    // being read where it is; the window stays within the model's cap (the newest lines go,
    // and the live socket with them) and comes back down to the archive's end and live.
    void scrollBackThroughTheArchive() {
        const qint64 id = addApp(*f, QStringLiteral("deep"));
        fill(*f, id, QStringLiteral("deep"), 5000);
        auto window = openWindow(*f);
        gui::AppLog *log = open(*window, id, 1000);
        QVERIFY(log);
        gui::LogModel *model = log->model();
        model->setMaxLines(2500);
        gui::LogView *view = window->logView();
        QCOMPARE(numbers(model, QStringLiteral("deep")).first(), 4000);
        QVERIFY(log->isLive());

        int pages = 0;
        while (!log->olderExhausted() && pages < 20) {
            view->listView()->verticalScrollBar()->setValue(
                view->listView()->verticalScrollBar()->pageStep() * 2);
            QCoreApplication::processEvents();
            const QString before = scrollTo(view, log, 0);
            QVERIFY(!log->isLoading());
            // What the reader saw before the page came is still at the top.
            QCOMPARE(topLine(view), before);
            QVERIFY(model->totalLines() <= 2500);
            QVERIFY(log->historyStatus().isEmpty() ||
                    !log->historyStatus().contains(QStringLiteral("could not")));
            ++pages;
        }
        QVERIFY(log->olderExhausted());
        const QList<int> back = numbers(model, QStringLiteral("deep"));
        QCOMPARE(back.first(), 0);
        QVERIFY(consecutive(back));
        QVERIFY(back.size() <= 2500);
        // The newest lines left the window: the live socket went with them.
        QVERIFY(!log->isLive());
        QVERIFY(!view->liveTail());
        QCOMPARE(view->findChild<QPushButton *>(QStringLiteral("jumpButton"))->text(),
                 QStringLiteral("Jump to live"));
        QCOMPARE(log->historyStatus(), QStringLiteral("The beginning of this app's history"));

        // Back down: newer pages below, the oldest go, then live again after the last line.
        int down = 0;
        while (!log->isLive() && down < 20) {
            QScrollBar *bar = view->listView()->verticalScrollBar();
            const QString before = scrollTo(view, log, bar->maximum());
            // The oldest lines go as newer ones come: the lines being read stay put.
            QCOMPARE(topLine(view), before);
            QVERIFY(model->totalLines() <= 2500);
            ++down;
        }
        QVERIFY(log->isLive());
        QVERIFY(view->liveTail());
        const QList<int> forth = numbers(model, QStringLiteral("deep"));
        QCOMPARE(forth.last(), 4999);
        QVERIFY(consecutive(forth));
    }

    // Lines far back and "Jump to live": the newest page again, following the tail.
    void jumpToLiveAfterScrollingBack() {
        const qint64 id = addApp(*f, QStringLiteral("jump"));
        fill(*f, id, QStringLiteral("jump"), 4000);
        auto window = openWindow(*f);
        gui::AppLog *log = open(*window, id, 1000);
        QVERIFY(log);
        log->model()->setMaxLines(1500);
        gui::LogView *view = window->logView();
        for (int i = 0; i < 3 && log->isLive(); ++i)
            scrollTo(view, log, 0);
        QVERIFY(!log->isLive());
        QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("jumpButton")),
                          Qt::LeftButton);
        QVERIFY(waitFor([&] { return log->isLive() && !log->isLoading(); }));
        log->model()->flushPending();
        const QList<int> n = numbers(log->model(), QStringLiteral("jump"));
        QCOMPARE(n.last(), 3999);
        QCOMPARE(n.first(), 3000);
        QVERIFY(consecutive(n));
        QVERIFY(view->isFollowing());
    }

    // A page that cannot be loaded says so above the list and loses nothing.
    void failedPageKeepsTheLines() {
        server::ServerConfig c;
        c.port = 0;
        c.deployNetwork = QStringLiteral("none");
        auto g = std::make_unique<ServerFixture>(c);
        QVERIFY2(g->ok(), qPrintable(g->error()));
        g->addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const qint64 id = addApp(*g, QStringLiteral("gone"));
        fill(*g, id, QStringLiteral("gone"), 3000);
        auto window = openWindow(*g);
        gui::AppLog *log = open(*window, id, 1000);
        QVERIFY(log);
        const int lines = int(numbers(log->model(), QStringLiteral("gone")).size());
        g.reset();
        const QString top = scrollTo(window->logView(), log, 0);
        QVERIFY2(
            log->historyStatus().startsWith(QStringLiteral("Older lines could not be loaded: ")),
            qPrintable(log->historyStatus()));
        QCOMPARE(window->logView()->historyStatus(), log->historyStatus());
        QCOMPARE(int(numbers(log->model(), QStringLiteral("gone")).size()), lines);
        QCOMPARE(topLine(window->logView()), top);
        QCOMPARE(numbers(log->model(), QStringLiteral("gone")).first(), 2000);
    }

    // A stopped container's view says so once and stays as it is while the container is
    // stopped (the view looks again, quietly); started again, its new output shows without a
    // click.
    void stoppedContainerQuietThenBack() {
        const QString name =
            QStringLiteral("mist-scroll-stopped-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(name, QStringLiteral("echo run-$(date +%s)")).isEmpty());
        QVERIFY(waitFor([&] {
            bool ok = false;
            return docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                           QStringLiteral("{{.State.Status}}"), name},
                          &ok) == u"exited";
        }));
        const qint64 id = addApp(*f, QStringLiteral("stopped"), name);
        auto window = openWindow(*f);
        gui::AppLog *log = nullptr;
        QVERIFY(waitFor([&] {
            window->selectApp(id);
            log = window->currentAppLog();
            return log && log->appId() == id;
        }));
        gui::LogModel *model = log->model();
        auto rows = [&](gui::LogEntry::Kind kind) {
            model->flushPending();
            int n = 0;
            for (int i = 0; i < model->visibleLines(); ++i)
                n += model->entryAt(i).kind == kind;
            return n;
        };
        // Its one run's line (from the archive, which may catch up after the view opened: then
        // the view's next look shows it, and the state once more after it), then the error.
        QVERIFY(waitFor([&] {
            return rows(gui::LogEntry::Kind::Line) >= 1 &&
                   model->entryAt(model->visibleLines() - 1).kind == gui::LogEntry::Kind::Error;
        }));
        const int shown = model->totalLines();
        const int errors = rows(gui::LogEntry::Kind::Error);
        QVERIFY(errors <= 2);
        QTest::qWait(7000); // the view looks again, at least once, with nothing new
        model->flushPending();
        QCOMPARE(model->totalLines(), shown);
        QCOMPARE(rows(gui::LogEntry::Kind::Error), errors);

        bool ok = false;
        docker({QStringLiteral("start"), name}, &ok);
        QVERIFY(ok);
        QVERIFY2(waitFor([&] { return rows(gui::LogEntry::Kind::Line) >= 2; }, 60000),
                 qPrintable(QString::number(model->totalLines())));
        removeContainer(name);
    }

    // Another app and back: the same lines, filter and place; the live lines went on
    // meanwhile, each once. At most KeptAppLogs apps are kept.
    void switchingAppsKeepsTheView() {
        const QString name =
            QStringLiteral("mist-scroll-live-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(name, QStringLiteral("i=0; while true; do i=$((i+1)); "
                                                   "echo tick-$i; sleep 0.05; done"))
                     .isEmpty());
        const qint64 live = addApp(*f, QStringLiteral("ticker"), name);
        const qint64 deep = addApp(*f, QStringLiteral("kept"));
        fill(*f, deep, QStringLiteral("kept"), 3000);
        QList<qint64> others;
        for (int i = 0; i < gui::MainWindow::KeptAppLogs; ++i)
            others << addApp(*f, QStringLiteral("other%1").arg(i));

        auto window = openWindow(*f);
        gui::LogView *view = window->logView();
        gui::AppLog *keptLog = open(*window, deep, 1000);
        QVERIFY(keptLog);
        scrollTo(view, keptLog, 0); // one older page above
        QCOMPARE(numbers(keptLog->model(), QStringLiteral("kept")).first(), 1000);
        view->listView()->verticalScrollBar()->setValue(
            view->listView()->verticalScrollBar()->maximum() / 2);
        view->setFilterText(QStringLiteral("kept-01"), false);
        QCoreApplication::processEvents();
        view->listView()->verticalScrollBar()->setValue(
            view->listView()->verticalScrollBar()->maximum() / 2);
        QCoreApplication::processEvents();
        const QString top = topLine(view);
        QVERIFY2(top.startsWith(QStringLiteral("kept-01")), qPrintable(top));
        // The app has no container: its live socket's answer ("Container not found") is the
        // last row, once; wait for it, it may come after the pages.
        QVERIFY(waitFor([&] {
            gui::LogModel *m = keptLog->model();
            m->flushPending();
            return m->visibleLines() > 0 &&
                   m->entryAt(m->visibleLines() - 1).kind == gui::LogEntry::Kind::Error;
        }));
        const int keptLines = keptLog->model()->totalLines();

        gui::AppLog *liveLog = open(*window, live, 5);
        QVERIFY(liveLog);
        QVERIFY(waitFor([&] {
            liveLog->model()->flushPending();
            return numbers(liveLog->model(), QStringLiteral("tick")).size() >= 10;
        }));
        QCOMPARE(view->model(), liveLog->model());
        QVERIFY(view->findChild<QLineEdit *>(QStringLiteral("filterEdit"))->text().isEmpty());

        // Back to the archived app: as it was left.
        QVERIFY(open(*window, deep, 1000) == keptLog);
        QCOMPARE(view->model(), keptLog->model());
        QCOMPARE(view->findChild<QLineEdit *>(QStringLiteral("filterEdit"))->text(),
                 QStringLiteral("kept-01"));
        QCOMPARE(topLine(view), top);
        QCOMPARE(keptLog->model()->totalLines(), keptLines);

        // The ticker's socket went on in the background: more ticks, each once, in order.
        const int ticksBefore = numbers(liveLog->model(), QStringLiteral("tick")).size();
        QTest::qWait(1000);
        QVERIFY(open(*window, live, 5) == liveLog);
        QVERIFY(waitFor([&] {
            liveLog->model()->flushPending();
            return numbers(liveLog->model(), QStringLiteral("tick")).size() > ticksBefore + 10;
        }));
        const QList<int> ticks = numbers(liveLog->model(), QStringLiteral("tick"));
        QVERIFY(consecutive(ticks));

        // Bounded: the least recently shown goes first.
        for (qint64 other : std::as_const(others))
            QVERIFY(open(*window, other, 1));
        QCOMPARE(window->keptAppLogs(), gui::MainWindow::KeptAppLogs);
        gui::AppLog *again = open(*window, deep, 1000); // evicted: loaded afresh
        QVERIFY(again);
        QCOMPARE(again->pagesLoaded(), 1);
        QCOMPARE(numbers(again->model(), QStringLiteral("kept")).first(), 2000);
        removeContainer(name);
    }

    // While the reader is scrolled back, arriving lines do not move the viewport; once the
    // window is full, the socket closes rather than push the lines being read out.
    void liveLinesDoNotMoveAScrolledBackView() {
        const QString name =
            QStringLiteral("mist-scroll-fast-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(!runContainer(name, QStringLiteral("i=0; while true; do i=$((i+1)); "
                                                   "echo fast-$i; done"))
                     .isEmpty());
        const qint64 id = addApp(*f, QStringLiteral("fast"), name);
        auto window = openWindow(*f);
        gui::AppLog *log = open(*window, id, 1);
        QVERIFY(log);
        log->model()->setMaxLines(3000);
        gui::LogView *view = window->logView();
        QVERIFY(waitFor([&] {
            log->model()->flushPending();
            return log->model()->totalLines() >= 1200;
        }));
        QScrollBar *bar = view->listView()->verticalScrollBar();
        bar->setValue(bar->pageStep() * 3); // back, but not near enough the top for a page
        QCoreApplication::processEvents();
        QVERIFY(!view->isFollowing());
        const QString top = topLine(view);
        QVERIFY(waitFor([&] { return !log->isLive(); }, 60000));
        QTest::qWait(300);
        QCoreApplication::processEvents();
        QCOMPARE(topLine(view), top);
        QVERIFY(log->model()->totalLines() <= 3000);
        QVERIFY(consecutive(numbers(log->model(), QStringLiteral("fast"))));
        removeContainer(name);
    }

    // "Search all history": RE2 on the server over the app's archive; a result opens the
    // lines around it with that line current; a bad expression shows the server's error.
    void searchAllHistoryJumpsToTheLine() {
        const qint64 id = addApp(*f, QStringLiteral("needle"));
        fill(*f, id, QStringLiteral("needle"), 6000, [](int i) {
            return i == 1234 ? QStringLiteral("needle-01234 ERROR boom 42")
                             : QStringLiteral("needle-%1").arg(i, 5, 10, QLatin1Char('0'));
        });
        auto window = openWindow(*f);
        gui::AppLog *log = open(*window, id, 1000);
        QVERIFY(log);
        gui::LogView *view = window->logView();
        QVERIFY(view->historySearchAvailable());
        view->findChild<QComboBox *>(QStringLiteral("historyRangeCombo"))->setCurrentIndex(0);
        view->setSearchText(QStringLiteral("boom \\d+"));
        view->searchHistory();
        QVERIFY(waitFor([&] { return view->historyError() != QStringLiteral("Searching…"); }));
        QCOMPARE(view->historyError(), QStringLiteral("No matches")); // not in the last hour
        view->findChild<QComboBox *>(QStringLiteral("historyRangeCombo"))->setCurrentIndex(3);
        view->searchHistory();
        QVERIFY(waitFor([&] { return view->historyError() == QStringLiteral("1 match"); }));
        QCOMPARE(view->historyResultTexts().size(), 1);
        QVERIFY(view->historyResultTexts().first().endsWith(QStringLiteral("ERROR boom 42")));

        view->activateHistoryResult(0);
        QVERIFY(waitFor([&] { return !log->isLoading() && log->model()->totalLines() > 0; }));
        QCoreApplication::processEvents();
        const QModelIndex current = view->listView()->currentIndex();
        QCOMPARE(current.data(gui::LogModel::TextRole).toString(),
                 QStringLiteral("needle-01234 ERROR boom 42"));
        QVERIFY(
            view->listView()->viewport()->rect().intersects(view->listView()->visualRect(current)));
        const QList<int> n = numbers(log->model(), QStringLiteral("needle"));
        QVERIFY2(consecutive(n), qPrintable(QStringLiteral("%1 lines, %2..%3")
                                                .arg(n.size())
                                                .arg(n.value(0))
                                                .arg(n.value(n.size() - 1))));
        QCOMPARE(n.first(), 1234 - gui::AppLog::PageLines / 2 + 1);
        QCOMPARE(n.last(), 1234 + gui::AppLog::PageLines / 2);
        QVERIFY(!log->isLive());
        // From there, older pages as anywhere else.
        scrollTo(view, log, 0);
        QCOMPARE(numbers(log->model(), QStringLiteral("needle")).first(), 0);

        view->setSearchText(QStringLiteral("(unclosed"));
        view->searchHistory();
        QVERIFY(waitFor([&] { return view->historyError() == QStringLiteral("Invalid q"); }));
        QVERIFY(view->historyResultTexts().isEmpty());
    }

    // More matches than a page: the newest come first, "Older matches" adds the next page
    // below them (each match once, newest first throughout) until none remain.
    void historySearchPagesToOlderMatches() {
        const qint64 id = addApp(*f, QStringLiteral("pages"));
        const int matches = 2 * gui::AppLog::SearchResults + 50;
        fill(*f, id, QStringLiteral("pages"), matches * 3, [](int i) {
            return i % 3 == 0 ? QStringLiteral("pages-%1 tick").arg(i, 5, 10, QLatin1Char('0'))
                              : QStringLiteral("pages-%1").arg(i, 5, 10, QLatin1Char('0'));
        });
        auto window = openWindow(*f);
        gui::AppLog *log = open(*window, id, 1000);
        QVERIFY(log);
        gui::LogView *view = window->logView();
        view->findChild<QComboBox *>(QStringLiteral("historyRangeCombo"))->setCurrentIndex(3);
        view->setSearchText(QStringLiteral("tick$"));
        view->searchHistory();
        const QString firstPage = QStringLiteral("%1 matches (the newest; older ones remain)")
                                      .arg(QLocale().toString(gui::AppLog::SearchResults));
        QVERIFY2(waitFor([&] { return view->historyError() == firstPage; }),
                 qPrintable(view->historyError()));
        QVERIFY(view->historyMoreOffered());
        auto *more = view->findChild<QPushButton *>(QStringLiteral("historyMoreButton"));
        QVERIFY(more);
        more->click();
        QVERIFY(!view->historyMoreOffered()); // one page at a time
        QVERIFY(waitFor(
            [&] { return view->historyResultTexts().size() == 2 * gui::AppLog::SearchResults; }));
        QVERIFY(waitFor([&] { return view->historyMoreOffered(); }));
        more->click();
        const QString all = QStringLiteral("%1 matches").arg(QLocale().toString(matches));
        QVERIFY2(waitFor([&] { return view->historyError() == all; }),
                 qPrintable(view->historyError()));
        QVERIFY(!view->historyMoreOffered());
        // Every match once, newest first across the pages.
        const QStringList texts = view->historyResultTexts();
        QCOMPARE(texts.size(), matches);
        for (int k = 0; k < matches; ++k)
            QVERIFY2(texts[k].endsWith(QStringLiteral("pages-%1 tick")
                                           .arg((matches - 1 - k) * 3, 5, 10, QLatin1Char('0'))),
                     qPrintable(texts[k]));
        // A new search starts over.
        view->setSearchText(QStringLiteral("pages-00003 tick"));
        view->searchHistory();
        QVERIFY(waitFor([&] { return view->historyError() == QStringLiteral("1 match"); }));
        QVERIFY(!view->historyMoreOffered());
    }

    // A server without an archive: no history, the option off with the reason.
    void noArchiveNoHistorySearch() {
        server::ServerConfig c;
        c.port = 0;
        c.deployNetwork = QStringLiteral("none");
        c.logRetentionBytes = 0;
        ServerFixture g(c);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        g.addUser(QStringLiteral("owner@example.com"), store::Role::Owner);
        const qint64 id = addApp(g, QStringLiteral("plain"));
        auto window = openWindow(g);
        gui::AppLog *log = open(*window, id, 1);
        QVERIFY(log);
        QVERIFY(waitFor([&] { return !log->historyAvailable(); }));
        gui::LogView *view = window->logView();
        QVERIFY(!view->historySearchAvailable());
        QAction *history = view->findChild<QAction *>(QStringLiteral("historyAction"));
        QVERIFY2(
            history->toolTip().contains(QStringLiteral("Log archive is off (--log-retention 0)")),
            qPrintable(history->toolTip()));
        scrollTo(view, log, 0);
        QVERIFY(!log->isLoading());
        QVERIFY(log->isLive());
    }
};

QTEST_MAIN(TestLogScroll)
#include "tst_logscroll.moc"
