// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppLog.h"

#include "MainWindow.h"
#include "ServerTexts.h"
#include "StatusWords.h"
#include "client/ServerSession.h"
#include "client/StreamConnection.h"
#include "protocol/Parsing.h"
#include "text/UrlEncoding.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace mist::gui {

AppLog::AppLog(client::ServerSession *session, qint64 appId, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_appId(appId)
    , m_model(new LogModel(this)) {
    m_resumeTimer.setSingleShot(true);
    connect(&m_resumeTimer, &QTimer::timeout, this, &AppLog::resume);
}

AppLog::~AppLog() {
    delete m_stream;
}

QString AppLog::eventText(const QJsonObject &e) {
    const QString event = e.value(QStringLiteral("event")).toString();
    const QString line = e.value(QStringLiteral("line")).toString();
    if (event == u"died" || event == u"restarted") {
        QStringList details;
        if (const QJsonValue code = e.value(QStringLiteral("exitCode")); code.isDouble())
            details << tr("exit %1").arg(code.toInt());
        if (line.contains(u"OOM"))
            details << tr("out of memory");
        const QString what = event == u"died" ? tr("died") : tr("restarted");
        return details.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, details.join(u", "));
    }
    if (event == u"started")
        return tr("started");
    if (event == u"oom")
        return tr("out of memory");
    if (event == u"removed")
        return tr("removed");
    if (event == u"replaced" && e.value(QStringLiteral("newDeploymentId")).isDouble())
        return tr("replaced by deployment #%1")
            .arg(qint64(e.value(QStringLiteral("newDeploymentId")).toDouble()));
    if (event == u"engine_back")
        return tr("engine back");
    if (const QString lost = QStringLiteral("engine lost: ");
        event == u"engine_lost" && line.startsWith(lost))
        return tr("engine lost: %1").arg(line.mid(lost.size()));
    return line; // another server's, or a kind this desktop does not know yet
}

LogEntry AppLog::entryFromJson(const QJsonObject &e) {
    const qint64 ns =
        protocol::parseEngineTimestampNs(e.value(QStringLiteral("ts")).toString()).value_or(0);
    LogEntry row;
    row.tsNs = ns;
    row.tsMs = ns / 1000000;
    if (e.value(QStringLiteral("kind")).toString() == u"event") {
        row.kind = LogEntry::Kind::Status;
        row.text = QStringLiteral("— %1 —").arg(eventText(e));
    } else {
        row.text = e.value(QStringLiteral("line")).toString();
        row.stderrStream = e.value(QStringLiteral("stream")).toString() == u"stderr";
        row.truncated = e.value(QStringLiteral("truncated")).toBool();
    }
    return row;
}

void AppLog::start() {
    if (!m_session)
        return;
    if (m_session->dialect() == client::ServerSession::Dialect::Upstream) {
        m_historyReason = MainWindow::tr("Upstream Mist server: no log history, live lines only");
        Q_EMIT availabilityChanged();
        LogEntry note;
        note.kind = LogEntry::Kind::Status;
        note.text = m_historyReason;
        m_model->append(note);
        return followLive(std::nullopt);
    }
    loadNewest();
}

void AppLog::fetchPage(QUrlQuery query, PageDone done) {
    if (!m_session)
        return;
    const quint64 generation = m_generation;
    m_session->get(
        QStringLiteral("/api/apps/%1/logs?").arg(m_appId) + query.query(QUrl::FullyEncoded), this,
        [this, generation, done = std::move(done)](const client::ServerSession::Reply &reply) {
            if (generation != m_generation)
                return; // the window was replaced meanwhile (a jump, going live)
            if (!reply.ok())
                return done(std::nullopt, reply.error.isEmpty()
                                              ? tr("HTTP status %1").arg(reply.status)
                                              : reply.error);
            const QJsonObject data = reply.data.toObject();
            Page page;
            const QJsonArray entries = data.value(QStringLiteral("entries")).toArray();
            page.rows.reserve(entries.size());
            for (const QJsonValue &v : entries)
                page.rows.append(entryFromJson(v.toObject()));
            page.next = data.value(QStringLiteral("next")).toString();
            done(page, QString());
        });
}

