// SPDX-License-Identifier: GPL-3.0-or-later

#include "HistoryAnswer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace mist::history {

namespace {

// A key as QJsonDocument::Compact writes it, quoted and escaped, with its colon ("cpu":): asked
// of Qt itself, once per key and answer, so that escaping is Qt's.
QByteArray jsonKey(const QString &key) {
    const QByteArray one = QJsonDocument(QJsonObject{{key, 0}}).toJson(QJsonDocument::Compact);
    return one.mid(1, one.size() - 3); // {"key":0} -> "key":
}

// A string as QJsonDocument::Compact writes it, quoted and escaped.
QByteArray jsonString(const QString &text) {
    const QByteArray one = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return one.mid(1, one.size() - 2); // ["text"] -> "text"
}

// One key of an answer's object: a column's value, an object of deeper paths, or both (a path
// that was a number at some seconds and an object at others: the object wins where it has
// fields, as QJsonObject::insert of the object after the number did).
struct Node {
    enum class Special { None, Timestamp, Max };
    QString name;
    QByteArray key;        // jsonKey(name)
    qsizetype column = -1; // the column of exactly this path, or -1
    QList<Node> children;  // in QJsonObject's key order
    Special special = Special::None;
};

Node &childNamed(QList<Node> &nodes, const QString &name) {
    for (Node &n : nodes)
        if (n.name == name)
            return n;
    nodes.append(Node{name, {}, -1, {}, Node::Special::None});
    return nodes.last();
}

// The columns of `kind` as a tree of their dotted paths.
QList<Node> treeOf(const Block &block, ColumnKind kind) {
    QList<Node> roots;
    for (qsizetype c = 0; c < block.columns.size(); ++c) {
        if (block.columns[c].kind != kind)
            continue;
        const QStringList parts = block.columns[c].path.split(u'.');
        QList<Node> *level = &roots;
        for (qsizetype i = 0; i < parts.size(); ++i) {
            Node &n = childNamed(*level, parts[i]);
            if (i + 1 == parts.size())
                n.column = c;
            else
                level = &n.children;
        }
    }
    return roots;
}

// Sorts each level as a QJsonObject orders its keys (asked of a QJsonObject) and renders keys.
void order(QList<Node> &nodes) {
    QJsonObject keys;
    for (const Node &n : std::as_const(nodes))
        keys.insert(n.name, 0);
    const QStringList ordered = keys.keys();
    std::sort(nodes.begin(), nodes.end(), [&ordered](const Node &a, const Node &b) {
        return ordered.indexOf(a.name) < ordered.indexOf(b.name);
    });
    for (Node &n : nodes) {
        n.key = jsonKey(n.name);
        order(n.children);
    }
}

// The top level of a point: the values' tree, "timestamp" (it replaces a field of that name, as
// the insert after the fields did) and, aggregated, "max" (likewise).
QList<Node> pointTree(const Block &block, bool aggregated) {
    QList<Node> top = treeOf(block, aggregated ? ColumnKind::Avg : ColumnKind::Value);
    Node &time = childNamed(top, QStringLiteral("timestamp"));
    time = Node{time.name, {}, -1, {}, Node::Special::Timestamp};
    if (aggregated) {
        Node &max = childNamed(top, QStringLiteral("max"));
        max = Node{max.name, {}, -1, treeOf(block, ColumnKind::Max), Node::Special::Max};
    }
    order(top);
    return top;
}

bool writeMembers(QByteArray &out, const QList<Node> &nodes, const Block &block, qsizetype row);

// Member `n` at `row` (after a comma when `comma`), if it has anything there; whether it had.
bool writeMember(QByteArray &out, const Node &n, const Block &block, qsizetype row, bool comma) {
    const qsizetype mark = out.size();
    if (!n.children.isEmpty()) {
        if (comma)
            out += ',';
        out += n.key;
        out += '{';
        if (writeMembers(out, n.children, block, row)) {
            out += '}';
            return true;
        }
        out.truncate(mark);
    }
    if (n.column < 0)
        return false;
    const Column &c = block.columns[n.column];
    if (!c.present[row])
        return false;
    if (comma)
        out += ',';
    out += n.key;
    appendJsonNumber(out, c.values[row]);
    return true;
}

bool writeMembers(QByteArray &out, const QList<Node> &nodes, const Block &block, qsizetype row) {
    bool any = false;
    for (const Node &n : nodes)
        any = writeMember(out, n, block, row, any) || any;
    return any;
}

void writePoint(QByteArray &out, const QList<Node> &top, const Block &block, qsizetype row,
                TimestampWriter &times) {
    out += '{';
    bool any = false;
    for (const Node &n : top) {
        if (n.special == Node::Special::None) {
            any = writeMember(out, n, block, row, any) || any;
            continue;
        }
        if (any)
            out += ',';
        out += n.key;
        if (n.special == Node::Special::Timestamp) {
            times.append(out, block.times[row]);
        } else {
            out += '{';
            writeMembers(out, n.children, block, row);
            out += '}';
        }
        any = true;
    }
    out += '}';
}

// QByteArray::number(value, 'g', QLocale::FloatingPointShortest) for a finite value, without
// its allocation: the shortest digits that read back as `value` (std::to_chars), laid out as Qt
// does: the shorter of the plain decimal and the exponent form ("1.5e-07", two exponent digits
// at least), the plain one when they are as long.
void appendShortest(QByteArray &out, double value) {
    char sci[32]; // "-d.ddddddddddddddddde-308"
    const char *end =
        std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific).ptr;
    const char *e = std::find(static_cast<const char *>(sci), end, 'e');
    const bool negative = sci[0] == '-';
    char digits[20];
    int count = 0;
    for (const char *p = sci + negative; p < e; ++p)
        if (*p != '.')
            digits[count++] = *p;
    int exponent = 0;
    std::from_chars(e + 1 + (e[1] == '+'), end, exponent);
    const int exponentDigits = std::abs(exponent) >= 100 ? 3 : 2;
    const int exponentLength = count + (count > 1) + 2 + exponentDigits;
    const int decpt = exponent + 1; // digits before the point
    const int plainLength =
        decpt <= 0 ? 2 - decpt + count : std::max(decpt, count) + (count > decpt);
    if (negative)
        out += '-';
    if (plainLength <= exponentLength) {
        if (decpt <= 0) {
            out += "0.";
            out.append(qsizetype(-decpt), '0');
            out.append(digits, count);
        } else if (decpt >= count) {
            out.append(digits, count);
            out.append(qsizetype(decpt - count), '0');
        } else {
            out.append(digits, decpt);
            out += '.';
            out.append(digits + decpt, count - decpt);
        }
        return;
    }
    out += digits[0];
    if (count > 1) {
        out += '.';
        out.append(digits + 1, count - 1);
    }
    out += exponent < 0 ? "e-" : "e+";
    if (std::abs(exponent) < 10)
        out += '0';
    char number[8];
    const char *numberEnd = std::to_chars(number, number + sizeof number, std::abs(exponent)).ptr;
    out.append(number, numberEnd - number);
}

