// SPDX-License-Identifier: GPL-3.0-or-later

#include "LogView.h"

#include "LogLineDelegate.h"
#include "ui_LogView.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QShortcut>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>

namespace mist::gui {

namespace {

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

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::LogView>())
    , m_ownModel(new LogModel(this))
    , m_model(m_ownModel) {
    m_ui->setupUi(this);
    assembleToolbar();
    setUpList();
    connectControls();
    addShortcuts();
    updateStatus();
    updateMatchLabel();
}

LogView::~LogView() = default;

QListView *LogView::listView() const {
    return m_ui->logList;
}

void LogView::assembleToolbar() {
    // A form holds either widgets or actions in a toolbar, not the two interleaved: the form
    // declares them, the order is set here.
    QToolBar *toolbar = m_ui->logToolbar;
    toolbar->addWidget(m_ui->searchEdit);
    toolbar->addAction(m_ui->previousMatchAction);
    toolbar->addAction(m_ui->nextMatchAction);
    m_ui->matchLabel->setContentsMargins(4, 0, 4, 0);
    toolbar->addWidget(m_ui->matchLabel);
    toolbar->addAction(m_ui->historyAction);
    toolbar->addSeparator();
    toolbar->addWidget(m_ui->filterEdit);
    toolbar->addWidget(m_ui->regexToggle);
    toolbar->addWidget(m_ui->streamCombo);
    toolbar->addSeparator();
    // The app's Start, Stop and Restart (AppActions): icons only, their words in the tooltip,
    // hidden until an app is shown. They stay in the toolbar while it has room, and are always
    // at the top of the "⋯" menu (German at 1024 pixels has no room for them).
    const struct {
        QAction *action;
        QStyle::StandardPixmap icon;
    } appActions[] = {{m_ui->startAppAction, QStyle::SP_MediaPlay},
                      {m_ui->stopAppAction, QStyle::SP_MediaStop},
                      {m_ui->restartAppAction, QStyle::SP_BrowserReload}};
    for (const auto &a : appActions) {
        a.action->setIcon(style()->standardIcon(a.icon));
        a.action->setVisible(false);
        auto *button = new QToolButton(toolbar);
        button->setObjectName(a.action->objectName() + QStringLiteral("Button"));
        button->setDefaultAction(a.action);
        button->setToolButtonStyle(Qt::ToolButtonIconOnly);
        button->setAutoRaise(true);
        m_appButtons << toolbar->addWidget(button);
    }
    m_appButtons << toolbar->addSeparator();
    for (QAction *a : std::as_const(m_appButtons))
        a->setVisible(false);
    toolbar->installEventFilter(this); // a resize decides whether they fit
    // What is toggled or used now and then goes in one menu, so that the toolbar fits a
    // 1024-pixel screen in English and German without squeezing the search and filter fields.
    auto *more = new QMenu(m_ui->moreButton);
    more->addAction(m_ui->startAppAction);
    more->addAction(m_ui->stopAppAction);
    more->addAction(m_ui->restartAppAction);
    m_appMenuSeparator = more->addSeparator();
    m_appMenuSeparator->setVisible(false);
    more->addAction(m_ui->timestampsAction);
    more->addAction(m_ui->wrapAction);
    more->addSeparator();
    more->addAction(m_ui->copyAction);
    more->addAction(m_ui->saveAction);
    more->addAction(m_ui->clearAction);
    m_ui->moreButton->setMenu(more);
    toolbar->addWidget(m_ui->moreButton);
    // Room for a word or two of search or filter, whatever the window's width.
    const int minField = fontMetrics().horizontalAdvance(QLatin1Char('x')) * 18;
    m_ui->searchEdit->setMinimumWidth(minField);
    m_ui->filterEdit->setMinimumWidth(minField);
    // Standard keys differ between platforms, which a form cannot say.
    m_ui->copyAction->setShortcut(QKeySequence::Copy);
    m_ui->saveAction->setShortcut(QKeySequence::Save);
    addAction(m_ui->saveAction); // the shortcut is live wherever the focus is inside the view
    m_ui->timestampsAction->setChecked(m_model->showTimestamps());
    // The form lists the streams in the order of StreamFilter; the items carry their value.
    using Stream = LogModel::StreamFilter;
    for (const Stream f : {Stream::All, Stream::StdoutOnly, Stream::StderrOnly})
        m_ui->streamCombo->setItemData(int(f), int(f));
    m_ui->searchEdit->installEventFilter(this);
    m_ui->historyAction->setVisible(false); // until a view with an archive behind it says so
}

QList<QAction *> LogView::appActions() const {
    return {m_ui->startAppAction, m_ui->stopAppAction, m_ui->restartAppAction};
}

void LogView::setAppActionsVisible(bool on) {
    m_appActionsShown = on;
    for (QAction *a : appActions())
        a->setVisible(on);
    m_appMenuSeparator->setVisible(on);
    placeAppActions();
}

void LogView::setAppStatus(const QString &text) {
    if (m_ui->appStatus->text() != text)
        m_ui->appStatus->setText(text);
    m_ui->appStatus->setVisible(!text.isEmpty());
}

QString LogView::appStatus() const {
    return m_ui->appStatus->text();
}

bool LogView::appActionsInToolbar() const {
    return m_appButtons.value(0) && m_appButtons.value(0)->isVisible();
}

void LogView::placeAppActions() {
    QToolBar *toolbar = m_ui->logToolbar;
    for (QAction *a : std::as_const(m_appButtons))
        a->setVisible(m_appActionsShown);
    if (m_appActionsShown && toolbar->sizeHint().width() > toolbar->width())
        for (QAction *a : std::as_const(m_appButtons))
            a->setVisible(false);
}

void LogView::setUpList() {
    QListView *list = m_ui->logList;
    list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    list->addAction(m_ui->copyAction);
    list->installEventFilter(this);
    list->viewport()->installEventFilter(this); // wheel at the top or bottom edge
    m_delegate = new LogLineDelegate(m_model, list);
    list->setItemDelegate(m_delegate);
    bindModel();
    QScrollBar *bar = list->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, &LogView::onScrollValueChanged);
    connect(bar, &QScrollBar::rangeChanged, this, &LogView::onScrollRangeChanged);
    // Rows without wrapping are as wide as the widest line: when a wider one arrives, all rows
    // (one size for all: uniform item sizes) take the new width, at most every 100 ms.
    m_widthLayout.setSingleShot(true);
    m_widthLayout.setInterval(100);
    connect(&m_widthLayout, &QTimer::timeout, this, [this] {
        if (m_wrap)
            return;
        const int value = m_ui->logList->verticalScrollBar()->value();
        {
            ScrollGuard guard(m_programmaticScroll);
            m_ui->logList->doItemsLayout();
            m_ui->logList->verticalScrollBar()->setValue(value);
        }
        if (m_following)
            scrollToBottomNow();
    });
}

