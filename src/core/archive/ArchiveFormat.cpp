// SPDX-License-Identifier: GPL-3.0-or-later

#include "ArchiveFormat.h"

#include "text/Utf8.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace mist::archive {

namespace {

constexpr char Magic[4] = {'M', 'L', 'A', 'C'};

// Record flags in the payload's metadata.
constexpr quint8 TypeMask = 0x03; // 0 stdout, 1 stderr, 2 event
constexpr quint8 TypeEvent = 2;
constexpr quint8 FlagTruncated = 0x04;
constexpr quint8 FlagExitCode = 0x08;
constexpr quint8 FlagDeployment = 0x10;
constexpr quint8 KnownFlags = TypeMask | FlagTruncated | FlagExitCode | FlagDeployment;

const char *const EventNames[EventKindCount] = {
    "started", "died", "oom", "restarted", "removed", "replaced", "engine_lost", "engine_back"};

void putU16(QByteArray &out, quint16 v) {
    const char b[2] = {char(v & 0xff), char(v >> 8)};
    out.append(b, 2);
}
void putU32(QByteArray &out, quint32 v) {
    char b[4];
    for (int i = 0; i < 4; ++i)
        b[i] = char((v >> (8 * i)) & 0xff);
    out.append(b, 4);
}
void putU64(QByteArray &out, quint64 v) {
    char b[8];
    for (int i = 0; i < 8; ++i)
        b[i] = char((v >> (8 * i)) & 0xff);
    out.append(b, 8);
}
void putVarint(QByteArray &out, quint64 v) {
    while (v >= 0x80) {
        out.append(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}
quint64 zigzag(qint64 v) {
    return (quint64(v) << 1) ^ quint64(v >> 63);
}
qint64 unzigzag(quint64 v) {
    return qint64(v >> 1) ^ -qint64(v & 1);
}

quint16 getU16(const uchar *p) {
    return quint16(p[0] | (p[1] << 8));
}
quint32 getU32(const uchar *p) {
    return quint32(p[0]) | (quint32(p[1]) << 8) | (quint32(p[2]) << 16) | (quint32(p[3]) << 24);
}
quint64 getU64(const uchar *p) {
    quint64 v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

// Bounds-checked reader over the metadata section.
struct Reader {
    const uchar *p;
    const uchar *end;
    bool ok = true;
    quint8 byte() {
        if (p >= end) {
            ok = false;
            return 0;
        }
        return *p++;
    }
    quint64 varint() {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end) {
                ok = false;
                return 0;
            }
            const quint8 b = *p++;
            if (shift == 63 && b > 1) {
                ok = false;
                return 0;
            }
            v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        ok = false;
        return 0;
    }
};

// UTF-8 of `text`, cut at the last whole character within `max` bytes.
struct BoundedUtf8 {
    QByteArray bytes;
    bool cut = false;
};
BoundedUtf8 boundedUtf8(const QString &text, qsizetype max) {
    BoundedUtf8 out{text.toUtf8()};
    const qsizetype keep = text::utf8SafeCut(out.bytes, max);
    out.cut = keep < out.bytes.size();
    out.bytes.truncate(keep);
    return out;
}

QByteArray boundedField(const QString &text) {
    return boundedUtf8(text, MaxContainerFieldBytes).bytes;
}

} // namespace

QString streamName(Stream s) {
    return s == Stream::Stderr ? QStringLiteral("stderr") : QStringLiteral("stdout");
}

std::optional<Stream> streamFromName(QStringView name) {
    if (name == u"stdout")
        return Stream::Stdout;
    if (name == u"stderr")
        return Stream::Stderr;
    return std::nullopt;
}

QString eventKindName(EventKind kind) {
    const int i = int(kind);
    return i >= 0 && i < EventKindCount ? QString::fromLatin1(EventNames[i]) : QString();
}

std::optional<EventKind> eventKindFromName(QStringView name) {
    for (int i = 0; i < EventKindCount; ++i)
        if (name == QLatin1String(EventNames[i]))
            return EventKind(i);
    return std::nullopt;
}

Record Record::line(qint64 ts, Stream stream, QString text, bool truncated) {
    Record r;
    r.ts = ts;
    r.stream = stream;
    r.text = std::move(text);
    r.truncated = truncated;
    return r;
}

Record Record::makeEvent(qint64 ts, EventKind kind, QString text, std::optional<int> exitCode,
                         std::optional<qint64> deploymentId) {
    Record r;
    r.ts = ts;
    r.isEvent = true;
    r.event = kind;
    r.text = std::move(text);
    r.exitCode = exitCode;
    r.deploymentId = deploymentId;
    return r;
}

bool Record::operator==(const Record &o) const {
    if (ts != o.ts || isEvent != o.isEvent || truncated != o.truncated || text != o.text)
        return false;
    if (isEvent)
        return event == o.event && exitCode == o.exitCode && deploymentId == o.deploymentId;
    return stream == o.stream;
}

quint32 crc32Of(QByteArrayView bytes) {
    uLong crc = crc32(0L, Z_NULL, 0);
    const uchar *p = reinterpret_cast<const uchar *>(bytes.data());
    qsizetype left = bytes.size();
    while (left > 0) {
        const uInt n = uInt(std::min<qsizetype>(left, 1 << 30));
        crc = crc32(crc, p, n);
        p += n;
        left -= n;
    }
    return quint32(crc);
}

bool RecordView::isEvent() const {
    return (flags & TypeMask) == TypeEvent;
}
Stream RecordView::stream() const {
    return (flags & TypeMask) == 1 ? Stream::Stderr : Stream::Stdout;
}
bool RecordView::truncated() const {
    return flags & FlagTruncated;
}
bool RecordView::hasExitCode() const {
    return flags & FlagExitCode;
}
bool RecordView::hasDeploymentId() const {
    return flags & FlagDeployment;
}

Record DecodedChunk::record(size_t index) const {
    const RecordView &v = records.at(index);
    Record r;
    r.ts = v.ts;
    r.isEvent = v.isEvent();
    r.truncated = v.truncated();
    r.text = QString::fromUtf8(text(v));
    if (r.isEvent) {
        r.event = EventKind(v.event);
        if (v.hasExitCode())
            r.exitCode = v.exitCode;
        if (v.hasDeploymentId())
            r.deploymentId = v.deploymentId;
    } else {
        r.stream = v.stream();
    }
    return r;
}

namespace {

// zstd at the given level, with the caller's context (or a fresh one).
std::optional<QByteArray> compressed(const QByteArray &raw, int compressionLevel, ZSTD_CCtx *ctx) {
    QByteArray stored(qsizetype(ZSTD_compressBound(size_t(raw.size()))), Qt::Uninitialized);
    std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> own(nullptr, ZSTD_freeCCtx);
    if (!ctx) {
        own.reset(ZSTD_createCCtx());
        ctx = own.get();
    }
    const size_t n = ZSTD_compressCCtx(ctx, stored.data(), size_t(stored.size()), raw.constData(),
                                       size_t(raw.size()), compressionLevel);
    if (ZSTD_isError(n))
        return std::nullopt;
    stored.truncate(qsizetype(n));
    return stored;
}

} // namespace

QByteArray encodeChunk(const ChunkMeta &meta, const std::vector<Record> &records,
                       int compressionLevel, ZSTD_CCtx *ctx) {
    if (records.empty())
        return {};
    qint64 firstTs = records.front().ts, lastTs = firstTs, newestLine = NoLineTs;
    for (const Record &r : records) {
        firstTs = std::min(firstTs, r.ts);
        lastTs = std::max(lastTs, r.ts);
        if (!r.isEvent)
            newestLine = std::max(newestLine, r.ts);
    }
    // Metadata first, texts after: the texts form one block in which a
    // search runs its expression once, and similar bytes sit together for
    // the compressor.
    QByteArray metaBytes, texts;
    metaBytes.reserve(qsizetype(records.size()) * 8);
    qint64 prev = firstTs;
    for (const Record &r : records) {
        const auto [utf8, cut] = boundedUtf8(r.text, MaxTextBytes);
        quint8 flags = r.isEvent ? TypeEvent : quint8(r.stream == Stream::Stderr ? 1 : 0);
        if (r.truncated || cut)
            flags |= FlagTruncated;
        if (r.isEvent && r.exitCode)
            flags |= FlagExitCode;
        if (r.isEvent && r.deploymentId)
            flags |= FlagDeployment;
        metaBytes.append(char(flags));
        if (r.isEvent)
            metaBytes.append(char(r.event));
        putVarint(metaBytes, zigzag(r.ts - prev));
        prev = r.ts;
        putVarint(metaBytes, quint64(utf8.size()));
        if (flags & FlagExitCode)
            putVarint(metaBytes, zigzag(*r.exitCode));
        if (flags & FlagDeployment)
            putVarint(metaBytes, quint64(*r.deploymentId));
        texts.append(utf8);
        texts.append('\n');
    }
    QByteArray raw;
    raw.reserve(4 + metaBytes.size() + texts.size());
    putU32(raw, quint32(metaBytes.size()));
    raw.append(metaBytes);
    raw.append(texts);

    const std::optional<QByteArray> stored = compressed(raw, compressionLevel, ctx);
    if (!stored)
        return {};

    const QByteArray id = boundedField(meta.containerId);
    const QByteArray name = boundedField(meta.containerName);
    QByteArray out;
    const quint16 headerBytes = quint16(MinHeaderBytes + id.size() + name.size());
    out.reserve(headerBytes + stored->size());
    out.append(Magic, 4);
    out.append(char(FormatVersion));
    out.append(char(CodecZstd));
    putU16(out, headerBytes);
    putU32(out, quint32(records.size()));
    putU32(out, quint32(raw.size()));
    putU32(out, quint32(stored->size()));
    putU32(out, crc32Of(*stored));
    putU64(out, meta.chunkSeq);
    putU64(out, quint64(meta.appId));
    putU64(out, quint64(meta.deploymentId));
    putU64(out, quint64(firstTs));
    putU64(out, quint64(lastTs));
    putU64(out, quint64(newestLine));
    out.append(char(id.size()));
    out.append(id);
    out.append(char(name.size()));
    out.append(name);
    putU32(out, crc32Of(out));
    out.append(*stored);
    return out;
}

Expected<ChunkHeader> parseChunkHeader(QByteArrayView bytes) {
    using R = Expected<ChunkHeader>;
    if (bytes.size() < MinHeaderBytes)
        return fail(QStringLiteral("short header"));
    const uchar *p = reinterpret_cast<const uchar *>(bytes.data());
    if (std::memcmp(p, Magic, 4) != 0)
        return fail(QStringLiteral("bad magic"));
    if (p[4] != FormatVersion)
        return fail(QStringLiteral("unknown format version %1").arg(p[4]));
    if (p[5] != CodecZstd)
        return fail(QStringLiteral("unknown codec %1").arg(p[5]));
    ChunkHeader h;
    h.headerBytes = getU16(p + 6);
    if (h.headerBytes < MinHeaderBytes || h.headerBytes > MaxHeaderBytes)
        return fail(QStringLiteral("bad header length"));
    if (bytes.size() < h.headerBytes)
        return fail(QStringLiteral("short header"));
    if (getU32(p + h.headerBytes - 4) != crc32Of(QByteArrayView(bytes.data(), h.headerBytes - 4)))
        return fail(QStringLiteral("header checksum mismatch"));
    h.recordCount = getU32(p + 8);
    h.rawBytes = getU32(p + 12);
    h.storedBytes = getU32(p + 16);
    h.payloadCrc = getU32(p + 20);
    h.meta.chunkSeq = getU64(p + 24);
    h.meta.appId = qint64(getU64(p + 32));
    h.meta.deploymentId = qint64(getU64(p + 40));
    h.firstTs = qint64(getU64(p + 48));
    h.lastTs = qint64(getU64(p + 56));
    h.newestLineTs = qint64(getU64(p + 64));
    const int idLen = p[FixedHeaderBytes];
    if (FixedHeaderBytes + 1 + idLen + 1 + 4 > h.headerBytes)
        return fail(QStringLiteral("bad container id length"));
    const int nameLen = p[FixedHeaderBytes + 1 + idLen];
    if (FixedHeaderBytes + 2 + idLen + nameLen + 4 != h.headerBytes)
        return fail(QStringLiteral("bad container name length"));
    h.meta.containerId =
        QString::fromUtf8(reinterpret_cast<const char *>(p + FixedHeaderBytes + 1), idLen);
    h.meta.containerName = QString::fromUtf8(
        reinterpret_cast<const char *>(p + FixedHeaderBytes + 2 + idLen), nameLen);
    // Every record takes at least 3 bytes of metadata and one of text (its
    // newline): a count the sizes cannot hold is refused before anything
    // is allocated for it.
    if (h.rawBytes < 8 || h.rawBytes > MaxRawBytes)
        return fail(QStringLiteral("bad raw length"));
    if (h.recordCount == 0 || h.recordCount > (h.rawBytes - 4) / 4)
        return fail(QStringLiteral("bad record count"));
    if (h.storedBytes == 0 || h.storedBytes > ZSTD_compressBound(h.rawBytes))
        return fail(QStringLiteral("bad stored length"));
    if (h.meta.appId <= 0 || h.meta.deploymentId < 0)
        return fail(QStringLiteral("bad id"));
    if (h.firstTs > h.lastTs ||
        (h.newestLineTs != NoLineTs && (h.newestLineTs < h.firstTs || h.newestLineTs > h.lastTs)))
        return fail(QStringLiteral("bad time range"));
    return R(std::move(h));
}

Expected<DecodedChunk> decodeChunkPayload(const ChunkHeader &h, QByteArrayView payload,
                                          ZSTD_DCtx *ctx) {
    using R = Expected<DecodedChunk>;
    if (payload.size() != qsizetype(h.storedBytes))
        return fail(QStringLiteral("payload length mismatch"));
    if (crc32Of(payload) != h.payloadCrc)
        return fail(QStringLiteral("payload checksum mismatch"));
    const unsigned long long contentSize =
        ZSTD_getFrameContentSize(payload.data(), size_t(payload.size()));
    if (contentSize != h.rawBytes)
        return fail(QStringLiteral("frame size mismatch"));
    DecodedChunk d;
    d.raw = QByteArray(qsizetype(h.rawBytes), Qt::Uninitialized);
    std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> own(nullptr, ZSTD_freeDCtx);
    if (!ctx) {
        own.reset(ZSTD_createDCtx());
        ctx = own.get();
    }
    const size_t n = ZSTD_decompressDCtx(ctx, d.raw.data(), size_t(d.raw.size()), payload.data(),
                                         size_t(payload.size()));
    if (ZSTD_isError(n) || n != h.rawBytes)
        return fail(QStringLiteral("corrupt compressed payload"));

    const uchar *base = reinterpret_cast<const uchar *>(d.raw.constData());
    const quint32 metaBytes = getU32(base);
    if (metaBytes > h.rawBytes - 4)
        return fail(QStringLiteral("bad metadata length"));
    d.textBegin = 4 + metaBytes;
    Reader in{base + 4, base + 4 + metaBytes};
    d.records.reserve(h.recordCount);
    qint64 prev = h.firstTs;
    quint64 textPos = d.textBegin;
    for (quint32 i = 0; i < h.recordCount; ++i) {
        RecordView v;
        v.flags = in.byte();
        if (!in.ok || (v.flags & ~KnownFlags) || (v.flags & TypeMask) > TypeEvent)
            return fail(QStringLiteral("bad record flags"));
        if (v.isEvent()) {
            v.event = in.byte();
            if (v.event >= EventKindCount)
                return fail(QStringLiteral("bad event kind"));
        } else if (v.flags & (FlagExitCode | FlagDeployment)) {
            return fail(QStringLiteral("bad record flags"));
        }
        const qint64 delta = unzigzag(in.varint());
        if (!in.ok || __builtin_add_overflow(prev, delta, &v.ts) || v.ts < h.firstTs ||
            v.ts > h.lastTs)
            return fail(QStringLiteral("record time outside the chunk's range"));
        prev = v.ts;
        const quint64 len = in.varint();
        if (!in.ok || len > MaxTextBytes || textPos + len + 1 > h.rawBytes)
            return fail(QStringLiteral("bad text length"));
        v.textOffset = quint32(textPos);
        v.textBytes = quint32(len);
        textPos += len + 1;
        if (base[textPos - 1] != '\n')
            return fail(QStringLiteral("bad text separator"));
        if (v.hasExitCode()) {
            const qint64 code = unzigzag(in.varint());
            if (!in.ok || code < std::numeric_limits<int>::min() ||
                code > std::numeric_limits<int>::max())
                return fail(QStringLiteral("bad exit code"));
            v.exitCode = int(code);
        }
        if (v.hasDeploymentId()) {
            const quint64 dep = in.varint();
            if (!in.ok || dep == 0 || dep > quint64(std::numeric_limits<qint64>::max()))
                return fail(QStringLiteral("bad deployment id"));
            v.deploymentId = qint64(dep);
        }
        d.records.push_back(v);
    }
    if (in.p != in.end)
        return fail(QStringLiteral("metadata longer than its records"));
    if (textPos != h.rawBytes)
        return fail(QStringLiteral("texts shorter than the payload"));
    return R(std::move(d));
}

Expected<DecodedChunk> decodeChunk(QByteArrayView chunk, ChunkHeader *headerOut) {
    Expected<ChunkHeader> h = parseChunkHeader(chunk);
    if (!h)
        return fail(h.error());
    if (chunk.size() != h->totalBytes())
        return fail(QStringLiteral("chunk length mismatch"));
    if (headerOut)
        *headerOut = *h;
    return decodeChunkPayload(*h, chunk.sliced(h->headerBytes));
}

} // namespace mist::archive