void AppLog::loadNewest() {
    m_paging = true;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("order"), QStringLiteral("desc"));
    q.addQueryItem(QStringLiteral("limit"), QString::number(PageLines));
    fetchPage(q, [this](const std::optional<Page> &page, const QString &error) {
        m_paging = false;
        if (!page) {
            // 503 (archive off or unavailable) and friends: live lines as before, no history.
            m_historyReason = MainWindow::tr("No log history: %1").arg(error);
            Q_EMIT availabilityChanged();
            LogEntry note;
            note.kind = LogEntry::Kind::Status;
            note.text = m_historyReason;
            m_model->append(note);
            return followLive(std::nullopt);
        }
        if (!m_historyReason.isEmpty()) {
            m_historyReason.clear();
            Q_EMIT availabilityChanged();
        }
        ++m_pagesLoaded;
        QList<LogEntry> rows(page->rows.crbegin(), page->rows.crend());
        appendRows(rows);
        markOlderEdge(page->next);
        m_olderEnd = page->next.isEmpty();
        const auto newest = newestStamp();
        followLive(newest ? std::optional<qint64>(newest->first) : std::nullopt);
    });
}

void AppLog::appendRows(const QList<LogEntry> &rows) {
    m_model->append(rows);
    m_model->flushPending();
}

qint64 AppLog::endSequence() const {
    return m_model->firstSequence() + m_model->totalLines();
}

void AppLog::markOlderEdge(const QString &cursor) {
    m_olderCursor = cursor;
    m_olderEdge = m_model->firstSequence();
}

void AppLog::markNewerEdge(const QString &cursor) {
    m_newerCursor = cursor;
    m_newerEdge = endSequence();
}

bool AppLog::olderExhausted() const {
    return m_olderEnd && m_olderEdge == m_model->firstSequence();
}

std::optional<std::pair<qint64, int>> AppLog::oldestStamp() const {
    const int n = m_model->totalLines();
    std::optional<std::pair<qint64, int>> stamp;
    for (int i = 0; i < n; ++i) {
        const qint64 ts = m_model->storedAt(i).tsNs;
        if (ts == 0)
            continue;
        if (!stamp)
            stamp = std::make_pair(ts, 0);
        else if (ts != stamp->first)
            break;
        ++stamp->second;
    }
    return stamp;
}

std::optional<std::pair<qint64, int>> AppLog::newestStamp() const {
    std::optional<std::pair<qint64, int>> stamp;
    for (int i = m_model->totalLines() - 1; i >= 0; --i) {
        const qint64 ts = m_model->storedAt(i).tsNs;
        if (ts == 0)
            continue;
        if (!stamp)
            stamp = std::make_pair(ts, 0);
        else if (ts != stamp->first)
            break;
        ++stamp->second;
    }
    return stamp;
}

QList<LogEntry> AppLog::skipRepeats(QList<LogEntry> rows, qint64 tsNs, int count) {
    // The archive's order is total (ts, then write order), so the entries at the edge's ts
    // that the window holds are the first `count` of that ts in the answer.
    qsizetype skip = 0;
    while (skip < rows.size() && skip < count && rows.at(skip).tsNs == tsNs)
        ++skip;
    rows.remove(0, skip);
    return rows;
}

void AppLog::setStatus(const QString &text) {
    if (text == m_status)
        return;
    m_status = text;
    Q_EMIT historyStatusChanged(text);
}

void AppLog::loadOlder() {
    if (m_paging || !historyAvailable() || olderExhausted() || !m_session)
        return;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("order"), QStringLiteral("desc"));
    std::optional<std::pair<qint64, int>> edge;
    if (m_olderEdge == m_model->firstSequence() && !m_olderCursor.isEmpty()) {
        q.addQueryItem(QStringLiteral("cursor"), m_olderCursor);
        q.addQueryItem(QStringLiteral("limit"), QString::number(PageLines));
    } else {
        // The oldest lines went since (the window moved down): page from the oldest stored.
        edge = oldestStamp();
        if (!edge)
            return;
        q.addQueryItem(QStringLiteral("until"), protocol::formatEngineTimestampNs(edge->first));
        q.addQueryItem(QStringLiteral("limit"), QString::number(PageLines + edge->second));
    }
    m_paging = true;
    setStatus(tr("Loading older lines…"));
    fetchPage(q, [this, edge](const std::optional<Page> &page, const QString &error) {
        m_paging = false;
        if (!page) {
            setStatus(tr("Older lines could not be loaded: %1").arg(error));
            return;
        }
        ++m_pagesLoaded;
        QList<LogEntry> rows = page->rows;
        if (edge)
            rows = skipRepeats(rows, edge->first, edge->second);
        std::reverse(rows.begin(), rows.end());
        const int dropped = m_model->prepend(rows);
        markOlderEdge(page->next);
        m_olderEnd = page->next.isEmpty();
        setStatus(m_olderEnd ? tr("The beginning of this app's history") : QString());
        if (dropped > 0 && m_live)
            stopLive(); // the newest lines left the window: they come from the archive now
    });
}