void LogView::setModel(LogModel *model) {
    if (!model)
        model = m_ownModel;
    if (model == m_model)
        return;
    disconnect(m_model, nullptr, this, nullptr);
    QItemSelectionModel *oldSelection = m_ui->logList->selectionModel();
    m_model = model;
    m_delegate->setModel(model);
    bindModel();
    delete oldSelection; // QAbstractItemView::setModel leaves it to its owner
    // A kept log comes back with its lines: the rows are as wide as its widest.
    m_delegate->noteRows(0, m_model->rowCount());
    m_widthLayout.start();
    syncControlsFromModel();
    m_newLines = 0;
    updateJumpButton();
    updateStatus();
    updateMatchLabel();
}

void LogView::syncControlsFromModel() {
    const QSignalBlocker blockSearch(m_ui->searchEdit);
    const QSignalBlocker blockFilter(m_ui->filterEdit);
    const QSignalBlocker blockRegex(m_ui->regexToggle);
    const QSignalBlocker blockStream(m_ui->streamCombo);
    const QSignalBlocker blockStamps(m_ui->timestampsAction);
    m_ui->searchEdit->setText(m_model->search());
    m_ui->filterEdit->setText(m_model->filterText());
    m_ui->regexToggle->setChecked(m_model->filterIsRegex());
    m_ui->streamCombo->setCurrentIndex(m_ui->streamCombo->findData(int(m_model->streamFilter())));
    m_ui->timestampsAction->setChecked(m_model->showTimestamps());
}

