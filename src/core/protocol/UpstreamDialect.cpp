// SPDX-License-Identifier: GPL-3.0-or-later

#include "UpstreamDialect.h"

#include "Envelope.h"
#include "engine/EngineApi.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

#include <cmath>
#include <limits>

namespace mist::protocol::upstream {

namespace {

double percent(double used, double total) {
    if (!(total > 0) || !(used >= 0))
        return 0;
    return std::round(std::min(100.0, used / total * 100.0) * 10.0) / 10.0;
}

// A non-negative finite JSON number, or nullopt.
std::optional<double> amount(const QJsonValue &value) {
    if (!value.isDouble())
        return std::nullopt;
    const double v = value.toDouble();
    if (!std::isfinite(v) || v < 0)
        return std::nullopt;
    return v;
}

} // namespace

QString webSocketPath(Stream stream, qint64 id) {
    switch (stream) {
    case Stream::ContainerLogs:
        return QStringLiteral("/api/ws/container/logs?appId=%1").arg(id);
    case Stream::DeploymentLogs:
        return QStringLiteral("/api/deployments/logs/stream?id=%1").arg(id);
    case Stream::Metrics:
        return QStringLiteral("/api/ws/stats");
    case Stream::ContainerStats:
        return QStringLiteral("/api/ws/container/stats?appId=%1").arg(id);
    }
    return {};
}

Expected<QJsonObject> metricsFromUpstream(const QJsonObject &sample) {
    const std::optional<double> cpu = amount(sample.value(QStringLiteral("cpuUsage")));
    if (!cpu)
        return fail(QStringLiteral("not an upstream metrics sample: no cpuUsage"));
    const std::optional<double> seconds = amount(sample.value(QStringLiteral("timestamp")));
    // Up to 2262-04-11T23:47:16Z: the last second whose nanoseconds fit in
    // 64 bits, as every timestamp of this project does (parseEngineTimestampNs).
    if (!seconds || *seconds > double(std::numeric_limits<qint64>::max() / 1000000000))
        return fail(QStringLiteral("not an upstream metrics sample: no Unix timestamp"));

    const QJsonObject memory = sample.value(QStringLiteral("memory")).toObject();
    const double memTotal = amount(memory.value(QStringLiteral("total"))).value_or(0);
    const double memUsed =
        std::min(memTotal, amount(memory.value(QStringLiteral("used"))).value_or(0));

    double diskTotal = 0, diskUsed = 0;
    QJsonArray disks;
    for (const QJsonValue &d : sample.value(QStringLiteral("disk")).toArray()) {
        const QJsonObject disk = d.toObject();
        const auto total = amount(disk.value(QStringLiteral("totalSpace")));
        if (!total)
            continue; // not a disk entry
        const auto available = amount(disk.value(QStringLiteral("availableSpace")));
        // usedSpace when given, else what is not available.
        const double used =
            std::min(*total, amount(disk.value(QStringLiteral("usedSpace")))
                                 .value_or(available ? std::max(0.0, *total - *available) : 0.0));
        diskTotal += *total;
        diskUsed += used;
        disks.append(QJsonObject{{QStringLiteral("name"), disk.value(QStringLiteral("name"))},
                                 {QStringLiteral("used"), used},
                                 {QStringLiteral("total"), *total},
                                 {QStringLiteral("percent"), percent(used, *total)}});
    }

    QJsonObject out{
        {QStringLiteral("timestamp"),
         rfc3339Seconds(QDateTime::fromSecsSinceEpoch(qint64(*seconds), Qt::UTC))},
        {QStringLiteral("cpu"),
         QJsonObject{{QStringLiteral("usage"), std::round(std::min(100.0, *cpu) * 10.0) / 10.0},
                     {QStringLiteral("cores"), QJsonValue::Null}}},
        {QStringLiteral("memory"),
         QJsonObject{{QStringLiteral("used"), memUsed},
                     {QStringLiteral("total"), memTotal},
                     {QStringLiteral("percent"), percent(memUsed, memTotal)}}},
        {QStringLiteral("disk"),
         QJsonObject{{QStringLiteral("used"), diskUsed},
                     {QStringLiteral("total"), diskTotal},
                     {QStringLiteral("percent"), percent(diskUsed, diskTotal)}}},
        {QStringLiteral("docker"), QJsonValue::Null},
        {QStringLiteral("disks"), disks},
    };
    const QJsonObject load = sample.value(QStringLiteral("loadAverage")).toObject();
    const auto one = amount(load.value(QStringLiteral("oneMinute")));
    const auto five = amount(load.value(QStringLiteral("fiveMinutes")));
    const auto fifteen = amount(load.value(QStringLiteral("fifteenMinutes")));
    if (one && five && fifteen)
        out.insert(QStringLiteral("load"), QJsonObject{{QStringLiteral("one"), *one},
                                                       {QStringLiteral("five"), *five},
                                                       {QStringLiteral("fifteen"), *fifteen}});
    if (const auto uptime = amount(sample.value(QStringLiteral("uptime"))))
        out.insert(QStringLiteral("uptime"), *uptime);
    if (const auto temperature = sample.value(QStringLiteral("cpuTemperature"));
        temperature.isDouble() && std::isfinite(temperature.toDouble()))
        out.insert(QStringLiteral("cpuTemperature"), temperature.toDouble());
    return out;
}

QJsonObject metricsToUpstream(const QJsonObject &published, const QString &diskName,
                              const std::optional<LoadAverage> &load,
                              const std::optional<double> &uptimeSeconds,
                              const std::optional<double> &cpuTemperature) {
    const QJsonObject memory = published.value(QStringLiteral("memory")).toObject();
    const QJsonObject disk = published.value(QStringLiteral("disk")).toObject();
    const double diskTotal = disk.value(QStringLiteral("total")).toDouble();
    const double diskUsed = disk.value(QStringLiteral("used")).toDouble();
    const QDateTime at =
        QDateTime::fromString(published.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
    QJsonObject out{
        {QStringLiteral("cpuUsage"), published.value(QStringLiteral("cpu"))
                                         .toObject()
                                         .value(QStringLiteral("usage"))
                                         .toDouble()},
        {QStringLiteral("memory"),
         QJsonObject{{QStringLiteral("total"), memory.value(QStringLiteral("total")).toDouble()},
                     {QStringLiteral("used"), memory.value(QStringLiteral("used")).toDouble()}}},
        {QStringLiteral("disk"), QJsonArray{QJsonObject{{QStringLiteral("name"), diskName},
                                                        {QStringLiteral("totalSpace"), diskTotal},
                                                        {QStringLiteral("availableSpace"),
                                                         std::max(0.0, diskTotal - diskUsed)},
                                                        {QStringLiteral("usedSpace"), diskUsed}}}},
        {QStringLiteral("timestamp"),
         double(at.isValid() ? at.toSecsSinceEpoch() : QDateTime::currentSecsSinceEpoch())},
    };
    if (load)
        out.insert(QStringLiteral("loadAverage"),
                   QJsonObject{{QStringLiteral("oneMinute"), load->one},
                               {QStringLiteral("fiveMinutes"), load->five},
                               {QStringLiteral("fifteenMinutes"), load->fifteen}});
    if (uptimeSeconds)
        out.insert(QStringLiteral("uptime"), std::floor(*uptimeSeconds));
    // Upstream's Stats.CPUTemperature is a float64 without omitempty: always
    // there, 0 where it found no sensor.
    out.insert(QStringLiteral("cpuTemperature"),
               cpuTemperature && std::isfinite(*cpuTemperature) ? *cpuTemperature : 0.0);
    return out;
}

namespace {
// Leading whitespace-separated numbers of a /proc line.
QList<double> leadingNumbers(const QByteArray &text, int count) {
    QList<double> out;
    for (const QByteArray &field : text.simplified().split(' ')) {
        if (out.size() == count)
            break;
        bool ok = false;
        const double v = field.toDouble(&ok);
        if (!ok || !std::isfinite(v) || v < 0)
            return {};
        out << v;
    }
    return out.size() == count ? out : QList<double>{};
}
} // namespace

std::optional<LoadAverage> parseLoadAverage(const QByteArray &text) {
    const QList<double> n = leadingNumbers(text, 3);
    if (n.isEmpty())
        return std::nullopt;
    return LoadAverage{n[0], n[1], n[2]};
}

std::optional<double> parseUptimeSeconds(const QByteArray &text) {
    const QList<double> n = leadingNumbers(text, 1);
    if (n.isEmpty())
        return std::nullopt;
    return n[0];
}

Progress progressFromUpstream(const QString &status, const QString &stage, double progress,
                              const QString &lastPublishedStage) {
    const int p = std::isfinite(progress) ? int(std::clamp(progress, 0.0, 100.0)) : 0;
    // Upstream's status may itself be a stage name ("cloning"); its stage is
    // the better guide, the status the fallback.
    const QString s = stage.isEmpty() ? status : stage;
    if (status == u"failed" || s == u"failed")
        return {QStringLiteral("failed"),
                lastPublishedStage.isEmpty() ? QStringLiteral("cloning_repo") : lastPublishedStage,
                p};
    if (status == u"success" || s == u"success" || s == u"completed")
        return {QStringLiteral("success"), QStringLiteral("completed"), 100};
    if (s == u"cloning")
        return {QStringLiteral("building"), QStringLiteral("cloning_repo"), p};
    if (s == u"building" || s == u"pulling")
        return {QStringLiteral("building"), QStringLiteral("building_image"), p};
    if (s == u"deploying")
        return {QStringLiteral("deploying"), QStringLiteral("starting_new"), p};
    if (s == u"pending")
        return {QStringLiteral("pending"), QString(), p};
    // A stage this client does not know: keep the last one, say "building".
    return {QStringLiteral("building"), lastPublishedStage, p};
}

namespace {
// Upstream's word for a step of this server's flow, or empty for a stage
// this version does not know.
QString upstreamStepOf(const QString &status, const QString &stage) {
    if (status == u"failed")
        return QStringLiteral("failed");
    if (stage.isEmpty())
        return QStringLiteral("pending");
    if (stage == u"cloning_repo")
        return QStringLiteral("cloning");
    if (stage == u"building_image")
        return QStringLiteral("building");
    if (stage == u"stopping_old" || stage == u"starting_new")
        return QStringLiteral("deploying");
    if (stage == u"completed")
        return QStringLiteral("success");
    return {};
}
} // namespace

QString stageMessage(const QString &upstreamStage) {
    static const QHash<QString, QString> messages{
        {QStringLiteral("pending"), QStringLiteral("Deployment queued and waiting to start")},
        {QStringLiteral("cloning"), QStringLiteral("Cloning repository from Git")},
        {QStringLiteral("building"), QStringLiteral("Building Docker image")},
        {QStringLiteral("deploying"), QStringLiteral("Deploying container")},
        {QStringLiteral("success"), QStringLiteral("Deployment completed successfully")},
        {QStringLiteral("failed"), QStringLiteral("Deployment failed")},
        {QStringLiteral("rolling_back"), QStringLiteral("Rolling back to previous version")},
    };
    return messages.value(upstreamStage, QStringLiteral("Unknown stage"));
}

QJsonObject deploymentStatusToUpstream(const QJsonObject &status) {
    QJsonObject out = status;
    const QString ourStatus = status.value(QStringLiteral("status")).toString();
    const QString stage = status.value(QStringLiteral("stage")).toString();
    const QString step = upstreamStepOf(ourStatus, stage);
    const QString upstreamStage = step.isEmpty() ? stage : step;
    out.insert(QStringLiteral("status"), step.isEmpty() ? ourStatus : step);
    out.insert(QStringLiteral("stage"), upstreamStage);
    if (step == u"failed")
        out.insert(QStringLiteral("progress"), 0); // upstream's deployer resets it
    out.insert(QStringLiteral("message"), stageMessage(upstreamStage));
    if (out.value(QStringLiteral("error_message")).toString().isEmpty())
        out.remove(QStringLiteral("error_message"));
    return out;
}

QJsonObject deploymentToUpstream(const QJsonObject &deployment, const DeploymentFacts &facts) {
    const QJsonObject status = deploymentStatusToUpstream(deployment);
    QJsonObject out{
        {QStringLiteral("id"), deployment.value(QStringLiteral("id"))},
        {QStringLiteral("app_id"), deployment.value(QStringLiteral("app_id"))},
        {QStringLiteral("commit_hash"), deployment.value(QStringLiteral("commit_hash")).toString()},
        {QStringLiteral("status"), status.value(QStringLiteral("status"))},
        {QStringLiteral("stage"), status.value(QStringLiteral("stage"))},
        {QStringLiteral("progress"), status.value(QStringLiteral("progress"))},
        {QStringLiteral("created_at"), deployment.value(QStringLiteral("created_at"))},
        {QStringLiteral("is_active"), facts.active},
    };
    // Go pointers with omitempty: absent rather than empty.
    for (const char *key : {"commit_message", "commit_author", "error_message"}) {
        const QString value = status.value(QLatin1String(key)).toString();
        if (!value.isEmpty())
            out.insert(QLatin1String(key), value);
    }
    if (facts.triggeredBy)
        out.insert(QStringLiteral("triggered_by"), double(*facts.triggeredBy));
    if (facts.number)
        out.insert(QStringLiteral("deployment_number"), double(*facts.number));
    QDateTime started, finished;
    for (const char *key : {"started_at", "finished_at"}) {
        const QString value = deployment.value(QLatin1String(key)).toString();
        if (value.isEmpty())
            continue;
        out.insert(QLatin1String(key), value);
        (qstrcmp(key, "started_at") == 0 ? started : finished) =
            QDateTime::fromString(value, Qt::ISODate);
    }
    // Upstream's UpdateDeploymentStatus sets it at the end, when it knows the start.
    if (started.isValid() && finished.isValid())
        out.insert(QStringLiteral("duration"),
                   double(std::max<qint64>(0, started.secsTo(finished))));
    return out;
}

QString logFileLine(const QString &line, bool reportedError) {
    if (!reportedError)
        return line;
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("error"), line}}).toJson(QJsonDocument::Compact));
}

