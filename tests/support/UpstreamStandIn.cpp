#include "UpstreamStandIn.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

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
}

void UpstreamStandIn::answer(QTcpSocket *socket, int status, const QByteArray &body,
                             const QByteArray &extraHeaders) {
    socket->write("HTTP/1.1 " + QByteArray::number(status) +
                  (status == 200   ? " OK"
                   : status == 401 ? " Unauthorized"
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
    if (healthAnswersWithPage && method == "GET")
        return answer(socket, 200, "<!doctype html><title>Mist</title>");
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
        };
        ws->sendTextMessage(
            QString::fromUtf8(QJsonDocument(sample).toJson(QJsonDocument::Compact)));
    });
    timer->start(statsIntervalMs);
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
    constexpr qsizetype Piece = 16 * 1024;
    for (const QString &line : std::as_const(containerLines)) {
        qsizetype at = 0;
        do {
            ws->sendTextMessage(
                envelope("log", QJsonObject{{QStringLiteral("line"), line.mid(at, Piece)},
                                            {QStringLiteral("stream"), QStringLiteral("stdout")}}));
            at += Piece;
        } while (at < line.size());
    }
    ws->sendTextMessage(envelope(
        "end", QJsonObject{{QStringLiteral("message"), QStringLiteral("Log stream ended")}}));
    ws->close(QWebSocketProtocol::CloseCodeNormal);
}

void UpstreamStandIn::streamDeployment(QWebSocket *ws, const QString &id) {
    auto status = [ws, id](const char *status, const char *stage, int progress, const char *message,
                           const char *error = "") {
        ws->sendTextMessage(envelope(
            "status", QJsonObject{{QStringLiteral("deployment_id"), id.toInt()},
                                  {QStringLiteral("status"), QLatin1String(status)},
                                  {QStringLiteral("stage"), QLatin1String(stage)},
                                  {QStringLiteral("progress"), progress},
                                  {QStringLiteral("message"), QLatin1String(message)},
                                  {QStringLiteral("error_message"), QLatin1String(error)}}));
    };
    auto log = [ws](const char *line) {
        ws->sendTextMessage(
            envelope("log", QJsonObject{{QStringLiteral("line"), QLatin1String(line)},
                                        {QStringLiteral("stream"), QStringLiteral("stdout")},
                                        {QStringLiteral("timestamp"), nowSeconds()}}));
    };
    status("pending", "pending", 0, "Deployment queued");
    status("cloning", "cloning", 20, "Cloning repository");
    log("Cloning into '/tmp/app'...");
    status("building", "building", 50, "Building image");
    log("Step 1/2 : FROM alpine");
    if (deploymentFails) {
        status("failed", "failed", 50, "Build failed", "docker build failed: exit code 1");
    } else {
        status("deploying", "deploying", 80, "Starting container");
        status("success", "success", 100, "Deployment completed");
    }
    // Upstream polls its database and closes about a second after the end.
    QTimer::singleShot(200, ws, [ws] { ws->close(QWebSocketProtocol::CloseCodeNormal); });
}

} // namespace mist::test
