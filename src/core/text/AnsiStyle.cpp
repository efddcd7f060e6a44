// SPDX-License-Identifier: GPL-3.0-or-later

#include "text/AnsiStyle.h"

#include "text/AnsiEscapes.h"

#include <optional>

namespace mist::text {

namespace {
constexpr quint32 Opaque = 0xff000000u;

quint32 rgb(int r, int g, int b) {
    return Opaque | (quint32(r) << 16) | (quint32(g) << 8) | quint32(b);
}

// One SGR parameter with its ':' sub-parameters; nullopt for an empty or out-of-range number.
using Parameter = QList<std::optional<int>>;

std::optional<int> number(QStringView digits) {
    if (digits.isEmpty())
        return 0;
    if (digits.size() > 9)
        return std::nullopt;
    int n = 0;
    for (const QChar c : digits) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        n = n * 10 + (c.unicode() - u'0');
    }
    return n;
}

// "1;38:2::255:0:0;4" -> [[1], [38, 2, 0, 255, 0, 0], [4]] (an empty sub-parameter is kept
// as 0, as for parameters).
QList<Parameter> parameters(QStringView body) {
    QList<Parameter> out;
    for (const QStringView part : body.split(u';')) {
        if (out.size() >= MaxAnsiParameters)
            break;
        Parameter p;
        for (const QStringView sub : part.split(u':'))
            p.append(number(sub));
        out.append(p);
    }
    return out;
}

// 38/48's colour from `args` (after the 38/48 itself): 5;n or 2;r;g;b. `used` gets how many
// of `args` it took (the ';' form takes them from the following parameters).
std::optional<quint32> extendedColor(const QList<std::optional<int>> &args, int *used) {
    *used = 0;
    if (args.isEmpty() || !args[0])
        return std::nullopt;
    if (*args[0] == 5) {
        *used = 2;
        if (args.size() < 2 || !args[1] || *args[1] > 255)
            return std::nullopt;
        return ansiColor(*args[1]);
    }
    if (*args[0] == 2) {
        *used = 4;
        if (args.size() < 4)
            return std::nullopt;
        for (int i = 1; i <= 3; ++i)
            if (!args[i] || *args[i] > 255)
                return std::nullopt;
        return rgb(*args[1], *args[2], *args[3]);
    }
    return std::nullopt;
}

// The ':' form of 38/48: 38:5:n, 38:2:r:g:b or 38:2:<colour space>:r:g:b.
std::optional<quint32> colonColor(const Parameter &p) {
    QList<std::optional<int>> args = p.mid(1);
    if (args.size() >= 5 && args[0] && *args[0] == 2)
        args.removeAt(1); // the colour space id
    int used = 0;
    return extendedColor(args, &used);
}

void applyOne(AnsiStyle &s, int n) {
    using F = AnsiStyle;
    switch (n) {
    case 0:
        s = AnsiStyle();
        return;
    case 1:
        s.flags |= F::Bold;
        return;
    case 2:
        s.flags |= F::Dim;
        return;
    case 3:
        s.flags |= F::Italic;
        return;
    case 4:
        s.flags |= F::Underline;
        return;
    case 7:
        s.flags |= F::Inverse;
        return;
    case 22:
        s.flags &= quint8(~(F::Bold | F::Dim));
        return;
    case 23:
        s.flags &= quint8(~F::Italic);
        return;
    case 24:
        s.flags &= quint8(~F::Underline);
        return;
    case 27:
        s.flags &= quint8(~F::Inverse);
        return;
    case 39:
        s.fg = 0;
        return;
    case 49:
        s.bg = 0;
        return;
    default:
        break;
    }
    if (n >= 30 && n <= 37)
        s.fg = ansiColor(n - 30);
    else if (n >= 90 && n <= 97)
        s.fg = ansiColor(n - 90 + 8);
    else if (n >= 40 && n <= 47)
        s.bg = ansiColor(n - 40);
    else if (n >= 100 && n <= 107)
        s.bg = ansiColor(n - 100 + 8);
}

// Applies "CSI body m" to `s`.
void applySgr(AnsiStyle &s, QStringView body) {
    const QList<Parameter> ps = parameters(body);
    for (qsizetype i = 0; i < ps.size(); ++i) {
        const Parameter &p = ps[i];
        if (!p[0])
            continue;
        const int n = *p[0];
        if (n == 38 || n == 48) {
            std::optional<quint32> colour;
            if (p.size() > 1) {
                colour = colonColor(p);
            } else {
                QList<std::optional<int>> rest;
                for (qsizetype j = i + 1; j < ps.size(); ++j)
                    rest.append(ps[j].size() == 1 ? ps[j][0] : std::nullopt);
                int used = 0;
                colour = extendedColor(rest, &used);
                i += std::min<qsizetype>(used, rest.size());
            }
            if (colour)
                (n == 38 ? s.fg : s.bg) = *colour;
        } else if (n == 4 && p.size() > 1) {
            if (p[1] && *p[1] == 0)
                s.flags &= quint8(~AnsiStyle::Underline);
            else
                s.flags |= AnsiStyle::Underline;
        } else {
            applyOne(s, n);
        }
    }
}

// A whole escape sequence as the filter took it; only "ESC [ params m" means anything here.
void applySequence(AnsiStyle &s, const QString &whole) {
    // The filter reads "ESC ESC [ ..." and a string ended by an ESC that starts the next
    // sequence as one: the last ESC starts the one that counts.
    const QStringView seq = QStringView(whole).sliced(whole.lastIndexOf(QChar(0x1b)));
    if (seq.size() < 3 || seq[1] != u'[' || seq.back() != u'm')
        return;
    const QStringView body = seq.sliced(2, seq.size() - 3);
    for (const QChar c : body)
        if (!(c.isDigit() || c == u';' || c == u':'))
            return; // private forms (ESC [ ? ... m) are not SGR
    applySgr(s, body);
}

class RunBuilder {
public:
    explicit RunBuilder(StyledText &out)
        : m_out(out) {}
    // The style from the next character on.
    void setStyle(const AnsiStyle &s) {
        if (s == m_style)
            return;
        close();
        m_style = s;
    }
    void close() {
        const int end = int(m_out.plain.size());
        if (end > m_start && !m_style.isDefault()) {
            if (m_out.runs.size() < MaxAnsiRuns)
                m_out.runs.append({m_start, end - m_start, m_style});
            else
                m_capped = true;
        }
        m_start = end;
    }
    // Past the cap the last run reaches to the end of the line.
    void finish() {
        close();
        if (m_capped && !m_out.runs.isEmpty())
            m_out.runs.last().length = int(m_out.plain.size()) - m_out.runs.last().start;
    }

private:
    StyledText &m_out;
    AnsiStyle m_style;
    int m_start = 0;
    bool m_capped = false;
};
} // namespace

