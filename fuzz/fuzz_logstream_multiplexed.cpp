// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: the engine's multiplexed log stream (8-byte frame headers), see
// LogStreamHarness.h for what is checked.
#include "LogStreamHarness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return mist::fuzz::runLogStreamTarget(mist::engine::LogStreamDecoder::Mode::Multiplexed, data,
                                          size);
}
