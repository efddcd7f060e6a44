// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Cutting UTF-8 text at a byte limit without splitting a character. Pure.

#include <QByteArrayView>

namespace mist::text {

// The length of `bytes` without a character cut short at its end: a lead byte followed by
// fewer continuation bytes than it announces is dropped with them. Bytes that are not UTF-8
// (stray continuation bytes, 0xF8-0xFF) count as one character each and stay: they become
// U+FFFD when decoded, as any other byte that is not UTF-8.
qsizetype utf8WholePrefix(QByteArrayView bytes);

// Where to cut `bytes` to keep at most maxBytes of them: bytes.size() when they fit, else the
// last whole UTF-8 character boundary within maxBytes (0 for maxBytes <= 0).
inline qsizetype utf8SafeCut(QByteArrayView bytes, qsizetype maxBytes) {
    if (maxBytes <= 0)
        return 0;
    return bytes.size() <= maxBytes ? bytes.size() : utf8WholePrefix(bytes.first(maxBytes));
}

} // namespace mist::text
