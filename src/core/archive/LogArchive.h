// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The log archive: every app's lines and lifecycle events, kept on disk in
// append-only segment files of zstd-compressed chunks (ArchiveFormat.h), one
// chunk per app and container at a time. Thread-safe: append() and flush()
// from the server's thread, search() from any thread (it blocks for the time
// of the scan: call it off the event loop), all at once.
//
// Guarantees and limits: docs/ARCHIVE.md. In short: a record is written (to
// the page cache: it survives a kill -9 of the server, not necessarily a
// power loss) within flushIntervalMs of its append(); a torn or corrupt tail
// is cut at open(), never fatal; the files never take more than the budget
// plus one chunk; a search decodes one chunk per worker at a time.

#include "ArchiveQuery.h"

#include <functional>
#include <memory>

namespace mist::archive {

struct ArchiveOptions {
    QString directory;                 // <data-dir>/archive; created when missing
    qint64 retentionBytes = 1LL << 30; // --log-retention (the caller does not open at 0)
    int retentionDays = 30;            // --log-retention-days; 0: no age limit
    // A chunk is sealed when its raw records reach chunkRawBytes, or when its
    // oldest record has waited flushIntervalMs.
    qint64 chunkRawBytes = 256 * 1024;
    int flushIntervalMs = 900;
    // Records waiting for the writer, in total; beyond it append() drops
    // (counted in stats().droppedRecords) rather than stall its caller.
    qint64 maxPendingBytes = 64 * 1024 * 1024;
    int compressionLevel = 1; // zstd; 1 measured both faster and smaller than 3 on log lines
    // Segment files roll at this size; 0: retentionBytes / 16, within
    // [64 KiB, 64 MiB], so that deleting whole segments keeps most of the budget.
    qint64 segmentBytes = 0;
    int searchThreads = 0;         // 0: the machine's cores, at most 8
    int maxConcurrentSearches = 4; // more wait up to searchWaitMs, then fail "Archive busy"
    int searchWaitMs = 10000;
    // Wall-clock now in ns since the epoch, for the age limit (tests inject one).
    std::function<qint64()> clockNs;
};

struct ArchiveStats {
    qint64 diskBytes = 0; // segment files
    int segments = 0;
    qint64 chunks = 0;
    qint64 pendingBytes = 0; // appended, not yet written (estimate)
    qint64 appendedRecords = 0;
    qint64 writtenRecords = 0;
    qint64 droppedRecords = 0; // refused by append() (queue full) or lost to a write error
    qint64 writtenChunks = 0;
    qint64 rawBytesWritten = 0;
    qint64 storedBytesWritten = 0; // chunk bytes written (headers included)
    qint64 encodeNs = 0;           // writer thread's CPU time encoding and compressing
    qint64 writeErrors = 0;
    qint64 deletedSegments = 0;
    // Found by open():
    qint64 recoveredChunks = 0;
    qint64 truncatedBytes = 0;      // torn tails cut
    qint64 skippedCorruptBytes = 0; // unreadable stretches in the middle of a segment
};

class LogArchive {
public:
    // Scans the segment headers, cuts torn tails, applies retention and
    // starts the writer. Fails only when the directory cannot be used.
    static Expected<std::unique_ptr<LogArchive>> open(ArchiveOptions options);
    // Writes everything appended so far, then stops the writer.
    ~LogArchive();
    LogArchive(const LogArchive &) = delete;
    LogArchive &operator=(const LogArchive &) = delete;

    // Queues one record of `appId`'s container (deploymentId 0: none). Never
    // blocks on I/O; false when refused (appId < 1, closing, or the pending
    // bound is reached: then the record is counted as dropped).
    bool append(qint64 appId, const ContainerRef &container, qint64 deploymentId, Record record);
    // Seals every buffer and returns when all records appended before the
    // call are written (e.g. before a deployment removes a container).
    void flush();
    // Largest ts of a log line archived (or queued) for this container: a
    // restart catches up with the engine's `since` = this + 1 ns.
    std::optional<qint64> newestLineTs(qint64 appId, const QString &containerId) const;
    // Largest ts of any record (line or event) of this container.
    std::optional<qint64> newestTs(qint64 appId, const QString &containerId) const;
    // One page of entries. Errors: "Archive busy" (too many searches at once).
    Expected<SearchResult> search(const SearchQuery &query) const;

    ArchiveStats stats() const;
    qint64 segmentBytes() const;
    const ArchiveOptions &options() const;

private:
    struct Private;
    explicit LogArchive(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace mist::archive
