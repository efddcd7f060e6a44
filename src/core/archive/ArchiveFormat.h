// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The log archive's chunk: the records of one app's one container, zstd-
// compressed, behind a small uncompressed header that says what the chunk
// holds (app, container, deployment, time range, sizes, checksums), so that
// the index can be rebuilt at start-up by reading headers only. Encoding and
// decoding are pure; decoding checks every length and count against hard
// bounds before it allocates, so hostile bytes cost at most MaxRawBytes.
// The byte layout is described in docs/ARCHIVE.md.

#include "base/Expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <limits>
#include <optional>
#include <vector>

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;

namespace mist::archive {

enum class Stream : quint8 { Stdout = 0, Stderr = 1 };
enum class EventKind : quint8 {
    Started = 0,
    Died,
    Oom,
    Restarted,
    Removed,
    Replaced,
    EngineLost,
    EngineBack,
};
constexpr int EventKindCount = 8;

QString streamName(Stream s);
std::optional<Stream> streamFromName(QStringView name);
// "started", "died", "oom", "restarted", "removed", "replaced", "engine_lost", "engine_back".
QString eventKindName(EventKind kind);
std::optional<EventKind> eventKindFromName(QStringView name);

// A log line or a lifecycle event. ts: nanoseconds since the Unix epoch (a
// line's is the engine's own timestamp).
struct Record {
    qint64 ts = 0;
    bool isEvent = false;
    Stream stream = Stream::Stdout;       // lines
    bool truncated = false;               // the line was cut (at 1 MiB)
    EventKind event = EventKind::Started; // events
    std::optional<int> exitCode;          // died, oom, restarted
    std::optional<qint64> deploymentId;   // replaced: the deployment that replaced it
    QString text;                         // the line, or the event's free text

    static Record line(qint64 ts, Stream stream, QString text, bool truncated = false);
    static Record makeEvent(qint64 ts, EventKind kind, QString text,
                            std::optional<int> exitCode = std::nullopt,
                            std::optional<qint64> deploymentId = std::nullopt);
    bool operator==(const Record &o) const;
};

// Texts longer than this (UTF-8) are cut at the last whole character and
// marked truncated: the engine side already cuts lines at 1 MiB.
constexpr qsizetype MaxTextBytes = 1024 * 1024;
constexpr int MaxContainerFieldBytes = 255;

// Hard bounds a header must keep; a writer stays far below them (a chunk is
// sealed at ~256 KiB plus at most one record).
constexpr quint32 MaxRawBytes = 8u * 1024u * 1024u;
constexpr qsizetype FixedHeaderBytes = 72;
constexpr qsizetype MinHeaderBytes = FixedHeaderBytes + 2 + 4;
constexpr qsizetype MaxHeaderBytes = MinHeaderBytes + 2 * MaxContainerFieldBytes;
constexpr quint8 FormatVersion = 1;
constexpr quint8 CodecZstd = 1;
constexpr qint64 NoLineTs = std::numeric_limits<qint64>::min();

// What a chunk is about; set by the writer.
struct ChunkMeta {
    qint64 appId = 0;
    QString containerId;
    QString containerName;
    qint64 deploymentId = 0; // 0: the container is not from a deployment
    quint64 chunkSeq = 0;    // archive-wide write order, a tiebreak for equal ts
};

struct ChunkHeader {
    ChunkMeta meta;
    qint64 firstTs = 0;             // smallest record ts
    qint64 lastTs = 0;              // largest record ts
    qint64 newestLineTs = NoLineTs; // largest ts of a log line (not an event)
    quint32 recordCount = 0;
    quint32 rawBytes = 0;    // decompressed payload
    quint32 storedBytes = 0; // compressed payload on disk
    quint32 payloadCrc = 0;  // CRC-32 (zlib) of the stored payload
    quint16 headerBytes = 0;
    qint64 totalBytes() const { return qint64(headerBytes) + storedBytes; }
};

// Header + compressed payload. Records keep their order (the order they were
// appended); texts are converted to UTF-8 and cut at MaxTextBytes. An empty
// `records` gives an empty array. ctx: a reusable compression context (one
// per thread), or null for a temporary one.
QByteArray encodeChunk(const ChunkMeta &meta, const std::vector<Record> &records,
                       int compressionLevel = 3, ZSTD_CCtx *ctx = nullptr);

// Parses and checks a header at the start of `bytes` (which may hold more).
// Too few bytes for the header is an error too ("short header").
Expected<ChunkHeader> parseChunkHeader(QByteArrayView bytes);

// A decoded record without copying its text: text lies in DecodedChunk::raw
// at [textOffset, textOffset + textBytes).
struct RecordView {
    qint64 ts = 0;
    quint32 textOffset = 0;
    quint32 textBytes = 0;
    quint8 flags = 0;
    quint8 event = 0;
    int exitCode = 0;
    qint64 deploymentId = 0;
    bool isEvent() const;
    Stream stream() const;
    bool truncated() const;
    bool hasExitCode() const;
    bool hasDeploymentId() const;
};

struct DecodedChunk {
    QByteArray raw; // the decompressed payload
    std::vector<RecordView> records;
    quint32 textBegin = 0; // where the texts start in raw
    QByteArrayView text(const RecordView &r) const {
        return QByteArrayView(raw).sliced(r.textOffset, r.textBytes);
    }
    Record record(size_t index) const;
};

// Checks the payload's checksum, decompresses it and decodes every record,
// checking each against the header (count, sizes, ts range). `payload` is
// the stored payload (the header.storedBytes bytes after the header).
Expected<DecodedChunk> decodeChunkPayload(const ChunkHeader &header, QByteArrayView payload,
                                          ZSTD_DCtx *ctx = nullptr);

// Header and payload from one buffer holding a whole chunk.
Expected<DecodedChunk> decodeChunk(QByteArrayView chunk, ChunkHeader *headerOut = nullptr);

// zlib's CRC-32.
quint32 crc32Of(QByteArrayView bytes);

} // namespace mist::archive