void LogView::bindModel() {
    QListView *list = m_ui->logList;
    // Connected before setModel() so this runs before QListView discards its layout.
    connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            &LogView::onRowsAboutToBeRemoved);
    list->setModel(m_model);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LogView::onRowsRemoved);
    connect(m_model, &LogModel::linesPrepended, this, &LogView::onLinesPrepended);
    connect(m_model, &LogModel::linesInserted, this, [this](int count) {
        if (m_delegate->noteRows(m_model->rowCount() - count, count))
            m_widthLayout.start();
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
        if (m_model->totalLines() == 0) {
            setFollowing(true);
            // Pages loaded into it next may reuse the sequences of the lines gone.
            m_delegate->setModel(m_model);
        } else if (m_delegate->noteRows(0, m_model->rowCount())) {
            m_widthLayout.start(); // a filter cleared: lines it hid may be wider
        }
        updateStatus();
    });
    connect(m_model, &LogModel::matchesChanged, this, &LogView::updateMatchLabel);
    connect(m_ui->logList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &LogView::updateMatchLabel);
}

void LogView::connectControls() {
    connect(m_ui->jumpButton, &QPushButton::clicked, this, [this] {
        if (m_liveTail)
            jumpToEnd();
        else
            Q_EMIT liveWanted();
    });
    connect(m_ui->historyAction, &QAction::toggled, this, [this](bool on) {
        m_ui->historyPanel->setVisible(on);
        if (on) {
            m_ui->searchEdit->setFocus(Qt::OtherFocusReason);
            m_ui->searchEdit->selectAll();
        }
    });
    connect(m_ui->historySearchButton, &QPushButton::clicked, this, &LogView::searchHistory);
    connect(m_ui->historyMoreButton, &QPushButton::clicked, this, [this] {
        m_ui->historyMoreButton->setEnabled(false); // until the page is in
        Q_EMIT historyMoreRequested();
    });
    connect(m_ui->historyResults, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        activateHistoryResult(m_ui->historyResults->row(item));
    });
    connect(m_ui->previousMatchAction, &QAction::triggered, this, &LogView::findPrevious);
    connect(m_ui->nextMatchAction, &QAction::triggered, this, &LogView::findNext);
    connect(m_ui->copyAction, &QAction::triggered, this, &LogView::copySelection);
    connect(m_ui->saveAction, &QAction::triggered, this, &LogView::saveWithDialog);
    connect(m_ui->clearAction, &QAction::triggered, this, &LogView::clear);
    connect(m_ui->searchEdit, &QLineEdit::textChanged, this, &LogView::setSearchText);
    connect(m_ui->filterEdit, &QLineEdit::textChanged, this, &LogView::applyFilterFromUi);
    connect(m_ui->regexToggle, &QToolButton::toggled, this, &LogView::applyFilterFromUi);
    connect(m_ui->streamCombo, &QComboBox::currentIndexChanged, this, [this](int i) {
        setStreamFilter(LogModel::StreamFilter(m_ui->streamCombo->itemData(i).toInt()));
    });
    connect(m_ui->timestampsAction, &QAction::toggled, this, &LogView::setShowTimestamps);
    connect(m_ui->wrapAction, &QAction::toggled, this, &LogView::setWordWrap);
}

void LogView::addShortcuts() {
    auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence::Find, [this] {
        m_ui->searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_ui->searchEdit->selectAll();
    });
    shortcut(QKeySequence(Qt::Key_F3), [this] { findNext(); });
    shortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { findPrevious(); });
    // Line edits claim End for the cursor (ShortcutOverride), so this only fires elsewhere.
    shortcut(QKeySequence(Qt::Key_End), [this] {
        if (m_liveTail)
            jumpToEnd();
        else
            Q_EMIT liveWanted();
    });
}

bool LogView::eventFilter(QObject *watched, QEvent *event) {
    // Error rows wrapped among unwrapped ones take their height from the viewport's width.
    if (event->type() == QEvent::Resize && watched == m_ui->logList->viewport() && !m_wrap &&
        m_delegate->wrapsErrorRows())
        m_widthLayout.start();
    if (event->type() == QEvent::Resize && watched == m_ui->logToolbar) {
        placeAppActions();
        return QWidget::eventFilter(watched, event);
    }
    if (event->type() == QEvent::Wheel && watched == m_ui->logList->viewport()) {
        // At an edge the scroll bar does not move, so only the wheel says "more".
        const QScrollBar *bar = m_ui->logList->verticalScrollBar();
        const int dy = static_cast<QWheelEvent *>(event)->angleDelta().y();
        if (dy > 0 && bar->value() == bar->minimum())
            Q_EMIT olderWanted();
        else if (dy < 0 && bar->value() == bar->maximum() && !m_liveTail)
            Q_EMIT newerWanted();
        return QWidget::eventFilter(watched, event);
    }
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    if (watched == m_ui->searchEdit) {
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            if (m_ui->historyPanel->isVisible() && !(key->modifiers() & Qt::ShiftModifier))
                searchHistory();
            else
                find(key->modifiers() & Qt::ShiftModifier);
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            m_ui->logList->setFocus(Qt::OtherFocusReason);
            return true;
        }
    } else if (watched == m_ui->logList) {
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
            m_ui->searchEdit->setFocus(Qt::OtherFocusReason);
            m_ui->searchEdit->selectAll(); // a new search replaces the old one
            QCoreApplication::sendEvent(m_ui->searchEdit, event);
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
    setFollowing(m_liveTail && value >= m_ui->logList->verticalScrollBar()->maximum());
    checkEdges();
}

