// SPDX-License-Identifier: GPL-3.0-or-later

#include "MetricsSampler.h"

#include "MetricsLogging.h"

#include "engine/EngineApi.h"
#include "engine/SwarmState.h"

#include "engine/DockerClient.h"
#include "engine/EngineLogging.h"
#include "protocol/Envelope.h"

#include <QFile>
#include <QJsonDocument>
#include <QStorageInfo>

#include <ctime>

namespace mist::metrics {

namespace {
QByteArray readProcFile(const char *path) {
    // /proc files report size 0: read until EOF instead of trusting size().
    QFile f(QString::fromLatin1(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

qint64 threadCpuNs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

double percentOf(quint64 part, quint64 whole) {
    return whole == 0 ? 0.0 : roundToOneDecimal(100.0 * double(part) / double(whole));
}
} // namespace

QJsonObject buildMetricsObject(const QString &timestamp, double cpuPercent, int cores,
                               const std::optional<MemInfo> &memory, quint64 diskTotal,
                               quint64 diskFree, const std::optional<QJsonObject> &docker) {
    const quint64 memTotal = memory ? memory->totalBytes : 0;
    const quint64 memUsed = memory ? memory->usedBytes() : 0;
    const quint64 diskUsed = diskTotal > diskFree ? diskTotal - diskFree : 0;
    return QJsonObject{
        {QStringLiteral("timestamp"), timestamp},
        {QStringLiteral("cpu"),
         QJsonObject{{QStringLiteral("usage"), roundToOneDecimal(cpuPercent)},
                     {QStringLiteral("cores"), cores}}},
        {QStringLiteral("memory"),
         QJsonObject{{QStringLiteral("used"), double(memUsed)},
                     {QStringLiteral("total"), double(memTotal)},
                     {QStringLiteral("percent"), percentOf(memUsed, memTotal)}}},
        {QStringLiteral("disk"),
         QJsonObject{{QStringLiteral("used"), double(diskUsed)},
                     {QStringLiteral("total"), double(diskTotal)},
                     {QStringLiteral("percent"), percentOf(diskUsed, diskTotal)}}},
        {QStringLiteral("docker"), docker ? QJsonValue(*docker) : QJsonValue(QJsonValue::Null)},
    };
}

MetricsSampler::MetricsSampler(engine::DockerClient *docker, const QString &diskPath,
                               QObject *parent, const QString &sysClass)
    : QObject(parent)
    , m_docker(docker)
    , m_diskPath(diskPath)
    , m_thermometer(sysClass) {
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &MetricsSampler::sampleNow);
}

void MetricsSampler::start(int intervalMs) {
    // Prime the CPU delta so the very first sample already means something.
    if (auto ticks = parseProcStatCpu(readProcFile("/proc/stat")))
        m_cpu.update(*ticks);
    m_timer.start(intervalMs);
    // The first sample waits for the engine's first answer (or its failure),
    // so it does not claim "docker": null for an engine that is fine; the
    // timer takes it regardless if the engine is slow.
    refreshDockerInfo();
}

void MetricsSampler::stop() {
    m_timer.stop();
}

void MetricsSampler::refreshDockerInfo() {
    if (!m_docker)
        return;
    if (m_dockerRequestInFlight) {
        // An engine that has not answered for two intervals is as good as
        // gone: say null rather than repeat old counts.
        if (m_dockerAsked.elapsed() > 2 * m_timer.interval() + 500)
            m_docker_info.reset();
        return;
    }
    m_dockerAsked.start();
    m_dockerRequestInFlight = true;
    engine::Engine(*m_docker).info(
        this, [this](const engine::EngineResult<engine::EngineInfo> &info) {
            m_dockerRequestInFlight = false;
            const bool first = m_samples == 0;
            if (!info) {
                if (m_docker_info || first)
                    qCWarning(lcEngine).noquote()
                        << "Docker engine unreachable:" << info.error().message;
                m_docker_info.reset();
                if (first)
                    sampleNow();
                return;
            }
            if (!m_docker_info)
                qCInfo(lcEngine).noquote() << "Docker engine reachable:" << info->serverVersion;
            m_docker_info = QJsonObject{
                {QStringLiteral("containers_running"), info->containersRunning},
                {QStringLiteral("containers_total"), info->containers},
                {QStringLiteral("images"), info->images},
            };
            if (!info->swarmManager()) {
                m_swarm = QJsonObject();
            } else {
                if (m_infoAnswers % SwarmEverySamples == 0)
                    refreshSwarm();
                if (!m_swarm.isEmpty())
                    m_docker_info->insert(QStringLiteral("swarm"), m_swarm);
            }
            ++m_infoAnswers;
            if (first)
                sampleNow();
        });
}

void MetricsSampler::refreshSwarm() {
    if (m_swarmRequestInFlight)
        return;
    m_swarmRequestInFlight = true;
    // Three lists, then the figures; a failed one leaves the last figures.
    struct Lists {
        QList<engine::SwarmNode> nodes;
        qsizetype services = 0;
        QList<engine::SwarmTask> tasks;
        int pending = 3;
        bool ok = true;
    };
    auto lists = std::make_shared<Lists>();
    // Each answer: whether it came, then once all three are in, the figures.
    auto answered = [this, lists](bool ok) {
        lists->ok = lists->ok && ok;
        if (--lists->pending > 0)
            return;
        m_swarmRequestInFlight = false;
        if (lists->ok)
            m_swarm = engine::swarmFigures(lists->nodes, lists->services, lists->tasks);
    };
    engine::Engine e(*m_docker);
    e.nodes(this, [answered, lists](const engine::EngineResult<QList<engine::SwarmNode>> &r) {
        if (r)
            lists->nodes = *r;
        answered(r.has_value());
    });
    e.services(this, [answered, lists](const engine::EngineResult<QList<engine::SwarmService>> &r) {
        if (r)
            lists->services = r->size();
        answered(r.has_value());
    });
    e.tasks({{QStringLiteral("desired-state"), {QStringLiteral("running")}}}, this,
            [answered, lists](const engine::EngineResult<QList<engine::SwarmTask>> &r) {
                if (r)
                    lists->tasks = *r;
                answered(r.has_value());
            });
}

void MetricsSampler::sampleNow() {
    timespec tick{};
    clock_gettime(CLOCK_REALTIME, &tick);
    const qint64 cpuStart = threadCpuNs();
    const QByteArray stat = readProcFile("/proc/stat");
    const std::optional<CpuTicks> ticks = parseProcStatCpu(stat);
    const double cpu = ticks ? m_cpu.update(*ticks) : 0.0;
    const int cores = parseProcStatCpuCount(stat);
    const std::optional<MemInfo> mem = parseMemInfo(readProcFile("/proc/meminfo"));
    QStorageInfo disk(m_diskPath);
    disk.refresh();
    const quint64 diskTotal = disk.isValid() ? quint64(disk.bytesTotal()) : 0;
    const quint64 diskFree = disk.isValid() ? quint64(disk.bytesFree()) : 0;
    m_cpuTemperature = m_thermometer.read();

    m_latestObject = buildMetricsObject(protocol::rfc3339Seconds(QDateTime::currentDateTimeUtc()),
                                        cpu, cores, mem, diskTotal, diskFree, m_docker_info);
    m_latest = QString::fromUtf8(QJsonDocument(m_latestObject).toJson(QJsonDocument::Compact));
    ++m_samples;
    m_lastSampleNs = threadCpuNs() - cpuStart;
    // The engine's answer is used by the next sample; this one never waits.
    refreshDockerInfo();
    Q_EMIT sampled(m_latest);
    // mist-monitor-bench measures from this tick to the last client's receipt.
    qCDebug(lcMetrics, "metrics tick %lld sample_ns %lld handed_out_ns %lld",
            qlonglong(tick.tv_sec) * 1000000000 + tick.tv_nsec, qlonglong(m_lastSampleNs),
            qlonglong(threadCpuNs() - cpuStart));
}

} // namespace mist::metrics
