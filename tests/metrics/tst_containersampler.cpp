// SPDX-License-Identifier: GPL-3.0-or-later

// ContainerSampler on real containers of the private engine: figures for each, rates from the
// second batch on, a container that goes away, a process that never existed, and a restart.

#include "TestSupport.h"
#include "base/SecondTicks.h"
#include "metrics/ContainerSampler.h"

#include <QSignalSpy>
#include <QTest>

using namespace mist::metrics;
using mist::test::docker;

namespace {

QString uniqueName(const char *what) {
    return QStringLiteral("mist-sampler-%1-%2")
        .arg(QLatin1String(what))
        .arg(QCoreApplication::applicationPid());
}

SampledContainer sampled(const QString &name) {
    const QStringList idAndPid = docker({QStringLiteral("inspect"), QStringLiteral("-f"),
                                         QStringLiteral("{{.Id}} {{.State.Pid}}"), name})
                                     .split(QLatin1Char(' '));
    return {idAndPid.value(0), idAndPid.value(1).toLongLong()};
}

} // namespace

class TestContainerSampler : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void ticksInTheMiddleOfASecond_data();
    void ticksInTheMiddleOfASecond();
    void figuresOfEachContainer();
    void aContainerThatGoesAway();
    void aRestartStartsRatesAgain();
    void cleanupTestCase();

private:
    QString m_busy, m_idle;
};

void TestContainerSampler::initTestCase() {
    MIST_REQUIRE_DOCKER();
    m_busy = uniqueName("busy");
    m_idle = uniqueName("idle");
    QVERIFY(!mist::test::runContainer(m_busy, QStringLiteral("yes > /dev/null")).isEmpty());
    QVERIFY(!mist::test::runContainer(m_idle, QStringLiteral("sleep 600"),
                                      {QStringLiteral("-m"), QStringLiteral("64m")})
                 .isEmpty());
}

void TestContainerSampler::figuresOfEachContainer() {
    ContainerSampler sampler;
    const SampledContainer busy = sampled(m_busy), idle = sampled(m_idle);
    sampler.setContainers({busy, idle, {QStringLiteral("no-such-container"), 999999999}});
    QSignalSpy batches(&sampler, &ContainerSampler::sampled);
    sampler.start(300);
    QVERIFY(batches.wait(10000));
    // The first batch: totals, no rates yet.
    QVERIFY(sampler.figures().contains(busy.id));
    QVERIFY(!sampler.figures().value(busy.id).cpuPercent);
    QTRY_VERIFY_WITH_TIMEOUT(sampler.figures().value(busy.id).cpuPercent.has_value(), 10000);
    // Two batches later both have rates; the busy one uses more CPU than the sleeping one.
    const quint64 after = sampler.batches() + 2;
    QTRY_VERIFY_WITH_TIMEOUT(sampler.batches() >= after, 10000);
    const ContainerFigures b = sampler.figures().value(busy.id);
    const ContainerFigures i = sampler.figures().value(idle.id);
    QVERIFY(b.cpuPercent && i.cpuPercent);
    QVERIFY2(
        *b.cpuPercent > *i.cpuPercent,
        qPrintable(QStringLiteral("busy %1 %, idle %2 %").arg(*b.cpuPercent).arg(*i.cpuPercent)));
    QCOMPARE(i.memoryLimit, quint64(64) << 20);
    QVERIFY(b.memoryLimit > (quint64(64) << 20)); // no limit: the host's memory
    QVERIFY(b.pids >= 2);
    // A process that never existed: an error naming its /proc entry, no figures.
    QVERIFY(!sampler.figures().contains(QStringLiteral("no-such-container")));
    QVERIFY2(sampler.errors()
                 .value(QStringLiteral("no-such-container"))
                 .contains(QStringLiteral("999999999")),
             qPrintable(sampler.errors().value(QStringLiteral("no-such-container"))));
}

