// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServiceLogDecoder.h"

#include "engine/FrameHeader.h"
#include "text/Utf8.h"

#include <algorithm>
#include <cstring>

namespace mist::engine {

namespace {
const QString &streamName(int stream) {
    static const QString names[2] = {QStringLiteral("stdout"), QStringLiteral("stderr")};
    return names[stream == 2 ? 1 : 0];
}

// "2025-01-15T10:30:01.123456789Z": digits, '-', ':', 'T', '.', 'Z', '+'.
bool looksLikeTimestamp(QByteArrayView word) {
    if (word.size() < 20 || word.size() > 35 || word[4] != '-' || word[10] != 'T')
        return false;
    return std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == ':' || c == 'T' || c == '.' || c == 'Z' ||
               c == '+';
    });
}
} // namespace

ServiceLogDecoder::ServiceLogDecoder(Mode mode, qsizetype maxLineBytes)
    : m_mode(mode)
    , m_maxLineBytes(std::max<qsizetype>(4, maxLineBytes)) {}

ServiceLogDecoder::Entry ServiceLogDecoder::splitEntry(QByteArrayView entry) {
    Entry e;
    e.content = entry;
    const qsizetype space = entry.indexOf(' ');
    if (space < 0 || !looksLikeTimestamp(entry.first(space)))
        return e;
    e.ts = entry.first(space);
    QByteArrayView rest = entry.sliced(space + 1);
    e.content = rest;
    // Details: one word of key=value pairs, then a space (the engine always
    // writes that space, also before empty content).
    const qsizetype end = rest.indexOf(' ');
    const QByteArrayView word = end < 0 ? rest : rest.first(end);
    if (word.indexOf('=') <= 0)
        return e;
    e.details = word;
    e.content = end < 0 ? QByteArrayView() : rest.sliced(end + 1);
    return e;
}

QByteArrayView ServiceLogDecoder::detail(QByteArrayView details, QByteArrayView key) {
    while (!details.isEmpty()) {
        const qsizetype comma = details.indexOf(',');
        const QByteArrayView pair = comma < 0 ? details : details.first(comma);
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0 && pair.first(eq) == key)
            return pair.sliced(eq + 1);
        details = comma < 0 ? QByteArrayView() : details.sliced(comma + 1);
    }
    return {};
}

void ServiceLogDecoder::fail(const QString &message) {
    m_failed = true;
    m_errorString = message;
}

void ServiceLogDecoder::feed(QByteArrayView bytes, QList<ServiceLogLine> &out) {
    if (m_failed)
        return;
    m_pending.append(bytes.data(), bytes.size());
    qsizetype pos = 0;
    while (!m_failed) {
        const qsizetype avail = m_pending.size() - pos;
        if (m_mode == Mode::Tty) {
            const auto *nl = static_cast<const char *>(
                std::memchr(m_pending.constData() + pos, '\n', size_t(avail)));
            if (!nl) {
                if (avail > qsizetype(MaxFramePayload))
                    fail(QStringLiteral("log entry longer than %1 bytes at byte %2")
                             .arg(MaxFramePayload)
                             .arg(m_offset));
                break;
            }
            const qsizetype len = nl - (m_pending.constData() + pos);
            // The entry keeps its '\n': it ends the line.
            entry(1, QByteArrayView(m_pending.constData() + pos, len + 1), out);
            pos += len + 1;
            m_offset += quint64(len + 1);
            continue;
        }
        const FrameHeader header =
            parseFrameHeader(QByteArrayView(m_pending).sliced(pos), MaxFramePayload);
        if (header.fault == FrameHeader::Fault::Incomplete)
            break;
        if (!header.ok()) {
            fail(QStringLiteral("malformed frame header at byte %1").arg(m_offset));
            break;
        }
        const qsizetype frameSize = FrameHeader::Size + qsizetype(header.payloadSize);
        if (avail < frameSize)
            break;
        entry(header.isStderr() ? 2 : 1,
              QByteArrayView(m_pending.constData() + pos + FrameHeader::Size, header.payloadSize),
              out);
        pos += frameSize;
        m_offset += quint64(frameSize);
    }
    if (m_failed)
        m_pending.clear();
    else
        m_pending.remove(0, pos);
}

