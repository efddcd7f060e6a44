// SPDX-License-Identifier: GPL-3.0-or-later

// mist-monitor logs --app N: follows the app's container log, lines on
// stdout; the container's state, errors and the end on stderr. With
// --since/--until/--grep/--stream: the app's archived lines (the server's log
// archive, GET /api/apps/{id}/logs), oldest first, then exits, or with
// --follow goes on live right after the last of them (docs/CLI.md).
#include "StreamCommand.h"

#include "TimeArgument.h"
#include "archive/ArchiveQuery.h"
#include "protocol/Parsing.h"
#include "text/UrlEncoding.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include <re2/re2.h>

namespace mist::cli {

namespace {

const QString kApp = QStringLiteral("app");
const QString kSince = QStringLiteral("since");
const QString kUntil = QStringLiteral("until");
const QString kGrep = QStringLiteral("grep");
const QString kStream = QStringLiteral("stream");
const QString kFollow = QStringLiteral("follow");

qint64 nowNs() {
    return QDateTime::currentMSecsSinceEpoch() * 1000000LL;
}

// What the options ask, checked (ownOptionsError says why not).
struct HistoryQuery {
    std::optional<qint64> since;
    std::optional<qint64> until;
    QString grep;
    std::shared_ptr<const re2::RE2> regex;
    QString stream;
    bool follow = false;
    bool archived = false; // any of since/until/grep/stream: read the archive first
};

Result<HistoryQuery> historyQuery(const QCommandLineParser &parser) {
    HistoryQuery q;
    const qint64 now = nowNs();
    if (parser.isSet(kSince)) {
        q.since = parseTimeArgument(parser.value(kSince), now);
        if (!q.since)
            return usageFailure(QStringLiteral(
                "--since wants a time (RFC 3339, e.g. 2026-12-05T10:00:00Z) or an age (90s, "
                "15m, 2h, 7d)"));
    }
    if (parser.isSet(kUntil)) {
        q.until = parseTimeArgument(parser.value(kUntil), now);
        if (!q.until)
            return usageFailure(QStringLiteral(
                "--until wants a time (RFC 3339, e.g. 2026-12-05T10:00:00Z) or an age (90s, "
                "15m, 2h, 7d)"));
        if (q.since && *q.until < *q.since)
            return usageFailure(QStringLiteral("--until is before --since"));
    }
    if (parser.isSet(kGrep)) {
        q.grep = parser.value(kGrep);
        auto compiled = archive::compilePattern(q.grep);
        if (!compiled || q.grep.isEmpty())
            return usageFailure(
                QStringLiteral("--grep wants a regular expression (RE2 syntax, at most %1 bytes)")
                    .arg(archive::MaxPatternBytes));
        q.regex = *compiled;
    }
    if (parser.isSet(kStream)) {
        q.stream = parser.value(kStream);
        if (q.stream != u"stdout" && q.stream != u"stderr")
            return usageFailure(QStringLiteral("--stream wants stdout or stderr"));
    }
    q.follow = parser.isSet(kFollow);
    if (q.follow && q.until)
        return usageFailure(QStringLiteral("--follow cannot go with --until"));
    q.archived = q.since || q.until || q.regex || !q.stream.isEmpty();
    return q;
}

class LogsView : public StreamView {
public:
    LogsView(const HostOutput &output, std::shared_ptr<const re2::RE2> regex, QString stream)
        : m_output(output)
        , m_regex(std::move(regex))
        , m_stream(std::move(stream)) {}