QString detectStreamType(QStringView line) {
    static const QStringList keywords{
        QStringLiteral("error:"),    QStringLiteral("err:"),        QStringLiteral("fatal:"),
        QStringLiteral("panic:"),    QStringLiteral("warning:"),    QStringLiteral("warn:"),
        QStringLiteral("failed"),    QStringLiteral("failure"),     QStringLiteral("exception:"),
        QStringLiteral("traceback"), QStringLiteral("stack trace"), QStringLiteral(" err "),
        QStringLiteral("[error]"),   QStringLiteral("[err]"),       QStringLiteral("[fatal]"),
        QStringLiteral("[panic]"),   QStringLiteral("[warning]"),   QStringLiteral("[warn]"),
    };
    const QString lower = line.toString().toLower();
    for (const QString &keyword : keywords)
        if (lower.contains(keyword))
            return QStringLiteral("stderr");
    return QStringLiteral("stdout");
}

QString deploymentLogStream(QStringView line, bool reportedError) {
    return reportedError ? QStringLiteral("stderr") : detectStreamType(line);
}

QString containerState(const QString &engineStatus) {
    if (engineStatus == u"running" || engineStatus == u"paused" || engineStatus == u"restarting")
        return QStringLiteral("running");
    if (engineStatus == u"exited" || engineStatus.isEmpty())
        return QStringLiteral("stopped");
    return engineStatus;
}

