// SPDX-License-Identifier: GPL-3.0-or-later

// The Swarm service log decoder, row by row: entries with and without
// details or timestamps, pieces of long lines joined per task while tasks
// interleave, bounds, malformed input, and results independent of how the
// bytes are cut.
#include "engine/ServiceLogDecoder.h"

#include <QTest>

using namespace mist::engine;

namespace {
const QByteArray Ts = "2026-11-28T14:40:33.608334712Z";

QByteArray details(const char *task, const char *node = "n1") {
    return QByteArray("com.docker.swarm.node.id=") + node +
           ",com.docker.swarm.service.id=svc1,com.docker.swarm.task.id=" + task;
}

QByteArray frame(int stream, const QByteArray &payload) {
    QByteArray f(8, '\0');
    f[0] = char(stream);
    const quint32 n = quint32(payload.size());
    f[4] = char(n >> 24);
    f[5] = char(n >> 16);
    f[6] = char(n >> 8);
    f[7] = char(n);
    return f + payload;
}

QByteArray entry(const char *task, const QByteArray &content, int stream = 1,
                 const QByteArray &ts = Ts) {
    return frame(stream, ts + ' ' + details(task) + ' ' + content);
}

// "task|stream|ts|line[|truncated]" per line.
QStringList describe(const QList<ServiceLogLine> &lines) {
    QStringList out;
    for (const ServiceLogLine &l : lines)
        out << l.task + u'|' + l.stream + u'|' + l.ts + u'|' + l.line +
                   (l.truncated ? QStringLiteral("|truncated") : QString());
    return out;
}

// One expected line as describe() writes it.
QString row(const QString &task, const char *stream, const QString &line, const QByteArray &ts = Ts,
            bool truncated = false) {
    return task + QLatin1Char('|') + QLatin1String(stream) + QLatin1Char('|') +
           QString::fromLatin1(ts) + QLatin1Char('|') + line +
           (truncated ? QStringLiteral("|truncated") : QString());
}

QStringList decodeAll(const QByteArray &bytes, qsizetype chunk, qsizetype maxLine = 1024 * 1024,
                      QString *error = nullptr,
                      ServiceLogDecoder::Mode mode = ServiceLogDecoder::Mode::Multiplexed) {
    ServiceLogDecoder d(mode, maxLine);
    QList<ServiceLogLine> out;
    for (qsizetype i = 0; i < bytes.size(); i += chunk)
        d.feed(QByteArrayView(bytes).sliced(i, std::min(chunk, bytes.size() - i)), out);
    d.finish(out);
    if (error)
        *error = d.errorString();
    return describe(out);
}
} // namespace

