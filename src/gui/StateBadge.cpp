// SPDX-License-Identifier: GPL-3.0-or-later

#include "StateBadge.h"

#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace mist::gui {

StateBadge stateBadge(const QString &state) {
    if (state == u"running")
        return {StateShape::Disc, QColor(0x2e, 0x7d, 0x32)};
    if (state == u"restarting")
        return {StateShape::Diamond, QColor(0xef, 0x8f, 0x00)};
    if (state == u"paused")
        return {StateShape::Bars, QColor(0x75, 0x75, 0x75)};
    if (state == u"created")
        return {StateShape::Ring, QColor(0x15, 0x65, 0xc0)};
    if (state == u"exited" || state == u"dead" || state == u"removing")
        return {StateShape::Square, QColor(0xd3, 0x2f, 0x2f)};
    return {StateShape::Hollow, QColor(0x9e, 0x9e, 0x9e)};
}

QChar stateGlyph(const QString &state) {
    switch (stateBadge(state).shape) {
    case StateShape::Disc:
        return QChar(0x25CF); // ●
    case StateShape::Diamond:
        return QChar(0x25C6); // ◆
    case StateShape::Bars:
        return QChar(0x275A); // ❚
    case StateShape::Ring:
        return QChar(0x25CB); // ○
    case StateShape::Square:
        return QChar(0x25A0); // ■
    case StateShape::Hollow:
        break;
    }
    return QChar(0x25CC); // ◌
}

namespace {
void paintBadge(QPainter &p, const StateBadge &badge, int size) {
    const QRectF r(1.5, 1.5, size - 3.0, size - 3.0);
    p.setRenderHint(QPainter::Antialiasing);
    switch (badge.shape) {
    case StateShape::Disc:
        p.setPen(Qt::NoPen);
        p.setBrush(badge.color);
        p.drawEllipse(r);
        break;
    case StateShape::Diamond: {
        QPainterPath path;
        path.moveTo(r.center().x(), r.top());
        path.lineTo(r.right(), r.center().y());
        path.lineTo(r.center().x(), r.bottom());
        path.lineTo(r.left(), r.center().y());
        path.closeSubpath();
        p.fillPath(path, badge.color);
        break;
    }
    case StateShape::Bars: {
        const qreal w = r.width() / 3;
        p.fillRect(QRectF(r.left(), r.top(), w, r.height()), badge.color);
        p.fillRect(QRectF(r.right() - w, r.top(), w, r.height()), badge.color);
        break;
    }
    case StateShape::Square:
        p.fillRect(r.adjusted(0.5, 0.5, -0.5, -0.5), badge.color);
        break;
    case StateShape::Ring:
    case StateShape::Hollow:
        p.setPen(QPen(badge.color, badge.shape == StateShape::Ring ? 2.5 : 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(r.adjusted(1, 1, -1, -1));
        break;
    }
}
} // namespace

QIcon stateIcon(const QString &state, int size) {
    static QHash<QString, QIcon> cache;
    const QString key = state + u'/' + QString::number(size);
    if (const auto it = cache.constFind(key); it != cache.cend())
        return *it;
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    {
        QPainter p(&pixmap);
        paintBadge(p, stateBadge(state), size);
    }
    const QIcon icon(pixmap);
    cache.insert(key, icon);
    return icon;
}

} // namespace mist::gui
