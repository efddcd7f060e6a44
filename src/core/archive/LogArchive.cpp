// SPDX-License-Identifier: GPL-3.0-or-later

#include "LogArchive.h"

#include "ArchiveLogging.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFuture>
#include <QRegularExpression>
#include <QSemaphore>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <re2/re2.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <sys/stat.h>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <unordered_map>

namespace mist::archive {

namespace {

using Clock = std::chrono::steady_clock;

struct Segment {
    quint64 seq = 0;
    QString path;
    int fd = -1;      // read and write; stays open while a search holds the segment
    qint64 bytes = 0; // published size (whole chunks only)
    qint64 newestTs = NoLineTs;
    qint64 chunks = 0;
    ~Segment() {
        if (fd >= 0)
            ::close(fd);
    }
};

struct ChunkRef {
    std::shared_ptr<Segment> segment;
    qint64 offset = 0;
    ChunkHeader header;
};

struct Buffer {
    ChunkMeta meta; // chunkSeq assigned when sealed
    std::vector<Record> records;
    qint64 estimate = 0;    // memory
    qint64 rawEstimate = 0; // the chunk's raw payload
    qint64 newestLineTs = NoLineTs;
    qint64 newestTs = NoLineTs; // lines and events
    Clock::time_point oldest;
};

struct Sealed {
    ChunkMeta meta;
    std::vector<Record> records;
    qint64 estimate = 0;
    qint64 newestLineTs = NoLineTs;
    qint64 newestTs = NoLineTs;
};

QString segmentName(quint64 seq) {
    return QStringLiteral("segment-%1.mla").arg(seq, 16, 10, QLatin1Char('0'));
}

// CPU time of the calling thread: what encoding costs, whatever else the
// machine is doing meanwhile.
qint64 threadCpuNs() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

qint64 systemNowNs() {
    return QDateTime::currentMSecsSinceEpoch() * 1000000LL;
}

bool preadAll(int fd, char *out, qint64 size, qint64 offset) {
    while (size > 0) {
        const ssize_t n = ::pread(fd, out, size_t(size), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        out += n;
        size -= n;
        offset += n;
    }
    return true;
}

bool pwriteAll(int fd, const char *data, qint64 size, qint64 offset) {
    while (size > 0) {
        const ssize_t n = ::pwrite(fd, data, size_t(size), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= n;
        offset += n;
    }
    return true;
}

Expected<ChunkHeader> readHeader(int fd, qint64 offset, qint64 fileSize) {
    const qint64 n = std::min<qint64>(MaxHeaderBytes, fileSize - offset);
    QByteArray bytes(n, Qt::Uninitialized);
    if (n <= 0 || !preadAll(fd, bytes.data(), n, offset))
        return fail(QStringLiteral("short header"));
    return parseChunkHeader(bytes);
}

bool payloadIntact(int fd, qint64 offset, const ChunkHeader &h) {
    QByteArray stored(h.storedBytes, Qt::Uninitialized);
    return preadAll(fd, stored.data(), stored.size(), offset + h.headerBytes) &&
           crc32Of(stored) == h.payloadCrc;
}

// The next offset after `from` where a whole chunk with a good header
// starts; -1 when none does.
qint64 resync(int fd, qint64 from, qint64 fileSize) {
    constexpr qint64 Block = 1024 * 1024;
    QByteArray block;
    for (qint64 base = from; base < fileSize; base += Block) {
        const qint64 n = std::min<qint64>(Block + 3, fileSize - base);
        block.resize(n);
        if (!preadAll(fd, block.data(), n, base))
            return -1;
        qsizetype at = 0;
        while ((at = block.indexOf("MLAC", at)) >= 0 && at < Block) {
            const auto h = readHeader(fd, base + at, fileSize);
            if (h && base + at + h->totalBytes() <= fileSize)
                return base + at;
            ++at;
        }
    }
    return -1;
}

ZSTD_DCtx *threadDecompressor() {
    thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx *)> ctx(ZSTD_createDCtx(),
                                                                         ZSTD_freeDCtx);
    return ctx.get();
}

// What a search asks of every chunk, shared by the scanning tasks.
struct ScanFilter {
    std::optional<qint64> since, until;
    std::optional<Stream> stream;
    std::shared_ptr<const re2::RE2> regex; // one record's text
    std::unique_ptr<re2::RE2> block;       // the same, multi-line, over a chunk's texts
    std::optional<Cursor> cursor;
    std::atomic_bool cancelled{false};
};

struct Scanned {
    bool ok = false;
    QString error;
    ChunkRef ref;
    DecodedChunk chunk;
    std::vector<quint32> matches; // record indices in ascending key order
    OrderKey keyOf(quint32 i) const {
        return OrderKey{chunk.records[i].ts, ref.header.meta.chunkSeq, qint64(i)};
    }
};

std::shared_ptr<Scanned> scanChunk(const ChunkRef &ref, const std::shared_ptr<ScanFilter> &f) {
    auto s = std::make_shared<Scanned>();
    s->ref = ref;
    if (f->cancelled.load(std::memory_order_relaxed))
        return s;
    const ChunkHeader &h = ref.header;
    QByteArray stored(h.storedBytes, Qt::Uninitialized);
    if (!preadAll(ref.segment->fd, stored.data(), stored.size(), ref.offset + h.headerBytes)) {
        s->error = QStringLiteral("short read");
        return s;
    }
    auto decoded = decodeChunkPayload(h, stored, threadDecompressor());
    if (!decoded) {
        s->error = decoded.error();
        return s;
    }
    s->chunk = std::move(*decoded);
    s->ok = true;
    const auto &records = s->chunk.records;
    std::vector<quint32> candidates;
    candidates.reserve(records.size());
    for (quint32 i = 0; i < records.size(); ++i) {
        const RecordView &r = records[i];
        if ((f->since && r.ts < *f->since) || (f->until && r.ts > *f->until))
            continue;
        if (f->stream && !r.isEvent() && r.stream() != *f->stream)
            continue;
        if (f->cursor) {
            const OrderKey k{r.ts, h.meta.chunkSeq, qint64(i)};
            if (f->cursor->order == Order::Desc ? !(k < f->cursor->after) : !(k > f->cursor->after))
                continue;
        }
        candidates.push_back(i);
    }
    if (!f->regex || candidates.empty()) {
        s->matches = std::move(candidates);
    } else {
        // One multi-line run over the block of texts finds the next record
        // that may match; the record alone is then checked with the
        // expression as given, so a match can never span two lines.
        // The block starts at the first text, so that ^ matches there too
        // (every later text follows a newline).
        const QByteArray &raw = s->chunk.raw;
        const quint32 base = s->chunk.textBegin;
        const re2::StringPiece block(raw.constData() + base, size_t(raw.size() - base));
        std::vector<bool> wanted(records.size(), false);
        for (quint32 i : candidates)
            wanted[i] = true;
        size_t pos = records[candidates.front()].textOffset - base;
        const RecordView &lastRecord = records[candidates.back()];
        const size_t end = size_t(lastRecord.textOffset - base) + lastRecord.textBytes;
        while (pos <= end) {
            re2::StringPiece m;
            if (!f->block->Match(block, pos, end, re2::RE2::UNANCHORED, &m, 1))
                break;
            const quint32 at = quint32(m.data() - raw.constData());
            const auto it =
                std::upper_bound(records.begin(), records.end(), at,
                                 [](quint32 v, const RecordView &r) { return v < r.textOffset; });
            const quint32 i = quint32((it - records.begin()) - 1);
            const QByteArrayView text = s->chunk.text(records[i]);
            if (wanted[i] && lineMatches(*f->regex, text))
                s->matches.push_back(i);
            pos = size_t(records[i].textOffset - base) + records[i].textBytes + 1;
        }
    }
    // Records keep their append order; lines of stdout and stderr (and
    // events) can be slightly out of time order among themselves.
    std::stable_sort(s->matches.begin(), s->matches.end(),
                     [&](quint32 a, quint32 b) { return records[a].ts < records[b].ts; });
    return s;
}

} // namespace

struct LogArchive::Private {
    ArchiveOptions opt;
    qint64 segmentTarget = 0;

