// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Metric history's on-disk block and the pure functions around it
// (docs/HISTORY.md): a block holds one series' points of one tier, column by
// column, each column integer-coded (decimal scale, common divisor, delta or
// delta-of-delta, zigzag varints) or, when it holds non-decimal values,
// XOR-coded doubles; the whole body is zstd-compressed.

#include "base/Expected.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mist::history {

// What a column holds: a sample's value (1 s tier), or over a step the
// average or the maximum of the values present in it.
enum class ColumnKind : quint8 { Value = 0, Avg = 1, Max = 2 };

struct Column {
    QString path; // dotted path in the sample ("cpu.usage")
    ColumnKind kind = ColumnKind::Value;
    QList<double> values; // one a point; meaningless where !present
    QList<bool> present;  // one a point
};

// Points in columns: times[i] (seconds since the epoch, ascending, unique)
// and each column's i-th entry.
struct Block {
    QList<qint64> times;
    QList<Column> columns;

    qsizetype size() const { return times.size(); }
    bool isEmpty() const { return times.isEmpty(); }
    // The column (path, kind), appended (absent at every point so far) if new.
    Column &column(const QString &path, ColumnKind kind);
    // Appends a point of flattened fields (path -> value) with `kind`; a
    // time not after the last one is refused.
    Expected<void> append(qint64 time, const QHash<QString, double> &fields,
                          ColumnKind kind = ColumnKind::Value);
    // The flattened fields of point i of the columns of `kind`.
    QHash<QString, double> fieldsAt(qsizetype i, ColumnKind kind) const;
};

// Bounds a decoder holds every block to (a hostile or damaged one is refused
// before it can make anything large).
constexpr qsizetype MaxPointsPerBlock = 1 << 17; // 131072
constexpr qsizetype MaxColumnsPerBlock = 512;
constexpr qsizetype MaxPathLength = 200;
constexpr qsizetype MaxDecodedBytes = 64 * 1024 * 1024;

// Encodes and compresses a block. Fails on a non-finite value, times not
// ascending, columns of another length than times, a path too long, a block
// past the bounds above.
Expected<QByteArray> encodeBlock(const Block &block, int zstdLevel = 9);
// The inverse; fails with a worded reason ("history block: ...") on anything
// malformed, truncated or past the bounds, never crashes.
Expected<Block> decodeBlock(const QByteArray &stored);

// Merges blocks of one series and tier (any order, possibly overlapping: a
// later block's point at the same time wins) into one, times ascending.
Block mergeBlocks(const QList<Block> &blocks);
// Points within [from, to].
Block sliceBlock(const Block &block, qint64 from, qint64 to);

// Aggregates into buckets of `step` seconds (times floor(t / step) * step):
// for each path, Avg = mean of the values present in the bucket (of the
// input's Value or Avg column), Max = their maximum (of the input's Max
// column when it has one, else of its values). step must be >= 1.
Block downsample(const Block &block, qint64 step);

// A sample's numeric leaves as dotted paths. Strings, booleans, nulls,
// arrays, keys that are empty, longer than 64 characters or contain a dot,
// the top-level "timestamp" and "max", non-finite numbers and objects nested
// deeper than 4 levels are skipped.
QHash<QString, double> flattenSample(const QJsonObject &sample);
// The nested object of the flattened fields (inverse of flattenSample).
QJsonObject nestFields(const QHash<QString, double> &fields);

// RFC 3339 date-time with a zone ("2026-12-05T23:00:00Z", "...+01:00",
// fractional seconds allowed): milliseconds since the epoch. Local times
// without a zone and anything else are refused.
std::optional<qint64> parseRfc3339Ms(const QString &text);

} // namespace mist::history
