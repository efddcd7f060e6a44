// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/LogStreamDecoder.h"

#include "engine/FrameHeader.h"
#include "text/Utf8.h"

#include <algorithm>
#include <cstring>

namespace mist::engine {

namespace {

constexpr int HeaderSize = int(FrameHeader::Size);
// Partial-line buffers that grew past this are released instead of kept for reuse.
constexpr qsizetype KeepCapacity = 64 * 1024;

inline bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Matches an RFC 3339 timestamp followed by one space at the start of [p, p + n):
// YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|+HH:MM|-HH:MM)' '.
// Returns its length including the space, 0 when the bytes are not such a timestamp, or -1
// when they are a proper beginning of one and more bytes are needed to decide.
int matchTimestamp(const char *p, int n) {
    static constexpr char Pattern[] = "dddd-dd-ddTdd:dd:dd";
    int i = 0;
    for (; i < 19; ++i) {
        if (i >= n)
            return -1;
        const char want = Pattern[i];
        if (want == 'd' ? !isDigit(p[i]) : p[i] != want)
            return 0;
    }
    if (i >= n)
        return -1;
    if (p[i] == '.') {
        ++i;
        int digits = 0;
        for (;;) {
            if (i >= n)
                return -1;
            if (!isDigit(p[i]))
                break;
            if (++digits > 9)
                return 0;
            ++i;
        }
        if (digits == 0)
            return 0;
    }
    if (p[i] == 'Z') {
        ++i;
    } else if (p[i] == '+' || p[i] == '-') {
        ++i;
        static constexpr char Offset[] = "dd:dd";
        for (int k = 0; k < 5; ++k, ++i) {
            if (i >= n)
                return -1;
            if (Offset[k] == 'd' ? !isDigit(p[i]) : p[i] != Offset[k])
                return 0;
        }
    } else {
        return 0;
    }
    if (i >= n)
        return -1;
    return p[i] == ' ' ? i + 1 : 0;
}

inline const QString &streamName(int stream) {
    static const QString out = QStringLiteral("stdout");
    static const QString err = QStringLiteral("stderr");
    return stream == 1 ? err : out;
}

} // namespace

LogStreamDecoder::LogStreamDecoder(Mode mode, qsizetype maxLineBytes)
    : m_mode(mode)
    , m_maxLineBytes(std::max<qsizetype>(maxLineBytes, 4)) {}

QString LogStreamDecoder::lastEntryTs() const {
    return QString::fromLatin1(m_lastTs.data(), m_lastTsLen);
}

void LogStreamDecoder::feed(QByteArrayView bytes, QList<LogLine> &out) {
    if (m_failed || bytes.isEmpty())
        return;
    if (m_mode == Mode::Multiplexed)
        feedMultiplexed(bytes, out);
    else
        feedTty(bytes, out);
}

void LogStreamDecoder::feedMultiplexed(QByteArrayView bytes, QList<LogLine> &out) {
    while (!bytes.isEmpty()) {
        if (!m_inFrame) {
            const qsizetype take = std::min<qsizetype>(HeaderSize - m_headerLen, bytes.size());
            std::memcpy(m_header.data() + m_headerLen, bytes.data(), size_t(take));
            m_headerLen += int(take);
            m_offset += quint64(take);
            bytes = bytes.sliced(take);
            if (m_headerLen < HeaderSize)
                return;
            m_headerLen = 0;

            const quint64 at = m_offset - HeaderSize;
            const FrameHeader header =
                parseFrameHeader(QByteArrayView(m_header.data(), HeaderSize), MaxFramePayload);
            const quint32 size = header.payloadSize;
            switch (header.fault) {
            case FrameHeader::Fault::None:
            case FrameHeader::Fault::Incomplete: // not with 8 bytes
                break;
            case FrameHeader::Fault::StreamType:
                return fail(QStringLiteral("Malformed log stream: frame header at byte %1 has "
                                           "stream type %2 (expected 0, 1 or 2)")
                                .arg(at)
                                .arg(header.streamType));
            case FrameHeader::Fault::Padding:
                return fail(QStringLiteral("Malformed log stream: frame header at byte %1 has "
                                           "non-zero padding")
                                .arg(at));
            case FrameHeader::Fault::TooLarge:
                return fail(QStringLiteral("Malformed log stream: frame header at byte %1 "
                                           "announces %2 bytes (limit %3)")
                                .arg(at)
                                .arg(size)
                                .arg(MaxFramePayload));
            }
            if (size == 0)
                continue; // carries nothing
            m_inFrame = true;
            m_frameRemaining = size;
            m_frameStream = header.isStderr() ? 1 : 0;
            continue;
        }

        const qsizetype n = std::min<qsizetype>(bytes.size(), m_frameRemaining);
        QByteArrayView payload = bytes.first(n);
        bytes = bytes.sliced(n);
        m_offset += quint64(n);
        m_frameRemaining -= quint32(n);
        const bool entryEnds = m_frameRemaining == 0;

        if (m_atEntryStart) {
            bool pending = false;
            QByteArrayView leading;
            payload = takeEntryPrefix(payload, entryEnds, &leading, &pending);
            if (pending)
                continue; // only possible when payload is exhausted and the frame is not
            contentBytes(m_frameStream, leading, out);
        }
        contentBytes(m_frameStream, payload, out);
        if (entryEnds) {
            m_inFrame = false;
            endEntry();
        }
    }
}

void LogStreamDecoder::feedTty(QByteArrayView bytes, QList<LogLine> &out) {
    while (!bytes.isEmpty()) {
        if (m_atEntryStart) {
            bool pending = false;
            QByteArrayView leading;
            bytes = takeEntryPrefix(bytes, false, &leading, &pending);
            if (pending)
                return;
            // `leading` holds no '\n' and fewer than MaxTsPrefix bytes.
            lineSegment(0, leading, false, out);
            m_ttyEntryBytes = leading.size();
            continue;
        }
        // Inside an entry: content up to its '\n', or up to the engine's piece size, where the
        // engine starts a continuation entry with a fresh timestamp.
        const qsizetype window = std::min(bytes.size(), EnginePieceBytes - m_ttyEntryBytes);
        const auto *nl = static_cast<const char *>(std::memchr(bytes.data(), '\n', size_t(window)));
        if (nl) {
            const qsizetype idx = nl - bytes.data();
            lineSegment(0, bytes.first(idx), true, out);
            bytes = bytes.sliced(idx + 1);
            endEntry();
            continue;
        }
        lineSegment(0, bytes.first(window), false, out);
        bytes = bytes.sliced(window);
        m_ttyEntryBytes += window;
        if (m_ttyEntryBytes >= EnginePieceBytes)
            endEntry();
    }
}

QByteArrayView LogStreamDecoder::takeEntryPrefix(QByteArrayView data, bool entryEnds,
                                                 QByteArrayView *leading, bool *pending) {
    const int old = m_prefixLen;
    const int take = int(std::min<qsizetype>(MaxTsPrefix - old, data.size()));
    std::memcpy(m_prefix.data() + old, data.data(), size_t(take));
    m_prefixLen += take;
    const int match = matchTimestamp(m_prefix.data(), m_prefixLen);
    if (match < 0 && !entryEnds) {
        // Every byte so far may still be a timestamp (so all of `data` was taken: a complete
        // prefix fits in MaxTsPrefix bytes and is always decided by then).
        Q_ASSERT(take == data.size());
        *pending = true;
        return {};
    }
    m_atEntryStart = false;
    m_prefixLen = 0;
    m_entryTsStringValid = false;
    if (match > 0) {
        Q_ASSERT(match > old);
        m_entryTsLen = match - 1;
        std::memcpy(m_entryTs.data(), m_prefix.data(), size_t(m_entryTsLen));
        *leading = {};
        return data.sliced(match - old);
    }
    // No timestamp: everything is content, including what was held back from earlier feeds.
    m_entryTsLen = 0;
    *leading = QByteArrayView(m_prefix.data(), old);
    return data;
}

void LogStreamDecoder::endEntry() {
    ++m_entriesSeen;
    if (m_entryTsLen > 0) {
        m_lastTs = m_entryTs;
        m_lastTsLen = m_entryTsLen;
    }
    m_atEntryStart = true;
    m_prefixLen = 0;
    m_entryTsLen = 0;
    m_entryTsStringValid = false;
    m_ttyEntryBytes = 0;
}

const QString &LogStreamDecoder::entryTs() {
    if (!m_entryTsStringValid) {
        m_entryTsString =
            m_entryTsLen > 0 ? QString::fromLatin1(m_entryTs.data(), m_entryTsLen) : QString();
        m_entryTsStringValid = true;
    }
    return m_entryTsString;
}

void LogStreamDecoder::contentBytes(int stream, QByteArrayView data, QList<LogLine> &out) {
    while (!data.isEmpty()) {
        const auto *nl =
            static_cast<const char *>(std::memchr(data.data(), '\n', size_t(data.size())));
        if (!nl) {
            lineSegment(stream, data, false, out);
            return;
        }
        const qsizetype idx = nl - data.data();
        lineSegment(stream, data.first(idx), true, out);
        data = data.sliced(idx + 1);
    }
}

void LogStreamDecoder::lineSegment(int stream, QByteArrayView seg, bool terminated,
                                   QList<LogLine> &out) {
    PartialLine &p = m_partials[size_t(stream)];
    if (p.discarding) {
        if (terminated)
            p.discarding = false;
        return;
    }
    const bool tty = m_mode == Mode::Tty;
    if (!p.open) {
        if (terminated) {
            // Whole line in one piece: straight from the input, no copy into the buffer.
            if (tty && !seg.isEmpty() && seg.back() == '\r')
                seg.chop(1);
            const bool truncated = seg.size() > m_maxLineBytes;
            if (truncated)
                seg = seg.first(text::utf8SafeCut(seg, m_maxLineBytes));
            emitLine(stream, seg, entryTs(), truncated, out);
            return;
        }
        if (seg.isEmpty())
            return;
        p.open = true;
        p.ts = entryTs();
        p.order = ++m_lineOrder;
    }

    // One byte of slack over the limit tells "longer than the limit" apart from "exactly the
    // limit" (and lets a TTY '\r' wait for its '\n').
    const qsizetype cap = m_maxLineBytes + 1;
    if (p.bytes.size() + seg.size() > cap) {
        p.bytes.append(seg.first(cap - p.bytes.size()));
        const QByteArrayView kept(p.bytes.constData(), text::utf8SafeCut(p.bytes, m_maxLineBytes));
        emitLine(stream, kept, p.ts, true, out);
        resetPartial(p);
        p.discarding = !terminated; // skip the rest of this line without buffering it
        return;
    }
    p.bytes.append(seg);
    if (!terminated)
        return;
    QByteArrayView line(p.bytes);
    if (tty && !line.isEmpty() && line.back() == '\r')
        line.chop(1);
    const bool truncated = line.size() > m_maxLineBytes;
    if (truncated)
        line = line.first(text::utf8SafeCut(line, m_maxLineBytes));
    emitLine(stream, line, p.ts, truncated, out);
    resetPartial(p);
}

void LogStreamDecoder::emitLine(int stream, QByteArrayView bytes, const QString &ts, bool truncated,
                                QList<LogLine> &out) {
    LogLine line;
    line.line = QString::fromUtf8(bytes);
    line.stream = streamName(stream);
    line.ts = ts;
    line.truncated = truncated;
    out.append(std::move(line));
}

void LogStreamDecoder::resetPartial(PartialLine &p) {
    if (p.bytes.capacity() > KeepCapacity)
        p.bytes = QByteArray();
    else
        p.bytes.resize(0);
    p.ts = QString();
    p.open = false;
    p.discarding = false;
}

void LogStreamDecoder::finish(QList<LogLine> &out) {
    // An entry cut off inside what may have been its timestamp: keep the bytes as content.
    if (m_atEntryStart && m_prefixLen > 0) {
        const int stream = m_mode == Mode::Multiplexed ? m_frameStream : 0;
        m_entryTsLen = 0;
        m_entryTsStringValid = false;
        lineSegment(stream, QByteArrayView(m_prefix.data(), m_prefixLen), false, out);
    }

    PartialLine *order[2] = {&m_partials[0], &m_partials[1]};
    if (order[1]->order < order[0]->order)
        std::swap(order[0], order[1]);
    for (PartialLine *p : order) {
        if (p->open) {
            QByteArrayView line(p->bytes);
            const bool truncated = line.size() > m_maxLineBytes;
            if (truncated)
                line = line.first(text::utf8SafeCut(line, m_maxLineBytes));
            emitLine(p == &m_partials[1] ? 1 : 0, line, p->ts, truncated, out);
        }
        resetPartial(*p);
        p->order = 0;
    }

    m_headerLen = 0;
    m_inFrame = false;
    m_frameRemaining = 0;
    m_frameStream = 0;
    m_atEntryStart = true;
    m_prefixLen = 0;
    m_entryTsLen = 0;
    m_entryTsStringValid = false;
    m_ttyEntryBytes = 0;
}

void LogStreamDecoder::fail(QString message) {
    m_failed = true;
    m_errorString = std::move(message);
}

} // namespace mist::engine
