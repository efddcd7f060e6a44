// SPDX-License-Identifier: GPL-3.0-or-later

// deploy::lastContainerOutput: what a container that died at start said last,
// as a failed deployment's log shows it.
#include "deploy/DeployStrategy.h"

#include <QTest>

using namespace mist;

namespace {
// One engine log entry as the logs endpoint sends it (multiplexed, timestamps=1).
QByteArray frame(const QByteArray &payload, char stream = 1) {
    const QByteArray body = "2026-12-05T10:00:00.000000001Z " + payload;
    const quint32 n = quint32(body.size());
    QByteArray header(8, '\0');
    header[0] = stream;
    header[4] = char(n >> 24);
    header[5] = char(n >> 16);
    header[6] = char(n >> 8);
    header[7] = char(n);
    return header + body;
}
} // namespace

class TestLastOutput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lines_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("nothing") << QByteArray() << QStringList();
        QTest::newRow("both streams")
            << frame("starting\n") + frame("FATAL: missing env DATABASE_URL\n", 2)
            << QStringList{"starting", "FATAL: missing env DATABASE_URL"};
        QTest::newRow("last line without newline")
            << frame("a\n") + frame("b") << QStringList{"a", "b"};
        QByteArray many;
        QStringList last;
        for (int i = 1; i <= 120; ++i) {
            many += frame(QByteArray::number(i) + '\n');
            if (i > 120 - deploy::LastOutput::MaxLines)
                last << QString::number(i);
        }
        QTest::newRow("only the last lines") << many << last;
        const QByteArray longLine(100000, 'x');
        QByteArray pieces;
        for (qsizetype at = 0; at < longLine.size(); at += 16384)
            pieces += frame(longLine.mid(at, 16384));
        QTest::newRow("long line cut")
            << pieces + frame("\n") + frame("end\n")
            << QStringList{QString(deploy::LastOutput::MaxLineBytes, u'x') + QChar(0x2026), "end"};
        // 2047 ASCII bytes then a 3-byte character: the cut does not split it.
        QTest::newRow("cut on a character") << frame(QByteArray(2047, 'y') + "\xe2\x82\xac tail\n")
                                            << QStringList{QString(2047, u'y') + QChar(0x2026)};
        QTest::newRow("escapes and control characters")
            << frame("\x1b[31mred\x1b[0m\a\x01\tkept\r\n") + frame("\x1b]0;title\x07plain\n")
            << QStringList{"red\tkept", "plain"};
        QTest::newRow("not UTF-8")
            << frame("bad \xff\xfe utf8\n") << QStringList{QStringLiteral("bad \uFFFD\uFFFD utf8")};
        QTest::newRow("C1 controls") << frame("a\xc2\x9b"
                                              "b\n")
                                     << QStringList{"ab"};
        QTest::newRow("garbage after good lines")
            << frame("good\n") + QByteArray("\x07\x01\x02\x03garbage", 11) << QStringList{"good"};
    }

    void lines() {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, expected);
        QCOMPARE(deploy::lastContainerOutput(body), expected);
    }
};

QTEST_APPLESS_MAIN(TestLastOutput)
#include "tst_lastoutput.moc"