void appendTwoDigits(QByteArray &out, qint64 v) {
    out += char('0' + v / 10);
    out += char('0' + v % 10);
}

} // namespace

void appendJsonNumber(QByteArray &out, double value) {
    // QJsonValue(double) keeps a whole number that a double holds exactly (within ±2^53) as an
    // integer, and QJsonDocument prints that with QByteArray::number(qint64).
    constexpr double MaxExact = 9007199254740992.0; // 2^53
    if (value >= -MaxExact && value <= MaxExact && value == std::trunc(value)) {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, qint64(value)).ptr;
        out.append(digits, end - digits);
        return;
    }
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    appendShortest(out, value);
}

void TimestampWriter::append(QByteArray &out, qint64 seconds) {
    constexpr qint64 Day = 24 * 3600;
    const qint64 day = (seconds >= 0 ? seconds / Day : -((-seconds + Day - 1) / Day)) * Day;
    if (!m_known || day != m_day) {
        // Qt's own text of the day's midnight: its date part is every second's of the day when
        // it has the usual shape (years 0 to 9999); else each second is asked of Qt.
        const QString midnight = QDateTime::fromSecsSinceEpoch(day, Qt::UTC).toString(Qt::ISODate);
        m_day = day;
        m_known = true;
        m_date = midnight.size() == 20 && midnight.endsWith(QLatin1String("T00:00:00Z"))
                     ? '"' + midnight.left(11).toLatin1()
                     : QByteArray();
    }
    if (m_date.isEmpty()) {
        out += jsonString(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(Qt::ISODate));
        return;
    }
    const qint64 s = seconds - day;
    out += m_date;
    appendTwoDigits(out, s / 3600);
    out += ':';
    appendTwoDigits(out, s / 60 % 60);
    out += ':';
    appendTwoDigits(out, s % 60);
    out += "Z\"";
}

QByteArray answerJson(const Block &points, qint64 step, bool aggregated, const QByteArray &before,
                      const QByteArray &after) {
    const QList<Node> top = pointTree(points, aggregated);
    QByteArray out;
    out.reserve(64 + points.size() * (32 + 24 * points.columns.size()));
    out += before;
    out += "{\"points\":[";
    TimestampWriter times;
    for (qsizetype row = 0; row < points.size(); ++row) {
        if (row > 0)
            out += ',';
        writePoint(out, top, points, row, times);
    }
    out += "],\"step\":";
    appendJsonNumber(out, double(step));
    out += '}';
    out += after;
    return out;
}

} // namespace mist::history
