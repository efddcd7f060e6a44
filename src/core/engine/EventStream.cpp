// SPDX-License-Identifier: GPL-3.0-or-later

#include "engine/EventStream.h"

#include "engine/DockerClient.h"

#include <QList>
#include <QStringList>

#include <algorithm>

namespace mist::engine {

void EventLines::feed(QByteArrayView bytes, const OnEvent &onEvent,
                      const OnMalformed &onMalformed) {
    m_partial += bytes;
    qsizetype start = 0;
    for (qsizetype nl = m_partial.indexOf('\n'); nl >= 0; nl = m_partial.indexOf('\n', start)) {
        const QByteArrayView line = QByteArrayView(m_partial).sliced(start, nl - start);
        start = nl + 1;
        if (const auto parsed = parseEngineEvent(line))
            onEvent(*parsed);
        else if (!line.trimmed().isEmpty())
            onMalformed(
                QStringLiteral("not an event: %1")
                    .arg(QString::fromUtf8(line.first(std::min<qsizetype>(line.size(), 200)))));
    }
    m_partial.remove(0, start);
    if (m_partial.size() > MaxLineBytes) {
        m_partial.clear();
        onMalformed(QStringLiteral("a line over %1 bytes: dropped").arg(MaxLineBytes));
    }
}

EventStream::EventStream(DockerStream *stream, QObject *parent)
    : QObject(parent)
    , m_stream(stream) {
    stream->setParent(this);
    connect(stream, &DockerStream::started, this, [this](int httpStatus, const QByteArray &) {
        if (httpStatus >= 200 && httpStatus < 300)
            Q_EMIT opened();
    });
    connect(stream, &DockerStream::data, this, [this](const QByteArray &bytes) {
        // Parsed first, then emitted: a slot may delete this stream (deleteLater, or at once).
        QList<EngineEvent> events;
        QStringList bad;
        m_lines.feed(
            bytes, [&events](const EngineEvent &e) { events.append(e); },
            [&bad](const QString &why) { bad.append(why); });
        const QPointer<EventStream> alive(this);
        for (const EngineEvent &e : std::as_const(events)) {
            if (!alive || !m_stream || !m_stream->isRunning())
                return; // deleted or aborted by a slot
            Q_EMIT event(e);
        }
        for (const QString &why : std::as_const(bad)) {
            if (!alive)
                return;
            Q_EMIT malformed(why);
        }
    });
    streamFinished(stream, this, [this](const EngineResult<void> &how) { Q_EMIT finished(how); });
}

EventStream::~EventStream() {
    abort();
}

void EventStream::abort() {
    if (m_stream)
        m_stream->abort();
}

} // namespace mist::engine
