// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::engine::LogStreamDecoder: incremental decoding of the Docker Engine API
// (v1.41) container log stream (follow=1&stdout=1&stderr=1&timestamps=1) into whole lines.

#include "TestPaths.h"
#include "engine/LogStreamDecoder.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtEndian>
#include <QtTest>

using mist::engine::LogLine;
using mist::engine::LogStreamDecoder;

namespace {

constexpr qsizetype MiB = 1024 * 1024;
constexpr qsizetype Piece = 16 * 1024; // the engine's log entry size for long lines

const QByteArray TS1 = "2025-01-15T10:30:01.123456789Z";
const QByteArray TS2 = "2025-01-15T10:30:02.2Z";
const QByteArray TS3 = "2025-01-15T10:30:03Z";
const QByteArray TS4 = "2025-01-15T10:30:04.000000004+01:00";

QByteArray frame(int type, QByteArrayView payload) {
    QByteArray f(8, '\0');
    f[0] = char(type);
    qToBigEndian<quint32>(quint32(payload.size()), f.data() + 4);
    f.append(payload);
    return f;
}

QByteArray header(quint8 type, quint32 size, const QByteArray &padding = QByteArray(3, '\0')) {
    QByteArray h(8, '\0');
    h[0] = char(type);
    std::memcpy(h.data() + 1, padding.data(), 3);
    qToBigEndian<quint32>(size, h.data() + 4);
    return h;
}

QByteArray entry(QByteArrayView ts, QByteArrayView text) {
    QByteArray e;
    e.reserve(ts.size() + 1 + text.size());
    e.append(ts).append(' ').append(text);
    return e;
}

// The engine's cutting of one line into entries: pieces of at most 16 KiB of content, each with
// its own timestamp (ts[i], the last one repeating); the '\n' ends the last piece, or comes in
// an entry of its own when the content filled the last piece.
QList<QByteArray> enginePieces(const QList<QByteArray> &ts, QByteArrayView content) {
    QList<QByteArray> pieces;
    qsizetype pos = 0;
    do {
        const qsizetype n = std::min(Piece, content.size() - pos);
        QByteArray p = entry(ts.value(pieces.size(), ts.last()), content.sliced(pos, n));
        pos += n;
        if (n < Piece)
            p += '\n';
        pieces.append(p);
        if (n == Piece && pos == content.size())
            pieces.append(entry(ts.value(pieces.size(), ts.last()), "\n"));
    } while (pos < content.size());
    return pieces;
}

QByteArray muxLine(int type, const QList<QByteArray> &ts, QByteArrayView content) {
    QByteArray out;
    for (const QByteArray &p : enginePieces(ts, content))
        out += frame(type, p);
    return out;
}

// TTY: the raw line includes the '\r' the terminal puts before the '\n'.
QByteArray ttyLine(const QList<QByteArray> &ts, QByteArrayView content) {
    return enginePieces(ts, content.toByteArray() + '\r').join();
}

QString render(const LogLine &l) {
    QString s = l.stream + u'|' + l.ts + u'|' + l.line;
    if (l.truncated)
        s += QLatin1String("|truncated");
    return s;
}

QStringList render(const QList<LogLine> &lines) {
    QStringList out;
    out.reserve(lines.size());
    for (const LogLine &l : lines)
        out.append(render(l));
    return out;
}

QString L(const char *stream, QByteArrayView ts, const QString &line) {
    return QLatin1String(stream) + u'|' + QString::fromLatin1(ts) + u'|' + line;
}

LogStreamDecoder::Mode modeOf(bool tty) {
    return tty ? LogStreamDecoder::Mode::Tty : LogStreamDecoder::Mode::Multiplexed;
}

QList<LogLine> decodeChunks(bool tty, const QList<QByteArrayView> &chunks, bool finish = true,
                            qsizetype maxLine = MiB) {
    LogStreamDecoder d(modeOf(tty), maxLine);
    QList<LogLine> out;
    for (QByteArrayView c : chunks)
        d.feed(c, out);
    if (finish)
        d.finish(out);
    return out;
}

QList<LogLine> decodeInChunksOf(bool tty, QByteArrayView input, qsizetype chunk,
                                qsizetype maxLine = MiB) {
    LogStreamDecoder d(modeOf(tty), maxLine);
    QList<LogLine> out;
    if (chunk <= 0)
        chunk = std::max<qsizetype>(input.size(), 1);
    for (qsizetype pos = 0; pos < input.size(); pos += chunk)
        d.feed(input.sliced(pos, std::min(chunk, input.size() - pos)), out);
    d.finish(out);
    return out;
}

#ifdef Q_OS_LINUX
qint64 residentKiB() {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &l : lines) {
        if (l.startsWith("VmRSS:"))
            return l.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}
#endif

} // namespace

class TestLogStreamDecoder : public QObject {
    Q_OBJECT

private slots:
    void singleFrame_data();
    void singleFrame();
    void manyFramesInOneChunk();
    void splitAtEveryOffset_data();
    void splitAtEveryOffset();
    void randomChunkingMatchesWholeFeed_data();
    void randomChunkingMatchesWholeFeed();
    void streamTagging_data();
    void streamTagging();
    void interleavedPartials();
    void longLineJoined_data();
    void longLineJoined();
    void hugeLineTruncated_data();
    void hugeLineTruncated();
    void customLineLimit_data();
    void customLineLimit();
    void hundredMiBLineStaysBounded_data();
    void hundredMiBLineStaysBounded();
    void invalidUtf8_data();
    void invalidUtf8();
    void ttyMode_data();
    void ttyMode();
    void finishFlushesPartial_data();
    void finishFlushesPartial();
    void finishResetsForNewStream();
    void hostileHeaders_data();
    void hostileHeaders();
    void largestAllowedFrameIsAccepted();
    void garbageNeverCrashes_data();
    void garbageNeverCrashes();
    void emptyPayloadFrames();
    void entryWithoutTimestamp_data();
    void entryWithoutTimestamp();
    void entriesSeenAndLastTs();
    void realEngineCapture_data();
    void realEngineCapture();
};