void AppLog::loadNewer() {
    if (m_paging || m_live || !historyAvailable() || !m_session)
        return;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("order"), QStringLiteral("asc"));
    std::optional<std::pair<qint64, int>> edge;
    if (m_newerEdge == endSequence() && !m_newerCursor.isEmpty()) {
        q.addQueryItem(QStringLiteral("cursor"), m_newerCursor);
        q.addQueryItem(QStringLiteral("limit"), QString::number(PageLines));
    } else {
        edge = newestStamp();
        if (edge)
            q.addQueryItem(QStringLiteral("since"), protocol::formatEngineTimestampNs(edge->first));
        q.addQueryItem(QStringLiteral("limit"),
                       QString::number(PageLines + (edge ? edge->second : 0)));
    }
    m_paging = true;
    setStatus(tr("Loading newer lines…"));
    fetchPage(q, [this, edge](const std::optional<Page> &page, const QString &error) {
        m_paging = false;
        if (!page) {
            setStatus(tr("Newer lines could not be loaded: %1").arg(error));
            return;
        }
        ++m_pagesLoaded;
        QList<LogEntry> rows = page->rows;
        if (edge)
            rows = skipRepeats(rows, edge->first, edge->second);
        appendRows(rows);
        markNewerEdge(page->next);
        setStatus(QString());
        if (page->next.isEmpty()) {
            // The end of the archive: the live socket goes on from its newest line.
            const auto newest = newestStamp();
            followLive(newest ? std::optional<qint64>(newest->first) : std::nullopt);
        }
    });
}

void AppLog::goLive() {
    if (m_live || !m_session)
        return;
    ++m_generation;
    m_paging = false;
    m_model->clear();
    m_olderCursor.clear();
    m_olderEnd = false;
    setStatus(QString());
    m_quietRetry = false; // an emptied window says the container's state again
    m_resumeDelayMs = 0;
    m_live = true; // from here on the window is the newest page and the socket after it
    Q_EMIT liveChanged(true);
    if (historyAvailable())
        loadNewest();
    else
        followLive(std::nullopt);
}

void AppLog::jumpTo(qint64 tsNs) {
    if (!m_session || !historyAvailable())
        return;
    ++m_generation;
    m_model->clear(); // first: an emptied view follows the tail, which a jump must not
    stopLive();
    m_paging = true;
    setStatus(tr("Loading the lines around the match…"));
    const QString ts = protocol::formatEngineTimestampNs(tsNs);
    QUrlQuery before;
    before.addQueryItem(QStringLiteral("order"), QStringLiteral("desc"));
    before.addQueryItem(QStringLiteral("until"), ts);
    before.addQueryItem(QStringLiteral("limit"), QString::number(PageLines / 2));
    fetchPage(before, [this, tsNs, ts](const std::optional<Page> &older, const QString &error) {
        if (!older) {
            m_paging = false;
            setStatus(tr("The lines around the match could not be loaded: %1").arg(error));
            return;
        }
        // Entries at the match's own ts come in both answers: count them once.
        const int atTs = int(std::count_if(older->rows.begin(), older->rows.end(),
                                           [&](const LogEntry &e) { return e.tsNs == tsNs; }));
        QUrlQuery after;
        after.addQueryItem(QStringLiteral("order"), QStringLiteral("asc"));
        after.addQueryItem(QStringLiteral("since"), ts);
        after.addQueryItem(QStringLiteral("limit"), QString::number(PageLines / 2 + atTs));
        fetchPage(after, [this, tsNs, atTs, older](const std::optional<Page> &newer,
                                                   const QString &error) {
            m_paging = false;
            if (!newer) {
                setStatus(tr("The lines around the match could not be loaded: %1").arg(error));
                return;
            }
            m_pagesLoaded += 2;
            QList<LogEntry> rows(older->rows.crbegin(), older->rows.crend());
            rows += skipRepeats(newer->rows, tsNs, atTs);
            appendRows(rows);
            markOlderEdge(older->next);
            m_olderEnd = older->next.isEmpty();
            markNewerEdge(newer->next);
            setStatus(QString());
            Q_EMIT revealRequested(tsNs);
            if (newer->next.isEmpty()) {
                const auto newest = newestStamp();
                followLive(newest ? std::optional<qint64>(newest->first) : std::nullopt);
            }
        });
    });
}