QString containerNotRunningMessage(const QString &upstreamState) {
    return QStringLiteral("Container is not running (state: %1)").arg(upstreamState);
}

namespace {
// Go's strconv.Quote: printable characters as they are, the rest escaped.
QString goQuote(QStringView text) {
    QString out = QStringLiteral("\"");
    const QList<uint> codePoints = text.toUcs4();
    for (const uint cp : codePoints) {
        switch (cp) {
        case '"':
            out += QStringLiteral("\\\"");
            continue;
        case '\\':
            out += QStringLiteral("\\\\");
            continue;
        case '\a':
            out += QStringLiteral("\\a");
            continue;
        case '\b':
            out += QStringLiteral("\\b");
            continue;
        case '\f':
            out += QStringLiteral("\\f");
            continue;
        case '\n':
            out += QStringLiteral("\\n");
            continue;
        case '\r':
            out += QStringLiteral("\\r");
            continue;
        case '\t':
            out += QStringLiteral("\\t");
            continue;
        case '\v':
            out += QStringLiteral("\\v");
            continue;
        default:
            break;
        }
        const QChar::Category category = QChar::category(char32_t(cp));
        // unicode.IsPrint: letters, marks, numbers, punctuation, symbols and
        // the ASCII space; other spaces and controls are escaped.
        const bool printable =
            cp == ' ' ||
            (QChar::isPrint(char32_t(cp)) && category != QChar::Separator_Space &&
             category != QChar::Separator_Line && category != QChar::Separator_Paragraph);
        if (printable)
            out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&cp), 1);
        else if (cp < 0x80)
            out += QStringLiteral("\\x%1").arg(cp, 2, 16, QLatin1Char('0'));
        else if (cp < 0x10000)
            out += QStringLiteral("\\u%1").arg(cp, 4, 16, QLatin1Char('0'));
        else
            out += QStringLiteral("\\U%1").arg(cp, 8, 16, QLatin1Char('0'));
    }
    return out + u'"';
}
} // namespace