void TestContainerSampler::aContainerThatGoesAway() {
    const QString name = uniqueName("gone");
    QVERIFY(!mist::test::runContainer(name, QStringLiteral("sleep 600")).isEmpty());
    const SampledContainer gone = sampled(name);
    ContainerSampler sampler;
    sampler.setContainers({gone});
    sampler.start(200);
    QTRY_VERIFY_WITH_TIMEOUT(sampler.figures().contains(gone.id), 10000);
    mist::test::removeContainer(name);
    QTRY_VERIFY_WITH_TIMEOUT(sampler.errors().contains(gone.id), 10000);
    QVERIFY(!sampler.figures().contains(gone.id));
    // Told it is gone: forgotten.
    sampler.setContainers({});
    QVERIFY(sampler.errors().isEmpty() && sampler.figures().isEmpty());
    const quint64 done = sampler.batches() + 1;
    QTRY_VERIFY_WITH_TIMEOUT(sampler.batches() >= done, 10000);
    QVERIFY(sampler.errors().isEmpty() && sampler.figures().isEmpty());
}

void TestContainerSampler::aRestartStartsRatesAgain() {
    const QString name = uniqueName("restart");
    QVERIFY(!mist::test::runContainer(name, QStringLiteral("sleep 600")).isEmpty());
    ContainerSampler sampler;
    SampledContainer c = sampled(name);
    sampler.setContainers({c});
    sampler.start(200);
    QTRY_VERIFY_WITH_TIMEOUT(sampler.figures().value(c.id).cpuPercent.has_value(), 10000);
    QVERIFY(!docker({QStringLiteral("restart"), QStringLiteral("-t"), QStringLiteral("0"), name})
                 .isEmpty());
    const SampledContainer restarted = sampled(name);
    QCOMPARE(restarted.id, c.id);
    QVERIFY(restarted.pid != c.pid);
    sampler.setContainers({restarted});
    QVERIFY(!sampler.figures().contains(c.id)); // the old process's figures are gone
    // The first figures of the new process have no rate: its counters began again (a rate
    // across the restart would be negative or huge).
    QSignalSpy batches(&sampler, &ContainerSampler::sampled);
    while (!sampler.figures().contains(c.id))
        QVERIFY(batches.wait(10000));
    QVERIFY(!sampler.figures().value(c.id).cpuPercent.has_value());
    QTRY_VERIFY_WITH_TIMEOUT(sampler.figures().value(c.id).cpuPercent.has_value(), 10000);
    mist::test::removeContainer(name);
}

void TestContainerSampler::cleanupTestCase() {
    mist::test::removeContainer(m_busy);
    mist::test::removeContainer(m_idle);
}

QTEST_GUILESS_MAIN(TestContainerSampler)
// Ticks at .500 of each wall-clock second: history files a sample under its whole second, so a
// tick near a boundary would leave one second without a point and give the next two.
void TestContainerSampler::ticksInTheMiddleOfASecond_data() {
    QTest::addColumn<qint64>("now");
    QTest::addColumn<int>("interval");
    QTest::addColumn<int>("delay");
    const qint64 t = qint64(1796572800) * 1000; // a whole second
    QTest::newRow("at the second") << t << 1000 << 500;
    QTest::newRow("just before the middle") << t + 499 << 1000 << 1001; // at least 100 ms
    QTest::newRow("at the middle: the next one") << t + 500 << 1000 << 1000;
    QTest::newRow("just after the middle") << t + 501 << 1000 << 999;
    QTest::newRow("100 ms before the middle") << t + 400 << 1000 << 100;
    QTest::newRow("late in the second") << t + 999 << 1000 << 501;
    QTest::newRow("before the epoch") << qint64(-1) << 1000 << 501;
    QTest::newRow("two seconds") << t + 700 << 2000 << 1800;
    QTest::newRow("no interval") << t << 0 << 0;
}

void TestContainerSampler::ticksInTheMiddleOfASecond() {
    QFETCH(qint64, now);
    QFETCH(int, interval);
    QFETCH(int, delay);
    const int got = mist::msToNextTick(now, interval);
    QCOMPARE(got, delay);
    if (interval > 0)
        QCOMPARE((now + got) % interval, qint64(500) % interval);
}

#include "tst_containersampler.moc"
