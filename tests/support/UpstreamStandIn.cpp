// SPDX-License-Identifier: GPL-3.0-or-later

#include "UpstreamStandIn.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

#include <memory>

namespace mist::test {

namespace {
const char *const Token = "eyJhbGciOiJIUzI1NiJ9.stand-in.signature";

QString nowSeconds() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QString envelope(const char *type, const QJsonObject &data) {
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("type"), QLatin1String(type)},
                                  {QStringLiteral("timestamp"), nowSeconds()},
                                  {QStringLiteral("data"), data}})
            .toJson(QJsonDocument::Compact));
}
} // namespace

UpstreamStandIn::UpstreamStandIn(QObject *parent)
    : QObject(parent)
    , m_ws(QStringLiteral("upstream-stand-in"), QWebSocketServer::NonSecureMode) {
    connect(&m_tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_tcp.nextPendingConnection())
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    });
    connect(&m_ws, &QWebSocketServer::newConnection, this, &UpstreamStandIn::onWebSocket);
    m_tcp.listen(QHostAddress::LocalHost, 0);
    // One project with one git app that was deployed once, as a fresh
    // upstream install after its first deployment would answer.
    projects = QJsonArray{QJsonObject{{QStringLiteral("id"), 48213},
                                      {QStringLiteral("name"), QStringLiteral("shop")},
                                      {QStringLiteral("ownerId"), 1}}};
    appsByProject.insert(
        48213,
        QJsonArray{QJsonObject{{QStringLiteral("id"), 731904},
                               {QStringLiteral("projectId"), 48213},
                               {QStringLiteral("name"), QStringLiteral("storefront")},
                               {QStringLiteral("gitRepository"), QStringLiteral("acme/storefront")},
                               {QStringLiteral("gitCloneUrl"),
                                QStringLiteral("https://git.example/acme/storefront.git")},
                               {QStringLiteral("gitBranch"), QStringLiteral("main")},
                               {QStringLiteral("status"), QStringLiteral("running")}}});
    deploymentsByApp.insert(
        731904, QJsonArray{QJsonObject{
                    {QStringLiteral("id"), 512877},
                    {QStringLiteral("app_id"), 731904},
                    {QStringLiteral("commit_hash"), QStringLiteral("9b1e04c2d5aa")},
                    {QStringLiteral("commit_message"), QStringLiteral("First release")},
                    {QStringLiteral("status"), QStringLiteral("success")},
                    {QStringLiteral("stage"), QStringLiteral("success")},
                    {QStringLiteral("progress"), 100},
                    {QStringLiteral("created_at"), QStringLiteral("2026-11-27T09:12:04Z")},
                    {QStringLiteral("finished_at"), QStringLiteral("2026-11-27T09:13:41Z")}}});
}

