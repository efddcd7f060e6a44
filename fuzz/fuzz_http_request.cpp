// SPDX-License-Identifier: GPL-3.0-or-later

// libFuzzer target: parseHttpRequest (http/HttpRequest.h), the first thing every byte a client
// sends goes through.
//
// Each input is parsed with the server's limits and with small ones (head 256, body 64 bytes),
// and for every result:
// - consumed stays within the input; errors carry 400, 411, 413 or 431 and a text;
// - a complete request has a method, a target starting with '/', a valid URL, lower-case
//   non-empty header names, a body within the limit; an upgrade has no body (one that announces
//   a body is refused);
// - parsing is pure: the same bytes give the same answer; the consumed bytes alone give the
//   same request, and a shorter prefix of them is "incomplete" (never an error: a request that
//   arrives in pieces must not be refused), with a chunked body (411 by design) the only
//   exception;
// - "incomplete" with neededBytes (HttpServer waits for that many bytes before it parses
//   again): neededBytes is more than the input; the request padded to neededBytes gets its
//   answer, complete consuming exactly neededBytes or refused (a malformed target, say, only
//   shows once the request is whole; the server answers the error then); one byte less is
//   still incomplete, or refused as a head too large (431). A larger figure would stall the
//   request until the server's timeout, a smaller one would parse again for nothing;
// - the query of a complete request goes through singleQueryValue/parseId like the endpoints;
//   an upgrade through webSocketHandshakeProblem (400, 414, 426 or 431 when refused), and the
//   Host header through checkHost.

#include "FuzzSupport.h"

#include "http/HostPolicy.h"
#include "http/HttpRequest.h"
#include "protocol/Parsing.h"

#include <QUrlQuery>

using namespace mist;
using http::HttpParseLimits;
using http::HttpParseResult;
using mist::fuzz::show;

