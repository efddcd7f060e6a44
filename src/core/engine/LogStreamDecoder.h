// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Incremental decoder for the Docker Engine API (v1.41) container log stream, as returned by
//   GET /containers/{id}/logs?follow=1&stdout=1&stderr=1&timestamps=1
// into whole log lines. Pure: no I/O, no Qt event loop, no allocation per input byte.
//
// Input formats
// - Mode::Multiplexed (container without TTY): a sequence of frames, each an 8-byte header
//   [stream type: 0 stdin, 1 stdout, 2 stderr][0][0][0][payload size, uint32 big-endian]
//   followed by the payload. One payload is one engine log *entry*. Stdin frames (never sent
//   by the engine for logs) are reported as stdout, like the engine's own stdcopy does.
//   Empty frames carry nothing and are skipped (they are not counted as entries).
// - Mode::Tty (container with a TTY): raw bytes, all stdout. Entries end at '\n'; a '\r'
//   right before the '\n' is removed. The engine also cuts a TTY line after every 16 KiB of
//   raw bytes and gives the next piece its own timestamp: when a TTY entry reaches 16 KiB
//   without a '\n' and the following bytes are a timestamp and a space, they start a
//   continuation entry and the timestamp is removed (if they are not a timestamp, they are
//   plain content of the same line).
//
// Entries: with timestamps=1 each entry starts with the engine's RFC 3339 timestamp and one
// space (`2025-01-15T10:30:01.123456789Z `), which is removed and reported as LogLine::ts.
// An entry that does not start with a timestamp keeps all its bytes as content, ts empty.
//
// Lines: a line is what lies between '\n's. An entry without a trailing '\n' is a piece of a
// longer line that continues in the next entry of the same stream (stdout and stderr keep
// separate partial lines, so their pieces may interleave); the joined line carries the
// timestamp of its first piece. Lines are reported when their '\n' arrives, in stream order.
//
// Bounds: a line longer than maxLineBytes is cut at the last whole UTF-8 character within
// maxLineBytes, reported at once with truncated = true, and the rest of it up to its '\n' is
// skipped without being buffered: at most maxLineBytes + 1 bytes are buffered per stream
// whatever the input. Bytes that are not UTF-8 become U+FFFD.
//
// Errors: a frame header with a stream type above 2, non-zero padding bytes or a payload size
// above 64 MiB puts the decoder in a failed state (failed(), errorString()); lines completed
// before it were already delivered, the rest of the input is ignored.
//
// Not thread-safe; use one decoder per engine log stream.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <array>

namespace mist::engine {

struct LogLine {
    QString line;
    QString stream; // "stdout" | "stderr"
    QString ts;     // engine RFC3339Nano, as sent
    bool truncated = false;
};

class LogStreamDecoder {
public:
    enum class Mode { Multiplexed, Tty };

    // Largest frame payload accepted in Multiplexed mode (the engine sends at most 16 KiB plus
    // the timestamp; anything far above is a corrupt or hostile stream).
    static constexpr quint32 MaxFramePayload = 64u * 1024u * 1024u;
    // Size of the pieces the engine cuts long lines into (raw bytes, without the timestamp).
    static constexpr qsizetype EnginePieceBytes = 16 * 1024;

    // maxLineBytes below 4 (one UTF-8 character) is raised to 4.
    explicit LogStreamDecoder(Mode mode = Mode::Multiplexed, qsizetype maxLineBytes = 1024 * 1024);

    // Feeds bytes; appends every line completed by them to `out` in stream order.
    void feed(QByteArrayView bytes, QList<LogLine> &out);
    // End of stream: flushes unterminated partial lines (as lines) into out, in the order
    // they were started. The decoder is then ready for a new stream (counters, last ts and a
    // failed state are kept).
    void finish(QList<LogLine> &out);

    // Number of complete entries (frames / tty lines) consumed so far, and the ts of the last
    // one (an entry without a timestamp leaves lastEntryTs() unchanged; empty before any).
    quint64 entriesSeen() const { return m_entriesSeen; }
    QString lastEntryTs() const;

    bool failed() const { return m_failed; }
    QString errorString() const { return m_errorString; }

    Mode mode() const { return m_mode; }
    qsizetype maxLineBytes() const { return m_maxLineBytes; }

private:
    // Longest accepted timestamp prefix, space included:
    // "2025-01-15T10:30:01.123456789+01:00 " = 19 + 10 + 6 + 1.
    static constexpr int MaxTsPrefix = 36;

    struct PartialLine {
        QByteArray bytes;  // raw content so far (bounded by maxLineBytes + 1)
        QString ts;        // ts of the first piece
        quint64 order = 0; // when the line was started, to flush partials in order
        bool open = false;
        bool discarding = false; // truncated line already reported; skip until '\n'
    };

    void feedMultiplexed(QByteArrayView bytes, QList<LogLine> &out);
    void feedTty(QByteArrayView bytes, QList<LogLine> &out);
    void fail(QString message);

    // Entry level: strips the timestamp prefix (holding back at most MaxTsPrefix bytes of it
    // across feeds). Returns the rest of `data`; *leading gets held-back bytes that turned out
    // to be content (they come before the returned bytes). Sets *pending, and consumes all of
    // `data`, when more bytes are needed to decide.
    QByteArrayView takeEntryPrefix(QByteArrayView data, bool entryEnds, QByteArrayView *leading,
                                   bool *pending);
    void endEntry();
    const QString &entryTs();

    // Line level. `seg` holds no '\n'; `terminated` says a '\n' followed it.
    void contentBytes(int stream, QByteArrayView data, QList<LogLine> &out);
    void lineSegment(int stream, QByteArrayView seg, bool terminated, QList<LogLine> &out);
    void emitLine(int stream, QByteArrayView bytes, const QString &ts, bool truncated,
                  QList<LogLine> &out);
    void resetPartial(PartialLine &p);

    Mode m_mode;
    qsizetype m_maxLineBytes;

    // Frame state (Multiplexed).
    std::array<char, 8> m_header{};
    int m_headerLen = 0;
    bool m_inFrame = false;
    quint32 m_frameRemaining = 0;
    int m_frameStream = 0; // 0 stdout, 1 stderr
    quint64 m_offset = 0;  // bytes consumed, for error messages

    // Entry state.
    bool m_atEntryStart = true;
    std::array<char, MaxTsPrefix> m_prefix{};
    int m_prefixLen = 0;
    std::array<char, MaxTsPrefix> m_entryTs{};
    int m_entryTsLen = 0;
    QString m_entryTsString;
    bool m_entryTsStringValid = false;
    qsizetype m_ttyEntryBytes = 0; // raw content bytes of the current TTY entry

    std::array<PartialLine, 2> m_partials;
    quint64 m_lineOrder = 0;

    quint64 m_entriesSeen = 0;
    std::array<char, MaxTsPrefix> m_lastTs{};
    int m_lastTsLen = 0;

    bool m_failed = false;
    QString m_errorString;
};

} // namespace mist::engine
