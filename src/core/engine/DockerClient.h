// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "engine/DockerHost.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

namespace mist::engine {

struct DockerReply {
    int httpStatus = 0; // 0 when the transport failed (engine unreachable, timeout, body too big)
    QByteArray body;
    QString error; // curl's error or the engine's {"message": ...}; empty on 2xx
    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

class DockerStream;

// HTTP client for the Docker Engine API (v1.41) over a Unix socket or tcp(+TLS).
// One libcurl multi handle, driven entirely by the Qt event loop of the thread the client lives
// in: nothing here ever blocks on the engine. Not thread-safe; use from the owning thread only.
class DockerClient : public QObject {
    Q_OBJECT
public:
    static constexpr const char *kApiVersion = "v1.41";

    explicit DockerClient(const DockerHost &host, QObject *parent = nullptr);
    ~DockerClient() override; // aborts everything in flight without calling callbacks or signals

    // path is e.g. "/containers/json?all=1"; the client prefixes "/v1.41" (unless the path already
    // starts with a version such as "/v1.41/"). Characters not allowed in a URL are
    // percent-encoded; existing %XX escapes are kept.
    // The callback runs on the event loop later (never synchronously inside request()), and not
    // at all if `context` was non-null and has been destroyed meanwhile, or the client was.
    // Bodies are buffered in memory but capped (maxBodyBytes, default 64 MiB -> error).
    using Callback = std::function<void(const DockerReply &)>;
    void request(const QByteArray &method, const QString &path, QObject *context, Callback cb,
                 const QByteArray &body = {}, const QByteArray &contentType = "application/json");

    // A streaming request: body bytes are delivered through DockerStream::data as they arrive
    // (already de-chunked). No overall timeout applies. The stream object is owned by the caller
    // (parent it); deleting it aborts the transfer. It may outlive the client (it then goes inert).
    DockerStream *stream(const QByteArray &method, const QString &path, const QByteArray &body = {},
                         const QByteArray &contentType = "application/json");

    int activeStreams() const;     // streams currently open against the engine
    quint64 streamsOpened() const; // total streams ever opened
    const DockerHost &host() const;

    // Overall timeout of request() transfers (not streams), from now on. Default 60000 ms.
    void setRequestTimeoutMs(int ms);
    int requestTimeoutMs() const;
    // Cap on a buffered body (request() replies and non-2xx stream bodies). Default 64 MiB.
    void setMaxBodyBytes(qint64 bytes);
    qint64 maxBodyBytes() const;

private:
    friend class DockerStream;
    struct Private;
    std::unique_ptr<Private> d;
};

class DockerStream : public QObject {
    Q_OBJECT
public:
    ~DockerStream() override; // aborts the transfer if it is still running

    // Backpressure: while paused no data is emitted and libcurl stops reading from the engine
    // (CURL_WRITEFUNC_PAUSE), so the engine's side of the socket fills up instead of our memory.
    void pause();
    void resume();
    bool isPaused() const { return m_paused; }
    void abort();           // stops without emitting finished (or anything else)
    bool isRunning() const; // neither finished nor aborted, and the client still exists
    int httpStatus() const { return m_httpStatus; } // 0 until started

signals:
    // Once the response headers are in. contentType is the header as sent, possibly empty
    // (engine 20.10 sends none for logs; newer ones say raw-stream vs multiplexed-stream).
    void started(int httpStatus, const QByteArray &contentType);
    // Body bytes as they arrive; for non-2xx the body is collected into finished's reply instead.
    void data(const QByteArray &bytes);
    // End of body or failure (httpStatus 0 = transport error). reply.body holds only a non-2xx
    // body; 2xx bytes went through data(). Emitted at most once, never after abort().
    void finished(const mist::engine::DockerReply &reply);

private:
    friend class DockerClient;
    friend struct DockerClient::Private;
    explicit DockerStream(DockerClient *client, quint64 id);
    QPointer<DockerClient> m_client;
    quint64 m_id = 0; // 0 once finished or aborted
    int m_httpStatus = 0;
    bool m_paused = false;
};

} // namespace mist::engine

Q_DECLARE_METATYPE(mist::engine::DockerReply)
