// SPDX-License-Identifier: GPL-3.0-or-later

// The chunk format's encoder and decoder (pure): round trips of every kind of
// record, and hostile bytes (truncated, wrong magic, bad lengths, huge
// counts, checksum mismatches, random bytes) that must be refused without a
// crash and without allocating more than the format's bound.

#include "archive/ArchiveFormat.h"

#include <QRandomGenerator>
#include <QTest>

#include <zstd.h>

using namespace mist::archive;

Q_DECLARE_METATYPE(std::vector<Record>)

namespace {

ChunkMeta meta() {
    ChunkMeta m;
    m.appId = 7;
    m.containerId =
        QStringLiteral("3f2a9c0d5e6b7a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e");
    m.containerName = QStringLiteral("app-7");
    m.deploymentId = 12;
    m.chunkSeq = 99;
    return m;
}

std::vector<Record> sample() {
    const qint64 t = 1736937001123456789LL;
    return {
        Record::line(t, Stream::Stdout, QStringLiteral("hello")),
        Record::line(t + 5, Stream::Stderr, QStringLiteral("ERROR unhandled exception: KeyError")),
        Record::makeEvent(t + 9, EventKind::Died, QStringLiteral("died"), 137),
        Record::makeEvent(t + 9, EventKind::Replaced, QStringLiteral("replaced"), std::nullopt,
                          13)};
}

void putU32(QByteArray &b, qsizetype at, quint32 v) {
    for (int i = 0; i < 4; ++i)
        b[at + i] = char((v >> (8 * i)) & 0xff);
}
void putU64(QByteArray &b, qsizetype at, quint64 v) {
    for (int i = 0; i < 8; ++i)
        b[at + i] = char((v >> (8 * i)) & 0xff);
}
quint16 headerBytesOf(const QByteArray &chunk) {
    return quint16(uchar(chunk[6]) | (uchar(chunk[7]) << 8));
}
// Recomputes the header checksum after a test changed header fields.
void resealHeader(QByteArray &chunk) {
    const int hb = headerBytesOf(chunk);
    putU32(chunk, hb - 4, crc32Of(QByteArrayView(chunk).first(hb - 4)));
}
// A chunk whose header is correct for a hand-made raw payload.
QByteArray withRawPayload(const QByteArray &valid, const QByteArray &raw, quint32 count) {
    const int hb = headerBytesOf(valid);
    QByteArray stored(qsizetype(ZSTD_compressBound(size_t(raw.size()))), Qt::Uninitialized);
    stored.truncate(qsizetype(ZSTD_compress(stored.data(), size_t(stored.size()), raw.constData(),
                                            size_t(raw.size()), 1)));
    QByteArray chunk = valid.left(hb);
    putU32(chunk, 8, count);
    putU32(chunk, 12, quint32(raw.size()));
    putU32(chunk, 16, quint32(stored.size()));
    putU32(chunk, 20, crc32Of(stored));
    resealHeader(chunk);
    return chunk + stored;
}
QByteArray rawOf(const QByteArray &meta, const QByteArray &text) {
    QByteArray raw(4, '\0');
    putU32(raw, 0, quint32(meta.size()));
    return raw + meta + text;
}

} // namespace

class TestArchiveFormat : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void header();
    void longTextIsCut();
    void containerFieldsAreBounded();
    void hostileHeader_data();
    void hostileHeader();
    void hostilePayload_data();
    void hostilePayload();
    void everyTruncation();
    void randomBytes();
    void names();
};

