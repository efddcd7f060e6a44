#include "LogView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QShortcut>
#include <QStringMatcher>
#include <QStyledItemDelegate>
#include <QTextLayout>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <deque>

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

class ScrollGuard {
public:
    explicit ScrollGuard(int &depth)
        : m_depth(depth) {
        ++m_depth;
    }
    ~ScrollGuard() { --m_depth; }
    ScrollGuard(const ScrollGuard &) = delete;
    ScrollGuard &operator=(const ScrollGuard &) = delete;

private:
    int &m_depth;
};

} // namespace

// Paints a row as: [stderr mark][kind icon][timestamp + text], with every occurrence of the
// search text on a highlight background, and answers row heights cheaply when wrapping.
class LogItemDelegate : public QStyledItemDelegate {
public:
    LogItemDelegate(LogModel *model, QListView *view)
        : QStyledItemDelegate(view)
        , m_model(model)
        , m_view(view) {}

    void setWrap(bool on) {
        m_wrap = on;
        m_heights.clear();
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        const auto kind = LogEntry::Kind(index.data(LogModel::KindRole).toInt());
        const QVariant roleColour = index.data(Qt::ForegroundRole);
        const QString display = opt.text;
        const qsizetype rawLength = index.data(LogModel::TextRole).toString().size();
        opt.text.clear(); // the style draws the panel (selection, hover); the text is ours

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

        const QString prefix = kindPrefix(kind);
        QString shown = prefix + display;
        const qsizetype textStart = prefix.size() + display.size() - rawLength;
        const QRect textRect = opt.rect.adjusted(GutterWidth, VMargin, -HMargin, -VMargin);
        if (m_wrap) {
            if (shown.size() > WrapChars)
                shown = shown.left(WrapChars) + QChar(0x2026);
        } else {
            if (shown.size() > NoWrapChars)
                shown.truncate(NoWrapChars);
            shown = opt.fontMetrics.elidedText(shown, Qt::ElideRight, textRect.width());
        }
        // An elided text ends in '…': highlights stop before it.
        const qsizetype highlightEnd =
            !m_wrap && shown.endsWith(QChar(0x2026)) ? shown.size() - 1 : shown.size();

        const bool selected = opt.state & QStyle::State_Selected;
        QList<QTextLayout::FormatRange> highlights;
        // The timestamp prefix is context, not content: drawn muted so the text leads.
        const qsizetype stampLength = textStart - prefix.size();
        const qsizetype stampShown = qMin(stampLength, highlightEnd - prefix.size());
        if (stampShown > 0 && !selected) {
            QTextCharFormat stamp;
            stamp.setForeground(opt.palette.color(QPalette::PlaceholderText));
            highlights.append({int(prefix.size()), int(stampShown), stamp});
        }
        const QString search = m_model->search();
        if (!search.isEmpty() && index.data(LogModel::MatchRole).toBool()) {
            QTextCharFormat format;
            // A fixed dark-on-amber pair reads the same on light and dark palettes.
            format.setBackground(QColor(0xff, 0xc1, 0x07));
            format.setForeground(QColor(0x1a, 0x1a, 0x1a));
            const QStringMatcher matcher(search, Qt::CaseInsensitive);
            for (qsizetype at = matcher.indexIn(shown, textStart);
                 at >= 0 && at + search.size() <= highlightEnd;
                 at = matcher.indexIn(shown, at + search.size())) {
                highlights.append({int(at), int(search.size()), format});
            }
        }

        const QPalette::ColorGroup group =
            opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
        QColor pen = opt.palette.color(group, QPalette::Text);
        if (selected)
            pen = opt.palette.color(group, QPalette::HighlightedText);
        else if (roleColour.isValid())
            pen = roleColour.value<QColor>();

        QTextLayout layout(shown, opt.font);
        QTextOption textOption;
        textOption.setWrapMode(m_wrap ? QTextOption::WrapAtWordBoundaryOrAnywhere
                                      : QTextOption::NoWrap);
        layout.setTextOption(textOption);
        layout.beginLayout();
        qreal y = 0;
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(textRect.width());
            line.setPosition(QPointF(0, y));
            y += line.height();
            if (y > textRect.height() + line.height())
                break; // rows are never taller than their size hint; do not lay out the rest
        }
        layout.endLayout();

