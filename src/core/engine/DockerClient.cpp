// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/DockerClient.h"

#include "engine/EngineLogging.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTimer>

#include <curl/curl.h>

#include <cstring>
#include <limits>
#include <map>
#include <utility>
#include <vector>

namespace mist::engine {

namespace {

constexpr long kConnectTimeoutMs = 5000;
constexpr int kDefaultRequestTimeoutMs = 60000;
constexpr qint64 kDefaultMaxBodyBytes = qint64(64) * 1024 * 1024;

void ensureCurlGlobalInit() {
    // curl_global_init must run once before any handle exists and is not thread-safe on every
    // libcurl build; a function-local static makes it exactly-once from any thread. We never
    // call curl_global_cleanup: other code in the process may use libcurl until exit.
    static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK)
        qCCritical(lcDockerClient) << "curl_global_init failed:" << curl_easy_strerror(rc);
}

bool isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Callers write paths like "/containers/json?filters={"status":["running"]}"; libcurl's URL
// parser rejects or mangles some of those characters, so encode everything that is not legal
// in a URL. Already-encoded "%XX" stays as it is so callers that do encode are not double-encoded.
QByteArray encodePathAndQuery(const QString &path) {
    const QByteArray in = path.toUtf8();
    static const char kKeep[] = "-._~!$&'()*+,;=:@/?";
    QByteArray out;
    out.reserve(in.size() + 8);
    for (int i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        const bool escape =
            c == '%' && i + 2 < in.size() && isHex(in.at(i + 1)) && isHex(in.at(i + 2));
        if (alnum || escape || (c != '\0' && std::strchr(kKeep, c))) {
            out.append(c);
        } else {
            static const char hex[] = "0123456789ABCDEF";
            out.append('%');
            out.append(hex[(uchar(c) >> 4) & 0xF]);
            out.append(hex[uchar(c) & 0xF]);
        }
    }
    return out;
}

QByteArray versionedPath(const QString &pathIn) {
    QString path = pathIn;
    if (!path.startsWith(QLatin1Char('/')))
        path.prepend(QLatin1Char('/'));
    QByteArray encoded = encodePathAndQuery(path);
    // Let callers that already carry a version ("/v1.41/_ping") through unchanged rather than
    // producing "/v1.41/v1.41/_ping", which the engine answers with 404.
    static const QRegularExpression versioned(QStringLiteral("^/v[0-9]+\\.[0-9]+(/|\\?|$)"));
    if (!versioned.match(path).hasMatch())
        encoded.prepend(QByteArray("/") + DockerClient::kApiVersion);
    return encoded;
}

QByteArray baseUrlFor(const DockerHost &host) {
    if (host.kind == DockerHost::Kind::Unix) {
        // With CURLOPT_UNIX_SOCKET_PATH the URL's host only becomes the Host header.
        return QByteArrayLiteral("http://localhost");
    }
    QByteArray h = host.host.toUtf8();
    if (h.contains(':')) {
        h.replace("%", "%25"); // IPv6 zone id ("fe80::1%eth0") must be escaped inside a URL
        h = '[' + h + ']';
    }
    return (host.tls ? QByteArrayLiteral("https://") : QByteArrayLiteral("http://")) + h + ':' +
           QByteArray::number(host.port);
}

// The engine reports errors as {"message": "..."}; anything else is summarised.
QString engineError(int status, const QByteArray &body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QString msg = doc.object().value(QLatin1String("message")).toString();
        if (!msg.isEmpty())
            return msg;
    }
    const QString text = QString::fromUtf8(body.left(200)).trimmed();
    if (!text.isEmpty())
        return QStringLiteral("HTTP %1: %2").arg(status).arg(text);
    return QStringLiteral("HTTP %1").arg(status);
}

} // namespace

// One HTTP exchange. Owned by DockerClient::Private::transfers; the easy handle is removed from
// the multi handle before a Transfer is destroyed.
struct Transfer {
    quint64 id = 0;
    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
    QByteArray requestBody; // CURLOPT_POSTFIELDS does not copy, so it lives here
    bool isStream = false;

    // request()
    bool hasContext = false;
    QPointer<QObject> context;
    DockerClient::Callback callback;

