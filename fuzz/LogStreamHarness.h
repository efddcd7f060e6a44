// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The two log-stream targets (fuzz_logstream_multiplexed, fuzz_logstream_tty) share this
// harness; they differ in the decoder mode only.
//
// Input: [limit selector][chunking seed][stream bytes...]. The stream bytes go through
//   A: one LogStreamDecoder fed everything at once, then finish();
//   B: another fed the same bytes cut into random pieces (single bytes up to 20 000), then
//      finish(), then fed everything again and finished again (a decoder is reusable after
//      finish());
//   M: a reference model written from the contract in LogStreamDecoder.h: it splits the whole
//      input into frames / entries up front, matches timestamps with a regular expression and
//      assembles lines byte by byte.
// All three must produce exactly the same lines (text, stream, ts, truncated), entriesSeen(),
// lastEntryTs() and failed(). On top of that every line is checked on its own: at most
// maxLineBytes UTF-16 code units, a ts of the documented shape, stdout only in TTY mode, and a
// truncated line is the longest prefix that ends on a UTF-8 character boundary (utf8SafeCut's
// result is checked against the UTF-8 decoder: never more than maxLineBytes, never more than
// three bytes short, and decoding the kept bytes gives a prefix of decoding the whole line).

#include "FuzzSupport.h"

#include "engine/LogStreamDecoder.h"
#include "text/Utf8.h"

#include <QRegularExpression>

#include <algorithm>
#include <array>

namespace mist::fuzz {

using engine::LogLine;
using engine::LogStreamDecoder;

// Checks one cut made by utf8SafeCut against its contract and the UTF-8 decoder.
inline qsizetype checkedCut(QByteArrayView bytes, qsizetype maxBytes) {
    const qsizetype cut = text::utf8SafeCut(bytes, maxBytes);
    if (bytes.size() <= maxBytes) {
        FUZZ_CHECK(cut == bytes.size(), "utf8SafeCut(%lld bytes, %lld) = %lld, expected all",
                   qlonglong(bytes.size()), qlonglong(maxBytes), qlonglong(cut));
        return cut;
    }
    FUZZ_CHECK(cut <= maxBytes && cut >= maxBytes - 3 && cut >= 0,
               "utf8SafeCut(%s, %lld) = %lld: outside [max-3, max]", show(bytes).constData(),
               qlonglong(maxBytes), qlonglong(cut));
    const QString kept = QString::fromUtf8(bytes.first(cut));
    const QString whole = QString::fromUtf8(bytes.first(std::min(bytes.size(), maxBytes + 4)));
    FUZZ_CHECK(whole.startsWith(kept),
               "utf8SafeCut(%s, %lld) = %lld splits a character: kept decodes to %s",
               show(bytes.first(std::min(bytes.size(), maxBytes + 4))).constData(),
               qlonglong(maxBytes), qlonglong(cut), show(kept).constData());
    return cut;
}

// The documented timestamp prefix: YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|+HH:MM|-HH:MM) and one
// space. Returns its length with the space, 0 when `bytes` do not start with one, -1 when they
// end before that is decided.
inline int modelTimestamp(QByteArrayView bytes) {
    static const QRegularExpression re(
        QStringLiteral("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?"
                       "(Z|[+-][0-9]{2}:[0-9]{2}) "));
    const QString subject = QString::fromLatin1(bytes.first(std::min<qsizetype>(bytes.size(), 36)));
    const QRegularExpressionMatch m =
        re.match(subject, 0, QRegularExpression::PartialPreferCompleteMatch);
    if (m.hasMatch())
        return int(m.capturedLength(0));
    return m.hasPartialMatch() ? -1 : 0;
}

struct DecodeResult {
    QList<LogLine> lines;
    quint64 entries = 0;
    QString lastTs;
    bool failed = false;
};

// Line assembly as LogStreamDecoder.h describes it, one byte at a time.
class LineModel {
public:
    LineModel(bool tty, qsizetype limit, QList<LogLine> &out)
        : m_tty(tty)
        , m_limit(limit)
        , m_out(out) {}

    void content(int stream, QByteArrayView bytes, const QString &entryTs) {
        for (const char c : bytes)
            byte(stream, c, entryTs);
    }

    void finish() {
        std::array<Partial *, 2> order{&m_partials[0], &m_partials[1]};
        if (order[1]->order < order[0]->order)
            std::swap(order[0], order[1]);
        for (Partial *p : order) {
            if (p->open) // an unterminated line keeps a trailing '\r'
                report(p == &m_partials[1] ? 1 : 0, p->bytes, p->ts, p->bytes.size() > m_limit);
            *p = Partial{};
        }
    }

private:
    struct Partial {
        QByteArray bytes;
        QString ts;
        quint64 order = 0;
        bool open = false;
        bool discarding = false;
    };

