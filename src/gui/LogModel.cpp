// SPDX-License-Identifier: GPL-3.0-or-later

#include "LogModel.h"

#include "text/AnsiStyle.h"
#include "text/JsonLogLine.h"

#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace mist::gui {

namespace {

// Colours that read on both light and dark bases: one mid-dark set for light palettes and one
// mid-light set for dark ones, picked per call from the application palette so a palette
// switch at run time is followed without any per-line state.
struct Tones {
    QColor error, warn, debug, stderrText, status, end;
};

const Tones &tones() {
    static const Tones light{QColor(0xc6, 0x28, 0x28), QColor(0x9a, 0x5b, 0x00),
                             QColor(0x6b, 0x72, 0x80), QColor(0xad, 0x14, 0x57),
                             QColor(0x15, 0x65, 0xc0), QColor(0x6b, 0x72, 0x80)};
    static const Tones dark{QColor(0xff, 0x6b, 0x6b), QColor(0xe8, 0xb0, 0x40),
                            QColor(0x9a, 0xa0, 0xa6), QColor(0xf0, 0x62, 0x92),
                            QColor(0x64, 0xb5, 0xf6), QColor(0x9a, 0xa0, 0xa6)};
    const bool isDark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    return isDark ? dark : light;
}

QString timestampPrefix(qint64 ms) {
    const QTime t = QDateTime::fromMSecsSinceEpoch(ms).time();
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d ", t.hour(), t.minute(),
                                t.second(), t.msec());
    return QString::fromLatin1(buf, n);
}

struct LevelWord {
    const char *word;
    LogModel::Level level;
};

// Spellings used by common loggers: syslog severities, Go/logrus/zap/slog, log4j/logback,
// Python logging, Serilog's three-letter forms, nginx/postgres, Rust tracing.
constexpr LevelWord LevelWords[] = {
    {"error", LogModel::Level::Error},     {"err", LogModel::Level::Error},
    {"fatal", LogModel::Level::Error},     {"ftl", LogModel::Level::Error},
    {"panic", LogModel::Level::Error},     {"crit", LogModel::Level::Error},
    {"critical", LogModel::Level::Error},  {"crt", LogModel::Level::Error},
    {"alert", LogModel::Level::Error},     {"emerg", LogModel::Level::Error},
    {"emergency", LogModel::Level::Error}, {"severe", LogModel::Level::Error},
    {"warn", LogModel::Level::Warn},       {"warning", LogModel::Level::Warn},
    {"wrn", LogModel::Level::Warn},        {"info", LogModel::Level::Info},
    {"inf", LogModel::Level::Info},        {"notice", LogModel::Level::Info},
    {"debug", LogModel::Level::Debug},     {"dbg", LogModel::Level::Debug},
    {"trace", LogModel::Level::Debug},     {"trc", LogModel::Level::Debug},
    {"verbose", LogModel::Level::Debug},   {"vrb", LogModel::Level::Debug},
};

bool isAsciiAlnum(char16_t c) {
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

LogModel::Level levelWord(QStringView token) {
    for (const LevelWord &w : LevelWords) {
        if (token.compare(QLatin1String(w.word), Qt::CaseInsensitive) == 0)
            return w.level;
    }
    return LogModel::Level::None;
}

bool isAllUpper(QStringView token) {
    return std::all_of(token.begin(), token.end(), [](QChar c) { return c.isUpper(); });
}

// The line's escape sequences read into style runs; its text without them.
void takeStyles(LogEntry &e) {
    if (!e.text.contains(QChar(0x1b)))
        return;
    text::StyledText styled = text::parseAnsiStyles(e.text);
    e.text = std::move(styled.plain);
    e.styles = std::move(styled.runs);
}

} // namespace

LogModel::LogModel(QObject *parent)
    : QAbstractListModel(parent) {
    // Older lines loaded from the archive take the sequences below the first one: start high
    // enough that they never reach the -1 that means "no line".
    m_firstSequence = qint64(1) << 48;
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogModel::flushPending);
}

LogModel::~LogModel() = default;

void LogModel::setMaxLines(int n) {
    m_maxLines = qMax(1, n);
    if (qsizetype(m_entries.size()) > m_maxLines && dropOldest(m_entries.size() - m_maxLines))
        Q_EMIT matchesChanged();
}