GoInt parseGoInt64(QStringView text) {
    const auto failure = [text](const char *why) {
        return GoInt{std::nullopt, QStringLiteral("strconv.ParseInt: parsing %1: %2")
                                       .arg(goQuote(text), QLatin1String(why))};
    };
    QStringView digits = text;
    bool negative = false;
    if (!digits.isEmpty() && (digits.front() == u'+' || digits.front() == u'-')) {
        negative = digits.front() == u'-';
        digits = digits.mid(1);
    }
    if (digits.isEmpty())
        return failure("invalid syntax");
    // As Go's ParseUint: each character must be a digit, and the first
    // digit that overflows 64 bits ends the parse as out of range.
    quint64 n = 0;
    for (const QChar c : digits) {
        if (c < u'0' || c > u'9')
            return failure("invalid syntax");
        const quint64 d = c.unicode() - u'0';
        if (n > (std::numeric_limits<quint64>::max() - d) / 10)
            return failure("value out of range");
        n = n * 10 + d;
    }
    const quint64 limit = quint64(1) << 63;
    if ((!negative && n >= limit) || (negative && n > limit))
        return failure("value out of range");
    return GoInt{negative ? qint64(0 - n) : qint64(n), {}};
}

namespace {
// An id as upstream sends it (a JSON number; random 0..999998 in practice):
// an integer that a double holds exactly, or nullopt.
std::optional<qint64> idOf(const QJsonValue &value) {
    if (!value.isDouble())
        return std::nullopt;
    const double v = value.toDouble();
    if (!std::isfinite(v) || v < 0 || v > 9007199254740992.0 || v != std::floor(v))
        return std::nullopt;
    return qint64(v);
}

QJsonValue nonEmptyString(const QJsonValue &value) {
    return value.isString() && !value.toString().isEmpty() ? value : QJsonValue(QJsonValue::Null);
}
} // namespace

