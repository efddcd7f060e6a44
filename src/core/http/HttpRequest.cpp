// SPDX-License-Identifier: GPL-3.0-or-later

#include "HttpRequest.h"

#include <http_parser.h>

namespace mist::http {

QByteArray HttpRequest::header(const QByteArray &lowerName) const {
    for (const auto &h : headers) {
        if (h.first == lowerName)
            return h.second;
    }
    return {};
}

bool HttpRequest::hasHeader(const QByteArray &lowerName) const {
    for (const auto &h : headers) {
        if (h.first == lowerName)
            return true;
    }
    return false;
}

bool HttpRequest::isWebSocketUpgrade() const {
    return method == "GET" && header("upgrade").trimmed().toLower() == "websocket";
}

namespace {

struct ParseState {
    HttpRequest *req = nullptr;
    QByteArray field;
    QByteArray value;
    bool lastWasValue = false;
    bool headComplete = false;
    bool chunked = false; // the head's framing: http_parser forgets it at a trailer field
                          // named Transfer-Encoding
    bool messageComplete = false;
    qsizetype maxBody = 0;
    bool bodyTooLarge = false;

    void flushHeader() {
        if (!field.isEmpty())
            req->headers.append({field.toLower(), value.trimmed()});
        field.clear();
        value.clear();
    }
};

ParseState *stateOf(http_parser *p) {
    return static_cast<ParseState *>(p->data);
}

int onUrl(http_parser *p, const char *at, size_t len) {
    stateOf(p)->req->target.append(at, qsizetype(len));
    return 0;
}

int onHeaderField(http_parser *p, const char *at, size_t len) {
    ParseState *s = stateOf(p);
    if (s->lastWasValue) {
        s->flushHeader();
        s->lastWasValue = false;
    }
    s->field.append(at, qsizetype(len));
    return 0;
}

int onHeaderValue(http_parser *p, const char *at, size_t len) {
    ParseState *s = stateOf(p);
    s->lastWasValue = true;
    s->value.append(at, qsizetype(len));
    return 0;
}

int onHeadersComplete(http_parser *p) {
    ParseState *s = stateOf(p);
    s->flushHeader();
    s->headComplete = true;
    s->chunked = (p->flags & F_CHUNKED) != 0;
    if (p->content_length != ULLONG_MAX && p->content_length > quint64(s->maxBody)) {
        s->bodyTooLarge = true;
        return -1;
    }
    return 0;
}

int onBody(http_parser *p, const char *at, size_t len) {
    ParseState *s = stateOf(p);
    if (s->req->body.size() + qsizetype(len) > s->maxBody) {
        s->bodyTooLarge = true;
        return -1;
    }
    s->req->body.append(at, qsizetype(len));
    return 0;
}

int onMessageComplete(http_parser *p) {
    stateOf(p)->messageComplete = true;
    // Stop here: anything after this request belongs to the next one.
    http_parser_pause(p, 1);
    return 0;
}

HttpParseResult failure(int status, const QString &why) {
    HttpParseResult r;
    r.state = HttpParseResult::State::Error;
    r.errorStatus = status;
    r.error = why;
    return r;
}

} // namespace

HttpParseResult parseHttpRequest(QByteArrayView input, const HttpParseLimits &limits) {
    HttpParseResult result;
    ParseState state;
    state.req = &result.request;
    state.maxBody = limits.maxBodyBytes;

    http_parser_settings settings{};
    settings.on_url = onUrl;
    settings.on_header_field = onHeaderField;
    settings.on_header_value = onHeaderValue;
    settings.on_headers_complete = onHeadersComplete;
    settings.on_body = onBody;
    settings.on_message_complete = onMessageComplete;

    http_parser parser;
    http_parser_init(&parser, HTTP_REQUEST);
    parser.data = &state;

    // Look at no more than the head limit until the head is known to be complete,
    // so a client cannot make us buffer an endless header block.
    const qsizetype headEnd = input.indexOf(QByteArrayView("\r\n\r\n"));
    if (headEnd < 0) {
        if (input.size() > limits.maxHeadBytes)
            return failure(431, QStringLiteral("request header too large"));
    } else if (headEnd + 4 > limits.maxHeadBytes) {
        return failure(431, QStringLiteral("request header too large"));
    }

    const size_t parsed =
        http_parser_execute(&parser, &settings, input.data(), size_t(input.size()));
    const auto err = HTTP_PARSER_ERRNO(&parser);
    if (state.bodyTooLarge)
        return failure(413, QStringLiteral("request body too large"));
    if (err != HPE_OK && err != HPE_PAUSED)
        return failure(400, QString::fromLatin1(http_errno_description(err)));

    if (state.headComplete && !state.messageComplete && !parser.upgrade) {
        // Bodies come with Content-Length: a chunked one could make us parse
        // its growing prefix again and again.
        if (state.chunked)
            return failure(
                411,
                QStringLiteral("chunked request bodies are not accepted; send Content-Length"));
        // http_parser took every byte given (head with whatever line endings,
        // and the body so far); content_length counts what is still to come.
        result.neededBytes = qsizetype(parsed) + qsizetype(parser.content_length);
    }
    if (parser.upgrade && state.headComplete) {
        // An upgrade is a head alone: a body would be mistaken for frames.
        if (state.chunked || (parser.content_length != ULLONG_MAX && parser.content_length > 0) ||
            !result.request.body.isEmpty())
            return failure(400, QStringLiteral("an upgrade request has no body"));
        result.request.upgrade = true;
        result.consumed = qsizetype(parsed);
    } else if (state.messageComplete) {
        result.consumed = qsizetype(parsed);
    } else {
        return result; // Incomplete
    }

    HttpRequest &req = result.request;
    req.method = http_method_str(http_method(parser.method));
    req.keepAlive = http_should_keep_alive(&parser) != 0;
    req.versionMajor = parser.http_major;
    req.versionMinor = parser.http_minor;
    if (req.target.isEmpty() || req.target.front() != '/')
        return failure(400, QStringLiteral("request target must be an absolute path"));
    req.url = QUrl(QString::fromLatin1("http://localhost") + QString::fromUtf8(req.target),
                   QUrl::StrictMode);
    if (!req.url.isValid())
        return failure(400, QStringLiteral("malformed request target"));
    result.state = HttpParseResult::State::Complete;
    return result;
}

namespace {
// QWebSocketServer reads the request line and each header field into at most
// 8 KiB (MAX_HEADERLINE_LENGTH) and 100 fields; stay a little below.
constexpr qsizetype MaxHandshakeLine = 8000;
constexpr int MaxHandshakeFields = 100;

bool hasToken(const QByteArray &list, QByteArrayView token) {
    for (const QByteArray &item : list.split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}
} // namespace

std::optional<HttpError> webSocketHandshakeProblem(const HttpRequest &request,
                                                   QByteArrayView head) {
    // Qt looks for the first CRLF CRLF; a head with bare LFs never ends for it.
    if (!head.endsWith("\r\n\r\n"))
        return HttpError{400, QStringLiteral("a WebSocket handshake's lines end with CRLF")};
    const qsizetype firstLineEnd = head.indexOf('\n');
    if (firstLineEnd + 1 > MaxHandshakeLine)
        return HttpError{414, QStringLiteral("request line too long")};
    int fields = 0;
    qsizetype fieldBytes = 0;
    for (qsizetype at = firstLineEnd + 1; at < head.size();) {
        const qsizetype end = head.indexOf('\n', at);
        const qsizetype length = end - at + 1;
        if (length <= 2)
            break; // the empty line
        // A line that starts with white space continues the field before it.
        const bool continuation = head[at] == ' ' || head[at] == '\t';
        fieldBytes = continuation ? fieldBytes + length : length;
        if (!continuation && ++fields > MaxHandshakeFields)
            return HttpError{431, QStringLiteral("too many header fields")};
        if (fieldBytes > MaxHandshakeLine)
            return HttpError{431, QStringLiteral("header field too long")};
        at = end + 1;
    }
    if (request.versionMajor < 1 || (request.versionMajor == 1 && request.versionMinor < 1))
        return HttpError{400, QStringLiteral("a WebSocket handshake needs HTTP/1.1")};
    if (!request.upgrade || !hasToken(request.header("connection"), "upgrade"))
        return HttpError{400, QStringLiteral("a WebSocket handshake needs Connection: Upgrade")};
    if (request.header("host").isEmpty())
        return HttpError{400, QStringLiteral("a WebSocket handshake needs a Host")};
    const QByteArray key = request.header("sec-websocket-key");
    const auto decoded =
        QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 16)
        return HttpError{400, QStringLiteral("Sec-WebSocket-Key must be 16 bytes in base64")};
    bool thirteen = false;
    const QByteArray versions = request.header("sec-websocket-version");
    for (const QByteArray &item : versions.split(',')) {
        bool ok = false;
        const uint version = item.trimmed().toUInt(&ok);
        if (!ok)
            return HttpError{400, QStringLiteral("malformed Sec-WebSocket-Version")};
        thirteen = thirteen || version == 13;
    }
    if (!thirteen)
        return HttpError{426, QStringLiteral("WebSocket version 13 required")};
    return std::nullopt;
}

} // namespace mist::http
