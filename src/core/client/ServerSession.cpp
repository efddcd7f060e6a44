// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServerSession.h"

#include "protocol/Envelope.h"
#include "protocol/UpstreamDialect.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QPointer>
#include <QSslCertificate>
#include <QSslError>
#include <QUrlQuery>

namespace mist::client {

namespace {

constexpr auto CookieName = "mist_token";
constexpr int TransferTimeoutMs = 30000;
constexpr auto SslErrorsProperty = "mistSslErrors";

// The session's cookie goes out explicitly; a jar that remembered cookies
// would send the last sign-in's identity with requests meant for another.
class NoCookieJar : public QNetworkCookieJar {
public:
    using QNetworkCookieJar::QNetworkCookieJar;
    bool setCookiesFromUrl(const QList<QNetworkCookie> &, const QUrl &) override { return false; }
    QList<QNetworkCookie> cookiesForUrl(const QUrl &) const override { return {}; }
};

QString sslErrorsText(const QList<QSslError> &errors) {
    QStringList texts;
    for (const QSslError &e : errors) {
        if (!texts.contains(e.errorString()))
            texts << e.errorString();
    }
    return texts.join(QStringLiteral("; "));
}

} // namespace

ServerSession::ServerSession(const QUrl &baseUrl, QObject *parent)
    : QObject(parent)
    , m_baseUrl(normalizeUrl(baseUrl))
    , m_nam(new QNetworkAccessManager(this)) {
    m_nam->setCookieJar(new NoCookieJar(m_nam));
}

ServerSession::~ServerSession() = default;

QUrl ServerSession::normalizeUrl(const QUrl &url) {
    QUrl out = url;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"ws" || scheme == u"http")
        out.setScheme(QStringLiteral("http"));
    else if (scheme == u"wss" || scheme == u"https")
        out.setScheme(QStringLiteral("https"));
    else
        return {};
    if (!out.isValid() || out.host().isEmpty())
        return {};
    out.setUserInfo(QString());
    out.setPath(QString());
    out.setQuery(QString());
    out.setFragment(QString());
    return out;
}

Expected<QSslConfiguration> ServerSession::pinnedCaConfiguration(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read '%1': %2").arg(path, file.errorString()));
    // A CA bundle is a few hundred KiB at most; anything far larger is not one.
    const QList<QSslCertificate> cas =
        QSslCertificate::fromData(file.read(16 * 1024 * 1024), QSsl::Pem);
    if (cas.isEmpty())
        return fail(QStringLiteral("no PEM certificate in '%1'").arg(path));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(cas); // pinned: these and no other, not the system's
    return ssl;
}

QUrl ServerSession::webSocketUrl(const QString &pathAndQuery) const {
    if (m_baseUrl.isEmpty())
        return {};
    QUrl url = m_baseUrl.resolved(QUrl(pathAndQuery));
    url.setScheme(isSecure() ? QStringLiteral("wss") : QStringLiteral("ws"));
    return url;
}

void ServerSession::detectDialect(QObject *context, Done done) {
    get(QStringLiteral("/api/health"), context, [this, done](const Reply &reply) {
        if (reply.status == 0)
            return done(fail(reply.error));
        // This project's own answer, recognised positively; anything else
        // (404, or an upstream web UI answering every path with its page)
        // is upstream Mist.
        const bool ours =
            reply.status == 200 && reply.error.isEmpty() &&
            reply.data.toObject().value(QStringLiteral("status")).toString() == u"ok" &&
            reply.data.toObject().contains(QStringLiteral("version"));
        m_dialect = ours ? Dialect::Published : Dialect::Upstream;
        done({});
    });
}

QNetworkRequest ServerSession::webSocketRequest(const QString &pathAndQuery) const {
    QNetworkRequest request(webSocketUrl(pathAndQuery));
    if (!m_token.isEmpty())
        request.setRawHeader("Cookie", QByteArray(CookieName) + '=' + m_token);
    if (m_ssl)
        request.setSslConfiguration(*m_ssl);
    return request;
}

