// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: the raw log stream of a container with a TTY (16 KiB pieces with their own
// timestamps, "\r\n" endings), see LogStreamHarness.h for what is checked.
#include "LogStreamHarness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return mist::fuzz::runLogStreamTarget(mist::engine::LogStreamDecoder::Mode::Tty, data, size);
}
