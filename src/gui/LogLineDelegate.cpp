// SPDX-License-Identifier: GPL-3.0-or-later

#include "LogLineDelegate.h"

#include <QApplication>
#include <QListView>
#include <QPainter>
#include <QStringMatcher>

#include <algorithm>
#include <cmath>

namespace mist::gui {

namespace {

constexpr int GutterWidth = 6; // a 3 px stderr mark and a gap
constexpr int StderrMarkWidth = 3;
constexpr int HMargin = 4;
constexpr int VMargin = 1;
// Without wrapping nothing past the right edge is visible; laying out a 1 MiB line on every
// paint to find that out would cost milliseconds per row.
constexpr qsizetype NoWrapChars = 2048;
// With wrapping a row taller than a few screens helps nobody; the full line is still in copy
// and save.
constexpr qsizetype WrapChars = 16384;
constexpr QChar Ellipsis(0x2026);

QString kindPrefix(LogEntry::Kind kind) {
    switch (kind) {
    case LogEntry::Kind::Status:
        return QStringLiteral("\u25B8 "); // ▸
    case LogEntry::Kind::Error:
        return QStringLiteral("\u26A0 "); // ⚠
    case LogEntry::Kind::End:
        return QStringLiteral("\u25A0 "); // ■
    case LogEntry::Kind::Line:
        break;
    }
    return QString();
}

// Runs for every row on every relayout in wrap mode, so a plain loop over the UTF-16 units.
bool isPrintableAscii(const QString &text) {
    const char16_t *p = reinterpret_cast<const char16_t *>(text.utf16());
    const char16_t *end = p + text.size();
    for (; p != end; ++p) {
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    }
    return true;
}

} // namespace

LogLineDelegate::LogLineDelegate(LogModel *model, QListView *view)
    : QStyledItemDelegate(view)
    , m_model(model)
    , m_view(view) {}

void LogLineDelegate::setModel(LogModel *model) {
    m_model = model;
    m_heights.clear();
    m_widestCells = 0;
}

bool LogLineDelegate::noteRows(int first, int count) {
    const int before = m_widestCells;
    const int stamp = m_model->showTimestamps() ? 13 : 0;
    for (int row = qMax(0, first); row < first + count && row < m_model->rowCount(); ++row) {
        const LogEntry &e = m_model->entryAt(row);
        if (m_wrapErrors && e.kind == LogEntry::Kind::Error)
            continue; // wraps at the viewport's width instead
        const qsizetype chars = qMin<qsizetype>(e.text.size(), NoWrapChars);
        const qsizetype cells = isPrintableAscii(e.text) ? chars : 2 * chars;
        m_widestCells =
            qMax<int>(m_widestCells, int(cells) + stamp + (e.kind != LogEntry::Kind::Line ? 3 : 0));
    }
    return m_widestCells > before;
}

void LogLineDelegate::forget(qint64 firstSequence, qint64 lastSequence) {
    const qint64 from = qMax(firstSequence, m_heightsBase);
    const qint64 to = qMin(lastSequence, m_heightsBase + qint64(m_heights.size()) - 1);
    for (qint64 seq = from; seq <= to; ++seq)
        m_heights[size_t(seq - m_heightsBase)] = 0;
}

void LogLineDelegate::setWrap(bool on) {
    m_wrap = on;
    m_heights.clear();
}

void LogLineDelegate::setWrapErrorRows(bool on) {
    m_wrapErrors = on;
    m_heights.clear();
}

bool LogLineDelegate::wraps(const QModelIndex &index) const {
    return m_wrap || (m_wrapErrors && LogEntry::Kind(index.data(LogModel::KindRole).toInt()) ==
                                          LogEntry::Kind::Error);
}

void LogLineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString display = opt.text;
    opt.text.clear(); // the style draws the panel (selection, hover); the text is ours
    paintPanel(painter, opt, index);

    QRect textRect = opt.rect.adjusted(GutterWidth, VMargin, -HMargin, -VMargin);
    const bool wrap = wraps(index);
    if (wrap && !m_wrap) // an error row among unwrapped ones: as wide as the viewport
        textRect.setWidth(qMax(1, m_view->viewport()->width() - GutterWidth - HMargin));
    const ShownText shown = shownText(opt, index, display, textRect);

    const QPalette::ColorGroup group =
        opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    const QVariant roleColour = index.data(Qt::ForegroundRole);
    QColor pen = opt.palette.color(group, QPalette::Text);
    if (opt.state & QStyle::State_Selected)
        pen = opt.palette.color(group, QPalette::HighlightedText);
    else if (roleColour.isValid())
        pen = roleColour.value<QColor>();
    paintText(painter, shown.text, opt.font, textRect, pen, highlights(shown, opt, index), wrap);
}