void TestArchiveFormat::roundTrip_data() {
    QTest::addColumn<std::vector<Record>>("records");
    const qint64 t = 1736937001000000000LL;
    QTest::newRow("one line") << std::vector<Record>{
        Record::line(t, Stream::Stdout, QStringLiteral("x"))};
    QTest::newRow("empty line") << std::vector<Record>{Record::line(t, Stream::Stdout, QString())};
    QTest::newRow("stderr, truncated")
        << std::vector<Record>{Record::line(t, Stream::Stderr, QStringLiteral("cut"), true)};
    QTest::newRow("mixed") << sample();
    QTest::newRow("unicode") << std::vector<Record>{
        Record::line(t, Stream::Stdout, QStringLiteral("Grüße 🚀 \u00e9\u4e2d\ufffd"))};
    QTest::newRow("newline inside a text") << std::vector<Record>{
        Record::makeEvent(t, EventKind::EngineLost, QStringLiteral("two\nlines")),
        Record::line(t + 1, Stream::Stdout, QStringLiteral("after"))};
    QTest::newRow("time goes back")
        << std::vector<Record>{Record::line(t + 100, Stream::Stdout, QStringLiteral("later")),
                               Record::line(t, Stream::Stderr, QStringLiteral("earlier")),
                               Record::line(t + 50, Stream::Stdout, QStringLiteral("middle"))};
    QTest::newRow("epoch and far future") << std::vector<Record>{
        Record::line(0, Stream::Stdout, QStringLiteral("1970")),
        Record::line(9000000000000000000LL, Stream::Stdout, QStringLiteral("2255"))};
    QTest::newRow("negative exit code") << std::vector<Record>{
        Record::makeEvent(t, EventKind::Died, QStringLiteral("x"), -2147483647 - 1)};
    std::vector<Record> events;
    for (int k = 0; k < EventKindCount; ++k)
        events.push_back(
            Record::makeEvent(t + k, EventKind(k), eventKindName(EventKind(k)),
                              k == 1 ? std::optional<int>(1) : std::nullopt,
                              k == 5 ? std::optional<qint64>(9007199254740991LL) : std::nullopt));
    QTest::newRow("every event kind") << events;
    std::vector<Record> many;
    for (int i = 0; i < 5000; ++i)
        many.push_back(Record::line(t + i * 1000, i % 3 ? Stream::Stdout : Stream::Stderr,
                                    QStringLiteral("line %1 of many").arg(i)));
    QTest::newRow("5000 lines") << many;
}

void TestArchiveFormat::roundTrip() {
    QFETCH(std::vector<Record>, records);
    const QByteArray chunk = encodeChunk(meta(), records);
    QVERIFY(!chunk.isEmpty());
    ChunkHeader h;
    const auto decoded = decodeChunk(chunk, &h);
    QVERIFY2(decoded, qPrintable(decoded.error()));
    QCOMPARE(decoded->records.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i)
        QVERIFY2(decoded->record(i) == records[i], qPrintable(QString::number(i)));
    QCOMPARE(h.recordCount, quint32(records.size()));
}

void TestArchiveFormat::header() {
    const auto records = sample();
    const QByteArray chunk = encodeChunk(meta(), records);
    const auto h = parseChunkHeader(chunk);
    QVERIFY2(h, qPrintable(h.error()));
    QCOMPARE(h->meta.appId, 7);
    QCOMPARE(h->meta.containerId, meta().containerId);
    QCOMPARE(h->meta.containerName, QStringLiteral("app-7"));
    QCOMPARE(h->meta.deploymentId, 12);
    QCOMPARE(h->meta.chunkSeq, quint64(99));
    QCOMPARE(h->firstTs, records.front().ts);
    QCOMPARE(h->lastTs, records.back().ts);
    QCOMPARE(h->newestLineTs, records[1].ts); // events do not count
    QCOMPARE(h->totalBytes(), chunk.size());
    // Only events: no line ts.
    const auto onlyEvent = parseChunkHeader(
        encodeChunk(meta(), {Record::makeEvent(5, EventKind::Started, QStringLiteral("s"))}));
    QVERIFY(onlyEvent);
    QCOMPARE(onlyEvent->newestLineTs, NoLineTs);
    QVERIFY(encodeChunk(meta(), {}).isEmpty());
}

void TestArchiveFormat::longTextIsCut() {
    // 1 MiB + 1 byte, the cut falling inside a 3-byte character.
    QString text(MaxTextBytes - 1, u'a');
    text += QChar(0x4e2d);
    const auto d = decodeChunk(encodeChunk(meta(), {Record::line(1, Stream::Stdout, text)}));
    QVERIFY2(d, qPrintable(d.error()));
    const Record r = d->record(0);
    QVERIFY(r.truncated);
    QCOMPARE(r.text.size(), MaxTextBytes - 1);
}

void TestArchiveFormat::containerFieldsAreBounded() {
    ChunkMeta m = meta();
    m.containerName = QString(1000, u'n');
    m.containerId = QString(300, QChar(0x00e9)); // 2 bytes each
    const auto h = parseChunkHeader(encodeChunk(m, sample()));
    QVERIFY2(h, qPrintable(h.error()));
    QCOMPARE(h->meta.containerName.size(), 255);
    QCOMPARE(h->meta.containerId.size(), 127);
}

