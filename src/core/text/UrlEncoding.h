// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Percent-encoding of one part of a URL (a path segment or a query value). Pure.

#include <QString>

namespace mist::text {

// `part` as UTF-8 with every byte outside RFC 3986's unreserved characters (letters, digits,
// "-._~") written as %XX: '/', '?', '&', '=', '+', '%', '#', spaces and the rest of JSON's
// punctuation included, so the part can never end the segment or the value it stands in.
QString percentEncoded(const QString &part);

} // namespace mist::text
