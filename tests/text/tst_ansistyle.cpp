// SPDX-License-Identifier: GPL-3.0-or-later

// Colours and emphasis of terminal output (SGR), read from log lines: data rows for every form
// the parser understands, the ones it must ignore, and hostile input.
#include "text/AnsiEscapes.h"
#include "text/AnsiStyle.h"

#include <QTest>

using namespace mist::text;

namespace {
AnsiStyle fg(quint32 c, quint8 flags = 0) {
    AnsiStyle s;
    s.fg = c;
    s.flags = flags;
    return s;
}
AnsiStyle bg(quint32 c) {
    AnsiStyle s;
    s.bg = c;
    return s;
}
AnsiStyle flags(quint8 f) {
    AnsiStyle s;
    s.flags = f;
    return s;
}
const QString E = QStringLiteral("\x1b");
} // namespace

Q_DECLARE_METATYPE(QList<AnsiRun>)

class TestAnsiStyle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("plain");
        QTest::addColumn<QList<AnsiRun>>("runs");
        const quint32 red = 0xffcd0000, brightRed = 0xffff0000, green = 0xff00cd00;
        using F = AnsiStyle;
        QTest::newRow("no escapes") << "plain text"
                                    << "plain text" << QList<AnsiRun>{};
        QTest::newRow("red word") << E + "[31mERROR" + E + "[0m rest"
                                  << "ERROR rest" << QList<AnsiRun>{{0, 5, fg(red)}};
        QTest::newRow("reset by empty") << E + "[31mA" + E + "[mB"
                                        << "AB" << QList<AnsiRun>{{0, 1, fg(red)}};
        QTest::newRow("bright") << E + "[91mX"
                                << "X" << QList<AnsiRun>{{0, 1, fg(brightRed)}};
        QTest::newRow("background") << E + "[42mX"
                                    << "X" << QList<AnsiRun>{{0, 1, bg(green)}};
        QTest::newRow("bright background") << E + "[101mX"
                                           << "X" << QList<AnsiRun>{{0, 1, bg(brightRed)}};
        QTest::newRow("bold red") << E + "[1;31mX"
                                  << "X" << QList<AnsiRun>{{0, 1, fg(red, F::Bold)}};
        QTest::newRow("dim italic underline inverse")
            << E + "[2;3;4;7mX"
            << "X" << QList<AnsiRun>{{0, 1, flags(F::Dim | F::Italic | F::Underline | F::Inverse)}};
        QTest::newRow("22 ends bold and dim")
            << E + "[1;2mA" + E + "[22mB"
            << "AB" << QList<AnsiRun>{{0, 1, flags(F::Bold | F::Dim)}};
        QTest::newRow("24 ends underline") << E + "[4mA" + E + "[24mB"
                                           << "AB" << QList<AnsiRun>{{0, 1, flags(F::Underline)}};
        QTest::newRow("4:0 ends underline") << E + "[4mA" + E + "[4:0mB"
                                            << "AB" << QList<AnsiRun>{{0, 1, flags(F::Underline)}};
        QTest::newRow("4:3 curly is underline")
            << E + "[4:3mA"
            << "A" << QList<AnsiRun>{{0, 1, flags(F::Underline)}};
        QTest::newRow("39 default fg keeps bold")
            << E + "[1;31mA" + E + "[39mB"
            << "AB" << QList<AnsiRun>{{0, 1, fg(red, F::Bold)}, {1, 1, flags(F::Bold)}};
        QTest::newRow("256 colours") << E + "[38;5;196mX"
                                     << "X" << QList<AnsiRun>{{0, 1, fg(0xffff0000)}};
        QTest::newRow("256 cube") << E + "[38;5;67mX"
                                  << "X" << QList<AnsiRun>{{0, 1, fg(0xff5f87af)}};
        QTest::newRow("256 grey") << E + "[48;5;244mX"
                                  << "X" << QList<AnsiRun>{{0, 1, bg(0xff808080)}};
        QTest::newRow("true colour") << E + "[38;2;10;20;30mX"
                                     << "X" << QList<AnsiRun>{{0, 1, fg(0xff0a141e)}};
        QTest::newRow("true colour, colon") << E + "[38:2::10:20:30mX"
                                            << "X" << QList<AnsiRun>{{0, 1, fg(0xff0a141e)}};
        QTest::newRow("true colour, colon, no space")
            << E + "[38:2:10:20:30mX"
            << "X" << QList<AnsiRun>{{0, 1, fg(0xff0a141e)}};
        QTest::newRow("256, colon") << E + "[38:5:9mX"
                                    << "X" << QList<AnsiRun>{{0, 1, fg(brightRed)}};
        QTest::newRow("true colour then bold")
            << E + "[38;2;1;2;3;1mX"
            << "X" << QList<AnsiRun>{{0, 1, fg(0xff010203, F::Bold)}};
        QTest::newRow("38 without arguments") << E + "[38mX"
                                              << "X" << QList<AnsiRun>{};
        QTest::newRow("38;5 out of range") << E + "[38;5;256mX"
                                           << "X" << QList<AnsiRun>{};
        QTest::newRow("38;2 out of range") << E + "[38;2;1;2;300mX"
                                           << "X" << QList<AnsiRun>{};
        QTest::newRow("38;2 too short") << E + "[38;2;1;2mX"
                                        << "X" << QList<AnsiRun>{};
        QTest::newRow("unknown SGR ignored") << E + "[5;31mX"
                                             << "X" << QList<AnsiRun>{{0, 1, fg(red)}};
        QTest::newRow("private form is not SGR") << E + "[?31mX"
                                                 << "X" << QList<AnsiRun>{};
        QTest::newRow("cursor moves removed, no style") << E + "[2K" + E + "[1Gprogress"
                                                        << "progress" << QList<AnsiRun>{};
        QTest::newRow("OSC title then colour") << E + "]0;title\x07" + E + "[32mok"
                                               << "ok" << QList<AnsiRun>{{0, 2, fg(green)}};
        QTest::newRow("OSC ended by the next ESC") << E + "]0;title" + E + "[32mok"
                                                   << "ok" << QList<AnsiRun>{{0, 2, fg(green)}};
        QTest::newRow("ESC ESC [") << E + E + "[31mX"
                                   << "X" << QList<AnsiRun>{{0, 1, fg(red)}};
        QTest::newRow("same style twice, one run") << E + "[31mA" + E + "[31mB"
                                                   << "AB" << QList<AnsiRun>{{0, 2, fg(red)}};
        QTest::newRow("style with no text") << E + "[31m" + E + "[0mX"
                                            << "X" << QList<AnsiRun>{};
        QTest::newRow("broken sequence keeps the text") << E + "[31\nX"
                                                        << "\nX" << QList<AnsiRun>{};
        QTest::newRow("lone ESC at the end") << "abc" + E << "abc" << QList<AnsiRun>{};
        QTest::newRow("huge number") << E + "[3100000000000mX"
                                     << "X" << QList<AnsiRun>{};
        QTest::newRow("non-ASCII text") << E + "[31mÄrger ✗"
                                        << "Ärger ✗" << QList<AnsiRun>{{0, 7, fg(red)}};
    }
    void parse() {
        QFETCH(QString, input);
        QFETCH(QString, plain);
        QFETCH(QList<AnsiRun>, runs);
        const StyledText out = parseAnsiStyles(input);
        QCOMPARE(out.plain, plain);
        QCOMPARE(out.plain, stripAnsiEscapes(input)); // one rule for what is text
        QCOMPARE(out.runs.size(), runs.size());
        for (qsizetype i = 0; i < runs.size(); ++i) {
            QCOMPARE(out.runs[i].start, runs[i].start);
            QCOMPARE(out.runs[i].length, runs[i].length);
            QCOMPARE(out.runs[i].style.fg, runs[i].style.fg);
            QCOMPARE(out.runs[i].style.bg, runs[i].style.bg);
            QCOMPARE(out.runs[i].style.flags, runs[i].style.flags);
        }
    }

    // A line that changes colour on every character: at most MaxAnsiRuns runs, the last one
    // reaching to the end, and the text whole.
    void runsBounded() {
        QString line;
        for (int i = 0; i < 10000; ++i)
            line += E + QStringLiteral("[%1mx").arg(31 + i % 2);
        const StyledText out = parseAnsiStyles(line);
        QCOMPARE(out.plain, QString(10000, u'x'));
        QCOMPARE(out.runs.size(), MaxAnsiRuns);
        QCOMPARE(out.runs.last().start + out.runs.last().length, 10000);
    }

    // Many parameters in one sequence: the first MaxAnsiParameters count.
    void parametersBounded() {
        QString params;
        for (int i = 0; i < MaxAnsiParameters; ++i)
            params += QStringLiteral("1;");
        const StyledText out = parseAnsiStyles(E + u'[' + params + QStringLiteral("31mX"));
        QCOMPARE(out.plain, QStringLiteral("X"));
        QCOMPARE(out.runs.size(), 1);
        QCOMPARE(out.runs[0].style.fg, 0u); // the 31 came after the bound
        QVERIFY(out.runs[0].style.has(AnsiStyle::Bold));
    }

    // A sequence longer than MaxAnsiSequence goes without effect; the text after it stays.
    void hugeSequenceIgnored() {
        QString params;
        for (int i = 0; i < 100000; ++i)
            params += QStringLiteral("1;");
        const StyledText out = parseAnsiStyles(E + u'[' + params + QStringLiteral("31mX") + E +
                                               QStringLiteral("[32mY"));
        QCOMPARE(out.plain, QStringLiteral("XY"));
        QCOMPARE(out.runs.size(), 1);
        QCOMPARE(out.runs[0].start, 1);
        QCOMPARE(out.runs[0].style.fg, 0xff00cd00u);
    }

    void palette() {
        QCOMPARE(ansiColor(0), 0xff000000u);
        QCOMPARE(ansiColor(15), 0xffffffffu);
        QCOMPARE(ansiColor(16), 0xff000000u);
        QCOMPARE(ansiColor(231), 0xffffffffu);
        QCOMPARE(ansiColor(232), 0xff080808u);
        QCOMPARE(ansiColor(255), 0xffeeeeeeu);
        QCOMPARE(ansiColor(-1), 0u);
        QCOMPARE(ansiColor(256), 0u);
    }
};

QTEST_MAIN(TestAnsiStyle)
#include "tst_ansistyle.moc"