        painter->save();
        painter->setClipRect(textRect);
        painter->setPen(pen);
        layout.draw(painter, textRect.topLeft(), highlights, textRect);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override {
        // QListView asks for every row on every relayout when wrapping: font metrics are
        // looked up once per font, not once per row.
        if (m_lineHeight == 0 || option.font != m_metricsFont) {
            const QFontMetrics fm(option.font);
            m_metricsFont = option.font;
            m_lineHeight = fm.height();
            m_charWidth = qMax(1, fm.horizontalAdvance(QLatin1Char('M')));
            m_heights.clear();
        }
        if (!m_wrap || !index.isValid())
            return QSize(1, m_lineHeight + 2 * VMargin); // the view makes rows as wide as itself
        return QSize(1, wrappedHeight(option, index) + 2 * VMargin);
    }

private:
    // QListView asks for every row's height on every relayout, and relays out once per batch
    // of arrivals: each row's height is worked out once and then read from an array indexed
    // by the line's sequence number (2 bytes per line, stable across trimming and filtering).
    int wrappedHeight(const QStyleOptionViewItem &option, const QModelIndex &index) const {
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

    quint16 &heightSlot(qint64 seq) const {
        if (m_heights.empty()) {
            m_heightsBase = seq;
        } else if (seq < m_heightsBase) {
            m_heights.insert(m_heights.begin(), size_t(m_heightsBase - seq), quint16(0));
            m_heightsBase = seq;
        } else {
            // Lines older than the first visible one were trimmed (or filtered out): forget
            // them in large steps so the array spans at most the lines the model holds.
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

    int computeHeight(const QStyleOptionViewItem &option, const QModelIndex &index,
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
            shown = shown.left(WrapChars) + QChar(0x2026);
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

    LogModel *m_model;
    QListView *m_view;
    bool m_wrap = false;
    // Wrapped heights in pixels by sequence - m_heightsBase; 0 = not known yet. Dropped
    // whenever width, font or the timestamp prefix change.
    mutable std::deque<quint16> m_heights;
    mutable qint64 m_heightsBase = 0;
    mutable int m_cacheWidth = -1;
    mutable bool m_cacheTimestamps = false;
    mutable QFont m_metricsFont;
    mutable int m_lineHeight = 0;
    mutable int m_charWidth = 1;
};

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_model(new LogModel(this)) {
    buildUi();
}

LogView::~LogView() = default;

void LogView::buildUi() {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(QStringLiteral("logToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);

    m_searchEdit = new QLineEdit(toolbar);
    m_searchEdit->setObjectName(QStringLiteral("searchEdit"));
    m_searchEdit->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_searchEdit->setToolTip(tr("Enter or F3: next match; Shift+Enter or Shift+F3: previous"));
    m_searchEdit->setClearButtonEnabled(true);
    m_searchEdit->setMaximumWidth(260);
    m_searchEdit->installEventFilter(this);
    toolbar->addWidget(m_searchEdit);
    QAction *previous = toolbar->addAction(tr("Previous"), this, &LogView::findPrevious);
    previous->setObjectName(QStringLiteral("previousMatchAction"));
    previous->setToolTip(tr("Previous match (Shift+F3)"));
    QAction *next = toolbar->addAction(tr("Next"), this, &LogView::findNext);
    next->setObjectName(QStringLiteral("nextMatchAction"));
    next->setToolTip(tr("Next match (F3)"));
    m_matchLabel = new QLabel(toolbar);
    m_matchLabel->setObjectName(QStringLiteral("matchLabel"));
    m_matchLabel->setContentsMargins(4, 0, 4, 0);
    toolbar->addWidget(m_matchLabel);
    toolbar->addSeparator();

    m_filterEdit = new QLineEdit(toolbar);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter lines"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMaximumWidth(260);
    toolbar->addWidget(m_filterEdit);
    m_regexToggle = new QToolButton(toolbar);
    m_regexToggle->setObjectName(QStringLiteral("regexToggle"));
    m_regexToggle->setText(tr(".*"));
    m_regexToggle->setToolTip(tr("Filter with a regular expression"));
    m_regexToggle->setCheckable(true);
    toolbar->addWidget(m_regexToggle);
    m_streamCombo = new QComboBox(toolbar);
    m_streamCombo->setObjectName(QStringLiteral("streamCombo"));
    m_streamCombo->addItem(tr("All streams"), int(LogModel::StreamFilter::All));
    m_streamCombo->addItem(tr("stdout"), int(LogModel::StreamFilter::StdoutOnly));
    m_streamCombo->addItem(tr("stderr"), int(LogModel::StreamFilter::StderrOnly));
    toolbar->addWidget(m_streamCombo);
    toolbar->addSeparator();

    m_timestampsAction = toolbar->addAction(tr("Timestamps"));
    m_timestampsAction->setObjectName(QStringLiteral("timestampsAction"));
    m_timestampsAction->setCheckable(true);
    m_timestampsAction->setChecked(m_model->showTimestamps());
    m_wrapAction = toolbar->addAction(tr("Wrap"));
    m_wrapAction->setObjectName(QStringLiteral("wrapAction"));
    m_wrapAction->setToolTip(tr("Wrap long lines"));
    m_wrapAction->setCheckable(true);
    toolbar->addSeparator();
    m_copyAction = toolbar->addAction(tr("Copy"), this, &LogView::copySelection);
    m_copyAction->setObjectName(QStringLiteral("copyAction"));
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setShortcutContext(Qt::WidgetShortcut); // the search fields copy their own
    m_saveAction = toolbar->addAction(tr("Save…"), this, &LogView::saveWithDialog);
    m_saveAction->setObjectName(QStringLiteral("saveAction"));
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_saveAction); // the shortcut is live wherever the focus is inside the view
    m_clearAction = toolbar->addAction(tr("Clear"), this, &LogView::clear);
    m_clearAction->setObjectName(QStringLiteral("clearAction"));
    layout->addWidget(toolbar);

    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("logList"));
    m_list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_list->setUniformItemSizes(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Pixel scrolling keeps the scroll bar free of the per-item bookkeeping QListView does
    // for ScrollPerItem on every relayout, and scrolls tall wrapped rows smoothly.
    m_list->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setWordWrap(false);
    m_list->addAction(m_copyAction);
    m_list->installEventFilter(this);
    m_delegate = new LogItemDelegate(m_model, m_list);
    m_list->setItemDelegate(m_delegate);
    // Connected before setModel() so this runs before QListView discards its layout.
    connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            &LogView::onRowsAboutToBeRemoved);
    m_list->setModel(m_model);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LogView::onRowsRemoved);
    layout->addWidget(m_list, 1);

    auto *statusLine = new QWidget(this);
    auto *statusLayout = new QHBoxLayout(statusLine);
    statusLayout->setContentsMargins(6, 2, 6, 2);
    m_statusLabel = new QLabel(statusLine);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    statusLayout->addWidget(m_statusLabel, 1);
    m_jumpButton = new QPushButton(statusLine);
    m_jumpButton->setObjectName(QStringLiteral("jumpButton"));
    m_jumpButton->setToolTip(tr("Follow the end of the log (End)"));
    m_jumpButton->setVisible(false);
    statusLayout->addWidget(m_jumpButton);
    layout->addWidget(statusLine);

    QScrollBar *bar = m_list->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, &LogView::onScrollValueChanged);
    connect(bar, &QScrollBar::rangeChanged, this, &LogView::onScrollRangeChanged);
    connect(m_jumpButton, &QPushButton::clicked, this, &LogView::jumpToEnd);

    connect(m_model, &LogModel::linesInserted, this, [this](int count) {
        if (!m_following) {
            m_newLines += count;
            updateJumpButton();
        }
        updateStatus();
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LogView::updateStatus);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // An emptied log (model()->clear() when another container is picked) starts over at
        // the tail, wherever the previous one had been scrolled to.
        if (m_model->totalLines() == 0)
            setFollowing(true);
        updateStatus();
    });
    connect(m_model, &LogModel::matchesChanged, this, &LogView::updateMatchLabel);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &LogView::updateMatchLabel);

