// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "BenchSupport.h"

namespace mist::bench {

// How long and how big: the full run measures what docs/PERFORMANCE.md and
// docs/RELIABILITY.md report; --smoke runs every scenario in seconds so CI
// notices when one breaks (its figures are printed, not judged).
struct Options {
    bool smoke = false;
    int runs = 3;          // repetitions whose median is reported
    int loadSeconds = 60;  // 1 000 metrics clients / 100 log clients
    int soakSeconds = 600; // the memory soak
    int latencySeconds = 10;
    QString historyDir; // history: also measure this data directory's history.db
};

void relay(const Options &o, Report &r);
void fanout(const Options &o, Report &r);
void latency(const Options &o, Report &r);
void metrics(const Options &o, Report &r);
void loadLogs(const Options &o, Report &r);
void memory(const Options &o, Report &r);
void soak(const Options &o, Report &r);
void startup(const Options &o, Report &r);
// In-process, no engine needed (bench/ArchiveScenario.cpp).
void archive(const Options &o, Report &r);
void archiveFollow(const Options &o, Report &r);
// Metric history in-process, clock moved forward (bench/HistoryScenario.cpp).
void history(const Options &o, Report &r);
// Alerts: condition to webhook through the server; the evaluator's cost (bench/AlertsScenario.cpp).
void alerts(const Options &o, Report &r);
// The per-app sampler's cost, cgroups vs the engine's stats API, and its agreement with
// `docker stats` (bench/SamplerScenario.cpp).
void sampler(const Options &o, Report &r);
#ifdef MIST_BENCH_GUI
void desktop(const Options &o, Report &r);
// Scrolling the desktop's log view back through a long archive (bench/DesktopScenario.cpp).
void desktopScroll(const Options &o, Report &r);
// The Metrics tab opened from a history answer, no engine (bench/ChartScenario.cpp).
void desktopChart(const Options &o, Report &r);
#endif

} // namespace mist::bench
