// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Small helpers for tests that deploy through /ws/deployment/logs.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QUuid>

namespace mist::test {

// A fresh marker for a Dockerfile, so that the engine's build cache never
// swallows the output a test looks for.
inline QByteArray uniqueMarker() {
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

// A Dockerfile whose image builds in one RUN step and keeps running.
inline QByteArray runningAppDockerfile() {
    return "FROM mist-test-base:latest\n"
           "RUN echo building-step && echo " +
           uniqueMarker() +
           " >/dev/null\n"
           "CMD [\"sh\", \"-c\", \"echo app-started; while true; do sleep 1; done\"]\n";
}

inline QStringList typesOf(const QList<QJsonObject> &messages) {
    QStringList out;
    for (const QJsonObject &m : messages)
        out << m[QStringLiteral("type")].toString();
    return out;
}

// The `data` of every `status` message.
inline QList<QJsonObject> statusesOf(const QList<QJsonObject> &messages) {
    QList<QJsonObject> out;
    for (const QJsonObject &m : messages) {
        if (m[QStringLiteral("type")].toString() == u"status")
            out << m[QStringLiteral("data")].toObject();
    }
    return out;
}

inline QStringList logLinesOf(const QList<QJsonObject> &messages) {
    QStringList out;
    for (const QJsonObject &m : messages) {
        if (m[QStringLiteral("type")].toString() == u"log")
            out << m[QStringLiteral("data")].toObject()[QStringLiteral("line")].toString();
    }
    return out;
}

} // namespace mist::test
