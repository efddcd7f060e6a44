// SPDX-License-Identifier: GPL-3.0-or-later

#include "HttpResponse.h"

#include <QJsonDocument>

namespace mist::http {

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 421:
        return "Misdirected Request";
    case 422:
        return "Unprocessable Content";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

HttpResponse &HttpResponse::setHeader(const QByteArray &name, const QByteArray &value) {
    headers.append({name, value});
    return *this;
}

QByteArray HttpResponse::serialize(bool keepAlive) const {
    QByteArray out = head(keepAlive);
    out.reserve(out.size() + body.size());
    out += body;
    return out;
}

QByteArray HttpResponse::head(bool keepAlive) const {
    QByteArray out;
    out.reserve(256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n";
    return out;
}

HttpResponse HttpResponse::json(int status, const QJsonObject &object) {
    HttpResponse r;
    r.status = status;
    r.setHeader("Content-Type", "application/json");
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse HttpResponse::text(int status, const QByteArray &text) {
    HttpResponse r;
    r.status = status;
    r.setHeader("Content-Type", "text/plain; charset=utf-8");
    r.body = text;
    return r;
}

HttpResponse HttpResponse::ok(const QJsonValue &data, const QString &message, int status) {
    return json(
        status,
        QJsonObject{{"success", true}, {"data", data}, {"message", message}, {"error", QString()}});
}

HttpResponse::Envelope HttpResponse::okEnvelope() {
    // What ok() prints around its data: QJsonObject orders the keys.
    return {QByteArrayLiteral(R"({"data":)"),
            QByteArrayLiteral(R"(,"error":"","message":"","success":true})")};
}

HttpResponse HttpResponse::jsonBody(int status, const QByteArray &body) {
    HttpResponse r;
    r.status = status;
    r.setHeader("Content-Type", "application/json");
    r.body = body;
    return r;
}

HttpResponse HttpResponse::fail(int status, const QString &error) {
    return json(status, QJsonObject{{"success", false},
                                    {"data", QJsonValue::Null},
                                    {"message", QString()},
                                    {"error", error}});
}

} // namespace mist::http