void AppLog::search(const QString &pattern, std::optional<qint64> sinceNs,
                    std::optional<qint64> untilNs) {
    if (!m_session)
        return;
    if (!historyAvailable()) {
        Q_EMIT searchFinished({}, m_historyReason, false, false);
        return;
    }
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("q"), text::percentEncoded(pattern));
    q.addQueryItem(QStringLiteral("order"), QStringLiteral("desc"));
    q.addQueryItem(QStringLiteral("limit"), QString::number(SearchResults));
    if (sinceNs)
        q.addQueryItem(QStringLiteral("since"), protocol::formatEngineTimestampNs(*sinceNs));
    if (untilNs)
        q.addQueryItem(QStringLiteral("until"), protocol::formatEngineTimestampNs(*untilNs));
    m_searchQuery = q;
    m_searchNext.clear();
    fetchSearchPage(false);
}

void AppLog::searchMore() {
    if (!m_session || m_searchNext.isEmpty() || m_searchPaging)
        return;
    fetchSearchPage(true);
}

void AppLog::fetchSearchPage(bool append) {
    const quint64 generation = append ? m_searchGeneration : ++m_searchGeneration;
    QUrlQuery q = m_searchQuery;
    if (append)
        q.addQueryItem(QStringLiteral("cursor"), text::percentEncoded(m_searchNext));
    m_searchPaging = true;
    m_session->get(QStringLiteral("/api/apps/%1/logs?").arg(m_appId) + q.query(QUrl::FullyEncoded),
                   this, [this, generation, append](const client::ServerSession::Reply &reply) {
                       if (generation != m_searchGeneration)
                           return; // a newer search replaced it
                       m_searchPaging = false;
                       if (!reply.ok()) {
                           // The cursor stays: a failed further page may be asked again.
                           Q_EMIT searchFinished({},
                                                 reply.error.isEmpty()
                                                     ? tr("HTTP status %1").arg(reply.status)
                                                     : reply.error,
                                                 !m_searchNext.isEmpty(), append);
                           return;
                       }
                       const QJsonObject data = reply.data.toObject();
                       QList<LogEntry> results;
                       for (const QJsonValue &v : data.value(QStringLiteral("entries")).toArray())
                           results.append(entryFromJson(v.toObject()));
                       m_searchNext = data.value(QStringLiteral("next")).toString();
                       Q_EMIT searchFinished(results, QString(), !m_searchNext.isEmpty(), append);
                   });
}

void AppLog::followLive(std::optional<qint64> sinceNs) {
    if (!m_session)
        return;
    QString path = QStringLiteral("/ws/container/logs?appId=%1").arg(m_appId);
    if (sinceNs)
        path += QStringLiteral("&since=") + protocol::formatEngineTimestampNs(*sinceNs);
    delete m_stream;
    m_stream = new client::StreamConnection(m_session, path, this);
    connect(m_stream, &client::StreamConnection::message, this, &AppLog::onLogMessage);
    // The server's `error` message and its close reason are one and the same ("Container not
    // running"): appendError says it once.
    connect(m_stream, &client::StreamConnection::failed, this, [this](const QString &reason) {
        if (!m_quietRetry)
            appendError(serverText(reason));
        scheduleResume();
    });
    m_stream->open();
    if (!m_live) {
        m_live = true;
        Q_EMIT liveChanged(true);
    }
}

void AppLog::stopLive() {
    delete m_stream;
    if (m_live) {
        m_live = false;
        Q_EMIT liveChanged(false);
    }
}