    // --grep and --stream apply to live lines as to archived ones.
    bool wanted(const QJsonObject &message) const override {
        if (message.value(QStringLiteral("type")).toString() != u"log")
            return true;
        const QJsonObject data = message.value(QStringLiteral("data")).toObject();
        if (!m_stream.isEmpty() && data.value(QStringLiteral("stream")).toString() != m_stream)
            return false;
        return !m_regex || archive::lineMatches(
                               *m_regex, data.value(QStringLiteral("line")).toString().toUtf8());
    }

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
    std::shared_ptr<const re2::RE2> m_regex;
    QString m_stream;
    QString m_toldError;
};

class Logs : public StreamCommand {
public:
    Logs()
        : StreamCommand({QStringLiteral("logs")}, QStringLiteral("Stop after N log lines.")) {}

protected:
    QList<QCommandLineOption> ownOptions() const override {
        return {
            {kApp, QStringLiteral("App whose container log to follow."), QStringLiteral("N")},
            {kSince,
             QStringLiteral("Archived lines from T on (RFC 3339, or an age: 90s, 15m, 2h, 7d)."),
             QStringLiteral("T")},
            {kUntil, QStringLiteral("Archived lines up to T (as --since)."), QStringLiteral("T")},
            {kGrep, QStringLiteral("Only lines matching RE (RE2 syntax)."), QStringLiteral("RE")},
            {kStream, QStringLiteral("Only lines of stdout or stderr."), QStringLiteral("S")},
            {kFollow, QStringLiteral("After the archived lines, go on live.")},
        };
    }
    std::optional<QString> ownOptionsError(const QCommandLineParser &parser) const override {
        if (const auto error = idError(parser, kApp))
            return error;
        const Result<HistoryQuery> q = historyQuery(parser);
        if (!q)
            return q.error().message;
        return std::nullopt;
    }
    Result<Stream> start(const QCommandLineParser &parser, Connection &connection,
                         const CommandIo &io) const override {
        const Result<HistoryQuery> q = historyQuery(parser);
        if (!q)
            return fail(q.error());
        const qint64 app = idValue(parser, kApp);
        QString live = QStringLiteral("/ws/container/logs?appId=%1").arg(app);
        qint64 counted = 0;
        if (q->archived) {
            if (connection.hosts().size() > 1)
                return usageFailure(QStringLiteral(
                    "logs with --since, --until, --grep or --stream takes one --url"));
            const Result<Printed> printed =
                printArchived(connection.firstSession(), app, *q, parser, io);
            if (!printed)
                return fail(printed.error());
            if (!q->follow)
                return Stream{}; // done
            // Live right after the last line printed (the socket's since
            // gives the lines after it), else from --since.
            if (const auto from = printed->lastLineTs ? printed->lastLineTs : q->since)
                live += QStringLiteral("&since=") + archive::formatTimestampNs(*from);
            counted = printed->lines;
        }
        return Stream{live,
                      [regex = q->regex, stream = q->stream](const HostOutput &output) {
                          return std::make_unique<LogsView>(output, regex, stream);
                      },
                      counted};
    }

private:
    // Prints the archive's entries page by page, oldest first; the ts of the
    // last log line printed.
    struct Printed {
        std::optional<qint64> lastLineTs;
        qint64 lines = 0;
    };
    static Result<Printed> printArchived(client::ServerSession &session, qint64 app,
                                         const HistoryQuery &q, const QCommandLineParser &parser,
                                         const CommandIo &io) {
        const bool json = parser.isSet(QStringLiteral("json"));
        const qint64 count =
            parser.isSet(QStringLiteral("count"))
                ? protocol::parseId(parser.value(QStringLiteral("count"))).value_or(0)
                : 0;
        Printed printed;
        QString cursor;
        do {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("order"), QStringLiteral("asc"));
            query.addQueryItem(QStringLiteral("limit"), QString::number(archive::MaxLimit));
            if (q.since)
                query.addQueryItem(kSince, archive::formatTimestampNs(*q.since));
            if (q.until)
                query.addQueryItem(kUntil, archive::formatTimestampNs(*q.until));
            if (!q.grep.isEmpty())
                query.addQueryItem(QStringLiteral("q"), text::percentEncoded(q.grep));
            if (!q.stream.isEmpty())
                query.addQueryItem(kStream, q.stream);
            if (!cursor.isEmpty())
                query.addQueryItem(QStringLiteral("cursor"), cursor);
            const auto reply = Connection::call(session, "GET",
                                                QStringLiteral("/api/apps/%1/logs?").arg(app) +
                                                    query.toString(QUrl::FullyEncoded));
            if (!reply.ok())
                return failure(ExitFailure, reply.error.isEmpty()
                                                ? QStringLiteral("HTTP %1").arg(reply.status)
                                                : reply.error);
            const QJsonObject data = reply.data.toObject();
            for (const QJsonValue &v : data.value(QStringLiteral("entries")).toArray()) {
                const QJsonObject e = v.toObject();
                const bool isLine = e.value(QStringLiteral("kind")).toString() == u"log";
                if (json)
                    io.out << QJsonDocument(
                                  QJsonObject{{QStringLiteral("type"), QStringLiteral("archived")},
                                              {QStringLiteral("data"), e}})
                                  .toJson(QJsonDocument::Compact)
                           << '\n';
                else if (isLine)
                    io.out << e.value(QStringLiteral("line")).toString() << '\n';
                else
                    io.err << "mist-monitor: [" << e.value(QStringLiteral("ts")).toString() << "] "
                           << e.value(QStringLiteral("line")).toString() << '\n';
                if (isLine) {
                    printed.lastLineTs =
                        protocol::parseEngineTimestampNs(e.value(QStringLiteral("ts")).toString());
                    if (count > 0 && ++printed.lines >= count) {
                        io.out.flush();
                        return failure(ExitOk, QString()); // --count reached: no live part
                    }
                }
            }
            io.out.flush();
            io.err.flush();
            cursor = data.value(QStringLiteral("next")).toString();
        } while (!cursor.isEmpty());
        return printed;
    }
};

} // namespace

std::unique_ptr<Command> makeLogs() {
    return std::make_unique<Logs>();
}

} // namespace mist::cli
