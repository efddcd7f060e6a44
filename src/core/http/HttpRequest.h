// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>

#include <optional>

namespace mist::http {

// One parsed HTTP/1.1 request. Header names are stored lower-cased so that
// look-ups are case-insensitive as RFC 9110 requires.
struct HttpRequest {
    QByteArray method;
    QByteArray target; // raw request-target, e.g. "/ws/metrics?x=1"
    QUrl url;          // target parsed (path + query)
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = false;
    bool upgrade = false;
    int versionMajor = 1;
    int versionMinor = 1;
    QHostAddress peer;

    QByteArray header(const QByteArray &lowerName) const;
    bool hasHeader(const QByteArray &lowerName) const;
    bool isWebSocketUpgrade() const;
    QString path() const { return url.path(); }
};

struct HttpParseLimits {
    qsizetype maxHeadBytes = 16 * 1024;
    qsizetype maxBodyBytes = 1024 * 1024;
};

struct HttpParseResult {
    enum class State { Incomplete, Complete, Error };
    State state = State::Incomplete;
    HttpRequest request;
    qsizetype consumed = 0; // bytes of `input` that make up the request (head + body)
    int errorStatus = 0;    // 400, 411, 413, 431 ... when state == Error
    // When Incomplete with a complete head: the total bytes the request will
    // take, so the caller need not parse again before they are there.
    qsizetype neededBytes = 0;
    QString error;
};

struct HttpError {
    int status = 400;
    QString message;
};

// Whether QWebSocketServer (Qt 6.4) will take this upgrade: it drops, without
// a word, a head whose lines it finds too long, that lacks a key, a Host or
// "Connection: upgrade", or that it cannot find the end of. `head` is the
// request's raw bytes (HttpParseResult::consumed of them). nullopt: hand it over.
std::optional<HttpError> webSocketHandshakeProblem(const HttpRequest &request, QByteArrayView head);

// Parses the first request in `input` (bytes received so far on a connection).
// Pure: the same bytes always give the same answer, so the caller may peek at
// the socket, call this, and consume only when the request is complete. For an
// upgrade request, `consumed` ends at the end of the head.
HttpParseResult parseHttpRequest(QByteArrayView input, const HttpParseLimits &limits = {});

} // namespace mist::http
