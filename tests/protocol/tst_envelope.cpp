// SPDX-License-Identifier: GPL-3.0-or-later

// The hand-written `log` message (the server's hottest path) against the
// general envelope built with QJsonDocument: the same text, row by row, for
// ordinary, hostile and huge input, and for thousands of random strings.
#include "protocol/Envelope.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace mist::protocol;

namespace {

QString reference(const QString &line, const QString &stream, const QString &ts, bool truncated,
                  const QDateTime &now) {
    QJsonObject data{{QStringLiteral("line"), line},
                     {QStringLiteral("stream"), stream},
                     {QStringLiteral("ts"), ts}};
    if (truncated)
        data.insert(QStringLiteral("truncated"), true);
    return envelope(u"log", data, now);
}

QString fromUnits(std::initializer_list<char16_t> units) {
    QString s;
    for (char16_t u : units)
        s.append(QChar(u));
    return s;
}

} // namespace

class TestEnvelope : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void logMessageMatchesEnvelope_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("stream");
        QTest::addColumn<bool>("truncated");
        QTest::newRow("plain") << QStringLiteral("GET /health 200 1.2ms")
                               << QStringLiteral("stdout") << false;
        QTest::newRow("empty") << QString() << QStringLiteral("stdout") << false;
        QTest::newRow("stderr, truncated")
            << QStringLiteral("panic: out of memory") << QStringLiteral("stderr") << true;
        QTest::newRow("quotes and backslashes")
            << QStringLiteral("say \"hi\" \\ C:\\path\\ \\\"") << QStringLiteral("stdout") << false;
        QString controls;
        for (char16_t c = 0; c < 0x20; ++c)
            controls.append(QChar(c));
        controls.append(QChar(0x7f));
        QTest::newRow("every control character") << controls << QStringLiteral("stdout") << false;
        QTest::newRow("json-looking") << QStringLiteral("{\"type\":\"error\",\"data\":{}}")
                                      << QStringLiteral("stdout") << false;
        QTest::newRow("non-ASCII") << QStringLiteral("Grüße, 東京, ☃, \u2028 \u2029 \ufeff")
                                   << QStringLiteral("stdout") << false;
        QTest::newRow("emoji (surrogate pairs)")
            << fromUnits({u'a', 0xD83D, 0xDE00, u'b', 0xD83E, 0xDD16}) << QStringLiteral("stdout")
            << false;
        QTest::newRow("replacement character")
            << QString(QChar::ReplacementCharacter) << QStringLiteral("stdout") << false;
        QTest::newRow("1 MiB line")
            << QString(1024 * 1024, u'x') << QStringLiteral("stdout") << true;
        QTest::newRow("hostile stream name")
            << QStringLiteral("x") << QStringLiteral("std\"out\n") << false;
    }
    void logMessageMatchesEnvelope() {
        QFETCH(QString, line);
        QFETCH(QString, stream);
        QFETCH(bool, truncated);
        const QString ts = QStringLiteral("2026-11-28T12:00:01.123456789Z");
        const QDateTime now =
            QDateTime::fromString(QStringLiteral("2026-11-28T12:00:02Z"), Qt::ISODate);
        const QString fast = logMessage(line, stream, ts, truncated, now);
        QCOMPARE(fast, reference(line, stream, ts, truncated, now));
        // And it is JSON that parses back to the input.
        QJsonParseError error;
        const QJsonObject parsed = QJsonDocument::fromJson(fast.toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject data = parsed.value(QStringLiteral("data")).toObject();
        QCOMPARE(data.value(QStringLiteral("line")).toString(), line);
        QCOMPARE(data.value(QStringLiteral("stream")).toString(), stream);
        QCOMPARE(data.value(QStringLiteral("truncated")).toBool(), truncated);
        QCOMPARE(parsed.value(QStringLiteral("type")).toString(), QStringLiteral("log"));
    }

    // A Swarm service's line carries where it came from.
    void serviceLogMessageMatchesEnvelope_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("truncated");
        QTest::addColumn<QString>("task");
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("nodeName");
        QTest::addColumn<int>("slot");
        const QString task = QStringLiteral("q7y1kqz4x0r6b2m9e8d3c5a1f");
        const QString node = QStringLiteral("n3kp2wzq9t8s7r6v5u4y3x2w1");
        QTest::newRow("replica 2")
            << QStringLiteral("GET / 200") << false << task << node << QStringLiteral("web-1") << 2;
        QTest::newRow("slot not known yet: left out")
            << QStringLiteral("starting") << false << task << node << QStringLiteral("web-1") << 0;
        QTest::newRow("node not named yet")
            << QStringLiteral("x") << false << task << node << QString() << 1;
        QTest::newRow("no details (TTY service)")
            << QStringLiteral("x") << false << QString() << QString() << QString() << 0;
        QTest::newRow("truncated, large slot")
            << QString(4096, u'y') << true << task << node << QStringLiteral("n") << 2147483647;
        QTest::newRow("hostile names")
            << QStringLiteral("\"}\n") << false << QStringLiteral("t\"\\")
            << QStringLiteral("\u0001") << QStringLiteral("Grüße \u2028") << 3;
    }
    void serviceLogMessageMatchesEnvelope() {
        QFETCH(QString, line);
        QFETCH(bool, truncated);
        QFETCH(QString, task);
        QFETCH(QString, node);
        QFETCH(QString, nodeName);
        QFETCH(int, slot);
        const QString ts = QStringLiteral("2026-11-28T12:00:01.123456789Z");
        const QDateTime now =
            QDateTime::fromString(QStringLiteral("2026-11-28T12:00:02Z"), Qt::ISODate);
        QJsonObject data{
            {QStringLiteral("line"), line}, {QStringLiteral("stream"), QStringLiteral("stderr")},
            {QStringLiteral("ts"), ts},     {QStringLiteral("task"), task},
            {QStringLiteral("node"), node}, {QStringLiteral("nodeName"), nodeName}};
        if (slot > 0)
            data.insert(QStringLiteral("slot"), slot);
        if (truncated)
            data.insert(QStringLiteral("truncated"), true);
        QCOMPARE(serviceLogMessage(line, QStringLiteral("stderr"), ts, truncated,
                                   TaskOrigin{task, node, nodeName, slot}, now),
                 envelope(u"log", data, now));
    }

    // A lone surrogate cannot survive UTF-8 (engine lines are decoded from
    // UTF-8, so it never comes from there); the message carries U+FFFD and
    // stays valid JSON.
    void loneSurrogatesBecomeReplacementCharacters_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("expected");
        const QString r(QChar::ReplacementCharacter);
        QTest::newRow("high alone")
            << fromUnits({u'a', 0xD800, u'b'}) << QStringLiteral("a") + r + u'b';
        QTest::newRow("low alone") << fromUnits({0xDC00}) << r;
        QTest::newRow("high at the end") << fromUnits({u'x', 0xDBFF}) << QStringLiteral("x") + r;
        QTest::newRow("two highs then low")
            << fromUnits({0xD83D, 0xD83D, 0xDE00}) << r + fromUnits({0xD83D, 0xDE00});
    }
    void loneSurrogatesBecomeReplacementCharacters() {
        QFETCH(QString, line);
        QFETCH(QString, expected);
        const QString fast = logMessage(line, QStringLiteral("stdout"), QStringLiteral("t"), false);
        QJsonParseError error;
        const QJsonObject parsed = QJsonDocument::fromJson(fast.toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(parsed.value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("line"))
                     .toString(),
                 expected);
    }

    void randomStringsMatchEnvelope() {
        QRandomGenerator rng(20261128);
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC);
        for (int i = 0; i < 5000; ++i) {
            QString line;
            const int n = int(rng.bounded(64));
            for (int k = 0; k < n; ++k) {
                // Mostly ASCII with controls, some BMP, some valid pairs.
                const quint32 pick = rng.bounded(100);
                if (pick < 70)
                    line.append(QChar(char16_t(rng.bounded(0x80))));
                else if (pick < 90)
                    line.append(QChar(char16_t(0x80 + rng.bounded(0xD800 - 0x80))));
                else
                    line.append(fromUnits({char16_t(0xD800 + rng.bounded(0x400)),
                                           char16_t(0xDC00 + rng.bounded(0x400))}));
            }
            const bool truncated = rng.bounded(2);
            QCOMPARE(
                logMessage(line, QStringLiteral("stderr"), QStringLiteral("ts"), truncated, now),
                reference(line, QStringLiteral("stderr"), QStringLiteral("ts"), truncated, now));
        }
    }

    // The escaping looks at eight characters at a time: every character that
    // matters (and neighbours of the ranges it tests) at every offset of a
    // line, so that none slips through a block or its tail.
    void everyCharacterAtEveryOffset() {
        QList<char16_t> probes;
        for (char16_t c = 0; c < 0x20; ++c)
            probes << c;
        probes << u' ' << u'"' << u'\\' << 0x21 << 0x5B << 0x5D << 0x7F << 0x80 << 0x7FFF << 0x8000
               << 0x8020 << 0xD7FF << 0xD800 << 0xDBFF << 0xDC00 << 0xDFFF << 0xE000 << 0xFFFD
               << 0xFFFF;
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC);
        for (const char16_t c : std::as_const(probes)) {
            for (int at = 0; at < 24; ++at) {
                QString line(24, u'a');
                line[at] = QChar(c);
                // A lone surrogate is U+FFFD (see above); QJsonDocument
                // would write \udXXX.
                QString expected = line;
                if (QChar::isSurrogate(c))
                    expected[at] = QChar::ReplacementCharacter;
                QCOMPARE(
                    logMessage(line, QStringLiteral("stdout"), QStringLiteral("ts"), false, now),
                    reference(expected, QStringLiteral("stdout"), QStringLiteral("ts"), false,
                              now));
            }
        }
    }

    void timestampFollowsTheClock() {
        const QDateTime a = QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC);
        const QDateTime b = a.addSecs(1);
        const QString first =
            logMessage(QStringLiteral("x"), QStringLiteral("stdout"), {}, false, a);
        const QString second =
            logMessage(QStringLiteral("x"), QStringLiteral("stdout"), {}, false, b);
        QVERIFY(first.contains(rfc3339Seconds(a)));
        QVERIFY(second.contains(rfc3339Seconds(b)));
        QVERIFY(logMessage(QStringLiteral("x"), QStringLiteral("stdout"), {}, false, a)
                    .contains(rfc3339Seconds(a)));
    }
};

QTEST_GUILESS_MAIN(TestEnvelope)
#include "tst_envelope.moc"
