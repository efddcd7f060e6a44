// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWebSocketProtocol>

#include <deque>
#include <optional>

namespace mist::engine {
struct EngineError;
} // namespace mist::engine

namespace mist::server {

class ClientConnection;

// What every shared log stream does for its viewers, whatever it reads from
// the engine (one container: ContainerLogHub; a Swarm service's tasks:
// ServiceLogHub): viewers who join while the hub is starting wait and get
// their lines once it is live; each relayed line is serialised once and the
// same message goes to every live viewer; the hub stays open for a grace
// period after its last viewer left, so a quick reconnect finds its buffer
// warm; at its end every viewer gets `end` or `error` and a close.
class LogHub : public QObject {
    Q_OBJECT
public:
    static constexpr int TailLines = 100;
    // The buffer keeps more than the tail, so a client that reconnects with
    // since= usually resumes from memory, not the engine.
    static constexpr int BufferLines = 5000;
    static constexpr qsizetype BufferBytes = 16 * 1024 * 1024;
    // How long the hub stays open after its last viewer left.
    static constexpr int IdleGraceMs = 30000;

    explicit LogHub(QObject *parent = nullptr);

    // Without `sinceNs`: the last 100 lines, then live. With it: the lines
    // after that engine timestamp, then live (what the hub can still give:
    // see each hub).
    void subscribe(ClientConnection *client, std::optional<qint64> sinceNs = std::nullopt);
    quint64 linesRelayed() const { return m_linesRelayed; }
    // A pinned hub stays open without viewers: the server follows the
    // container for its log archive. Unpinned, the idle grace applies again.
    void setPinned(bool pinned);

Q_SIGNALS:
    // The hub has ended (its source gone, the engine failed, or idle): the
    // owner deletes it later.
    void finished(mist::server::LogHub *hub);

protected:
    bool isLive() const { return m_state == State::Live; }
    bool isDone() const { return m_state == State::Done; }
    // The hub knows its tail: viewers who waited for it get deliver() now.
    void goLive();
    // `message` to every live viewer: not those waiting for the tail or
    // (isCatchingUp) being sent older lines first.
    void broadcast(const QString &message);
    // Counts one relayed line.
    void countLine() { ++m_linesRelayed; }
    // Ends the hub once: every viewer gets `error` (isError) or `end` with
    // `message` (none when it is empty: an idle hub has no viewers), then a
    // close with `code` (default: 1011 for an error, else 1000); emits
    // finished(). A hub stops its own engine streams before calling it.
    void end(const QString &message, bool isError,
             std::optional<QWebSocketProtocol::CloseCode> code = std::nullopt);

    // A viewer's lines up to now: the tail, or those after `sinceNs`.
    virtual void deliver(ClientConnection *client, std::optional<qint64> sinceNs) = 0;
    virtual bool isCatchingUp(ClientConnection *client) const;
    // A viewer left: drop what the hub keeps about it.
    virtual void forget(ClientConnection *client);
    // The idle grace ran out without viewers: stop quietly.
    virtual void stop() = 0;

private:
    void removeSubscriber(ClientConnection *client);

    enum class State { Starting, Live, Done };
    State m_state = State::Starting;
    QList<QPointer<ClientConnection>> m_subscribers;
    // Viewers that joined before the tail was known, with their since.
    QList<QPair<QPointer<ClientConnection>, std::optional<qint64>>> m_waiting;
    quint64 m_linesRelayed = 0;
    bool m_pinned = false;
    QTimer m_idleGrace;
};

// "Docker engine unavailable: ..." (no answer) or "Docker engine error: ..."
// (an error answer): the words a viewer gets when the engine fails a hub.
QString engineFailureMessage(const engine::EngineError &error);

// The lines a hub holds, oldest first: at least the last TailLines, at most
// BufferLines or BufferBytes of text beyond them. `Line` has a QString `line`.
// Each line gets a serial number, one more than the line before it, so that
// a viewer being sent the buffer a piece at a time knows where it is even
// while old lines leave the front.
template <typename Line> class LineBuffer {
public:
    struct Entry {
        Line line;
        qint64 tsNs = 0;
        quint64 serial = 0;
    };

    void append(const Line &line, qint64 tsNs) {
        m_entries.push_back({line, tsNs, m_nextSerial++});
        m_bytes += line.line.size() * 2;
        while (m_entries.size() > size_t(LogHub::TailLines) &&
               (m_entries.size() > size_t(LogHub::BufferLines) || m_bytes > LogHub::BufferBytes)) {
            m_bytes -= m_entries.front().line.line.size() * 2;
            m_entries.pop_front();
        }
    }
    const std::deque<Entry> &entries() const { return m_entries; }
    bool isEmpty() const { return m_entries.empty(); }
    // Where the last TailLines begin.
    size_t tailStart() const {
        return m_entries.size() > size_t(LogHub::TailLines)
                   ? m_entries.size() - size_t(LogHub::TailLines)
                   : 0;
    }
    // The serial the next line appended will get.
    quint64 nextSerial() const { return m_nextSerial; }
    // The serial of the entry at `index`, or nextSerial() past the end.
    quint64 serialAt(size_t index) const {
        return index < m_entries.size() ? m_entries[index].serial : m_nextSerial;
    }
    // Where the line `serial` is; nullopt once it has left the front (or
    // when it is not there yet).
    std::optional<size_t> indexOf(quint64 serial) const {
        if (m_entries.empty() || serial < m_entries.front().serial || serial >= m_nextSerial)
            return std::nullopt;
        return size_t(serial - m_entries.front().serial);
    }

private:
    std::deque<Entry> m_entries;
    qsizetype m_bytes = 0;
    quint64 m_nextSerial = 0;
};

} // namespace mist::server