void LogView::checkEdges() {
    // Within a screen of the top: the next older page comes before the reader gets there.
    const QScrollBar *bar = m_ui->logList->verticalScrollBar();
    if (bar->value() - bar->minimum() <= bar->pageStep())
        Q_EMIT olderWanted();
    if (!m_liveTail && bar->value() >= bar->maximum())
        Q_EMIT newerWanted();
}

int LogView::distanceFromTop() const {
    return m_ui->logList->verticalScrollBar()->value();
}

void LogView::onLinesPrepended(int count) {
    if (m_delegate->noteRows(0, count))
        m_widthLayout.start();
    if (m_following)
        return; // the range change keeps the tail in view
    // The rows went in above the viewport: move it down by their height, so the line being
    // read stays where it is on the screen.
    QListView *list = m_ui->logList;
    int height = 0;
    if (list->uniformItemSizes()) {
        height = count * list->sizeHintForIndex(m_model->index(0)).height();
    } else {
        for (int row = 0; row < count; ++row)
            height += list->sizeHintForIndex(m_model->index(row)).height();
    }
    ScrollGuard guard(m_programmaticScroll);
    QScrollBar *bar = list->verticalScrollBar();
    const int value = bar->value();
    list->doItemsLayout(); // the scroll range must hold the new rows before the value moves
    bar->setValue(value + height);
}

void LogView::onScrollRangeChanged(int, int max) {
    // The range grows when a batch has been laid out: that is the moment to stay on the tail.
    if (m_following) {
        ScrollGuard guard(m_programmaticScroll);
        m_ui->logList->verticalScrollBar()->setValue(max);
    }
}

void LogView::onRowsAboutToBeRemoved(const QModelIndex &, int first, int last) {
    m_trimmedHeight = 0;
    m_delegate->forget(m_model->sequenceAt(first), m_model->sequenceAt(last));
    if (m_following || first != 0 || last + 1 >= m_model->rowCount())
        return;
    // Trimming removes rows above what the user is reading; remember their height so the
    // viewport can move up by as much and the lines being read stay where they are.
    if (m_ui->logList->uniformItemSizes()) {
        m_trimmedHeight = (last + 1) * m_ui->logList->sizeHintForIndex(m_model->index(0)).height();
    } else {
        for (int row = 0; row <= last; ++row)
            m_trimmedHeight += m_ui->logList->sizeHintForIndex(m_model->index(row)).height();
    }
}

void LogView::onRowsRemoved(const QModelIndex &, int, int) {
    if (m_trimmedHeight <= 0)
        return;
    ScrollGuard guard(m_programmaticScroll);
    QScrollBar *bar = m_ui->logList->verticalScrollBar();
    bar->setValue(qMax(0, bar->value() - m_trimmedHeight));
    m_trimmedHeight = 0;
}

void LogView::scrollToBottomNow() {
    ScrollGuard guard(m_programmaticScroll);
    m_ui->logList->scrollToBottom();
}

void LogView::jumpToEnd() {
    setFollowing(true);
    scrollToBottomNow();
}

void LogView::updateJumpButton() {
    if (!m_liveTail) {
        m_ui->jumpButton->setText(tr("Jump to live"));
        m_ui->jumpButton->setVisible(true);
        return;
    }
    if (m_following) {
        m_ui->jumpButton->setVisible(false);
        return;
    }
    // Singular and plural spelled out: no English numerus translation is loaded, and "%n"
    // forms would show as "line(s)" without one.
    const QString count = QLocale().toString(m_newLines);
    if (m_newLines == 0)
        m_ui->jumpButton->setText(tr("Jump to end"));
    else if (m_newLines == 1)
        m_ui->jumpButton->setText(tr("1 new line — jump to end"));
    else
        m_ui->jumpButton->setText(tr("%1 new lines — jump to end").arg(count));
    m_ui->jumpButton->setVisible(true);
}

