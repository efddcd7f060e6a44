// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: the merged log stream of a Swarm service
// (engine/ServiceLogDecoder.h).
//
// Input: byte 0 picks the mode (bit 0: TTY) and the line limit (bits 1-4:
// 4 + 4 * n bytes, or the default 1 MiB when 0); byte 1 the size of the
// pieces the rest is fed in (1 + byte, cycling through that and 1). The rest
// is the stream. Checked:
// - the lines, their fields and the failure (and its message) are the same
//   whether the stream comes at once or in pieces;
// - no line holds a '\n'; none is longer (in UTF-16 units, each at most one
//   byte of input) than the limit; a truncated line of valid UTF-8 is at most
//   3 bytes short of the limit (cut at a character boundary);
// - task, node and service ids are at most MaxDetailsBytes long;
// - after a failure, more input changes nothing.

#include "FuzzSupport.h"

#include "engine/ServiceLogDecoder.h"

using mist::engine::ServiceLogDecoder;
using mist::engine::ServiceLogLine;
using mist::fuzz::show;

namespace {
struct Result {
    QList<ServiceLogLine> lines;
    bool failed = false;
    QString error;
};

Result decode(ServiceLogDecoder::Mode mode, qsizetype limit, QByteArrayView in, qsizetype piece) {
    ServiceLogDecoder d(mode, limit);
    Result r;
    qsizetype at = 0;
    bool small = false;
    while (at < in.size()) {
        const qsizetype n = std::min(in.size() - at, small ? qsizetype(1) : piece);
        d.feed(in.sliced(at, n), r.lines);
        at += n;
        small = !small;
    }
    d.finish(r.lines);
    r.failed = d.failed();
    r.error = d.errorString();
    if (r.failed) {
        const qsizetype before = r.lines.size();
        d.feed("\x01\0\0\0\0\0\0\x02x\n", r.lines);
        FUZZ_CHECK(r.lines.size() == before, "a failed decoder went on after: %s",
                   qPrintable(r.error));
    }
    return r;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    const auto mode =
        (data[0] & 1) ? ServiceLogDecoder::Mode::Tty : ServiceLogDecoder::Mode::Multiplexed;
    const int n = (data[0] >> 1) & 0x0f;
    const qsizetype limit = n == 0 ? 1024 * 1024 : 4 + 4 * n;
    const qsizetype piece = 1 + data[1];
    const QByteArrayView in(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    const Result whole = decode(mode, limit, in, in.size() + 1);
    const Result pieces = decode(mode, limit, in, piece);
    FUZZ_CHECK(whole.failed == pieces.failed && whole.error == pieces.error,
               "failure differs with pieces of %lld: '%s' vs '%s'", qlonglong(piece),
               qPrintable(whole.error), qPrintable(pieces.error));
    FUZZ_CHECK(whole.lines.size() == pieces.lines.size(), "%lld lines at once, %lld in pieces",
               qlonglong(whole.lines.size()), qlonglong(pieces.lines.size()));
    for (qsizetype i = 0; i < whole.lines.size(); ++i) {
        const ServiceLogLine &a = whole.lines[i];
        const ServiceLogLine &b = pieces.lines[i];
        FUZZ_CHECK(a.line == b.line && a.stream == b.stream && a.ts == b.ts && a.task == b.task &&
                       a.node == b.node && a.service == b.service && a.truncated == b.truncated,
                   "line %lld differs: '%s' vs '%s'", qlonglong(i),
                   show(a.line.toUtf8()).constData(), show(b.line.toUtf8()).constData());
        FUZZ_CHECK(!a.line.contains(u'\n'), "a line holds a newline: '%s'",
                   show(a.line.toUtf8()).constData());
        FUZZ_CHECK(a.line.size() <= limit, "line of %lld units over the limit %lld",
                   qlonglong(a.line.size()), qlonglong(limit));
        // Cut at a character boundary: at most 3 bytes short of the limit
        // (measured in UTF-8 where the bytes were valid UTF-8).
        if (a.truncated && !a.line.contains(QChar::ReplacementCharacter)) {
            const qsizetype bytes = a.line.toUtf8().size();
            FUZZ_CHECK(bytes <= limit && bytes >= limit - 3,
                       "truncated line of %lld bytes for the limit %lld", qlonglong(bytes),
                       qlonglong(limit));
        }
        for (const QString *id : {&a.task, &a.node, &a.service})
            FUZZ_CHECK(id->size() <= ServiceLogDecoder::MaxDetailsBytes, "id of %lld characters",
                       qlonglong(id->size()));
    }
    return 0;
}
