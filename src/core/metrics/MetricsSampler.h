// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "ProcParsers.h"
#include "Thermal.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <optional>

namespace mist::engine {
class DockerClient;
}

namespace mist::metrics {

// Takes one host sample per interval (CPU from /proc/stat deltas, memory from
// /proc/meminfo, disk of the data directory's filesystem, container and image
// counts from the engine's /info) and serialises it once, so every /ws/metrics
// client receives the same bytes. The engine is asked asynchronously; a sample
// never waits for it and carries `"docker": null` while it cannot be reached.
class MetricsSampler : public QObject {
    Q_OBJECT
public:
    // On a Swarm manager, docker.swarm (engine::swarmFigures) is read every
    // SwarmEverySamples samples; elsewhere it is left out.
    static constexpr int SwarmEverySamples = 5;

    // `sysClass`: where the CPU temperature is looked for (CpuThermometer).
    MetricsSampler(engine::DockerClient *docker, const QString &diskPath, QObject *parent = nullptr,
                   const QString &sysClass = QStringLiteral("/sys/class"));

    void start(int intervalMs = 1000);
    void stop();
    // Takes a sample now (also used at start, so the first client never waits).
    void sampleNow();

    // The latest serialised sample (the bare object of the published schema).
    const QString &latest() const { return m_latest; }
    QJsonObject latestObject() const { return m_latestObject; }
    // The CPU temperature (°C) at the latest sample; nullopt where the host
    // has no CPU sensor. Not in the published object (the published page
    // has no such field): upstream's /api/ws/stats sends it.
    std::optional<double> cpuTemperature() const { return m_cpuTemperature; }
    quint64 samplesTaken() const { return m_samples; }
    // CPU time the last sample cost this process (reading /proc, serialising).
    qint64 lastSampleNs() const { return m_lastSampleNs; }

Q_SIGNALS:
    void sampled(const QString &message);

private:
    void refreshDockerInfo();

    engine::DockerClient *m_docker;
    QString m_diskPath;
    QTimer m_timer;
    CpuUsageComputer m_cpu;
    std::optional<QJsonObject> m_docker_info;
    void refreshSwarm();
    QJsonObject m_swarm;
    bool m_swarmRequestInFlight = false;
    int m_infoAnswers = 0;
    bool m_dockerRequestInFlight = false;
    QElapsedTimer m_dockerAsked;
    CpuThermometer m_thermometer;
    std::optional<double> m_cpuTemperature;
    QString m_latest;
    QJsonObject m_latestObject;
    quint64 m_samples = 0;
    qint64 m_lastSampleNs = 0;
};

// Pure: builds the published metrics object from parsed inputs.
QJsonObject buildMetricsObject(const QString &timestamp, double cpuPercent, int cores,
                               const std::optional<MemInfo> &memory, quint64 diskTotal,
                               quint64 diskFree, const std::optional<QJsonObject> &docker);

} // namespace mist::metrics
