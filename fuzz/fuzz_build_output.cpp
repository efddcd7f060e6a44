// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: BuildOutputParser (deploy/BuildOutputParser.h), the body of the engine's
// POST /build answer.
//
// The input is a build body. It is fed whole, and again cut into random pieces (single bytes up
// to 20 000): the header promises the results do not depend on the cutting, so both runs must
// give the same events (kind, line, step, totalSteps) and the same imageId(), failed(),
// errorMessage(), exitCode(). Then, for every event:
// - a Log line is non-blank, has no control character but tab (no newline: a pull status of
//   several lines is several Log lines), at most MaxLineBytes UTF-16 code units, and when the
//   input is valid UTF-8 without \u escapes its text (and an Error message's, and imageId())
//   has no U+FFFD either (a long line, a status's id and aux.ID are cut at a character
//   boundary, never inside one);
// - step/totalSteps are set exactly for "Step n/N : " lines with 1 <= n <= N;
// - "malformed build output" comes at most once; every other Error makes failed() true and the
//   first one is errorMessage(); exitCode() is -1 or a code of a failed build; an Error message
//   has at most MaxLineBytes UTF-16 code units;
// - a failed build has no imageId(); buildFailureMessage() always says something.

#include "FuzzSupport.h"

#include "deploy/BuildOutputParser.h"

#include <QRegularExpression>

using namespace mist;
using deploy::BuildEvent;
using deploy::BuildOutputParser;
using mist::fuzz::show;

