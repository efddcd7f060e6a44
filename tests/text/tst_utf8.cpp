// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::text::utf8SafeCut and utf8WholePrefix: where UTF-8 text is cut at a byte limit
// (log lines over 1 MiB, build output lines over 64 KiB, capped ids and messages).

#include "text/Utf8.h"

#include <QtTest>

using mist::text::utf8SafeCut;
using mist::text::utf8WholePrefix;

class TestUtf8 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void safeCut_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qsizetype>("maxBytes");
        QTest::addColumn<qsizetype>("expected");

        QTest::newRow("empty") << QByteArray() << qsizetype(5) << qsizetype(0);
        QTest::newRow("fits") << QByteArray("abc") << qsizetype(5) << qsizetype(3);
        QTest::newRow("exactly") << QByteArray("abc") << qsizetype(3) << qsizetype(3);
        QTest::newRow("ascii") << QByteArray("abcdef") << qsizetype(4) << qsizetype(4);
        QTest::newRow("zero") << QByteArray("abc") << qsizetype(0) << qsizetype(0);
        QTest::newRow("negative") << QByteArray("abc") << qsizetype(-1) << qsizetype(0);
        QTest::newRow("fits, ending in a multi-byte character")
            << QByteArray("a\xc3\xa9") << qsizetype(3) << qsizetype(3);
        QTest::newRow("fits, ending in half a character (not cut: it all fits)")
            << QByteArray("a\xc3") << qsizetype(2) << qsizetype(2);
        QTest::newRow("multi-byte first character does not fit")
            << QByteArray("\xe2\x82\xac") << qsizetype(2) << qsizetype(0);
        QTest::newRow("stray continuation bytes")
            << QByteArray("\x80\x80\x80\x80\x80\x80") << qsizetype(4) << qsizetype(4);
        QTest::newRow("ascii then stray continuation bytes")
            << QByteArray("a\x80\x80\x80\x80") << qsizetype(3) << qsizetype(3);
        // The build-output parser used to drop such a byte at its cap; it is no character
        // cut in two, and bytes that are not UTF-8 become U+FFFD like everywhere else.
        QTest::newRow("impossible byte 0xff")
            << QByteArray("a\xff\xff") << qsizetype(2) << qsizetype(2);
        QTest::newRow("impossible lead 0xf8 with continuations")
            << QByteArray("a\xf8\x80\x80\x80") << qsizetype(3) << qsizetype(3);
        QTest::newRow("lead of 3 followed by ascii (already broken)")
            << QByteArray("\xe2z\x82\xac") << qsizetype(3) << qsizetype(3);

        // Every character width, every position of the limit inside and around it.
        const QList<QByteArray> chars{"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                      "\xf0\x9d\x84\x9e"};
        for (const QByteArray &ch : chars) {
            for (int prefix = 0; prefix <= 3; ++prefix) {
                const QByteArray bytes = QByteArray(prefix, 'p') + ch + "s";
                for (qsizetype max = prefix; max <= prefix + ch.size(); ++max) {
                    const qsizetype expected = max >= prefix + ch.size() ? max : prefix;
                    QTest::addRow("%d-byte char after %d bytes, limit %d", int(ch.size()), prefix,
                                  int(max))
                        << bytes << max << expected;
                }
            }
        }
    }
    void safeCut() {
        QFETCH(QByteArray, bytes);
        QFETCH(qsizetype, maxBytes);
        QFETCH(qsizetype, expected);

        const qsizetype cut = utf8SafeCut(bytes, maxBytes);
        QCOMPARE(cut, expected);
        QVERIFY(cut <= std::max<qsizetype>(maxBytes, 0));
        if (bytes.isValidUtf8())
            QVERIFY(!QString::fromUtf8(bytes.left(cut)).contains(QChar::ReplacementCharacter));
        // The cut depends only on the bytes within the limit: a caller that kept just those
        // (a capped buffer) cuts in the same place with utf8WholePrefix.
        if (maxBytes > 0 && bytes.size() > maxBytes)
            QCOMPARE(utf8WholePrefix(QByteArrayView(bytes).first(maxBytes)), expected);
    }

    void wholePrefix_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qsizetype>("expected");
        QTest::newRow("empty") << QByteArray() << qsizetype(0);
        QTest::newRow("ascii") << QByteArray("abc") << qsizetype(3);
        QTest::newRow("whole 2-byte") << QByteArray("a\xc3\xa9") << qsizetype(3);
        QTest::newRow("half a 2-byte") << QByteArray("a\xc3") << qsizetype(1);
        QTest::newRow("two thirds of a 3-byte") << QByteArray("ab\xe2\x82") << qsizetype(2);
        QTest::newRow("three quarters of a 4-byte") << QByteArray("\xf0\x9f\x98") << qsizetype(0);
        QTest::newRow("lone lead only") << QByteArray("\xf0") << qsizetype(0);
        QTest::newRow("four continuations") << QByteArray("\x80\x80\x80\x80") << qsizetype(4);
        QTest::newRow("0xff at the end stays") << QByteArray("ab\xff") << qsizetype(3);
        QTest::newRow("overlong lead 0xc0 cut like any 2-byte lead")
            << QByteArray("a\xc0") << qsizetype(1);
    }
    void wholePrefix() {
        QFETCH(QByteArray, bytes);
        QFETCH(qsizetype, expected);
        QCOMPARE(utf8WholePrefix(bytes), expected);
    }

    void hugeInputLooksOnlyAtTheEnd() {
        // 64 MiB of 3-byte characters: the cut costs the same as for ten bytes.
        const QByteArray big = QByteArray("\xe2\x82\xac").repeated(22 * 1024 * 1024);
        QCOMPARE(utf8SafeCut(big, 1024 * 1024), qsizetype(1024 * 1024 - 1));
        QCOMPARE(utf8WholePrefix(QByteArrayView(big).first(1000)), qsizetype(999));
    }
};

QTEST_MAIN(TestUtf8)
#include "tst_utf8.moc"