    mutable std::mutex m;
    std::condition_variable wake;    // the writer
    std::condition_variable written; // flush() callers
    std::map<std::pair<qint64, QString>, Buffer> buffers;
    std::deque<Sealed> sealed;
    std::vector<Sealed> inFlight;
    qint64 bufferedBytes = 0; // estimate of the records in `buffers`
    quint64 sealCount = 0;
    quint64 writtenCount = 0;
    quint64 nextChunkSeq = 1;
    quint64 nextSegmentSeq = 1;
    bool stopping = false;
    std::map<quint64, std::shared_ptr<Segment>> segments;
    std::shared_ptr<Segment> current; // being appended to (writer thread)
    std::unordered_map<qint64, std::vector<ChunkRef>> index;
    ArchiveStats st;
    qint64 lastDropWarningMs = 0;

    std::thread writer;
    mutable QThreadPool pool;
    mutable QSemaphore searchSlots;

    qint64 nowNs() const { return opt.clockNs ? opt.clockNs() : systemNowNs(); }

    // --- open ------------------------------------------------------------
    void recover(const QString &path, quint64 seq);
    // --- writer ----------------------------------------------------------
    void sealLocked(std::map<std::pair<qint64, QString>, Buffer>::iterator it);
    void run();
    // What the writer did without the lock, published under it.
    struct WrittenChunk {
        std::shared_ptr<Segment> segment;
        qint64 offset = -1; // -1: not written
        ChunkHeader header;
        qint64 records = 0;
        qint64 estimate = 0;
    };
    struct WriteBatch {
        std::vector<WrittenChunk> chunks;
        std::vector<std::shared_ptr<Segment>> created;
        std::shared_ptr<Segment> current;
        qint64 encodeNs = 0;
        qint64 writeErrors = 0;
        int writeErrno = 0;
    };
    Clock::time_point sealDueLocked(Clock::time_point now, Clock::time_point latest);
    WriteBatch writeInFlight(std::shared_ptr<Segment> seg, ZSTD_CCtx *cctx);
    void publishLocked(WriteBatch &batch);
    std::vector<ChunkRef> candidatesFor(const SearchQuery &q) const;
    std::shared_ptr<Segment> newSegment();
    // --- retention -------------------------------------------------------
    void retentionLocked();
    std::optional<qint64> newest(qint64 appId, const QString &containerId, bool linesOnly) const;
    void deleteSegmentLocked(const std::shared_ptr<Segment> &seg, const char *why);
};

LogArchive::LogArchive(std::unique_ptr<Private> p)
    : d(std::move(p)) {}

void LogArchive::Private::recover(const QString &path, quint64 seq) {
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        qCWarning(lcArchive) << "cannot open" << path << ::strerror(errno) << "- left alone";
        return;
    }
    auto seg = std::make_shared<Segment>();
    seg->seq = seq;
    seg->path = path;
    seg->fd = fd;
    struct stat info {};
    ::fstat(fd, &info);
    const qint64 size = info.st_size;
    std::vector<std::pair<qint64, ChunkHeader>> chunks;
    qint64 offset = 0;
    while (offset < size) {
        const auto h = readHeader(fd, offset, size);
        if (h && offset + h->totalBytes() <= size) {
            chunks.emplace_back(offset, *h);
            offset += h->totalBytes();
            continue;
        }
        const qint64 next = resync(fd, offset + 1, size);
        if (next < 0) {
            qCWarning(lcArchive).nospace()
                << "cut a torn tail of " << (size - offset) << " bytes at " << offset << " of "
                << path << " (" << (h ? QStringLiteral("chunk longer than the file") : h.error())
                << ")";
            st.truncatedBytes += size - offset;
            break;
        }
        qCWarning(lcArchive).nospace() << "skipped " << (next - offset) << " unreadable bytes at "
                                       << offset << " of " << path << " (" << h.error() << ")";
        st.skippedCorruptBytes += next - offset;
        offset = next;
    }
    // The last chunk may have been written only in part (its header fits the
    // file's size but its bytes do not all hold what was written).
    while (!chunks.empty() && !payloadIntact(fd, chunks.back().first, chunks.back().second)) {
        qCWarning(lcArchive).nospace()
            << "cut a torn last chunk at " << chunks.back().first << " of " << path;
        offset = chunks.back().first;
        st.truncatedBytes += chunks.back().second.totalBytes();
        chunks.pop_back();
    }
    if (offset < size && ::ftruncate(fd, off_t(offset)) != 0)
        qCWarning(lcArchive) << "cannot truncate" << path << ::strerror(errno);
    if (chunks.empty()) {
        ::unlink(native.constData());
        return;
    }
    seg->bytes = offset;
    // Container strings are shared by all chunks of a container.
    QHash<QString, QString> interned;
    auto intern = [&](QString &s) {
        auto it = interned.constFind(s);
        if (it != interned.constEnd())
            s = *it;
        else
            interned.insert(s, s);
    };
    for (auto &[at, h] : chunks) {
        intern(h.meta.containerId);
        intern(h.meta.containerName);
        seg->newestTs = std::max(seg->newestTs, h.lastTs);
        ++seg->chunks;
        nextChunkSeq = std::max(nextChunkSeq, h.meta.chunkSeq + 1);
        index[h.meta.appId].push_back(ChunkRef{seg, at, h});
        ++st.recoveredChunks;
    }
    segments.emplace(seq, seg);
}

Expected<std::unique_ptr<LogArchive>> LogArchive::open(ArchiveOptions options) {
    using R = Expected<std::unique_ptr<LogArchive>>;
    if (options.directory.isEmpty())
        return fail(QStringLiteral("no archive directory"));
    if (options.retentionBytes < 1)
        return fail(QStringLiteral("the archive needs a retention size above 0"));
    options.chunkRawBytes = std::clamp<qint64>(options.chunkRawBytes, 1024, 4 * 1024 * 1024);
    options.flushIntervalMs = std::max(1, options.flushIntervalMs);
    options.compressionLevel = std::clamp(options.compressionLevel, 1, 19);
    if (!QDir().mkpath(options.directory))
        return fail(QStringLiteral("cannot create %1").arg(options.directory));
    if (::access(QFile::encodeName(options.directory).constData(), W_OK | X_OK) != 0)
        return fail(QStringLiteral("cannot write to %1").arg(options.directory));

    auto p = std::make_unique<Private>();
    p->opt = options;
    p->segmentTarget = options.segmentBytes > 0 ? options.segmentBytes
                                                : std::clamp<qint64>(options.retentionBytes / 16,
                                                                     64 * 1024, 64 * 1024 * 1024);
    const int threads = options.searchThreads > 0 ? options.searchThreads
                                                  : std::clamp(QThread::idealThreadCount(), 1, 8);
    p->pool.setMaxThreadCount(threads);
    p->searchSlots.release(std::max(1, options.maxConcurrentSearches));

    static const QRegularExpression name(QStringLiteral("^segment-(\\d{16})\\.mla$"));
    const QStringList files =
        QDir(options.directory)
            .entryList({QStringLiteral("segment-*.mla")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const auto match = name.match(file);
        if (!match.hasMatch())
            continue;
        const quint64 seq = match.captured(1).toULongLong();
        p->nextSegmentSeq = std::max(p->nextSegmentSeq, seq + 1);
        p->recover(QDir(options.directory).filePath(file), seq);
    }
    {
        std::lock_guard lock(p->m);
        p->retentionLocked();
    }
    Private *raw = p.get();
    p->writer = std::thread([raw] { raw->run(); });
    return R(std::unique_ptr<LogArchive>(new LogArchive(std::move(p))));
}

LogArchive::~LogArchive() {
    {
        std::lock_guard lock(d->m);
        d->stopping = true;
        while (!d->buffers.empty())
            d->sealLocked(d->buffers.begin());
    }
    d->wake.notify_one();
    d->writer.join();
    d->pool.waitForDone();
}

void LogArchive::Private::sealLocked(std::map<std::pair<qint64, QString>, Buffer>::iterator it) {
    Buffer &b = it->second;
    bufferedBytes -= b.estimate;
    Sealed s{b.meta, std::move(b.records), b.estimate, b.newestLineTs, b.newestTs};
    s.meta.chunkSeq = nextChunkSeq++;
    sealed.push_back(std::move(s));
    ++sealCount;
    buffers.erase(it);
}

bool LogArchive::append(qint64 appId, const ContainerRef &container, qint64 deploymentId,
                        Record record) {
    if (appId < 1 || deploymentId < 0)
        return false;
    // What the record costs in memory (UTF-16 text), and roughly in the
    // chunk's raw payload (UTF-8, mostly ASCII, and a few bytes of metadata).
    const qint64 estimate = 32 + qint64(record.text.size()) * 2;
    const qint64 rawEstimate = 6 + qint64(record.text.size());
    bool notify = false;
    {
        std::lock_guard lock(d->m);
        if (d->stopping)
            return false;
        if (d->st.pendingBytes + estimate > d->opt.maxPendingBytes) {
            ++d->st.droppedRecords;
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (now - d->lastDropWarningMs > 10000) {
                d->lastDropWarningMs = now;
                qCWarning(lcArchive)
                    << "writer behind by" << d->st.pendingBytes << "bytes: dropping records ("
                    << d->st.droppedRecords << "so far)";
            }
            return false;
        }
        const auto key = std::make_pair(appId, container.id);
        auto it = d->buffers.find(key);
        if (it != d->buffers.end() && (it->second.meta.containerName != container.name ||
                                       it->second.meta.deploymentId != deploymentId)) {
            d->sealLocked(it);
            it = d->buffers.end();
            notify = true;
        }
        if (it == d->buffers.end()) {
            Buffer b;
            b.meta.appId = appId;
            b.meta.containerId = container.id;
            b.meta.containerName = container.name;
            b.meta.deploymentId = deploymentId;
            b.oldest = Clock::now();
            it = d->buffers.emplace(key, std::move(b)).first;
            notify = true; // the writer learns the new deadline
        }
        Buffer &b = it->second;
        if (!record.isEvent)
            b.newestLineTs = std::max(b.newestLineTs, record.ts);
        b.newestTs = std::max(b.newestTs, record.ts);
        b.records.push_back(std::move(record));
        b.estimate += estimate;
        b.rawEstimate += rawEstimate;
        d->st.pendingBytes += estimate;
        ++d->st.appendedRecords;
        d->bufferedBytes += estimate;
        // Buffers holding half the bound: seal now rather than wait for the
        // timer, so that many containers at once cannot fill the queue by
        // waiting (sealed chunks do not count: a slow writer is not made to
        // seal ever smaller chunks).
        if (b.rawEstimate >= d->opt.chunkRawBytes ||
            d->bufferedBytes > d->opt.maxPendingBytes / 2) {
            d->sealLocked(it);
            notify = true;
        }
    }
    if (notify)
        d->wake.notify_one();
    return true;
}

void LogArchive::flush() {
    std::unique_lock lock(d->m);
    while (!d->buffers.empty())
        d->sealLocked(d->buffers.begin());
    const quint64 target = d->sealCount;
    d->wake.notify_one();
    d->written.wait(lock, [&] { return d->writtenCount >= target; });
}

std::shared_ptr<Segment> LogArchive::Private::newSegment() {
    auto seg = std::make_shared<Segment>();
    seg->seq = nextSegmentSeq++;
    seg->path = QDir(opt.directory).filePath(segmentName(seg->seq));
    seg->fd = ::open(QFile::encodeName(seg->path).constData(),
                     O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (seg->fd < 0) {
        qCWarning(lcArchive) << "cannot create" << seg->path << ::strerror(errno);
        return nullptr;
    }
    return seg;
}

// The writer thread: seals buffers when due, writes one sealed chunk at a
// time without the lock, publishes it to the index and applies retention.
void LogArchive::Private::run() {
    std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx *)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
    auto nextRetention = Clock::now() + std::chrono::seconds(10);
    std::unique_lock lock(m);
    for (;;) {
        const auto now = Clock::now();
        const auto deadline = sealDueLocked(now, nextRetention);
        if (sealed.empty()) {
            if (now >= nextRetention) {
                retentionLocked();
                nextRetention = now + std::chrono::seconds(10);
                continue;
            }
            if (stopping)
                break;
            wake.wait_until(lock, deadline);
            continue;
        }
        // One chunk at a time, retention after each: the files never hold
        // more than the budget plus the chunk just written.
        inFlight.clear();
        inFlight.push_back(std::move(sealed.front()));
        sealed.pop_front();
        std::shared_ptr<Segment> seg = current;
        lock.unlock();
        // Encode and write without the lock: append() never waits for the
        // compressor or the disk.
        WriteBatch batch = writeInFlight(std::move(seg), cctx.get());
        lock.lock();
        publishLocked(batch);
        writtenCount += inFlight.size();
        inFlight.clear();
        retentionLocked();
        written.notify_all();
    }
}

// Seals every buffer whose oldest record has waited the flush interval and
// returns when the next one will be due (at the latest, `latest`).
Clock::time_point LogArchive::Private::sealDueLocked(Clock::time_point now,
                                                     Clock::time_point latest) {
    const auto interval = std::chrono::milliseconds(opt.flushIntervalMs);
    auto deadline = latest;
    for (auto it = buffers.begin(); it != buffers.end();) {
        const auto due = it->second.oldest + interval;
        if (due <= now) {
            auto next = std::next(it);
            sealLocked(it);
            it = next;
        } else {
            deadline = std::min(deadline, due);
            ++it;
        }
    }
    return deadline;
}

// Runs without the lock: touches only inFlight (which append() leaves
// alone) and segments not yet published.
LogArchive::Private::WriteBatch LogArchive::Private::writeInFlight(std::shared_ptr<Segment> seg,
                                                                   ZSTD_CCtx *cctx) {
    WriteBatch batch;
    qint64 segBytes = seg ? seg->bytes : 0;
    for (const Sealed &s : inFlight) {
        WrittenChunk out;
        out.records = qint64(s.records.size());
        out.estimate = s.estimate;
        const qint64 cpu0 = threadCpuNs();
        const QByteArray bytes = encodeChunk(s.meta, s.records, opt.compressionLevel, cctx);
        batch.encodeNs += threadCpuNs() - cpu0;
        if (!seg || segBytes >= segmentTarget) {
            seg = newSegment();
            segBytes = 0;
            if (seg)
                batch.created.push_back(seg);
        }
        const auto header = parseChunkHeader(bytes);
        if (seg && header && pwriteAll(seg->fd, bytes.constData(), bytes.size(), segBytes)) {
            out.segment = seg;
            out.offset = segBytes;
            out.header = *header;
            segBytes += bytes.size();
        } else {
            // Nothing torn is left behind: the next chunk goes where this one failed.
            if (seg && ::ftruncate(seg->fd, off_t(segBytes)) != 0)
                seg.reset();
            ++batch.writeErrors;
            batch.writeErrno = errno;
        }
        batch.chunks.push_back(std::move(out));
    }
    batch.current = std::move(seg);
    return batch;
}

// Makes the written chunks searchable and counts them.
void LogArchive::Private::publishLocked(WriteBatch &batch) {
    for (auto &s : batch.created)
        segments.emplace(s->seq, s);
    current = batch.current;
    for (WrittenChunk &dn : batch.chunks) {
        st.pendingBytes -= dn.estimate;
        if (dn.offset < 0) {
            st.droppedRecords += dn.records;
            continue;
        }
        // A segment deleted by retention meanwhile is not published again.
        if (!segments.count(dn.segment->seq))
            continue;
        dn.segment->bytes = std::max(dn.segment->bytes, dn.offset + dn.header.totalBytes());
        dn.segment->newestTs = std::max(dn.segment->newestTs, dn.header.lastTs);
        ++dn.segment->chunks;
        st.writtenRecords += dn.records;
        ++st.writtenChunks;
        st.rawBytesWritten += dn.header.rawBytes;
        st.storedBytesWritten += dn.header.totalBytes();
        index[dn.header.meta.appId].push_back(ChunkRef{dn.segment, dn.offset, dn.header});
    }
    st.encodeNs += batch.encodeNs;
    if (batch.writeErrors) {
        st.writeErrors += batch.writeErrors;
        qCWarning(lcArchive) << batch.writeErrors << "chunk(s) could not be written to"
                             << opt.directory << "(" << ::strerror(batch.writeErrno)
                             << "): records lost";
    }
}

void LogArchive::Private::deleteSegmentLocked(const std::shared_ptr<Segment> &seg,
                                              const char *why) {
    qCDebug(lcArchive) << "retention (" << why << ") deletes" << seg->path << seg->bytes << "bytes";
    ::unlink(QFile::encodeName(seg->path).constData());
    for (auto it = index.begin(); it != index.end();) {
        auto &refs = it->second;
        refs.erase(std::remove_if(refs.begin(), refs.end(),
                                  [&](const ChunkRef &r) { return r.segment == seg; }),
                   refs.end());
        it = refs.empty() ? index.erase(it) : std::next(it);
    }
    if (current == seg)
        current.reset();
    segments.erase(seg->seq);
    ++st.deletedSegments;
}

void LogArchive::Private::retentionLocked() {
    if (opt.retentionDays > 0) {
        const qint64 cutoff = nowNs() - qint64(opt.retentionDays) * 86400LL * 1000000000LL;
        std::vector<std::shared_ptr<Segment>> old;
        for (const auto &[seq, seg] : segments)
            if (seg->chunks > 0 && seg->newestTs < cutoff)
                old.push_back(seg);
        for (const auto &seg : old)
            deleteSegmentLocked(seg, "age");
    }
    qint64 total = 0;
    for (const auto &[seq, seg] : segments)
        total += seg->bytes;
    while (total > opt.retentionBytes && !segments.empty()) {
        const auto seg = segments.begin()->second;
        total -= seg->bytes;
        deleteSegmentLocked(seg, "size");
    }
}

std::optional<qint64> LogArchive::Private::newest(qint64 appId, const QString &containerId,
                                                  bool linesOnly) const {
    std::lock_guard lock(m);
    qint64 newest = NoLineTs;
    const auto consider = [&](qint64 lineTs, qint64 anyTs) {
        newest = std::max(newest, linesOnly ? lineTs : anyTs);
    };
    const auto it = index.find(appId);
    if (it != index.end())
        for (const ChunkRef &r : it->second)
            if (r.header.meta.containerId == containerId)
                consider(r.header.newestLineTs, r.header.lastTs);
    const auto b = buffers.find(std::make_pair(appId, containerId));
    if (b != buffers.end())
        consider(b->second.newestLineTs, b->second.newestTs);
    for (const auto *list : {&sealed})
        for (const Sealed &s : *list)
            if (s.meta.appId == appId && s.meta.containerId == containerId)
                consider(s.newestLineTs, s.newestTs);
    for (const Sealed &s : inFlight)
        if (s.meta.appId == appId && s.meta.containerId == containerId)
            consider(s.newestLineTs, s.newestTs);
    if (newest == NoLineTs)
        return std::nullopt;
    return newest;
}

std::optional<qint64> LogArchive::newestLineTs(qint64 appId, const QString &containerId) const {
    return d->newest(appId, containerId, true);
}

std::optional<qint64> LogArchive::newestTs(qint64 appId, const QString &containerId) const {
    return d->newest(appId, containerId, false);
}

ArchiveStats LogArchive::stats() const {
    std::lock_guard lock(d->m);
    ArchiveStats s = d->st;
    s.segments = int(d->segments.size());
    s.diskBytes = 0;
    s.chunks = 0;
    for (const auto &[seq, seg] : d->segments) {
        s.diskBytes += seg->bytes;
        s.chunks += seg->chunks;
    }
    return s;
}

qint64 LogArchive::segmentBytes() const {
    return d->segmentTarget;
}

const ArchiveOptions &LogArchive::options() const {
    return d->opt;
}

namespace {

// The per-chunk scan's filter; the regex is also compiled as a multi-line
// block pattern so that a chunk without a match is skipped whole.
Expected<std::shared_ptr<ScanFilter>> makeFilter(const SearchQuery &q) {
    using R = Expected<std::shared_ptr<ScanFilter>>;
    auto filter = std::make_shared<ScanFilter>();
    filter->since = q.since;
    filter->until = q.until;
    filter->stream = q.stream;
    filter->cursor = q.cursor;
    if (q.cursor && q.cursor->order != q.order)
        return fail(QStringLiteral("Invalid cursor"));
    if (q.regex) {
        filter->regex = q.regex;
        re2::RE2::Options options = q.regex->options();
        const std::string blockPattern = "(?m)(?:" + q.regex->pattern() + ")";
        filter->block = std::make_unique<re2::RE2>(blockPattern, options);
        if (!filter->block->ok())
            return fail(QStringLiteral("Invalid q"));
    }
    return R(std::move(filter));
}

// Merges the chunks' matches into one ordered page. Chunks are scanned ahead
// on the pool and merged here in order: an entry is given out once no chunk
// still unopened can hold one beyond it.
class SearchMerge {
public:
    SearchMerge(const SearchQuery &q, std::vector<ChunkRef> candidates,
                std::shared_ptr<ScanFilter> filter, QThreadPool &pool)
        : m_q(q)
        , m_desc(q.order == Order::Desc)
        , m_limit(std::clamp(q.limit, 1, MaxLimit))
        , m_candidates(std::move(candidates))
        , m_filter(std::move(filter))
        , m_pool(pool)
        , m_depth(size_t(std::max(2, pool.maxThreadCount() * 2)))
        , m_open([desc = m_desc](const Open &a, const Open &b) {
            // priority_queue keeps the largest on top: the next entry to give out.
            return desc ? a.key() < b.key() : b.key() < a.key();
        }) {}

    ~SearchMerge() {
        m_filter->cancelled = true;
        for (auto &f : m_window)
            f.waitForFinished();
    }

    SearchResult run() {
        launch();
        while (openDueChunks() && !m_open.empty() && giveOutOne()) {
        }
        return std::move(m_result);
    }

private:
    struct Open {
        std::shared_ptr<Scanned> s;
        size_t pos; // next match to give out (desc: counts down)
        OrderKey key() const { return s->keyOf(s->matches[pos]); }
    };
    using Before = std::function<bool(const Open &, const Open &)>;

    void launch() {
        while (m_launched < m_candidates.size() && m_window.size() < m_depth) {
            const ChunkRef ref = m_candidates[m_launched++];
            m_window.push_back(QtConcurrent::run(
                &m_pool, [ref, filter = m_filter] { return scanChunk(ref, filter); }));
        }
    }

    // Opens every chunk that may hold an entry before the next one to give
    // out. False when the scan budget ran out (the page ends with a cursor).
    bool openDueChunks() {
        while (m_opened < m_candidates.size() &&
               (m_open.empty() ||
                (m_desc ? m_candidates[m_opened].header.lastTs >= m_open.top().key().ts
                        : m_candidates[m_opened].header.firstTs <= m_open.top().key().ts))) {
            if (m_q.maxScanBytes > 0 && m_result.scannedBytes >= m_q.maxScanBytes) {
                // Answer with what is certain so far: every entry beyond
                // this chunk's bound has been given out.
                const ChunkHeader &h = m_candidates[m_opened].header;
                Cursor c{m_q.order, m_desc ? OrderKey{h.lastTs, ~quint64(0),
                                                      std::numeric_limits<qint64>::max()}
                                           : OrderKey{h.firstTs, 0, -1}};
                m_result.next = encodeCursor(c);
                return false;
            }
            std::shared_ptr<Scanned> s = m_window.front().result();
            m_window.pop_front();
            ++m_opened;
            launch();
            if (!s->ok) {
                ++m_result.chunksSkipped;
                qCWarning(lcArchive).nospace()
                    << "skipped an unreadable chunk at " << s->ref.offset << " of "
                    << s->ref.segment->path << " (" << s->error << ")";
                continue;
            }
            ++m_result.chunksRead;
            m_result.scannedBytes += s->ref.header.rawBytes;
            if (!s->matches.empty())
                m_open.push(Open{s, m_desc ? s->matches.size() - 1 : 0});
        }
        return true;
    }

    // Gives out the next entry; false when the page is full.
    bool giveOutOne() {
        Open top = m_open.top();
        m_open.pop();
        const quint32 i = top.s->matches[top.pos];
        const ChunkHeader &h = top.s->ref.header;
        ArchiveEntry e;
        e.record = top.s->chunk.record(i);
        e.container = ContainerRef{h.meta.containerId, h.meta.containerName};
        e.deploymentId = h.meta.deploymentId;
        e.key = top.key();
        m_resultBytes += 64 + top.s->chunk.records[i].textBytes;
        m_result.entries.push_back(std::move(e));
        if (m_desc ? top.pos-- > 0 : ++top.pos < top.s->matches.size())
            m_open.push(top);
        if (int(m_result.entries.size()) >= m_limit ||
            (m_q.maxResultBytes > 0 && m_resultBytes >= m_q.maxResultBytes)) {
            if (!m_open.empty() || m_opened < m_candidates.size())
                m_result.next = encodeCursor(Cursor{m_q.order, m_result.entries.back().key});
            return false;
        }
        return true;
    }

    const SearchQuery &m_q;
    const bool m_desc;
    const int m_limit;
    const std::vector<ChunkRef> m_candidates;
    const std::shared_ptr<ScanFilter> m_filter;
    QThreadPool &m_pool;
    const size_t m_depth;
    std::deque<QFuture<std::shared_ptr<Scanned>>> m_window;
    size_t m_launched = 0;
    size_t m_opened = 0;
    std::priority_queue<Open, std::vector<Open>, Before> m_open;
    SearchResult m_result;
    qint64 m_resultBytes = 0;
};

} // namespace

// The chunks that may hold an answer, in the order they are opened.
std::vector<ChunkRef> LogArchive::Private::candidatesFor(const SearchQuery &q) const {
    const bool desc = q.order == Order::Desc;
    std::vector<ChunkRef> candidates;
    {
        std::lock_guard lock(m);
        const auto it = index.find(q.appId);
        if (it != index.end())
            for (const ChunkRef &r : it->second) {
                const ChunkHeader &h = r.header;
                if ((q.since && h.lastTs < *q.since) || (q.until && h.firstTs > *q.until))
                    continue;
                if (q.cursor &&
                    (desc ? h.firstTs > q.cursor->after.ts : h.lastTs < q.cursor->after.ts))
                    continue;
                candidates.push_back(r);
            }
    }
    std::sort(candidates.begin(), candidates.end(), [desc](const ChunkRef &a, const ChunkRef &b) {
        if (desc)
            return a.header.lastTs != b.header.lastTs
                       ? a.header.lastTs > b.header.lastTs
                       : a.header.meta.chunkSeq > b.header.meta.chunkSeq;
        return a.header.firstTs != b.header.firstTs
                   ? a.header.firstTs < b.header.firstTs
                   : a.header.meta.chunkSeq < b.header.meta.chunkSeq;
    });
    return candidates;
}

Expected<SearchResult> LogArchive::search(const SearchQuery &q) const {
    using R = Expected<SearchResult>;
    if (!d->searchSlots.tryAcquire(1, d->opt.searchWaitMs))
        return fail(QStringLiteral("Archive busy"));
    struct Slot {
        QSemaphore &s;
        ~Slot() { s.release(); }
    } slot{d->searchSlots};

    Expected<std::shared_ptr<ScanFilter>> filter = makeFilter(q);
    if (!filter)
        return fail(filter.error());
    return R(SearchMerge(q, d->candidatesFor(q), std::move(*filter), d->pool).run());
}

} // namespace mist::archive
