// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor metrics: follows the host metrics, one line per sample.
#include "MetricsLine.h"
#include "StreamCommand.h"

namespace mist::cli {

namespace {

class MetricsView : public StreamView {
public:
    explicit MetricsView(const HostOutput &output)
        : m_output(output) {}

    // The socket sends bare samples, no envelope: every message is one.
    bool show(const QJsonObject &sample) override {
        if (!m_output.json)
            m_output.out << m_output.outPrefix << metricsLine(sample) << '\n';
        return true;
    }

private:
    const HostOutput &m_output;
};

class Metrics : public StreamCommand {
public:
    Metrics()
        : StreamCommand({QStringLiteral("metrics")}, QStringLiteral("Stop after N samples.")) {}

protected:
    QList<QCommandLineOption> ownOptions() const override { return {}; }
    std::optional<QString> ownOptionsError(const QCommandLineParser &) const override {
        return std::nullopt;
    }
    Result<Stream> start(const QCommandLineParser &, Connection &,
                         const CommandIo &) const override {
        return Stream{QStringLiteral("/ws/metrics"), [](const HostOutput &output) {
                          return std::make_unique<MetricsView>(output);
                      }};
    }
};

} // namespace

std::unique_ptr<Command> makeMetrics() {
    return std::make_unique<Metrics>();
}

} // namespace mist::cli
