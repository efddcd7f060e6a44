// SPDX-License-Identifier: GPL-3.0-or-later

#include "ServerTexts.h"

#include <QCoreApplication>

namespace mist::gui {

namespace {
// QT_TRANSLATE_NOOP: lupdate collects them under "ServerText".
constexpr const char *Texts[] = {
    QT_TRANSLATE_NOOP("ServerText", "Container not running"),
    QT_TRANSLATE_NOOP("ServerText", "Container not found"),
    QT_TRANSLATE_NOOP("ServerText", "Service not found"),
    QT_TRANSLATE_NOOP("ServerText", "Service removed"),
    QT_TRANSLATE_NOOP("ServerText", "Application not found"),
    QT_TRANSLATE_NOOP("ServerText", "Deployment not found"),
    QT_TRANSLATE_NOOP("ServerText", "Deployment queued"),
    QT_TRANSLATE_NOOP("ServerText", "Cloning repository..."),
    QT_TRANSLATE_NOOP("ServerText", "Building Docker image..."),
    QT_TRANSLATE_NOOP("ServerText", "Image built"),
    QT_TRANSLATE_NOOP("ServerText", "Stopping previous container..."),
    QT_TRANSLATE_NOOP("ServerText", "Starting new container..."),
    QT_TRANSLATE_NOOP("ServerText", "Container started, checking..."),
    QT_TRANSLATE_NOOP("ServerText", "Deployment complete"),
    QT_TRANSLATE_NOOP("ServerText", "Deployment failed"),
    QT_TRANSLATE_NOOP("ServerText", "Deployment cancelled"),
    QT_TRANSLATE_NOOP("ServerText", "Deployment superseded"),
    QT_TRANSLATE_NOOP("ServerText", "Only owners and admins may start, stop or restart apps"),
    QT_TRANSLATE_NOOP("ServerText", "Action in progress"),
};
} // namespace

QString serverText(const QString &text) {
    for (const char *known : Texts)
        if (text == QLatin1String(known))
            return QCoreApplication::translate("ServerText", known);
    return text;
}

QList<QByteArray> knownServerTexts() {
    QList<QByteArray> out;
    for (const char *known : Texts)
        out << QByteArray(known);
    return out;
}

} // namespace mist::gui