Expected<QJsonObject> appFromUpstream(const QJsonObject &app, const QJsonObject &project) {
    const auto id = idOf(app.value(QStringLiteral("id")));
    const QString name = app.value(QStringLiteral("name")).toString();
    if (!id)
        return fail("app without a valid id");
    if (name.isEmpty())
        return fail(QStringLiteral("app %1 without a name").arg(*id));
    QJsonValue git = nonEmptyString(app.value(QStringLiteral("gitRepository")));
    if (git.isNull())
        git = nonEmptyString(app.value(QStringLiteral("gitCloneUrl")));
    const auto projectId = idOf(project.value(QStringLiteral("id")));
    return QJsonObject{
        {QStringLiteral("id"), double(*id)},
        {QStringLiteral("name"), name},
        {QStringLiteral("projectId"),
         projectId ? QJsonValue(double(*projectId)) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("projectName"), project.value(QStringLiteral("name")).toString()},
        {QStringLiteral("gitUrl"), git},
        {QStringLiteral("gitBranch"), nonEmptyString(app.value(QStringLiteral("gitBranch")))},
        {QStringLiteral("containerName"), engine::appContainerName(*id)},
        {QStringLiteral("containerState"), nonEmptyString(app.value(QStringLiteral("status")))},
        {QStringLiteral("containerStatus"), QJsonValue(QJsonValue::Null)}};
}

