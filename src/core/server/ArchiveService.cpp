// SPDX-License-Identifier: GPL-3.0-or-later

#include "ArchiveService.h"

#include "Logging.h"

#include <QDir>
#include <QPointer>

namespace mist::server {

ArchiveService::ArchiveService(const QString &dataDir, qint64 retentionBytes, int retentionDays,
                               QObject *parent)
    : QObject(parent) {
    if (retentionBytes == 0) {
        m_off = true;
        qCInfo(lcServer).noquote() << "log archive off (--log-retention 0)";
        return;
    }
    archive::ArchiveOptions options;
    options.directory = QDir(dataDir).filePath(QStringLiteral("archive"));
    options.retentionBytes = retentionBytes;
    options.retentionDays = retentionDays;
    auto opened = archive::LogArchive::open(options);
    if (!opened) {
        // Live logs, deployments and the rest of the server do not need the
        // archive: losing history is better than not serving at all.
        m_unavailableReason = opened.error();
        qCWarning(lcServer).noquote()
            << "log archive unavailable, running without it:" << opened.error();
        return;
    }
    m_archive = std::move(*opened);
    // The archive itself waits for a free search slot; a thread per slot
    // means no search here holds a thread only to wait.
    m_pool.setMaxThreadCount(m_archive->options().maxConcurrentSearches);
}

ArchiveService::~ArchiveService() {
    m_pool.waitForDone();
    m_archive.reset();
}

ArchiveService::State ArchiveService::state() const {
    if (m_archive)
        return State::Open;
    return m_off ? State::Off : State::Unavailable;
}

void ArchiveService::search(archive::SearchQuery query,
                            std::function<void(Expected<archive::SearchResult>)> done) {
    using R = Expected<archive::SearchResult>;
    if (!m_archive) {
        done(fail(QStringLiteral("Log archive unavailable")));
        return;
    }
    if (m_inFlight >= MaxQueuedSearches) {
        done(fail(QStringLiteral("Archive busy")));
        return;
    }
    ++m_inFlight;
    const archive::LogArchive *archive = m_archive.get();
    QPointer<ArchiveService> self(this);
    m_pool.start([self, archive, query = std::move(query), done = std::move(done)]() mutable {
        auto result = std::make_shared<R>(archive->search(query));
        // The destructor waits for this thread, so `self` can only be gone
        // by the time the queued call runs: then it is dropped with it.
        QMetaObject::invokeMethod(
            self.data(),
            [self, result, done = std::move(done)] {
                --self->m_inFlight;
                done(std::move(*result));
            },
            Qt::QueuedConnection);
    });
}

} // namespace mist::server
