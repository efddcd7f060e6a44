// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: the query-string, id, cookie and timestamp parsing of protocol/Parsing.h.
//
// The whole input is used as text for every parser:
// - parseId: accepts exactly the decimal numbers 1..2^53-1 without sign, blanks or leading zero
//   (checked against a regular expression and a numeric comparison), and an accepted id prints
//   back to the same text;
// - singleQueryValue over QUrlQuery(input): a value is returned exactly when one item of the
//   query has the key once fully decoded (counted by hand, so "%61ppId=1&appId=2" is ambiguous),
//   and it is that item's decoded value; parseId of it as the endpoints do;
// - cookieValue: the value is a piece of the header without ';', and a token put into a
//   realistic header is found again;
// - parseEngineTimestampNs: accepts exactly the RFC 3339 shape of the header with a valid date
//   in 1970..2261 and a valid time and offset, and gives the same nanoseconds as QDateTime with
//   that offset; engineSinceParameter of a result at or after the epoch reads back to it;
// - parseAnsiStyles (text/AnsiStyle.h): the plain text is exactly stripAnsiEscapes' text, the
//   runs are in order, inside it, not empty, never default-styled, at most MaxAnsiRuns;
// - parseJsonLogLine (text/JsonLogLine.h): only text in braces is read, at most
//   MaxJsonLogFields fields, and a read line shows something unless it is an empty object.

#include "FuzzSupport.h"

#include "protocol/Parsing.h"
#include "text/AnsiEscapes.h"
#include "text/AnsiStyle.h"
#include "text/JsonLogLine.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

using namespace mist;
using mist::fuzz::show;