void LogView::updateStatus() {
    const QLocale locale;
    const int total = m_model->totalLines();
    const int shown = m_model->visibleLines();
    const QString text =
        m_model->isFiltered()
            ? tr("%1 of %2 lines shown").arg(locale.toString(shown), locale.toString(total))
            : (total == 1 ? tr("1 line") : tr("%1 lines").arg(locale.toString(total)));
    if (m_ui->statusLabel->text() != text)
        m_ui->statusLabel->setText(text);
}

void LogView::updateMatchLabel() {
    if (m_model->search().isEmpty()) {
        m_ui->matchLabel->clear();
        return;
    }
    const int count = m_model->matchCount();
    const int ordinal = m_model->matchOrdinal(m_ui->logList->currentIndex().row());
    QString text;
    if (count == 0)
        text = tr("No matches");
    else if (ordinal >= 0)
        text = tr("%1 of %2").arg(QLocale().toString(ordinal + 1), QLocale().toString(count));
    else
        text = count == 1 ? tr("1 match") : tr("%1 matches").arg(QLocale().toString(count));
    if (m_ui->matchLabel->text() != text)
        m_ui->matchLabel->setText(text);
}

void LogView::setSearchText(const QString &text) {
    if (m_ui->searchEdit->text() != text) {
        m_ui->searchEdit->setText(text); // comes back here through textChanged
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
    const int row = m_model->nextMatch(m_ui->logList->currentIndex().row(), backwards);
    if (row < 0) {
        updateMatchLabel();
        return;
    }
    const QModelIndex index = m_model->index(row);
    m_ui->logList->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_ui->logList->scrollTo(index, QAbstractItemView::PositionAtCenter);
    updateMatchLabel();
}

template <typename F> void LogView::keepingCurrentLine(F &&change) {
    // The anchor is the current line when it is on screen, else the line at the top: the
    // reset loses both row numbers and scroll position, sequences survive it.
    const QModelIndex current = m_ui->logList->currentIndex();
    const bool currentOnScreen = current.isValid() && m_ui->logList->viewport()->rect().intersects(
                                                          m_ui->logList->visualRect(current));
    const QModelIndex top = m_ui->logList->indexAt(QPoint(1, 1));
    const qint64 currentSeq = m_model->sequenceAt(current.row());
    const qint64 anchorSeq = currentOnScreen ? currentSeq : m_model->sequenceAt(top.row());
    change();
    if (m_following) {
        scrollToBottomNow();
        return;
    }
    const int currentRow = currentSeq >= 0 ? m_model->rowForSequence(currentSeq) : -1;
    if (currentRow >= 0 && m_model->sequenceAt(currentRow) == currentSeq) {
        m_ui->logList->selectionModel()->setCurrentIndex(m_model->index(currentRow),
                                                         QItemSelectionModel::ClearAndSelect);
    }
    const int anchorRow = anchorSeq >= 0 ? m_model->rowForSequence(anchorSeq) : -1;
    if (anchorRow >= 0) {
        m_ui->logList->scrollTo(m_model->index(anchorRow), currentOnScreen
                                                               ? QAbstractItemView::PositionAtCenter
                                                               : QAbstractItemView::PositionAtTop);
    }
}

void LogView::applyFilterFromUi() {
    setFilterText(m_ui->filterEdit->text(), m_ui->regexToggle->isChecked());
}

void LogView::setFilterText(const QString &text, bool regex) {
    {
        const QSignalBlocker blockEdit(m_ui->filterEdit);
        const QSignalBlocker blockToggle(m_ui->regexToggle);
        if (m_ui->filterEdit->text() != text)
            m_ui->filterEdit->setText(text);
        m_ui->regexToggle->setChecked(regex);
    }
    keepingCurrentLine([&] { m_model->setFilter(text, regex); });
    if (m_model->filterValid()) {
        m_ui->filterEdit->setPalette(QPalette()); // nothing resolved: inherit again
    } else {
        QPalette palette = m_ui->filterEdit->palette();
        palette.setColor(QPalette::Text, QColor(0xd3, 0x2f, 0x2f));
        m_ui->filterEdit->setPalette(palette);
    }
    m_ui->filterEdit->setToolTip(m_model->filterValid() ? QString() : m_model->filterError());
}

void LogView::setStreamFilter(LogModel::StreamFilter f) {
    const int i = m_ui->streamCombo->findData(int(f));
    if (i >= 0 && i != m_ui->streamCombo->currentIndex()) {
        m_ui->streamCombo->setCurrentIndex(i); // comes back here through currentIndexChanged
        return;
    }
    keepingCurrentLine([&] { m_model->setStreamFilter(f); });
}

void LogView::setShowTimestamps(bool on) {
    if (m_ui->timestampsAction->isChecked() != on) {
        m_ui->timestampsAction->setChecked(on); // comes back here through toggled
        return;
    }
    m_model->setShowTimestamps(on);
    m_delegate->noteRows(0, m_model->rowCount()); // the prefix widens every row
    m_widthLayout.start();
}

void LogView::setWrapErrorRows(bool on) {
    m_delegate->setWrapErrorRows(on);
    m_ui->logList->setUniformItemSizes(!m_wrap && !on);
    m_ui->logList->doItemsLayout();
    m_ui->logList->viewport()->update();
}

bool LogView::wrapsErrorRows() const {
    return m_delegate->wrapsErrorRows();
}

void LogView::setWordWrap(bool on) {
    if (m_ui->wrapAction->isChecked() != on) {
        m_ui->wrapAction->setChecked(on); // comes back here through toggled
        return;
    }
    if (on == m_wrap)
        return;
    m_wrap = on;
    m_delegate->setWrap(on);
    // Wrapped rows fit the width; unwrapped ones are as wide as the widest line and scroll.
    m_ui->logList->setHorizontalScrollBarPolicy(on ? Qt::ScrollBarAlwaysOff
                                                   : Qt::ScrollBarAsNeeded);
    // Uniform sizes let QListView size one row and multiply; wrapped rows differ in height.
    m_ui->logList->setUniformItemSizes(!on && !m_delegate->wrapsErrorRows());
    m_ui->logList->setWordWrap(on); // also makes QListView lay out again when its width changes
    m_ui->logList->doItemsLayout();
    m_ui->logList->viewport()->update();
    if (m_following)
        scrollToBottomNow();
}

QString LogView::selectedText() const {
    QModelIndexList rows = m_ui->logList->selectionModel()->selectedRows();
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

Expected<void> LogView::saveTo(const QString &path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
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
    if (!file.commit())
        return fail(file.errorString());
    return {};
}

void LogView::saveWithDialog() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save log"), tr("log.txt"), tr("Text files (*.txt *.log);;All files (*)"));
    if (path.isEmpty())
        return;
    if (const auto saved = saveTo(path); !saved)
        QMessageBox::warning(this, tr("Save log"),
                             tr("The log could not be saved to %1: %2").arg(path, saved.error()));
}

void LogView::clear() {
    m_model->clear();
    setFollowing(true);
    scrollToBottomNow();
}

} // namespace mist::gui