QNetworkReply *ServerSession::send(const QByteArray &method, const QString &path,
                                   const QByteArray &body) {
    QNetworkRequest request(m_baseUrl.resolved(QUrl(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Cookie", QByteArray(CookieName) + '=' + m_token);
    if (m_ssl)
        request.setSslConfiguration(*m_ssl);
    request.setTransferTimeout(TransferTimeoutMs);
    QNetworkReply *reply = m_nam->sendCustomRequest(request, method, body);
    // TLS failures surface as a bare "SSL handshake failed"; keep the reasons.
    connect(reply, &QNetworkReply::sslErrors, reply, [reply](const QList<QSslError> &errors) {
        reply->setProperty(SslErrorsProperty, sslErrorsText(errors));
    });
    connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    return reply;
}

QString ServerSession::unreachable(QNetworkReply *reply) const {
    const QString where = m_baseUrl.toString();
    const QString ssl = reply->property(SslErrorsProperty).toString();
    if (!ssl.isEmpty())
        return QStringLiteral("TLS error with %1: %2").arg(where, ssl);
    QString why;
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        why = QStringLiteral("Connection refused");
        break;
    case QNetworkReply::HostNotFoundError:
        why = QStringLiteral("Host %1 not found").arg(m_baseUrl.host());
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // the transfer timeout
        why = QStringLiteral("Timed out");
        break;
    case QNetworkReply::RemoteHostClosedError:
        why = QStringLiteral("Connection closed by the server");
        break;
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS error with %1: %2").arg(where, reply->errorString());
    default:
        why = reply->errorString();
    }
    return QStringLiteral("Cannot reach %1: %2").arg(where, why);
}

ServerSession::Reply ServerSession::toReply(QNetworkReply *reply) const {
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (r.status == 0) {
        r.error = unreachable(reply);
        return r;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll(), &parseError);
    const QJsonObject json = doc.object();
    if (doc.isObject() && json.contains(QStringLiteral("success"))) {
        r.data = json.value(QStringLiteral("data"));
        if (!json.value(QStringLiteral("success")).toBool())
            r.error = json.value(QStringLiteral("error"))
                          .toString(QStringLiteral("HTTP %1").arg(r.status));
    } else if (!doc.isNull()) {
        r.data = doc.isObject() ? QJsonValue(json) : QJsonValue(doc.array());
    }
    if (r.error.isEmpty() && (r.status < 200 || r.status >= 300))
        r.error = QStringLiteral("HTTP %1 %2")
                      .arg(r.status)
                      .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                      .trimmed();
    return r;
}

void ServerSession::get(const QString &path, QObject *context,
                        std::function<void(const Reply &)> done) {
    request("GET", path, {}, context, std::move(done));
}

void ServerSession::post(const QString &path, const QJsonObject &body, QObject *context,
                         std::function<void(const Reply &)> done) {
    request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), context,
            std::move(done));
}

void ServerSession::deleteResource(const QString &path, QObject *context,
                                   std::function<void(const Reply &)> done) {
    request("DELETE", path, {}, context, std::move(done));
}

void ServerSession::request(const QByteArray &method, const QString &path, const QByteArray &body,
                            QObject *context, std::function<void(const Reply &)> done) {
    QObject *receiver = context ? context : this;
    if (m_baseUrl.isEmpty()) {
        QMetaObject::invokeMethod(
            receiver,
            [done] {
                Reply r;
                r.error = QStringLiteral("Invalid server URL");
                done(r);
            },
            Qt::QueuedConnection);
        return;
    }
    QNetworkReply *reply = send(method, path, body);
    connect(reply, &QNetworkReply::finished, receiver,
            [this, reply, done] { done(toReply(reply)); });
}

namespace {
// Maps every element of an upstream array; what cannot be mapped is counted.
template <typename Map> ServerSession::Reply mapArray(ServerSession::Reply r, Map map) {
    if (!r.ok())
        return r;
    if (!r.data.isArray() && !r.data.isNull() && !r.data.isUndefined()) {
        r.error = QStringLiteral("unexpected answer (not a list)");
        r.data = QJsonValue();
        return r;
    }
    QJsonArray out;
    // Go encodes an empty slice as null: that is an empty list too.
    for (const QJsonValue &v : r.data.toArray()) {
        if (const Expected<QJsonObject> mapped = map(v.toObject())) {
            out.append(*mapped);
        } else {
            if (r.skipped++ == 0)
                r.skipReason = mapped.error();
        }
    }
    r.data = out;
    return r;
}
} // namespace