void TestArchiveFormat::hostileHeader_data() {
    QTest::addColumn<QByteArray>("chunk");
    QTest::addColumn<QString>("error");
    const QByteArray valid = encodeChunk(meta(), sample());
    const int hb = headerBytesOf(valid);
    auto patched = [&](auto change, bool reseal = true) {
        QByteArray c = valid;
        change(c);
        if (reseal)
            resealHeader(c);
        return c;
    };
    QTest::newRow("empty") << QByteArray() << "short header";
    QTest::newRow("short") << valid.left(MinHeaderBytes - 1) << "short header";
    QTest::newRow("header cut") << valid.left(hb - 1) << "short header";
    QTest::newRow("magic") << patched([](QByteArray &c) { c[0] = 'X'; }) << "bad magic";
    QTest::newRow("version") << patched([](QByteArray &c) { c[4] = 2; })
                             << "unknown format version 2";
    QTest::newRow("codec") << patched([](QByteArray &c) { c[5] = 0; }) << "unknown codec 0";
    QTest::newRow("header length small") << patched(
                                                [](QByteArray &c) {
                                                    c[6] = 10;
                                                    c[7] = 0;
                                                },
                                                false)
                                         << "bad header length";
    QTest::newRow("header length huge") << patched(
                                               [](QByteArray &c) {
                                                   c[6] = char(0xff);
                                                   c[7] = char(0xff);
                                               },
                                               false)
                                        << "bad header length";
    QTest::newRow("header checksum")
        << patched([&](QByteArray &c) { c[hb - 6] = c[hb - 6] ^ 1; }, false)
        << "header checksum mismatch";
    QTest::newRow("id length past the header")
        << patched([](QByteArray &c) { c[FixedHeaderBytes] = char(250); })
        << "bad container id length";
    QTest::newRow("name length wrong")
        << patched([](QByteArray &c) { c[FixedHeaderBytes + 1 + uchar(c[FixedHeaderBytes])] = 1; })
        << "bad container name length";
    QTest::newRow("huge count") << patched([](QByteArray &c) { putU32(c, 8, 0xffffffffu); })
                                << "bad record count";
    QTest::newRow("zero count") << patched([](QByteArray &c) { putU32(c, 8, 0); })
                                << "bad record count";
    QTest::newRow("huge raw") << patched([](QByteArray &c) { putU32(c, 12, MaxRawBytes + 1); })
                              << "bad raw length";
    QTest::newRow("tiny raw") << patched([](QByteArray &c) { putU32(c, 12, 3); })
                              << "bad raw length";
    QTest::newRow("huge stored") << patched([](QByteArray &c) { putU32(c, 16, 0x7fffffffu); })
                                 << "bad stored length";
    QTest::newRow("zero stored") << patched([](QByteArray &c) { putU32(c, 16, 0); })
                                 << "bad stored length";
    QTest::newRow("app 0") << patched([](QByteArray &c) { putU64(c, 32, 0); }) << "bad id";
    QTest::newRow("negative deployment")
        << patched([](QByteArray &c) { putU64(c, 40, quint64(-1)); }) << "bad id";
    QTest::newRow("first after last") << patched([](QByteArray &c) {
        putU64(c, 48, quint64(std::numeric_limits<qint64>::max()));
    }) << "bad time range";
    QTest::newRow("line ts outside")
        << patched([](QByteArray &c) { putU64(c, 64, 5); }) << "bad time range";
    QTest::newRow("payload checksum")
        << patched([&](QByteArray &c) { c[hb + 3] = c[hb + 3] ^ 0x40; }, false)
        << "payload checksum mismatch";
    QTest::newRow("payload cut") << valid.left(valid.size() - 1) << "chunk length mismatch";
    QTest::newRow("payload longer") << valid + "x"
                                    << "chunk length mismatch";
    QTest::newRow("stored not zstd") << patched([&](QByteArray &c) {
        for (qsizetype i = hb; i < c.size(); ++i)
            c[i] = 'z';
        putU32(c, 20, crc32Of(QByteArrayView(c).sliced(hb)));
    }) << "frame size mismatch";
}

void TestArchiveFormat::hostileHeader() {
    QFETCH(QByteArray, chunk);
    QFETCH(QString, error);
    const auto d = decodeChunk(chunk);
    QVERIFY(!d);
    QCOMPARE(d.error(), error);
}