void TestLogStreamDecoder::singleFrame_data() {
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << entry(TS1, "hello\n") << L("stdout", TS1, "hello");
    QTest::newRow("spaces kept") << entry(TS1, "  two  spaces \n")
                                 << L("stdout", TS1, "  two  spaces ");
    QTest::newRow("empty line") << entry(TS1, "\n") << L("stdout", TS1, "");
    QTest::newRow("ts without fraction") << entry(TS3, "x\n") << L("stdout", TS3, "x");
    QTest::newRow("ts with short fraction") << entry(TS2, "x\n") << L("stdout", TS2, "x");
    QTest::newRow("ts with offset") << entry(TS4, "x\n") << L("stdout", TS4, "x");
    QTest::newRow("utf-8") << entry(TS1, "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\n")
                           << L("stdout", TS1, QStringLiteral("h\u00e9llo \u2713 \U0001F600"));
    QTest::newRow("timestamp-like text after ts")
        << entry(TS1, TS2 + " x\n") << L("stdout", TS1, QString::fromLatin1(TS2 + " x"));
}

void TestLogStreamDecoder::singleFrame() {
    QFETCH(QByteArray, payload);
    QFETCH(QString, expected);

    LogStreamDecoder d;
    QList<LogLine> out;
    d.feed(frame(1, payload), out);
    QCOMPARE(render(out), QStringList{expected});
    QVERIFY(!out.first().truncated);
    QCOMPARE(d.entriesSeen(), quint64(1));
    QCOMPARE(d.lastEntryTs(), out.first().ts);
    QVERIFY(!d.failed());
    d.finish(out);
    QCOMPARE(out.size(), 1);
}

void TestLogStreamDecoder::manyFramesInOneChunk() {
    QByteArray input;
    QStringList expected;
    for (int i = 0; i < 1000; ++i) {
        const QByteArray ts = "2025-01-15T10:30:01." + QByteArray::number(100000000 + i) + 'Z';
        const int type = i % 3 == 2 ? 2 : 1;
        input += frame(type, entry(ts, "line " + QByteArray::number(i) + '\n'));
        expected << L(type == 2 ? "stderr" : "stdout", ts, QStringLiteral("line %1").arg(i));
    }
    LogStreamDecoder d;
    QList<LogLine> out;
    d.feed(input, out);
    QCOMPARE(render(out), expected);
    QCOMPARE(d.entriesSeen(), quint64(1000));
    QCOMPARE(d.lastEntryTs(), QStringLiteral("2025-01-15T10:30:01.100000999Z"));
}

void TestLogStreamDecoder::splitAtEveryOffset_data() {
    QTest::addColumn<bool>("tty");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("multiplexed frames")
        << false
        << frame(1, entry(TS1, "hello\n")) + frame(2, entry(TS2, "oops \xc3\xa9\n")) +
               frame(1, entry(TS3, "\n"))
        << QStringList{L("stdout", TS1, "hello"), L("stderr", TS2, QStringLiteral("oops \u00e9")),
                       L("stdout", TS3, "")};
    QTest::newRow("multiplexed pieces, utf-8 cut between pieces")
        << false
        << frame(1, entry(TS1, "ab\xe2\x82")) + frame(2, entry(TS2, "err\n")) +
               frame(1, entry(TS3, "\xac"
                                   "cd\n")) +
               frame(1, entry(TS4, "tail"))
        << QStringList{L("stderr", TS2, "err"), L("stdout", TS1, QStringLiteral("ab\u20accd")),
                       L("stdout", TS4, "tail")};
    QTest::newRow("multiplexed without timestamps")
        << false << frame(1, "no ts here\n") + frame(2, "2025-01-1\n")
        << QStringList{L("stdout", "", "no ts here"), L("stderr", "", "2025-01-1")};
    QTest::newRow("tty crlf lines")
        << true << entry(TS1, "hello\r\n") + entry(TS2, "\r\n") + entry(TS3, "w\xc3\xb6rld\r\n")
        << QStringList{L("stdout", TS1, "hello"), L("stdout", TS2, ""),
                       L("stdout", TS3, QStringLiteral("w\u00f6rld"))};
    QTest::newRow("tty lf lines and a partial")
        << true << entry(TS1, "a\n") + entry(TS4, "prompt$ ")
        << QStringList{L("stdout", TS1, "a"), L("stdout", TS4, "prompt$ ")};
}

void TestLogStreamDecoder::splitAtEveryOffset() {
    QFETCH(bool, tty);
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);

    QCOMPARE(render(decodeChunks(tty, {input})), expected);
    // One cut anywhere: in a header, in a timestamp, in a payload, between frames.
    for (qsizetype k = 0; k <= input.size(); ++k) {
        const QByteArrayView v(input);
        QCOMPARE(render(decodeChunks(tty, {v.first(k), v.sliced(k)})), expected);
    }
    // Two cuts anywhere.
    for (qsizetype i = 0; i <= input.size(); ++i) {
        for (qsizetype j = i; j <= input.size(); ++j) {
            const QByteArrayView v(input);
            const QStringList got =
                render(decodeChunks(tty, {v.first(i), v.sliced(i, j - i), v.sliced(j)}));
            if (got != expected)
                QFAIL(qPrintable(QStringLiteral("cuts at %1 and %2").arg(i).arg(j)));
        }
    }
    // One byte at a time.
    QCOMPARE(render(decodeInChunksOf(tty, input, 1)), expected);
}

