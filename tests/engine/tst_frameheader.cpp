// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::engine::parseFrameHeader: the 8-byte header of the engine's multiplexed
// streams, read by the container-log and the service-log decoders.

#include "engine/FrameHeader.h"

#include <QtTest>

using mist::engine::FrameHeader;
using mist::engine::parseFrameHeader;

Q_DECLARE_METATYPE(FrameHeader::Fault)

namespace {
constexpr quint32 Limit = 1024 * 1024;

QByteArray bytes(std::initializer_list<int> values) {
    QByteArray b;
    for (int v : values)
        b.append(char(v));
    return b;
}
} // namespace

class TestFrameHeader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<FrameHeader::Fault>("fault");
        QTest::addColumn<int>("type");
        QTest::addColumn<quint32>("size");
        QTest::addColumn<bool>("stderrStream");
        using F = FrameHeader::Fault;

        QTest::newRow("stdout, 5 bytes")
            << bytes({1, 0, 0, 0, 0, 0, 0, 5}) << F::None << 1 << 5u << false;
        QTest::newRow("stderr, 300 bytes")
            << bytes({2, 0, 0, 0, 0, 0, 1, 44}) << F::None << 2 << 300u << true;
        QTest::newRow("stdin counts as stdout")
            << bytes({0, 0, 0, 0, 0, 0, 0, 1}) << F::None << 0 << 1u << false;
        QTest::newRow("empty payload")
            << bytes({1, 0, 0, 0, 0, 0, 0, 0}) << F::None << 1 << 0u << false;
        QTest::newRow("big-endian size")
            << bytes({1, 0, 0, 0, 0x00, 0x10, 0x00, 0x00}) << F::None << 1 << 0x100000u << false;
        QTest::newRow("payload bytes after the header are not read")
            << bytes({2, 0, 0, 0, 0, 0, 0, 2, 'h', 'i', 9, 9}) << F::None << 2 << 2u << true;

        QTest::newRow("nothing") << QByteArray() << F::Incomplete << 0 << 0u << false;
        QTest::newRow("7 bytes") << bytes({1, 0, 0, 0, 0, 0, 0}) << F::Incomplete << 0 << 0u
                                 << false;
        QTest::newRow("stream type 3")
            << bytes({3, 0, 0, 0, 0, 0, 0, 5}) << F::StreamType << 3 << 5u << false;
        QTest::newRow("stream type 255 and a huge size")
            << bytes({255, 0, 0, 0, 255, 255, 255, 255}) << F::StreamType << 255 << 0xffffffffu
            << false;
        QTest::newRow("TTY text read as frames ('2025-01-...')")
            << QByteArray("2025-01-15T10:30:01Z x\n") << F::StreamType << int('2') << 0x2d30312du
            << false;
        for (int at = 1; at <= 3; ++at)
            QTest::addRow("padding byte %d", at) << [at] {
                QByteArray b = bytes({1, 0, 0, 0, 0, 0, 0, 5});
                b[at] = 1;
                return b;
            }() << F::Padding << 1 << 5u << false;
        QTest::newRow("size at the limit")
            << bytes({1, 0, 0, 0, 0x00, 0x10, 0x00, 0x00}) << F::None << 1 << Limit << false;
        QTest::newRow("size one above the limit") << bytes({1, 0, 0, 0, 0x00, 0x10, 0x00, 0x01})
                                                  << F::TooLarge << 1 << Limit + 1 << false;
        QTest::newRow("size 0xFFFFFFFF")
            << bytes({2, 0, 0, 0, 255, 255, 255, 255}) << F::TooLarge << 2 << 0xffffffffu << true;
    }
    void parse() {
        QFETCH(QByteArray, input);
        QFETCH(FrameHeader::Fault, fault);
        QFETCH(int, type);
        QFETCH(quint32, size);
        QFETCH(bool, stderrStream);

        const FrameHeader h = parseFrameHeader(input, Limit);
        QCOMPARE(h.fault, fault);
        QCOMPARE(h.ok(), fault == FrameHeader::Fault::None);
        QCOMPARE(int(h.streamType), type);
        QCOMPARE(h.payloadSize, size);
        QCOMPARE(h.isStderr(), stderrStream);
    }
};

QTEST_MAIN(TestFrameHeader)
#include "tst_frameheader.moc"