class TestServiceLogDecoder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lines_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("one line") << entry("t1", "hello\n")
                                  << QStringList{row("t1", "stdout", "hello")};
        QTest::newRow("stderr") << entry("t1", "oops\n", 2)
                                << QStringList{row("t1", "stderr", "oops")};
        QTest::newRow("empty line") << entry("t1", "\n") << QStringList{row("t1", "stdout", "")};
        QTest::newRow("content with spaces and '='")
            << entry("t1", "a=b c=d  e\n") << QStringList{row("t1", "stdout", "a=b c=d  e")};
        QTest::newRow("no details")
            << frame(1, Ts + " plain words\n") << QStringList{row("", "stdout", "plain words")};
        QTest::newRow("no timestamp") << frame(1, "k=v no timestamp\n")
                                      << QStringList{row("", "stdout", "k=v no timestamp", "")};
        QTest::newRow("three tasks in turn")
            << entry("t1", "a\n") + entry("t2", "b\n") + entry("t3", "c\n")
            << QStringList{row("t1", "stdout", "a"), row("t2", "stdout", "b"),
                           row("t3", "stdout", "c")};
        // The engine cuts long lines into entries; two tasks print at once.
        const QByteArray a(16384, 'a'), b(16384, 'b');
        const QByteArray ts2 = "2026-11-28T14:40:34.000000001Z";
        QTest::newRow("pieces of two tasks interleaved")
            << entry("t1", a) + entry("t2", b) + entry("t1", "A\n", 1, ts2) +
                   entry("t2", "B\n", 1, ts2)
            << QStringList{row("t1", "stdout", QString::fromLatin1(a + "A")),
                           row("t2", "stdout", QString::fromLatin1(b + "B"))};
        QTest::newRow("stdout and stderr pieces of one task")
            << entry("t1", "out-") + entry("t1", "err-", 2) + entry("t1", "1\n", 2) +
                   entry("t1", "2\n")
            << QStringList{row("t1", "stderr", "err-1"), row("t1", "stdout", "out-2")};
        QTest::newRow("unterminated at the end")
            << entry("t1", "first") + entry("t2", "second")
            << QStringList{row("t1", "stdout", "first"), row("t2", "stdout", "second")};
        QTest::newRow("empty frames") << frame(1, "") + entry("t1", "x\n") + frame(2, "")
                                      << QStringList{row("t1", "stdout", "x")};
        QTest::newRow("invalid UTF-8")
            << entry("t1", "\xff\xfe ok\n")
            << QStringList{row("t1", "stdout",
                               QString(2, QChar::ReplacementCharacter) + QStringLiteral(" ok"))};
    }
    void lines() {
        QFETCH(QByteArray, input);
        QFETCH(QStringList, expected);
        // Whatever the cut: at once, in 7-byte pieces, byte by byte.
        for (const qsizetype chunk : {input.size(), qsizetype(7), qsizetype(1)}) {
            QString error;
            QCOMPARE(decodeAll(input, std::max<qsizetype>(1, chunk), 1024 * 1024, &error),
                     expected);
            QCOMPARE(error, QString());
        }
    }

    void longLineIsCutAndItsRestSkipped() {
        const QByteArray input =
            entry("t1", QByteArray(40, 'x')) + entry("t1", "yyyy\n") + entry("t1", "next\n");
        QCOMPARE(decodeAll(input, 5, 32),
                 (QStringList{row("t1", "stdout", QString(32, u'x'), Ts, true),
                              row("t1", "stdout", "next")}));
        // A whole line in one entry, too long.
        QCOMPARE(decodeAll(entry("t1", QByteArray(40, 'z') + '\n'), 100, 32),
                 (QStringList{row("t1", "stdout", QString(32, u'z'), Ts, true)}));
    }

    void manyHalfLinesAreBounded() {
        QByteArray input;
        for (int i = 0; i < ServiceLogDecoder::MaxOpenLines + 5; ++i)
            input += entry(QByteArray("t" + QByteArray::number(i)).constData(), "half");
        ServiceLogDecoder d;
        QList<ServiceLogLine> out;
        d.feed(input, out);
        QCOMPARE(out.size(), 5); // the oldest half lines, as they stood
        QCOMPARE(out[0].task, QStringLiteral("t0"));
        QCOMPARE(out[0].line, QStringLiteral("half"));
        d.finish(out);
        QCOMPARE(out.size(), ServiceLogDecoder::MaxOpenLines + 5);
    }

    void ttyMode() {
        const QByteArray input =
            Ts + ' ' + details("t9") + " one\r\n" + Ts + ' ' + details("t9") + " two\n";
        QString error;
        QCOMPARE(decodeAll(input, 3, 1024, &error, ServiceLogDecoder::Mode::Tty),
                 (QStringList{row("t9", "stdout", "one"), row("t9", "stdout", "two")}));
        QCOMPARE(error, QString());
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("error");
        QByteArray badStream = entry("t1", "x\n");
        badStream[0] = 3;
        QTest::newRow("stream type 3")
            << entry("t1", "ok\n") + badStream << QStringLiteral("malformed frame header at byte ");
        QByteArray padding = entry("t1", "x\n");
        padding[2] = 1;
        QTest::newRow("padding") << padding << QStringLiteral("malformed frame header at byte 0");
        QByteArray huge(8, '\0');
        huge[0] = 1;
        huge[4] = char(0x7f);
        QTest::newRow("frame above 1 MiB")
            << huge << QStringLiteral("malformed frame header at byte 0");
        QTest::newRow("details above 4 KiB")
            << frame(1, Ts + " k=" + QByteArray(5000, 'v') + " x\n")
            << QStringLiteral("log details longer than 4096 bytes at byte 0");
    }
    void malformed() {
        QFETCH(QByteArray, input);
        QFETCH(QString, error);
        ServiceLogDecoder d;
        QList<ServiceLogLine> out;
        d.feed(input, out);
        QVERIFY(d.failed());
        QVERIFY2(d.errorString().startsWith(error), qPrintable(d.errorString()));
        // Lines before the fault were delivered; nothing after it is.
        const qsizetype before = out.size();
        d.feed(entry("t1", "later\n"), out);
        QCOMPARE(out.size(), before);
    }

    void splitEntry() {
        // The parts are views into the entry: it must outlive them.
        const QByteArray entryBytes = Ts + ' ' + details("t1", "n7") + " msg x";
        const auto e = ServiceLogDecoder::splitEntry(entryBytes);
        QCOMPARE(e.ts, QByteArrayView(Ts));
        QCOMPARE(ServiceLogDecoder::detail(e.details, "com.docker.swarm.node.id"),
                 QByteArrayView("n7"));
        QCOMPARE(ServiceLogDecoder::detail(e.details, "com.docker.swarm.task.id"),
                 QByteArrayView("t1"));
        QVERIFY(ServiceLogDecoder::detail(e.details, "com.docker.swarm").isEmpty());
        QCOMPARE(e.content, QByteArrayView("msg x"));
        // Details without content (an entry of only a '\n' was cut before it).
        const QByteArray bareBytes = Ts + ' ' + details("t1");
        const auto bare = ServiceLogDecoder::splitEntry(bareBytes);
        QVERIFY(bare.content.isEmpty());
        QVERIFY(!bare.details.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestServiceLogDecoder)
#include "tst_servicelogdecoder.moc"
