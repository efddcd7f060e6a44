// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor-bench: the performance and load figures of docs/PERFORMANCE.md
// and docs/RELIABILITY.md, measured against the real engine (DOCKER_HOST)
// with real `mist-monitor --server` processes. Not part of the test suite;
// `--smoke` is, as a seconds-long run in CI that fails only on functional
// errors (lost lines, refused clients), never on a missed target.

#include "Scenarios.h"

#ifdef MIST_BENCH_GUI
#include <QApplication>
#else
#include <QCoreApplication>
#endif
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace mist::bench;

namespace {

QString cpuModel() {
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("model name"))
            return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    return {};
}

} // namespace

namespace {

void addOptions(QCommandLineParser &parser, const QStringList &order) {
    parser.setApplicationDescription(
        QStringLiteral(
            "Measures relay throughput, fan-out, latency, metrics delivery, memory, the desktop "
            "log view, start-up and a soak against the Docker engine in DOCKER_HOST, and the log "
            "archive's ingest and search in-process. Scenarios: ") +
        order.join(QStringLiteral(", ")));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("smoke"),
                      QStringLiteral("Every scenario in seconds (CI); fails only on errors.")});
    parser.addOption({QStringLiteral("only"), QStringLiteral("Comma-separated scenarios to run."),
                      QStringLiteral("LIST")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Repetitions per figure (default 3)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("load-seconds"),
         QStringLiteral("Length of the 1 000-client and 100-viewer runs (default 60)."),
         QStringLiteral("S")});
    parser.addOption({QStringLiteral("soak-seconds"),
                      QStringLiteral("Length of the soak (default 600)."), QStringLiteral("S")});
    parser.addOption({QStringLiteral("history-dir"),
                      QStringLiteral("history: also measure the sealed 1 s blocks of the "
                                     "history.db in DIR (a server's data directory)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Also write the figures to FILE."),
                      QStringLiteral("FILE")});
}

Options optionsFrom(const QCommandLineParser &parser) {
    Options o;
    o.smoke = parser.isSet(QStringLiteral("smoke"));
    auto number = [&](const QString &name, int fallback) {
        if (!parser.isSet(name))
            return fallback;
        bool ok = false;
        const int v = parser.value(name).toInt(&ok);
        if (!ok || v < 1) {
            std::fprintf(stderr, "mist-monitor-bench: --%s wants a positive whole number\n",
                         qPrintable(name));
            std::exit(2);
        }
        return v;
    };
    o.runs = number(QStringLiteral("runs"), o.smoke ? 1 : 3);
    o.loadSeconds = number(QStringLiteral("load-seconds"), 60);
    o.soakSeconds = number(QStringLiteral("soak-seconds"), 600);
    o.historyDir = parser.value(QStringLiteral("history-dir"));
    if (!o.historyDir.isEmpty() &&
        !QFileInfo(o.historyDir + QStringLiteral("/history.db")).isFile()) {
        std::fprintf(stderr, "mist-monitor-bench: --history-dir: no history.db in %s\n",
                     qPrintable(o.historyDir));
        std::exit(2);
    }
    return o;
}