void UpstreamStandIn::answer(QTcpSocket *socket, int status, const QByteArray &body,
                             const QByteArray &extraHeaders) {
    socket->write("HTTP/1.1 " + QByteArray::number(status) +
                  (status == 200   ? " OK"
                   : status == 400 ? " Bad Request"
                   : status == 401 ? " Unauthorized"
                   : status == 500 ? " Internal Server Error"
                                   : " Not Found") +
                  "\r\nContent-Type: " + (status == 404 ? "text/plain" : "application/json") +
                  "\r\nContent-Length: " + QByteArray::number(body.size()) +
                  "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body);
    socket->disconnectFromHost();
}

void UpstreamStandIn::onReadyRead(QTcpSocket *socket) {
    const QByteArray head = socket->peek(64 * 1024);
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    const QList<QByteArray> lines = head.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QByteArray method = requestLine.value(0);
    const QString target = QString::fromLatin1(requestLine.value(1));
    qsizetype length = 0;
    QByteArray cookie;
    bool upgrade = false;
    for (const QByteArray &line : lines.mid(1)) {
        const QByteArray name = line.left(line.indexOf(':')).trimmed().toLower();
        const QByteArray value = line.mid(line.indexOf(':') + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "cookie")
            cookie = value;
        else if (name == "upgrade" && value.toLower() == "websocket")
            upgrade = true;
    }
    if (upgrade) {
        // The handshake bytes stay unread for the WebSocket server.
        disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
        m_ws.handleConnection(socket);
        return;
    }
    if (socket->bytesAvailable() < end + 4 + length)
        return;
    socket->read(end + 4);
    const QByteArray body = socket->read(length);
    const QString path = target.section(u'?', 0, 0);
    if (method == "POST" && path == u"/api/auth/login") {
        const QJsonObject in = QJsonDocument::fromJson(body).object();
        if (in.value(QStringLiteral("email")).toString().trimmed().toLower() == email &&
            in.value(QStringLiteral("password")).toString().toUtf8() == password)
            return answer(socket, 200,
                          "{\"success\":true,\"data\":{\"id\":1,\"email\":\"" + email.toUtf8() +
                              "\",\"role\":\"owner\"},\"message\":\"Login successful\"}",
                          QByteArray("Set-Cookie: mist_token=") + Token +
                              "; Path=/; HttpOnly; SameSite=Lax\r\n");
        return answer(socket, 401, "{\"success\":false,\"error\":\"Invalid email or password\"}");
    }
    if (method == "GET" && path == u"/api/auth/me") {
        if (!cookie.contains(QByteArray("mist_token=") + Token))
            return answer(socket, 401, "{\"success\":false,\"error\":\"Unauthorized\"}");
        return answer(socket, 200,
                      "{\"success\":true,\"data\":{\"setupRequired\":false,\"user\":{\"id\":1}}}");
    }
    if (path.startsWith(u"/api/projects/") || path.startsWith(u"/api/apps/") ||
        path.startsWith(u"/api/deployments")) {
        if (!cookie.contains(QByteArray("mist_token=") + Token))
            return answer(socket, 401, "{\"success\":false,\"error\":\"Unauthorized\"}");
        ++restCalls;
        return answerRest(socket, method, path, body);
    }
    if (healthAnswersWithPage && method == "GET")
        return answer(socket, 200, "<!doctype html><title>Mist</title>");
    answer(socket, 404, "404 page not found\n");
}

void UpstreamStandIn::answerRest(QTcpSocket *socket, const QByteArray &method, const QString &path,
                                 const QByteArray &body) {
    const auto wrapped = [](const QJsonValue &data) {
        return QJsonDocument(QJsonObject{{QStringLiteral("success"), true},
                                         {QStringLiteral("data"), data},
                                         {QStringLiteral("message"), QStringLiteral("ok")}})
            .toJson(QJsonDocument::Compact);
    };
    const QJsonObject in = QJsonDocument::fromJson(body).object();
    const qint64 appId = qint64(in.value(QStringLiteral("appId")).toDouble(-1));
    if (method == "GET" && path == u"/api/projects/getAll")
        return answer(socket, 200, wrapped(projects));
    if (method == "POST" && path == u"/api/apps/getByProjectId") {
        const qint64 id = qint64(in.value(QStringLiteral("projectId")).toDouble(-1));
        if (failingProjects.contains(id))
            return answer(socket, 500, "{\"success\":false,\"error\":\"database is locked\"}");
        const auto it = appsByProject.constFind(id);
        return answer(
            socket, 200,
            wrapped(it == appsByProject.cend() || it->isEmpty() ? QJsonValue() : QJsonValue(*it)));
    }
    if (method == "POST" && path == u"/api/deployments/getByAppId")
        return answer(socket, 200, wrapped(deploymentsByApp.value(appId)));
    if (method == "POST" && path == u"/api/deployments") {
        if (appId < 0)
            return answer(socket, 400, "{\"success\":false,\"error\":\"Invalid app ID\"}");
        static qint64 next = 904117;
        const QJsonObject d{{QStringLiteral("id"), double(next++)},
                            {QStringLiteral("app_id"), double(appId)},
                            {QStringLiteral("commit_hash"), QStringLiteral("3f9c2d1a77e0")},
                            {QStringLiteral("commit_message"), QStringLiteral("Deploy from UI")},
                            {QStringLiteral("status"), QStringLiteral("pending")},
                            {QStringLiteral("stage"), QStringLiteral("pending")},
                            {QStringLiteral("progress"), 0},
                            {QStringLiteral("created_at"), nowSeconds()},
                            {QStringLiteral("finished_at"), QJsonValue()}};
        QJsonArray &list = deploymentsByApp[appId];
        list.prepend(d);
        return answer(socket, 200, QJsonDocument(d).toJson(QJsonDocument::Compact));
    }
    answer(socket, 404, "404 page not found\n");
}

void UpstreamStandIn::onWebSocket() {
    while (QWebSocket *ws = m_ws.nextPendingConnection()) {
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
        const QUrl url = ws->requestUrl();
        const QUrlQuery query(url);
        if (url.path() == u"/api/ws/stats")
            streamStats(ws);
        else if (url.path() == u"/api/ws/container/logs")
            streamContainerLogs(ws, query.queryItemValue(QStringLiteral("appId")));
        else if (url.path() == u"/api/deployments/logs/stream")
            streamDeployment(ws, query.queryItemValue(QStringLiteral("id")));
        else if (url.path() == u"/api/ws/container/stats")
            streamContainerStats(ws, query.queryItemValue(QStringLiteral("appId")));
        else
            ws->close(QWebSocketProtocol::CloseCodeNormal);
    }
}

void UpstreamStandIn::streamStats(QWebSocket *ws) {
    auto *timer = new QTimer(ws);
    connect(timer, &QTimer::timeout, ws, [ws] {
        const QJsonObject sample{
            {QStringLiteral("cpuUsage"), 12.5},
            {QStringLiteral("memory"), QJsonObject{{QStringLiteral("total"), 17179869184.0},
                                                   {QStringLiteral("used"), 4294967296.0}}},
            {QStringLiteral("disk"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("/dev/vda")},
                                    {QStringLiteral("totalSpace"), 400.0},
                                    {QStringLiteral("availableSpace"), 300.0},
                                    {QStringLiteral("usedSpace"), 100.0}}}},
            {QStringLiteral("loadAverage"), QJsonObject{{QStringLiteral("oneMinute"), 0.1},
                                                        {QStringLiteral("fiveMinutes"), 0.2},
                                                        {QStringLiteral("fifteenMinutes"), 0.3}}},
            {QStringLiteral("timestamp"), double(QDateTime::currentSecsSinceEpoch())},
            {QStringLiteral("uptime"), 123456.0},
            // Always there; 0 on a host without Intel's coretemp sensor.
            {QStringLiteral("cpuTemperature"), 0.0},
        };
        ws->sendTextMessage(
            QString::fromUtf8(QJsonDocument(sample).toJson(QJsonDocument::Compact)));
    });
    timer->start(statsIntervalMs);
}

