// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The 8-byte header in front of every frame of the engine's multiplexed streams (container and
// service logs, attach) when the container has no TTY:
//   [stream type: 0 stdin, 1 stdout, 2 stderr][0][0][0][payload size, uint32 big-endian]
// Pure.

#include <QByteArrayView>
#include <QtGlobal>

namespace mist::engine {

struct FrameHeader {
    static constexpr qsizetype Size = 8;

    enum class Fault : quint8 {
        None,
        Incomplete, // fewer than 8 bytes
        StreamType, // above 2
        Padding,    // bytes 1-3 not zero
        TooLarge,   // payload above the caller's limit
    };
    Fault fault = Fault::None;
    quint8 streamType = 0; // as sent (also when the fault is StreamType)
    quint32 payloadSize = 0;

    bool ok() const { return fault == Fault::None; }
    // Anything else is stdout: stdin (never sent for logs) counts as stdout, as in the engine's
    // own stdcopy.
    bool isStderr() const { return streamType == 2; }
};

// Reads the header at the start of `bytes` (bytes after the first 8 are not looked at). The
// first fault found, in the order of the enum, is reported; type and size are filled in
// whenever 8 bytes were there.
FrameHeader parseFrameHeader(QByteArrayView bytes, quint32 maxPayload);

} // namespace mist::engine
