// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Terminal escape sequences (ECMA-48 as xterm and VTE speak it), recognised one character at a
// time so that byte streams cut anywhere (build output) and whole strings (log lines in the
// desktop app) are cleaned by the same rules. Pure: no I/O.
//
// Recognised and removed, parameters and all:
// - CSI: ESC [ then parameter and intermediate bytes (0x20-0x3F, which covers the private
//   forms ESC [ ? 25 l, ESC [ > c, ESC [ < ...) up to a final byte 0x40-0x7E (SGR colours,
//   cursor movement, erase line, ...);
// - OSC: ESC ] ... ended by BEL or ST (ESC \), e.g. window titles and OSC 8 hyperlinks;
// - DCS, SOS, PM and APC: ESC P / X / ^ / _ ... ended by ST (tmux pass-through, kitty
//   graphics);
// - ESC with intermediate bytes 0x20-0x2F and a final byte 0x30-0x7E: character-set selection
//   (ESC ( B, which `tput sgr0` prints, ESC ) 0, ESC % G), ESC # 8;
// - two-character escapes ESC 0x30-0x7E (ESC 7, ESC M, ESC c, ESC =).
// A character that cannot belong to the sequence being read (a control character, DEL, or
// anything above ASCII inside a CSI or an ESC sequence) ends it and is text again, so a broken
// sequence never swallows what follows; a newline ends any sequence, strings included, since
// escape sequences never span lines of output. A lone ESC at the end is dropped.
//
// Not recognised: the 8-bit C1 forms (U+009B for CSI, U+009D for OSC, ...). Output here is
// UTF-8, where U+009B is two bytes that terminals in UTF-8 mode do not treat as CSI either, and a
// byte 0x9B on its own is part of some other character. They are left to the caller like any
// other control character.
//
// Control characters outside sequences (tab, CR, BEL, ...) are text as far as this filter goes:
// what to do with them is the caller's decision.

#include <QString>
#include <QtGlobal>

namespace mist::text {

class AnsiEscapeFilter {
public:
    // Feeds the next character (a byte of UTF-8 or a UTF-16 unit: both are ASCII where escape
    // sequences are concerned). True when it is text, false when it is part of an escape
    // sequence and goes.
    bool isText(char32_t c);
    // Back to text, e.g. at the end of a stream: an unfinished sequence is forgotten.
    void reset() { m_state = State::Text; }
    bool inSequence() const { return m_state != State::Text; }

private:
    enum class State : quint8 { Text, Esc, EscIntermediate, Csi, String, StringEsc };
    State m_state = State::Text;
    bool m_stringIsOsc = false; // BEL ends an OSC, not the other strings
};

// `text` without its escape sequences; everything else, control characters included, is kept.
// Returns `text` itself (shared, not copied) when it holds no ESC.
QString stripAnsiEscapes(const QString &text);

} // namespace mist::text
