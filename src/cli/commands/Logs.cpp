// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor logs --app N: follows the app's container log, lines on
// stdout; the container's state, errors and the end on stderr.
#include "StreamCommand.h"

namespace mist::cli {

namespace {

const QString kApp = QStringLiteral("app");

class LogsView : public StreamView {
public:
    explicit LogsView(const HostOutput &output)
        : m_output(output) {}

    bool show(const QJsonObject &message) override {
        const QString type = message.value(QStringLiteral("type")).toString();
        const QJsonObject data = message.value(QStringLiteral("data")).toObject();
        if (type == u"log") {
            if (!m_output.json)
                m_output.out << m_output.outPrefix << data.value(QStringLiteral("line")).toString()
                             << '\n';
            return true;
        }
        if (type == u"status") {
            if (!m_output.json)
                m_output.err << m_output.errPrefix << "container "
                             << data.value(QStringLiteral("container")).toString() << " is "
                             << data.value(QStringLiteral("state")).toString() << " ("
                             << data.value(QStringLiteral("status")).toString() << ")\n";
        } else if (type == u"error") {
            m_toldError = data.value(QStringLiteral("message")).toString();
            if (!m_output.json)
                m_output.err << m_output.errPrefix << m_toldError << '\n';
        } else if (type == u"end" && !m_output.json) {
            m_output.err << m_output.errPrefix << data.value(QStringLiteral("message")).toString()
                         << '\n';
        }
        return false;
    }
    QString toldError() const override { return m_toldError; }

private:
    const HostOutput &m_output;
    QString m_toldError;
};

class Logs : public StreamCommand {
public:
    Logs()
        : StreamCommand({QStringLiteral("logs")}, QStringLiteral("Stop after N log lines.")) {}

protected:
    QList<QCommandLineOption> ownOptions() const override {
        return {{kApp, QStringLiteral("App whose container log to follow."), QStringLiteral("N")}};
    }
    std::optional<QString> ownOptionsError(const QCommandLineParser &parser) const override {
        return idError(parser, kApp);
    }
    Result<Stream> start(const QCommandLineParser &parser, Connection &,
                         const CommandIo &) const override {
        return Stream{QStringLiteral("/ws/container/logs?appId=%1").arg(idValue(parser, kApp)),
                      [](const HostOutput &output) {
                          return std::make_unique<LogsView>(output);
                      }};
    }
};

} // namespace

std::unique_ptr<Command> makeLogs() {
    return std::make_unique<Logs>();
}

} // namespace mist::cli
