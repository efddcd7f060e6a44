// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "LogModel.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>

#include <functional>
#include <optional>

namespace mist::client {
class ServerSession;
class StreamConnection;
} // namespace mist::client

namespace mist::gui {

// One app's log as one continuous history (docs/ARCHIVE.md, "Desktop"): a window of the
// server's archive in a LogModel, with the live socket below it while the window reaches the
// present. The window moves in pages: older ones above when the reader scrolls up (newest
// lines beyond the model's cap go), newer ones below when the reader comes back down; once a
// newer page reaches the end of the archive the live socket opens again with `since=` the
// newest line, so no line is shown twice and none is missing. While the reader is scrolled
// back in a full window, live arrivals would push the lines being read out of it: the socket
// closes instead and the lines are read from the archive later.
//
// A container that is not running ends the live socket ("Container not running"); while the
// window is live, the log looks again after 2 s, doubling to 30 s: the archive's newer lines
// (what a crash-looping container printed between its restarts, which the server archives
// whether or not anyone watches), then the live socket, which follows the container once it
// runs again. So a stopped or crash-looping container shows its last words without a click.
//
// One page request is in flight at a time; a failed one leaves what is loaded as it is and
// says why in historyStatus(). A MainWindow keeps one AppLog per recently viewed app, so
// switching apps and back finds the lines, the filter and the place where the reader was.
class AppLog : public QObject {
    Q_OBJECT
public:
    static constexpr int PageLines = 1000;
    static constexpr int SearchResults = 200; // first page of a history search

    AppLog(client::ServerSession *session, qint64 appId, QObject *parent = nullptr);
    ~AppLog() override;

    LogModel *model() const { return m_model; }
    qint64 appId() const { return m_appId; }
    client::ServerSession *session() const { return m_session; }

    // The newest page of the archive, then the live socket after it.
    void start();

    // Whether the server keeps history for this app; when not, historyReason() says why
    // ("Upstream Mist server: …", the server's "Log archive is off …").
    bool historyAvailable() const { return m_historyReason.isEmpty(); }
    QString historyReason() const { return m_historyReason; }
    bool isLive() const { return m_live; }      // the window's newest lines are the live ones
    bool isLoading() const { return m_paging; } // a page request is in flight
    bool olderExhausted() const;                // the oldest archived entry is loaded
    int pagesLoaded() const { return m_pagesLoaded; }
    QString historyStatus() const { return m_status; }

    // The reader is on the tail (LogView::isFollowing): live lines may push older ones out.
    void setReaderFollowing(bool on) { m_readerFollowing = on; }
    bool readerFollowing() const { return m_readerFollowing; }

    void loadOlder();
    void loadNewer();
    // Back to the newest lines and the live socket (a no-op when live already).
    void goLive();
    // The page around the archive entry at `tsNs` (until= and since= it), then revealRequested.
    void jumpTo(qint64 tsNs);
    // "Search all history": the newest matches of `pattern` (RE2, on the server).
    void search(const QString &pattern, std::optional<qint64> sinceNs,
                std::optional<qint64> untilNs = std::nullopt);
    // The next older page of the last search (searchFinished with append); a no-op without one.
    void searchMore();
    bool searchHasMore() const { return !m_searchNext.isEmpty(); }

    // The archive's JSON entry as a row (events as "— died (exit 4) —" separators).
    static LogEntry entryFromJson(const QJsonObject &entry);
    // A lifecycle entry's words ("died (exit 137, out of memory)") in the reader's language,
    // from its `event`, `exitCode` and `newDeploymentId`; the server's `line` when unknown.
    static QString eventText(const QJsonObject &entry);

Q_SIGNALS:
    void historyStatusChanged(const QString &text); // empty: nothing to say
    void availabilityChanged();                     // historyAvailable() / historyReason() changed
    void liveChanged(bool live);
    // more: older matches remain (searchMore); append: a further page of the same search.
    void searchFinished(const QList<mist::gui::LogEntry> &results, const QString &error, bool more,
                        bool append);
    void revealRequested(qint64 tsNs);

private:
    struct Page {
        QList<LogEntry> rows; // in the answer's order
        QString next;         // empty: nothing further
    };
    using PageDone = std::function<void(const std::optional<Page> &, const QString &error)>;
    void fetchPage(QUrlQuery query, PageDone done);
    void loadNewest();
    void followLive(std::optional<qint64> sinceNs);
    void fetchSearchPage(bool append);
    void stopLive();
    void onLogMessage(const QJsonObject &message);
    void appendError(const QString &text);
    // The live socket ended for good (the container is not running): look again later.
    void scheduleResume();
    void resume();
    void setStatus(const QString &text);
    void appendRows(const QList<LogEntry> &rows);
    void markOlderEdge(const QString &cursor);
    void markNewerEdge(const QString &cursor);
    // The stored edge line's ts and how many stored lines share it (a page from there repeats
    // those first).
    std::optional<std::pair<qint64, int>> oldestStamp() const;
    std::optional<std::pair<qint64, int>> newestStamp() const;
    static QList<LogEntry> skipRepeats(QList<LogEntry> rows, qint64 tsNs, int count);
    qint64 endSequence() const;

    QPointer<client::ServerSession> m_session;
    qint64 m_appId;
    LogModel *m_model;
    QPointer<client::StreamConnection> m_stream;
    QString m_service; // the app's Swarm service (from its `status`), if it is one
    // The last error row appended since the last line or status: each reconnect attempt while
    // the engine is away answers the same error, which is said once.
    QString m_lastError;
    QTimer m_resumeTimer;
    int m_resumeDelayMs = 0; // 0: no failure since the last live line
    // Looking again after a failure, and nothing new shown since: the socket's status and error
    // would only repeat the ones above (a stopped container's view gains no rows while idle).
    bool m_quietRetry = false;
    QString m_historyReason;
    QString m_status;
    // The window's newest lines are the present: the live socket is open or about to be.
    bool m_live = true;
    bool m_paging = false;
    bool m_readerFollowing = true;
    int m_pagesLoaded = 0;
    quint64 m_generation = 0; // answers of an earlier window (before a jump) are dropped
    quint64 m_searchGeneration = 0;
    QUrlQuery m_searchQuery; // the last search's, without its cursor
    QString m_searchNext;    // its answer's cursor to older matches; empty: none
    bool m_searchPaging = false;

    // Cursors of the archive just beyond the loaded window, valid while that edge of the
    // model has not moved since (a trimmed edge pages from its stored ts instead).
    QString m_olderCursor;
    qint64 m_olderEdge = -1; // model()->firstSequence() when m_olderCursor was taken
    bool m_olderEnd = false; // the answer said nothing is older
    QString m_newerCursor;
    qint64 m_newerEdge = -1;
};

} // namespace mist::gui
