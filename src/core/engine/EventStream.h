// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// The engine's event stream (GET /events) as events: its JSON lines are split and parsed here,
// so a caller connects to EventStream::event and never sees the bytes.

#include "engine/EngineApi.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace mist::engine {

class DockerStream;

// Splits the stream's bytes into lines and parses each as an event. Pure; keeps the unfinished
// last line (at most MaxLineBytes: a longer one is dropped and reported).
class EventLines {
public:
    // The engine's events are under 4 KiB; a line longer than this is not one.
    static constexpr qsizetype MaxLineBytes = 256 * 1024;
    using OnEvent = std::function<void(const EngineEvent &)>;
    // Why a line was not an event: "not an event: <its first 200 bytes>", or "a line over
    // 262144 bytes: dropped".
    using OnMalformed = std::function<void(const QString &why)>;

    void feed(QByteArrayView bytes, const OnEvent &onEvent, const OnMalformed &onMalformed);
    qsizetype pendingBytes() const { return m_partial.size(); }

private:
    QByteArray m_partial;
};

// A running event stream; Engine::streamEvents makes it. Owned by the caller: deleting it, or
// abort(), stops the transfer without further signals.
class EventStream : public QObject {
    Q_OBJECT
public:
    explicit EventStream(DockerStream *stream, QObject *parent = nullptr); // takes the stream
    ~EventStream() override;
    void abort();

Q_SIGNALS:
    // The engine answered 2xx: events follow (finished() follows any other answer).
    void opened();
    void event(const mist::engine::EngineEvent &event);
    void malformed(const QString &why);
    // How it ended: the engine closed it, refused it or could not be reached. Never after abort().
    void finished(const mist::engine::EngineResult<void> &how);

private:
    QPointer<DockerStream> m_stream;
    EventLines m_lines;
};

} // namespace mist::engine
