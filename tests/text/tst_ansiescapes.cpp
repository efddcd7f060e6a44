// SPDX-License-Identifier: GPL-3.0-or-later

// Tests for mist::text::AnsiEscapeFilter and stripAnsiEscapes: the one place terminal escape
// sequences are recognised, for the desktop app's log view and the build-output parser alike.

#include "text/AnsiEscapes.h"

#include <QtTest>

using mist::text::AnsiEscapeFilter;
using mist::text::stripAnsiEscapes;

namespace {
void row(const char *name, const char *in, const char *out) {
    QTest::newRow(name) << QString::fromUtf8(in) << QString::fromUtf8(out);
}

// The filter fed one byte of UTF-8 at a time, keeping what it says is text: the way the
// build-output parser uses it.
QByteArray filterBytes(const QByteArray &in) {
    AnsiEscapeFilter f;
    QByteArray out;
    for (const char c : in) {
        if (f.isText(uchar(c)))
            out += c;
    }
    return out;
}

// Sequences that are complete: SGR, character sets, two-character escapes, CSI.
void sequenceRows() {
    row("no escape", "plain text", "plain text");
    row("empty", "", "");

    // SGR.
    row("SGR colour and reset", "\x1b[31mERROR\x1b[0m boom", "ERROR boom");
    row("SGR several parameters", "\x1b[1;38;5;208mhot\x1b[m", "hot");
    row("SGR with colon sub-parameters", "\x1b[38:2:255:0:0mred\x1b[0m", "red");
    // What `tput sgr0` prints on xterm: the GUI used to leave "B" behind ("boldB").
    row("tput bold then sgr0", "\x1b[1mbold\x1b(B\x1b[m", "bold");

    // Character-set selection and other ESC + intermediate + final.
    row("G0 ASCII", "a\x1b(Bb", "ab");
    row("G1 line drawing", "a\x1b)0b", "ab");
    row("G2 and G3", "\x1b*A\x1b+Bx", "x");
    row("UTF-8 mode select", "\x1b%Gok", "ok");
    row("DEC screen alignment", "\x1b#8ok", "ok");
    row("two intermediates", "\x1b(%5ok", "ok");

    // Two-character escapes.
    row("save and restore cursor",
        "\x1b"
        "7a\x1b"
        "8b",
        "ab");
    row("reverse index, reset, keypad",
        "\x1bM\x1b"
        "c\x1b=\x1b>x",
        "x");

    // Private and other CSI.
    row("hide cursor", "\x1b[?25lx\x1b[?25h", "x");
    row("device attributes", "\x1b[>c\x1b[>0;10;1cx", "x");
    row("alternate screen", "\x1b[?1049hx\x1b[?1049l", "x");
    row("SGR mouse mode", "\x1b[<0;3;4Mx", "x");
    row("CSI with intermediate (cursor style)", "\x1b[2 qx", "x");

    // Cursor movement and erasing.
    row("cursor up, forward, position", "\x1b[2A\x1b[10C\x1b[5;1Hx", "x");
    row("erase line and screen", "50%\x1b[2K\r100%\x1b[J", "50%\r100%");
}

// OSC and the other strings.
void stringRows() {
    // OSC.
    row("OSC title ended by BEL",
        "\x1b]0;title\x07"
        "done",
        "done");
    row("OSC title ended by ST", "\x1b]2;title\x1b\\done", "done");
    row("OSC 8 hyperlink", "\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\ c", "link c");
    row("OSC with UTF-8 inside", "\x1b]0;t\xc3\xadtulo\x07ok", "ok");
    row("OSC left open at the end", "text\x1b]0;never ended", "text");
    row("OSC ended by another sequence", "\x1b]0;t\x1b[31mred", "red");
    row("OSC ended by a newline", "\x1b]0;t\nnext", "\nnext");

    // Other strings: DCS, SOS, PM, APC end at ST only.
    row("DCS (tmux pass-through)", "a\x1bPtmux;\x1b\x1b]0;x\x07\x1b\\b", "ab");
    row("APC (kitty graphics)", "a\x1b_Gf=100;AAAA\x1b\\b", "ab");
    row("PM and SOS", "\x1b^pm\x1b\\\x1bXsos\x1b\\ok", "ok");
    row("BEL does not end a DCS", "\x1bPq\x07still\x1b\\ok", "ok");
}

void brokenRows() {
    // Broken and cut sequences.
    row("lone ESC at the end", "text\x1b", "text");
    row("ESC [ at the end", "text\x1b[", "text");
    row("unfinished CSI at the end", "text\x1b[31;1", "text");
    row("ESC ESC", "\x1b\x1b[31mx", "x");
    row("control character ends a CSI and stays", "\x1b[12\tnext", "\tnext");
    row("newline ends a CSI", "x\x1b[12\nnext", "x\nnext");
    row("non-ASCII ends a CSI and stays", "\x1b[3\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9");
    row("non-ASCII after ESC stays", "\x1b\xc3\xa9", "\xc3\xa9");
    row("ESC then newline", "a\x1b\nb", "a\nb");
    row("ESC intermediate cut by a control", "\x1b(\x07x", "\x07x");

    // Control characters outside sequences are the caller's business.
    row("tab, CR and BEL kept", "a\tb\rc\x07", "a\tb\rc\x07");
    // 8-bit C1 forms are not recognised (see the header): U+009B stays, and so does what
    // follows it.
    row("8-bit CSI not recognised",
        "\xc2\x9b"
        "31mx",
        "\xc2\x9b"
        "31mx");
}

} // namespace