namespace {

void checkParseId(const QString &text) {
    const std::optional<qint64> id = protocol::parseId(text);
    static const QRegularExpression shape(QStringLiteral("^[1-9][0-9]{0,15}\\z"));
    bool inRange = false;
    if (shape.match(text).hasMatch()) {
        const QString max = QString::number(protocol::MaxId);
        inRange = text.size() < max.size() || (text.size() == max.size() && text <= max);
    }
    FUZZ_CHECK(id.has_value() == inRange, "parseId(%s) %s", show(text).constData(),
               id ? "accepted a text outside 1..2^53-1" : "refused a valid id");
    if (id) {
        FUZZ_CHECK(*id >= 1 && *id <= protocol::MaxId, "parseId(%s) = %lld", show(text).constData(),
                   qlonglong(*id));
        FUZZ_CHECK(QString::number(*id) == text, "parseId(%s) = %lld does not print back",
                   show(text).constData(), qlonglong(*id));
    }
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// RFC 3986 percent-decoding. nullopt for a '%' without two hex digits after it, or bytes that
// are not UTF-8 once decoded: how QUrlQuery shows those is Qt's business (and no such text
// is a key the server looks for, nor a valid id or timestamp).
std::optional<QString> percentDecoded(const QString &text) {
    const QByteArray in = text.toUtf8();
    QByteArray out;
    for (qsizetype i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size() || hexDigit(in[i + 1]) < 0 || hexDigit(in[i + 2]) < 0)
            return std::nullopt;
        out += char(hexDigit(in[i + 1]) * 16 + hexDigit(in[i + 2]));
        i += 2;
    }
    const QString decoded = QString::fromUtf8(out);
    if (decoded.toUtf8() != out)
        return std::nullopt;
    return decoded;
}

void checkQuery(const QString &text) {
    const QUrlQuery query(text);
    const QString keys[] = {QStringLiteral("appId"), QStringLiteral("deploymentId"),
                            QStringLiteral("since"), QStringLiteral("after")};
    // Items as a server sees them: split at '&', key up to the first '=', both percent-decoded
    // ('+' stays '+', as QUrlQuery does). Empty items are not items.
    struct Item {
        std::optional<QString> key, value;
    };
    QList<Item> items;
    for (const QString &item : text.split(u'&')) {
        if (item.isEmpty())
            continue;
        const qsizetype eq = item.indexOf(u'=');
        items.append({percentDecoded(eq < 0 ? item : item.left(eq)),
                      percentDecoded(eq < 0 ? QString() : item.mid(eq + 1))});
    }
    for (const QString &key : keys) {
        const std::optional<QString> value = protocol::singleQueryValue(query, key);
        qsizetype count = 0;
        std::optional<QString> only;
        for (const Item &item : std::as_const(items)) {
            if (item.key == key) {
                ++count;
                only = item.value;
            }
        }
        FUZZ_CHECK(value.has_value() == (count == 1),
                   "singleQueryValue(%s, %s): %s, but %lld items have that key",
                   show(text).constData(), key.toLatin1().constData(),
                   value ? "a value" : "nothing", qlonglong(count));
        if (value) {
            FUZZ_CHECK(!only || *value == *only, "singleQueryValue(%s, %s) = %s, the item says %s",
                       show(text).constData(), key.toLatin1().constData(), show(*value).constData(),
                       show(*only).constData());
            checkParseId(*value); // what the endpoints do with appId / deploymentId
        }
    }
}

void checkCookie(const QByteArray &header) {
    const QByteArray name("mist_token");
    const QByteArray value = protocol::cookieValue(header, name);
    FUZZ_CHECK(!value.contains(';'), "cookieValue(%s) = %s contains ';'", show(header).constData(),
               show(value).constData());
    FUZZ_CHECK(value.isEmpty() || header.contains(value), "cookieValue(%s) = %s is not in it",
               show(header).constData(), show(value).constData());

    // A token made of the input's cookie-octets (RFC 6265), between two other cookies.
    QByteArray token;
    for (const char c : header) {
        const auto u = uchar(c);
        if (u > 0x20 && u < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\')
            token += c;
    }
    token = token.left(64);
    const QByteArray built = "theme=dark; " + name + '=' + token + "; other=1";
    const QByteArray found = protocol::cookieValue(built, name);
    FUZZ_CHECK(found == token, "cookieValue(%s) = %s, expected %s", show(built).constData(),
               show(found).constData(), show(token).constData());
    const QByteArray quoted = name + "=\"" + token + '"';
    FUZZ_CHECK(protocol::cookieValue(quoted, name) == token, "quoted cookie %s not unquoted",
               show(quoted).constData());
}

void checkTimestamp(const QString &text) {
    const std::optional<qint64> ns = protocol::parseEngineTimestampNs(text);

    static const QRegularExpression shape(QStringLiteral(
        "^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]+))?"
        "(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))\\z"));
    const QRegularExpressionMatch m = shape.match(text);
    std::optional<qint64> expected;
    if (m.hasMatch()) {
        const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
        const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
        const int oh = m.captured(10).toInt();
        const int om = m.captured(11).toInt();
        const bool offsetOk = m.captured(8).isEmpty() ? oh <= 23 && om <= 59 : true;
        if (date.isValid() && time.isValid() && date.year() >= 1970 && date.year() <= 2261 &&
            offsetOk) {
            const int offset = (oh * 3600 + om * 60) * (m.captured(9) == u"-" ? -1 : 1);
            const QDateTime dt(date, time, Qt::OffsetFromUTC, offset);
            const QString fraction = (m.captured(7) + QStringLiteral("000000000")).left(9);
            expected = dt.toSecsSinceEpoch() * 1000000000LL + fraction.toLongLong();
        }
    }
    FUZZ_CHECK(ns == expected, "parseEngineTimestampNs(%s) = %s%lld, expected %s%lld",
               show(text).constData(), ns ? "" : "nullopt ", qlonglong(ns.value_or(0)),
               expected ? "" : "nullopt ", qlonglong(expected.value_or(0)));

    // The engine's since= form. Not checked below the epoch: a timestamp of 1970-01-01 with a
    // negative offset gives negative nanoseconds, and engineSinceParameter prints those as
    // "-3599.-500000000" (reported in docs/FUZZING.md, not an invariant of this target).
    if (ns && *ns >= 0) {
        const QString since = protocol::engineSinceParameter(*ns);
        static const QRegularExpression sinceShape(QStringLiteral("^([0-9]+)\\.([0-9]{9})\\z"));
        const QRegularExpressionMatch s = sinceShape.match(since);
        FUZZ_CHECK(s.hasMatch(), "engineSinceParameter(%lld) = %s", qlonglong(*ns),
                   show(since).constData());
        FUZZ_CHECK(s.captured(1).toLongLong() * 1000000000LL + s.captured(2).toLongLong() == *ns,
                   "engineSinceParameter(%lld) = %s reads back differently", qlonglong(*ns),
                   show(since).constData());
    }
}

} // namespace

void checkAnsiStyles(const QString &text) {
    const text::StyledText out = text::parseAnsiStyles(text);
    FUZZ_CHECK(out.plain == text::stripAnsiEscapes(text),
               "parseAnsiStyles(%s): plain text differs from stripAnsiEscapes",
               show(text).constData());
    FUZZ_CHECK(out.runs.size() <= text::MaxAnsiRuns, "parseAnsiStyles(%s): %lld runs",
               show(text).constData(), qlonglong(out.runs.size()));
    int end = 0;
    for (const text::AnsiRun &r : out.runs) {
        FUZZ_CHECK(r.start >= end && r.length > 0 && r.start + r.length <= out.plain.size() &&
                       !r.style.isDefault(),
                   "parseAnsiStyles(%s): bad run %d+%d", show(text).constData(), r.start, r.length);
        end = r.start + r.length;
    }
}

void checkJsonLogLine(const QString &text) {
    const auto line = text::parseJsonLogLine(text);
    if (!line)
        return;
    const QString t = text.trimmed();
    FUZZ_CHECK(t.startsWith(u'{') && t.endsWith(u'}'), "parseJsonLogLine(%s) read a non-object",
               show(text).constData());
    FUZZ_CHECK(line->fields.size() <= text::MaxJsonLogFields, "parseJsonLogLine(%s): %lld fields",
               show(text).constData(), qlonglong(line->fields.size()));
    FUZZ_CHECK(!line->shown().isEmpty() ||
                   (line->level.isEmpty() && line->message.isEmpty() && line->fields.isEmpty()),
               "parseJsonLogLine(%s) shows nothing", show(text).constData());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096)
        return 0; // ids, queries, cookies and timestamps are short; keep the runs fast
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString text = QString::fromUtf8(bytes);
    checkParseId(text);
    checkQuery(text);
    checkCookie(bytes);
    checkTimestamp(text);
    checkAnsiStyles(text);
    checkJsonLogLine(text);
    return 0;
}