void UpstreamStandIn::streamContainerStats(QWebSocket *ws, const QString &appId) {
    ++containerStatsOpened;
    const auto refuse = [ws](const QString &message) {
        ws->sendTextMessage(envelope("error", QJsonObject{{QStringLiteral("message"), message}}));
        // The handler returns: the connection goes, without a close frame.
        QTimer::singleShot(100, ws, [ws] { ws->abort(); });
    };
    bool ok = false;
    const qint64 id = appId.toLongLong(&ok);
    if (!ok || !containerStates.contains(id))
        return refuse(QStringLiteral("Container not found"));
    const QString state = containerStates.value(id);
    ws->sendTextMessage(envelope(
        "status", QJsonObject{{QStringLiteral("container"), QStringLiteral("app-%1").arg(id)},
                              {QStringLiteral("state"), state},
                              {QStringLiteral("status"), QStringLiteral("Up 5 minutes")}}));
    if (state != u"running")
        return refuse(QStringLiteral("Container is not running (state: %1)").arg(state));
    m_statsFollowers << ws;
    auto *timer = new QTimer(ws);
    auto sent = std::make_shared<int>(0);
    connect(timer, &QTimer::timeout, ws, [ws, sent] {
        const double grown = double(++*sent);
        ws->sendTextMessage(
            envelope("stats", QJsonObject{{QStringLiteral("cpu_percent"), 25.0},
                                          {QStringLiteral("memory_used_mb"), 64.0},
                                          {QStringLiteral("memory_limit_mb"), 256.0},
                                          {QStringLiteral("memory_percent"), 25.0},
                                          {QStringLiteral("network_rx_mb"), 10.0 + grown},
                                          {QStringLiteral("network_tx_mb"), 2.0},
                                          {QStringLiteral("block_read_mb"), 0.0},
                                          {QStringLiteral("block_write_mb"), 5.0 + grown},
                                          {QStringLiteral("pids"), 3}}));
    });
    timer->start(statsIntervalMs);
}

void UpstreamStandIn::endContainerStats() {
    const auto followers = std::exchange(m_statsFollowers, {});
    for (const QPointer<QWebSocket> &ws : followers)
        if (ws) {
            for (QTimer *timer : ws->findChildren<QTimer *>())
                timer->stop();
            ws->sendTextMessage(envelope(
                "end",
                QJsonObject{{QStringLiteral("message"), QStringLiteral("Stats stream ended")}}));
            const QPointer<QWebSocket> w = ws;
            QTimer::singleShot(100, ws, [w] {
                if (w)
                    w->abort();
            });
        }
}