    // stream()
    QPointer<DockerStream> stream;
    QByteArray pending;      // 2xx body bytes received but not yet emitted
    bool paused = false;     // the consumer asked for backpressure
    bool curlPaused = false; // our write callback returned CURL_WRITEFUNC_PAUSE
    bool startedEmitted = false;

    // response
    bool headersDone = false;
    int status = 0;
    QByteArray contentType;
    QByteArray body; // request() body, or a stream's non-2xx body
    qint64 maxBody = kDefaultMaxBodyBytes;
    bool tooBig = false;

    bool inMulti = false;
    bool done = false;
    CURLcode result = CURLE_OK;
    long osErrno = 0;
    QString setupError; // failed before libcurl ever ran it
    char errbuf[CURL_ERROR_SIZE] = {};

    Transfer() = default;
    Transfer(const Transfer &) = delete;
    Transfer &operator=(const Transfer &) = delete;
    ~Transfer() {
        if (easy)
            curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
    }

    bool is2xx() const { return status >= 200 && status < 300; }
    bool needsDelivery() const {
        if (!isStream)
            return done;
        return (headersDone && !startedEmitted) || (!paused && (!pending.isEmpty() || done));
    }
};

struct DockerClient::Private {
    struct Watch {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };

    DockerClient *q;
    DockerHost host;
    QByteArray baseUrl;
    CURLM *multi = nullptr;
    QTimer timer;
    std::map<curl_socket_t, Watch> sockets;
    std::map<quint64, std::unique_ptr<Transfer>> transfers;
    quint64 nextId = 1;
    quint64 streamsOpened = 0;
    int requestTimeoutMs = kDefaultRequestTimeoutMs;
    qint64 maxBodyBytes = kDefaultMaxBodyBytes;
    bool deliverQueued = false;
    bool inCurl = false; // true while a curl_multi_* call is on the stack
    bool shuttingDown = false;

