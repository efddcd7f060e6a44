// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/FrameHeader.h"

#include <QtEndian>

namespace mist::engine {

FrameHeader parseFrameHeader(QByteArrayView bytes, quint32 maxPayload) {
    FrameHeader h;
    if (bytes.size() < FrameHeader::Size) {
        h.fault = FrameHeader::Fault::Incomplete;
        return h;
    }
    h.streamType = quint8(bytes[0]);
    h.payloadSize = qFromBigEndian<quint32>(bytes.data() + 4);
    if (h.streamType > 2)
        h.fault = FrameHeader::Fault::StreamType;
    else if (bytes[1] != 0 || bytes[2] != 0 || bytes[3] != 0)
        h.fault = FrameHeader::Fault::Padding;
    else if (h.payloadSize > maxPayload)
        h.fault = FrameHeader::Fault::TooLarge;
    return h;
}

} // namespace mist::engine