void LogLineDelegate::paintPanel(QPainter *painter, const QStyleOptionViewItem &opt,
                                 const QModelIndex &index) const {
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    const auto kind = LogEntry::Kind(index.data(LogModel::KindRole).toInt());
    const QVariant roleColour = index.data(Qt::ForegroundRole);
    if (kind != LogEntry::Kind::Line && roleColour.isValid()) {
        QColor tint = roleColour.value<QColor>();
        tint.setAlpha(32);
        painter->fillRect(opt.rect, tint);
    }
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, widget);
    if (index.data(LogModel::StderrRole).toBool()) {
        painter->fillRect(
            QRect(opt.rect.left(), opt.rect.top(), StderrMarkWidth, opt.rect.height()),
            QColor(0xe0, 0x4f, 0x5f));
    }
}

LogLineDelegate::ShownText LogLineDelegate::shownText(const QStyleOptionViewItem &opt,
                                                      const QModelIndex &index,
                                                      const QString &display,
                                                      const QRect &textRect) const {
    const auto kind = LogEntry::Kind(index.data(LogModel::KindRole).toInt());
    const qsizetype rawLength = index.data(LogModel::LineDisplayRole).toString().size();
    const QString prefix = kindPrefix(kind);
    ShownText shown;
    shown.text = prefix + display;
    shown.stampStart = prefix.size();
    shown.textStart = prefix.size() + display.size() - rawLength;
    const bool wrap = wraps(index);
    if (wrap) {
        if (shown.text.size() > WrapChars)
            shown.text = shown.text.left(WrapChars) + Ellipsis;
    } else if (shown.text.size() > NoWrapChars) {
        // The row is as wide as the widest line (the view scrolls sideways): only a line
        // past NoWrapChars is cut; the whole of it is in copy and save.
        shown.text = shown.text.left(NoWrapChars) + Ellipsis;
    }
    Q_UNUSED(opt)
    Q_UNUSED(textRect)
    // An elided text ends in '…': highlights stop before it.
    shown.highlightEnd =
        !wrap && shown.text.endsWith(Ellipsis) ? shown.text.size() - 1 : shown.text.size();
    return shown;
}

QList<QTextLayout::FormatRange> LogLineDelegate::highlights(const ShownText &shown,
                                                            const QStyleOptionViewItem &opt,
                                                            const QModelIndex &index) const {
    QList<QTextLayout::FormatRange> ranges;
    // The timestamp prefix is context, not content: drawn muted so the text leads.
    const qsizetype stampLength = shown.textStart - shown.stampStart;
    const qsizetype stampShown = qMin(stampLength, shown.highlightEnd - shown.stampStart);
    if (stampShown > 0 && !(opt.state & QStyle::State_Selected)) {
        QTextCharFormat stamp;
        stamp.setForeground(opt.palette.color(QPalette::PlaceholderText));
        ranges.append({int(shown.stampStart), int(stampShown), stamp});
    }
    const LogEntry &entry = m_model->entryAt(index.row());
    if (!LogModel::isJsonLine(entry)) // a JSON line is shown rearranged; its runs do not fit
        appendStyles(ranges, shown, opt, entry.styles);
    const QString search = m_model->search();
    if (search.isEmpty() || !index.data(LogModel::MatchRole).toBool())
        return ranges;
    QTextCharFormat format;
    // A fixed dark-on-amber pair reads the same on light and dark palettes.
    format.setBackground(QColor(0xff, 0xc1, 0x07));
    format.setForeground(QColor(0x1a, 0x1a, 0x1a));
    const QStringMatcher matcher(search, Qt::CaseInsensitive);
    for (qsizetype at = matcher.indexIn(shown.text, shown.textStart);
         at >= 0 && at + search.size() <= shown.highlightEnd;
         at = matcher.indexIn(shown.text, at + search.size())) {
        ranges.append({int(at), int(search.size()), format});
    }
    return ranges;
}

void LogLineDelegate::appendStyles(QList<QTextLayout::FormatRange> &ranges, const ShownText &shown,
                                   const QStyleOptionViewItem &opt,
                                   const QList<text::AnsiRun> &styles) {
    // The line's own colours (SGR): on a selected row only the emphasis, so that the selection
    // stays readable. Drawn before search matches, which go on top.
    const bool selected = opt.state & QStyle::State_Selected;
    const QColor text = opt.palette.color(QPalette::Text);
    const QColor base = opt.palette.color(QPalette::Base);
    for (const text::AnsiRun &run : styles) {
        const qsizetype start = shown.textStart + run.start;
        const qsizetype length = qMin<qsizetype>(run.length, shown.highlightEnd - start);
        if (length <= 0)
            break;
        const text::AnsiStyle &style = run.style;
        QTextCharFormat f;
        if (!selected) {
            QColor fg = style.fg ? QColor::fromRgba(style.fg) : text;
            QColor bg = style.bg ? QColor::fromRgba(style.bg) : QColor();
            if (style.has(text::AnsiStyle::Inverse)) {
                const QColor was = fg;
                fg = bg.isValid() ? bg : base;
                bg = was;
            }
            if (style.has(text::AnsiStyle::Dim))
                fg.setAlpha(150);
            if (style.fg || style.has(text::AnsiStyle::Inverse) || style.has(text::AnsiStyle::Dim))
                f.setForeground(fg);
            if (bg.isValid())
                f.setBackground(bg);
        }
        if (style.has(text::AnsiStyle::Bold))
            f.setFontWeight(QFont::Bold);
        if (style.has(text::AnsiStyle::Italic))
            f.setFontItalic(true);
        if (style.has(text::AnsiStyle::Underline))
            f.setFontUnderline(true);
        ranges.append({int(start), int(length), f});
    }
}

