// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertFormats.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
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

bool plainHeaderText(const QString &s) {
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return s.size() <= 900;
}

// RFC 2047 encoded words, each at most 75 characters, cut on whole
// characters: one folded header however long the title.
QByteArray encodedHeader(const QString &s) {
    QByteArray out;
    QString piece;
    const auto flush = [&] {
        if (piece.isEmpty())
            return;
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + piece.toUtf8().toBase64() + "?=";
        piece.clear();
    };
    for (int i = 0; i < s.size(); ++i) {
        const int len = s.at(i).isHighSurrogate() && i + 1 < s.size() ? 2 : 1;
        const QString c = s.mid(i, len);
        i += len - 1;
        if (c.at(0).unicode() < 0x20 || c.at(0) == QChar(0x7f))
            continue;                         // control characters (CR, LF) never reach a header
        if ((piece + c).toUtf8().size() > 39) // 39 bytes: 52 base64 + 12, "Subject: " + 64
            flush();
        piece += c;
    }
    flush();
    return out.isEmpty() ? QByteArray("=?UTF-8?B?"
                                      "?=")
                         : out;
}

QByteArray emailBodyText(const QJsonObject &p) {
    QStringList lines{summaryLine(p), QString()};
    const auto add = [&](const char *label, const QString &key) {
        const QJsonValue v = p.value(key);
        if (!v.isNull() && !v.isUndefined())
            lines << QStringLiteral("%1: %2").arg(
                QLatin1String(label), v.isString() ? v.toString() : QString::number(v.toDouble()));
    };
    add("State", QStringLiteral("state"));
    add("Severity", QStringLiteral("severity"));
    add("Since", QStringLiteral("since"));
    add("Host", QStringLiteral("host"));
    add("App", QStringLiteral("appId"));
    add("Rule", QStringLiteral("ruleId"));
    add("Alert", QStringLiteral("id"));
    return lines.join(QStringLiteral("\r\n")).toUtf8() + "\r\n";
}

} // namespace

QByteArray emailMessage(const QString &from, const QStringList &to, const QByteArray &body,
                        const QDateTime &now) {
    const QJsonObject p = QJsonDocument::fromJson(body).object();
    const QString subject =
        QStringLiteral("[%1] %2").arg(p.value(QStringLiteral("state")).toString().toUpper(),
                                      p.value(QStringLiteral("title")).toString());
    const QByteArray id = QCryptographicHash::hash(body + now.toString(Qt::ISODateWithMs).toUtf8(),
                                                   QCryptographicHash::Sha256)
                              .toHex()
                              .left(32);
    QByteArray m;
    m += "From: <" + from.toUtf8() + ">\r\n";
    QStringList rcpt;
    for (const QString &t : to)
        rcpt << u'<' + t + u'>';
    m += "To: " + rcpt.join(QStringLiteral(", ")).toUtf8() + "\r\n";
    m += "Subject: " + (plainHeaderText(subject) ? subject.toLatin1() : encodedHeader(subject)) +
         "\r\n";
    m +=
        "Date: " +
        QLocale::c().toString(now.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")).toLatin1() +
        " +0000\r\n";
    m += "Message-ID: <" + id + "@mist-monitor>\r\n";
    m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n";
    const QByteArray encoded = emailBodyText(p).toBase64();
    for (int i = 0; i < encoded.size(); i += 76)
        m += encoded.mid(i, 76) + "\r\n";
    return m;
}

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
