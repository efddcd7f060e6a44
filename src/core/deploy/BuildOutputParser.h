// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Incremental parser for the body of the Docker Engine API (v1.41) `POST /build` answer (classic
// builder): a sequence of JSON objects, separated by "\r\n", "\n" or nothing, such as
//   {"stream":"Step 1/3 : FROM base"}  {"stream":"\n"}  {"stream":"hello\npart"}
//   {"aux":{"ID":"sha256:..."}}  {"stream":"Successfully built 0bbbee7f97a4\n"}
//   {"errorDetail":{"code":1,"message":"..."},"error":"The command ... returned a non-zero code:
//   1"}
// and, when the engine refuses the request before building (HTTP 400, e.g. a Dockerfile syntax
// error), its error body {"message":"dockerfile parse error line 2: ..."}. Feed the body whatever
// the HTTP status. Pure: no I/O, no event loop.
//
// Log lines: the text of every "stream" value is joined into one text (the engine cuts it
// anywhere, e.g. "Step 1/3 : FROM x" and its "\n" come in two objects) and cut at "\n". Each
// line then has terminal escape sequences (text/AnsiEscapes.h) and other control characters
// (but tabs) removed; a carriage return inside a line means "overwrite" (progress output), so
// only the text after the last one is kept, and a trailing "\r" is dropped. Lines that are then
// empty or all blanks are dropped. A line is cut at MaxLineBytes bytes of UTF-8 (at a character
// boundary); the rest of it, up to its "\n", is skipped without being buffered. A partial last
// line is delivered by finish(), or before an Error or status event to keep the order of output.
// "Step n/N : ..." lines carry step and totalSteps.
//
// Pull progress ({"status":"Downloading","progress":"[=> ]","id":"abc"}, sent when FROM pulls)
// becomes a Log line "id: status" (or "status" without id) except the messages that carry a
// progress bar, which would flood the log (the docker CLI drops them too when not on a TTY).
// Status and id lose escape sequences, control characters (but tabs and newlines) and outer
// blanks; a newline in them starts another Log line, as in the docker CLI's output, so that a
// Log event is always one line. The id is cut at 256 bytes of UTF-8 and a line at MaxLineBytes,
// both at a character boundary.
//
// Errors: an object with "error" (or "errorDetail") or the engine's error body {"message":...}
// makes the parser failed(): it emits an Error event with the message, and keeps the first
// message and exit code. The exit code is errorDetail.code (the engine sets it only for a RUN
// that returned non-zero), else the N of "returned a non-zero code: N" in the message, else -1.
//
// Malformed input (bytes that are not JSON objects, invalid JSON inside one, nesting deeper than
// MaxDepth, or a stream cut inside an object) does not fail the build by itself: the first time
// it happens the parser emits one Error event "malformed build output" (never again), skips to
// the next raw "\n" (which valid JSON never has inside a string, so it is a safe point to start
// again) and goes on. Text of a "stream" value already read before the fault is kept.
//
// Memory is bounded whatever the input: JSON is tokenised byte by byte and string values are
// decoded as they arrive, never buffered whole; kept values are capped (the partial line and
// error messages at MaxLineBytes, ids and keys far lower), and a value that reached its cap is
// cut back to a character boundary once it is complete, never half a character. Results do
// not depend on how the bytes are cut into feed() calls.
//
// Not thread-safe; one parser per build.

#include "text/AnsiEscapes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QVarLengthArray>

namespace mist::deploy {

struct BuildEvent {
    enum class Kind { Log, Error };
    Kind kind = Kind::Log;
    QString line; // one output line (without trailing newline); for Error, the error message
    int step = 0, totalSteps = 0; // set when this line is "Step n/N : ..."
};

class BuildOutputParser {
public:
    // Longest Log line (and Error message), in bytes of UTF-8.
    static constexpr qsizetype MaxLineBytes = 64 * 1024;
    // Deepest JSON nesting accepted (the engine's objects have 2 levels).
    static constexpr int MaxDepth = 32;

