// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertFormats.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QUrl>

namespace mist::alerts {

namespace {

QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString cut(const QString &s) {
    return s.size() <= MaxChatChars ? s : s.left(MaxChatChars - 1) + QChar(0x2026);
}

int ntfyPriority(const QString &severity) {
    if (severity == u"critical")
        return 5;
    if (severity == u"warning")
        return 4;
    return 3;
}

// ntfy's JSON publishing: POST to the server's root with the topic in the
// body; the channel's URL is the topic's URL (https://ntfy.sh/mytopic).
OutgoingRequest ntfyRequest(const QString &channelUrl, const QJsonObject &p) {
    QUrl url(channelUrl);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    const int slash = path.lastIndexOf(u'/');
    const QString topic = path.mid(slash + 1);
    url.setPath(path.left(slash + 1).isEmpty() ? QStringLiteral("/") : path.left(slash + 1));
    const QString state = p.value(QStringLiteral("state")).toString();
    const QString severity = p.value(QStringLiteral("severity")).toString();
    QJsonObject body{{QStringLiteral("topic"), topic},
                     {QStringLiteral("title"),
                      QStringLiteral("[%1] %2").arg(state.toUpper(),
                                                    p.value(QStringLiteral("title")).toString())},
                     {QStringLiteral("message"), cut(QStringLiteral("%1 (%2)").arg(
                                                     p.value(QStringLiteral("message")).toString(),
                                                     p.value(QStringLiteral("host")).toString()))},
                     {QStringLiteral("priority"), ntfyPriority(severity)},
                     {QStringLiteral("tags"), QJsonArray{severity, state}}};
    return {url.toString(QUrl::FullyEncoded), compact(body), {}};
}

} // namespace

QByteArray webhookBody(const QJsonObject &data, const QString &host) {
    QJsonObject o = data;
    o.insert(QStringLiteral("host"), host);
    return compact(o);
}

QByteArray signature(const QByteArray &body, const QString &secret) {
    return "sha256=" +
           QMessageAuthenticationCode::hash(body, secret.toUtf8(), QCryptographicHash::Sha256)
               .toHex();
}

QString summaryLine(const QJsonObject &p) {
    return QStringLiteral("[%1] %2 \u2014 %3 (%4)")
        .arg(p.value(QStringLiteral("state")).toString().toUpper(),
             p.value(QStringLiteral("title")).toString(),
             p.value(QStringLiteral("message")).toString(),
             p.value(QStringLiteral("host")).toString());
}

OutgoingRequest requestFor(const QString &kind, const QString &url, const QString &secret,
                           const QByteArray &body) {
    const QJsonObject payload = QJsonDocument::fromJson(body).object();
    if (kind == u"ntfy")
        return ntfyRequest(url, payload);
    if (kind == u"slack")
        return {url, compact({{QStringLiteral("text"), cut(summaryLine(payload))}}), {}};
    if (kind == u"discord")
        return {url, compact({{QStringLiteral("content"), cut(summaryLine(payload))}}), {}};
    OutgoingRequest r{url, body, {}};
    if (!secret.isEmpty())
        r.headers.append({QByteArrayLiteral("X-Mist-Signature"), signature(body, secret)});
    return r;
}

} // namespace mist::alerts
