// SPDX-License-Identifier: GPL-3.0-or-later

#include "text/Utf8.h"

namespace mist::text {

qsizetype utf8WholePrefix(QByteArrayView bytes) {
    const qsizetype n = bytes.size();
    if (n == 0)
        return 0;
    const auto *b = reinterpret_cast<const uchar *>(bytes.data());
    // Walk back over at most three continuation bytes to the lead byte of the last character.
    qsizetype lead = n - 1;
    int continuations = 0;
    while (lead > 0 && continuations < 3 && (b[lead] & 0xC0) == 0x80) {
        --lead;
        ++continuations;
    }
    const uchar c = b[lead];
    int length;
    if (c < 0x80)
        length = 1;
    else if ((c & 0xE0) == 0xC0)
        length = 2;
    else if ((c & 0xF0) == 0xE0)
        length = 3;
    else if ((c & 0xF8) == 0xF0)
        length = 4;
    else
        return n; // stray continuation bytes or an impossible lead: no character to keep whole
    if (continuations + 1 > length)
        return n; // the lead's character ended before the end; the rest are strays
    return lead + length <= n ? n : lead;
}

} // namespace mist::text