void TestLogStreamDecoder::randomChunkingMatchesWholeFeed_data() {
    QTest::addColumn<bool>("tty");
    QTest::addColumn<quint32>("seed");
    for (quint32 seed : {1u, 2u, 3u, 42u}) {
        QTest::addRow("multiplexed seed %u", seed) << false << seed;
        QTest::addRow("tty seed %u", seed) << true << seed;
    }
}

void TestLogStreamDecoder::randomChunkingMatchesWholeFeed() {
    QFETCH(bool, tty);
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);

    // Lines of random length (some over 16 KiB, one over the limit of 4 KiB used here),
    // random stream, random bytes (including invalid UTF-8 and '\r').
    QByteArray input;
    for (int i = 0; i < 60; ++i) {
        const qsizetype len = i == 30 ? 50000 : rng.bounded(i % 10 == 0 ? 40000 : 200);
        QByteArray content(len, Qt::Uninitialized);
        for (char &c : content) {
            c = char(rng.bounded(256));
            if (c == '\n')
                c = 'n';
        }
        const QList<QByteArray> ts{"2025-01-15T10:30:01." + QByteArray::number(i + 100) + 'Z', TS2};
        input += tty ? ttyLine(ts, content) : muxLine(rng.bounded(2) ? 1 : 2, ts, content);
    }
    const QList<LogLine> whole = decodeChunks(tty, {input}, true, 4096);
    QCOMPARE(whole.size(), 60);
    for (const LogLine &l : whole)
        QVERIFY(l.ts.startsWith(QLatin1String("2025-01-15T10:30:01.")));

    for (int round = 0; round < 20; ++round) {
        LogStreamDecoder d(modeOf(tty), 4096);
        QList<LogLine> out;
        qsizetype pos = 0;
        while (pos < input.size()) {
            const qsizetype n =
                std::min<qsizetype>(input.size() - pos, 1 + rng.bounded(round % 2 ? 40 : 20000));
            d.feed(QByteArrayView(input).sliced(pos, n), out);
            pos += n;
        }
        d.finish(out);
        QCOMPARE(render(out), render(whole));
    }
}

void TestLogStreamDecoder::streamTagging_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("stream");
    QTest::newRow("stdout") << 1 << QStringLiteral("stdout");
    QTest::newRow("stderr") << 2 << QStringLiteral("stderr");
    QTest::newRow("stdin is reported as stdout") << 0 << QStringLiteral("stdout");
}

void TestLogStreamDecoder::streamTagging() {
    QFETCH(int, type);
    QFETCH(QString, stream);

    const QByteArray input =
        frame(type, entry(TS1, "tagged\n")) + frame(3 - std::max(type, 1), entry(TS2, "other\n"));
    const QList<LogLine> out = decodeChunks(false, {input});
    QCOMPARE(out.size(), 2);
    QCOMPARE(out[0].stream, stream);
    QCOMPARE(out[0].line, QStringLiteral("tagged"));
    QCOMPARE(out[1].stream, type == 2 ? QStringLiteral("stdout") : QStringLiteral("stderr"));
}

void TestLogStreamDecoder::interleavedPartials() {
    LogStreamDecoder d;
    QList<LogLine> out;
    d.feed(frame(1, entry(TS1, "hel")), out);
    d.feed(frame(2, entry(TS2, "wor")), out);
    QVERIFY(out.isEmpty());
    d.feed(frame(1, entry(TS3, "lo")), out);
    d.feed(frame(2, entry(TS3, "ld\n")), out);
    QCOMPARE(render(out), QStringList{L("stderr", TS2, "world")});
    d.feed(frame(1, entry(TS4, "!\n")) + frame(2, entry(TS4, "again\n")), out);
    QCOMPARE(render(out), (QStringList{L("stderr", TS2, "world"), L("stdout", TS1, "hello!"),
                                       L("stderr", TS4, "again")}));
    QCOMPARE(d.entriesSeen(), quint64(6));
    QCOMPARE(d.lastEntryTs(), QString::fromLatin1(TS4));
}

void TestLogStreamDecoder::longLineJoined_data() {
    QTest::addColumn<bool>("tty");
    QTest::addColumn<qsizetype>("chunk");
    QTest::addColumn<qsizetype>("length");

    for (bool tty : {false, true}) {
        const char *m = tty ? "tty" : "multiplexed";
        const qsizetype forty = 40 * 1024;
        QTest::addRow("%s, 40 KiB, one chunk", m) << tty << qsizetype(0) << forty;
        QTest::addRow("%s, 40 KiB, 16 KiB chunks", m) << tty << Piece << forty;
        QTest::addRow("%s, 40 KiB, 1000-byte chunks", m) << tty << qsizetype(1000) << forty;
        QTest::addRow("%s, 40 KiB, 7-byte chunks", m) << tty << qsizetype(7) << forty;
        QTest::addRow("%s, exactly 16 KiB", m) << tty << qsizetype(0) << Piece;
        QTest::addRow("%s, exactly 32 KiB", m) << tty << qsizetype(0) << 2 * Piece;
    }
}