// Prints what the figures were measured on and returns it for --json.
QJsonObject describeMachine(const Options &o) {
    QJsonObject machine{
        {QStringLiteral("cpu"), cpuModel()},
        {QStringLiteral("cores"), QThread::idealThreadCount()},
        {QStringLiteral("kernel"), QSysInfo::kernelVersion()},
        {QStringLiteral("os"), QSysInfo::prettyProductName()},
        {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
        {QStringLiteral("smoke"), o.smoke},
        {QStringLiteral("build"), QStringLiteral(MIST_BENCH_BUILD_TYPE)},
    };
    std::printf("mist-monitor-bench %s (%s build): %s, %d cores, %s, Qt %s%s\n", MIST_VERSION,
                MIST_BENCH_BUILD_TYPE, qPrintable(cpuModel()), QThread::idealThreadCount(),
                qPrintable(QSysInfo::prettyProductName()), qVersion(),
                o.smoke ? " (smoke run: figures are not judged)" : "");
    const QByteArray buildType(MIST_BENCH_BUILD_TYPE);
    if (buildType != "Release" && buildType != "RelWithDebInfo")
        std::printf("mist-monitor-bench: WARNING: not an optimised build; configure with "
                    "-DCMAKE_BUILD_TYPE=RelWithDebInfo (as scripts/setup.sh does)\n");
    return machine;
}

#ifdef MIST_BENCH_GUI
// Diagnostic knob: MIST_BENCH_SLOW_EVENTS=MS prints every event whose delivery took longer
// (receiver class and name, its parent's, the event type, nesting depth), to find what makes
// an event-loop stall in the desktop scenarios.
class TimingApplication : public QApplication {
public:
    TimingApplication(int &argc, char **argv)
        : QApplication(argc, argv)
        , m_slowMs(qEnvironmentVariableIntValue("MIST_BENCH_SLOW_EVENTS")) {}
    bool notify(QObject *receiver, QEvent *event) override {
        if (m_slowMs <= 0)
            return QApplication::notify(receiver, event);
        const int type = int(event->type());
        ++m_depth;
        const qint64 t0 = monotonicNs();
        const bool done = QApplication::notify(receiver, event);
        const double ms = double(monotonicNs() - t0) / 1e6;
        --m_depth;
        if (ms >= m_slowMs) {
            const QObject *parent = receiver ? receiver->parent() : nullptr;
            std::fprintf(stderr,
                         "slow event: %.1f ms depth %d type %d to %s '%s' (parent %s '%s')\n", ms,
                         m_depth, type, receiver ? receiver->metaObject()->className() : "-",
                         receiver ? qPrintable(receiver->objectName()) : "",
                         parent ? parent->metaObject()->className() : "-",
                         parent ? qPrintable(parent->objectName()) : "");
        }
        return done;
    }

private:
    int m_slowMs = 0;
    int m_depth = 0;
};
#endif

// Every scenario, in the order they run; the engine-free ones run in this process alone.
struct Scenario {
    QString name;
    std::function<void(const Options &, Report &)> run;
    bool needsEngine = true;
};

std::vector<Scenario> scenarioTable() {
    return {
        {QStringLiteral("relay"), relay},
        {QStringLiteral("fanout"), fanout},
        {QStringLiteral("latency"), latency},
        {QStringLiteral("metrics"), metrics},
        {QStringLiteral("load-logs"), loadLogs},
        {QStringLiteral("memory"), memory},
#ifdef MIST_BENCH_GUI
        {QStringLiteral("desktop"), desktop},
#endif
        {QStringLiteral("startup"), startup},
        {QStringLiteral("soak"), soak},
        {QStringLiteral("archive"), archive, false},
        {QStringLiteral("archive-follow"), archiveFollow},
        {QStringLiteral("history"), history, false},
        {QStringLiteral("alerts"), alerts},
        {QStringLiteral("sampler"), sampler},
#ifdef MIST_BENCH_GUI
        {QStringLiteral("desktop-scroll"), desktopScroll},
        {QStringLiteral("desktop-chart"), desktopChart, false},
#endif
    };
}

} // namespace

int main(int argc, char **argv) {
#ifdef MIST_BENCH_GUI
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimingApplication app(argc, argv);
#else
    QCoreApplication app(argc, argv);
#endif
    app.setApplicationName(QStringLiteral("mist-monitor-bench"));

    const std::vector<Scenario> scenarios = scenarioTable();
    QStringList order;
    for (const Scenario &s : scenarios)
        order << s.name;
    QCommandLineParser parser;
    addOptions(parser, order);
    parser.process(app);

    const Options o = optionsFrom(parser);
    QStringList selected = order;
    if (parser.isSet(QStringLiteral("only"))) {
        selected = parser.value(QStringLiteral("only")).split(u',', Qt::SkipEmptyParts);
        for (const QString &s : selected)
            if (!order.contains(s)) {
                std::fprintf(stderr, "mist-monitor-bench: unknown scenario '%s' (have: %s)\n",
                             qPrintable(s), qPrintable(order.join(QStringLiteral(", "))));
                return 2;
            }
    }
    const bool needsEngine =
        std::any_of(scenarios.begin(), scenarios.end(),
                    [&](const Scenario &s) { return s.needsEngine && selected.contains(s.name); });
    if (needsEngine && qEnvironmentVariableIsEmpty("DOCKER_HOST")) {
        std::fprintf(stderr, "mist-monitor-bench: DOCKER_HOST is not set (start an engine with "
                             "scripts/test-dockerd.sh start DIR)\n");
        return 2;
    }

    const QJsonObject machine = describeMachine(o);
    Report report;
    for (const Scenario &s : scenarios)
        if (selected.contains(s.name))
            s.run(o, report);
    report.print();
    if (parser.isSet(QStringLiteral("json")) &&
        !report.writeJson(parser.value(QStringLiteral("json")), machine))
        std::fprintf(stderr, "mist-monitor-bench: cannot write %s\n",
                     qPrintable(parser.value(QStringLiteral("json"))));
    return report.failures() ? 1 : 0;
}