void LogModel::append(const LogEntry &e) {
    LogEntry copy = e;
    // Colour codes make the raw text unreadable in a list and hide level words
    // ("\x1b[31mERROR"): they are read once, on arrival, into runs the delegate draws.
    takeStyles(copy);
    m_pending.append(std::move(copy));
    // A burst far above the cap between two frames must not grow the queue without bound:
    // the oldest queued lines would be trimmed at insertion anyway.
    if (m_pending.size() >= 2 * qsizetype(m_maxLines))
        m_pending.remove(0, m_pending.size() - m_maxLines);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void LogModel::append(const QList<LogEntry> &batch) {
    m_pending.reserve(m_pending.size() + batch.size());
    for (const LogEntry &e : batch)
        append(e);
}

void LogModel::flushPending() {
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    QList<LogEntry> batch;
    batch.swap(m_pending);

    // Lines beyond the cap within the batch itself would be removed as soon as inserted.
    const qsizetype skip = qMax<qsizetype>(0, batch.size() - m_maxLines);
    const qsizetype incoming = batch.size() - skip;
    bool matchesMoved = false;
    const qsizetype overflow = qsizetype(m_entries.size()) + incoming - m_maxLines;
    if (overflow > 0)
        matchesMoved = dropOldest(overflow);

    const qint64 firstNew = m_firstSequence + qint64(m_entries.size());
    const bool searching = !m_search.isEmpty();
    int inserted = 0;
    if (!m_filtered) {
        const int first = int(m_entries.size());
        beginInsertRows(QModelIndex(), first, first + int(incoming) - 1);
        for (qsizetype i = skip; i < batch.size(); ++i) {
            m_entries.push_back(std::move(batch[i]));
            if (searching && matchesSearch(m_entries.back())) {
                m_matches.push_back(firstNew + (i - skip));
                matchesMoved = true;
            }
        }
        endInsertRows();
        inserted = int(incoming);
    } else {
        // Decide first, so that beginInsertRows announces exactly the accepted rows.
        QList<qint64> accepted;
        for (qsizetype i = skip; i < batch.size(); ++i) {
            if (accepts(batch.at(i)))
                accepted.append(firstNew + (i - skip));
        }
        const int first = int(m_visible.size());
        if (!accepted.isEmpty())
            beginInsertRows(QModelIndex(), first, first + int(accepted.size()) - 1);
        for (qsizetype i = skip; i < batch.size(); ++i)
            m_entries.push_back(std::move(batch[i]));
        for (qint64 seq : std::as_const(accepted)) {
            m_visible.push_back(seq);
            if (searching && matchesSearch(entryBySequence(seq))) {
                m_matches.push_back(seq);
                matchesMoved = true;
            }
        }
        if (!accepted.isEmpty())
            endInsertRows();
        inserted = int(accepted.size());
    }
    if (matchesMoved)
        Q_EMIT matchesChanged();
    if (inserted > 0)
        Q_EMIT linesInserted(inserted);
}

bool LogModel::dropOldest(qsizetype count) {
    count = qMin<qsizetype>(count, m_entries.size());
    if (count <= 0)
        return false;
    const qint64 newFirst = m_firstSequence + count;
    const qsizetype rows =
        m_filtered
            ? std::lower_bound(m_visible.begin(), m_visible.end(), newFirst) - m_visible.begin()
            : count;
    if (rows > 0)
        beginRemoveRows(QModelIndex(), 0, int(rows) - 1);
    m_entries.erase(m_entries.begin(), m_entries.begin() + count);
    m_firstSequence = newFirst;
    if (m_filtered)
        m_visible.erase(m_visible.begin(), m_visible.begin() + rows);
    const auto firstKeptMatch = std::lower_bound(m_matches.begin(), m_matches.end(), newFirst);
    const bool matchesDropped = firstKeptMatch != m_matches.begin();
    m_matches.erase(m_matches.begin(), firstKeptMatch);
    if (rows > 0)
        endRemoveRows();
    return matchesDropped;
}

void LogModel::clear() {
    m_flushTimer.stop();
    beginResetModel();
    m_pending.clear();
    // Sequences keep counting: a view may still hold sequence numbers of the old lines.
    m_firstSequence += qint64(m_entries.size());
    m_entries.clear();
    m_visible.clear();
    m_matches.clear();
    endResetModel();
    Q_EMIT matchesChanged();
}

int LogModel::prepend(const QList<LogEntry> &olderFirst) {
    flushPending();
    if (olderFirst.isEmpty())
        return 0;
    // More than the cap in one page: the newest of the page are what fits above the others.
    const qsizetype take = qMin<qsizetype>(olderFirst.size(), m_maxLines);
    const qsizetype skip = olderFirst.size() - take;
    const qsizetype overflow = qsizetype(m_entries.size()) + take - m_maxLines;
    const int dropped = overflow > 0 ? dropNewest(overflow) : 0;

    const qint64 newFirst = m_firstSequence - take;
    QList<LogEntry> rows;
    rows.reserve(take);
    QList<qint64> accepted;
    for (qsizetype i = skip; i < olderFirst.size(); ++i) {
        LogEntry e = olderFirst.at(i);
        takeStyles(e);
        if (!m_filtered || accepts(e))
            accepted.append(newFirst + (i - skip));
        rows.append(std::move(e));
    }
    if (!accepted.isEmpty())
        beginInsertRows(QModelIndex(), 0, int(accepted.size()) - 1);
    for (qsizetype i = rows.size() - 1; i >= 0; --i)
        m_entries.push_front(std::move(rows[i]));
    m_firstSequence = newFirst;
    bool matchesMoved = false;
    if (m_filtered)
        m_visible.insert(m_visible.begin(), accepted.begin(), accepted.end());
    if (!m_search.isEmpty()) {
        QList<qint64> found;
        for (qint64 seq : std::as_const(accepted))
            if (matchesSearch(entryBySequence(seq)))
                found.append(seq);
        m_matches.insert(m_matches.begin(), found.begin(), found.end());
        matchesMoved = !found.isEmpty();
    }
    if (!accepted.isEmpty())
        endInsertRows();
    if (matchesMoved)
        Q_EMIT matchesChanged();
    if (!accepted.isEmpty())
        Q_EMIT linesPrepended(int(accepted.size()));
    return dropped;
}

int LogModel::dropNewest(qsizetype count) {
    const qsizetype queued = qMin<qsizetype>(count, m_pending.size());
    m_pending.remove(m_pending.size() - queued, queued);
    count = qMin<qsizetype>(count - queued, m_entries.size());
    if (count <= 0)
        return int(queued);
    const qint64 firstGone = m_firstSequence + qint64(m_entries.size()) - count;
    const qsizetype firstRow =
        m_filtered
            ? std::lower_bound(m_visible.begin(), m_visible.end(), firstGone) - m_visible.begin()
            : qsizetype(m_entries.size()) - count;
    const qsizetype rows = qsizetype(rowCount()) - firstRow;
    if (rows > 0)
        beginRemoveRows(QModelIndex(), int(firstRow), int(firstRow + rows) - 1);
    m_entries.erase(m_entries.end() - count, m_entries.end());
    if (m_filtered)
        m_visible.erase(m_visible.begin() + firstRow, m_visible.end());
    const auto firstGoneMatch = std::lower_bound(m_matches.begin(), m_matches.end(), firstGone);
    const bool matchesDropped = firstGoneMatch != m_matches.end();
    m_matches.erase(firstGoneMatch, m_matches.end());
    if (rows > 0)
        endRemoveRows();
    if (matchesDropped)
        Q_EMIT matchesChanged();
    return int(queued + count);
}

void LogModel::setFilter(const QString &text, bool regex) {
    if (text == m_filterText && regex == m_filterRegex)
        return;
    const bool wasActive = m_textFilterActive;
    const QString oldText = m_filterText;
    const bool oldRegex = m_filterRegex;

    m_filterText = text;
    m_filterRegex = regex;
    m_filterError.clear();
    m_textFilterActive = false;
    if (regex && !text.isEmpty()) {
        QRegularExpression re(text, QRegularExpression::CaseInsensitiveOption);
        if (re.isValid()) {
            re.optimize(); // compile (and JIT) once here, not on the first of a million matches
            m_filterExpression = re;
            m_textFilterActive = true;
        } else {
            m_filterError = tr("Invalid regular expression at position %1: %2")
                                .arg(re.patternErrorOffset())
                                .arg(re.errorString());
        }
    } else if (!text.isEmpty()) {
        m_filterMatcher = QStringMatcher(text, Qt::CaseInsensitive);
        m_textFilterActive = true;
    }
    // Typing through an invalid expression, or toggling "regex" on an empty field, changes
    // nothing that is shown: skip the reset so the view keeps its scroll position.
    const bool sameEffect = !wasActive && !m_textFilterActive;
    const bool identical = wasActive && m_textFilterActive && oldText == text && oldRegex == regex;
    if (!sameEffect && !identical)
        rebuildVisible();
}

void LogModel::setStreamFilter(StreamFilter f) {
    if (f == m_streamFilter)
        return;
    m_streamFilter = f;
    rebuildVisible();
}

bool LogModel::accepts(const LogEntry &e) const {
    if (e.kind != LogEntry::Kind::Line)
        return true;
    if (m_streamFilter == StreamFilter::StdoutOnly && e.stderrStream)
        return false;
    if (m_streamFilter == StreamFilter::StderrOnly && !e.stderrStream)
        return false;
    if (!m_textFilterActive)
        return true;
    if (m_filterRegex)
        return m_filterExpression.match(e.text).hasMatch();
    return m_filterMatcher.indexIn(e.text) >= 0;
}

void LogModel::rebuildVisible() {
    beginResetModel();
    m_filtered = m_textFilterActive || m_streamFilter != StreamFilter::All;
    m_visible.clear();
    if (m_filtered) {
        qint64 seq = m_firstSequence;
        for (const LogEntry &e : m_entries) {
            if (accepts(e))
                m_visible.push_back(seq);
            ++seq;
        }
    }
    rebuildMatches();
    endResetModel();
    Q_EMIT matchesChanged();
}

bool LogModel::matchesSearch(const LogEntry &e) const {
    return !m_search.isEmpty() && m_searchMatcher.indexIn(e.text) >= 0;
}

void LogModel::rebuildMatches() {
    m_matches.clear();
    if (m_search.isEmpty())
        return;
    if (m_filtered) {
        for (qint64 seq : m_visible) {
            if (matchesSearch(entryBySequence(seq)))
                m_matches.push_back(seq);
        }
    } else {
        qint64 seq = m_firstSequence;
        for (const LogEntry &e : m_entries) {
            if (matchesSearch(e))
                m_matches.push_back(seq);
            ++seq;
        }
    }
}

void LogModel::setSearch(const QString &text) {
    if (text == m_search)
        return;
    m_search = text;
    m_searchMatcher = QStringMatcher(text, Qt::CaseInsensitive);
    rebuildMatches();
    emitAllChanged({MatchRole});
    Q_EMIT matchesChanged();
}

int LogModel::nextMatch(int fromRow, bool backwards) const {
    if (m_matches.empty())
        return -1;
    const int rows = rowCount();
    const bool fromOutside = fromRow < 0 || fromRow >= rows;
    std::deque<qint64>::const_iterator it;
    if (!backwards) {
        it = fromOutside
                 ? m_matches.begin()
                 : std::upper_bound(m_matches.begin(), m_matches.end(), sequenceOfRow(fromRow));
        if (it == m_matches.end())
            it = m_matches.begin();
    } else {
        it = fromOutside
                 ? m_matches.end()
                 : std::lower_bound(m_matches.begin(), m_matches.end(), sequenceOfRow(fromRow));
        if (it == m_matches.begin())
            it = m_matches.end();
        --it;
    }
    return rowForSequence(*it);
}

int LogModel::matchOrdinal(int visibleRow) const {
    if (visibleRow < 0 || visibleRow >= rowCount() || m_matches.empty())
        return -1;
    const qint64 seq = sequenceOfRow(visibleRow);
    const auto it = std::lower_bound(m_matches.begin(), m_matches.end(), seq);
    return it != m_matches.end() && *it == seq ? int(it - m_matches.begin()) : -1;
}

void LogModel::setShowTimestamps(bool on) {
    if (on == m_showTimestamps)
        return;
    m_showTimestamps = on;
    emitAllChanged({Qt::DisplayRole});
}

void LogModel::emitAllChanged(const QList<int> &roles) {
    const int rows = rowCount();
    if (rows > 0)
        Q_EMIT dataChanged(index(0), index(rows - 1), roles);
}

int LogModel::visibleLines() const {
    return m_filtered ? int(m_visible.size()) : int(m_entries.size());
}

qint64 LogModel::sequenceOfRow(int row) const {
    return m_filtered ? m_visible[size_t(row)] : m_firstSequence + row;
}

const LogEntry &LogModel::entryBySequence(qint64 seq) const {
    return m_entries[size_t(seq - m_firstSequence)];
}

const LogEntry &LogModel::entryAt(int visibleRow) const {
    Q_ASSERT(visibleRow >= 0 && visibleRow < visibleLines());
    return entryBySequence(sequenceOfRow(visibleRow));
}

qint64 LogModel::sequenceAt(int visibleRow) const {
    if (visibleRow < 0 || visibleRow >= visibleLines())
        return -1;
    return sequenceOfRow(visibleRow);
}

int LogModel::rowForSequence(qint64 seq) const {
    if (m_filtered) {
        const auto it = std::lower_bound(m_visible.begin(), m_visible.end(), seq);
        return it == m_visible.end() ? -1 : int(it - m_visible.begin());
    }
    if (m_entries.empty() || seq >= m_firstSequence + qint64(m_entries.size()))
        return -1;
    return int(qMax<qint64>(0, seq - m_firstSequence));
}

QString LogModel::displayText(int visibleRow) const {
    const LogEntry &e = entryAt(visibleRow);
    if (m_showTimestamps && e.tsMs != 0)
        return timestampPrefix(e.tsMs) + e.text;
    return e.text;
}

QString LogModel::lineDisplay(const LogEntry &e) {
    if (isJsonLine(e))
        if (const auto json = text::parseJsonLogLine(e.text))
            return json->shown();
    return e.text;
}

LogModel::Level LogModel::levelOf(QStringView text) {
    // Level words sit near the start (after a timestamp or a logger name); looking further
    // mostly finds the message's own words.
    constexpr qsizetype ScanChars = 200;
    const qsizetype n = qMin(text.size(), ScanChars);
    bool firstToken = true;
    qsizetype i = 0;
    while (i < n) {
        if (!isAsciiAlnum(text.at(i).unicode())) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        while (i < text.size() && isAsciiAlnum(text.at(i).unicode()))
            ++i;
        const QStringView token = text.sliced(start, i - start);
        if (token.size() >= 3 && token.size() <= 9) {
            const Level level = levelWord(token);
            if (level != Level::None) {
                // Prose ("an error occurred") is not a level: count the word only when it is
                // written as a level is written: upper case, first on the line, or set off by
                // the punctuation of a format ([warn], level=info, "level":"debug", panic:).
                const char16_t before = start > 0 ? text.at(start - 1).unicode() : u' ';
                const char16_t after = i < text.size() ? text.at(i).unicode() : u' ';
                const bool delimited = QStringView(u"[<=\"'(|").contains(QChar(before)) ||
                                       QStringView(u"]>:\"')|").contains(QChar(after));
                if (firstToken || delimited || isAllUpper(token))
                    return level;
            }
        }
        firstToken = false;
    }
    return Level::None;
}

int LogModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : visibleLines();
}

