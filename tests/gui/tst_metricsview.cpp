// SPDX-License-Identifier: GPL-3.0-or-later

// The metrics charts: points land in the series, the window stays bounded,
// the labels show the values with units.
#include "MetricsView.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QTest>
#include <QValueAxis>

using namespace mist::gui;

namespace {
QJsonObject sample(const QDateTime &at, double cpu, double mem, double disk, bool docker = true) {
    return QJsonObject{
        {"timestamp", at.toString(Qt::ISODate)},
        {"cpu", QJsonObject{{"usage", cpu}, {"cores", 4}}},
        {"memory", QJsonObject{{"used", 4294967296.0}, {"total", 17179869184.0}, {"percent", mem}}},
        {"disk",
         QJsonObject{{"used", 53687091200.0}, {"total", 536870912000.0}, {"percent", disk}}},
        {"docker", docker ? QJsonValue(QJsonObject{
                                {"containers_running", 5}, {"containers_total", 8}, {"images", 12}})
                          : QJsonValue(QJsonValue::Null)},
    };
}
} // namespace

class TestMetricsView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Figures in the user's locale: "24,7 %" in German, "24.7 %" in English.
    void decimalsInTheLocale() {
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        const auto restore = qScopeGuard([&] { QLocale::setDefault(before); });
        MetricsView view;
        QJsonObject s = sample(QDateTime::currentDateTimeUtc(), 24.7, 25.0, 10.0);
        s.insert(QStringLiteral("load"),
                 QJsonObject{{"one", 0.5}, {"five", 1.25}, {"fifteen", 2.0}});
        view.addSample(s);
        QCOMPARE(view.findChild<QLabel *>("cpuValue")->text(), QStringLiteral("24,7 %"));
        QCOMPARE(view.loadText(), QStringLiteral("Load average: 0,50, 1,25, 2,00"));
    }

    void pointsArriveAndLabelsShowValues() {
        MetricsView view;
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        view.addSample(sample(t0, 25.5, 25.0, 10.0));
        view.addSample(sample(t0.addSecs(1), 30.0, 26.0, 10.0));
        QCOMPARE(view.cpuSeries()->count(), 2);
        QCOMPARE(view.cpuSeries()->at(1).y(), 30.0);
        QCOMPARE(view.memorySeries()->at(0).y(), 25.0);
        QCOMPARE(view.findChild<QLabel *>("cpuValue")->text(), QStringLiteral("30.0 %"));
        QVERIFY(view.summaryText().contains(QStringLiteral("5 running of 8")));
        QVERIFY(view.summaryText().contains(QStringLiteral("Images: 12")));
        bool sawGiB = false;
        for (QLabel *l : view.findChildren<QLabel *>())
            sawGiB = sawGiB || l->text() == QStringLiteral("4.0 GiB of 16.0 GiB");
        QVERIFY(sawGiB);
    }

    // A hidden view (another tab in front) keeps its points but draws its charts only when it
    // is shown again, or when a series is asked for: a chart's replace() lays out its whole path.
    void hiddenViewDrawsWhenShown() {
        QWidget tabs;
        auto *view = new MetricsView(&tabs);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        view->addSample(sample(t0, 10, 25, 10));
        const int drawnWhileShown = view->chartUpdates();
        view->addSample(sample(t0.addSecs(1), 11, 25, 10));
        QCOMPARE(view->chartUpdates(), drawnWhileShown + 1); // on screen: drawn at once
        view->hide();
        for (int i = 2; i < 60; ++i)
            view->addSample(sample(t0.addSecs(i), 10 + i, 25, 10));
        QCOMPARE(view->chartUpdates(), drawnWhileShown + 1); // hidden: not drawn
        QCOMPARE(view->findChild<QLabel *>("cpuValue")->text(), QStringLiteral("69.0 %"));
        view->show();
        QCOMPARE(view->chartUpdates(), drawnWhileShown + 2); // shown: drawn once
        QCOMPARE(view->cpuSeries()->count(), 60);
        QCOMPARE(view->cpuSeries()->at(59).y(), 69.0);
        QCOMPARE(view->chartUpdates(), drawnWhileShown + 2);
        // Asked for while hidden: drawn first.
        view->hide();
        view->addSample(sample(t0.addSecs(60), 5, 25, 10));
        QCOMPARE(view->cpuSeries()->count(), 61);
        QCOMPARE(view->chartUpdates(), drawnWhileShown + 3);
    }

    // Qt Charts elides every label of a vertical axis that has too little height for its ticks
    // ("…" on each): a short chart gets fewer value ticks, a tall one five; the time axis as
    // many as its width has room for.
    void ticksFitTheChartsSize() {
        MetricsView view;
        view.resize(700, 330);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        view.addSample(sample(t0, 10, 25, 10));
        auto *chart = view.findChild<QChartView *>(QStringLiteral("cpuChart"))->chart();
        auto *values = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).value(0));
        auto *times = qobject_cast<QCategoryAxis *>(chart->axes(Qt::Horizontal).value(0));
        QVERIFY(values && times);
        QTRY_VERIFY(chart->plotArea().height() > 0);
        view.addSample(sample(t0.addSecs(1), 11, 25, 10));
        const double shortHeight = chart->plotArea().height();
        QVERIFY2(shortHeight < 60, qPrintable(QString::number(shortHeight)));
        QCOMPARE(values->tickCount(), MetricsView::valueTicks(shortHeight, false));
        QVERIFY(values->tickCount() < 5);
        view.resize(1400, 1400);
        QTRY_COMPARE(values->tickCount(), 5);
        QTRY_VERIFY(times->categoriesLabels().size() >= 4); // a 1 h window: every 15 min
    }

    // Each label keeps 20 px; 5, 3 or 2 ticks (0, 50, 100 %), a rate chart at most 3.
    void valueTicks_data() {
        QTest::addColumn<double>("height");
        QTest::addColumn<bool>("rate");
        QTest::addColumn<int>("ticks");
        QTest::newRow("not laid out yet") << 0.0 << false << 5;
        QTest::newRow("not laid out yet, rate") << 0.0 << true << 3;
        QTest::newRow("negative") << -10.0 << false << 5;
        QTest::newRow("tiny") << 5.0 << false << 2;
        QTest::newRow("39 px: 2") << 39.0 << false << 2;
        QTest::newRow("40 px: 3") << 40.0 << false << 3;
        QTest::newRow("79 px: 3") << 79.0 << false << 3;
        QTest::newRow("80 px: 5") << 80.0 << false << 5;
        QTest::newRow("80 px rate: 3") << 80.0 << true << 3;
        QTest::newRow("tall") << 2000.0 << false << 5;
        QTest::newRow("tall rate") << 2000.0 << true << 3;
        QTest::newRow("39 px rate: 2") << 39.0 << true << 2;
    }
    void valueTicks() {
        QFETCH(double, height);
        QFETCH(bool, rate);
        QFETCH(int, ticks);
        QCOMPARE(MetricsView::valueTicks(height, rate), ticks);
    }

    // The host's and the app's samples arrive on two sockets a little apart (upstream's app
    // figures carry whole seconds): the window's end does not step back for an app sample up to
    // 2 s older, and follows a clock that moved further.
    void windowEndDoesNotStepBack() {
        MetricsView view;
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setApp(7, QStringLiteral("web"));
        const QDateTime t0 =
            QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() - 60, Qt::UTC);
        auto appMessage = [](const QDateTime &at) {
            const QJsonObject app{{"appId", 7},
                                  {"name", "web"},
                                  {"cpu", QJsonObject{{"percent", 12.5}}},
                                  {"memory", QJsonObject{{"used", 1e6}, {"limit", 1e9}}}};
            return QJsonObject{{"type", "stats"},
                               {"data", QJsonObject{{"timestamp", at.toString(Qt::ISODateWithMs)},
                                                    {"apps", QJsonArray{app}}}}};
        };
        auto *chart = view.findChild<QChartView *>(QStringLiteral("cpuChart"))->chart();
        auto *times = qobject_cast<QCategoryAxis *>(chart->axes(Qt::Horizontal).value(0));
        QVERIFY(times);
        const QDateTime end = t0.addSecs(10);
        view.addSample(sample(end, 10, 25, 10));
        QCOMPARE(qint64(times->max()), end.toMSecsSinceEpoch());
        view.addAppStats(appMessage(end.addMSecs(-800)));
        QCOMPARE(qint64(times->max()), end.toMSecsSinceEpoch()); // held
        QCOMPARE(view.appCpuSeries()->count(), 1);               // the point is kept all the same
        view.addAppStats(appMessage(end.addMSecs(1500)));
        QCOMPARE(qint64(times->max()), end.addMSecs(1500).toMSecsSinceEpoch()); // forward
        view.addAppStats(appMessage(end.addSecs(-30)));
        QCOMPARE(qint64(times->max()), end.addSecs(-30).toMSecsSinceEpoch()); // a moved clock
    }

    void windowStaysBounded() {
        MetricsView view;
        QCOMPARE(view.windowSeconds(), 3600); // the first of the combo's windows
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        for (int i = 0; i < 5000; ++i) // over an hour of samples
            view.addSample(sample(t0.addSecs(i), i % 100, 50, 10));
        QVERIFY(view.cpuSeries()->count() <= 3601);
        QVERIFY(view.cpuSeries()->count() >= 3599);
        view.setWindowSeconds(60);
        QVERIFY(view.cpuSeries()->count() <= 61);
        QCOMPARE(view.cpuSeries()->at(view.cpuSeries()->count() - 1).y(), double(4999 % 100));
    }

    // A long window keeps one live point per step of its history (30 d: 30
    // min), the newest sample replacing the point of its step.
    void longWindowKeepsOnePointPerStep() {
        MetricsView view;
        view.setWindowSeconds(30 * 24 * 3600);
        QCOMPARE(MetricsView::historyStep(view.windowSeconds()), 1800);
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(
            QDateTime::currentSecsSinceEpoch() / 1800 * 1800, Qt::UTC);
        for (int i = 0; i < 7200; ++i) // two hours of samples
            view.addSample(sample(t0.addSecs(i), i % 100, 50, 10));
        QCOMPARE(view.cpuSeries()->count(), 4);
        QCOMPARE(view.cpuSeries()->at(3).y(), double(7199 % 100));
        QCOMPARE(qint64(view.cpuSeries()->at(3).x()), t0.addSecs(7199).toMSecsSinceEpoch());
    }

    void historyStep_data() {
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("step");
        QTest::newRow("1 h") << 3600 << 1;
        QTest::newRow("6 h") << 6 * 3600 << 10;
        QTest::newRow("24 h") << 24 * 3600 << 60;
        QTest::newRow("7 d") << 7 * 24 * 3600 << 300;
        QTest::newRow("30 d") << 30 * 24 * 3600 << 1800;
        QTest::newRow("1 y") << 365 * 24 * 3600 << 6 * 3600;
        QTest::newRow("below the least") << 10 << 1;
        QTest::newRow("past a year") << 2 * 365 * 24 * 3600 << 6 * 3600;
    }
    void historyStep() {
        QFETCH(int, window);
        QFETCH(int, step);
        QCOMPARE(MetricsView::historyStep(window), step);
        // At most 3601 points a chart (the history answer's bound is 100000).
        QVERIFY(std::min(window, 365 * 24 * 3600) / step <= 3600);
    }

    void pointTooltip() {
        const QDateTime at =
            QDateTime::fromString(QStringLiteral("2026-12-06T10:00:05Z"), Qt::ISODate);
        QCOMPARE(MetricsView::pointText(QPointF(double(at.toMSecsSinceEpoch()), 12.34)),
                 at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                     QStringLiteral(" · 12.3 %"));
    }

    void engineUnreachable() {
        MetricsView view;
        view.addSample(sample(QDateTime::currentDateTimeUtc(), 1, 2, 3, false));
        QVERIFY(view.summaryText().contains(QStringLiteral("Docker engine unreachable")));
    }

    // Upstream's samples carry the load average; it shows under CPU while
    // samples have it, and goes when they stop (this project's own do not).
    void loadAverageWhereTheSampleHasOne() {
        MetricsView view;
        view.show();
        QJsonObject withLoad = sample(QDateTime::currentDateTimeUtc(), 1, 2, 3);
        QVERIFY(view.loadText().isEmpty());
        withLoad.insert(QStringLiteral("load"), QJsonObject{{QStringLiteral("one"), 0.1},
                                                            {QStringLiteral("five"), 2.25},
                                                            {QStringLiteral("fifteen"), 12}});
        view.addSample(withLoad);
        QCOMPARE(view.loadText(), QStringLiteral("Load average: 0.10, 2.25, 12.00"));
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("loadAverage"))->isVisible());
        QJsonObject partial = withLoad;
        partial.insert(QStringLiteral("load"), QJsonObject{{QStringLiteral("one"), 0.1}});
        view.addSample(partial);
        QVERIFY(view.loadText().isEmpty());
        QVERIFY(!view.findChild<QLabel *>(QStringLiteral("loadAverage"))->isVisible());
    }

    void formatBytes_data() {
        QTest::addColumn<double>("bytes");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << "0 B";
        QTest::newRow("bytes") << 1000.0 << "1000 B";
        QTest::newRow("KiB") << 1536.0 << "1.5 KiB";
        QTest::newRow("GiB") << 4294967296.0 << "4.0 GiB";
        QTest::newRow("TiB") << 536870912000.0 * 4 << "2.0 TiB";
    }

    void formatBytes() {
        QFETCH(double, bytes);
        QFETCH(QString, text);
        QCOMPARE(mist::gui::formatBytes(bytes), text);
    }
};

QTEST_MAIN(TestMetricsView)
#include "tst_metricsview.moc"
