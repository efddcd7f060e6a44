// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// "Would this rule have fired?": a metric rule replayed over the metric history the server
// recorded (GET /api/metrics/history, GET /api/apps/{id}/stats/history), through the same
// Evaluator the server runs, so the answer follows the server's rule to the letter
// (threshold, "for N seconds", cooldown). Pure: the desktop's rule editor fetches the points,
// this counts. docs/ALERTS.md, "Desktop".

#include "alerts/AlertRules.h"
#include "base/Expected.h"

#include <QJsonArray>
#include <QList>

#include <optional>

namespace mist::alerts {

// One recorded value of the rule's field; nullopt: the point had no figure for it (an app
// without a running container).
struct MetricSample {
    qint64 atMs = 0;
    std::optional<double> value;
};

// The field's values in a history answer's `points`, oldest first. At a step over 1 s a
// point's field is the step's average and its `max` object the maximum: a rule over a
// threshold (">") is tested against the maximum, one under it against the average, so that
// a spike the average hides still counts. Points without a valid timestamp are skipped.
QList<MetricSample> samplesFromHistory(const QJsonArray &points, const QString &field,
                                       const QString &op);

struct Backtest {
    int firings = 0;          // "firing" messages the rule would have sent
    QList<qint64> firedAtMs;  // when, oldest first
    int samples = 0;          // values it was tested on
    bool firingAtEnd = false; // still firing at the last value
};

// Between two values further apart than this the server was not recording (stopped, or the
// app had no figures): the rule's "for N seconds" starts afresh after such a gap.
constexpr qint64 BacktestGapMs = 5000;

// Fails for a rule that is not a metric rule ("Only metric rules can be tested against
// history") and for a rule the evaluator would not take.
Expected<Backtest> backtest(const Rule &rule, const QList<MetricSample> &samples);

} // namespace mist::alerts