namespace {

struct Run {
    QList<BuildEvent> events;
    QString imageId, errorMessage;
    bool failed = false;
    int exitCode = -1;
};

Run runParser(const QList<QByteArrayView> &pieces) {
    BuildOutputParser parser;
    Run r;
    for (QByteArrayView piece : pieces)
        parser.feed(piece, r.events);
    parser.finish(r.events);
    r.imageId = parser.imageId();
    r.errorMessage = parser.errorMessage();
    r.failed = parser.failed();
    r.exitCode = parser.exitCode();
    const QString failure = deploy::buildFailureMessage(parser);
    FUZZ_CHECK(failure.startsWith(QStringLiteral("Docker build failed: ")) && failure.size() > 21,
               "buildFailureMessage() = %s", show(failure).constData());
    return r;
}

const char *kindName(BuildEvent::Kind k) {
    return k == BuildEvent::Kind::Log ? "log" : "error";
}

void expectSame(const Run &got, const Run &want) {
    const qsizetype n = std::min(got.events.size(), want.events.size());
    for (qsizetype i = 0; i < n; ++i) {
        const BuildEvent &g = got.events[i];
        const BuildEvent &w = want.events[i];
        FUZZ_CHECK(g.kind == w.kind && g.line == w.line && g.step == w.step &&
                       g.totalSteps == w.totalSteps,
                   "chunked feeds: event %lld differs\n  got  %s %s (%d/%d)\n  want %s %s (%d/%d)",
                   qlonglong(i), kindName(g.kind), show(g.line).constData(), g.step, g.totalSteps,
                   kindName(w.kind), show(w.line).constData(), w.step, w.totalSteps);
    }
    FUZZ_CHECK(got.events.size() == want.events.size(), "chunked feeds: %lld events, whole: %lld",
               qlonglong(got.events.size()), qlonglong(want.events.size()));
    FUZZ_CHECK(got.imageId == want.imageId && got.failed == want.failed &&
                   got.errorMessage == want.errorMessage && got.exitCode == want.exitCode,
               "chunked feeds: results differ: image %s/%s failed %d/%d exit %d/%d message %s/%s",
               show(got.imageId).constData(), show(want.imageId).constData(), int(got.failed),
               int(want.failed), got.exitCode, want.exitCode, show(got.errorMessage).constData(),
               show(want.errorMessage).constData());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const Run whole = runParser({input});
    const Run chunked = runParser(fuzz::chunked(input, fuzz::hashOf(input)));
    expectSame(chunked, whole);

    // Valid UTF-8 in, no \u escape (which may encode a lone surrogate), no U+FFFD of its own:
    // then any U+FFFD in the output was made by a cut inside a character.
    const bool cleanUtf8 = QString::fromUtf8(input).toUtf8() == input &&
                           !input.contains(QByteArrayView("\\u")) &&
                           !QString::fromUtf8(input).contains(QChar::ReplacementCharacter);
    static const QRegularExpression stepRe(QStringLiteral("^Step ([0-9]{1,9})/([0-9]{1,9}) : "));
    int malformedReports = 0;
    bool sawError = false;
    QString firstError;
    for (const BuildEvent &e : whole.events) {
        FUZZ_CHECK(e.line.size() <= BuildOutputParser::MaxLineBytes,
                   "%s event of %lld UTF-16 units", kindName(e.kind), qlonglong(e.line.size()));
        if (e.kind == BuildEvent::Kind::Error) {
            FUZZ_CHECK(!e.line.isEmpty(), "empty error message");
            if (e.line == u"malformed build output") {
                ++malformedReports;
                continue;
            }
            if (cleanUtf8)
                FUZZ_CHECK(!e.line.contains(QChar::ReplacementCharacter),
                           "U+FFFD in an error message (%lld units) from valid UTF-8 input: ...%s",
                           qlonglong(e.line.size()), show(e.line.right(16)).constData());
            if (!sawError)
                firstError = e.line;
            sawError = true;
            continue;
        }
        FUZZ_CHECK(!e.line.trimmed().isEmpty(), "blank log line %s", show(e.line).constData());
        // A newline too: stream text is cut at it, and a pull status (or its id) holding one
        // gives one Log line per line.
        for (const QChar c : e.line)
            FUZZ_CHECK(c == u'\t' || (c.unicode() >= 0x20 && c.unicode() != 0x7f),
                       "control character U+%04X in log line %s", c.unicode(),
                       show(e.line).constData());
        // Stream lines and pull status lines alike: the status's "id", kept up to 256 bytes,
        // is cut at a character boundary once it is whole.
        if (cleanUtf8)
            FUZZ_CHECK(!e.line.contains(QChar::ReplacementCharacter),
                       "U+FFFD in a log line (%lld units) from valid UTF-8 input: ...%s",
                       qlonglong(e.line.size()), show(e.line.right(40)).constData());
        const QRegularExpressionMatch m = stepRe.match(e.line);
        const int n = m.hasMatch() ? m.captured(1).toInt() : 0;
        const int total = m.hasMatch() ? m.captured(2).toInt() : 0;
        const bool isStep = m.hasMatch() && n >= 1 && n <= total;
        FUZZ_CHECK(isStep ? (e.step == n && e.totalSteps == total)
                          : (e.step == 0 && e.totalSteps == 0),
                   "step %d/%d for %s", e.step, e.totalSteps, show(e.line).constData());
    }
    // An engine may itself say "malformed build output"; then the count proves nothing.
    const bool engineSaidMalformed =
        whole.failed && whole.errorMessage == u"malformed build output";
    FUZZ_CHECK(malformedReports <= 1 || engineSaidMalformed,
               "\"malformed build output\" reported %d times", malformedReports);
    FUZZ_CHECK(whole.failed == (sawError || engineSaidMalformed),
               "failed() = %d with%s an error event", int(whole.failed), sawError ? "" : "out");
    if (whole.failed) {
        FUZZ_CHECK(whole.errorMessage == firstError || engineSaidMalformed,
                   "errorMessage() %s, first error %s", show(whole.errorMessage).constData(),
                   show(firstError).constData());
        FUZZ_CHECK(whole.imageId.isEmpty(), "failed build with image %s",
                   show(whole.imageId).constData());
    }
    // aux.ID has the id cap too.
    if (cleanUtf8)
        FUZZ_CHECK(!whole.imageId.contains(QChar::ReplacementCharacter),
                   "U+FFFD in imageId() from valid UTF-8 input: ...%s",
                   show(whole.imageId.right(40)).constData());
    FUZZ_CHECK(whole.exitCode >= -1, "exitCode() = %d", whole.exitCode);
    FUZZ_CHECK(whole.exitCode == -1 || whole.failed, "exitCode() = %d without failure",
               whole.exitCode);
    return 0;
}
