// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Incremental decoder for the log stream of a Swarm service, as a manager
// answers
//   GET /services/{id}/logs?follow=1&stdout=1&stderr=1&timestamps=1&details=1
// into whole lines, each with the task and node it came from. Pure: no I/O.
//
// Input: the multiplexed framing of container logs (8-byte header
// [stream 0/1/2][0][0][0][size, uint32 big-endian], then the payload), one
// engine log entry per frame; for a service with a TTY (Mode::Tty) raw bytes
// with one entry per '\n' (there a line the engine cut at 16 KiB shows the
// next piece's timestamp and details inside it). Each entry is
//   <RFC 3339 timestamp> <details> <content>
// where details are comma-separated key=value pairs, among them
// com.docker.swarm.node.id, com.docker.swarm.service.id and
// com.docker.swarm.task.id. An entry whose second word holds no '=' has no
// details (all of it after the timestamp is content); an entry without a
// timestamp keeps all its bytes as content.
//
// Lines: content up to '\n'. The engine cuts lines longer than 16 KiB into
// several entries, each with its own timestamp and details; the pieces are
// joined per task and stream (tasks print at the same time, so pieces of
// different tasks interleave), the line carrying its first piece's
// timestamp. Bounded like LogStreamDecoder: a line longer than maxLineBytes
// is cut at a UTF-8 character boundary, reported with truncated = true, and
// its rest skipped; at most maxLineBytes + 1 bytes are held per task and
// stream, and at most MaxOpenLines such partial lines (the oldest is then
// reported as it stands).
//
// Errors: a frame with stream type above 2, non-zero padding or a payload
// above 1 MiB (MaxFramePayload), or details longer than 4 KiB, fail the decoder (failed(),
// errorString()); what came before was delivered.

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

#include <array>

namespace mist::engine {

struct ServiceLogLine {
    QString line;
    QString stream; // "stdout" | "stderr"
    QString ts;     // the engine's RFC 3339 timestamp of the line's first piece
    QString task;   // com.docker.swarm.task.id; empty without details
    QString node;   // com.docker.swarm.node.id
    QString service;
    bool truncated = false;
};

class ServiceLogDecoder {
public:
    enum class Mode { Multiplexed, Tty };
    // The engine sends at most 16 KiB of content plus timestamp and details.
    static constexpr quint32 MaxFramePayload = 1024u * 1024u;
    static constexpr qsizetype MaxDetailsBytes = 4096;
    static constexpr int MaxOpenLines = 1024;

    explicit ServiceLogDecoder(Mode mode = Mode::Multiplexed, qsizetype maxLineBytes = 1024 * 1024);

    void feed(QByteArrayView bytes, QList<ServiceLogLine> &out);
    // End of stream: unterminated lines as they stand, in the order they began.
    void finish(QList<ServiceLogLine> &out);

    bool failed() const { return m_failed; }
    QString errorString() const { return m_errorString; }

    // One entry's parts (pure; exposed for tests): the timestamp (empty if the
    // entry has none), the details' task, node and service ids, and the content.
    struct Entry {
        QByteArrayView ts;
        QByteArrayView details;
        QByteArrayView content;
    };
    static Entry splitEntry(QByteArrayView entry);
    static QByteArrayView detail(QByteArrayView details, QByteArrayView key);

private:
    struct Partial {
        QByteArray bytes;
        ServiceLogLine head; // stream, ts, ids of the first piece
        quint64 order = 0;
        bool discarding = false;
    };

    void entry(int stream, QByteArrayView bytes, QList<ServiceLogLine> &out);
    // A piece of a line that is (or becomes) open for `key`; lineEnds: its '\n' came with it.
    void addPiece(const QString &key, const ServiceLogLine &head, QByteArrayView piece,
                  bool lineEnds, QList<ServiceLogLine> &out);
    void emitLine(ServiceLogLine head, QByteArrayView bytes, bool truncated,
                  QList<ServiceLogLine> &out);
    void fail(const QString &message);

    Mode m_mode;
    qsizetype m_maxLineBytes;
    QByteArray m_pending;               // bytes of an unfinished frame or TTY entry
    QHash<QString, Partial> m_partials; // task + '/' + stream
    quint64 m_order = 0;
    quint64 m_offset = 0;
    bool m_failed = false;
    QString m_errorString;
};

} // namespace mist::engine
