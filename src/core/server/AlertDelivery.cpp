// SPDX-License-Identifier: GPL-3.0-or-later

#include "AlertDelivery.h"

#include "Logging.h"
#include "alerts/AlertFormats.h"
#include "alerts/AlertRules.h"
#include "store/Store.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <curl/curl.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

namespace mist::server {

namespace {

size_t discard(char *, size_t size, size_t count, void *) {
    return size * count;
}

// An e-mail's bytes, read by libcurl while it sends DATA.
struct Upload {
    QByteArray data;
    qsizetype at = 0;
    char error[CURL_ERROR_SIZE] = {}; // the server's own refusal ("RCPT failed: 550")
};

size_t readUpload(char *buffer, size_t size, size_t count, void *userdata) {
    auto *u = static_cast<Upload *>(userdata);
    const qsizetype n = std::min<qsizetype>(qsizetype(size * count), u->data.size() - u->at);
    memcpy(buffer, u->data.constData() + u->at, size_t(n));
    u->at += n;
    return size_t(n);
}

struct Transfer {
    qint64 id = 0;
    qint64 channelId = 0;
    int attempts = 0;
    curl_slist *headers = nullptr; // HTTP headers, or an e-mail's recipients
    std::shared_ptr<Upload> upload;
};

qint64 nowSeconds() {
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

struct AlertDelivery::Worker {
    Options options;
    AlertDelivery *owner = nullptr;
    CURLM *multi = nullptr;
    std::thread thread;
    std::atomic<bool> stopping{false};
    QHash<CURL *, Transfer> inFlight;
    QSet<qint64> busyChannels;

    void run();
    void startDue(store::Store &store);
    bool startOne(store::Store &store, const store::AlertDelivery &d);
    CURL *httpTransfer(const alerts::Channel &c, const QByteArray &payload, Transfer &t);
    CURL *mailTransfer(const alerts::Channel &c, const QByteArray &payload, Transfer &t);
    void commonOptions(CURL *easy) const;
    int finishDone(store::Store &store);
    void report(qint64 id, bool delivered, const QString &error) {
        QMetaObject::invokeMethod(
            owner, [o = owner, id, delivered, error] { emit o->attempted(id, delivered, error); },
            Qt::QueuedConnection);
    }
    qint64 backoff(int attempts) const {
        const qint64 delay = qint64(1) << std::min(attempts, 30);
        return std::min(delay, options.retryCapSeconds);
    }
};

AlertDelivery::AlertDelivery(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {}

AlertDelivery::~AlertDelivery() {
    stop();
}

void AlertDelivery::start() {
    if (m_worker)
        return;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m_worker = std::make_unique<Worker>();
    m_worker->options = m_options;
    m_worker->owner = this;
    m_worker->multi = curl_multi_init();
    m_worker->thread = std::thread([w = m_worker.get()] { w->run(); });
}

void AlertDelivery::stop() {
    if (!m_worker)
        return;
    m_worker->stopping = true;
    curl_multi_wakeup(m_worker->multi);
    m_worker->thread.join();
    curl_multi_cleanup(m_worker->multi);
    m_worker.reset();
}

void AlertDelivery::wake() {
    if (m_worker)
        curl_multi_wakeup(m_worker->multi);
}

QJsonObject AlertDelivery::testData(const QString &name) {
    return {{QStringLiteral("id"), 0},
            {QStringLiteral("ruleId"), QJsonValue()},
            {QStringLiteral("state"), QStringLiteral("firing")},
            {QStringLiteral("severity"), QStringLiteral("info")},
            {QStringLiteral("title"), QStringLiteral("Test message")},
            {QStringLiteral("message"),
             QStringLiteral("Mist Monitor can reach the channel \"%1\".").arg(name)},
            {QStringLiteral("appId"), QJsonValue()},
            {QStringLiteral("since"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
}

void AlertDelivery::Worker::run() {
    store::Store store;
    if (auto opened = store.open(options.dataDir); !opened) {
        qCWarning(lcServer).noquote() << "alerts: cannot open the store:" << opened.error();
        return;
    }
    while (!stopping) {
        startDue(store);
        int running = 0;
        curl_multi_perform(multi, &running);
        // A channel's next message goes out as soon as the one before it is
        // done; rows queued by another process (the CLI) are seen within a second.
        const int waitMs = finishDone(store) > 0 ? 0 : inFlight.isEmpty() ? 1000 : 100;
        curl_multi_poll(multi, nullptr, 0, waitMs, nullptr);
    }
    for (auto it = inFlight.begin(); it != inFlight.end(); ++it) {
        curl_multi_remove_handle(multi, it.key());
        curl_easy_cleanup(it.key());
        curl_slist_free_all(it->headers);
    }
    inFlight.clear();
}

void AlertDelivery::Worker::startDue(store::Store &store) {
    const qint64 now = nowSeconds();
    const auto due = store.alerts().due(now);
    if (!due) {
        qCWarning(lcServer).noquote() << "alerts:" << due.error();
        return;
    }
    for (const store::AlertDelivery &d : *due) {
        if (busyChannels.contains(d.channelId))
            continue;
        const auto sent = store.alerts().deliveredSince(d.channelId, now - 59);
        if (!sent || *sent >= options.perChannelPerMinute)
            continue; // the rate cap: it waits for the minute to pass
        const auto claimed = store.alerts().claim(d.id, now + options.timeoutSeconds +
                                                            options.connectTimeoutSeconds);
        if (claimed && *claimed && startOne(store, d))
            busyChannels.insert(d.channelId);
    }
}

bool AlertDelivery::Worker::startOne(store::Store &store, const store::AlertDelivery &d) {
    const auto channel = store.alerts().channel(d.channelId);
    if (!channel || !*channel)
        return false; // deleted meanwhile: its rows went with it
    const alerts::Channel &c = **channel;
    Transfer t{d.id, d.channelId, d.attempts, nullptr, nullptr};
    CURL *easy = c.kind == u"email" ? mailTransfer(c, d.payload, t) : httpTransfer(c, d.payload, t);
    commonOptions(easy);
    curl_multi_add_handle(multi, easy);
    inFlight.insert(easy, t);
    return true;
}

QString AlertDelivery::caFileFromEnvironment() {
    const QString file = qEnvironmentVariable("SSL_CERT_FILE");
    return !file.isEmpty() && QFileInfo(file).isFile() ? file : QString();
}

void AlertDelivery::Worker::commonOptions(CURL *easy) const {
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, long(options.timeoutSeconds));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, long(options.connectTimeoutSeconds));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
    if (!options.caFile.isEmpty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, QFile::encodeName(options.caFile).constData());
}

CURL *AlertDelivery::Worker::httpTransfer(const alerts::Channel &c, const QByteArray &payload,
                                          Transfer &t) {
    const alerts::OutgoingRequest r = alerts::requestFor(c.kind, c.url, c.secret, payload);
    CURL *easy = curl_easy_init();
    t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
    t.headers = curl_slist_append(t.headers, "Expect:");
    for (const auto &[name, value] : r.headers)
        t.headers = curl_slist_append(t.headers, (name + ": " + value).constData());
    curl_easy_setopt(easy, CURLOPT_URL, r.url.toUtf8().constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, long(r.body.size()));
    curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, r.body.constData());
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "mist-monitor");
    return easy;
}

// SMTP through libcurl: smtps:// is TLS from the first byte; with starttls
// the connection must upgrade (CURLUSESSL_ALL: a server without STARTTLS
// fails the delivery instead of receiving the password in clear). The
// server's certificate is verified against the system's CAs.
CURL *AlertDelivery::Worker::mailTransfer(const alerts::Channel &c, const QByteArray &payload,
                                          Transfer &t) {
    CURL *easy = curl_easy_init();
    t.upload = std::make_shared<Upload>();
    t.upload->data =
        alerts::emailMessage(c.smtp.from, c.smtp.to, payload, QDateTime::currentDateTimeUtc());
    for (const QString &to : c.smtp.to)
        t.headers = curl_slist_append(t.headers, ('<' + to.toUtf8() + '>').constData());
    curl_easy_setopt(easy, CURLOPT_URL, c.smtp.url.toUtf8().constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, ('<' + c.smtp.from.toUtf8() + '>').constData());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, t.headers);
    // A sign-in to a server elsewhere always upgrades (parseChannel refuses one that would not).
    const bool signIn = !c.smtp.username.isEmpty() && !alerts::smtpServerIsLocal(c.smtp);
    if (c.smtp.starttls || (signIn && c.smtp.url.startsWith(u"smtp:")))
        curl_easy_setopt(easy, CURLOPT_USE_SSL, long(CURLUSESSL_ALL));
    if (!c.smtp.username.isEmpty()) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, c.smtp.username.toUtf8().constData());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, c.smtp.password.toUtf8().constData());
    }
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &readUpload);
    curl_easy_setopt(easy, CURLOPT_READDATA, t.upload.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.upload->error);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(t.upload->data.size()));
    return easy;
}

