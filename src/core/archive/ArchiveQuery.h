// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// What a search of the log archive asks and answers: the query parameters
// of GET /api/apps/{id}/logs as pure parsers (exact error texts of
// docs/ARCHIVE.md, "Search"), the opaque paging cursor, the answer's JSON,
// and the retention options' parsers. No I/O.

#include "ArchiveFormat.h"

#include <QJsonObject>
#include <QUrlQuery>

#include <memory>

namespace re2 {
class RE2;
}

namespace mist::archive {

enum class Order : quint8 { Desc = 0, Asc = 1 };

// Position of an entry in the archive's total order: by ts, then the chunk's
// write sequence, then the record's place in its chunk.
struct OrderKey {
    qint64 ts = 0;
    quint64 chunkSeq = 0;
    qint64 index = 0;
    bool operator<(const OrderKey &o) const {
        if (ts != o.ts)
            return ts < o.ts;
        if (chunkSeq != o.chunkSeq)
            return chunkSeq < o.chunkSeq;
        return index < o.index;
    }
    bool operator>(const OrderKey &o) const { return o < *this; }
    bool operator==(const OrderKey &o) const {
        return ts == o.ts && chunkSeq == o.chunkSeq && index == o.index;
    }
};

// A page ends after `after`: the next page holds the entries strictly
// beyond it in the cursor's order.
struct Cursor {
    Order order = Order::Desc;
    OrderKey after;
};
// base64url (no padding) of version, order, key and a CRC-32 of them.
QString encodeCursor(const Cursor &cursor);
// nullopt for anything encodeCursor did not make (or made for the other order).
std::optional<Cursor> decodeCursor(QStringView text, Order order);

constexpr int DefaultLimit = 1000;
constexpr int MaxLimit = 10000;
constexpr qsizetype MaxPatternBytes = 1024;
// RE2's memory for one compiled expression (its DFA cache included).
constexpr qint64 RegexMaxMem = 8 * 1024 * 1024;

struct SearchQuery {
    qint64 appId = 0;
    std::optional<qint64> since;           // inclusive, ns
    std::optional<qint64> until;           // inclusive, ns
    QString pattern;                       // empty: every entry
    std::shared_ptr<const re2::RE2> regex; // compiled `pattern`, null when empty
    std::optional<Stream> stream;          // filters lines; events always pass
    int limit = DefaultLimit;
    Order order = Order::Desc;
    std::optional<Cursor> cursor;
    // Bounds of one request whatever it asks: the texts it returns, and the
    // raw (decompressed) bytes it reads before it answers with what it has
    // and a cursor to go on from. 0: no bound on the scan.
    qint64 maxResultBytes = 16 * 1024 * 1024;
    qint64 maxScanBytes = 4LL * 1024 * 1024 * 1024;
};

// Each nullopt-or-value parser returns the exact error text of the API.
Expected<std::optional<qint64>> parseSince(const std::optional<QString> &value);
Expected<std::optional<qint64>> parseUntil(const std::optional<QString> &value);
Expected<int> parseLimit(const std::optional<QString> &value);
Expected<Order> parseOrder(const std::optional<QString> &value);
Expected<std::optional<Stream>> parseStream(const std::optional<QString> &value);
// Compiles with RE2 (linear time; max_mem RegexMaxMem; at most MaxPatternBytes).
Expected<std::shared_ptr<const re2::RE2>> compilePattern(const QString &pattern);
// Whether a line (UTF-8) matches: anywhere in it, as a search does; the
// CLI filters live lines with the same rule.
bool lineMatches(const re2::RE2 &regex, QByteArrayView utf8);
// All of GET /api/apps/{id}/logs's query, in the order the errors are
// checked: since, until (also: before since), q, stream, limit, order,
// cursor. A parameter given twice is invalid.
Expected<SearchQuery> parseSearchQuery(qint64 appId, const QUrlQuery &query);

// RFC 3339 UTC with nine fraction digits: "2025-01-15T10:30:01.123456789Z".
QString formatTimestampNs(qint64 ns);

struct ContainerRef {
    QString id;
    QString name;
};

struct ArchiveEntry {
    Record record;
    ContainerRef container;
    qint64 deploymentId = 0; // the container's (0: none)
    OrderKey key;
};

struct SearchResult {
    std::vector<ArchiveEntry> entries;
    std::optional<QString> next; // a cursor when there may be more
    qint64 scannedBytes = 0;     // raw bytes decoded
    int chunksRead = 0;
    int chunksSkipped = 0; // unreadable chunks (corrupt, or deleted by retention meanwhile)
};

// {"kind":"log","ts","line","stream","container","containerId","deploymentId"[,"truncated":true]}
// or
// {"kind":"event","ts","line","event","container","containerId","deploymentId"[,"exitCode"][,"newDeploymentId"]}.
// deploymentId is null when the container is not from a deployment.
QJsonObject entryJson(const ArchiveEntry &entry);
// The answer's data: {"entries": [...], "next": CURSOR|null}.
QJsonObject searchResultJson(const SearchResult &result);

// --log-retention SIZE: bytes with an optional K, M or G suffix (binary:
// 1K = 1024); 0 turns the archive off; otherwise at least 1 MiB. At most 1 PiB.
std::optional<qint64> parseRetentionSize(QStringView text);
// --log-retention-days N: 0 (no age limit) .. 36500.
std::optional<int> parseRetentionDays(QStringView text);

} // namespace mist::archive
