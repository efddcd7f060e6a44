// SPDX-License-Identifier: GPL-3.0-or-later

#include "deploy/BuildOutputParser.h"

#include "text/Utf8.h"

#include <QRegularExpression>

#include <algorithm>
#include <climits>
#include <cstring>

namespace mist::deploy {

namespace {

// Caps on the values kept from one object. Messages are shown to users, so they get the line
// cap; ids and keys are short by nature, and anything longer is not one we look for.
constexpr qsizetype MaxIdBytes = 256;
constexpr qsizetype MaxKeyBytes = 32;
constexpr qsizetype MaxScalarBytes = 32;

enum class Action { Drop, Keep, Newline, CarriageReturn };

// One byte through the escape-sequence filter, then what a build log does with the text it lets
// through: newlines end lines, a carriage return overwrites, tabs stay, other control
// characters go.
Action classify(text::AnsiEscapeFilter &escapes, char c) {
    const auto u = uchar(c);
    if (!escapes.isText(u))
        return Action::Drop;
    if (c == '\n')
        return Action::Newline;
    if (c == '\r')
        return Action::CarriageReturn;
    if (c == '\t')
        return Action::Keep;
    return (u < 0x20 || u == 0x7f) ? Action::Drop : Action::Keep;
}

// Bytes kept as they are when no escape sequence is open, for the bulk path.
inline bool isPlain(char c) {
    const auto u = uchar(c);
    return u >= 0x20 && u != 0x7f;
}

// Keeps the first `cap` bytes of a value, whatever pieces they come in. The cut may fall inside
// a character: the value is cut at a character boundary where it is used (decodeCapped,
// cleanMessage), once it is whole. Doing it here would make the result depend on the pieces,
// since a buffer cut back below its cap would take bytes again from the next piece.
void appendCapped(QByteArray &b, const char *data, qsizetype size, qsizetype cap) {
    const qsizetype room = cap - b.size();
    if (room > 0)
        b.append(data, std::min(size, room));
}

// A value kept by appendCapped(..., cap), as text: when it reached the cap, the character the
// cap cut in two is dropped rather than shown as U+FFFD.
QString decodeCapped(QByteArray raw, qsizetype cap) {
    if (raw.size() >= cap)
        raw.truncate(text::utf8WholePrefix(raw));
    return QString::fromUtf8(raw);
}

// Error and status texts and ids, kept by appendCapped(..., cap): the character the cap cut in
// two dropped, escape sequences and control characters removed (newlines and tabs kept),
// blanks trimmed.
QString cleanMessage(QByteArray raw, qsizetype cap) {
    if (raw.size() >= cap)
        raw.truncate(text::utf8WholePrefix(raw));
    QByteArray out;
    out.reserve(raw.size());
    text::AnsiEscapeFilter escapes;
    for (const char c : std::as_const(raw)) {
        switch (classify(escapes, c)) {
        case Action::Keep:
            out += c;
            break;
        case Action::Newline:
            out += '\n';
            break;
        case Action::Drop:
        case Action::CarriageReturn:
            break;
        }
    }
    return QString::fromUtf8(out).trimmed();
}

// A Log line put together from several values ("id: status"): cut like a stream line, at
// MaxLineBytes bytes of UTF-8 and at a character boundary.
QString capLine(const QString &line) {
    if (line.size() * 3 <= BuildOutputParser::MaxLineBytes) // at most 3 bytes per UTF-16 unit
        return line;
    QByteArray utf8 = line.toUtf8();
    if (utf8.size() <= BuildOutputParser::MaxLineBytes)
        return line;
    utf8.truncate(text::utf8SafeCut(utf8, BuildOutputParser::MaxLineBytes));
    return QString::fromUtf8(utf8);
}

bool isScalarChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '+' || c == '.';
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(QByteArrayView s) {
    qsizetype i = 0;
    const qsizetype n = s.size();
    auto digits = [&] {
        const qsizetype start = i;
        while (i < n && isDigit(s[i]))
            ++i;
        return i > start;
    };
    if (i < n && s[i] == '-')
        ++i;
    if (i < n && s[i] == '0')
        ++i;
    else if (!digits())
        return false;
    if (i < n && s[i] == '.') {
        ++i;
        if (!digits())
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (!digits())
            return false;
    }
    return i == n;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int encodeUtf8(char32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = char(cp);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = char(0xc0 | (cp >> 6));
        out[1] = char(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = char(0xe0 | (cp >> 12));
        out[1] = char(0x80 | ((cp >> 6) & 0x3f));
        out[2] = char(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = char(0xf0 | (cp >> 18));
    out[1] = char(0x80 | ((cp >> 12) & 0x3f));
    out[2] = char(0x80 | ((cp >> 6) & 0x3f));
    out[3] = char(0x80 | (cp & 0x3f));
    return 4;
}

// "Step 2/3 : RUN ..." -> 2, 3. Returns false for anything else, including n > N.
bool parseStep(const QString &line, int *step, int *total) {
    static const QRegularExpression re(QStringLiteral("^Step (\\d{1,9})/(\\d{1,9}) : "));
    const QRegularExpressionMatch m = re.match(line);
    if (!m.hasMatch())
        return false;
    const int n = m.capturedView(1).toInt();
    const int of = m.capturedView(2).toInt();
    if (n < 1 || of < n)
        return false;
    *step = n;
    *total = of;
    return true;
}

// The exit code the engine writes into the message of a failed RUN:
// "The command '/bin/sh -c ...' returned a non-zero code: 1".
int exitCodeFromMessage(const QString &message) {
    static const QRegularExpression re(QStringLiteral("returned a non-zero code: (\\d{1,9})"));
    QRegularExpressionMatchIterator it = re.globalMatch(message);
    int code = -1;
    while (it.hasNext()) // the last one: the command text itself may contain the phrase
        code = it.next().capturedView(1).toInt();
    return code;
}

} // namespace

void BuildOutputParser::feed(QByteArrayView bytes, QList<BuildEvent> &out) {
    m_out = &out;
    process(bytes.data(), bytes.size());
    m_out = nullptr;
}

void BuildOutputParser::finish(QList<BuildEvent> &out) {
    m_out = &out;
    const bool unfinished = !m_stack.isEmpty() || m_inString || m_inScalar;
    flushPartialLine();
    if (unfinished) // the body ended inside an object: a cut connection or a broken engine
        reportMalformed();
    resetTokenizer();
    m_skipToNewline = false;
    m_escapes.reset();
    m_pendingCr = false;
    m_out = nullptr;
}

QString BuildOutputParser::imageId() const {
    if (m_failed)
        return {};
    return m_auxImageId.isEmpty() ? m_builtImageId : m_auxImageId;
}

void BuildOutputParser::process(const char *data, qsizetype size) {
    qsizetype i = 0;
    while (i < size) {
        if (m_skipToNewline) {
            const void *nl = std::memchr(data + i, '\n', size_t(size - i));
            if (!nl)
                return;
            i = static_cast<const char *>(nl) - data + 1;
            m_skipToNewline = false;
            continue;
        }
        if (m_inString) {
            i = readString(data, i, size);
            continue;
        }
        const char c = data[i];
        if (m_inScalar) {
            if (isScalarChar(c)) {
                ++i;
                if (m_scalar.size() >= MaxScalarBytes)
                    malformed(c);
                else
                    m_scalar += c;
                continue;
            }
            endScalar(); // c ends the scalar and is then read as structure
            if (m_skipToNewline) {
                if (c == '\n')
                    m_skipToNewline = false;
                ++i;
                continue;
            }
        }
        ++i;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            structure(c);
    }
}

qsizetype BuildOutputParser::readString(const char *data, qsizetype i, qsizetype size) {
    const char c = data[i];
    if (m_escape == 0) {
        // Bulk path: a run of plain string bytes goes out in one piece.
        qsizetype j = i;
        while (j < size && data[j] != '"' && data[j] != '\\' && uchar(data[j]) >= 0x20)
            ++j;
        if (j > i) {
            flushSurrogate();
            stringBytes(data + i, j - i);
            return j;
        }
        if (c == '"') {
            flushSurrogate();
            endString();
        } else if (c == '\\') {
            m_escape = 1;
        } else {
            malformed(c); // a raw control character: JSON wants it escaped
        }
    } else if (m_escape == 1) {
        escapedCharacter(c);
    } else {
        const int v = hexValue(c);
        if (v < 0) {
            malformed(c);
        } else {
            m_hex = char16_t(m_hex * 16 + v);
            if (++m_hexDigits == 4) {
                m_escape = 0;
                codeUnit(m_hex);
            }
        }
    }
    return i + 1;
}

void BuildOutputParser::escapedCharacter(char c) {
    char plain;
    switch (c) {
    case '"':
    case '\\':
    case '/':
        plain = c;
        break;
    case 'b':
        plain = '\b';
        break;
    case 'f':
        plain = '\f';
        break;
    case 'n':
        plain = '\n';
        break;
    case 'r':
        plain = '\r';
        break;
    case 't':
        plain = '\t';
        break;
    case 'u':
        m_escape = 2;
        m_hex = 0;
        m_hexDigits = 0;
        return;
    default:
        malformed(c);
        return;
    }
    m_escape = 0;
    flushSurrogate();
    stringBytes(&plain, 1);
}

void BuildOutputParser::structure(char c) {
    switch (m_expect) {
    case Expect::TopValue:
        if (c == '{') {
            m_stack.append('{');
            m_object = ObjectFields{};
            m_key1.clear();
            m_expect = Expect::KeyOrClose;
        } else {
            malformed(c);
        }
        break;
    case Expect::KeyOrClose:
    case Expect::Key:
        if (c == '}' && m_expect == Expect::KeyOrClose) {
            closeContainer();
        } else if (c == '"') {
            m_keyBuffer.clear();
            m_target = Target::Key;
            m_inString = true;
        } else {
            malformed(c);
        }
        break;
    case Expect::Colon:
        if (c == ':')
            m_expect = Expect::Value;
        else
            malformed(c);
        break;
    case Expect::ValueOrClose:
        if (c == ']')
            closeContainer();
        else
            startValue(c);
        break;
    case Expect::Value:
        startValue(c);
        break;
    case Expect::CommaOrClose: {
        const char open = m_stack.last();
        if (c == ',')
            m_expect = open == '{' ? Expect::Key : Expect::Value;
        else if ((c == '}' && open == '{') || (c == ']' && open == '['))
            closeContainer();
        else
            malformed(c);
        break;
    }
    }
}

void BuildOutputParser::malformed(char offending) {
    reportMalformed();
    resetTokenizer();
    // A raw newline is itself the point to start again from.
    m_skipToNewline = offending != '\n';
}

void BuildOutputParser::reportMalformed() {
    if (m_reportedMalformed)
        return;
    m_reportedMalformed = true;
    BuildEvent e;
    e.kind = BuildEvent::Kind::Error;
    e.line = QStringLiteral("malformed build output");
    m_out->append(e);
}

void BuildOutputParser::resetTokenizer() {
    m_expect = Expect::TopValue;
    m_stack.clear();
    m_inString = false;
    m_target = Target::None;
    m_escape = 0;
    m_hexDigits = 0;
    m_highSurrogate = 0;
    m_inScalar = false;
    m_scalar.clear();
    m_keyBuffer.clear();
    m_key1.clear();
    m_key2.clear();
    m_object = ObjectFields{};
}

void BuildOutputParser::startValue(char c) {
    switch (c) {
    case '{':
    case '[':
        if (m_stack.size() >= MaxDepth) {
            malformed(c);
            return;
        }
        m_stack.append(c);
        if (m_stack.size() == 2)
            m_key2.clear();
        m_expect = c == '{' ? Expect::KeyOrClose : Expect::ValueOrClose;
        return;
    case '"':
        m_target = targetForValue();
        m_inString = true;
        switch (m_target) {
        case Target::Stream:
            m_object.hasStream = true;
            break;
        case Target::Error:
            m_object.hasError = true;
            m_object.error.clear();
            break;
        case Target::Message:
            m_object.hasMessage = true;
            m_object.message.clear();
            break;
        case Target::DetailMessage:
            m_object.hasDetail = true;
            m_object.detailMessage.clear();
            break;
        case Target::AuxId:
            m_object.hasAux = true;
            m_object.auxId.clear();
            break;
        case Target::Status:
            m_object.hasStatus = true;
            m_object.status.clear();
            break;
        case Target::Id:
            m_object.id.clear();
            break;
        case Target::Progress:
            m_object.progress.clear();
            break;
        case Target::None:
        case Target::Key:
            break;
        }
        return;
    default:
        if (c == '-' || isDigit(c) || c == 't' || c == 'f' || c == 'n') {
            m_inScalar = true;
            m_scalar = QByteArray(1, c);
            m_scalarIsCode = m_stack.size() == 2 && m_stack.at(1) == '{' &&
                             m_key1 == "errorDetail" && m_key2 == "code";
            return;
        }
        malformed(c);
    }
}

void BuildOutputParser::closeContainer() {
    m_stack.removeLast();
    if (m_stack.isEmpty()) {
        endObject();
        m_expect = Expect::TopValue;
    } else {
        m_expect = Expect::CommaOrClose;
    }
}

void BuildOutputParser::endScalar() {
    m_inScalar = false;
    const bool keyword = m_scalar == "true" || m_scalar == "false" || m_scalar == "null";
    if (!keyword && !isJsonNumber(m_scalar)) {
        malformed(0);
        return;
    }
    if (m_scalarIsCode && !keyword) {
        bool ok = false;
        const qint64 code = m_scalar.toLongLong(&ok);
        if (ok)
            m_object.detailCode = code;
    }
    m_scalar.clear();
    m_expect = Expect::CommaOrClose;
}

void BuildOutputParser::endString() {
    m_inString = false;
    if (m_target == Target::Key) {
        if (m_stack.size() == 1)
            m_key1 = m_keyBuffer;
        else if (m_stack.size() == 2)
            m_key2 = m_keyBuffer;
        m_expect = Expect::Colon;
    } else {
        m_expect = Expect::CommaOrClose;
    }
    m_target = Target::None;
}

BuildOutputParser::Target BuildOutputParser::targetForValue() const {
    if (m_stack.size() == 1) {
        if (m_key1 == "stream")
            return Target::Stream;
        if (m_key1 == "error")
            return Target::Error;
        if (m_key1 == "message")
            return Target::Message;
        if (m_key1 == "status")
            return Target::Status;
        if (m_key1 == "id")
            return Target::Id;
        if (m_key1 == "progress")
            return Target::Progress;
    } else if (m_stack.size() == 2 && m_stack.at(1) == '{') {
        if (m_key1 == "errorDetail" && m_key2 == "message")
            return Target::DetailMessage;
        if (m_key1 == "aux" && m_key2 == "ID")
            return Target::AuxId;
    }
    return Target::None;
}

void BuildOutputParser::stringBytes(const char *data, qsizetype size) {
    switch (m_target) {
    case Target::None:
        break;
    case Target::Key:
        appendCapped(m_keyBuffer, data, size, MaxKeyBytes + 1); // +1: a longer key never matches
        break;
    case Target::Stream:
        streamText(data, size);
        break;
    case Target::Error:
        appendCapped(m_object.error, data, size, MaxLineBytes);
        break;
    case Target::Message:
        appendCapped(m_object.message, data, size, MaxLineBytes);
        break;
    case Target::DetailMessage:
        appendCapped(m_object.detailMessage, data, size, MaxLineBytes);
        break;
    case Target::Status:
        appendCapped(m_object.status, data, size, MaxLineBytes);
        break;
    case Target::AuxId:
        appendCapped(m_object.auxId, data, size, MaxIdBytes);
        break;
    case Target::Id:
        appendCapped(m_object.id, data, size, MaxIdBytes);
        break;
    case Target::Progress:
        appendCapped(m_object.progress, data, size, MaxIdBytes);
        break;
    }
}

void BuildOutputParser::codeUnit(char16_t unit) {
    char buf[4];
    if (m_highSurrogate) {
        if (unit >= 0xdc00 && unit <= 0xdfff) {
            const char32_t cp =
                0x10000 + ((char32_t(m_highSurrogate) - 0xd800) << 10) + (char32_t(unit) - 0xdc00);
            m_highSurrogate = 0;
            stringBytes(buf, encodeUtf8(cp, buf));
            return;
        }
        flushSurrogate();
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
        m_highSurrogate = unit;
        return;
    }
    const char32_t cp = (unit >= 0xdc00 && unit <= 0xdfff) ? 0xfffd : unit; // lone low half
    stringBytes(buf, encodeUtf8(cp, buf));
}

void BuildOutputParser::flushSurrogate() {
    if (!m_highSurrogate)
        return;
    m_highSurrogate = 0; // a high half with no low half after it
    char buf[4];
    stringBytes(buf, encodeUtf8(0xfffd, buf));
}

void BuildOutputParser::endObject() {
    const ObjectFields o = std::move(m_object);
    m_object = ObjectFields{};
    if (o.hasError || o.hasDetail) {
        emitError(o.hasError && !o.error.isEmpty() ? o.error : o.detailMessage, o.detailCode);
    } else if (o.hasMessage && !o.hasStream && !o.hasStatus && !o.hasAux) {
        emitError(o.message, 0); // the engine's error body, e.g. a Dockerfile parse error
    }
    if (o.hasAux && !o.auxId.isEmpty())
        m_auxImageId = decodeCapped(o.auxId, MaxIdBytes).trimmed();
    if (o.hasStatus && o.progress.isEmpty()) {
        flushPartialLine();
        QString text = cleanMessage(o.status, MaxLineBytes);
        const QString id = cleanMessage(o.id, MaxIdBytes);
        if (!id.isEmpty() && !text.isEmpty())
            text = id + QStringLiteral(": ") + text;
        // "id: status" as the docker CLI prints it: a newline in either starts another line.
        for (const QStringView line : QStringView(text).split(u'\n'))
            emitLog(capLine(line.toString()));
    }
}

void BuildOutputParser::streamText(const char *data, qsizetype size) {
    qsizetype i = 0;
    while (i < size) {
        if (!m_escapes.inSequence()) {
            qsizetype j = i;
            while (j < size && isPlain(data[j]))
                ++j;
            if (j > i) {
                appendToLine(data + i, j - i);
                i = j;
                continue;
            }
        }
        const char c = data[i++];
        switch (classify(m_escapes, c)) {
        case Action::Keep:
            appendToLine(&c, 1);
            break;
        case Action::Newline:
            endLine();
            break;
        case Action::CarriageReturn:
            m_pendingCr = true; // the text after it overwrites the line, as on a terminal
            break;
        case Action::Drop:
            break;
        }
    }
}

void BuildOutputParser::appendToLine(const char *data, qsizetype size) {
    if (m_pendingCr) {
        m_pendingCr = false;
        m_line.truncate(0);
        m_lineOverflow = false;
    }
    if (m_lineOverflow)
        return;
    const qsizetype room = MaxLineBytes - m_line.size();
    if (size > room) {
        m_line.append(data, room);
        m_lineOverflow = true;
    } else {
        m_line.append(data, size);
    }
}

void BuildOutputParser::endLine() {
    m_pendingCr = false;
    if (m_lineOverflow)
        m_line.truncate(text::utf8WholePrefix(m_line));
    const QString line = QString::fromUtf8(m_line);
    m_line.truncate(0);
    m_lineOverflow = false;
    emitLog(line);
}

void BuildOutputParser::flushPartialLine() {
    if (!m_line.isEmpty() || m_lineOverflow)
        endLine();
    m_pendingCr = false;
}

void BuildOutputParser::emitLog(const QString &line) {
    if (line.trimmed().isEmpty())
        return;
    BuildEvent e;
    e.line = line;
    parseStep(line, &e.step, &e.totalSteps);
    static const QString built = QStringLiteral("Successfully built ");
    if (line.startsWith(built)) {
        static const QRegularExpression id(QStringLiteral("^[0-9a-f]{12,64}$"));
        const QString candidate = line.mid(built.size()).trimmed();
        if (id.match(candidate).hasMatch())
            m_builtImageId = candidate;
    }
    m_out->append(e);
}

void BuildOutputParser::emitError(const QByteArray &rawMessage, qint64 code) {
    flushPartialLine(); // the output before the error comes before it
    QString message = cleanMessage(rawMessage, MaxLineBytes);
    if (message.isEmpty())
        message = QStringLiteral("the engine reported an error without a message");
    int exitCode = -1;
    if (code > 0 && code <= INT_MAX)
        exitCode = int(code);
    else
        exitCode = exitCodeFromMessage(message);
    if (!m_failed) { // the first error is the cause; anything after it is a consequence
        m_failed = true;
        m_errorMessage = message;
        m_exitCode = exitCode;
    }
    BuildEvent e;
    e.kind = BuildEvent::Kind::Error;
    e.line = message;
    m_out->append(e);
}

QString buildFailureMessage(const BuildOutputParser &parser) {
    if (parser.failed() && parser.exitCode() >= 0)
        return QStringLiteral("Docker build failed: exit code %1").arg(parser.exitCode());
    if (parser.failed())
        return QStringLiteral("Docker build failed: ") + parser.errorMessage();
    return QStringLiteral("Docker build failed: build output ended without an image");
}

} // namespace mist::deploy