    Private(DockerClient *owner, const DockerHost &h)
        : q(owner)
        , host(h)
        , baseUrl(baseUrlFor(h)) {
        ensureCurlGlobalInit();
        multi = curl_multi_init();
        if (!multi) {
            qCCritical(lcDockerClient) << "curl_multi_init failed";
            return;
        }
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Private::socketCallback);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Private::timerCallback);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, q,
                         [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
    }

    ~Private() { shutdown(); }

    void shutdown() {
        if (shuttingDown)
            return;
        shuttingDown = true;
        for (auto &entry : transfers) {
            Transfer *t = entry.second.get();
            // Streams may outlive the client; cut them loose so they go inert.
            if (t->stream) {
                t->stream->m_id = 0;
                t->stream->m_client = nullptr;
            }
            if (t->inMulti && multi)
                curl_multi_remove_handle(multi, t->easy);
            t->inMulti = false;
        }
        transfers.clear();
        timer.stop();
        if (multi) {
            // Closes cached connections; the socket callback still sees CURL_POLL_REMOVE for them.
            curl_multi_cleanup(multi);
            multi = nullptr;
        }
        // The notifiers are children of q and die with it; a notifier may be the very object
        // whose activated() signal led to the client being deleted, which QSocketNotifier
        // tolerates (it guards its emission with a QPointer).
        for (auto &entry : sockets) {
            if (entry.second.read)
                entry.second.read->setEnabled(false);
            if (entry.second.write)
                entry.second.write->setEnabled(false);
        }
        sockets.clear();
    }

    // ---- libcurl -> Qt: which fds to watch and when to wake up --------------------------------

    static int socketCallback(CURL *, curl_socket_t s, int what, void *userp, void *) {
        static_cast<Private *>(userp)->watchSocket(s, what);
        return 0;
    }

    static int timerCallback(CURLM *, long timeoutMs, void *userp) {
        auto *d = static_cast<Private *>(userp);
        if (d->shuttingDown)
            return 0;
        // Never call curl_multi_socket_action from here (re-entrant); even a 0 ms timeout is
        // served by the event loop.
        if (timeoutMs < 0)
            d->timer.stop();
        else
            d->timer.start(int(qMin<long>(timeoutMs, std::numeric_limits<int>::max())));
        return 0;
    }

    void watchSocket(curl_socket_t s, int what) {
        auto it = sockets.find(s);
        if (what == CURL_POLL_REMOVE) {
            // REMOVE comes before curl closes the fd (or when a paused transfer stops polling
            // it). Disable now so the dispatcher never polls a closed or reused fd; delete later
            // because we may be inside this notifier's own activated() emission.
            if (it != sockets.end()) {
                retire(it->second.read);
                retire(it->second.write);
                sockets.erase(it);
            }
            return;
        }
        if (shuttingDown)
            return;
        Watch &w = sockets[s];
        setWatched(w.read, s, QSocketNotifier::Read, what & CURL_POLL_IN, CURL_CSELECT_IN);
        setWatched(w.write, s, QSocketNotifier::Write, what & CURL_POLL_OUT, CURL_CSELECT_OUT);
    }

    static void retire(QSocketNotifier *n) {
        if (!n)
            return;
        n->setEnabled(false);
        n->deleteLater();
    }

    void setWatched(QSocketNotifier *&n, curl_socket_t s, QSocketNotifier::Type type, bool want,
                    int curlEvent) {
        if (!want) {
            if (n)
                n->setEnabled(false);
            return;
        }
        if (!n) {
            n = new QSocketNotifier(qintptr(s), type, q);
            QSocketNotifier *notifier = n;
            QObject::connect(n, &QSocketNotifier::activated, q, [this, notifier, s, curlEvent] {
                onSocketReady(notifier, s, curlEvent);
            });
        }
        n->setEnabled(true);
    }

    void onSocketReady(QSocketNotifier *n, curl_socket_t s, int curlEvent) {
        // Ignore activations of a notifier that has been retired meanwhile (the fd may already
        // belong to another connection).
        const auto it = sockets.find(s);
        if (it == sockets.end() || (it->second.read != n && it->second.write != n) ||
            !n->isEnabled())
            return;
        socketAction(s, curlEvent);
    }

    // Runs libcurl, then hands results to user code. User code may delete the client, so this
    // must be the last thing any slot does.
    void socketAction(curl_socket_t s, int events) {
        if (!multi || shuttingDown)
            return;
        Q_ASSERT(!inCurl);
        int running = 0;
        inCurl = true;
        const CURLMcode rc = curl_multi_socket_action(multi, s, events, &running);
        inCurl = false;
        if (rc != CURLM_OK)
            qCWarning(lcDockerClient) << "curl_multi_socket_action:" << curl_multi_strerror(rc);
        collectDone();
        deliver();
    }

    void collectDone() {
        int left = 0;
        while (CURLMsg *m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE)
                continue;
            // Copy out first: the message is invalid after curl_multi_remove_handle.
            CURL *easy = m->easy_handle;
            const CURLcode result = m->data.result;
            char *priv = nullptr;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
            auto *t = reinterpret_cast<Transfer *>(priv);
            curl_multi_remove_handle(multi, easy);
            if (!t)
                continue;
            t->inMulti = false;
            t->done = true;
            t->result = result;
            curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &t->osErrno);
            if (!t->headersDone) {
                long code = 0;
                curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
                t->status = int(code);
            }
        }
    }

    // ---- libcurl -> us: response data (never emits; user code must not run inside curl) ------

    static size_t headerCallback(char *ptr, size_t size, size_t nitems, void *userdata) {
        auto *t = static_cast<Transfer *>(userdata);
        const size_t len = size * nitems;
        const QByteArray line = QByteArray::fromRawData(ptr, qsizetype(len)).trimmed();
        if (line.startsWith("HTTP/")) {
            // A new status line (e.g. after "100 Continue"): forget the previous block.
            t->headersDone = false;
            t->contentType.clear();
        } else if (line.isEmpty()) {
            long code = 0;
            curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
            if (code >= 200) { // 1xx blocks are followed by the real response
                t->status = int(code);
                t->headersDone = true;
            }
        } else if (line.size() > 13 &&
                   line.left(13).compare("content-type:", Qt::CaseInsensitive) == 0) {
            t->contentType = line.mid(13).trimmed();
        }
        return len;
    }

    static size_t writeCallback(char *ptr, size_t size, size_t nmemb, void *userdata) {
        auto *t = static_cast<Transfer *>(userdata);
        const size_t len = size * nmemb;
        if (t->isStream && t->is2xx()) {
            if (t->paused) {
                // libcurl keeps these bytes and stops reading the socket until
                // curl_easy_pause(CURLPAUSE_CONT); the engine then blocks on its side.
                t->curlPaused = true;
                return CURL_WRITEFUNC_PAUSE;
            }
            t->pending.append(ptr, qsizetype(len));
            return len;
        }
        if (qint64(t->body.size()) + qint64(len) > t->maxBody) {
            t->tooBig = true;
            return 0; // makes libcurl abort with CURLE_WRITE_ERROR
        }
        t->body.append(ptr, qsizetype(len));
        return len;
    }

    // ---- setting up transfers -----------------------------------------------------------------

    std::unique_ptr<Transfer> makeTransfer(const QByteArray &method, const QString &path,
                                           const QByteArray &body, const QByteArray &contentType,
                                           bool isStream) {
        auto t = std::make_unique<Transfer>();
        t->id = nextId++;
        t->isStream = isStream;
        t->maxBody = maxBodyBytes;
        t->requestBody = body;
        if (!multi) {
            t->setupError = QStringLiteral("libcurl could not be initialised");
            return t;
        }
        CURL *e = curl_easy_init();
        if (!e) {
            t->setupError = QStringLiteral("curl_easy_init failed");
            return t;
        }
        t->easy = e;
        const QByteArray url = baseUrl + versionedPath(path);
        const QByteArray verb = method.trimmed().toUpper();

        curl_easy_setopt(e, CURLOPT_URL, url.constData()); // libcurl copies string options
        curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
        // Signals for DNS timeouts would hit whatever thread; we are in an event loop.
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
        // Follow-mode logs, events and stats run for as long as the container does.
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, isStream ? 0L : long(requestTimeoutMs));
        // HTTP/1.1 keeps the engine's raw/multiplexed streams and later hijacked connections
        // (attach, exec) on the framing the engine documents.
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Private::writeCallback);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Private::headerCallback);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());

        setConnectionOptions(e, isStream);
        setMethodAndBody(t.get(), verb, contentType);
        return t;
    }

    // How to reach the engine: its Unix socket, or TCP with TLS as DOCKER_TLS_VERIFY says.
    void setConnectionOptions(CURL *e, bool isStream) {
        if (host.kind == DockerHost::Kind::Unix) {
            const QByteArray sock = QFile::encodeName(host.socketPath);
            curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, sock.constData());
            // An http_proxy in the environment must not capture traffic meant for the socket.
            curl_easy_setopt(e, CURLOPT_PROXY, "");
        } else {
            if (isStream) // notice a dead engine host on an otherwise idle log stream
                curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
            if (host.tls) {
                // Like the docker CLI, files that do not exist are skipped (no client
                // certificate; system CA store). The server certificate is always verified.
                if (QFileInfo::exists(host.certFile))
                    curl_easy_setopt(e, CURLOPT_SSLCERT,
                                     QFile::encodeName(host.certFile).constData());
                if (QFileInfo::exists(host.keyFile))
                    curl_easy_setopt(e, CURLOPT_SSLKEY,
                                     QFile::encodeName(host.keyFile).constData());
                if (QFileInfo::exists(host.caFile))
                    curl_easy_setopt(e, CURLOPT_CAINFO, QFile::encodeName(host.caFile).constData());
                curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
                curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
            }
        }
    }

    // The verb, the body (sent with its size, even when empty) and the request headers.
    void setMethodAndBody(Transfer *t, const QByteArray &verb, const QByteArray &contentType) {
        const bool sendsBody =
            !t->requestBody.isEmpty() || verb == "POST" || verb == "PUT" || verb == "PATCH";
        if (verb == "HEAD") {
            curl_easy_setopt(t->easy, CURLOPT_NOBODY, 1L);
        } else if (sendsBody) {
            // POSTFIELDS with an explicit size also sends "Content-Length: 0" for an empty
            // POST, which the engine wants for e.g. /containers/{id}/start.
            curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                             curl_off_t(t->requestBody.size()));
            curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->requestBody.constData());
            if (verb != "POST")
                curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, verb.constData());
        } else if (verb != "GET") {
            curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, verb.constData());
        }

        // libcurl would wait up to a second for "100 Continue" before sending a large body.
        t->headers = curl_slist_append(t->headers, "Expect:");
        if (sendsBody && !contentType.isEmpty())
            t->headers =
                curl_slist_append(t->headers, ("Content-Type: " + contentType).constData());
        curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
    }

    Transfer *start(std::unique_ptr<Transfer> t) {
        if (t->setupError.isEmpty()) {
            Q_ASSERT(!inCurl);
            const CURLMcode rc = curl_multi_add_handle(multi, t->easy);
            if (rc == CURLM_OK)
                t->inMulti = true;
            else
                t->setupError = QStringLiteral("curl_multi_add_handle: %1")
                                    .arg(QString::fromUtf8(curl_multi_strerror(rc)));
        }
        if (!t->setupError.isEmpty()) {
            // Report on the event loop, never from inside request()/stream().
            t->done = true;
            scheduleDeliver();
        }
        Transfer *raw = t.get();
        transfers.emplace(raw->id, std::move(t));
        return raw;
    }

    Transfer *find(quint64 id) {
        const auto it = transfers.find(id);
        return it == transfers.end() ? nullptr : it->second.get();
    }

    std::unique_ptr<Transfer> take(quint64 id) {
        const auto it = transfers.find(id);
        if (it == transfers.end())
            return nullptr;
        std::unique_ptr<Transfer> t = std::move(it->second);
        transfers.erase(it);
        if (t->inMulti && multi) {
            Q_ASSERT(!inCurl);
            curl_multi_remove_handle(multi, t->easy);
            t->inMulti = false;
        }
        return t;
    }

    void abort(quint64 id) { take(id); }

    void setPaused(quint64 id, bool paused) {
        Transfer *t = find(id);
        if (!t || t->paused == paused)
            return;
        t->paused = paused;
        if (paused)
            return; // takes effect when libcurl next delivers data
        if (t->curlPaused && t->inMulti) {
            t->curlPaused = false;
            // May call writeCallback synchronously with the held-back bytes (they land in
            // pending) and schedules a 1 ms timeout to get the socket read again.
            const CURLcode rc = curl_easy_pause(t->easy, CURLPAUSE_CONT);
            if (rc != CURLE_OK)
                qCWarning(lcDockerClient) << "curl_easy_pause:" << curl_easy_strerror(rc);
        }
        scheduleDeliver(); // bytes and a finish may be waiting for us; emit from the event loop
    }

    // ---- us -> user code ----------------------------------------------------------------------

    void scheduleDeliver() {
        if (deliverQueued)
            return;
        deliverQueued = true;
        QMetaObject::invokeMethod(
            q,
            [this] {
                deliverQueued = false;
                deliver();
            },
            Qt::QueuedConnection);
    }

    QString transportError(const Transfer &t) const {
        const QString where = host.toString();
        if (t.tooBig)
            return QStringLiteral("response from Docker engine at %1 exceeds the limit of %2 bytes")
                .arg(where)
                .arg(t.maxBody);
        QString detail = t.errbuf[0] ? QString::fromUtf8(t.errbuf).trimmed()
                                     : QString::fromUtf8(curl_easy_strerror(t.result));
        if (t.result == CURLE_COULDNT_CONNECT || t.result == CURLE_OPERATION_TIMEDOUT) {
            // For a Unix socket curl's text names "localhost port 80"; the OS error
            // ("No such file or directory", "Permission denied") is what the operator needs.
            if (t.osErrno != 0 && host.kind == DockerHost::Kind::Unix)
                detail = qt_error_string(int(t.osErrno));
            return QStringLiteral("cannot reach Docker engine at %1: %2").arg(where, detail);
        }
        return QStringLiteral("Docker engine at %1: %2").arg(where, detail);
    }

    DockerReply makeReply(Transfer &t) const {
        DockerReply r;
        if (!t.setupError.isEmpty()) {
            r.error = t.setupError;
            return r;
        }
        if (t.tooBig || t.result != CURLE_OK) {
            r.error = transportError(t);
            return r;
        }
        r.httpStatus = t.status;
        r.body = std::move(t.body);
        if (!r.ok())
            r.error = engineError(r.httpStatus, r.body);
        return r;
    }

    // Emits whatever is ready. Every emission may delete the client, the stream, or start and
    // abort other transfers, so nothing is held across an emission except ids and QPointers.
    void deliver() {
        if (shuttingDown)
            return;
        QPointer<DockerClient> self(q);
        std::vector<quint64> ready;
        for (const auto &entry : transfers)
            if (entry.second->needsDelivery())
                ready.push_back(entry.first);

        for (const quint64 id : ready) {
            Transfer *t = find(id);
            if (!t || !t->needsDelivery())
                continue;

            if (!t->isStream) {
                std::unique_ptr<Transfer> owned = take(id);
                if (owned->hasContext && !owned->context)
                    continue; // the receiver is gone
                const DockerReply reply = makeReply(*owned);
                const Callback cb = std::move(owned->callback);
                owned.reset();
                if (cb)
                    cb(reply);
                if (!self)
                    return;
                continue;
            }

            QPointer<DockerStream> s = t->stream;
            if (!s) { // cannot normally happen: ~DockerStream aborts its transfer
                abort(id);
                continue;
            }
            if (t->headersDone && !t->startedEmitted) {
                t->startedEmitted = true;
                s->m_httpStatus = t->status;
                const QByteArray ct = t->contentType;
                emit s->started(t->status, ct);
                if (!self)
                    return;
                if (!s || !(t = find(id)))
                    continue;
            }
            if (!t->paused && !t->pending.isEmpty()) {
                QByteArray bytes;
                bytes.swap(t->pending);
                emit s->data(bytes);
                if (!self)
                    return;
                if (!s || !(t = find(id)))
                    continue;
            }
            if (t->done && !t->paused && t->pending.isEmpty()) {
                std::unique_ptr<Transfer> owned = take(id);
                s->m_id = 0;
                if (owned->status != 0)
                    s->m_httpStatus = owned->status;
                const DockerReply reply = makeReply(*owned);
                owned.reset();
                emit s->finished(reply);
                if (!self)
                    return;
            }
        }
    }
};

