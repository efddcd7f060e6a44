// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// A stand-in for an upstream Mist server (upstream cannot be built here),
// behaving as docs/PROTOCOL.md ("Upstream Mist's dialect") describes: login at
// /api/auth/login with the mist_token cookie, no /api/health, the /api/...
// WebSocket routes, the metrics schema with Unix-second timestamps, log lines
// sent as 16 KiB pieces, and a deployment stream that closes after its final
// status without `end` or `error`. Like upstream, its sockets ask for no
// login: the tests of this project's own server show the opposite.

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTcpServer>
#include <QWebSocketServer>

class QTcpSocket;
class QWebSocket;

namespace mist::test {

class UpstreamStandIn : public QObject {
    Q_OBJECT
public:
    explicit UpstreamStandIn(QObject *parent = nullptr);
    quint16 port() const { return m_tcp.serverPort(); }

    QString email = QStringLiteral("admin@example.com");
    QByteArray password = "upstream password";
    int statsIntervalMs = 100;
    QStringList containerLines; // sent in 16 KiB pieces, then `end`
    // Container logs as upstream follows a running container: the last 100
    // of containerLines, then each appended one as it comes; no `end`, and
    // no resume (a reconnect gets the last 100 again).
    bool containerFollow = false;
    void appendContainerLine(const QString &line);
    void dropContainerClients(); // the connections go, as when upstream restarts
    bool deploymentFails = false;
    // Container logs: "Container not found", then the TCP connection dropped
    // without a close frame (as a Go server that just closes does).
    bool containerMissing = false;
    // Per-container stats (/api/ws/container/stats?appId=N), as upstream's
    // containerStats.go: the state of app N's container; none: "Container not
    // found"; not "running": `status`, then "Container is not running (state:
    // X)"; running: `status`, then `stats` every statsIntervalMs, its totals
    // (network received, block written) growing by 1 MiB each message, CPU
    // 25 %, 64 of 256 MiB memory. Errors end with the TCP connection dropped.
    QHash<qint64, QString> containerStates;
    // The running streams end as when their container stops: `end` "Stats
    // stream ended".
    void endContainerStats();
    int containerStatsOpened = 0;
    // GET /api/health answered 200 with an HTML page (a web UI's fallback).
    bool healthAnswersWithPage = false;

    // REST (signed in only, as upstream's middleware): GET /api/projects/getAll,
    // POST /api/apps/getByProjectId {projectId}, POST
    // /api/deployments/getByAppId {appId} (newest first), and POST
    // /api/deployments {appId}, which queues a deployment and answers with
    // the bare object. Upstream's shapes: camelCase apps, snake_case
    // deployments, random ids; a project without apps gives `data: null`
    // (a nil Go slice).
    QJsonArray projects;
    QHash<qint64, QJsonArray> appsByProject;
    QHash<qint64, QJsonArray> deploymentsByApp;
    QList<qint64> failingProjects; // their apps: 500 "database is locked"
    int restCalls = 0;             // REST requests answered (any route)

private:
    void onReadyRead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, int status, const QByteArray &body,
                const QByteArray &extraHeaders = {});
    void answerRest(QTcpSocket *socket, const QByteArray &method, const QString &path,
                    const QByteArray &body);
    void onWebSocket();
    void streamStats(QWebSocket *ws);
    void streamContainerLogs(QWebSocket *ws, const QString &appId);
    void streamDeployment(QWebSocket *ws, const QString &id);
    void streamContainerStats(QWebSocket *ws, const QString &appId);
    QList<QPointer<QWebSocket>> m_statsFollowers;

    void sendLine(QWebSocket *ws, const QString &line);
    QList<QPointer<QWebSocket>> m_followers;
    QTcpServer m_tcp;
    QWebSocketServer m_ws;
};

} // namespace mist::test