class TestAnsiEscapes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void strip_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        sequenceRows();
        stringRows();
        brokenRows();
    }
    void strip() {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(stripAnsiEscapes(input), expected);
        // Fed as UTF-8 bytes, in one go or byte by byte, the filter keeps the same text.
        QCOMPARE(QString::fromUtf8(filterBytes(input.toUtf8())), expected);
    }

    void surrogatePairsStayWhole() {
        const QString emoji = QStringLiteral("\U0001F600");
        QCOMPARE(stripAnsiEscapes(QStringLiteral("\x1b[1m") + emoji), emoji);
        QCOMPARE(stripAnsiEscapes(QStringLiteral("\x1b[1") + emoji), emoji);
        QCOMPARE(stripAnsiEscapes(QStringLiteral("\x1b") + emoji), emoji);
        QCOMPARE(stripAnsiEscapes(QStringLiteral("\x1b]0;") + emoji + u'\a' + emoji), emoji);
    }

    void textWithoutEscapeIsShared() {
        const QString line = QStringLiteral("no escapes here");
        QVERIFY(stripAnsiEscapes(line).constData() == line.constData());
    }

    void stateAcrossPieces() {
        // A sequence cut between two feeds (two JSON objects of build output) is still one.
        AnsiEscapeFilter f;
        QVERIFY(f.isText(u'a'));
        QVERIFY(!f.isText(0x1b));
        QVERIFY(f.inSequence());
        QVERIFY(!f.isText(u'['));
        QVERIFY(!f.isText(u'3'));
        QVERIFY(!f.isText(u'1'));
        QVERIFY(!f.isText(u'm'));
        QVERIFY(!f.inSequence());
        QVERIFY(!f.isText(0x1b));
        f.reset();
        QVERIFY(!f.inSequence());
        QVERIFY(f.isText(u'['));
    }

    void hugeHostileInput() {
        // 4 MiB inside one OSC, 4 MiB of CSI parameters, a million ESCs in a row: none of it
        // is text, and the text after it comes through.
        const QString osc = QStringLiteral("\x1b]0;") + QString(4 * 1024 * 1024, u'x');
        QCOMPARE(stripAnsiEscapes(osc + QStringLiteral("\x07tail")), QStringLiteral("tail"));
        const QString csi = QStringLiteral("\x1b[") + QString(4 * 1024 * 1024, u'1');
        QCOMPARE(stripAnsiEscapes(csi + QStringLiteral("mtail")), QStringLiteral("tail"));
        const QString escapes = QStringLiteral("\x1b").repeated(1024 * 1024);
        QCOMPARE(stripAnsiEscapes(escapes + QStringLiteral("[0mok")), QStringLiteral("ok"));
    }
};

QTEST_MAIN(TestAnsiEscapes)
#include "tst_ansiescapes.moc"
