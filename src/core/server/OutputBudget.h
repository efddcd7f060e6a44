// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QHash>
#include <QObject>

namespace mist::server {

class ClientConnection;

// One budget over the output queued for all WebSocket clients together
// (--max-queued-total). Each connection reports how many bytes wait in its
// socket whenever that changes; when the total passes the limit, the largest
// queues are cut first: connections already closing (their close frame is
// stuck behind data the peer does not read) are aborted, which frees their
// queue at once; then open ones are closed with 1008 "client too slow", as
// the per-connection limit does, until the open ones' total fits again. A
// connection closed that way that still holds its queue when the total is
// next over the limit is aborted then (docs/PROTOCOL.md).
class OutputBudget : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 DefaultLimit = qint64(256) * 1024 * 1024;

    explicit OutputBudget(qint64 limit = DefaultLimit, QObject *parent = nullptr)
        : QObject(parent)
        , m_limit(limit) {}

    qint64 limit() const { return m_limit; }
    qint64 total() const { return m_total; }
    qint64 peak() const { return m_peak; }
    // Connections closed or aborted because of the budget.
    quint64 cuts() const { return m_cuts; }

    // `client` now has `queued` bytes waiting; cuts when the total is over.
    void update(ClientConnection *client, qint64 queued);
    void remove(ClientConnection *client);

private:
    void enforce();

    qint64 m_limit;
    qint64 m_total = 0;
    qint64 m_peak = 0;
    quint64 m_cuts = 0;
    bool m_enforcing = false;
    QHash<ClientConnection *, qint64> m_queued;
};

} // namespace mist::server