    // Feed raw body bytes as they arrive (chunks may split JSON objects and lines anywhere;
    // objects may be separated by \r\n or nothing). Appends the events they complete to `out`.
    void feed(QByteArrayView bytes, QList<BuildEvent> &out);
    // End of the body: delivers the partial last line, reports an object left unfinished as
    // malformed output, and resets the tokenizer (results such as imageId() are kept).
    void finish(QList<BuildEvent> &out);

    // The built image: "sha256:..." from {"aux":{"ID":...}}, else the short id of the last
    // "Successfully built <id>" line (engines before aux). Empty while none was seen and
    // whenever the build failed (a RUN may well print "Successfully built x" itself).
    QString imageId() const;
    bool failed() const { return m_failed; }
    QString errorMessage() const { return m_errorMessage; }
    // errorDetail.code, or parsed from "returned a non-zero code: N", else -1.
    int exitCode() const { return m_exitCode; }

private:
    // Where the characters of the JSON string being read go.
    enum class Target : quint8 {
        None,
        Key,
        Stream,
        Error,
        Message,
        DetailMessage,
        AuxId,
        Status,
        Id,
        Progress
    };
    enum class Expect : quint8 {
        TopValue,
        KeyOrClose,
        Key,
        Colon,
        ValueOrClose,
        Value,
        CommaOrClose
    };

    // The fields of the current top-level object that matter, capped.
    struct ObjectFields {
        QByteArray error, message, detailMessage, auxId, status, id, progress;
        bool hasError = false, hasMessage = false, hasDetail = false, hasStream = false,
             hasStatus = false, hasAux = false;
        qint64 detailCode = 0;
    };

    void process(const char *data, qsizetype size);
    // Inside a JSON string: consumes data[i] (or a run of plain bytes from there) and returns
    // where reading goes on.
    qsizetype readString(const char *data, qsizetype i, qsizetype size);
    void escapedCharacter(char c); // the character after a backslash
    void structure(char c);        // a character outside strings and scalars, not a blank
    void malformed(char offending);
    void startValue(char c);
    void closeContainer();
    void endScalar();
    void endString();
    Target targetForValue() const;
    void stringBytes(const char *data, qsizetype size);
    void codeUnit(char16_t unit);
    void flushSurrogate();
    void endObject();
    void resetTokenizer();

    void streamText(const char *data, qsizetype size);
    void appendToLine(const char *data, qsizetype size);
    void endLine();
    void flushPartialLine();
    void emitLog(const QString &line);
    void emitError(const QByteArray &rawMessage, qint64 code);
    void reportMalformed();

    QList<BuildEvent> *m_out = nullptr; // set for the duration of feed() / finish()

    // Tokenizer.
    Expect m_expect = Expect::TopValue;
    QVarLengthArray<char, MaxDepth> m_stack; // '{' or '[' per open container
    bool m_inString = false;
    Target m_target = Target::None;
    int m_escape = 0; // 0: none, 1: after '\', 2: reading the 4 hex digits of \u
    int m_hexDigits = 0;
    char16_t m_hex = 0;
    char16_t m_highSurrogate = 0; // a \uD800-\uDBFF waiting for its low half
    bool m_inScalar = false;
    QByteArray m_scalar;                    // number / true / false / null being read (capped)
    bool m_scalarIsCode = false;            // the scalar is errorDetail.code
    QByteArray m_keyBuffer, m_key1, m_key2; // key being read; keys at depth 1 and 2 (capped)
    bool m_skipToNewline = false;
    bool m_reportedMalformed = false;
    ObjectFields m_object;

    // Line assembly.
    text::AnsiEscapeFilter m_escapes;
    QByteArray m_line;
    bool m_lineOverflow = false; // m_line is full: skip up to the '\n'
    bool m_pendingCr = false;    // a '\r' was seen: the next text overwrites the line

    // Results.
    QString m_auxImageId, m_builtImageId, m_errorMessage;
    bool m_failed = false;
    int m_exitCode = -1;
};

// The message the deployment shows for a failed build: "Docker build failed: exit code N" when
// a RUN failed with N, else "Docker build failed: <engine message>" (or, when the output ended
// without an error nor an image, "Docker build failed: build output ended without an image").
QString buildFailureMessage(const BuildOutputParser &parser);

} // namespace mist::deploy