void TestLogStreamDecoder::longLineJoined() {
    QFETCH(bool, tty);
    QFETCH(qsizetype, chunk);
    QFETCH(qsizetype, length);

    QByteArray content(length, Qt::Uninitialized);
    for (qsizetype i = 0; i < length; ++i)
        content[i] = char('a' + i % 26);
    if (tty)
        content.chop(1); // the '\r' makes it `length` raw bytes
    const QList<QByteArray> ts{TS1, TS2, TS3};
    const QByteArray line = tty ? ttyLine(ts, content) : muxLine(1, ts, content);
    const QByteArray next = tty ? entry(TS4, "next\r\n") : frame(2, entry(TS4, "next\n"));
    if (!tty && length == 40 * 1024) {
        QCOMPARE(enginePieces(ts, content).size(), 3);
        QCOMPARE(line.size(), 3 * 8 + TS1.size() + TS2.size() + TS3.size() + 3 + length + 1);
    }

    const QList<LogLine> out = decodeInChunksOf(tty, line + next, chunk);
    QCOMPARE(out.size(), 2);
    QCOMPARE(out[0].line.size(), content.size());
    QVERIFY(out[0].line == QLatin1String(content));
    QCOMPARE(out[0].ts, QString::fromLatin1(TS1));
    QCOMPARE(out[0].stream, QStringLiteral("stdout"));
    QVERIFY(!out[0].truncated);
    QCOMPARE(render(out[1]), L(tty ? "stdout" : "stderr", TS4, "next"));
}

void TestLogStreamDecoder::hugeLineTruncated_data() {
    QTest::addColumn<bool>("tty");
    QTest::addColumn<qsizetype>("chunk");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<qsizetype>("expectedBytes");
    QTest::addColumn<bool>("truncated");

    QByteArray threeMiB(3 * MiB, Qt::Uninitialized);
    for (qsizetype i = 0; i < threeMiB.size(); ++i)
        threeMiB[i] = char('A' + i % 23);
    // U+20AC (3 bytes) starting 2 bytes before the limit, and U+00E9 (2 bytes) ending on it.
    const QByteArray straddling = QByteArray(MiB - 2, 'x') + "\xe2\x82\xac" + QByteArray(MiB, 'y');
    const QByteArray endingOnLimit = QByteArray(MiB - 2, 'x') + "\xc3\xa9" + QByteArray(10, 'y');

    for (bool tty : {false, true}) {
        const char *m = tty ? "tty" : "multiplexed";
        QTest::addRow("%s, 3 MiB, one chunk", m) << tty << qsizetype(0) << threeMiB << MiB << true;
        QTest::addRow("%s, 3 MiB, 16 KiB chunks", m) << tty << Piece << threeMiB << MiB << true;
        QTest::addRow("%s, 3 MiB, 7001-byte chunks", m)
            << tty << qsizetype(7001) << threeMiB << MiB << true;
        QTest::addRow("%s, exactly 1 MiB", m)
            << tty << qsizetype(4096) << threeMiB.left(MiB) << MiB << false;
        QTest::addRow("%s, 1 MiB + 1", m)
            << tty << qsizetype(0) << threeMiB.left(MiB + 1) << MiB << true;
        QTest::addRow("%s, 3-byte character across the limit", m)
            << tty << qsizetype(5000) << straddling << MiB - 2 << true;
        QTest::addRow("%s, 2-byte character ending on the limit", m)
            << tty << qsizetype(0) << endingOnLimit << MiB << true;
    }
}

void TestLogStreamDecoder::hugeLineTruncated() {
    QFETCH(bool, tty);
    QFETCH(qsizetype, chunk);
    QFETCH(QByteArray, content);
    QFETCH(qsizetype, expectedBytes);
    QFETCH(bool, truncated);

    const QList<QByteArray> ts{TS1, TS2};
    QByteArray input =
        tty ? entry(TS3, "before\r\n") + ttyLine(ts, content) + entry(TS4, "after\r\n")
            : frame(2, entry(TS3, "before\n")) + muxLine(1, ts, content) +
                  frame(1, entry(TS4, "after\n"));
    const QList<LogLine> out = decodeInChunksOf(tty, input, chunk);
    QCOMPARE(out.size(), 3);
    QCOMPARE(render(out[0]), L(tty ? "stdout" : "stderr", TS3, "before"));
    QCOMPARE(out[1].line, QString::fromUtf8(content.left(expectedBytes)));
    QCOMPARE(out[1].line.toUtf8().size(), expectedBytes);
    QVERIFY(!out[1].line.contains(QChar::ReplacementCharacter));
    QCOMPARE(out[1].truncated, truncated);
    QCOMPARE(out[1].ts, QString::fromLatin1(TS1));
    QCOMPARE(out[1].stream, QStringLiteral("stdout"));
    QCOMPARE(render(out[2]), L("stdout", TS4, "after"));
}

