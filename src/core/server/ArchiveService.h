// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "archive/LogArchive.h"

#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace mist::server {

// The server's log archive (docs/ARCHIVE.md) and the threads its searches run
// on. LogArchive::search blocks for the time of a scan, so searches run here,
// off the event loop, and their answers come back on the owner's thread.
// Searches running and waiting are bounded in total; past the bound a search
// fails "Archive busy" at once instead of queueing without end.
class ArchiveService : public QObject {
    Q_OBJECT
public:
    enum class State { Off, Unavailable, Open };
    // Opens <dataDir>/archive unless retentionBytes is 0. A directory that
    // cannot be used does not stop the server: the service is Unavailable,
    // with the reason logged and in unavailableReason().
    ArchiveService(const QString &dataDir, qint64 retentionBytes, int retentionDays,
                   QObject *parent = nullptr);
    // Waits for running searches (their answers are dropped), then writes
    // what was appended and closes the archive.
    ~ArchiveService() override;

    State state() const;
    QString unavailableReason() const { return m_unavailableReason; }
    archive::LogArchive *archive() { return m_archive.get(); }

    // Runs the query on a worker thread; `done` is called once on the owner's
    // thread, unless the service is destroyed first. Needs state() Open.
    void search(archive::SearchQuery query,
                std::function<void(Expected<archive::SearchResult>)> done);

    // Searches running or waiting for a thread, at most.
    static constexpr int MaxQueuedSearches = 32;
    int searchesInFlight() const { return m_inFlight; }

private:
    std::unique_ptr<archive::LogArchive> m_archive;
    QString m_unavailableReason;
    bool m_off = false;
    QThreadPool m_pool;
    int m_inFlight = 0;
};

} // namespace mist::server