int AlertDelivery::Worker::finishDone(store::Store &store) {
    int finished = 0;
    int left = 0;
    while (CURLMsg *msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        const CURLcode code = msg->data.result;
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        const Transfer t = inFlight.take(easy);
        curl_multi_remove_handle(multi, easy);
        curl_easy_cleanup(easy);
        curl_slist_free_all(t.headers);
        busyChannels.remove(t.channelId);
        // SMTP's last reply is 250 after DATA; libcurl reports a refusal as
        // an error code of its own.
        const bool delivered = code == CURLE_OK && ((status >= 200 && status < 300) || t.upload);
        const QString error = delivered                        ? QString()
                              : t.upload && t.upload->error[0] ? QString::fromUtf8(t.upload->error)
                              : code != CURLE_OK ? QString::fromUtf8(curl_easy_strerror(code))
                                                 : QStringLiteral("HTTP %1").arg(status);
        const qint64 now = nowSeconds();
        const Expected<void> marked =
            delivered ? store.alerts().markDelivered(t.id, now)
                      : store.alerts().markAttemptFailed(t.id, error, now + backoff(t.attempts));
        if (!marked)
            qCWarning(lcServer).noquote() << "alerts:" << marked.error();
        if (!delivered)
            qCInfo(lcServer).noquote() << "alerts: message" << t.id << "to channel" << t.channelId
                                       << "not delivered:" << error;
        report(t.id, delivered, error);
        ++finished;
    }
    return finished;
}

} // namespace mist::server