void ServerSession::listApps(QObject *context, std::function<void(const Reply &)> done) {
    if (m_dialect == Dialect::Published)
        return get(QStringLiteral("/api/apps"), context, std::move(done));
    QObject *receiver = context ? context : this;
    get(QStringLiteral("/api/projects/getAll"), receiver,
        [this, receiver, done](const Reply &projectsReply) {
            const Reply projects =
                mapArray(projectsReply, [](const QJsonObject &p) -> Expected<QJsonObject> {
                    if (!p.value(QStringLiteral("id")).isDouble())
                        return fail("project without a valid id");
                    return p;
                });
            const QJsonArray list = projects.data.toArray();
            if (!projects.ok() || list.isEmpty())
                return done(projects);
            // One call per project, all at once; the list is put together in
            // project order when the last one has answered.
            struct Pending {
                QList<Reply> replies;
                qsizetype remaining = 0;
            };
            auto pending = std::make_shared<Pending>();
            pending->replies.resize(list.size());
            pending->remaining = list.size();
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QJsonObject project = list[i].toObject();
                post(
                    QStringLiteral("/api/apps/getByProjectId"),
                    QJsonObject{{QStringLiteral("projectId"), project.value(QStringLiteral("id"))}},
                    receiver, [pending, i, project, projects, done](const Reply &r) {
                        pending->replies[i] = mapArray(r, [&project](const QJsonObject &app) {
                            return protocol::upstream::appFromUpstream(app, project);
                        });
                        if (--pending->remaining > 0)
                            return;
                        Reply all;
                        all.status = 200;
                        all.skipped = projects.skipped;
                        all.skipReason = projects.skipReason;
                        QJsonArray apps;
                        for (const Reply &one : std::as_const(pending->replies)) {
                            if (!one.ok())
                                return done(one);
                            for (const QJsonValue &app : one.data.toArray())
                                apps.append(app);
                            if (all.skipped == 0)
                                all.skipReason = one.skipReason;
                            all.skipped += one.skipped;
                        }
                        all.data = apps;
                        done(all);
                    });
            }
        });
}

void ServerSession::listDeployments(qint64 appId, QObject *context,
                                    std::function<void(const Reply &)> done) {
    if (m_dialect == Dialect::Published)
        return get(QStringLiteral("/api/apps/%1/deployments").arg(appId), context, std::move(done));
    post(QStringLiteral("/api/deployments/getByAppId"),
         QJsonObject{{QStringLiteral("appId"), double(appId)}}, context,
         [done](const Reply &r) { done(mapArray(r, protocol::upstream::deploymentFromUpstream)); });
}

QString ServerSession::historyPath(qint64 appId, qint64 fromSeconds, qint64 toSeconds,
                                   std::optional<qint64> stepSeconds) {
    const auto rfc = [](qint64 seconds) {
        return protocol::rfc3339Seconds(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC));
    };
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), rfc(fromSeconds));
    query.addQueryItem(QStringLiteral("to"), rfc(toSeconds));
    if (stepSeconds)
        query.addQueryItem(QStringLiteral("step"), QString::number(*stepSeconds));
    return (appId == 0 ? QStringLiteral("/api/metrics/history?")
                       : QStringLiteral("/api/apps/%1/stats/history?").arg(appId)) +
           query.toString(QUrl::FullyEncoded);
}

void ServerSession::startDeployment(qint64 appId, QObject *context,
                                    std::function<void(const Reply &)> done) {
    const QJsonObject body{{QStringLiteral("appId"), double(appId)}};
    if (m_dialect == Dialect::Published)
        return post(QStringLiteral("/api/deployments"), body, context, std::move(done));
    post(QStringLiteral("/api/deployments"), body, context, [done](Reply r) {
        if (r.ok()) {
            const auto d = protocol::upstream::deploymentFromUpstream(r.data.toObject());
            if (d)
                r.data = *d;
            else
                r.error = QStringLiteral("unexpected answer: %1").arg(d.error());
        }
        done(r);
    });
}

void ServerSession::login(const QString &email, const QByteArray &password, Done done) {
    if (m_baseUrl.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [done] { done(fail(QStringLiteral("Invalid server URL"))); },
            Qt::QueuedConnection);
        return;
    }
    const QJsonObject body{{QStringLiteral("email"), email},
                           {QStringLiteral("password"), QString::fromUtf8(password)}};
    QNetworkReply *reply = send("POST", QStringLiteral("/api/auth/login"),
                                QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        const Reply r = toReply(reply);
        if (r.status == 401) {
            done(fail(r.error.isEmpty() || r.error.startsWith(u"HTTP ")
                          ? QStringLiteral("Invalid email or password")
                          : r.error));
            return;
        }
        if (!r.ok()) {
            done(fail(r.status == 0 ? r.error : QStringLiteral("Sign-in failed: %1").arg(r.error)));
            return;
        }
        const auto cookies =
            reply->header(QNetworkRequest::SetCookieHeader).value<QList<QNetworkCookie>>();
        for (const QNetworkCookie &c : cookies) {
            if (c.name() == CookieName && !c.value().isEmpty()) {
                m_token = c.value();
                done({});
                return;
            }
        }
        done(fail(QStringLiteral("Sign-in failed: the server set no session cookie")));
    });
}

void ServerSession::logout(std::function<void()> done) {
    if (m_token.isEmpty() || m_baseUrl.isEmpty()) {
        m_token.clear();
        if (done)
            QMetaObject::invokeMethod(this, done, Qt::QueuedConnection);
        return;
    }
    QNetworkReply *reply = send("POST", QStringLiteral("/api/auth/logout"), {});
    m_token.clear();
    connect(reply, &QNetworkReply::finished, this, [done] {
        if (done)
            done();
    });
}

} // namespace mist::client
