// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertRules.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace mist::alerts {

namespace {

Unexpected<QString> invalid(const QString &field) {
    return fail(QStringLiteral("Invalid %1").arg(field));
}

bool clean(const QString &s) {
    for (const QChar c : s) {
        if (c.unicode() <= 0x20 || c.unicode() == 0x7f || c.isSpace())
            return false;
    }
    return true;
}

// An absolute URL of one of `schemes` with a host, no spaces or control
// characters (a CR/LF could split a header or an SMTP command).
bool goodUrl(const QJsonValue &v, const QStringList &schemes, bool pathAllowed) {
    const QString s = v.toString();
    if (!v.isString() || s.isEmpty() || s.size() > MaxUrlChars || !clean(s))
        return false;
    const QUrl url(s, QUrl::StrictMode);
    if (!url.isValid() || !schemes.contains(url.scheme()) || url.host().isEmpty())
        return false;
    if (!pathAllowed && ((!url.path().isEmpty() && url.path() != u"/") || url.hasQuery() ||
                         url.hasFragment() || !url.userInfo().isEmpty()))
        return false;
    return true;
}

bool goodAddress(const QJsonValue &v) {
    static const QRegularExpression address(
        QStringLiteral(R"(^[^\s@<>(),;:"\\\[\]]+@[^\s@<>(),;:"\\\[\]]+$)"));
    const QString s = v.toString();
    return v.isString() && s.size() <= MaxAddressChars && clean(s) && address.match(s).hasMatch();
}

// A secret: 1..MaxSecretChars characters with no control characters.
// Absent: keep (an update); null: none.
Expected<void> secretField(const QJsonObject &o, const QString &key, const QString &errorName,
                           QString &out, bool &keep) {
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        keep = true;
        return {};
    }
    if (v.isNull())
        return {};
    const QString s = v.toString();
    if (!v.isString() || s.isEmpty() || s.size() > MaxSecretChars)
        return invalid(errorName);
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return invalid(errorName);
    }
    out = s;
    return {};
}

Expected<void> smtpAddresses(const QJsonObject &s, SmtpSettings &out) {
    if (!goodAddress(s.value(QStringLiteral("from"))))
        return invalid(QStringLiteral("smtp.from"));
    out.from = s.value(QStringLiteral("from")).toString();
    const QJsonValue to = s.value(QStringLiteral("to"));
    if (!to.isArray() || to.toArray().isEmpty() || to.toArray().size() > MaxRecipients)
        return invalid(QStringLiteral("smtp.to"));
    for (const QJsonValue &a : to.toArray()) {
        if (!goodAddress(a))
            return invalid(QStringLiteral("smtp.to"));
        out.to.append(a.toString());
    }
    return {};
}

Expected<void> parseSmtp(const QJsonValue &v, Channel &c) {
    if (!v.isObject())
        return invalid(QStringLiteral("smtp"));
    const QJsonObject s = v.toObject();
    const QStringList known = {QStringLiteral("url"),      QStringLiteral("username"),
                               QStringLiteral("password"), QStringLiteral("from"),
                               QStringLiteral("to"),       QStringLiteral("starttls")};
    for (auto it = s.constBegin(); it != s.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return invalid(QStringLiteral("smtp.") + it.key().left(64));
    }
    if (!goodUrl(s.value(QStringLiteral("url")), {QStringLiteral("smtp"), QStringLiteral("smtps")},
                 false))
        return invalid(QStringLiteral("smtp.url"));
    c.smtp.url = s.value(QStringLiteral("url")).toString();
    const QJsonValue user = s.value(QStringLiteral("username"));
    if (!user.isUndefined() && !user.isNull()) {
        if (!user.isString() || user.toString().isEmpty() ||
            user.toString().size() > MaxSecretChars || !clean(user.toString()))
            return invalid(QStringLiteral("smtp.username"));
        c.smtp.username = user.toString();
    }
    if (auto pw = secretField(s, QStringLiteral("password"), QStringLiteral("smtp.password"),
                              c.smtp.password, c.keepSecret);
        !pw)
        return pw;
    if (auto addresses = smtpAddresses(s, c.smtp); !addresses)
        return addresses;
    const QJsonValue starttls = s.value(QStringLiteral("starttls"));
    if (!starttls.isUndefined() && !starttls.isNull()) {
        // smtps is TLS from the start: STARTTLS on it means nothing.
        if (!starttls.isBool() || (starttls.toBool() && c.smtp.url.startsWith(u"smtps:")))
            return invalid(QStringLiteral("smtp.starttls"));
        c.smtp.starttls = starttls.toBool();
    }
    if (!c.smtp.username.isEmpty() && c.smtp.url.startsWith(u"smtp:") && !c.smtp.starttls &&
        !smtpServerIsLocal(c.smtp))
        return invalid(QStringLiteral("smtp.starttls"));
    return {};
}

