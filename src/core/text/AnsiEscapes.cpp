// SPDX-License-Identifier: GPL-3.0-or-later

#include "text/AnsiEscapes.h"

namespace mist::text {

namespace {
constexpr char32_t Esc = 0x1b;
constexpr char32_t Bel = 0x07;

bool isIntermediate(char32_t c) {
    return c >= 0x20 && c <= 0x2f;
}
bool isFinal(char32_t c) {
    return c >= 0x30 && c <= 0x7e;
}
bool isCsiBody(char32_t c) {
    return c >= 0x20 && c <= 0x3f; // parameters 0x30-0x3F, intermediates 0x20-0x2F
}
bool isCsiFinal(char32_t c) {
    return c >= 0x40 && c <= 0x7e;
}
// Characters that end an ESC or CSI sequence being read and are text themselves.
bool breaksSequence(char32_t c) {
    return c < 0x20 || c >= 0x7f;
}
} // namespace

bool AnsiEscapeFilter::isText(char32_t c) {
    // A character that ends a sequence without belonging to it goes round again as text (or, in
    // a string, as the start of what follows the ESC).
    for (;;) {
        switch (m_state) {
        case State::Text:
            if (c == Esc) {
                m_state = State::Esc;
                return false;
            }
            return true;
        case State::Esc:
            if (c == Esc)
                return false; // ESC ESC: the first one introduced nothing
            if (c == u'[') {
                m_state = State::Csi;
                return false;
            }
            if (c == u']' || c == u'P' || c == u'X' || c == u'^' || c == u'_') {
                m_state = State::String;
                m_stringIsOsc = c == u']';
                return false;
            }
            if (isIntermediate(c)) {
                m_state = State::EscIntermediate;
                return false;
            }
            m_state = State::Text;
            if (breaksSequence(c))
                continue;
            return false; // the final of a two-character escape (ESC 7, ESC M, ESC c, ...)
        case State::EscIntermediate:
            if (isIntermediate(c))
                return false;
            m_state = State::Text;
            if (isFinal(c))
                return false;
            continue;
        case State::Csi:
            if (isCsiBody(c))
                return false;
            m_state = State::Text;
            if (isCsiFinal(c))
                return false;
            continue;
        case State::String:
            if (c == u'\n') {
                m_state = State::Text;
                continue;
            }
            if (c == Esc) {
                m_state = State::StringEsc;
                return false;
            }
            if (c == Bel && m_stringIsOsc)
                m_state = State::Text;
            return false;
        case State::StringEsc:
            if (c == u'\\') {
                m_state = State::Text;
                return false;
            }
            m_state = State::Esc; // the ESC ended the string and starts a new sequence
            continue;
        }
        m_state = State::Text;
    }
}

QString stripAnsiEscapes(const QString &text) {
    if (!text.contains(QChar(Esc)))
        return text;
    QString out;
    out.reserve(text.size());
    AnsiEscapeFilter filter;
    for (const QChar c : text) {
        if (filter.isText(c.unicode()))
            out.append(c);
    }
    return out;
}

} // namespace mist::text
