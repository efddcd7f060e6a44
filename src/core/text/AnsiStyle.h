// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Colours and emphasis of terminal output (SGR, "CSI ... m"), read from a line the way xterm
// and VTE show it: the line's text without any escape sequence (the same text
// stripAnsiEscapes() gives) and the runs of it that are styled. Pure: no I/O, no QtGui.
//
// Understood: 0 reset; 1 bold, 2 dim, 3 italic, 4 underline (4:0 off, other 4:n on), 7 inverse;
// 22 (bold and dim off), 23, 24, 27; 30-37 / 90-97 and 40-47 / 100-107 (the 16 colours, xterm's
// default palette); 38 / 48 with 5;n (256 colours) or 2;r;g;b (true colour), in the ';' and the
// ':' forms (38:2::r:g:b and 38:2:r:g:b); 39 and 49 (default colours). An empty parameter is 0.
// Anything else (other SGR numbers, values out of range, a 38 without its arguments) changes
// nothing; other escape sequences (cursor movement, OSC titles, ...) are removed without effect.
//
// Bounds: at most MaxAnsiRuns runs per line (after that the last run reaches to the end of the
// line), at most MaxAnsiParameters parameters per sequence (the rest are ignored), a sequence
// longer than MaxAnsiSequence characters is removed without effect, and a number with more than
// 9 digits is out of range.

#include <QList>
#include <QString>
#include <QtGlobal>

namespace mist::text {

struct AnsiStyle {
    enum Flag : quint8 { Bold = 1, Dim = 2, Italic = 4, Underline = 8, Inverse = 16 };
    quint32 fg = 0; // 0xffRRGGBB; 0: the default colour
    quint32 bg = 0;
    quint8 flags = 0;

    bool isDefault() const { return fg == 0 && bg == 0 && flags == 0; }
    bool has(Flag f) const { return flags & f; }
    friend bool operator==(const AnsiStyle &a, const AnsiStyle &b) {
        return a.fg == b.fg && a.bg == b.bg && a.flags == b.flags;
    }
    friend bool operator!=(const AnsiStyle &a, const AnsiStyle &b) { return !(a == b); }
};

// `length` characters of the plain text from `start` drawn in `style` (never the default).
struct AnsiRun {
    int start = 0;
    int length = 0;
    AnsiStyle style;
    friend bool operator==(const AnsiRun &a, const AnsiRun &b) {
        return a.start == b.start && a.length == b.length && a.style == b.style;
    }
};

struct StyledText {
    QString plain;
    QList<AnsiRun> runs; // in order, not overlapping, adjacent ones with different styles
};

constexpr int MaxAnsiRuns = 256;
constexpr int MaxAnsiParameters = 32;
constexpr int MaxAnsiSequence = 4096;

// xterm's colour n of 256 (0-15: the 16 colours, 16-231: the 6x6x6 cube, 232-255: greys), as
// 0xffRRGGBB; 0 for n outside 0-255.
quint32 ansiColor(int n);

// `text`'s plain text and styled runs. Without an ESC in it: the text itself, no runs.
StyledText parseAnsiStyles(const QString &text);

} // namespace mist::text
