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
    // serialize() without the body: a large body goes to the socket as it is, not copied.
    QByteArray head(bool keepAlive) const;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse text(int status, const QByteArray &text);
    // The REST envelope used by Mist: {"success", "data", "message", "error"}.
    static HttpResponse ok(const QJsonValue &data, const QString &message = {}, int status = 200);
    // What ok() prints before and after its data: head + data written as compact JSON + tail
    // is ok()'s body for that data, for a large answer written without QJsonValues
    // (docs/HISTORY.md) and in one buffer.
    struct Envelope {
        QByteArray head;
        QByteArray tail;
    };
    static Envelope okEnvelope();
    // A JSON body already written (shared, not copied).
    static HttpResponse jsonBody(int status, const QByteArray &body);
    static HttpResponse fail(int status, const QString &error);
};

QByteArray reasonPhrase(int status);

} // namespace mist::http
