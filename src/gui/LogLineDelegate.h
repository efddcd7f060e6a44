// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogModel.h"

#include <QFont>
#include <QStyledItemDelegate>
#include <QTextLayout>

#include <deque>

class QListView;

namespace mist::gui {

// Paints a row of a LogView as: [stderr mark][kind icon][timestamp + text], with every
// occurrence of the search text on a highlight background, and answers row heights cheaply
// when wrapping: QListView asks for every row's height on every relayout, and relays out once
// per batch of arrivals, so each row's height is worked out once (from the character count for
// short ASCII lines in the fixed-pitch font, with a text layout otherwise) and then read from
// an array indexed by the line's sequence number (2 bytes per line, stable across trimming and
// filtering).
class LogLineDelegate : public QStyledItemDelegate {
public:
    LogLineDelegate(LogModel *model, QListView *view);

    void setWrap(bool on);
    // Error rows wrap at the viewport's width even with wrapping off (the deployment view: an
    // error is never cut off or left past the right edge); their rows are taller, so the view
    // must not use uniform item sizes then.
    void setWrapErrorRows(bool on);
    bool wrapsErrorRows() const { return m_wrapErrors; }
    // Another model in the same view (the log of another app): cached heights go.
    void setModel(LogModel *model);
    // Lines [first, last] left the model: their sequences may come back with other lines
    // (older pages above, newer below after the window moved), so their heights go.
    void forget(qint64 firstSequence, qint64 lastSequence);
    // Without wrapping rows are as wide as the widest line held (so the view scrolls
    // sideways instead of cutting lines off with "…"): rows [first, first + count) arrived.
    // True when the widest grew (the view must lay its rows out again).
    bool noteRows(int first, int count);
    // The widest line seen since the model was set, in character cells (a character outside
    // printable ASCII counts as two: wide glyphs must not be cut).
    int widestCells() const { return m_widestCells; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    // The text a row shows: the kind's icon, then timestamp and line, cut to what can be seen.
    struct ShownText {
        QString text;
        qsizetype stampStart = 0;   // where the timestamp (if any) starts, after the icon
        qsizetype textStart = 0;    // where the line itself starts
        qsizetype highlightEnd = 0; // highlights stop here (before an elision mark)
    };
    ShownText shownText(const QStyleOptionViewItem &opt, const QModelIndex &index,
                        const QString &display, const QRect &textRect) const;
    QList<QTextLayout::FormatRange> highlights(const ShownText &shown,
                                               const QStyleOptionViewItem &opt,
                                               const QModelIndex &index) const;
    static void appendStyles(QList<QTextLayout::FormatRange> &ranges, const ShownText &shown,
                             const QStyleOptionViewItem &opt, const QList<text::AnsiRun> &styles);
    void paintPanel(QPainter *painter, const QStyleOptionViewItem &opt,
                    const QModelIndex &index) const;
    void paintText(QPainter *painter, const QString &text, const QFont &font, const QRect &rect,
                   const QColor &pen, const QList<QTextLayout::FormatRange> &formats,
                   bool wrap) const;
    // Whether this row wraps: every row with wrapping on, error rows with setWrapErrorRows.
    bool wraps(const QModelIndex &index) const;

    int wrappedHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    quint16 &heightSlot(qint64 seq) const;
    int computeHeight(const QStyleOptionViewItem &option, const QModelIndex &index,
                      int width) const;

    LogModel *m_model;
    QListView *m_view;
    bool m_wrap = false;
    bool m_wrapErrors = false;
    // Wrapped heights in pixels by sequence - m_heightsBase; 0 = not known yet. Dropped
    // whenever width, font or the timestamp prefix change.
    mutable std::deque<quint16> m_heights;
    mutable qint64 m_heightsBase = 0;
    mutable int m_cacheWidth = -1;
    mutable bool m_cacheTimestamps = false;
    mutable QFont m_metricsFont;
    mutable int m_lineHeight = 0;
    mutable int m_charWidth = 1;
    mutable qreal m_charWidthF = 1; // fixed-pitch advances are fractional: 1000 cells add up
    int m_widestCells = 0;
};

} // namespace mist::gui