// ---- DockerClient
// --------------------------------------------------------------------------------

DockerClient::DockerClient(const DockerHost &host, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, host)) {
    qRegisterMetaType<mist::engine::DockerReply>();
}

DockerClient::~DockerClient() {
    // Explicitly, before members go: libcurl may still call back into d while cleaning up.
    d->shutdown();
}

void DockerClient::request(const QByteArray &method, const QString &path, QObject *context,
                           Callback cb, const QByteArray &body, const QByteArray &contentType) {
    auto t = d->makeTransfer(method, path, body, contentType, false);
    t->hasContext = context != nullptr;
    t->context = context;
    t->callback = std::move(cb);
    d->start(std::move(t));
}

DockerStream *DockerClient::stream(const QByteArray &method, const QString &path,
                                   const QByteArray &body, const QByteArray &contentType) {
    auto t = d->makeTransfer(method, path, body, contentType, true);
    auto *s = new DockerStream(this, t->id);
    t->stream = s;
    const Transfer *started = d->start(std::move(t));
    if (started->inMulti)
        ++d->streamsOpened;
    return s;
}

int DockerClient::activeStreams() const {
    int n = 0;
    for (const auto &entry : d->transfers)
        if (entry.second->isStream && entry.second->inMulti)
            ++n;
    return n;
}

