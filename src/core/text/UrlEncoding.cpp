// SPDX-License-Identifier: GPL-3.0-or-later

#include "text/UrlEncoding.h"

#include <QUrl>

namespace mist::text {

QString percentEncoded(const QString &part) {
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

} // namespace mist::text