quint32 ansiColor(int n) {
    static constexpr quint32 Base[16] = {0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
                                         0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
                                         0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff};
    if (n < 0 || n > 255)
        return 0;
    if (n < 16)
        return Opaque | Base[n];
    if (n < 232) {
        static constexpr int Level[6] = {0, 95, 135, 175, 215, 255};
        const int c = n - 16;
        return rgb(Level[c / 36], Level[(c / 6) % 6], Level[c % 6]);
    }
    const int grey = 8 + 10 * (n - 232);
    return rgb(grey, grey, grey);
}

StyledText parseAnsiStyles(const QString &text) {
    StyledText out;
    if (!text.contains(QChar(0x1b))) {
        out.plain = text;
        return out;
    }
    out.plain.reserve(text.size());
    RunBuilder runs(out);
    AnsiEscapeFilter filter;
    AnsiStyle style;
    QString seq;
    qsizetype seqLength = 0; // of the sequence being read, kept or not
    for (const QChar c : text) {
        const bool isText = filter.isText(c.unicode());
        if (!isText && ++seqLength <= MaxAnsiSequence)
            seq.append(c);
        if (!filter.inSequence() && seqLength > 0) {
            if (seqLength <= MaxAnsiSequence)
                applySequence(style, seq);
            seq.clear();
            seqLength = 0;
            runs.setStyle(style);
        }
        if (isText)
            out.plain.append(c);
    }
    runs.finish();
    return out;
}

} // namespace mist::text
