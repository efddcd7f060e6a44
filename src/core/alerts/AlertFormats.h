// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace mist::alerts {

// One HTTP POST that delivers an alert to a channel (docs/ALERTS.md,
// "Formats"): pure, so each format is tested byte for byte.
struct OutgoingRequest {
    QString url;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

// The webhook body: the /ws/alerts `data` object plus "host", compact JSON
// with its keys sorted. It is what the queue stores.
QByteArray webhookBody(const QJsonObject &data, const QString &host);
// "sha256=<hex HMAC-SHA256 of body>" for X-Mist-Signature.
QByteArray signature(const QByteArray &body, const QString &secret);
// The request for a channel of `kind` (webhook, ntfy, slack, discord) at
// `url`, from a queued webhook body. `secret`: webhook only; empty for none.
OutgoingRequest requestFor(const QString &kind, const QString &url, const QString &secret,
                           const QByteArray &webhookBody);
// The one line that chat formats show: "[FIRING] title — message (host)".
QString summaryLine(const QJsonObject &payload);

// The e-mail for a queued webhook body (RFC 5322, CRLF line ends): From,
// To, Subject (the summary's "[FIRING] title", as an RFC 2047 encoded word
// when it is not plain printable ASCII), Date, Message-ID, MIME-Version and
// a UTF-8 text/plain body in base64 (76-character lines, so no line is too
// long for SMTP and no line starts with a dot). `from` and `to` are the
// channel's checked addresses (no CR/LF: AlertChannels refuses them).
QByteArray emailMessage(const QString &from, const QStringList &to, const QByteArray &webhookBody,
                        const QDateTime &now);

// Discord refuses content over 2000 characters; Slack's text and ntfy's
// message are cut at the same length.
constexpr int MaxChatChars = 2000;

} // namespace mist::alerts
