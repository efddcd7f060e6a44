// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Shared helpers of the libFuzzer targets (see docs/FUZZING.md).
//
// FUZZ_CHECK reports a broken invariant with the values that broke it and aborts, which
// libFuzzer (built with -fsanitize=fuzzer,address) records as a crash and saves the input of.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "\n==== invariant broken: %s\n     at %s:%d\n     ", #cond,       \
                         __FILE__, __LINE__);                                                      \
            std::fprintf(stderr, __VA_ARGS__);                                                     \
            std::fprintf(stderr, "\n");                                                            \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

// FUZZ_KNOWN is FUZZ_CHECK for an invariant the code under test is known to break (a reported
// bug, listed with its name in docs/FUZZING.md): it prints the violation once per name and goes
// on, so that the test run stays useful until the fix lands; MIST_FUZZ_STRICT=1 makes it fatal.
// When the bug is fixed, the FUZZ_KNOWN becomes a FUZZ_CHECK.
#define FUZZ_KNOWN(name, cond, ...)                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            if (mist::fuzz::strict()) {                                                            \
                FUZZ_CHECK(cond, __VA_ARGS__);                                                     \
            } else if (mist::fuzz::firstTimeKnown(name)) {                                         \
                std::fprintf(stderr,                                                               \
                             "\n==== known issue %s (docs/FUZZING.md), not counted: ", name);      \
                std::fprintf(stderr, __VA_ARGS__);                                                 \
                std::fprintf(stderr, "\n");                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (false)

namespace mist::fuzz {

inline bool strict() {
    static const bool on = qEnvironmentVariableIntValue("MIST_FUZZ_STRICT") == 1;
    return on;
}

inline bool firstTimeKnown(const char *name) {
    static QList<QByteArray> seen;
    if (seen.contains(QByteArray(name)))
        return false;
    seen.append(QByteArray(name));
    return true;
}

// Printable, bounded rendering of bytes or text for failure messages.
inline QByteArray show(QByteArrayView bytes, qsizetype max = 160) {
    QByteArray out;
    const qsizetype n = std::min(bytes.size(), max);
    for (qsizetype i = 0; i < n; ++i) {
        const auto c = uchar(bytes[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out += char(c);
        else
            out += "\\x" + QByteArray::number(c, 16).rightJustified(2, '0');
    }
    if (bytes.size() > max)
        out += "...(" + QByteArray::number(bytes.size()) + " bytes)";
    return out;
}

inline QByteArray show(const QByteArray &bytes, qsizetype max = 160) {
    return show(QByteArrayView(bytes), max);
}

inline QByteArray show(const QString &text, qsizetype max = 160) {
    return show(QByteArrayView(text.toUtf8()), max);
}

// SplitMix64: a small deterministic generator, so that a saved crash input replays the same
// chunking.
class Rng {
public:
    explicit Rng(quint64 seed)
        : m_state(seed) {}
    quint64 next() {
        quint64 z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform enough in [lo, hi].
    qsizetype between(qsizetype lo, qsizetype hi) {
        return lo + qsizetype(next() % quint64(hi - lo + 1));
    }

private:
    quint64 m_state;
};

// FNV-1a of the bytes, to seed a chunking from the input itself.
inline quint64 hashOf(QByteArrayView bytes) {
    quint64 h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        h ^= uchar(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

// Cuts `bytes` into pieces the way a network delivers them: sometimes single bytes, sometimes a
// few, sometimes large runs. Every byte is in exactly one piece, in order.
inline QList<QByteArrayView> chunked(QByteArrayView bytes, quint64 seed) {
    QList<QByteArrayView> pieces;
    Rng rng(seed);
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        qsizetype len;
        switch (rng.next() % 4) {
        case 0:
            len = 1;
            break;
        case 1:
            len = rng.between(2, 9);
            break;
        case 2:
            len = rng.between(10, 300);
            break;
        default:
            len = rng.between(301, 20000);
            break;
        }
        len = std::min(len, bytes.size() - pos);
        pieces.append(bytes.sliced(pos, len));
        pos += len;
    }
    return pieces;
}

} // namespace mist::fuzz