Expected<QJsonObject> deploymentFromUpstream(const QJsonObject &d) {
    const auto id = idOf(d.value(QStringLiteral("id")));
    if (!id)
        return fail("deployment without a valid id");
    const Progress p = progressFromUpstream(d.value(QStringLiteral("status")).toString(),
                                            d.value(QStringLiteral("stage")).toString(),
                                            d.value(QStringLiteral("progress")).toDouble());
    QJsonObject out{{QStringLiteral("id"), double(*id)},
                    {QStringLiteral("deployment_id"), double(*id)},
                    {QStringLiteral("status"), p.status},
                    {QStringLiteral("stage"), p.stage},
                    {QStringLiteral("progress"), p.progress}};
    if (const auto app = idOf(d.value(QStringLiteral("app_id"))))
        out.insert(QStringLiteral("app_id"), double(*app));
    for (const char *key : {"commit_hash", "commit_message", "error_message", "created_at"})
        out.insert(QLatin1String(key), d.value(QLatin1String(key)).toString());
    const QJsonValue started = nonEmptyString(d.value(QStringLiteral("started_at")));
    out.insert(QStringLiteral("started_at"),
               started.isNull() ? nonEmptyString(d.value(QStringLiteral("created_at"))) : started);
    out.insert(QStringLiteral("finished_at"),
               nonEmptyString(d.value(QStringLiteral("finished_at"))));
    return out;
}

qsizetype replayOverlap(const QStringList &seen, const QStringList &replay) {
    const qsizetype most = std::min(seen.size(), replay.size());
    qsizetype found = 0;
    for (qsizetype m = 1; m <= most; ++m) {
        bool fits = true;
        for (qsizetype i = 0; i < m && fits; ++i)
            fits = replay[i] == seen[seen.size() - m + i];
        if (!fits)
            continue;
        if (found != 0)
            return 0; // a second fit: ambiguous
        found = m;
    }
    return found;
}

std::optional<LinePieceJoiner::Line> LinePieceJoiner::feed(const QString &piece) {
    const qsizetype bytes = piece.toUtf8().size();
    if (m_heldBytes + bytes > m_max) {
        // Too long to hold: out it goes as it stands.
        Line line{m_held + piece, true};
        m_held.clear();
        m_heldBytes = 0;
        return line;
    }
    bool continues = bytes == PieceBytes;
    // A cut inside a character: k bytes became k U+FFFD (3 bytes each).
    for (int k = 1; !continues && k <= 3 && k <= piece.size() &&
                    piece.at(piece.size() - k) == QChar::ReplacementCharacter;
         ++k)
        continues = bytes == PieceBytes + 2 * k;
    if (continues) {
        m_held += piece;
        m_heldBytes += bytes;
        return std::nullopt;
    }
    Line line{m_held + piece, false};
    m_held.clear();
    m_heldBytes = 0;
    return line;
}