void TestLogStreamDecoder::customLineLimit_data() {
    QTest::addColumn<qsizetype>("limit");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("fits") << qsizetype(10) << frame(1, entry(TS1, "0123456789\n"))
                          << QStringList{L("stdout", TS1, "0123456789")};
    QTest::newRow("cut, rest skipped across pieces")
        << qsizetype(10)
        << frame(1, entry(TS1, "0123456")) + frame(1, entry(TS2, "789abc")) +
               frame(1, entry(TS3, "def\nnext\n"))
        << QStringList{L("stdout", TS1, "0123456789") + "|truncated", L("stdout", TS3, "next")};
    QTest::newRow("cut before a multi-byte character")
        << qsizetype(10) << frame(2, entry(TS1, "012345678\xc3\xa9xyz\n"))
        << QStringList{L("stderr", TS1, "012345678") + "|truncated"};
    QTest::newRow("limit below one character is raised to 4")
        << qsizetype(0) << frame(1, entry(TS1, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\n"))
        << QStringList{L("stdout", TS1, QStringLiteral("\U0001F600")) + "|truncated"};
}

void TestLogStreamDecoder::customLineLimit() {
    QFETCH(qsizetype, limit);
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);

    QCOMPARE(render(decodeChunks(false, {input}, true, limit)), expected);
    QCOMPARE(render(decodeInChunksOf(false, input, 1, limit)), expected);
}

void TestLogStreamDecoder::hundredMiBLineStaysBounded_data() {
    QTest::addColumn<bool>("tty");
    QTest::newRow("multiplexed") << false;
    QTest::newRow("tty") << true;
}

void TestLogStreamDecoder::hundredMiBLineStaysBounded() {
    QFETCH(bool, tty);

    // 100 MiB of one line, as the engine sends it: 6400 entries of 16 KiB, fed 64 KiB at a time.
    const QByteArray body(Piece, 'z');
    const QByteArray one = tty ? entry(TS2, body) : frame(1, entry(TS2, body));
    const QByteArray chunk = one.repeated(4);
    const QByteArray first = tty ? entry(TS1, body) : frame(1, entry(TS1, body));

    LogStreamDecoder d(modeOf(tty));
    QList<LogLine> out;
    d.feed(first, out);
#ifdef Q_OS_LINUX
    const qint64 before = residentKiB();
#endif
    for (int i = 0; i < 1599; ++i)
        d.feed(chunk, out);
    d.feed(one.repeated(3), out);
#ifdef Q_OS_LINUX
    const qint64 after = residentKiB();
    if (before > 0 && after > 0)
        QVERIFY2(after - before < 16 * 1024,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(after - before)));
#endif
    // The truncated line is reported as soon as the limit is passed.
    QCOMPARE(out.size(), 1);
    QCOMPARE(out[0].line.size(), MiB);
    QVERIFY(out[0].truncated);
    QCOMPARE(out[0].ts, QString::fromLatin1(TS1));
    QCOMPARE(d.entriesSeen(), quint64(6400));

    d.feed(tty ? entry(TS3, "tail\r\n") + entry(TS4, "after\r\n")
               : frame(1, entry(TS3, "tail\n")) + frame(1, entry(TS4, "after\n")),
           out);
    d.finish(out);
    QCOMPARE(out.size(), 2);
    QCOMPARE(render(out[1]), L("stdout", TS4, "after"));
}

void TestLogStreamDecoder::invalidUtf8_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");

    QTest::newRow("0xff") << QByteArray("\xff") << QStringLiteral("\uFFFD");
    QTest::newRow("in the middle") << QByteArray("ab\xfe"
                                                 "cd")
                                   << QStringLiteral("ab\uFFFDcd");
    QTest::newRow("lone continuation") << QByteArray("x\x80y") << QStringLiteral("x\uFFFDy");
    QTest::newRow("truncated sequence before ascii")
        << QByteArray("x\xc3y") << QStringLiteral("x\uFFFDy");
    QTest::newRow("truncated sequence at end of line") // one U+FFFD per byte, as Qt decodes it
        << QByteArray("x\xf0\x9f\x98") << QStringLiteral("x\uFFFD\uFFFD\uFFFD");
    QTest::newRow("valid after invalid")
        << QByteArray("\xff\xc3\xa9") << QStringLiteral("\uFFFD\u00e9");
}

void TestLogStreamDecoder::invalidUtf8() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);

    const QList<LogLine> mux = decodeChunks(false, {frame(1, entry(TS1, content + '\n'))});
    QCOMPARE(mux.size(), 1);
    QCOMPARE(mux[0].line, expected);
    const QList<LogLine> tty = decodeChunks(true, {entry(TS1, content + "\r\n")});
    QCOMPARE(tty.size(), 1);
    QCOMPARE(tty[0].line, expected);
}

void TestLogStreamDecoder::ttyMode_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<int>("entries");

    QTest::newRow("crlf") << entry(TS1, "hello\r\n") + entry(TS2, "world\r\n")
                          << QStringList{L("stdout", TS1, "hello"), L("stdout", TS2, "world")} << 2;
    QTest::newRow("lf only") << entry(TS1, "hello\n") << QStringList{L("stdout", TS1, "hello")}
                             << 1;
    QTest::newRow("cr inside a line is kept")
        << entry(TS1, "50%\r100%\r\n") << QStringList{L("stdout", TS1, "50%\r100%")} << 1;
    QTest::newRow("only one cr is removed")
        << entry(TS1, "x\r\r\n") << QStringList{L("stdout", TS1, "x\r")} << 1;
    QTest::newRow("empty lines") << entry(TS1, "\r\n") + entry(TS2, "\n")
                                 << QStringList{L("stdout", TS1, ""), L("stdout", TS2, "")} << 2;
    QTest::newRow("stderr text is stdout")
        << entry(TS1, "error: x\r\n") << QStringList{L("stdout", TS1, "error: x")} << 1;
    QTest::newRow("no timestamps")
        << QByteArray("plain\r\nlines\r\n")
        << QStringList{L("stdout", "", "plain"), L("stdout", "", "lines")} << 2;
    // Not at a 16 KiB boundary: a timestamp in the middle of a line is text.
    QTest::newRow("timestamp text mid-line")
        << entry(TS1, "a " + TS2 + " b\r\n")
        << QStringList{L("stdout", TS1, QString::fromLatin1("a " + TS2 + " b"))} << 1;
    QTest::newRow("line continued after 16 KiB")
        << ttyLine({TS1, TS2}, QByteArray(Piece + 10, 'q'))
        << QStringList{L("stdout", TS1, QString(Piece + 10, u'q'))} << 2;
    QTest::newRow("16 KiB piece without timestamp after it")
        << entry(TS1, QByteArray(Piece, 'q') + "rest\r\n")
        << QStringList{L("stdout", TS1, QString(Piece, u'q') + QStringLiteral("rest"))} << 2;
    QTest::newRow("line of 16 KiB raw bytes: newline in its own entry")
        << ttyLine({TS1, TS2, TS3}, QByteArray(Piece - 1, 'q'))
        << QStringList{L("stdout", TS1, QString(Piece - 1, u'q'))} << 2;
}

