// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor stats [--app N]: every visible app's CPU, memory, network,
// block I/O, pids and restarts once a second (/ws/apps/stats) in an aligned
// table, or only app N's. With --since [--until] [--step]: the host's metric
// history (or app N's) from the server's history, oldest first, then exits
// (docs/CLI.md, docs/HISTORY.md).
#include "AppStatsTable.h"
#include "MetricsLine.h"
#include "StreamCommand.h"
#include "TimeArgument.h"

#include "protocol/Envelope.h"
#include "protocol/Parsing.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace mist::cli {

namespace {

const QString kApp = QStringLiteral("app");
const QString kSince = QStringLiteral("since");
const QString kUntil = QStringLiteral("until");
const QString kStep = QStringLiteral("step");
constexpr qint64 NsPerSecond = 1000000000LL;
constexpr qint64 MaxStep = 365LL * 24 * 3600; // the server's bound (docs/HISTORY.md)

const QString kTimeHelp =
    QStringLiteral("wants a time (RFC 3339, e.g. 2026-12-05T10:00:00Z) or an age (90s, 15m, 2h, "
                   "7d)");

// The history the options ask for, checked; `since` unset: live.
struct HistoryWindow {
    std::optional<qint64> since; // seconds since the epoch
    qint64 until = 0;
    std::optional<qint64> step;
};

Result<HistoryWindow> historyWindow(const QCommandLineParser &parser) {
    HistoryWindow w;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000000LL;
    if (!parser.isSet(kSince)) {
        if (parser.isSet(kUntil))
            return usageFailure(QStringLiteral("--until needs --since"));
        if (parser.isSet(kStep))
            return usageFailure(QStringLiteral("--step needs --since"));
        return w;
    }
    const auto since = parseTimeArgument(parser.value(kSince), now);
    if (!since)
        return usageFailure(QStringLiteral("--since ") + kTimeHelp);
    qint64 until = now;
    if (parser.isSet(kUntil)) {
        const auto parsed = parseTimeArgument(parser.value(kUntil), now);
        if (!parsed)
            return usageFailure(QStringLiteral("--until ") + kTimeHelp);
        if (*parsed < *since)
            return usageFailure(QStringLiteral("--until is before --since"));
        until = *parsed;
    }
    w.since = *since / NsPerSecond;
    w.until = (until + NsPerSecond - 1) / NsPerSecond; // the last second included
    if (parser.isSet(kStep)) {
        w.step = protocol::parseId(parser.value(kStep));
        if (!w.step || *w.step > MaxStep)
            return usageFailure(
                QStringLiteral("--step wants whole seconds from 1 to %1").arg(MaxStep));
    }
    return w;
}

// Live: the table's rows, a header first and again when the APP column widens.
class StatsView : public StreamView {
public:
    StatsView(const HostOutput &output, qint64 app)
        : m_output(output)
        , m_app(app) {}

    bool show(const QJsonObject &message) override {
        if (message.value(QStringLiteral("type")).toString() != u"stats")
            return false;
        const QJsonObject data = message.value(QStringLiteral("data")).toObject();
        if (m_output.json)
            return true;
        const QJsonArray apps = shownApps(data);
        int width = m_table.nameWidth;
        for (const QJsonValue &a : apps)
            width = std::max<int>(width, a[u"name"].toString().size() + 1);
        if (!m_headerShown || width != m_table.nameWidth) {
            m_table.nameWidth = width;
            m_output.out << m_output.outPrefix << m_table.header() << '\n';
            m_headerShown = true;
        }
        const QString time = data.value(QStringLiteral("timestamp")).toString();
        for (const QJsonValue &a : apps)
            m_output.out << m_output.outPrefix << m_table.row(time, a.toObject()) << '\n';
        return true;
    }

    // --json: the envelope's data, with --app only that app.
    QJsonObject asJson(const QJsonObject &message) const override {
        if (message.value(QStringLiteral("type")).toString() != u"stats")
            return message;
        QJsonObject data = message.value(QStringLiteral("data")).toObject();
        data.insert(QStringLiteral("apps"), shownApps(data));
        return data;
    }

private:
    QJsonArray shownApps(const QJsonObject &data) const {
        const QJsonArray all = data.value(QStringLiteral("apps")).toArray();
        if (m_app == 0)
            return all;
        QJsonArray one;
        for (const QJsonValue &a : all)
            if (a[u"appId"].toInteger() == m_app)
                one.append(a);
        return one;
    }