    void byte(int stream, char c, const QString &entryTs) {
        Partial &p = m_partials[size_t(stream)];
        if (c == '\n') {
            if (p.discarding) { // the end of a line already reported as truncated
                p = Partial{};
                return;
            }
            QByteArray line = p.open ? p.bytes : QByteArray();
            const QString ts = p.open ? p.ts : entryTs;
            if (m_tty && line.endsWith('\r'))
                line.chop(1);
            report(stream, line, ts, line.size() > m_limit);
            p = Partial{};
            return;
        }
        if (p.discarding)
            return;
        if (!p.open) {
            p.open = true;
            p.ts = entryTs; // a line carries the timestamp of its first piece
            p.order = ++m_order;
        }
        p.bytes += c;
        // Reported as soon as it is known to be too long (maxLineBytes + 1 bytes are kept to
        // tell "exactly the limit" from "longer", and to let a TTY '\r' wait for its '\n').
        if (p.bytes.size() > m_limit + 1) {
            report(stream, p.bytes, p.ts, true);
            p = Partial{};
            p.discarding = true;
        }
    }

    void report(int stream, QByteArrayView bytes, const QString &ts, bool truncated) {
        LogLine line;
        line.line = QString::fromUtf8(truncated ? bytes.first(checkedCut(bytes, m_limit)) : bytes);
        line.stream = stream == 1 ? QStringLiteral("stderr") : QStringLiteral("stdout");
        line.ts = ts;
        line.truncated = truncated;
        m_out.append(line);
    }

    bool m_tty;
    qsizetype m_limit;
    QList<LogLine> &m_out;
    std::array<Partial, 2> m_partials;
    quint64 m_order = 0;
};

inline DecodeResult modelMultiplexed(QByteArrayView data, qsizetype limit) {
    DecodeResult r;
    LineModel lines(false, limit, r.lines);
    qsizetype pos = 0;
    while (data.size() - pos >= 8) {
        const auto type = uchar(data[pos]);
        const quint32 size = (quint32(uchar(data[pos + 4])) << 24) |
                             (quint32(uchar(data[pos + 5])) << 16) |
                             (quint32(uchar(data[pos + 6])) << 8) | quint32(uchar(data[pos + 7]));
        if (type > 2 || data[pos + 1] || data[pos + 2] || data[pos + 3] ||
            size > LogStreamDecoder::MaxFramePayload) {
            r.failed = true;
            break;
        }
        pos += 8;
        if (size == 0)
            continue;
        const qsizetype avail = std::min<qsizetype>(size, data.size() - pos);
        const QByteArrayView payload = data.sliced(pos, avail);
        pos += avail;
        const bool complete = avail == qsizetype(size);
        const int stream = type == 2 ? 1 : 0; // stdin is reported as stdout
        QString ts;
        QByteArrayView content = payload;
        if (const int m = payload.isEmpty() ? 0 : modelTimestamp(payload); m > 0) {
            ts = QString::fromLatin1(payload.first(m - 1));
            content = payload.sliced(m);
        }
        lines.content(stream, content, ts);
        if (complete) {
            ++r.entries;
            if (!ts.isEmpty())
                r.lastTs = ts;
        }
    }
    lines.finish();
    return r;
}

inline DecodeResult modelTty(QByteArrayView data, qsizetype limit) {
    DecodeResult r;
    LineModel lines(true, limit, r.lines);
    qsizetype pos = 0;
    while (pos < data.size()) {
        const int m = modelTimestamp(data.sliced(pos));
        if (m < 0) { // the input ends inside what may be a timestamp: content, no entry
            lines.content(0, data.sliced(pos), QString());
            break;
        }
        const QString ts = m > 0 ? QString::fromLatin1(data.sliced(pos, m - 1)) : QString();
        pos += m;
        // An entry ends at its '\n' or after EnginePieceBytes bytes of content.
        qsizetype entryBytes = 0;
        bool ended = false;
        while (pos < data.size()) {
            const char c = data[pos++];
            lines.content(0, QByteArrayView(&c, 1), ts);
            if (c == '\n' || ++entryBytes == LogStreamDecoder::EnginePieceBytes) {
                ended = true;
                break;
            }
        }
        if (ended) {
            ++r.entries;
            if (!ts.isEmpty())
                r.lastTs = ts;
        }
    }
    lines.finish();
    return r;
}

inline void expectSame(const char *what, const DecodeResult &got, const DecodeResult &want) {
    const qsizetype n = std::min(got.lines.size(), want.lines.size());
    for (qsizetype i = 0; i < n; ++i) {
        const LogLine &g = got.lines[i];
        const LogLine &w = want.lines[i];
        FUZZ_CHECK(g.line == w.line && g.stream == w.stream && g.ts == w.ts &&
                       g.truncated == w.truncated,
                   "%s: line %lld differs\n  got  %s %s ts=%s truncated=%d\n  want %s %s ts=%s "
                   "truncated=%d",
                   what, qlonglong(i), g.stream.toLatin1().constData(), show(g.line).constData(),
                   g.ts.toLatin1().constData(), int(g.truncated), w.stream.toLatin1().constData(),
                   show(w.line).constData(), w.ts.toLatin1().constData(), int(w.truncated));
    }
    FUZZ_CHECK(got.lines.size() == want.lines.size(), "%s: %lld lines, expected %lld", what,
               qlonglong(got.lines.size()), qlonglong(want.lines.size()));
    FUZZ_CHECK(got.failed == want.failed, "%s: failed() = %d, expected %d", what, int(got.failed),
               int(want.failed));
    FUZZ_CHECK(got.entries == want.entries, "%s: entriesSeen() = %llu, expected %llu", what,
               (unsigned long long)got.entries, (unsigned long long)want.entries);
    FUZZ_CHECK(got.lastTs == want.lastTs, "%s: lastEntryTs() = %s, expected %s", what,
               show(got.lastTs).constData(), show(want.lastTs).constData());
}

inline DecodeResult resultOf(const LogStreamDecoder &d, QList<LogLine> lines) {
    DecodeResult r;
    r.lines = std::move(lines);
    r.entries = d.entriesSeen();
    r.lastTs = d.lastEntryTs();
    r.failed = d.failed();
    if (r.failed)
        FUZZ_CHECK(!d.errorString().isEmpty(), "failed() without an errorString()");
    return r;
}

// The production limit most of the time, small ones to reach truncation with small inputs.
inline qsizetype requestedLimit(uchar selector, uchar param) {
    switch (selector & 3) {
    case 0:
        return 1024 * 1024;
    case 1:
        return param % 64; // below 4 is raised to 4
    case 2:
        return LogStreamDecoder::EnginePieceBytes - 8 + param % 16;
    default:
        return 64 + qsizetype(param) * 5;
    }
}

inline void checkLineShapes(const QList<LogLine> &lines, qsizetype limit, bool tty) {
    static const QRegularExpression tsShape(
        QStringLiteral("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?"
                       "(Z|[+-][0-9]{2}:[0-9]{2})\\z"));
    for (const LogLine &line : lines) {
        FUZZ_CHECK(line.line.size() <= limit, "a line of %lld UTF-16 units, limit %lld bytes",
                   qlonglong(line.line.size()), qlonglong(limit));
        FUZZ_CHECK(!line.line.contains(u'\n'), "a line contains a newline: %s",
                   show(line.line).constData());
        FUZZ_CHECK(line.stream == u"stdout" || (!tty && line.stream == u"stderr"),
                   "stream %s in %s mode", show(line.stream).constData(),
                   tty ? "TTY" : "multiplexed");
        FUZZ_CHECK(line.ts.isEmpty() || tsShape.match(line.ts).hasMatch(), "ts %s",
                   show(line.ts).constData());
    }
}

inline int runLogStreamTarget(LogStreamDecoder::Mode mode, const uint8_t *bytes, size_t size) {
    if (size < 2)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(bytes), qsizetype(size));
    const uchar selector = uchar(input[0]);
    const uchar param = uchar(input[1]);
    const QByteArrayView data = input.sliced(2);
    const bool tty = mode == LogStreamDecoder::Mode::Tty;