QVariant LogModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= visibleLines())
        return QVariant();
    const LogEntry &e = entryAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return m_showTimestamps && e.tsMs != 0 ? timestampPrefix(e.tsMs) + lineDisplay(e)
                                               : lineDisplay(e);
    case LineDisplayRole:
        return lineDisplay(e);
    case TextRole:
        return e.text;
    case KindRole:
        return int(e.kind);
    case StderrRole:
        return e.stderrStream;
    case LevelRole:
        return int(e.kind == LogEntry::Kind::Line ? levelOf(e.text) : Level::None);
    case MatchRole:
        return matchOrdinal(index.row()) >= 0;
    case Qt::ForegroundRole: {
        const Tones &t = tones();
        switch (e.kind) {
        case LogEntry::Kind::Status:
            return t.status;
        case LogEntry::Kind::Error:
            return t.error;
        case LogEntry::Kind::End:
            return t.end;
        case LogEntry::Kind::Line:
            break;
        }
        switch (levelOf(e.text)) {
        case Level::Error:
            return t.error;
        case Level::Warn:
            return t.warn;
        case Level::Debug:
            return t.debug;
        case Level::Info:
        case Level::None:
            break;
        }
        // Info and unlevelled lines keep the palette's text colour, so the common case stays
        // the most readable; stderr without a level still stands out.
        return e.stderrStream ? QVariant(t.stderrText) : QVariant();
    }
    case Qt::FontRole: {
        if (e.kind == LogEntry::Kind::Line)
            return QVariant();
        QFont f; // only the changed attributes win over the view's font (QFont::resolve)
        if (e.kind == LogEntry::Kind::Error)
            f.setBold(true);
        else
            f.setItalic(true);
        return f;
    }
    case Qt::ToolTipRole:
        if (e.truncated)
            return tr("This line was longer than the limit; the rest of it was dropped.");
        // A JSON line whole, pretty-printed: its fields are shown in one row.
        if (isJsonLine(e))
            if (const auto json = text::parseJsonLogLine(e.text))
                return json->pretty;
        return QVariant();
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> LogModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(LevelRole, "level");
    names.insert(StderrRole, "stderr");
    names.insert(MatchRole, "match");
    names.insert(TextRole, "text");
    return names;
}

} // namespace mist::gui
