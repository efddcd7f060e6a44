// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace mist::client {

// One signed-in session against one server (this project's REST dialect):
// the base URL, the `mist_token` cookie and the TLS configuration, shared by
// REST calls and the WebSocket streams (StreamConnection) of a client.
//
// The session cookie is sent explicitly with every request and never kept in
// a cookie jar, so two sessions in one process never mix their identities.
class ServerSession : public QObject {
    Q_OBJECT
public:
    // http(s):// or ws(s):// accepted (ws maps to http, wss to https); path,
    // query and fragment are dropped. An URL that names no server leaves
    // baseUrl() empty and every call fails with "Invalid server URL".
    explicit ServerSession(const QUrl &baseUrl, QObject *parent = nullptr);
    ~ServerSession() override;

    // The normalised form described above; empty when `url` names no server.
    static QUrl normalizeUrl(const QUrl &url);

    QUrl baseUrl() const { return m_baseUrl; }
    bool isSecure() const { return m_baseUrl.scheme() == u"https"; }

    // An existing mist_token (embedded server, local data directory).
    void setToken(const QByteArray &token) { m_token = token; }
    QByteArray token() const { return m_token; }

    // E.g. a pinned CA; used for https and wss. Without one, the system's defaults.
    void setSslConfiguration(const QSslConfiguration &c) { m_ssl = c; }
    std::optional<QSslConfiguration> sslConfiguration() const { return m_ssl; }
    // A TLS configuration that trusts the CA certificates in the PEM file
    // `path` and no other (the desktop's and the CLI's --ca-cert). Without a
    // certificate in it, a failure of one line: "cannot read '/x.pem': No
    // such file or directory", "no PEM certificate in '/etc/hostname'".
    static Expected<QSslConfiguration> pinnedCaConfiguration(const QString &path);

    // Signs in; on success the session holds the new token. Errors are one
    // readable line: "Invalid email or password", "Cannot reach
    // http://h:p: Connection refused", "TLS error with https://h:p: ...".
    using Done = std::function<void(const Expected<void> &)>;
    void login(const QString &email, const QByteArray &password, Done done);
    // Revokes the session on the server (best effort) and forgets the token.
    void logout(std::function<void()> done = {});

    // Which protocol the server speaks: this project's (the published page),
    // or upstream Mist's dialect (docs/PROTOCOL.md, "Upstream Mist's dialect"),
    // whose streams StreamConnection translates.
    enum class Dialect { Published, Upstream };
    Dialect dialect() const { return m_dialect; }
    void setDialect(Dialect d) { m_dialect = d; }
    // Asks the server: this project's servers answer GET /api/health with
    // 200 {status: "ok", version}; upstream Mist has no such route (404, or
    // its web UI's page). Sets dialect() on an answer; `done` gets a readable
    // error when none came (dialect() is then unchanged).
    void detectDialect(QObject *context, Done done);

    struct Reply {
        int status = 0;  // HTTP status; 0 when no answer came
        QJsonValue data; // the envelope's `data`
        QString error;   // the envelope's `error`, or why there was no answer
        int skipped = 0; // listApps/listDeployments: upstream entries left out
        QString skipReason;
        bool ok() const { return status >= 200 && status < 300 && error.isEmpty(); }
    };
    // `done` runs in `context`'s thread and not at all once `context` is gone
    // (nullptr: the session itself). `path` is absolute, e.g. "/api/apps".
    void get(const QString &path, QObject *context, std::function<void(const Reply &)> done);
    void post(const QString &path, const QJsonObject &body, QObject *context,
              std::function<void(const Reply &)> done);
    void deleteResource(const QString &path, QObject *context,
                        std::function<void(const Reply &)> done);

    // The same answers whichever dialect the server speaks (dialect()), in
    // this project's shapes (docs/PROTOCOL.md, "Upstream dialect"):
    // - listApps: the array of GET /api/apps. Upstream: every project of
    //   GET /api/projects/getAll, then each one's POST /api/apps/getByProjectId,
    //   mapped by protocol::upstream::appFromUpstream, in project order; the
    //   first failure of any of those calls fails the whole list.
    // - listDeployments: GET /api/apps/{id}/deployments; upstream: POST
    //   /api/deployments/getByAppId {appId}, mapped by deploymentFromUpstream.
    // - startDeployment: POST /api/deployments {appId}, the new deployment
    //   (upstream answers with the bare object, also mapped).
    // An upstream entry that cannot be mapped (no id) is left out and
    // counted in Reply::skipped, with the first reason in Reply::skipReason.
    void listApps(QObject *context, std::function<void(const Reply &)> done);
    void listDeployments(qint64 appId, QObject *context, std::function<void(const Reply &)> done);
    void startDeployment(qint64 appId, QObject *context, std::function<void(const Reply &)> done);

    // The path of a metric history request (docs/HISTORY.md): the host's (appId 0,
    // GET /api/metrics/history) or an app's (GET /api/apps/{id}/stats/history), from..to in
    // seconds since the epoch as RFC 3339, and the step (none: the server's default).
    static QString historyPath(qint64 appId, qint64 fromSeconds, qint64 toSeconds,
                               std::optional<qint64> stepSeconds);

    // ws(s):// URL of `pathAndQuery` (e.g. "/ws/metrics") with the session
    // cookie and the TLS configuration. QWebSocket takes TLS settings from the
    // socket rather than the request: StreamConnection applies both.
    QNetworkRequest webSocketRequest(const QString &pathAndQuery) const;
    QUrl webSocketUrl(const QString &pathAndQuery) const;

private:
    // get() and post(): "Invalid server URL" (queued) without a server.
    void request(const QByteArray &method, const QString &path, const QByteArray &body,
                 QObject *context, std::function<void(const Reply &)> done);
    QNetworkReply *send(const QByteArray &method, const QString &path, const QByteArray &body);
    Reply toReply(QNetworkReply *reply) const;
    QString unreachable(QNetworkReply *reply) const;

    QUrl m_baseUrl;
    QByteArray m_token;
    std::optional<QSslConfiguration> m_ssl;
    QNetworkAccessManager *m_nam;
    Dialect m_dialect = Dialect::Published;
};

} // namespace mist::client