    const qsizetype requested = requestedLimit(selector, param);
    const qsizetype limit = std::max<qsizetype>(requested, 4);

    LogStreamDecoder a(mode, requested);
    FUZZ_CHECK(a.maxLineBytes() == limit, "maxLineBytes() = %lld for %lld",
               qlonglong(a.maxLineBytes()), qlonglong(requested));
    QList<LogLine> linesA;
    a.feed(data, linesA);
    a.finish(linesA);
    const DecodeResult resultA = resultOf(a, linesA);

    LogStreamDecoder b(mode, requested);
    QList<LogLine> linesB;
    const quint64 seed =
        (quint64(selector) << 8 | param) ^ hashOf(data.first(std::min<qsizetype>(data.size(), 64)));
    for (QByteArrayView piece : chunked(data, seed))
        b.feed(piece, linesB);
    b.finish(linesB);
    const DecodeResult resultB = resultOf(b, linesB);

    const DecodeResult model = tty ? modelTty(data, limit) : modelMultiplexed(data, limit);
    expectSame("one feed vs model", resultA, model);
    expectSame("chunked feeds vs model", resultB, model);

    // Reuse after finish(): the same lines again; counters and the last ts carry on.
    QList<LogLine> again;
    b.feed(data, again);
    b.finish(again);
    DecodeResult wantAgain = model;
    if (model.failed) {
        wantAgain.lines.clear();
    } else {
        wantAgain.entries = 2 * model.entries;
    }
    expectSame("second stream after finish()", resultOf(b, again), wantAgain);

    checkLineShapes(resultA.lines, limit, tty);

    // utf8SafeCut on its own, at a few limits around the selector.
    checkedCut(data, param % 8);
    checkedCut(data, qsizetype(param) + 1);
    checkedCut(data, data.size() / 2);
    return 0;
}

} // namespace mist::fuzz
