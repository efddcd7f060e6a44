// SPDX-License-Identifier: GPL-3.0-or-later

// The Metrics tab opens filled with the server's history (#18): a real
// server that has sampled the host for a few seconds, its own history.db,
// and the view asking GET /api/metrics/history; against upstream Mist or a
// server without history the charts stay live-only with a note.
#include "TestSupport.h"
#include "UpstreamStandIn.h"

#include "MetricsView.h"
#include "client/ServerSession.h"
#include "history/MetricHistory.h"
#include "server/AppStatsService.h"
#include "store/DeploymentStore.h"

#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDir>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPushButton>
#include <QTest>
#include <QWheelEvent>

using namespace mist;
using namespace mist::test;

namespace {

const QByteArray Password = "correct horse battery";

std::unique_ptr<client::ServerSession> signedIn(quint16 port, const QString &email,
                                                const QByteArray &password) {
    auto session = std::make_unique<client::ServerSession>(
        QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    bool done = false, ok = false;
    session->login(email, password, [&](bool good, const QString &) {
        ok = good;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000) || !ok)
        return {};
    done = false;
    session->detectDialect(nullptr, [&](bool, const QString &) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        return {};
    return session;
}

QJsonObject sample(qint64 ms, double cpu) {
    return QJsonObject{
        {"timestamp", QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate)},
        {"cpu", QJsonObject{{"usage", cpu}, {"cores", 2}}},
        {"memory", QJsonObject{{"used", 1.0}, {"total", 2.0}, {"percent", 50.0}}},
        {"disk", QJsonObject{{"used", 1.0}, {"total", 4.0}, {"percent", 25.0}}},
    };
}

} // namespace

class TestMetricsHistory : public QObject {
    Q_OBJECT
    std::unique_ptr<ServerFixture> f;
    std::unique_ptr<client::ServerSession> session;
    QString containerName;
    qint64 app = 0; // its container runs

private Q_SLOTS:
    void initTestCase() {
        MIST_REQUIRE_DOCKER();
        server::ServerConfig config;
        config.port = 0;
        f = std::make_unique<ServerFixture>(config);
        QVERIFY2(f->ok(), qPrintable(f->error()));
        f->addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        session = signedIn(f->port(), QStringLiteral("owner@example.com"), Password);
        QVERIFY(session);
        QCOMPARE(session->dialect(), client::ServerSession::Dialect::Published);
        // An app with a running container, measured by the server.
        containerName =
            QStringLiteral("mist-metricshistory-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(
            !runContainer(containerName, QStringLiteral("while true; do sleep 1; done")).isEmpty());
        store::App a;
        a.name = containerName;
        a.containerName = containerName;
        const auto created = f->store().apps().add(a);
        QVERIFY(created);
        app = created->id;
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (const auto &s : f->server().appStats().latest().apps)
                    if (s.appId == app && s.figures && s.figures->cpuPercent)
                        return true;
                return false;
            },
            30000));
        // A few seconds of the host's and the app's samples, on disk.
        history::MetricHistory *h = f->server().history();
        QVERIFY(h);
        pump(4000);
        h->flush();
        h->sync();
    }

    void chartsOpenFilledWithHistory() {
        const qint64 opened = QDateTime::currentMSecsSinceEpoch();
        gui::MetricsView view;
        view.show();
        view.setSession(session.get());
        QVERIFY(QTest::qWaitFor([&] { return view.historyLoads() == 1; }, 15000));
        QVERIFY2(view.historyNote().isEmpty(), qPrintable(view.historyNote()));
        // Points from before the view was opened: the server's seconds.
        QVERIFY2(view.cpuSeries()->count() >= 2,
                 qPrintable(QString::number(view.cpuSeries()->count())));
        QVERIFY(view.cpuSeries()->at(0).x() < double(opened - 1000));
        QVERIFY(view.memorySeries()->count() >= 2);
        QVERIFY(view.memorySeries()->at(0).x() < double(opened - 1000));
        for (int i = 1; i < view.cpuSeries()->count(); ++i)
            QVERIFY(view.cpuSeries()->at(i).x() > view.cpuSeries()->at(i - 1).x());
        for (int i = 0; i < view.memorySeries()->count(); ++i) {
            const double y = view.memorySeries()->at(i).y();
            QVERIFY(y > 0 && y <= 100);
        }

        // Live samples go on after it; one the history has already is not added twice.
        const int before = view.cpuSeries()->count();
        const qint64 newest = qint64(view.cpuSeries()->at(before - 1).x());
        view.addSample(sample(newest, 99.0));
        QCOMPARE(view.cpuSeries()->count(), before);
        view.addSample(sample(newest + 1000, 42.0));
        QCOMPARE(view.cpuSeries()->count(), before + 1);
        QCOMPARE(view.cpuSeries()->at(before).y(), 42.0);
    }

    // Zoom and pan (#18): the wheel zooms around the cursor, a drag pans, keys do both, Esc and
    // a double click go back to live; a zoomed range is read again at the step of its span.
    void zoomAndPan() {
        gui::MetricsView view;
        view.resize(1000, 700);
        view.show();
        view.setSession(session.get());
        QVERIFY(QTest::qWaitFor([&] { return view.historyLoads() == 1; }, 15000));
        view.setWindowSeconds(24 * 3600); // minutes: this young server has none yet
        QVERIFY(QTest::qWaitFor([&] { return view.historyLoads() == 2; }, 15000));
        QVERIFY(!view.isZoomed());
        auto *cpu = view.findChild<QChartView *>(QStringLiteral("cpuChart"));
        auto *live = view.findChild<QPushButton *>(QStringLiteral("liveButton"));
        QVERIFY(cpu && live);
        QVERIFY(!live->isVisible());
        const auto span = [](QPair<qint64, qint64> r) {
            return r.second - r.first;
        };

        // The wheel, forward: in by a fifth, around the time under the cursor.
        const QPair<qint64, qint64> whole = view.visibleRange();
        QCOMPARE(span(whole), qint64(24 * 3600) * 1000);
        const QPointF middle = cpu->chart()->plotArea().center();
        const QPoint at = cpu->mapFromScene(cpu->chart()->mapToScene(middle));
        QWheelEvent wheel(at, cpu->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(cpu->viewport(), &wheel);
        QVERIFY(view.isZoomed());
        QVERIFY(live->isVisible());
        QVERIFY(qAbs(span(view.visibleRange()) - qint64(span(whole) * 0.8)) < 2000);
        QVERIFY(view.visibleRange().first > whole.first &&
                view.visibleRange().second < whole.second);
        const auto axis =
            qobject_cast<QDateTimeAxis *>(cpu->chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(axis);
        QCOMPARE(axis->min().toMSecsSinceEpoch(), view.visibleRange().first);

        // The last minute: its own history, at 1 s, although the window's step is a minute.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const int loads = view.historyLoads();
        view.zoomTo(now - 60000, now);
        QVERIFY(QTest::qWaitFor([&] { return view.historyLoads() == loads + 1; }, 15000));
        int inRange = 0;
        for (int i = 0; i < view.cpuSeries()->count(); ++i)
            inRange += view.cpuSeries()->at(i).x() >= double(now - 60000);
        QVERIFY2(inRange >= 3, qPrintable(QString::number(inRange)));

        // Keys on the focused chart: Left pans back a quarter, - zooms out, + in.
        cpu->setFocus();
        const QPair<qint64, qint64> before = view.visibleRange();
        QTest::keyClick(cpu, Qt::Key_Left);
        QCOMPARE(view.visibleRange().first, before.first - span(before) / 4);
        QTest::keyClick(cpu, Qt::Key_Minus);
        QCOMPARE(span(view.visibleRange()), 2 * span(before));
        QTest::keyClick(cpu, Qt::Key_Plus);
        QCOMPARE(span(view.visibleRange()), span(before));

        // A drag to the right shows earlier times, by the dragged share of the span.
        view.zoomTo(now - 600000, now - 300000);
        const QPair<qint64, qint64> dragged = view.visibleRange();
        const QPoint from = at, to = at + QPoint(int(cpu->chart()->plotArea().width() / 10), 0);
        QMouseEvent press(QEvent::MouseButtonPress, from, cpu->viewport()->mapToGlobal(from),
                          Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
        QMouseEvent move(QEvent::MouseMove, to, cpu->viewport()->mapToGlobal(to), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QMouseEvent release(QEvent::MouseButtonRelease, to, cpu->viewport()->mapToGlobal(to),
                            Qt::LeftButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(cpu->viewport(), &press);
        QCoreApplication::sendEvent(cpu->viewport(), &move);
        QCoreApplication::sendEvent(cpu->viewport(), &release);
        const qint64 shift = dragged.first - view.visibleRange().first;
        QVERIFY2(qAbs(shift - span(dragged) / 10) < span(dragged) / 50,
                 qPrintable(QString::number(shift)));

        // Bounds: at least 30 s; never past the newest point; the whole window is live again.
        view.zoomTo(now + 10000, now + 15000);
        QCOMPARE(span(view.visibleRange()), gui::MetricsView::MinZoomMs);
        QVERIFY(view.visibleRange().second <= QDateTime::currentMSecsSinceEpoch() + 1000);
        view.zoomTo(now - qint64(48) * 3600000, now);
        QVERIFY(!view.isZoomed());

        // Esc, and a double click, go back to live.
        view.zoomTo(now - 600000, now - 300000);
        QTest::keyClick(cpu, Qt::Key_Escape);
        QVERIFY(!view.isZoomed());
        QVERIFY(!live->isVisible());
        view.zoomTo(now - 600000, now - 300000);
        QTest::mouseDClick(cpu->viewport(), Qt::LeftButton, Qt::NoModifier, at);
        QVERIFY(!view.isZoomed());
        view.zoomTo(now - 600000, now - 300000);
        live->click();
        QVERIFY(!view.isZoomed());
    }

    void cleanupTestCase() {
        if (!containerName.isEmpty())
            removeContainer(containerName);
    }

    // The selected app's CPU and memory beside the host's: its history, then live.
    void appBesideHost() {
        const qint64 opened = QDateTime::currentMSecsSinceEpoch();
        gui::MetricsView view;
        view.show();
        view.setSession(session.get());
        auto *section = view.findChild<QWidget *>(QStringLiteral("appSection"));
        QVERIFY(section && !section->isVisible());
        view.setApp(app, containerName);
        QVERIFY(section->isVisible());
        QVERIFY(QTest::qWaitFor([&] { return view.appHistoryLoads() == 1; }, 15000));
        QVERIFY(view.appMemorySeries()->count() >= 2);
        QVERIFY(view.appMemorySeries()->at(0).x() < double(opened - 1000));
        QVERIFY(view.appCpuSeries()->count() >= 1);
        QVERIFY(view.appCpuSeries()->at(0).x() < double(opened - 1000));
        // Live figures arrive from /ws/apps/stats.
        const int before = view.appMemorySeries()->count();
        QVERIFY(QTest::qWaitFor([&] { return view.appMemorySeries()->count() > before; }, 15000));
        const QString summary = view.appSummaryText();
        QVERIFY2(summary.startsWith(QStringLiteral("CPU of ") + containerName),
                 qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral(" of ")) && summary.contains(QStringLiteral("iB")),
                 qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("process")), qPrintable(summary));
        QVERIFY(view.appMemorySeries()->at(view.appMemorySeries()->count() - 1).y() > 0);
        // Its deployments: dashed markers on both of its charts, hovered text as the issue has
        // it, read again when one ends.
        QVERIFY(view.markerTexts().isEmpty());
        const auto deploy = [&](const QString &status, const QString &hash, const QString &message,
                                qint64 finishedMs) {
            store::DeploymentStore deployments(f->store());
            auto d = deployments.create(app, 0);
            QVERIFY(d);
            d->status = status;
            d->commitHash = hash;
            d->commitMessage = message;
            d->startedAt = QDateTime::fromMSecsSinceEpoch(finishedMs - 5000, Qt::UTC);
            d->finishedAt = QDateTime::fromMSecsSinceEpoch(finishedMs, Qt::UTC);
            QVERIFY(deployments.save(*d));
        };
        deploy(QStringLiteral("success"), QStringLiteral("a1b2c3d4e5"),
               QStringLiteral("Add search\nbody"), opened - 600000);
        deploy(QStringLiteral("failed"), QStringLiteral("ffee0011"), QStringLiteral("Break it"),
               opened - 300000);
        view.refreshDeployments();
        QVERIFY(QTest::qWaitFor([&] { return view.markerTexts().size() == 2; }, 10000));
        QVERIFY2(view.markerTexts()[0].endsWith(
                     QStringLiteral(" \u00b7 success \u00b7 a1b2c3d Add search")),
                 qPrintable(view.markerTexts()[0]));
        QVERIFY(view.markerTexts()[1].endsWith(
            QStringLiteral(" \u00b7 failed \u00b7 ffee001 Break it")));
        for (const char *name : {"appCpuChart", "appMemoryChart"}) {
            auto *chart = view.findChild<QChartView *>(QLatin1String(name))->chart();
            QStringList names;
            for (QAbstractSeries *series : chart->series())
                if (!series->name().isEmpty())
                    names << series->name();
            QCOMPARE(names, view.markerTexts());
            QVERIFY(chart->title().isEmpty()); // the label beside the chart says what it is
        }
        // No app: the section goes, its points with it.
        view.setApp(0, QString());
        QVERIFY(view.markerTexts().isEmpty());
        QVERIFY(!section->isVisible());
        QCOMPARE(view.appCpuSeries()->count(), 0);
        const int hostPoints = view.cpuSeries()->count();
        QVERIFY(hostPoints >= 2); // the host's stay
    }

    // An app that is not there (or not the user's): no history, no live figures, no crash.
    void unknownApp() {
        gui::MetricsView view;
        view.setSession(session.get());
        view.setApp(987654, QStringLiteral("ghost"));
        pump(2500);
        QCOMPARE(view.appHistoryLoads(), 0);
        QCOMPARE(view.appCpuSeries()->count(), 0);
        QCOMPARE(view.appMemorySeries()->count(), 0);
    }

    void windowChangeFetchesAgain() {
        gui::MetricsView view;
        view.setSession(session.get());
        QVERIFY(QTest::qWaitFor([&] { return view.historyLoads() == 1; }, 15000));
        auto *combo = view.findChild<QComboBox *>(QStringLiteral("windowCombo"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 6);
        const qint64 changed = QDateTime::currentMSecsSinceEpoch();
        combo->setCurrentIndex(1);
        QCOMPARE(view.windowSeconds(), 6 * 3600);
        QVERIFY(QTest::qWaitFor([&] { return view.historyLoads() == 2; }, 15000));
        // 10 s averages, the first of them before the change.
        QVERIFY(view.cpuSeries()->count() >= 1);
        QVERIFY(view.cpuSeries()->at(0).x() < double(changed - 1000));
        QCOMPARE(qint64(view.cpuSeries()->at(0).x()) % 10000, 0);
    }

    // Only the answer for the window shown is applied.
    void staleAnswerDropped() {
        gui::MetricsView view;
        view.setSession(session.get());
        view.setWindowSeconds(24 * 3600); // asks again; the first answer is stale
        view.clear();                     // and so is the second
        pump(1500);
        QCOMPARE(view.historyLoads(), 0);
        QCOMPARE(view.cpuSeries()->count(), 0);
    }

    void serverWithoutHistory() {
        // history.db cannot be opened (a directory in its place): the server answers 503.
        QTemporaryDir dir;
        const QString dataDir = dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(dataDir + QStringLiteral("/history.db")));
        server::ServerConfig config;
        config.port = 0;
        config.dataDir = dataDir;
        ServerFixture g(config);
        QVERIFY2(g.ok(), qPrintable(g.error()));
        QVERIFY(!g.server().history());
        g.addUser(QStringLiteral("owner@example.com"), store::Role::Owner, Password);
        auto s = signedIn(g.port(), QStringLiteral("owner@example.com"), Password);
        QVERIFY(s);
        gui::MetricsView view;
        view.show();
        view.setSession(s.get());
        QVERIFY(QTest::qWaitFor([&] { return !view.historyNote().isEmpty(); }, 15000));
        QVERIFY2(view.historyNote().startsWith(QStringLiteral("Live only: no history from this "
                                                              "server")),
                 qPrintable(view.historyNote()));
        QCOMPARE(view.cpuSeries()->count(), 0);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        view.addSample(sample(now, 10));
        view.addSample(sample(now + 1000, 11));
        QCOMPARE(view.cpuSeries()->count(), 2);
    }

    void upstreamStaysLiveOnly() {
        UpstreamStandIn upstream;
        auto s = signedIn(upstream.port(), upstream.email, upstream.password);
        QVERIFY(s);
        QCOMPARE(s->dialect(), client::ServerSession::Dialect::Upstream);
        const int calls = upstream.restCalls;
        gui::MetricsView view;
        view.setSession(s.get());
        QCOMPARE(view.historyNote(),
                 QStringLiteral("Live only: upstream Mist keeps no metric history"));
        pump(300);
        QCOMPARE(upstream.restCalls, calls); // not asked
        QCOMPARE(view.historyLoads(), 0);
        view.setApp(1, QStringLiteral("web"));
        QVERIFY(view.appSummaryText().contains(
            QStringLiteral("Upstream Mist gives no figures per app")));
        pump(300);
        QCOMPARE(upstream.restCalls, calls + 1); // its deployments (the markers), no history
    }
};

QTEST_MAIN(TestMetricsHistory)
#include "tst_metricshistory.moc"