namespace mist::gui {

LogView::Position LogView::position() const {
    Position p;
    p.following = m_following;
    const QModelIndex top = m_ui->logList->indexAt(QPoint(1, 1));
    p.topSequence = m_model->sequenceAt(top.row());
    p.topOffset = top.isValid() ? -m_ui->logList->visualRect(top).top() : 0;
    return p;
}

void LogView::restorePosition(const Position &p) {
    const int row = p.topSequence >= 0 ? m_model->rowForSequence(p.topSequence) : -1;
    if (p.following || row < 0) {
        setFollowing(m_liveTail);
        scrollToBottomNow();
        return;
    }
    setFollowing(false);
    ScrollGuard guard(m_programmaticScroll);
    m_ui->logList->doItemsLayout();
    m_ui->logList->scrollTo(m_model->index(row), QAbstractItemView::PositionAtTop);
    QScrollBar *bar = m_ui->logList->verticalScrollBar();
    bar->setValue(bar->value() + p.topOffset);
}

void LogView::setLiveTail(bool on) {
    if (on == m_liveTail)
        return;
    m_liveTail = on;
    if (!on)
        setFollowing(false);
    updateJumpButton();
}

void LogView::setHistoryStatus(const QString &text) {
    m_ui->historyStatus->setText(text);
    m_ui->historyStatus->setVisible(!text.isEmpty());
}

QString LogView::historyStatus() const {
    return m_ui->historyStatus->text();
}

void LogView::setHistorySearchAvailable(bool on, const QString &reason) {
    m_ui->historyAction->setVisible(true);
    m_ui->historyAction->setEnabled(on);
    m_ui->historyAction->setToolTip(on ? tr("Search all of this app's history on the server")
                                       : tr("No history to search: %1").arg(reason));
    if (!on)
        m_ui->historyAction->setChecked(false);
}

bool LogView::historySearchAvailable() const {
    return m_ui->historyAction->isEnabled();
}

void LogView::searchHistory() {
    if (!m_ui->historyAction->isEnabled())
        return;
    m_ui->historyAction->setChecked(true);
    // The presets of the range box, in its order; the last is "all time".
    static constexpr qint64 RangeMs[] = {3600LL * 1000, 24 * 3600LL * 1000, 7 * 24 * 3600LL * 1000};
    const int range = m_ui->historyRangeCombo->currentIndex();
    std::optional<qint64> since;
    if (range >= 0 && range < int(std::size(RangeMs)))
        since = (QDateTime::currentMSecsSinceEpoch() - RangeMs[range]) * 1000000;
    m_ui->historyResults->clear();
    m_ui->historyMoreButton->setVisible(false);
    m_ui->historyError->setText(tr("Searching…"));
    Q_EMIT historySearchRequested(m_ui->searchEdit->text(), since);
}

void LogView::showHistoryResults(const QList<LogEntry> &results, const QString &error, bool more,
                                 bool append) {
    if (!append)
        m_ui->historyResults->clear();
    m_ui->historyMoreButton->setEnabled(true);
    if (!error.isEmpty()) {
        m_ui->historyError->setText(error);
        m_ui->historyMoreButton->setVisible(append); // a failed further page may be asked again
        return;
    }
    for (const LogEntry &e : results) {
        if (m_ui->historyResults->count() >= MaxHistoryResults) {
            more = true;
            break;
        }
        auto *item = new QListWidgetItem(QDateTime::fromMSecsSinceEpoch(e.tsMs).toString(
                                             QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) +
                                             QStringLiteral("  ") + e.text,
                                         m_ui->historyResults);
        item->setData(Qt::UserRole, e.tsNs);
    }
    const int count = m_ui->historyResults->count();
    const bool full = count >= MaxHistoryResults;
    m_ui->historyMoreButton->setVisible(more && !full);
    const QString shown = count == 0   ? tr("No matches")
                          : count == 1 ? tr("1 match")
                                       : tr("%1 matches").arg(QLocale().toString(count));
    m_ui->historyError->setText(
        !more  ? shown
        : full ? tr("%1 (the newest; narrow the range for older ones)").arg(shown)
               : tr("%1 (the newest; older ones remain)").arg(shown));
}

bool LogView::historyMoreOffered() const {
    return !m_ui->historyMoreButton->isHidden() && m_ui->historyMoreButton->isEnabled();
}

void LogView::clearHistoryResults() {
    m_ui->historyResults->clear();
    m_ui->historyMoreButton->setVisible(false);
    m_ui->historyError->clear();
}

QStringList LogView::historyResultTexts() const {
    QStringList texts;
    for (int i = 0; i < m_ui->historyResults->count(); ++i)
        texts << m_ui->historyResults->item(i)->text();
    return texts;
}

QString LogView::historyError() const {
    return m_ui->historyError->text();
}

void LogView::activateHistoryResult(int row) {
    const QListWidgetItem *item = m_ui->historyResults->item(row);
    if (item)
        Q_EMIT historyResultActivated(item->data(Qt::UserRole).toLongLong());
}

bool LogView::revealLine(qint64 tsNs) {
    const int rows = m_model->visibleLines();
    int found = -1;
    for (int row = 0; row < rows; ++row) {
        const qint64 ts = m_model->entryAt(row).tsNs;
        if (ts == tsNs) {
            found = row;
            break;
        }
        if (found < 0 && ts > tsNs)
            found = row; // not shown (filtered): the line after it
    }
    if (found < 0)
        return false;
    setFollowing(false);
    const QModelIndex index = m_model->index(found);
    ScrollGuard guard(m_programmaticScroll);
    m_ui->logList->doItemsLayout();
    m_ui->logList->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_ui->logList->scrollTo(index, QAbstractItemView::PositionAtCenter);
    return m_model->entryAt(found).tsNs == tsNs;
}

} // namespace mist::gui