void TestLogStreamDecoder::ttyMode() {
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(int, entries);

    for (qsizetype chunk : {qsizetype(0), qsizetype(1), qsizetype(5), qsizetype(4096)}) {
        LogStreamDecoder d(LogStreamDecoder::Mode::Tty);
        QList<LogLine> out;
        for (qsizetype pos = 0; pos < input.size(); pos += chunk ? chunk : input.size())
            d.feed(QByteArrayView(input).sliced(pos).first(
                       std::min(chunk ? chunk : input.size(), input.size() - pos)),
                   out);
        QCOMPARE(render(out), expected);
        QCOMPARE(d.entriesSeen(), quint64(entries));
        d.finish(out);
        QCOMPARE(out.size(), expected.size());
    }
}

void TestLogStreamDecoder::finishFlushesPartial_data() {
    QTest::addColumn<bool>("tty");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("beforeFinish");
    QTest::addColumn<QStringList>("flushed");

    QTest::newRow("nothing pending") << false << frame(1, entry(TS1, "done\n"))
                                     << QStringList{L("stdout", TS1, "done")} << QStringList{};
    QTest::newRow("unterminated piece") << false << frame(1, entry(TS1, "abc")) << QStringList{}
                                        << QStringList{L("stdout", TS1, "abc")};
    QTest::newRow("joined pieces")
        << false << frame(2, entry(TS1, "ab")) + frame(2, entry(TS2, "cd")) << QStringList{}
        << QStringList{L("stderr", TS1, "abcd")};
    QTest::newRow("both streams, in the order they started")
        << false
        << frame(2, entry(TS1, "err")) + frame(1, entry(TS2, "out")) + frame(2, entry(TS3, "!"))
        << QStringList{} << QStringList{L("stderr", TS1, "err!"), L("stdout", TS2, "out")};
    QTest::newRow("stream cut inside a payload")
        << false << (header(1, 40) + entry(TS1, "half")) << QStringList{}
        << QStringList{L("stdout", TS1, "half")};
    QTest::newRow("stream cut inside a timestamp")
        << false << (header(2, 40) + TS1.left(10)) << QStringList{}
        << QStringList{L("stderr", "", "2025-01-15")};
    QTest::newRow("stream cut inside a header")
        << false << frame(1, entry(TS1, "x\n")) + header(1, 40).left(5)
        << QStringList{L("stdout", TS1, "x")} << QStringList{};
    QTest::newRow("tty prompt") << true << entry(TS1, "a\r\n") + entry(TS2, "prompt$ ")
                                << QStringList{L("stdout", TS1, "a")}
                                << QStringList{L("stdout", TS2, "prompt$ ")};
    QTest::newRow("tty cut inside a timestamp")
        << true << TS1.left(9) << QStringList{} << QStringList{L("stdout", "", "2025-01-1")};
}

void TestLogStreamDecoder::finishFlushesPartial() {
    QFETCH(bool, tty);
    QFETCH(QByteArray, input);
    QFETCH(QStringList, beforeFinish);
    QFETCH(QStringList, flushed);

    LogStreamDecoder d(modeOf(tty));
    QList<LogLine> out;
    d.feed(input, out);
    QCOMPARE(render(out), beforeFinish);
    out.clear();
    d.finish(out);
    QCOMPARE(render(out), flushed);
    out.clear();
    d.finish(out); // nothing left
    QVERIFY(out.isEmpty());
}

void TestLogStreamDecoder::finishResetsForNewStream() {
    LogStreamDecoder d;
    QList<LogLine> out;
    d.feed(frame(1, entry(TS1, "one\n")) + header(1, 100) + entry(TS2, "cut"), out);
    d.finish(out);
    d.feed(frame(2, entry(TS3, "two\n")), out);
    QCOMPARE(render(out), (QStringList{L("stdout", TS1, "one"), L("stdout", TS2, "cut"),
                                       L("stderr", TS3, "two")}));
    QCOMPARE(d.entriesSeen(), quint64(2));
    QCOMPARE(d.lastEntryTs(), QString::fromLatin1(TS3));
}

void TestLogStreamDecoder::hostileHeaders_data() {
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("type 7") << header(7, 5) << QStringLiteral("type 7");
    QTest::newRow("type 3") << header(3, 5) << QStringLiteral("type 3");
    QTest::newRow("type 255, huge size") << header(255, 0xFFFFFFFFu) << QStringLiteral("type 255");
    QTest::newRow("size 0xFFFFFFFF") << header(1, 0xFFFFFFFFu) << QStringLiteral("4294967295");
    QTest::newRow("size 64 MiB + 1")
        << header(2, quint32(64 * MiB + 1)) << QStringLiteral("67108865");
    QTest::newRow("non-zero padding")
        << header(1, 5, QByteArray("\0\1\0", 3)) << QStringLiteral("padding");
    QTest::newRow("tty stream read as multiplexed")
        << entry(TS1, "hello\n") << QStringLiteral("type 50");
}

