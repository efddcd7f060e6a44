// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogModel.h"

#include "base/Expected.h"

#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QAction;
class QListView;

namespace Ui {
class LogView;
}

namespace mist::gui {

class LogLineDelegate;

// A live log: a toolbar (search, filter, stream, timestamps, wrap, copy, save, clear), a
// QListView over a LogModel and a status line. The view follows the tail until the user
// scrolls away from the bottom; from then on new lines are counted and a "N new lines — jump
// to end" button brings the user back (End does the same).
//
// Performance: the model inserts arrivals once per frame, and QListView lays out all rows on
// each insert. With wrapping off every row has the same height (setUniformItemSizes), so that
// layout is a cheap loop; with wrapping on, the delegate works each row's height out once
// (from the character count for short ASCII lines in the fixed-pitch font, with a text layout
// otherwise) and answers later relayouts from a 2-byte-per-line array (LogLineDelegate).
class LogView : public QWidget {
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    LogModel *model() const { return m_model; }
    // Shows another model (another app's log; nullptr: the view's own, empty one). The
    // view's controls take the model's filter, stream and search.
    void setModel(LogModel *model);
    QListView *listView() const;
    // Start, Stop and Restart of the shown app (driven by AppActions), hidden until shown: in
    // the toolbar (icons) while it has room for them, and always in its "⋯" menu.
    QList<QAction *> appActions() const;
    void setAppActionsVisible(bool on);
    bool appActionsInToolbar() const;
    // A line above the list with the shown app's live state ("web · Up 48 seconds"); empty
    // hides it.
    void setAppStatus(const QString &text);
    QString appStatus() const;

    // Where the reader is, to come back to it after showing another model.
    struct Position {
        bool following = true;
        qint64 topSequence = -1; // the line at the top of the viewport
        int topOffset = 0;       // how far (pixels) that line is scrolled out above it
    };
    Position position() const;
    void restorePosition(const Position &p);

    // Whether the model's newest lines are the live ones. When not (an archive window far
    // back), reaching the bottom asks for newer lines (newerWanted) instead of following, and
    // the jump button says "Jump to live" (liveWanted).
    void setLiveTail(bool on);
    bool liveTail() const { return m_liveTail; }
    // A line above the list about loading history ("Loading older lines…", a failure, why
    // there is no history); empty hides it.
    void setHistoryStatus(const QString &text);
    QString historyStatus() const;
    // "Search all history": hidden until this is called (a deployment's build log has no
    // archive); off with the reason as its tooltip when the server keeps none.
    void setHistorySearchAvailable(bool on, const QString &reason = {});
    void clearHistoryResults();
    bool historySearchAvailable() const;
    // A history search's answer: the first page replaces the list, a further page (`append`,
    // after historyMoreRequested) goes below it; `more`: older matches remain. The list keeps at
    // most MaxHistoryResults (then: narrow the range).
    void showHistoryResults(const QList<LogEntry> &results, const QString &error, bool more = false,
                            bool append = false);
    static constexpr int MaxHistoryResults = 10000;
    bool historyMoreOffered() const;
    QStringList historyResultTexts() const;
    QString historyError() const;
    // Starts a history search of the search field's text (as Enter does with the panel open).
    void searchHistory();
    void activateHistoryResult(int row);
    // Makes the first line stamped `tsNs` current, in the middle of the viewport.
    bool revealLine(qint64 tsNs);
    // Rows from the viewport's top to the top of the content, in pixels.
    int distanceFromTop() const;

    bool isFollowing() const { return m_following; }
    int newLinesSinceFollowStopped() const { return m_newLines; }

    void setSearchText(const QString &text);
    void setFilterText(const QString &text, bool regex);
    void setStreamFilter(LogModel::StreamFilter f);
    void setShowTimestamps(bool on);
    bool wordWrap() const { return m_wrap; }
    // Error rows wrap at the view's width even with wrapping off, so that an error is never
    // cut off (the deployment view; LogLineDelegate::setWrapErrorRows).
    void setWrapErrorRows(bool on);
    bool wrapsErrorRows() const;
    void setWordWrap(bool on);

    // Writes the visible rows as shown (timestamps included when shown), one per line, UTF-8;
    // a failure says why (the file's error string).
    Expected<void> saveTo(const QString &path) const;
    // The selected rows as shown, in row order, joined with '\n'.
    QString selectedText() const;

public Q_SLOTS:
    void jumpToEnd();
    void findNext();
    void findPrevious();
    void copySelection();
    void saveWithDialog();
    void clear();

Q_SIGNALS:
    void followingChanged(bool following);
    void olderWanted(); // the reader is near the top of what is loaded
    void newerWanted(); // at the bottom of a window whose tail is not live
    void liveWanted();  // "Jump to live" / End while the tail is not live
    // With the range's start (nullopt: all time).
    void historySearchRequested(const QString &pattern, std::optional<qint64> sinceNs);
    void historyResultActivated(qint64 tsNs);
    void historyMoreRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void assembleToolbar();
    void placeAppActions();
    void setUpList();
    void bindModel();
    void syncControlsFromModel();
    void onLinesPrepended(int count);
    void checkEdges();
    void connectControls();
    void addShortcuts();
    void setFollowing(bool on);
    void find(bool backwards);
    void applyFilterFromUi();
    void updateMatchLabel();
    void updateStatus();
    void updateJumpButton();
    void scrollToBottomNow();
    void onScrollValueChanged(int value);
    void onScrollRangeChanged(int min, int max);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    // Keeps the current line in view across a filter change (a model reset loses it).
    template <typename F> void keepingCurrentLine(F &&change);

    std::unique_ptr<Ui::LogView> m_ui;
    LogModel *m_ownModel = nullptr;
    LogModel *m_model = nullptr;
    bool m_liveTail = true;
    LogLineDelegate *m_delegate = nullptr;
    QList<QAction *> m_appButtons; // the toolbar's buttons of appActions(), and a separator
    QAction *m_appMenuSeparator = nullptr;
    bool m_appActionsShown = false;

    bool m_following = true;
    bool m_wrap = false;
    int m_newLines = 0;
    // Set while the view itself moves the scroll bar, so only the user's scrolling decides
    // whether the tail is followed.
    int m_programmaticScroll = 0;
    // Pixels of content that a front trim removes above the viewport while not following.
    int m_trimmedHeight = 0;
    // A wider line arrived without wrapping: rows are laid out again once the burst is in.
    QTimer m_widthLayout;
};

} // namespace mist::gui