namespace {

const char *stateName(HttpParseResult::State s) {
    switch (s) {
    case HttpParseResult::State::Incomplete:
        return "incomplete";
    case HttpParseResult::State::Complete:
        return "complete";
    case HttpParseResult::State::Error:
        return "error";
    }
    return "?";
}

bool sameRequest(const HttpParseResult &a, const HttpParseResult &b) {
    return a.state == b.state && a.consumed == b.consumed && a.errorStatus == b.errorStatus &&
           a.request.method == b.request.method && a.request.target == b.request.target &&
           a.request.headers == b.request.headers && a.request.body == b.request.body &&
           a.request.keepAlive == b.request.keepAlive && a.request.upgrade == b.request.upgrade &&
           a.neededBytes == b.neededBytes;
}

void checkOne(QByteArrayView input, const HttpParseLimits &limits, bool withPrefixes);

// An incomplete request that says how many bytes it needs.
void checkNeededBytes(const HttpParseResult &r, QByteArrayView input,
                      const HttpParseLimits &limits) {
    if (r.neededBytes <= 0)
        return;
    // HttpServer::processBuffered does not parse again before it has neededBytes: the
    // figure must be above the bytes there, the answer must be there at neededBytes (the
    // request, or a refusal such as a malformed target, which only shows once the request
    // is whole), and the request must not end before it, else the server would wait for
    // bytes a client never sends.
    FUZZ_CHECK(r.neededBytes > input.size(),
               "incomplete with neededBytes %lld <= the %lld bytes it had: %s",
               qlonglong(r.neededBytes), qlonglong(input.size()), show(input).constData());
    if (r.neededBytes <= input.size() + limits.maxBodyBytes + 16) {
        QByteArray padded = input.toByteArray();
        padded.append(r.neededBytes - input.size(), 'x');
        const HttpParseResult full = http::parseHttpRequest(padded, limits);
        FUZZ_CHECK(
            full.state == HttpParseResult::State::Error ||
                (full.state == HttpParseResult::State::Complete && full.consumed == r.neededBytes),
            "neededBytes %lld, but those bytes parse as %s consuming %lld: %s",
            qlonglong(r.neededBytes), stateName(full.state), qlonglong(full.consumed),
            show(input).constData());
        // One byte less is still incomplete; or refused for a head too large (431),
        // which is decided by the size of the head alone, not by where the request
        // ends.
        if (r.neededBytes - 1 > input.size()) {
            const HttpParseResult less =
                http::parseHttpRequest(QByteArrayView(padded).chopped(1), limits);
            FUZZ_CHECK(less.state == HttpParseResult::State::Incomplete ||
                           (less.state == HttpParseResult::State::Error && less.errorStatus == 431),
                       "neededBytes %lld, but %lld bytes parse as %s (%d %s): %s",
                       qlonglong(r.neededBytes), qlonglong(r.neededBytes - 1),
                       stateName(less.state), less.errorStatus, show(less.error).constData(),
                       show(input).constData());
        }
    }
}

// What a complete request promises its users.
void checkComplete(const HttpParseResult &r, QByteArrayView input, const HttpParseLimits &limits) {
    const http::HttpRequest &req = r.request;
    FUZZ_CHECK(r.consumed > 0, "complete after 0 bytes");
    FUZZ_CHECK(!req.method.isEmpty(), "complete without a method");
    FUZZ_CHECK(req.target.startsWith('/'), "target %s", show(req.target).constData());
    FUZZ_CHECK(req.url.isValid(), "invalid url from %s", show(req.target).constData());
    FUZZ_CHECK(req.body.size() <= limits.maxBodyBytes, "body of %lld bytes, limit %lld",
               qlonglong(req.body.size()), qlonglong(limits.maxBodyBytes));
    for (const auto &h : req.headers) {
        FUZZ_CHECK(!h.first.isEmpty(), "empty header name");
        FUZZ_CHECK(h.first == h.first.toLower(), "header name %s not lower-case",
                   show(h.first).constData());
    }
    // "For an upgrade request, consumed ends at the end of the head": an upgrade request that
    // announces a body (Content-Length, chunked) is refused with 400, so none has one.
    FUZZ_CHECK(!req.upgrade || req.body.isEmpty(),
               "upgrade request consumed %lld bytes with %lld bytes of body: %s",
               qlonglong(r.consumed), qlonglong(req.body.size()), show(input).constData());
    if (req.isWebSocketUpgrade()) {
        // HttpServer asks this before it hands an upgrade to QWebSocketServer.
        if (const auto problem = http::webSocketHandshakeProblem(req, input.first(r.consumed)))
            FUZZ_CHECK((problem->status == 400 || problem->status == 414 ||
                        problem->status == 426 || problem->status == 431) &&
                           !problem->message.isEmpty(),
                       "handshake problem %d", problem->status);
    }
    // The Host check of every request (DNS rebinding): any bytes, no crash,
    // and an allowed name parses.
    http::HostPolicy hosts;
    hosts.names = {QStringLiteral("mist.example.com"), QStringLiteral("*.example.org")};
    if (http::checkHost(req.header("host"), hosts) == http::HostVerdict::Allowed)
        FUZZ_CHECK(http::parseHostHeader(req.header("host")).has_value(), "allowed but unparsed");
    const QUrlQuery query(req.url);
    for (const char *key : {"appId", "deploymentId"}) {
        if (const auto v = protocol::singleQueryValue(query, QString::fromLatin1(key))) {
            if (const auto id = protocol::parseId(*v))
                FUZZ_CHECK(*id >= 1 && *id <= protocol::MaxId, "id %lld", qlonglong(*id));
        }
    }
    (void)protocol::cookieValue(req.header("cookie"), "mist_token");
}

void checkPrefixes(const HttpParseResult &r, QByteArrayView input, const HttpParseLimits &limits) {
    const http::HttpRequest &req = r.request;
    // The request alone parses the same; its prefixes wait for more. A chunked body is the
    // exception: PROTOCOL.md answers 411 to it, and parseHttpRequest does so as soon as it sees
    // one incomplete (it still accepts a chunked request that arrives whole; see FUZZING.md).
    const QByteArrayView own = input.first(r.consumed);
    const HttpParseResult alone = http::parseHttpRequest(own, limits);
    FUZZ_CHECK(sameRequest(r, alone),
               "the %lld consumed bytes alone parse as %s consuming %lld: %s",
               qlonglong(r.consumed), stateName(alone.state), qlonglong(alone.consumed),
               show(own).constData());
    const qsizetype cuts[] = {r.consumed - 1, r.consumed / 2,
                              r.consumed - qsizetype(req.body.size()),
                              qsizetype(mist::fuzz::hashOf(own) % quint64(r.consumed))};
    for (const qsizetype cut : cuts) {
        if (cut <= 0 || cut >= r.consumed)
            continue;
        const HttpParseResult part = http::parseHttpRequest(own.first(cut), limits);
        if (part.state == HttpParseResult::State::Error && part.errorStatus == 411)
            continue; // only ever for a chunked body
        FUZZ_CHECK(part.state == HttpParseResult::State::Incomplete,
                   "the first %lld of the %lld bytes of a complete request parse as %s (%d %s): %s",
                   qlonglong(cut), qlonglong(r.consumed), stateName(part.state), part.errorStatus,
                   show(part.error).constData(), show(own).constData());
        checkOne(own.first(cut), limits, false);
    }
}

void checkOne(QByteArrayView input, const HttpParseLimits &limits, bool withPrefixes) {
    const HttpParseResult r = http::parseHttpRequest(input, limits);
    const char *state = stateName(r.state);
    FUZZ_CHECK(r.consumed >= 0 && r.consumed <= input.size(),
               "consumed %lld of %lld bytes (%s): %s", qlonglong(r.consumed),
               qlonglong(input.size()), state, show(input).constData());
    const HttpParseResult again = http::parseHttpRequest(input, limits);
    FUZZ_CHECK(sameRequest(r, again), "two parses of the same bytes differ: %s",
               show(input).constData());

    switch (r.state) {
    case HttpParseResult::State::Error:
        FUZZ_CHECK(r.errorStatus == 400 || r.errorStatus == 411 || r.errorStatus == 413 ||
                       r.errorStatus == 431,
                   "error status %d", r.errorStatus);
        FUZZ_CHECK(!r.error.isEmpty(), "error %d without a text", r.errorStatus);
        return;
    case HttpParseResult::State::Incomplete:
        FUZZ_CHECK(r.consumed == 0, "incomplete but consumed %lld", qlonglong(r.consumed));
        checkNeededBytes(r, input, limits);
        return;
    case HttpParseResult::State::Complete:
        break;
    }
    checkComplete(r, input, limits);
    if (withPrefixes)
        checkPrefixes(r, input, limits);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    checkOne(input, HttpParseLimits{}, true);
    HttpParseLimits small;
    small.maxHeadBytes = 256;
    small.maxBodyBytes = 64;
    checkOne(input, small, true);
    return 0;
}