void TestLogStreamDecoder::hostileHeaders() {
    QFETCH(QByteArray, bad);
    QFETCH(QString, mentions);

    const QByteArray good = frame(1, entry(TS1, "before\n")) + frame(2, entry(TS2, "par"));
    const QByteArray input = good + bad + QByteArray(64, 'A') + frame(1, entry(TS3, "after\n"));

    for (qsizetype chunk : {qsizetype(0), qsizetype(1), qsizetype(3)}) {
        LogStreamDecoder d;
        QList<LogLine> out;
        for (qsizetype pos = 0; pos < input.size(); pos += chunk ? chunk : input.size())
            d.feed(QByteArrayView(input).sliced(pos).first(
                       std::min(chunk ? chunk : input.size(), input.size() - pos)),
                   out);
        QVERIFY(d.failed());
        QVERIFY2(d.errorString().contains(mentions), qPrintable(d.errorString()));
        QCOMPARE(render(out), QStringList{L("stdout", TS1, "before")});
        d.feed(frame(1, entry(TS4, "ignored\n")), out);
        QCOMPARE(out.size(), 1);
        d.finish(out); // lines started before the bad header are still delivered
        QCOMPARE(render(out), (QStringList{L("stdout", TS1, "before"), L("stderr", TS2, "par")}));
        QVERIFY(d.failed());
        QCOMPARE(d.entriesSeen(), quint64(2));
    }
}

void TestLogStreamDecoder::largestAllowedFrameIsAccepted() {
    LogStreamDecoder d;
    QList<LogLine> out;
    d.feed(header(1, quint32(LogStreamDecoder::MaxFramePayload)) + entry(TS1, "big"), out);
    QVERIFY(!d.failed());
    QVERIFY(d.errorString().isEmpty());
    d.feed(QByteArray(2 * MiB, 'b'), out);
    QCOMPARE(out.size(), 1); // truncated at 1 MiB, the rest of the frame skipped
    QVERIFY(out[0].truncated);
    QCOMPARE(out[0].line.size(), MiB);
}

void TestLogStreamDecoder::garbageNeverCrashes_data() {
    QTest::addColumn<bool>("tty");
    QTest::newRow("multiplexed") << false;
    QTest::newRow("tty") << true;
}

void TestLogStreamDecoder::garbageNeverCrashes() {
    QFETCH(bool, tty);
    QRandomGenerator rng(7);
    for (int round = 0; round < 200; ++round) {
        QByteArray junk(rng.bounded(1, 4096), Qt::Uninitialized);
        for (char &c : junk)
            c = char(rng.bounded(round % 2 ? 4 : 256)); // small values make plausible headers
        LogStreamDecoder d(modeOf(tty), 64);
        QList<LogLine> out;
        qsizetype pos = 0;
        while (pos < junk.size()) {
            const qsizetype n = std::min<qsizetype>(junk.size() - pos, 1 + rng.bounded(100));
            d.feed(QByteArrayView(junk).sliced(pos, n), out);
            pos += n;
        }
        d.finish(out);
        for (const LogLine &l : out) {
            QVERIFY(l.line.toUtf8().size() <= 64 * 3); // U+FFFD may stand for one byte
            QVERIFY(l.stream == QLatin1String("stdout") || l.stream == QLatin1String("stderr"));
        }
        if (d.failed())
            QVERIFY(!d.errorString().isEmpty());
    }
}

void TestLogStreamDecoder::emptyPayloadFrames() {
    const QByteArray input = frame(1, "") + frame(1, entry(TS1, "par")) + frame(2, "") +
                             frame(1, entry(TS2, "tial\n")) + frame(0, "") + frame(2, "") +
                             frame(2, entry(TS3, "\n"));
    for (qsizetype chunk : {qsizetype(0), qsizetype(1)}) {
        LogStreamDecoder d;
        QList<LogLine> out;
        for (qsizetype pos = 0; pos < input.size(); pos += chunk ? chunk : input.size())
            d.feed(QByteArrayView(input).sliced(pos).first(
                       std::min(chunk ? chunk : input.size(), input.size() - pos)),
                   out);
        QCOMPARE(render(out), (QStringList{L("stdout", TS1, "partial"), L("stderr", TS3, "")}));
        QCOMPARE(d.entriesSeen(), quint64(3)); // empty frames carry no entry
        QCOMPARE(d.lastEntryTs(), QString::fromLatin1(TS3));
        QVERIFY(!d.failed());
    }
}

void TestLogStreamDecoder::entryWithoutTimestamp_data() {
    QTest::addColumn<bool>("tty");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QByteArray>("lastTs"); // after an entry stamped TS4 and then `input`

    const QList<QPair<const char *, QByteArray>> payloads{
        {"plain text", "hello world"},
        {"no space", "no-space"},
        {"date only", "2025-01-15 10:30:01 date"},
        {"ts glued to text", TS1 + "x"},
        {"bad zone", "2025-01-15T10:30:01.5Q x"},
        {"ten fraction digits", "2025-01-15T10:30:01.1234567890Z x"},
        {"empty fraction", "2025-01-15T10:30:01.Z x"},
        {"short ts", "2025-01-15T10:30 x"},
        {"ts then newline", TS1},
        {"empty", ""},
    };
    for (const auto &[name, text] : payloads) {
        const QString expected = L("stdout", "", QString::fromLatin1(text));
        QTest::addRow("multiplexed: %s", name)
            << false << frame(1, text + '\n') << QStringList{expected} << TS4;
        QTest::addRow("tty: %s", name) << true << text + "\r\n" << QStringList{expected} << TS4;
    }
    QTest::newRow("multiplexed: frame ends inside a possible timestamp")
        << false << frame(1, "2025-01") + frame(1, entry(TS1, "rest\n"))
        << QStringList{L("stdout", "", "2025-01rest")} << TS1;
    QTest::newRow("multiplexed: continuation piece without timestamp keeps the line's ts")
        << false << frame(1, entry(TS1, "start ")) + frame(1, "end\n")
        << QStringList{L("stdout", TS1, "start end")} << TS1;
}

