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

#include <QCategoryAxis>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QLegend>
#include <QLegendMarker>
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
    session->login(email, password, [&](const mist::Expected<void> &r) {
        ok = r.has_value();
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000) || !ok)
        return {};
    done = false;
    session->detectDialect(nullptr, [&](const mist::Expected<void> &) { done = true; });
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
            qobject_cast<QCategoryAxis *>(cpu->chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(axis);
        QCOMPARE(qint64(axis->min()), view.visibleRange().first);

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
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        pump(200); // laid out: the legend's entries are shown or not
        for (const char *name :
             {"appCpuChart", "appMemoryChart", "appNetworkChart", "appBlockIoChart"}) {
            auto *chart = view.findChild<QChartView *>(QLatin1String(name))->chart();
            QStringList names, legend;
            for (QAbstractSeries *series : chart->series())
                if (!series->name().isEmpty())
                    names << series->name();
            for (QLegendMarker *marker : chart->legend()->markers())
                if (marker->isVisible() && chart->legend()->isVisible())
                    legend << marker->label();

            const bool rates =
                QByteArray(name).contains("Network") || QByteArray(name).contains("BlockIo");
            const QStringList lines = !rates ? QStringList()
                                      : QByteArray(name).contains("Network")
                                          ? QStringList{"received", "sent"}
                                          : QStringList{"read", "written"};
            QVERIFY2(names == lines + view.markerTexts(), qPrintable(names.join(QLatin1Char(','))));
            QCOMPARE(legend, lines);           // the legend names the lines, not the deployments
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

    // The app's network and block I/O beside its CPU and memory: its recorded rates, then live
    // ones, in bytes per second; each chart's axis in the unit of its highest point.
    void appNetworkAndBlockIo() {
        const qint64 opened = QDateTime::currentMSecsSinceEpoch();
        gui::MetricsView view;
        view.show();
        view.setSession(session.get());
        view.setApp(app, containerName);
        QVERIFY(QTest::qWaitFor([&] { return view.appHistoryLoads() == 1; }, 15000));
        for (auto which : {gui::MetricsView::Received, gui::MetricsView::Sent,
                           gui::MetricsView::Read, gui::MetricsView::Written}) {
            const QList<QPointF> points = view.appRatePoints(which);
            QVERIFY2(points.size() >= 2, qPrintable(QString::number(which)));
            QVERIFY(points.first().x() < double(opened - 1000)); // from the history
            QCOMPARE(view.appRateSeries(which)->count(), points.size());
        }
        const int before = view.appRatePoints(gui::MetricsView::Received).size();
        QVERIFY(QTest::qWaitFor(
            [&] { return view.appRatePoints(gui::MetricsView::Received).size() > before; }, 15000));
        const QString summary = view.appSummaryText();
        for (const QString &part :
             {QStringLiteral("Network of ") + containerName, QStringLiteral(" received, "),
              QStringLiteral("Block I/O of ") + containerName, QStringLiteral(" written (")})
            QVERIFY2(summary.contains(part), qPrintable(summary));

        // 3 MiB/s received, 512 B/s sent, 40 KiB/s written: the network axis in MiB/s up to
        // 5, block I/O in KiB/s up to 50; the series on screen in those units.
        const auto stats = [&](qint64 ms, double rx, double tx, double read, double write) {
            const QJsonObject appStats{
                {"appId", app},
                {"cpu", QJsonObject{{"percent", 1.0}}},
                {"memory", QJsonObject{{"used", 1.0}, {"limit", 2.0}, {"percent", 50.0}}},
                {"network",
                 QJsonObject{{"rxBytes", 1e9}, {"txBytes", 2e6}, {"rxRate", rx}, {"txRate", tx}}},
                {"blockio", QJsonObject{{"readBytes", 0.0},
                                        {"writeBytes", 5e7},
                                        {"readRate", read},
                                        {"writeRate", write}}},
                {"pids", 1}};
            view.addAppStats(QJsonObject{
                {"type", "stats"},
                {"data", QJsonObject{{"timestamp", QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                                                       .toString(Qt::ISODateWithMs)},
                                     {"apps", QJsonArray{appStats}}}}});
        };
        const qint64 later = QDateTime::currentMSecsSinceEpoch() + 60000;
        stats(later, 3 * 1048576.0, 512, 0, 40 * 1024.0);
        QCOMPARE(view.rateDivisor(true), 1048576.0);
        QCOMPARE(view.rateAxisFormat(true), QStringLiteral("%.1f MiB/s"));
        QCOMPARE(view.rateDivisor(false), 1024.0);
        QCOMPARE(view.rateAxisFormat(false), QStringLiteral("%.0f KiB/s"));
        QLineSeries *rx = view.appRateSeries(gui::MetricsView::Received);
        QCOMPARE(rx->at(rx->count() - 1).y(), 3.0);
        QCOMPARE(view.appRatePoints(gui::MetricsView::Received).last().y(), 3 * 1048576.0);
        QLineSeries *written = view.appRateSeries(gui::MetricsView::Written);
        QCOMPARE(written->at(written->count() - 1).y(), 40.0);
        const QString figures = view.appSummaryText();
        QVERIFY2(figures.contains(QStringLiteral("3.0 MiB/s received, 512 B/s sent (953.7 MiB "
                                                 "and 1.9 MiB in all)")),
                 qPrintable(figures));
        QVERIFY2(figures.contains(QStringLiteral("0 B/s read, 40.0 KiB/s written")),
                 qPrintable(figures));
        // A stopped container: no rates, the charts keep what they had.
        const QJsonObject stopped{{"appId", app},
                                  {"cpu", QJsonValue::Null},
                                  {"memory", QJsonValue::Null},
                                  {"network", QJsonValue::Null},
                                  {"blockio", QJsonValue::Null},
                                  {"pids", QJsonValue::Null}};
        const QJsonObject data{
            {"timestamp",
             QDateTime::fromMSecsSinceEpoch(later + 1000, Qt::UTC).toString(Qt::ISODateWithMs)},
            {"apps", QJsonArray{stopped}}};
        view.addAppStats(QJsonObject{{"type", "stats"}, {"data", data}});
        QVERIFY2(view.appSummaryText().contains(QStringLiteral("Network of ") + containerName +
                                                QStringLiteral(" | – | no running container")),
                 qPrintable(view.appSummaryText()));
        QCOMPARE(view.appRatePoints(gui::MetricsView::Received).last().y(), 3 * 1048576.0);
    }

    // The axis of a rate chart (pure).
    void rateAxis_data() {
        QTest::addColumn<double>("max");
        QTest::addColumn<double>("divisor");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<double>("top");
        QTest::newRow("nothing") << 0.0 << 1.0 << "B/s" << 1.0;
        QTest::newRow("under a byte") << 0.4 << 1.0 << "B/s" << 1.0;
        QTest::newRow("bytes") << 700.0 << 1.0 << "B/s" << 1000.0;
        QTest::newRow("just under a KiB") << 1023.0 << 1.0 << "B/s" << 1000.0 + 1000.0;
        QTest::newRow("a KiB") << 1024.0 << 1024.0 << "KiB/s" << 1.0;
        QTest::newRow("1.5 KiB") << 1536.0 << 1024.0 << "KiB/s" << 2.0;
        QTest::newRow("3 MiB") << 3.0 * 1048576 << 1048576.0 << "MiB/s" << 5.0;
        QTest::newRow("12 GiB") << 12.0 * 1073741824 << 1073741824.0 << "GiB/s" << 20.0;
        QTest::newRow("past the units") << 5e18 << 1099511627776.0 << "TiB/s" << 5000000.0;
        QTest::newRow("negative") << -5.0 << 1.0 << "B/s" << 1.0;
        QTest::newRow("not a number") << std::nan("") << 1.0 << "B/s" << 1.0;
        QTest::newRow("infinite") << std::numeric_limits<double>::infinity() << 1.0 << "B/s" << 1.0;
    }

    void rateAxis() {
        QFETCH(double, max);
        QFETCH(double, divisor);
        QFETCH(QString, unit);
        QFETCH(double, top);
        const gui::MetricsView::RateAxis axis = gui::MetricsView::rateAxis(max);
        QCOMPARE(axis.divisor, divisor);
        QCOMPARE(axis.unit, unit);
        QCOMPARE(axis.top, top);
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
        upstream.containerStates.insert(1, QStringLiteral("running"));
        view.setApp(1, QStringLiteral("web"));
        pump(300);
        QCOMPARE(upstream.restCalls, calls + 1); // its deployments (the markers), no history
        QCOMPARE(view.appHistoryLoads(), 0);
    }

    // Against upstream Mist the selected app's figures come from upstream's per-container stats
    // socket (/api/ws/container/stats?appId=), translated: CPU, memory, the rates from its
    // totals; when the container stops the view says why and asks again.
    void upstreamAppFigures() {
        UpstreamStandIn upstream;
        upstream.containerStates.insert(1, QStringLiteral("running"));
        upstream.containerStates.insert(2, QStringLiteral("exited"));
        auto s = signedIn(upstream.port(), upstream.email, upstream.password);
        QVERIFY(s);
        gui::MetricsView view;
        view.show();
        view.setSession(s.get());
        view.setApp(1, QStringLiteral("web"));
        QVERIFY(QTest::qWaitFor([&] { return view.appCpuSeries()->count() >= 3; }, 10000));
        QCOMPARE(view.appCpuSeries()->at(view.appCpuSeries()->count() - 1).y(), 25.0);
        QCOMPARE(view.appMemorySeries()->at(view.appMemorySeries()->count() - 1).y(), 25.0);
        // The stand-in's totals grow by 1 MiB a message (every 100 ms): about 10 MiB/s, measured
        // over at least MinRateSeconds (wide bounds: the shared machine's event loop may bunch
        // messages up).
        QVERIFY(QTest::qWaitFor(
            [&] { return view.appRatePoints(gui::MetricsView::Received).size() >= 2; }, 10000));
        const double rx = view.appRatePoints(gui::MetricsView::Received).last().y();
        QVERIFY2(rx > 1 * 1048576.0 && rx < 40 * 1048576.0, qPrintable(QString::number(rx)));
        QCOMPARE(view.appRatePoints(gui::MetricsView::Sent).last().y(), 0.0);
        const QString summary = view.appSummaryText();
        for (const QString &part :
             {QStringLiteral("CPU of web | 25.0 % | 3 process"),
              QStringLiteral("Memory of web | 25.0 % | 64.0 MiB of 256.0 MiB"),
              QStringLiteral(" received, 0 B/s sent ("), QStringLiteral(" written (")})
            QVERIFY2(summary.contains(part), qPrintable(summary));
        // The container stops: said, and asked again a few seconds later.
        QCOMPARE(upstream.containerStatsOpened, 1);
        upstream.endContainerStats();
        QVERIFY(QTest::qWaitFor(
            [&] { return view.appSummaryText().contains(QStringLiteral("Stats stream ended")); },
            5000));
        QVERIFY(QTest::qWaitFor([&] { return upstream.containerStatsOpened == 2; },
                                gui::MetricsView::RetryUpstreamStatsMs + 5000));
        const int points = view.appCpuSeries()->count();
        QVERIFY(QTest::qWaitFor([&] { return view.appCpuSeries()->count() > points; }, 10000));
        // A stopped container: upstream's reason.
        view.setApp(2, QStringLiteral("worker"));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return view.appSummaryText().contains(
                    QStringLiteral("Container is not running (state: exited)"));
            },
            5000));
        QCOMPARE(view.appCpuSeries()->count(), 0);
        // One upstream does not know.
        view.setApp(3, QStringLiteral("ghost"));
        QVERIFY(QTest::qWaitFor(
            [&] { return view.appSummaryText().contains(QStringLiteral("Container not found")); },
            5000));
        // Another app chosen before the retry: the old one is not asked again.
        const int opened = upstream.containerStatsOpened;
        view.setApp(0, QString());
        pump(gui::MetricsView::RetryUpstreamStatsMs + 500);
        QCOMPARE(upstream.containerStatsOpened, opened);
    }
};

QTEST_MAIN(TestMetricsHistory)
#include "tst_metricshistory.moc"