void LogLineDelegate::paintText(QPainter *painter, const QString &text, const QFont &font,
                                const QRect &rect, const QColor &pen,
                                const QList<QTextLayout::FormatRange> &formats, bool wrap) const {
    QTextLayout layout(text, font);
    QTextOption textOption;
    textOption.setWrapMode(wrap ? QTextOption::WrapAtWordBoundaryOrAnywhere : QTextOption::NoWrap);
    layout.setTextOption(textOption);
    layout.beginLayout();
    qreal y = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(rect.width());
        line.setPosition(QPointF(0, y));
        y += line.height();
        if (y > rect.height() + line.height())
            break; // rows are never taller than their size hint; do not lay out the rest
    }
    layout.endLayout();

    painter->save();
    painter->setClipRect(rect);
    painter->setPen(pen);
    layout.draw(painter, rect.topLeft(), formats, rect);
    painter->restore();
}

QSize LogLineDelegate::sizeHint(const QStyleOptionViewItem &option,
                                const QModelIndex &index) const {
    // QListView asks for every row on every relayout when wrapping: font metrics are looked up
    // once per font, not once per row.
    if (m_lineHeight == 0 || option.font != m_metricsFont) {
        const QFontMetrics fm(option.font);
        m_metricsFont = option.font;
        m_lineHeight = fm.height();
        m_charWidth = qMax(1, fm.horizontalAdvance(QLatin1Char('M')));
        m_charWidthF =
            qMax(qreal(1), QFontMetricsF(option.font).horizontalAdvance(QLatin1Char('M')));
        m_heights.clear();
    }
    if (m_wrap && index.isValid())
        return QSize(1, wrappedHeight(option, index) + 2 * VMargin);
    // As wide as the widest line (at least the viewport: the view stretches rows to it).
    const int width = GutterWidth + HMargin + int(std::ceil((m_widestCells + 1) * m_charWidthF));
    if (index.isValid() && wraps(index))
        return QSize(width, wrappedHeight(option, index) + 2 * VMargin);
    return QSize(width, m_lineHeight + 2 * VMargin);
}

int LogLineDelegate::wrappedHeight(const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const {
    const int width = qMax(1, m_view->viewport()->width() - GutterWidth - HMargin);
    if (width != m_cacheWidth || m_model->showTimestamps() != m_cacheTimestamps) {
        m_heights.clear();
        m_cacheWidth = width;
        m_cacheTimestamps = m_model->showTimestamps();
    }
    const qint64 seq = m_model->sequenceAt(index.row());
    quint16 &slot = heightSlot(seq);
    if (slot == 0)
        slot = quint16(qBound(1, computeHeight(option, index, width), 0xffff));
    return slot;
}

quint16 &LogLineDelegate::heightSlot(qint64 seq) const {
    if (m_heights.empty()) {
        m_heightsBase = seq;
    } else if (seq < m_heightsBase) {
        m_heights.insert(m_heights.begin(), size_t(m_heightsBase - seq), quint16(0));
        m_heightsBase = seq;
    } else {
        // Lines older than the first visible one were trimmed (or filtered out): forget them
        // in large steps so the array spans at most the lines the model holds.
        const qint64 first = m_model->sequenceAt(0);
        if (first - m_heightsBase > 4096 && first <= seq) {
            const size_t drop = std::min(size_t(first - m_heightsBase), m_heights.size());
            m_heights.erase(m_heights.begin(), m_heights.begin() + qsizetype(drop));
            m_heightsBase += qint64(drop);
            if (m_heights.empty())
                m_heightsBase = seq;
        }
    }
    const size_t at = size_t(seq - m_heightsBase);
    if (at >= m_heights.size())
        m_heights.resize(at + 1, quint16(0));
    return m_heights[at];
}

int LogLineDelegate::computeHeight(const QStyleOptionViewItem &option, const QModelIndex &index,
                                   int width) const {
    // Most log lines are short ASCII: in the view's fixed-pitch font their width is the
    // character count times the advance, so no text layout is needed to know they fit.
    const LogEntry &e = m_model->entryAt(index.row());
    const qsizetype chars = e.text.size() + (e.kind != LogEntry::Kind::Line ? 3 : 0) +
                            (m_cacheTimestamps && e.tsMs != 0 ? 13 : 0);
    if (chars * m_charWidth <= width && isPrintableAscii(e.text))
        return m_lineHeight;

    QString shown = kindPrefix(e.kind) + index.data(Qt::DisplayRole).toString();
    if (shown.size() > WrapChars)
        shown = shown.left(WrapChars) + Ellipsis;
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index); // the row's own font (bold/italic rows)
    QTextLayout layout(shown, opt.font);
    QTextOption textOption;
    textOption.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(textOption);
    layout.beginLayout();
    qreal y = 0;
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, y));
        y += line.height();
    }
    layout.endLayout();
    return qMax(m_lineHeight, int(std::ceil(y)));
}

} // namespace mist::gui