void ServiceLogDecoder::entry(int stream, QByteArrayView bytes, QList<ServiceLogLine> &out) {
    if (bytes.isEmpty())
        return;
    const Entry e = splitEntry(bytes);
    if (e.details.size() > MaxDetailsBytes) {
        fail(QStringLiteral("log details longer than %1 bytes at byte %2")
                 .arg(MaxDetailsBytes)
                 .arg(m_offset));
        return;
    }
    ServiceLogLine head;
    head.stream = streamName(stream);
    head.ts = QString::fromLatin1(e.ts);
    head.task = QString::fromLatin1(detail(e.details, "com.docker.swarm.task.id"));
    head.node = QString::fromLatin1(detail(e.details, "com.docker.swarm.node.id"));
    head.service = QString::fromLatin1(detail(e.details, "com.docker.swarm.service.id"));

    const QString key = head.task + u'/' + head.stream;
    QByteArrayView content = e.content;
    // One entry holds at most one '\n', at its end; content before it that
    // holds more (a TTY entry never does) is split into lines all the same.
    while (true) {
        const qsizetype nl = content.indexOf('\n');
        const QByteArrayView piece = nl < 0 ? content : content.first(nl);
        const bool open = m_partials.contains(key);
        if (!open && nl >= 0) {
            // A whole line in one entry: no copy into a partial.
            QByteArrayView line = piece;
            if (m_mode == Mode::Tty && line.endsWith('\r'))
                line.chop(1);
            const bool truncated = line.size() > m_maxLineBytes;
            if (truncated)
                line = line.first(text::utf8SafeCut(line, m_maxLineBytes));
            emitLine(head, line, truncated, out);
        } else if (!open && piece.isEmpty()) {
            return;
        } else {
            addPiece(key, head, piece, nl >= 0, out);
        }
        if (nl < 0)
            return;
        content = content.sliced(nl + 1);
        if (content.isEmpty())
            return;
    }
}

void ServiceLogDecoder::addPiece(const QString &key, const ServiceLogLine &head,
                                 QByteArrayView piece, bool lineEnds, QList<ServiceLogLine> &out) {
    auto it = m_partials.find(key);
    if (it == m_partials.end()) {
        if (m_partials.size() >= MaxOpenLines) {
            // Many tasks with half-written lines: the oldest goes out as it stands.
            auto oldest = std::min_element(
                m_partials.begin(), m_partials.end(),
                [](const Partial &a, const Partial &b) { return a.order < b.order; });
            if (!oldest->discarding)
                emitLine(oldest->head, oldest->bytes, false, out);
            m_partials.erase(oldest);
        }
        it = m_partials.insert(key, Partial{});
        it->head = head;
        it->order = ++m_order;
    }
    Partial &p = *it;
    if (!p.discarding) {
        const qsizetype cap = m_maxLineBytes + 1;
        p.bytes.append(piece.first(std::min(piece.size(), cap - p.bytes.size())));
        if (p.bytes.size() > m_maxLineBytes) {
            emitLine(p.head,
                     QByteArrayView(p.bytes).first(text::utf8SafeCut(p.bytes, m_maxLineBytes)),
                     true, out);
            p.bytes = QByteArray();
            p.discarding = true;
        }
    }
    if (lineEnds) {
        if (!p.discarding) {
            QByteArrayView line(p.bytes);
            if (m_mode == Mode::Tty && line.endsWith('\r'))
                line.chop(1);
            emitLine(p.head, line, false, out);
        }
        m_partials.erase(it);
    }
}

void ServiceLogDecoder::emitLine(ServiceLogLine head, QByteArrayView bytes, bool truncated,
                                 QList<ServiceLogLine> &out) {
    head.line = QString::fromUtf8(bytes);
    head.truncated = truncated;
    out.append(std::move(head));
}

void ServiceLogDecoder::finish(QList<ServiceLogLine> &out) {
    QList<Partial> open = m_partials.values();
    std::sort(open.begin(), open.end(),
              [](const Partial &a, const Partial &b) { return a.order < b.order; });
    for (const Partial &p : std::as_const(open)) {
        if (!p.discarding)
            emitLine(p.head, p.bytes, false, out);
    }
    m_partials.clear();
    m_pending.clear();
}

} // namespace mist::engine
