// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "text/AnsiStyle.h"

#include <QAbstractListModel>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringMatcher>
#include <QStringView>
#include <QTimer>

#include <deque>

namespace mist::gui {

// One row of a container log or a deployment build log. Kept small on purpose: a view holds
// up to 100k of these, so colours, fonts and the timestamp text are computed in data() and
// never stored per line.
struct LogEntry {
    enum class Kind : quint8 { Line, Status, Error, End }; // status/error/end are distinct rows
    Kind kind = Kind::Line;
    bool stderrStream = false;
    bool truncated = false;
    qint64 tsMs = 0; // engine timestamp (ms since epoch) or receipt time; 0 = none
    // The engine's timestamp in ns (the archive's order key) for lines and archive entries;
    // 0 for rows the archive does not hold (stream status, errors). Paging the archive from
    // the edges of what is loaded needs it exactly, not rounded to ms.
    qint64 tsNs = 0;
    QString text; // without escape sequences
    // Its colours and emphasis from the line's SGR sequences (runs over `text`); empty for
    // most lines, which have none (docs: README "Logs").
    QList<text::AnsiRun> styles;
};

// The rows of a live log, built to take thousands of lines per second without stalling the
// event loop:
// - arrivals are queued and inserted once per frame with a single beginInsertRows, so a view
//   lays out once per frame, not once per line;
// - the oldest lines drop in one beginRemoveRows(0, k-1) per batch once maxLines is reached;
// - filtering keeps a vector of matching line ids instead of a QSortFilterProxyModel, whose
//   per-row virtual calls dominate over a million rows.
// Every line gets a sequence number when it is stored; sequences only grow, so "the row of
// line N" survives both trimming and filter changes (a row number does not).
class LogModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        KindRole = Qt::UserRole + 1, // int(LogEntry::Kind)
        LevelRole,                   // int(Level) guessed from the text (Line rows only)
        StderrRole,                  // bool
        MatchRole,                   // bool: the row matches the current search
        TextRole,                    // the line's text without the timestamp prefix
        // The line as the view shows it, without the timestamp: a JSON object's level,
        // message and fields (lineDisplay); otherwise TextRole.
        LineDisplayRole,
    };
    enum class Level { None, Debug, Info, Warn, Error };
    Q_ENUM(Level)
    enum class StreamFilter { All, StdoutOnly, StderrOnly };
    Q_ENUM(StreamFilter)

    static constexpr int DefaultMaxLines = 100000;
    static constexpr int FlushIntervalMs = 16; // about one frame at 60 Hz

    explicit LogModel(QObject *parent = nullptr);
    ~LogModel() override;

    int maxLines() const { return m_maxLines; }
    void setMaxLines(int n); // n >= 1; trims at once when fewer lines are allowed than held

    void append(const LogEntry &e);
    void append(const QList<LogEntry> &batch);
    void flushPending(); // inserts the queued lines now instead of at the next frame
    int pendingLines() const { return int(m_pending.size()); }
    void clear(); // drops the stored and the queued lines; filter and search stay

    // Older lines (oldest first) above the stored ones, at once (queued arrivals are inserted
    // first). Beyond maxLines the newest lines go, not the ones just loaded: the reader is
    // looking at the top. Returns how many of the newest were dropped.
    int prepend(const QList<LogEntry> &olderFirst);
    // Removes the newest `count` stored lines (queued ones first); returns how many went.
    int dropNewest(qsizetype count);
    // The stored line at `index` (0 = oldest), whether or not the filter shows it.
    const LogEntry &storedAt(int index) const { return m_entries[size_t(index)]; }
    qint64 firstSequence() const { return m_firstSequence; }

    // Text filters are case-insensitive: a substring, or a regular expression (`(?-i)` turns
    // case sensitivity back on). An invalid expression filters nothing until corrected;
    // filterValid()/filterError() say why. Status, Error and End rows are never filtered
    // out: they tell what happened to the stream itself.
    void setFilter(const QString &text, bool regex);
    void setStreamFilter(StreamFilter f);
    QString filterText() const { return m_filterText; }
    bool filterIsRegex() const { return m_filterRegex; }
    StreamFilter streamFilter() const { return m_streamFilter; }
    bool filterValid() const { return m_filterError.isEmpty(); }
    QString filterError() const { return m_filterError; }
    bool isFiltered() const { return m_filtered; }

    int totalLines() const { return int(m_entries.size()); }
    int visibleLines() const;
    const LogEntry &entryAt(int visibleRow) const;
    qint64 sequenceAt(int visibleRow) const; // the stored line's sequence number
    // First visible row whose sequence is >= seq; -1 when there is none.
    int rowForSequence(qint64 seq) const;
    // The row as copied and saved: timestamp (when shown) and the line as it came.
    QString displayText(int visibleRow) const;
    // A JSON log line as its level, message and fields ("ERROR  refused  host=db"); any other
    // line as it is (text/JsonLogLine.h). DisplayRole shows this; copy and save keep the JSON.
    static QString lineDisplay(const LogEntry &e);
    static bool isJsonLine(const LogEntry &e) {
        return e.kind == LogEntry::Kind::Line && e.text.startsWith(u'{') && e.text.endsWith(u'}');
    }

    // Guesses a line's level from level words near its start (ERROR, [warn], level=info,
    // "panic:", Warning: ...): pure and cheap enough to run in data() for visible rows.
    static Level levelOf(QStringView text);

    // Case-insensitive substring search over the visible rows.
    void setSearch(const QString &text);
    QString search() const { return m_search; }
    int matchCount() const { return int(m_matches.size()); }
    // Next (or previous) matching visible row after (before) fromRow, wrapping around;
    // fromRow -1 starts at the top (forward) or the bottom (backwards). -1 when none match.
    int nextMatch(int fromRow, bool backwards) const;
    int matchOrdinal(int visibleRow) const; // 0-based position among the matches, or -1

    bool showTimestamps() const { return m_showTimestamps; }
    void setShowTimestamps(bool on);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void linesInserted(int count);  // visible rows added by one batch (for "N new lines")
    void linesPrepended(int count); // visible rows added above the others by prepend()
    void matchesChanged(); // the search's match set changed (search, filter, trim, new rows)

private:
    bool accepts(const LogEntry &e) const;
    bool matchesSearch(const LogEntry &e) const;
    qint64 sequenceOfRow(int row) const;
    const LogEntry &entryBySequence(qint64 seq) const;
    bool dropOldest(qsizetype count); // true when search matches went with the lines
    void rebuildVisible();
    void rebuildMatches();
    void emitAllChanged(const QList<int> &roles);

    std::deque<LogEntry> m_entries;
    qint64 m_firstSequence = 0; // sequence of m_entries.front()
    QList<LogEntry> m_pending;
    QTimer m_flushTimer;
    int m_maxLines = DefaultMaxLines;
    bool m_showTimestamps = true;

    QString m_filterText;
    bool m_filterRegex = false;
    QString m_filterError;
    bool m_textFilterActive = false;
    QRegularExpression m_filterExpression;
    QStringMatcher m_filterMatcher;
    StreamFilter m_streamFilter = StreamFilter::All;
    bool m_filtered = false;      // when false every stored line is visible and m_visible unused
    std::deque<qint64> m_visible; // sequences of the visible lines, ascending

    QString m_search;
    QStringMatcher m_searchMatcher;
    std::deque<qint64> m_matches; // sequences of visible lines matching m_search, ascending
};

} // namespace mist::gui
