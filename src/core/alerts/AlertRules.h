// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mist::alerts {

// Caps on what one rule or channel may hold (docs/ALERTS.md, "Limits").
constexpr int MaxNameChars = 100;
constexpr int MaxPatternBytes = 1024;
constexpr int MaxUrlChars = 2048;
constexpr int MaxSecretChars = 256;
constexpr int MaxAddressChars = 254;
constexpr int MaxRecipients = 20;
constexpr int MaxChannelsPerRule = 20;
constexpr qint64 MaxSeconds = 7 * 86400;
constexpr int MaxCount = 100000;
constexpr qint64 DefaultCooldownSeconds = 300;

// A rule as docs/ALERTS.md ("Rule JSON") describes it: the
// fields of its kind only. Times are whole seconds.
struct Rule {
    qint64 id = 0;
    QString name;
    QString kind;                // metric | event | log
    std::optional<qint64> appId; // nullopt: the host
    // metric
    QString field;
    QString op;
    double threshold = 0;
    qint64 forSeconds = 0;
    // event
    QString event;
    int restarts = 0;
    // event (restart_loop) and log
    qint64 withinSeconds = 0;
    // log
    QString pattern;
    int count = 0;
    QString severity = QStringLiteral("warning");
    qint64 cooldownSeconds = DefaultCooldownSeconds;
    QList<qint64> channels;

    // The REST shape: the fields of its kind, plus "id".
    QJsonObject toJson() const;
};

struct SmtpSettings {
    QString url; // smtp://host[:port] or smtps://host[:port]
    QString username;
    QString password;
    QString from;
    QStringList to;
    bool starttls = false;
};

// Whether the server's address is this host (localhost, 127.0.0.0/8, ::1): a relay there may
// be signed in to without TLS; anywhere else a sign-in needs smtps:// or STARTTLS, so the
// password never crosses a network in clear (parseChannel refuses it: "Invalid smtp.starttls").
bool smtpServerIsLocal(const SmtpSettings &smtp);

struct Channel {
    qint64 id = 0;
    QString name;
    QString kind;      // webhook | ntfy | slack | discord | email
    QString url;       // all kinds but email
    QString secret;    // webhook, optional
    SmtpSettings smtp; // email
    // On an update: the request said nothing about the secret (or the SMTP
    // password), so the stored one stays. A JSON null clears it.
    bool keepSecret = false;

    // The REST shape: never `secret` or `smtp.password`, but "secretSet".
    QJsonObject toJson() const;
    bool secretSet() const { return !secret.isEmpty() || !smtp.password.isEmpty(); }
};

// Every field checked; unknown fields refused. Fails with "Invalid <field>"
// naming the first bad one ("Invalid smtp.url" inside the smtp object).
Expected<Rule> parseRule(const QJsonObject &json);
Expected<Channel> parseChannel(const QJsonObject &json);

// The names of the kinds' vocabularies, for docs and the CLI's help.
const QStringList &ruleKinds();
const QStringList &eventNames();
const QStringList &hostFields();
const QStringList &appFields();
const QStringList &channelKinds();
const QStringList &severities();

} // namespace mist::alerts