quint64 DockerClient::streamsOpened() const {
    return d->streamsOpened;
}

const DockerHost &DockerClient::host() const {
    return d->host;
}

void DockerClient::setRequestTimeoutMs(int ms) {
    d->requestTimeoutMs = qMax(0, ms);
}

int DockerClient::requestTimeoutMs() const {
    return d->requestTimeoutMs;
}

void DockerClient::setMaxBodyBytes(qint64 bytes) {
    d->maxBodyBytes = qMax<qint64>(0, bytes);
}

qint64 DockerClient::maxBodyBytes() const {
    return d->maxBodyBytes;
}

// ---- DockerStream
// --------------------------------------------------------------------------------

DockerStream::DockerStream(DockerClient *client, quint64 id)
    : m_client(client)
    , m_id(id) {}

DockerStream::~DockerStream() {
    abort();
}

void DockerStream::pause() {
    m_paused = true;
    if (m_client && m_id)
        m_client->d->setPaused(m_id, true);
}

void DockerStream::resume() {
    m_paused = false;
    if (m_client && m_id)
        m_client->d->setPaused(m_id, false);
}

void DockerStream::abort() {
    const quint64 id = std::exchange(m_id, 0);
    if (m_client && id)
        m_client->d->abort(id);
}

bool DockerStream::isRunning() const {
    return m_client && m_id != 0;
}

} // namespace mist::engine