void UpstreamStandIn::sendLine(QWebSocket *ws, const QString &line) {
    // The engine cuts a long line every 16 KiB of bytes, wherever that falls,
    // and upstream (Go) sends each piece as a JSON string: bytes of a cut
    // character become U+FFFD, one each (QString::fromUtf8 does the same).
    constexpr qsizetype Piece = 16 * 1024;
    const QByteArray bytes = line.toUtf8();
    qsizetype at = 0;
    do {
        const QString piece = QString::fromUtf8(bytes.mid(at, Piece));
        ws->sendTextMessage(
            envelope("log", QJsonObject{{QStringLiteral("line"), piece},
                                        {QStringLiteral("stream"), QStringLiteral("stdout")}}));
        at += Piece;
    } while (at < bytes.size());
}

void UpstreamStandIn::appendContainerLine(const QString &line) {
    containerLines.append(line);
    for (const QPointer<QWebSocket> &ws : std::as_const(m_followers))
        if (ws)
            sendLine(ws, line);
}

void UpstreamStandIn::dropContainerClients() {
    const auto followers = std::exchange(m_followers, {});
    for (const QPointer<QWebSocket> &ws : followers)
        if (ws)
            ws->abort();
}

void UpstreamStandIn::streamContainerLogs(QWebSocket *ws, const QString &appId) {
    if (containerMissing) {
        ws->sendTextMessage(envelope(
            "error",
            QJsonObject{{QStringLiteral("message"), QStringLiteral("Container not found")}}));
        // Then the connection goes, without a close frame.
        QTimer::singleShot(100, ws, [ws] { ws->abort(); });
        return;
    }
    ws->sendTextMessage(envelope(
        "status", QJsonObject{{QStringLiteral("container"), QStringLiteral("app-") + appId},
                              {QStringLiteral("state"), QStringLiteral("running")},
                              {QStringLiteral("status"), QStringLiteral("running")}}));
    if (containerFollow) {
        for (const QString &line :
             containerLines.mid(std::max<qsizetype>(0, containerLines.size() - 100)))
            sendLine(ws, line);
        m_followers.append(ws);
        return;
    }
    for (const QString &line : std::as_const(containerLines))
        sendLine(ws, line);
    ws->sendTextMessage(envelope(
        "end", QJsonObject{{QStringLiteral("message"), QStringLiteral("Log stream ended")}}));
    ws->close(QWebSocketProtocol::CloseCodeNormal);
}

void UpstreamStandIn::streamDeployment(QWebSocket *ws, const QString &id) {
    // As upstream's deployer writes them: status and stage one word, the
    // message utils.GetStageMessage's, progress 0 on failure, and
    // error_message only when there is one (omitempty).
    auto status = [ws, id](const char *word, int progress, const char *message,
                           const char *error = "") {
        QJsonObject data{{QStringLiteral("deployment_id"), id.toInt()},
                         {QStringLiteral("status"), QLatin1String(word)},
                         {QStringLiteral("stage"), QLatin1String(word)},
                         {QStringLiteral("progress"), progress},
                         {QStringLiteral("message"), QLatin1String(message)}};
        if (*error)
            data.insert(QStringLiteral("error_message"), QLatin1String(error));
        ws->sendTextMessage(envelope("status", data));
    };
    auto log = [ws](const char *line) {
        ws->sendTextMessage(
            envelope("log", QJsonObject{{QStringLiteral("line"), QLatin1String(line)},
                                        {QStringLiteral("stream"), QStringLiteral("stdout")},
                                        {QStringLiteral("timestamp"), nowSeconds()}}));
    };
    status("pending", 0, "Deployment queued and waiting to start");
    status("cloning", 20, "Cloning repository from Git");
    log("Cloning into '/tmp/app'...");
    status("building", 50, "Building Docker image");
    log("Step 1/2 : FROM alpine");
    if (deploymentFails) {
        status("failed", 0, "Deployment failed", "docker build failed: exit code 1");
    } else {
        status("deploying", 80, "Deploying container");
        status("success", 100, "Deployment completed successfully");
    }
    // Upstream polls its database and closes about a second after the end.
    QTimer::singleShot(200, ws, [ws] { ws->close(QWebSocketProtocol::CloseCodeNormal); });
}

} // namespace mist::test
