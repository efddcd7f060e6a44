// SPDX-License-Identifier: GPL-3.0-or-later

#include "alerts/AlertBacktest.h"

#include "alerts/AlertEvaluator.h"

#include <QDateTime>
#include <QJsonObject>

#include <cmath>

namespace mist::alerts {

namespace {
std::optional<double> valueAt(const QJsonObject &object, const QString &field) {
    const QJsonValue v =
        object.value(field.section(u'.', 0, 0)).toObject().value(field.section(u'.', 1));
    if (!v.isDouble() || !std::isfinite(v.toDouble()))
        return std::nullopt;
    return v.toDouble();
}
} // namespace

QList<MetricSample> samplesFromHistory(const QJsonArray &points, const QString &field,
                                       const QString &op) {
    QList<MetricSample> out;
    out.reserve(points.size());
    for (const QJsonValue &p : points) {
        const QJsonObject point = p.toObject();
        const QDateTime at =
            QDateTime::fromString(point.value(QStringLiteral("timestamp")).toString(), Qt::ISODate);
        if (!at.isValid())
            continue;
        std::optional<double> value;
        if (op == u">")
            value = valueAt(point.value(QStringLiteral("max")).toObject(), field);
        if (!value)
            value = valueAt(point, field);
        out.append({at.toMSecsSinceEpoch(), value});
    }
    return out;
}

Expected<Backtest> backtest(const Rule &rule, const QList<MetricSample> &samples) {
    if (rule.kind != u"metric")
        return fail("Only metric rules can be tested against history");
    Rule replayed = rule;
    replayed.id = 1;
    Evaluator evaluator;
    evaluator.setRules({replayed});
    Backtest result;
    const auto count = [&](const QList<Transition> &transitions) {
        for (const Transition &t : transitions)
            if (t.state == u"firing") {
                ++result.firings;
                result.firedAtMs.append(t.atMs);
                result.firingAtEnd = true;
            } else {
                result.firingAtEnd = false;
            }
    };
    std::optional<qint64> previousMs;
    for (const MetricSample &s : samples) {
        if (previousMs && s.atMs - *previousMs > BacktestGapMs) {
            // Nothing recorded in between: the server was not running (or the app had no
            // figures), and the rule's state starts afresh after it, as the server's does.
            evaluator.setRules({});
            evaluator.setRules({replayed});
            result.firingAtEnd = false;
        }
        previousMs = s.atMs;
        if (!s.value) {
            if (rule.appId)
                count(evaluator.metricGone(*rule.appId, s.atMs));
            continue;
        }
        ++result.samples;
        count(evaluator.metric(rule.appId, rule.field, *s.value, s.atMs));
        count(evaluator.tick(s.atMs));
    }
    return result;
}

} // namespace mist::alerts
