#include "UpstreamDialect.h"

#include "Envelope.h"

#include <QDateTime>
#include <QJsonArray>
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
    }
    return {};
}

std::optional<QJsonObject> metricsFromUpstream(const QJsonObject &sample, QString *error) {
    const auto fail = [error](const QString &why) -> std::optional<QJsonObject> {
        if (error)
            *error = why;
        return std::nullopt;
    };
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
                              const std::optional<double> &uptimeSeconds) {
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

QJsonObject deploymentStatusToUpstream(const QJsonObject &status) {
    QJsonObject out = status;
    const QString stage = status.value(QStringLiteral("stage")).toString();
    QString upstreamStage;
    if (status.value(QStringLiteral("status")).toString() == u"failed")
        upstreamStage = QStringLiteral("failed");
    else if (stage.isEmpty())
        upstreamStage = QStringLiteral("pending");
    else if (stage == u"cloning_repo")
        upstreamStage = QStringLiteral("cloning");
    else if (stage == u"building_image")
        upstreamStage = QStringLiteral("building");
    else if (stage == u"stopping_old" || stage == u"starting_new")
        upstreamStage = QStringLiteral("deploying");
    else if (stage == u"completed")
        upstreamStage = QStringLiteral("success");
    else
        upstreamStage = stage; // a stage of a later version: its own name
    out.insert(QStringLiteral("stage"), upstreamStage);
    return out;
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

std::optional<QJsonObject> appFromUpstream(const QJsonObject &app, const QJsonObject &project,
                                           QString *error) {
    const auto id = idOf(app.value(QStringLiteral("id")));
    const QString name = app.value(QStringLiteral("name")).toString();
    if (!id || name.isEmpty()) {
        if (error)
            *error = !id ? QStringLiteral("app without a valid id")
                         : QStringLiteral("app %1 without a name").arg(*id);
        return std::nullopt;
    }
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
        {QStringLiteral("containerName"), QStringLiteral("app-%1").arg(*id)},
        {QStringLiteral("containerState"), nonEmptyString(app.value(QStringLiteral("status")))},
        {QStringLiteral("containerStatus"), QJsonValue(QJsonValue::Null)}};
}

std::optional<QJsonObject> deploymentFromUpstream(const QJsonObject &d, QString *error) {
    const auto id = idOf(d.value(QStringLiteral("id")));
    if (!id) {
        if (error)
            *error = QStringLiteral("deployment without a valid id");
        return std::nullopt;
    }
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
    if (m_stream == Stream::Metrics) {
        QString error;
        if (auto sample = metricsFromUpstream(upstream, &error))
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