    connect(m_searchEdit, &QLineEdit::textChanged, this, &LogView::setSearchText);
    connect(m_filterEdit, &QLineEdit::textChanged, this, &LogView::applyFilterFromUi);
    connect(m_regexToggle, &QToolButton::toggled, this, &LogView::applyFilterFromUi);
    connect(m_streamCombo, &QComboBox::currentIndexChanged, this, [this](int i) {
        setStreamFilter(LogModel::StreamFilter(m_streamCombo->itemData(i).toInt()));
    });
    connect(m_timestampsAction, &QAction::toggled, this, &LogView::setShowTimestamps);
    connect(m_wrapAction, &QAction::toggled, this, &LogView::setWordWrap);

    auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence::Find, [this] {
        m_searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_searchEdit->selectAll();
    });
    shortcut(QKeySequence(Qt::Key_F3), [this] { findNext(); });
    shortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { findPrevious(); });
    // Line edits claim End for the cursor (ShortcutOverride), so this only fires elsewhere.
    shortcut(QKeySequence(Qt::Key_End), [this] { jumpToEnd(); });

    updateStatus();
    updateMatchLabel();
}

bool LogView::eventFilter(QObject *watched, QEvent *event) {
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    if (watched == m_searchEdit) {
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            find(key->modifiers() & Qt::ShiftModifier);
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            m_list->setFocus(Qt::OtherFocusReason);
            return true;
        }
    } else if (watched == m_list) {
        if (key->matches(QKeySequence::Copy)) {
            // QAbstractItemView's own Ctrl+C copies only the current row.
            copySelection();
            return true;
        }
        // Typing in the list would start QAbstractItemView's keyboard search, a linear scan
        // of DisplayRole over up to 100k rows per key; the search field does it properly.
        const QString text = key->text();
        const bool plainTyping =
            !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
        if (plainTyping && !text.isEmpty() && text.at(0).isPrint() && !text.at(0).isSpace()) {
            m_searchEdit->setFocus(Qt::OtherFocusReason);
            m_searchEdit->selectAll(); // a new search replaces the old one
            QCoreApplication::sendEvent(m_searchEdit, event);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LogView::setFollowing(bool on) {
    if (on == m_following)
        return;
    m_following = on;
    m_newLines = 0;
    updateJumpButton();
    Q_EMIT followingChanged(on);
}

void LogView::onScrollValueChanged(int value) {
    if (m_programmaticScroll > 0)
        return;
    setFollowing(value >= m_list->verticalScrollBar()->maximum());
}

void LogView::onScrollRangeChanged(int, int max) {
    // The range grows when a batch has been laid out: that is the moment to stay on the tail.
    if (m_following) {
        ScrollGuard guard(m_programmaticScroll);
        m_list->verticalScrollBar()->setValue(max);
    }
}

void LogView::onRowsAboutToBeRemoved(const QModelIndex &, int first, int last) {
    m_trimmedHeight = 0;
    if (m_following || first != 0 || last + 1 >= m_model->rowCount())
        return;
    // Trimming removes rows above what the user is reading; remember their height so the
    // viewport can move up by as much and the lines being read stay where they are.
    if (!m_wrap) {
        m_trimmedHeight = (last + 1) * m_list->sizeHintForIndex(m_model->index(0)).height();
    } else {
        for (int row = 0; row <= last; ++row)
            m_trimmedHeight += m_list->sizeHintForIndex(m_model->index(row)).height();
    }
}

void LogView::onRowsRemoved(const QModelIndex &, int, int) {
    if (m_trimmedHeight <= 0)
        return;
    ScrollGuard guard(m_programmaticScroll);
    QScrollBar *bar = m_list->verticalScrollBar();
    bar->setValue(qMax(0, bar->value() - m_trimmedHeight));
    m_trimmedHeight = 0;
}

void LogView::scrollToBottomNow() {
    ScrollGuard guard(m_programmaticScroll);
    m_list->scrollToBottom();
}

void LogView::jumpToEnd() {
    setFollowing(true);
    scrollToBottomNow();
}

void LogView::updateJumpButton() {
    if (m_following) {
        m_jumpButton->setVisible(false);
        return;
    }
    // Singular and plural spelled out: no English numerus translation is loaded, and "%n"
    // forms would show as "line(s)" without one.
    const QString count = QLocale().toString(m_newLines);
    if (m_newLines == 0)
        m_jumpButton->setText(tr("Jump to end"));
    else if (m_newLines == 1)
        m_jumpButton->setText(tr("1 new line — jump to end"));
    else
        m_jumpButton->setText(tr("%1 new lines — jump to end").arg(count));
    m_jumpButton->setVisible(true);
}

void LogView::updateStatus() {
    const QLocale locale;
    const int total = m_model->totalLines();
    const int shown = m_model->visibleLines();
    const QString text =
        m_model->isFiltered()
            ? tr("%1 of %2 lines shown").arg(locale.toString(shown), locale.toString(total))
            : (total == 1 ? tr("1 line") : tr("%1 lines").arg(locale.toString(total)));
    if (m_statusLabel->text() != text)
        m_statusLabel->setText(text);
}

void LogView::updateMatchLabel() {
    if (m_model->search().isEmpty()) {
        m_matchLabel->clear();
        return;
    }
    const int count = m_model->matchCount();
    const int ordinal = m_model->matchOrdinal(m_list->currentIndex().row());
    QString text;
    if (count == 0)
        text = tr("No matches");
    else if (ordinal >= 0)
        text = tr("%1 of %2").arg(QLocale().toString(ordinal + 1), QLocale().toString(count));
    else
        text = count == 1 ? tr("1 match") : tr("%1 matches").arg(QLocale().toString(count));
    if (m_matchLabel->text() != text)
        m_matchLabel->setText(text);
}

void LogView::setSearchText(const QString &text) {
    if (m_searchEdit->text() != text) {
        m_searchEdit->setText(text); // comes back here through textChanged
        return;
    }
    m_model->setSearch(text);
    updateMatchLabel();
}

void LogView::findNext() {
    find(false);
}

void LogView::findPrevious() {
    find(true);
}

void LogView::find(bool backwards) {
    const int row = m_model->nextMatch(m_list->currentIndex().row(), backwards);
    if (row < 0) {
        updateMatchLabel();
        return;
    }
    const QModelIndex index = m_model->index(row);
    m_list->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_list->scrollTo(index, QAbstractItemView::PositionAtCenter);
    updateMatchLabel();
}

template <typename F> void LogView::keepingCurrentLine(F &&change) {
    // The anchor is the current line when it is on screen, else the line at the top: the
    // reset loses both row numbers and scroll position, sequences survive it.
    const QModelIndex current = m_list->currentIndex();
    const bool currentOnScreen =
        current.isValid() && m_list->viewport()->rect().intersects(m_list->visualRect(current));
    const QModelIndex top = m_list->indexAt(QPoint(1, 1));
    const qint64 currentSeq = m_model->sequenceAt(current.row());
    const qint64 anchorSeq = currentOnScreen ? currentSeq : m_model->sequenceAt(top.row());
    change();
    if (m_following) {
        scrollToBottomNow();
        return;
    }
    const int currentRow = currentSeq >= 0 ? m_model->rowForSequence(currentSeq) : -1;
    if (currentRow >= 0 && m_model->sequenceAt(currentRow) == currentSeq) {
        m_list->selectionModel()->setCurrentIndex(m_model->index(currentRow),
                                                  QItemSelectionModel::ClearAndSelect);
    }
    const int anchorRow = anchorSeq >= 0 ? m_model->rowForSequence(anchorSeq) : -1;
    if (anchorRow >= 0) {
        m_list->scrollTo(m_model->index(anchorRow), currentOnScreen
                                                        ? QAbstractItemView::PositionAtCenter
                                                        : QAbstractItemView::PositionAtTop);
    }
}

void LogView::applyFilterFromUi() {
    setFilterText(m_filterEdit->text(), m_regexToggle->isChecked());
}

void LogView::setFilterText(const QString &text, bool regex) {
    {
        const QSignalBlocker blockEdit(m_filterEdit);
        const QSignalBlocker blockToggle(m_regexToggle);
        if (m_filterEdit->text() != text)
            m_filterEdit->setText(text);
        m_regexToggle->setChecked(regex);
    }
    keepingCurrentLine([&] { m_model->setFilter(text, regex); });
    if (m_model->filterValid()) {
        m_filterEdit->setPalette(QPalette()); // nothing resolved: inherit again
    } else {
        QPalette palette = m_filterEdit->palette();
        palette.setColor(QPalette::Text, QColor(0xd3, 0x2f, 0x2f));
        m_filterEdit->setPalette(palette);
    }
    m_filterEdit->setToolTip(m_model->filterValid() ? QString() : m_model->filterError());
}

void LogView::setStreamFilter(LogModel::StreamFilter f) {
    const int i = m_streamCombo->findData(int(f));
    if (i >= 0 && i != m_streamCombo->currentIndex()) {
        m_streamCombo->setCurrentIndex(i); // comes back here through currentIndexChanged
        return;
    }
    keepingCurrentLine([&] { m_model->setStreamFilter(f); });
}

void LogView::setShowTimestamps(bool on) {
    if (m_timestampsAction->isChecked() != on) {
        m_timestampsAction->setChecked(on); // comes back here through toggled
        return;
    }
    m_model->setShowTimestamps(on);
}

void LogView::setWordWrap(bool on) {
    if (m_wrapAction->isChecked() != on) {
        m_wrapAction->setChecked(on); // comes back here through toggled
        return;
    }
    if (on == m_wrap)
        return;
    m_wrap = on;
    m_delegate->setWrap(on);
    // Uniform sizes let QListView size one row and multiply; wrapped rows differ in height.
    m_list->setUniformItemSizes(!on);
    m_list->setWordWrap(on); // also makes QListView lay out again when its width changes
    m_list->doItemsLayout();
    m_list->viewport()->update();
    if (m_following)
        scrollToBottomNow();
}

QString LogView::selectedText() const {
    QModelIndexList rows = m_list->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    lines.reserve(rows.size());
    for (const QModelIndex &index : std::as_const(rows))
        lines.append(m_model->displayText(index.row()));
    return lines.join(QLatin1Char('\n'));
}

void LogView::copySelection() {
    const QString text = selectedText();
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

bool LogView::saveTo(const QString &path, QString *error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const int rows = m_model->visibleLines();
    QByteArray chunk;
    for (int row = 0; row < rows; ++row) {
        chunk += m_model->displayText(row).toUtf8();
        chunk += '\n';
        if (chunk.size() >= 1 << 20 || row == rows - 1) {
            if (file.write(chunk) != chunk.size())
                break;
            chunk.clear();
        }
    }
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void LogView::saveWithDialog() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save log"), tr("log.txt"), tr("Text files (*.txt *.log);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTo(path, &error))
        QMessageBox::warning(this, tr("Save log"),
                             tr("The log could not be saved to %1: %2").arg(path, error));
}

void LogView::clear() {
    m_model->clear();
    setFollowing(true);
    scrollToBottomNow();
}

} // namespace mist::gui
