// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogModel.h"

#include <QWidget>

#include <memory>

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
    QListView *listView() const;

    bool isFollowing() const { return m_following; }
    int newLinesSinceFollowStopped() const { return m_newLines; }

    void setSearchText(const QString &text);
    void setFilterText(const QString &text, bool regex);
    void setStreamFilter(LogModel::StreamFilter f);
    void setShowTimestamps(bool on);
    bool wordWrap() const { return m_wrap; }
    void setWordWrap(bool on);

    // Writes the visible rows as shown (timestamps included when shown), one per line, UTF-8.
    bool saveTo(const QString &path, QString *error = nullptr) const;
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

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void assembleToolbar();
    void setUpList();
    void connectModel();
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
    LogModel *m_model = nullptr;
    LogLineDelegate *m_delegate = nullptr;

    bool m_following = true;
    bool m_wrap = false;
    int m_newLines = 0;
    // Set while the view itself moves the scroll bar, so only the user's scrolling decides
    // whether the tail is followed.
    int m_programmaticScroll = 0;
    // Pixels of content that a front trim removes above the viewport while not following.
    int m_trimmedHeight = 0;
};

} // namespace mist::gui
