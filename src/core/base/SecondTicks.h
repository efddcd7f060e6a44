// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QtGlobal>

namespace mist {

// A sampler that keeps one point a second (metric history files each sample under its whole
// second) ticks in the middle of each wall-clock second: then neither a timer's jitter nor a
// busy thread pool's latency of up to half a second moves a sample into the next second, where
// it would leave a second without a point and give the next one two. The delay from nowMs
// (wall clock, ms since the epoch) to the next tick `phaseMs` into a period of `intervalMs`;
// at least a tenth of the period (a tick just made does not come again at once). Pure.
inline int msToNextTick(qint64 nowMs, int intervalMs = 1000, int phaseMs = 500) {
    if (intervalMs <= 0)
        return 0;
    qint64 delay = ((qint64(phaseMs) - nowMs) % intervalMs + intervalMs) % intervalMs;
    if (delay < intervalMs / 10)
        delay += intervalMs;
    return int(delay);
}

} // namespace mist