void AppLog::onLogMessage(const QJsonObject &message) {
    const QString type = message.value(QStringLiteral("type")).toString();
    const QJsonObject data = message.value(QStringLiteral("data")).toObject();
    LogEntry e;
    if (type == u"log") {
        m_resumeDelayMs = 0; // following again
        m_quietRetry = false;
        // A reader scrolled back in a full window would lose the lines being read to the
        // ones arriving: stop taking them; they are in the archive when the reader comes
        // back down.
        if (!m_readerFollowing && historyAvailable() &&
            m_model->totalLines() + m_model->pendingLines() >= m_model->maxLines()) {
            stopLive();
            return;
        }
        e.text =
            MainWindow::taskLabel(m_service, data) + data.value(QStringLiteral("line")).toString();
        e.stderrStream = data.value(QStringLiteral("stream")).toString() == u"stderr";
        e.truncated = data.value(QStringLiteral("truncated")).toBool();
        // Per line at tens of thousands of lines/s: the protocol's own
        // parser, several times cheaper than QDateTime::fromString.
        e.tsNs = protocol::parseEngineTimestampNs(data.value(QStringLiteral("ts")).toString())
                     .value_or(0);
        e.tsMs = e.tsNs / 1000000;
    } else if (type == u"status") {
        m_service = data.value(QStringLiteral("service")).toString();
        if (m_quietRetry)
            return; // said already, above the lines since
        e.kind = LogEntry::Kind::Status;
        e.text = (m_service.isEmpty() ? MainWindow::tr("Container %1: %2 (%3)")
                                      : MainWindow::tr("Service %1: %2 (%3)"))
                     .arg(data.value(QStringLiteral("container")).toString(),
                          StatusWords::stateName(data.value(QStringLiteral("state")).toString()),
                          StatusWords::fromEngine(data.value(QStringLiteral("status")).toString()));
        if (!m_service.isEmpty())
            e.text += MainWindow::serviceTasksText(m_service, data);
    } else if (type == u"error") {
        if (!m_quietRetry)
            appendError(serverText(data.value(QStringLiteral("message")).toString()));
        return;
    } else if (type == u"end") {
        e.kind = LogEntry::Kind::End;
        e.text = serverText(data.value(QStringLiteral("message")).toString());
    } else {
        return;
    }
    m_lastError.clear();
    m_model->append(e);
}

void AppLog::scheduleResume() {
    // Without an archive a new socket would send the last lines again: nothing to resume from.
    if (!m_live || !historyAvailable())
        return;
    m_resumeDelayMs = m_resumeDelayMs == 0 ? 2000 : std::min(2 * m_resumeDelayMs, 30000);
    m_quietRetry = true;
    m_resumeTimer.start(m_resumeDelayMs);
}

void AppLog::resume() {
    if (!m_live || !m_session ||
        (m_stream && m_stream->state() != client::StreamConnection::State::Finished &&
         m_stream->state() != client::StreamConnection::State::Idle))
        return;
    if (m_paging) // a page is loading: look again after it
        return scheduleResume();
    const auto edge = newestStamp();
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("order"), QStringLiteral("asc"));
    if (edge)
        q.addQueryItem(QStringLiteral("since"), protocol::formatEngineTimestampNs(edge->first));
    q.addQueryItem(QStringLiteral("limit"), QString::number(PageLines + (edge ? edge->second : 0)));
    m_paging = true;
    fetchPage(q, [this, edge](const std::optional<Page> &page, const QString &) {
        m_paging = false;
        if (!page)
            return scheduleResume();
        // More than a page archived meanwhile: the live socket sends the rest from the engine
        // (since= the newest line here), or the next look loads the next page.
        const QList<LogEntry> rows =
            edge ? skipRepeats(page->rows, edge->first, edge->second) : page->rows;
        if (!rows.isEmpty())
            m_quietRetry = false; // new lines: the state after them is worth saying again
        appendRows(rows);
        const auto newest = newestStamp();
        followLive(newest ? std::optional<qint64>(newest->first) : std::nullopt);
    });
}

void AppLog::appendError(const QString &text) {
    // Said again only after something else was shown: a stream retrying while the engine is
    // away gets the same answer on every attempt.
    if (text == m_lastError)
        return;
    m_lastError = text;
    LogEntry e;
    e.kind = LogEntry::Kind::Error;
    e.text = text;
    m_model->append(e);
}

} // namespace mist::gui