void TestArchiveFormat::hostilePayload_data() {
    // Raw payloads that compress and checksum correctly but lie inside.
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<quint32>("count");
    QTest::addColumn<QString>("error");
    // A valid one-record payload: flags 0, ts delta 0, length 2, "hi\n".
    const QByteArray okMeta("\x00\x00\x02", 3);
    QTest::newRow("valid") << rawOf(okMeta, "hi\n") << 1u << QString();
    QByteArray metaTooLong(4, '\0');
    putU32(metaTooLong, 0, 1000);
    QTest::newRow("metadata past the end")
        << metaTooLong + QByteArray(8, '\0') << 1u << "bad metadata length";
    QTest::newRow("unknown flag") << rawOf(QByteArray("\x40\x00\x02", 3), "hi\n") << 1u
                                  << "bad record flags";
    QTest::newRow("type 3") << rawOf(QByteArray("\x03\x00\x02", 3), "hi\n") << 1u
                            << "bad record flags";
    QTest::newRow("line with exit code")
        << rawOf(QByteArray("\x08\x00\x02\x02", 4), "hi\n") << 1u << "bad record flags";
    QTest::newRow("event kind 8") << rawOf(QByteArray("\x02\x08\x00\x02", 4), "hi\n") << 1u
                                  << "bad event kind";
    QTest::newRow("overlong varint")
        << rawOf(QByteArray("\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x02", 12), "hi\n") << 1u
        << "record time outside the chunk's range";
    QTest::newRow("ts outside range") << rawOf(QByteArray("\x00\x02\x02", 3), "hi\n") << 1u
                                      << "record time outside the chunk's range";
    QTest::newRow("text past the end")
        << rawOf(QByteArray("\x00\x00\x09", 3), "hi\n") << 1u << "bad text length";
    QTest::newRow("huge text length")
        << rawOf(QByteArray("\x00\x00\xff\xff\xff\xff\x0f", 7), "hi\n") << 1u << "bad text length";
    QTest::newRow("separator missing") << rawOf(okMeta, "hi!") << 1u << "bad text separator";
    QTest::newRow("metadata left over") << rawOf(okMeta + QByteArray("\x00\x00\x00", 3), "hi\n")
                                        << 1u << "metadata longer than its records";
    QTest::newRow("text left over")
        << rawOf(okMeta, "hi\nmore\n") << 1u << "texts shorter than the payload";
    QTest::newRow("count above records") << rawOf(okMeta, "hi\n    ") << 2u << "bad record flags";
    QTest::newRow("exit code beyond int")
        << rawOf(QByteArray("\x0a\x01\x00\x02\x80\x80\x80\x80\x10", 9), "hi\n") << 1u
        << "bad exit code";
    QTest::newRow("deployment 0") << rawOf(QByteArray("\x12\x05\x00\x02\x00", 5), "hi\n") << 1u
                                  << "bad deployment id";
}

void TestArchiveFormat::hostilePayload() {
    QFETCH(QByteArray, raw);
    QFETCH(quint32, count);
    QFETCH(QString, error);
    // Header of a one-line chunk at ts 1: its range is [1, 1].
    const QByteArray valid =
        encodeChunk(meta(), {Record::line(1, Stream::Stdout, QStringLiteral("hi"))});
    const QByteArray chunk = withRawPayload(valid, raw, count);
    const auto d = decodeChunk(chunk);
    if (error.isEmpty()) {
        QVERIFY2(d, qPrintable(d.error()));
        QCOMPARE(d->record(0).text, QStringLiteral("hi"));
    } else {
        QVERIFY(!d);
        QCOMPARE(d.error(), error);
    }
}

void TestArchiveFormat::everyTruncation() {
    const QByteArray valid = encodeChunk(meta(), sample());
    for (qsizetype n = 0; n < valid.size(); ++n)
        QVERIFY2(!decodeChunk(valid.left(n)), qPrintable(QString::number(n)));
}

void TestArchiveFormat::randomBytes() {
    QRandomGenerator rng(17);
    const QByteArray valid = encodeChunk(meta(), sample());
    int refused = 0;
    for (int round = 0; round < 20000; ++round) {
        QByteArray b;
        if (round % 2) {
            b.resize(rng.bounded(2000));
            for (char &c : b)
                c = char(rng.bounded(256));
            if (round % 4 == 1 && b.size() >= 4)
                b.replace(0, 4, "MLAC");
        } else {
            // A few flipped bytes of a valid chunk.
            b = valid;
            for (int k = 0, n = 1 + rng.bounded(4); k < n; ++k)
                b[rng.bounded(b.size())] = char(rng.bounded(256));
        }
        const auto d = decodeChunk(b);
        if (!d)
            ++refused;
        else
            QVERIFY(d->records.size() <= 4);
    }
    QVERIFY(refused > 19000);
}

void TestArchiveFormat::names() {
    for (int k = 0; k < EventKindCount; ++k)
        QCOMPARE(eventKindFromName(eventKindName(EventKind(k))),
                 std::optional<EventKind>(EventKind(k)));
    QCOMPARE(eventKindName(EventKind::EngineLost), QStringLiteral("engine_lost"));
    QVERIFY(!eventKindFromName(u"Died"));
    QVERIFY(!streamFromName(u"stdin"));
    QCOMPARE(streamName(Stream::Stderr), QStringLiteral("stderr"));
}

QTEST_APPLESS_MAIN(TestArchiveFormat)
#include "tst_archiveformat.moc"