std::optional<LinePieceJoiner::Line> LinePieceJoiner::flush() {
    if (m_heldBytes == 0)
        return std::nullopt;
    Line line{m_held, false};
    m_held.clear();
    m_heldBytes = 0;
    return line;
}

std::optional<Ending> endingOfUpstreamDeployment(const QJsonObject &lastStatusData) {
    const QString status = lastStatusData.value(QStringLiteral("status")).toString();
    const QString stage = lastStatusData.value(QStringLiteral("stage")).toString();
    if (status == u"success" || stage == u"success")
        return Ending{false, QStringLiteral("Deployment completed")};
    if (status == u"failed" || stage == u"failed") {
        QString why = lastStatusData.value(QStringLiteral("error_message")).toString();
        if (why.isEmpty())
            why = lastStatusData.value(QStringLiteral("message")).toString();
        return Ending{true, why.isEmpty() ? QStringLiteral("Deployment failed") : why};
    }
    return std::nullopt;
}

QString upstreamPathFor(const QString &publishedPathAndQuery) {
    const QUrl url(publishedPathAndQuery);
    const QUrlQuery query(url);
    const QString path = url.path();
    bool ok = false;
    if (path == u"/ws/metrics")
        return webSocketPath(Stream::Metrics);
    if (path == u"/ws/container/logs") {
        const qint64 id = query.queryItemValue(QStringLiteral("appId")).toLongLong(&ok);
        return ok ? webSocketPath(Stream::ContainerLogs, id) : QString();
    }
    if (path == u"/ws/deployment/logs") {
        const qint64 id = query.queryItemValue(QStringLiteral("deploymentId")).toLongLong(&ok);
        return ok ? webSocketPath(Stream::DeploymentLogs, id) : QString();
    }
    if (path == u"/ws/apps/stats") {
        const qint64 id = query.queryItemValue(QStringLiteral("appId")).toLongLong(&ok);
        return ok && id > 0 ? webSocketPath(Stream::ContainerStats, id) : QString();
    }
    return {};
}

namespace {
QJsonObject message(const QString &type, const QJsonValue &timestamp, const QJsonObject &data) {
    return QJsonObject{{QStringLiteral("type"), type},
                       {QStringLiteral("timestamp"), timestamp},
                       {QStringLiteral("data"), data}};
}
} // namespace

QList<QJsonObject> MessageTranslator::translate(const QJsonObject &upstream) {
    return translate(upstream, QDateTime::currentMSecsSinceEpoch());
}

QList<QJsonObject> MessageTranslator::translateStats(const QJsonObject &upstream,
                                                     qint64 receivedMs) {
    const double seconds = m_lastFiguresMs > 0 ? double(receivedMs - m_lastFiguresMs) / 1000 : 0;
    // Two messages that arrive close together (held up on the way, then delivered at once)
    // would make a rate many times the true one: under MinRateSeconds the message gets no
    // rates and the earlier one stays what the next is compared with.
    const bool tooClose = seconds < MinRateSeconds;
    auto figures = containerStatsFromUpstream(upstream.value(QStringLiteral("data")).toObject(),
                                              tooClose ? QJsonObject() : m_lastFigures, seconds);
    if (!figures)
        return {};
    if (!tooClose || m_lastFiguresMs == 0) {
        m_lastFigures = *figures;
        m_lastFiguresMs = receivedMs;
    }
    QJsonObject app = *figures;
    app.insert(QStringLiteral("appId"), double(m_id));
    app.insert(QStringLiteral("state"), QStringLiteral("running"));
    // The arrival is the sample's time: upstream's timestamp has whole seconds only.
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(receivedMs, Qt::UTC);
    const QJsonObject data{{QStringLiteral("timestamp"), at.toString(Qt::ISODateWithMs)},
                           {QStringLiteral("apps"), QJsonArray{app}}};
    return {QJsonObject{{QStringLiteral("type"), QStringLiteral("stats")},
                        {QStringLiteral("data"), data}}};
}

