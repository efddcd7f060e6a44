// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace mist::http {

struct HttpResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    HttpResponse &setHeader(const QByteArray &name, const QByteArray &value);
    // Serialises status line, headers (adds Content-Length and Connection) and body.
    QByteArray serialize(bool keepAlive) const;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse text(int status, const QByteArray &text);
    // The REST envelope used by Mist: {"success", "data", "message", "error"}.
    static HttpResponse ok(const QJsonValue &data, const QString &message = {}, int status = 200);
    // ok(data) for `data` already written as compact JSON (a large answer written without
    // QJsonValues, docs/HISTORY.md): the same bytes as ok() of that value, without parsing it.
    static HttpResponse okJson(const QByteArray &data);
    static HttpResponse fail(int status, const QString &error);
};

QByteArray reasonPhrase(int status);

} // namespace mist::http
