// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace mist::protocol {

// Largest id we accept: JavaScript's Number.MAX_SAFE_INTEGER, so that every id
// the server hands out survives a round trip through a browser.
constexpr qint64 MaxId = 9007199254740991LL;

// A decimal id in 1..MaxId: digits only, no sign, no spaces, no leading zero.
std::optional<qint64> parseId(QStringView text);

// The single value of `key` in `query`; nullopt when absent or given twice
// (an ambiguous query is refused rather than guessed at).
std::optional<QString> singleQueryValue(const QUrlQuery &query, const QString &key);

// The value of cookie `name` in a Cookie request header, or empty.
QByteArray cookieValue(const QByteArray &cookieHeader, const QByteArray &name);

// The token of an Authorization header that uses the Bearer scheme, matched
// case-insensitively (RFC 9110 11.1: "bearer" and "BEARER" are the same
// scheme); nullopt for another scheme or no header. A Bearer header without a
// token gives an empty one: the client meant to send a token, so it must not
// be taken for a request without one.
std::optional<QByteArray> bearerToken(QByteArrayView authorization);

// Engine timestamps (RFC 3339 with 0..9 fractional digits, 'Z' or an offset)
// as nanoseconds since the Unix epoch; nullopt when malformed.
std::optional<qint64> parseEngineTimestampNs(QStringView text);
// The inverse: RFC 3339 UTC with nine fraction digits, as the engine writes
// it ("2025-01-15T10:30:01.123456789Z").
QString formatEngineTimestampNs(qint64 ns);

// Nanoseconds since the epoch as the engine's `since=` wants it: "secs.nnnnnnnnn".
QString engineSinceParameter(qint64 nanoseconds);

} // namespace mist::protocol