QList<QJsonObject> MessageTranslator::translate(const QJsonObject &upstream, qint64 receivedMs) {
    if (m_stream == Stream::ContainerStats) {
        const QString type = upstream.value(QStringLiteral("type")).toString();
        if (type == u"stats")
            return translateStats(upstream, receivedMs);
        if (type == u"status" || type == u"error" || type == u"end")
            return {upstream};
        return {};
    }
    if (m_stream == Stream::Metrics) {
        if (auto sample = metricsFromUpstream(upstream))
            return {*sample};
        return {};
    }
    const QString type = upstream.value(QStringLiteral("type")).toString();
    const QJsonValue timestamp = upstream.value(QStringLiteral("timestamp"));
    const QJsonObject data = upstream.value(QStringLiteral("data")).toObject();
    QList<QJsonObject> out;
    if (type == u"log") {
        const QString line = data.value(QStringLiteral("line")).toString();
        QJsonObject published{
            {QStringLiteral("stream"),
             data.value(QStringLiteral("stream")).toString(QStringLiteral("stdout"))}};
        if (m_stream == Stream::DeploymentLogs) {
            published.insert(QStringLiteral("line"), line);
            out << message(type, timestamp, published);
        } else if (auto whole = m_joiner.feed(line)) {
            published.insert(QStringLiteral("line"), whole->text);
            if (whole->truncated)
                published.insert(QStringLiteral("truncated"), true);
            out << message(type, timestamp, published);
        }
        return out;
    }
    if (type == u"status" && m_stream == Stream::DeploymentLogs) {
        m_lastStatus = data;
        const Progress p =
            progressFromUpstream(data.value(QStringLiteral("status")).toString(),
                                 data.value(QStringLiteral("stage")).toString(),
                                 data.value(QStringLiteral("progress")).toDouble(), m_lastStage);
        if (!p.stage.isEmpty())
            m_lastStage = p.stage;
        QJsonObject published = data;
        published.insert(QStringLiteral("status"), p.status);
        published.insert(QStringLiteral("stage"), p.stage);
        published.insert(QStringLiteral("progress"), p.progress);
        out << message(type, timestamp, published);
        return out;
    }
    if (type == u"end" || type == u"error") {
        // Whatever piece is held is a line of its own before the stream ends.
        if (auto rest = m_joiner.flush())
            out << message(QStringLiteral("log"), timestamp,
                           QJsonObject{{QStringLiteral("line"), rest->text},
                                       {QStringLiteral("stream"), QStringLiteral("stdout")}});
    }
    // A container's status, error and end have the published shapes; what
    // else an upstream server might send is not handed on.
    if (type == u"status" || type == u"error" || type == u"end")
        out << upstream;
    return out;
}

QList<QJsonObject> MessageTranslator::closingMessages() const {
    if (m_stream != Stream::DeploymentLogs)
        return {};
    const auto ending = endingOfUpstreamDeployment(m_lastStatus);
    if (!ending)
        return {};
    const QString now = rfc3339Seconds(QDateTime::currentDateTimeUtc());
    const QJsonObject end = message(
        QStringLiteral("end"), now,
        QJsonObject{{QStringLiteral("message"),
                     ending->failed ? QStringLiteral("Deployment failed") : ending->message}});
    if (!ending->failed)
        return {end};
    return {message(QStringLiteral("error"), now,
                    QJsonObject{{QStringLiteral("message"), ending->message}}),
            end};
}

} // namespace mist::protocol::upstream