void TestLogStreamDecoder::entryWithoutTimestamp() {
    QFETCH(bool, tty);
    QFETCH(QByteArray, input);
    QFETCH(QStringList, expected);
    QFETCH(QByteArray, lastTs);

    QCOMPARE(render(decodeChunks(tty, {input})), expected);
    QCOMPARE(render(decodeInChunksOf(tty, input, 1)), expected);

    // An entry without a timestamp leaves the last known one in place.
    LogStreamDecoder d(modeOf(tty));
    QList<LogLine> out;
    d.feed(tty ? entry(TS4, "first\n") : frame(1, entry(TS4, "first\n")), out);
    d.feed(input, out);
    QCOMPARE(d.lastEntryTs(), QString::fromLatin1(lastTs));
}

void TestLogStreamDecoder::entriesSeenAndLastTs() {
    LogStreamDecoder d;
    QList<LogLine> out;
    QCOMPARE(d.entriesSeen(), quint64(0));
    QVERIFY(d.lastEntryTs().isEmpty());

    const QByteArray f1 = frame(1, entry(TS1, "piece"));
    d.feed(QByteArrayView(f1).first(f1.size() - 1), out);
    QCOMPARE(d.entriesSeen(), quint64(0)); // not complete yet
    QVERIFY(d.lastEntryTs().isEmpty());
    d.feed(QByteArrayView(f1).last(1), out);
    QCOMPARE(d.entriesSeen(), quint64(1)); // a piece is an entry, though no line is complete
    QCOMPARE(d.lastEntryTs(), QString::fromLatin1(TS1));
    QVERIFY(out.isEmpty());

    d.feed(frame(2, entry(TS2, "a\n")) + frame(1, entry(TS3, "\n")), out);
    QCOMPARE(d.entriesSeen(), quint64(3));
    QCOMPARE(d.lastEntryTs(), QString::fromLatin1(TS3));
    QCOMPARE(out.size(), 2);

    LogStreamDecoder t(LogStreamDecoder::Mode::Tty);
    t.feed(entry(TS1, "x\r\n") + entry(TS2, "y\r\n") + entry(TS3, "partial"), out);
    QCOMPARE(t.entriesSeen(), quint64(2));
    QCOMPARE(t.lastEntryTs(), QString::fromLatin1(TS2));
    t.feed("\r\n", out);
    QCOMPARE(t.entriesSeen(), quint64(3));
    QCOMPARE(t.lastEntryTs(), QString::fromLatin1(TS3));
}

void TestLogStreamDecoder::realEngineCapture_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("tty");
    QTest::addColumn<QStringList>("streams");
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<int>("entries");

    // Captured from Docker Engine 20.10.24 (API 1.41) with
    //   /v1.41/containers/{id}/logs?follow=1&stdout=1&stderr=1&timestamps=1
    // for: sh -c 'echo hello; echo "oops é" >&2; printf "%040960d\n" 0 | tr 0 x;
    //            echo -n partial-no-newline; sleep 0.1; echo; printf "\n"; echo last'
    // (x becomes y in the TTY capture, which ends after the long line with "echo last").
    const QString longX(40960, u'x');
    const QString longY(40960, u'y');
    QTest::newRow("multiplexed") << QStringLiteral("engine-20.10-multiplexed.bin") << false
                                 << QStringList{"stdout", "stderr", "stdout",
                                                "stdout", "stdout", "stdout"}
                                 << QStringList{"hello", QStringLiteral("oops \u00e9"),
                                                longX,   "partial-no-newline",
                                                "",      "last"}
                                 << 8;
    QTest::newRow("tty") << QStringLiteral("engine-20.10-tty.bin") << true
                         << QStringList{"stdout", "stdout", "stdout", "stdout"}
                         << QStringList{"hello", QStringLiteral("oops \u00e9"), longY, "last"} << 6;
}

void TestLogStreamDecoder::realEngineCapture() {
    QFETCH(QString, file);
    QFETCH(bool, tty);
    QFETCH(QStringList, streams);
    QFETCH(QStringList, lines);
    QFETCH(int, entries);

    const QString path = mist::test::sourcePath(QStringLiteral("tests/engine/fixtures/") + file);
    QVERIFY2(!path.isEmpty(), qPrintable(file));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray input = f.readAll();

    for (qsizetype chunk : {qsizetype(0), qsizetype(1), qsizetype(1500), qsizetype(16415)}) {
        LogStreamDecoder d(modeOf(tty));
        QList<LogLine> out;
        for (qsizetype pos = 0; pos < input.size(); pos += chunk ? chunk : input.size())
            d.feed(QByteArrayView(input).sliced(pos).first(
                       std::min(chunk ? chunk : input.size(), input.size() - pos)),
                   out);
        QVERIFY(!d.failed());
        QCOMPARE(d.entriesSeen(), quint64(entries));
        d.finish(out);
        QCOMPARE(out.size(), lines.size());
        for (qsizetype i = 0; i < out.size(); ++i) {
            QCOMPARE(out[i].stream, streams[i]);
            QVERIFY2(out[i].line == lines[i],
                     qPrintable(QStringLiteral("line %1: %2").arg(i).arg(out[i].line.left(80))));
            QVERIFY(!out[i].truncated);
            QCOMPARE(out[i].ts.size(), 30); // 2026-11-28T08:33:44.118175711Z
            QVERIFY(out[i].ts.endsWith(u'Z'));
        }
        QCOMPARE(d.lastEntryTs(), out.last().ts);
    }
}

QTEST_GUILESS_MAIN(TestLogStreamDecoder)
#include "tst_logstreamdecoder.moc"