Expected<void> parseTarget(const QJsonObject &o, Channel &c) {
    if (c.kind == u"email") {
        for (const char *key : {"url", "secret"}) {
            if (o.contains(QLatin1String(key)))
                return invalid(QLatin1String(key));
        }
        return parseSmtp(o.value(QStringLiteral("smtp")), c);
    }
    if (o.contains(QStringLiteral("smtp")))
        return invalid(QStringLiteral("smtp"));
    if (!goodUrl(o.value(QStringLiteral("url")), {QStringLiteral("http"), QStringLiteral("https")},
                 true))
        return invalid(QStringLiteral("url"));
    c.url = o.value(QStringLiteral("url")).toString();
    if (c.kind != u"webhook") {
        if (o.contains(QStringLiteral("secret")))
            return invalid(QStringLiteral("secret"));
        return {};
    }
    return secretField(o, QStringLiteral("secret"), QStringLiteral("secret"), c.secret,
                       c.keepSecret);
}

} // namespace

bool smtpServerIsLocal(const SmtpSettings &smtp) {
    const QString host = QUrl(smtp.url).host().toLower();
    if (host == u"localhost" || host == u"::1")
        return true;
    const QStringList parts = host.split(u'.');
    if (parts.size() != 4 || parts.first() != u"127")
        return false;
    for (const QString &p : parts) {
        bool ok = false;
        if (p.toInt(&ok) > 255 || !ok)
            return false;
    }
    return true;
}

Expected<Channel> parseChannel(const QJsonObject &o) {
    const QStringList known = {QStringLiteral("name"), QStringLiteral("kind"),
                               QStringLiteral("url"), QStringLiteral("secret"),
                               QStringLiteral("smtp")};
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return invalid(it.key().left(64));
    }
    Channel c;
    const QJsonValue name = o.value(QStringLiteral("name"));
    const QString n = name.toString();
    if (!name.isString() || n.isEmpty() || n.size() > MaxNameChars ||
        std::any_of(n.cbegin(), n.cend(), [](QChar ch) { return ch.unicode() < 0x20; }))
        return invalid(QStringLiteral("name"));
    c.name = n;
    const QJsonValue kind = o.value(QStringLiteral("kind"));
    if (!kind.isString() || !channelKinds().contains(kind.toString()))
        return invalid(QStringLiteral("kind"));
    c.kind = kind.toString();
    if (auto target = parseTarget(o, c); !target)
        return fail(target.error());
    return c;
}

QJsonObject Channel::toJson() const {
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("kind"), kind},
                  {QStringLiteral("secretSet"), secretSet()}};
    if (kind == u"email") {
        QJsonObject s{{QStringLiteral("url"), smtp.url},
                      {QStringLiteral("from"), smtp.from},
                      {QStringLiteral("to"), QJsonArray::fromStringList(smtp.to)},
                      {QStringLiteral("starttls"), smtp.starttls}};
        if (!smtp.username.isEmpty())
            s.insert(QStringLiteral("username"), smtp.username);
        o.insert(QStringLiteral("smtp"), s);
    } else {
        o.insert(QStringLiteral("url"), url);
    }
    return o;
}

} // namespace mist::alerts
