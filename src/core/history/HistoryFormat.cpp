// SPDX-License-Identifier: GPL-3.0-or-later

#include "HistoryFormat.h"

#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

namespace mist::history {

namespace {

constexpr char Magic[] = {'M', 'H', 1};
constexpr qint64 MaxExactInteger = qint64(1) << 53;
// Times are seconds; anything beyond ±2^40 s (~35000 years) is not a time.
constexpr qint64 MaxTime = qint64(1) << 40;
constexpr int MaxScale = 6;
constexpr double Pow10[MaxScale + 1] = {1, 10, 100, 1000, 10000, 100000, 1000000};
enum Encoding : quint8 { IntegerCoded = 0, XorCoded = 1 };
enum Order : quint8 { Delta = 1, DeltaOfDelta = 2 };

quint64 zigzag(qint64 v) {
    return (quint64(v) << 1) ^ quint64(v >> 63);
}
qint64 unzigzag(quint64 v) {
    return qint64(v >> 1) ^ -qint64(v & 1);
}

void putVarint(QByteArray &out, quint64 v) {
    while (v >= 0x80) {
        out.append(char(v | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}

int varintLength(quint64 v) {
    int n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

// Reads the decompressed body; every read checks what is left.
class Reader {
public:
    explicit Reader(const QByteArray &data)
        : m_data(data) {}
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    bool atEnd() const { return m_pos == m_data.size(); }
    void failWith(const QString &why) {
        if (m_error.isEmpty())
            m_error = why;
    }
    quint8 byte() {
        if (m_pos >= m_data.size()) {
            failWith(QStringLiteral("truncated"));
            return 0;
        }
        return quint8(m_data[m_pos++]);
    }
    quint64 varint() {
        quint64 v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const quint8 b = byte();
            if (!ok())
                return 0;
            if (shift == 63 && b > 1) {
                failWith(QStringLiteral("varint too long"));
                return 0;
            }
            v |= quint64(b & 0x7f) << shift;
            if (!(b & 0x80))
                return v;
        }
        failWith(QStringLiteral("varint too long"));
        return 0;
    }
    QByteArray bytes(qsizetype n) {
        if (n < 0 || n > m_data.size() - m_pos) {
            failWith(QStringLiteral("truncated"));
            return {};
        }
        const QByteArray out = m_data.mid(m_pos, n);
        m_pos += n;
        return out;
    }

private:
    const QByteArray &m_data;
    qsizetype m_pos = 0;
    QString m_error;
};

quint64 doubleBits(double v) {
    quint64 bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
}
double bitsDouble(quint64 bits) {
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

// The smallest decimal scale at which every value is an exact integer within
// ±2^53 (decoding divides by 10^scale and must give the value back bit for bit).
std::optional<int> decimalScale(const QList<double> &values) {
    for (int k = 0; k <= MaxScale; ++k) {
        bool fits = true;
        for (double v : values) {
            const double scaled = v * Pow10[k];
            if (!(std::fabs(scaled) <= double(MaxExactInteger))) {
                fits = false;
                break;
            }
            if (double(std::llround(scaled)) / Pow10[k] != v) {
                fits = false;
                break;
            }
        }
        if (fits)
            return k;
    }
    return std::nullopt;
}

qint64 gcd(qint64 a, qint64 b) {
    while (b != 0) {
        const qint64 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

// Integers as: the first, then deltas or deltas of deltas divided by their
// common divisor, whichever is shorter.
void putIntegers(QByteArray &out, const QList<qint64> &xs) {
    qint64 divisor = 0;
    for (qsizetype i = 1; i < xs.size(); ++i)
        divisor = gcd(divisor, std::llabs(xs[i] - xs[i - 1]));
    if (divisor == 0)
        divisor = 1;
    QList<qint64> deltas, dods;
    qint64 lengthDelta = 0, lengthDod = 0, previous = 0;
    for (qsizetype i = 1; i < xs.size(); ++i) {
        const qint64 d = (xs[i] - xs[i - 1]) / divisor;
        deltas.append(d);
        dods.append(d - previous);
        previous = d;
        lengthDelta += varintLength(zigzag(d));
        lengthDod += varintLength(zigzag(dods.last()));
    }
    putVarint(out, quint64(divisor));
    const bool dod = lengthDod < lengthDelta;
    out.append(char(dod ? DeltaOfDelta : Delta));
    putVarint(out, xs.isEmpty() ? 0 : zigzag(xs.first()));
    for (qint64 v : dod ? dods : deltas)
        putVarint(out, zigzag(v));
}

// The inverse of putIntegers for `count` integers, with overflow checks.
QList<qint64> readIntegers(Reader &in, qsizetype count) {
    QList<qint64> xs;
    const quint64 divisor = in.varint();
    const quint8 order = in.byte();
    const qint64 first = unzigzag(in.varint());
    if (!in.ok() || count == 0)
        return xs;
    if (divisor == 0 || divisor > quint64(MaxExactInteger) ||
        (order != Delta && order != DeltaOfDelta)) {
        in.failWith(QStringLiteral("bad integer column header"));
        return xs;
    }
    xs.reserve(count);
    xs.append(first);
    qint64 delta = 0;
    for (qsizetype i = 1; i < count && in.ok(); ++i) {
        const qint64 v = unzigzag(in.varint());
        qint64 scaled = 0, next = 0;
        if (order == DeltaOfDelta) {
            if (__builtin_add_overflow(delta, v, &delta)) {
                in.failWith(QStringLiteral("integer overflow"));
                break;
            }
        } else {
            delta = v;
        }
        if (__builtin_mul_overflow(delta, qint64(divisor), &scaled) ||
            __builtin_add_overflow(xs.last(), scaled, &next)) {
            in.failWith(QStringLiteral("integer overflow"));
            break;
        }
        xs.append(next);
    }
    return xs;
}

void putColumn(QByteArray &out, const Column &column) {
    out.append(char(column.kind));
    const QByteArray path = column.path.toUtf8();
    putVarint(out, quint64(path.size()));
    out.append(path);
    QList<double> values;
    QByteArray bitmap((column.present.size() + 7) / 8, '\0');
    for (qsizetype i = 0; i < column.present.size(); ++i) {
        if (column.present[i]) {
            values.append(column.values[i]);
            bitmap[i / 8] = char(quint8(bitmap[i / 8]) | (1u << (i % 8)));
        }
    }
    const bool all = values.size() == column.present.size();
    out.append(char(all ? 0 : 1));
    if (!all)
        out.append(bitmap);
    if (const auto scale = decimalScale(values)) {
        out.append(char(IntegerCoded));
        out.append(char(*scale));
        QList<qint64> xs;
        xs.reserve(values.size());
        for (double v : values)
            xs.append(std::llround(v * Pow10[*scale]));
        putIntegers(out, xs);
        return;
    }
    out.append(char(XorCoded));
    quint64 previous = 0;
    for (double v : values) {
        const quint64 x = doubleBits(v) ^ previous;
        previous = doubleBits(v);
        for (int b = 0; b < 8; ++b)
            out.append(char(x >> (8 * b)));
    }
}

Expected<void> checkBlock(const Block &block) {
    if (block.size() > MaxPointsPerBlock)
        return fail(QStringLiteral("history block: more than %1 points").arg(MaxPointsPerBlock));
    if (block.columns.size() > MaxColumnsPerBlock)
        return fail(QStringLiteral("history block: more than %1 columns").arg(MaxColumnsPerBlock));
    for (qsizetype i = 0; i < block.times.size(); ++i) {
        if (std::llabs(block.times[i]) > MaxTime)
            return fail(QStringLiteral("history block: time out of range"));
        if (i > 0 && block.times[i] <= block.times[i - 1])
            return fail(QStringLiteral("history block: times not ascending"));
    }
    for (const Column &c : block.columns) {
        if (c.values.size() != block.size() || c.present.size() != block.size())
            return fail(QStringLiteral("history block: column %1 has another length").arg(c.path));
        if (c.path.toUtf8().size() > MaxPathLength)
            return fail(QStringLiteral("history block: path too long"));
        for (qsizetype i = 0; i < c.values.size(); ++i) {
            if (c.present[i] && !std::isfinite(c.values[i]))
                return fail(QStringLiteral("history block: non-finite value in %1").arg(c.path));
        }
    }
    return {};
}

Expected<Column> readColumn(Reader &in, qsizetype n) {
    Column c;
    const quint8 kind = in.byte();
    if (kind > quint8(ColumnKind::Max))
        return fail(QStringLiteral("history block: unknown column kind %1").arg(kind));
    c.kind = ColumnKind(kind);
    const quint64 pathLength = in.varint();
    if (pathLength > quint64(MaxPathLength))
        return fail(QStringLiteral("history block: path too long"));
    c.path = QString::fromUtf8(in.bytes(qsizetype(pathLength)));
    const quint8 presence = in.byte();
    if (presence > 1)
        return fail(QStringLiteral("history block: bad presence mode"));
    c.present.fill(true, n);
    qsizetype m = n;
    if (presence == 1) {
        const QByteArray bitmap = in.bytes((n + 7) / 8);
        m = 0;
        for (qsizetype i = 0; i < n && in.ok(); ++i) {
            c.present[i] = (quint8(bitmap[i / 8]) >> (i % 8)) & 1;
            m += c.present[i];
        }
    }
    const quint8 encoding = in.byte();
    QList<double> values;
    if (encoding == IntegerCoded) {
        const quint8 scale = in.byte();
        if (scale > MaxScale)
            return fail(QStringLiteral("history block: bad decimal scale"));
        for (qint64 x : readIntegers(in, m))
            values.append(double(x) / Pow10[scale]);
    } else if (encoding == XorCoded) {
        quint64 previous = 0;
        for (qsizetype i = 0; i < m && in.ok(); ++i) {
            const QByteArray b = in.bytes(8);
            quint64 x = 0;
            for (int k = 0; k < 8 && in.ok(); ++k)
                x |= quint64(quint8(b[k])) << (8 * k);
            previous ^= x;
            values.append(bitsDouble(previous));
        }
    } else {
        return fail(QStringLiteral("history block: unknown encoding %1").arg(encoding));
    }
    if (!in.ok())
        return fail(QStringLiteral("history block: %1").arg(in.error()));
    c.values.fill(0.0, n);
    qsizetype next = 0;
    for (qsizetype i = 0; i < n; ++i) {
        if (c.present[i]) {
            const double v = values[next++];
            if (!std::isfinite(v))
                return fail(QStringLiteral("history block: non-finite value"));
            c.values[i] = v;
        }
    }
    return c;
}

} // namespace

Column &Block::column(const QString &path, ColumnKind kind) {
    for (Column &c : columns) {
        if (c.kind == kind && c.path == path)
            return c;
    }
    Column c;
    c.path = path;
    c.kind = kind;
    c.values.fill(0.0, times.size());
    c.present.fill(false, times.size());
    columns.append(std::move(c));
    return columns.last();
}

Expected<void> Block::append(qint64 time, const QHash<QString, double> &fields, ColumnKind kind) {
    if (!times.isEmpty() && time <= times.last())
        return fail(
            QStringLiteral("history: point at %1 not after %2").arg(time).arg(times.last()));
    times.append(time);
    for (Column &c : columns) {
        c.values.append(0.0);
        c.present.append(false);
    }
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        Column &c = column(it.key(), kind);
        c.values.last() = it.value();
        c.present.last() = true;
    }
    return {};
}

QHash<QString, double> Block::fieldsAt(qsizetype i, ColumnKind kind) const {
    QHash<QString, double> out;
    for (const Column &c : columns) {
        if (c.kind == kind && c.present.value(i))
            out.insert(c.path, c.values[i]);
    }
    return out;
}

Expected<QByteArray> encodeBlock(const Block &block, int zstdLevel) {
    if (auto checked = checkBlock(block); !checked)
        return fail(checked.error());
    QByteArray raw(Magic, sizeof Magic);
    putVarint(raw, quint64(block.size()));
    putVarint(raw, quint64(block.columns.size()));
    QList<qint64> times(block.times.cbegin(), block.times.cend());
    putIntegers(raw, times);
    for (const Column &c : block.columns)
        putColumn(raw, c);
    if (raw.size() > MaxDecodedBytes)
        return fail(QStringLiteral("history block: too large"));
    QByteArray stored(qsizetype(ZSTD_compressBound(size_t(raw.size()))), Qt::Uninitialized);
    const size_t n = ZSTD_compress(stored.data(), size_t(stored.size()), raw.constData(),
                                   size_t(raw.size()), zstdLevel);
    if (ZSTD_isError(n))
        return fail(QStringLiteral("history block: zstd: %1").arg(ZSTD_getErrorName(n)));
    stored.truncate(qsizetype(n));
    return stored;
}

// One block format read top to bottom, each step checked.
Expected<Block> decodeBlock(const QByteArray &stored) {
    const unsigned long long size =
        ZSTD_getFrameContentSize(stored.constData(), size_t(stored.size()));
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
        return fail(QStringLiteral("history block: not a zstd frame of known size"));
    if (size > quint64(MaxDecodedBytes))
        return fail(QStringLiteral("history block: decoded size %1 over the limit").arg(size));
    QByteArray raw(qsizetype(size), Qt::Uninitialized);
    const size_t n =
        ZSTD_decompress(raw.data(), size_t(raw.size()), stored.constData(), size_t(stored.size()));
    if (ZSTD_isError(n) || n != size)
        return fail(QStringLiteral("history block: zstd: %1")
                        .arg(ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
    if (!raw.startsWith(QByteArray(Magic, sizeof Magic)))
        return fail(QStringLiteral("history block: bad magic or version"));
    Reader in(raw);
    in.bytes(sizeof Magic);
    const quint64 points = in.varint();
    const quint64 columns = in.varint();
    if (!in.ok())
        return fail(QStringLiteral("history block: %1").arg(in.error()));
    if (points > quint64(MaxPointsPerBlock) || columns > quint64(MaxColumnsPerBlock))
        return fail(QStringLiteral("history block: %1 points, %2 columns: over the limits")
                        .arg(points)
                        .arg(columns));
    Block block;
    const QList<qint64> times = readIntegers(in, qsizetype(points));
    if (!in.ok())
        return fail(QStringLiteral("history block: times: %1").arg(in.error()));
    block.times = times;
    for (qsizetype i = 0; i < block.times.size(); ++i) {
        if (std::llabs(block.times[i]) > MaxTime || (i > 0 && block.times[i] <= block.times[i - 1]))
            return fail(QStringLiteral("history block: times not ascending or out of range"));
    }
    for (quint64 i = 0; i < columns; ++i) {
        auto column = readColumn(in, qsizetype(points));
        if (!column)
            return fail(column.error());
        block.columns.append(std::move(*column));
    }
    if (!in.atEnd())
        return fail(QStringLiteral("history block: trailing bytes"));
    return block;
}

namespace {
// The non-empty blocks in time order when no two overlap in time (the usual case: sealed
// windows and the flushes after them), else nothing.
std::optional<QList<qsizetype>> disjointOrder(const QList<Block> &blocks) {
    QList<qsizetype> order;
    for (qsizetype b = 0; b < blocks.size(); ++b)
        if (!blocks[b].isEmpty())
            order.append(b);
    std::sort(order.begin(), order.end(), [&blocks](qsizetype a, qsizetype b) {
        return blocks[a].times.first() < blocks[b].times.first();
    });
    for (qsizetype k = 1; k < order.size(); ++k)
        if (blocks[order[k]].times.first() <= blocks[order[k - 1]].times.last())
            return std::nullopt;
    return order;
}

// Each point's source (block, row): a later block's point at the same time wins.
QList<QPair<qsizetype, qsizetype>> pointSources(const QList<Block> &blocks, QList<qint64> &times) {
    if (const auto order = disjointOrder(blocks)) {
        // Laid end to end: no map of every point.
        QList<QPair<qsizetype, qsizetype>> sources;
        for (qsizetype b : *order) {
            times.append(blocks[b].times);
            for (qsizetype i = 0; i < blocks[b].size(); ++i)
                sources.append({b, i});
        }
        return sources;
    }
    QMap<qint64, QPair<qsizetype, qsizetype>> source; // time -> (block, row); later wins
    for (qsizetype b = 0; b < blocks.size(); ++b)
        for (qsizetype i = 0; i < blocks[b].size(); ++i)
            source.insert(blocks[b].times[i], {b, i});
    times = source.keys();
    return source.values();
}
} // namespace

Block mergeBlocks(const QList<Block> &blocks) {
    Block out;
    const QList<QPair<qsizetype, qsizetype>> source = pointSources(blocks, out.times);
    // Each source column's column in `out`, looked up once.
    QList<QList<qsizetype>> into(blocks.size());
    for (qsizetype b = 0; b < blocks.size(); ++b) {
        for (const Column &c : blocks[b].columns) {
            out.column(c.path, c.kind);
            qsizetype k = 0;
            while (out.columns[k].kind != c.kind || out.columns[k].path != c.path)
                ++k;
            into[b].append(k);
        }
    }
    for (qsizetype row = 0; row < source.size(); ++row) {
        const auto [b, i] = source[row];
        const Block &from = blocks[b];
        for (qsizetype c = 0; c < from.columns.size(); ++c) {
            if (!from.columns[c].present[i])
                continue;
            Column &to = out.columns[into[b][c]];
            to.values[row] = from.columns[c].values[i];
            to.present[row] = true;
        }
    }
    return out;
}

Block sliceBlock(const Block &block, qint64 from, qint64 to) {
    const auto begin = std::lower_bound(block.times.cbegin(), block.times.cend(), from);
    const auto end = std::upper_bound(block.times.cbegin(), block.times.cend(), to);
    const qsizetype first = begin - block.times.cbegin();
    const qsizetype count = std::max<qsizetype>(0, end - begin);
    Block out;
    out.times = block.times.mid(first, count);
    for (const Column &c : block.columns) {
        Column s{c.path, c.kind, c.values.mid(first, count), c.present.mid(first, count)};
        if (s.present.contains(true))
            out.columns.append(std::move(s));
    }
    return out;
}

Block downsample(const Block &block, qint64 step) {
    // Times ascend, so each bucket is a run of rows: firstRow[k] .. firstRow[k + 1].
    Block out;
    QList<qsizetype> firstRow;
    for (qsizetype i = 0; i < block.size(); ++i) {
        const qint64 t = block.times[i];
        const qint64 start = (t >= 0 ? t / step : -((-t + step - 1) / step)) * step;
        if (out.times.isEmpty() || out.times.last() != start) {
            out.times.append(start);
            firstRow.append(i);
        }
    }
    firstRow.append(block.size());
    QSet<QString> hasMaxColumn;
    for (const Column &c : block.columns)
        if (c.kind == ColumnKind::Max)
            hasMaxColumn.insert(c.path);
    for (const bool maxima : {false, true}) {
        for (const Column &c : block.columns) {
            const bool isMax = c.kind == ColumnKind::Max;
            if (maxima ? !(isMax || !hasMaxColumn.contains(c.path)) : isMax)
                continue;
            Column &to = out.column(c.path, maxima ? ColumnKind::Max : ColumnKind::Avg);
            for (qsizetype k = 0; k + 1 < firstRow.size(); ++k) {
                double sum = 0, max = -std::numeric_limits<double>::infinity();
                qint64 count = 0;
                for (qsizetype i = firstRow[k]; i < firstRow[k + 1]; ++i) {
                    if (!c.present[i])
                        continue;
                    sum += c.values[i];
                    max = std::max(max, c.values[i]);
                    ++count;
                }
                if (count == 0)
                    continue;
                to.values[k] = maxima ? max : sum / double(count);
                to.present[k] = true;
            }
        }
    }
    // Columns with nothing in any bucket are left out.
    out.columns.removeIf([](const Column &c) { return !c.present.contains(true); });
    return out;
}

namespace {
void flattenInto(const QJsonObject &object, const QString &prefix, int depth,
                 QHash<QString, double> &out) {
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString key = it.key();
        if (key.isEmpty() || key.size() > 64 || key.contains(u'.'))
            continue;
        if (depth == 0 && (key == u"timestamp" || key == u"max"))
            continue;
        const QString path = prefix.isEmpty() ? key : prefix + u'.' + key;
        if (it->isDouble() && std::isfinite(it->toDouble()))
            out.insert(path, it->toDouble());
        else if (it->isObject() && depth < 3)
            flattenInto(it->toObject(), path, depth + 1, out);
    }
}

void insertPath(QJsonObject &object, QStringView path, double value) {
    const qsizetype dot = path.indexOf(u'.');
    if (dot < 0) {
        object.insert(path.toString(), value);
        return;
    }
    const QString key = path.left(dot).toString();
    QJsonObject inner = object.value(key).toObject();
    insertPath(inner, path.mid(dot + 1), value);
    object.insert(key, inner);
}
} // namespace

QHash<QString, double> flattenSample(const QJsonObject &sample) {
    QHash<QString, double> out;
    flattenInto(sample, {}, 0, out);
    return out;
}

QJsonObject nestFields(const QHash<QString, double> &fields) {
    QJsonObject out;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        insertPath(out, it.key(), it.value());
    return out;
}

std::optional<qint64> parseRfc3339Ms(const QString &text) {
    static const QRegularExpression shape(QStringLiteral(
        R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$)"));
    if (text.size() > 40 || !shape.match(text).hasMatch())
        return std::nullopt;
    QString normalized = text.toUpper();
    // Qt reads at most milliseconds: cut finer fractions.
    static const QRegularExpression fraction(QStringLiteral(R"(\.(\d{1,3})\d*)"));
    normalized.replace(fraction, QStringLiteral(".\\1"));
    const QDateTime t = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

} // namespace mist::history