    const HostOutput &m_output;
    qint64 m_app;
    AppStatsTable m_table;
    bool m_headerShown = false;
};

class Stats : public StreamCommand {
public:
    Stats()
        : StreamCommand({QStringLiteral("stats")},
                        QStringLiteral("Stop after N samples (history: N points).")) {}

protected:
    QList<QCommandLineOption> ownOptions() const override {
        return {
            {kApp, QStringLiteral("Only app N (history: app N's instead of the host's)."),
             QStringLiteral("N")},
            {kSince,
             QStringLiteral("History from T on, then exit (RFC 3339, or an age: 90s, 15m, 2h, "
                            "7d)."),
             QStringLiteral("T")},
            {kUntil, QStringLiteral("History up to T (as --since; default now)."),
             QStringLiteral("T")},
            {kStep, QStringLiteral("History points S seconds apart (default: the finest kept)."),
             QStringLiteral("S")},
        };
    }
    std::optional<QString> ownOptionsError(const QCommandLineParser &parser) const override {
        if (parser.isSet(kApp))
            if (const auto error = idError(parser, kApp))
                return error;
        const Result<HistoryWindow> w = historyWindow(parser);
        if (!w)
            return w.error().message;
        return std::nullopt;
    }
    Result<Stream> start(const QCommandLineParser &parser, Connection &connection,
                         const CommandIo &io) const override {
        const qint64 app = parser.isSet(kApp) ? idValue(parser, kApp) : 0;
        for (const Connection::Host &host : connection.hosts())
            if (const auto refused = refusal(host, app))
                return fail(*refused);
        const Result<HistoryWindow> w = historyWindow(parser);
        if (!w)
            return fail(w.error());
        if (!w->since)
            return Stream{QStringLiteral("/ws/apps/stats"), [app](const HostOutput &output) {
                              return std::make_unique<StatsView>(output, app);
                          }};
        if (connection.hosts().size() > 1)
            return usageFailure(QStringLiteral("stats with --since takes one --url"));
        const Result<void> printed = printHistory(connection.firstSession(), app, *w, parser, io);
        if (!printed)
            return fail(printed.error());
        return Stream{}; // done
    }

private:
    // Why `host` cannot answer: an upstream server, or no app N there.
    static std::optional<Failure> refusal(const Connection::Host &host, qint64 app) {
        const QString prefix =
            host.label.isEmpty() ? QString() : u'[' + host.label + QStringLiteral("] ");
        if (host.session->dialect() == client::ServerSession::Dialect::Upstream)
            return Failure{ExitFailure,
                           prefix + QStringLiteral("stats needs a Mist Monitor server (upstream "
                                                   "Mist has no per-app figures or history)")};
        if (app == 0)
            return std::nullopt;
        const auto reply =
            Connection::call(*host.session, "GET", QStringLiteral("/api/apps/%1").arg(app));
        if (reply.ok())
            return std::nullopt;
        return Failure{ExitFailure,
                       prefix + QStringLiteral("app %1: %2")
                                    .arg(app)
                                    .arg(reply.error.isEmpty()
                                             ? QStringLiteral("HTTP %1").arg(reply.status)
                                             : reply.error)};
    }

    static Result<void> printHistory(client::ServerSession &session, qint64 app,
                                     const HistoryWindow &w, const QCommandLineParser &parser,
                                     const CommandIo &io) {
        const QString path = client::ServerSession::historyPath(app, *w.since, w.until, w.step);
        const auto reply = Connection::call(session, "GET", path);
        if (!reply.ok())
            return failure(ExitFailure, reply.error.isEmpty()
                                            ? QStringLiteral("HTTP %1").arg(reply.status)
                                            : reply.error);
        const bool json = parser.isSet(QStringLiteral("json"));
        const qint64 count = protocol::parseId(parser.value(QStringLiteral("count"))).value_or(0);
        const AppStatsTable table{false};
        if (!json && app != 0)
            io.out << table.header() << '\n';
        qint64 printed = 0;
        for (const QJsonValue &v : reply.data[u"points"].toArray()) {
            const QJsonObject point = v.toObject();
            if (json)
                io.out << QJsonDocument(point).toJson(QJsonDocument::Compact) << '\n';
            else if (app == 0)
                io.out << metricsLine(point) << '\n';
            else
                io.out << table.row(point.value(QStringLiteral("timestamp")).toString(), point)
                       << '\n';
            if (count > 0 && ++printed >= count)
                break;
        }
        io.out.flush();
        return {};
    }
};

} // namespace

std::unique_ptr<Command> makeStats() {
    return std::make_unique<Stats>();
}

} // namespace mist::cli
