// SPDX-License-Identifier: GPL-3.0-or-later

#include "OutputBudget.h"

#include "ClientConnection.h"
#include "Logging.h"

#include <QPointer>

#include <algorithm>
#include <vector>

namespace mist::server {

void OutputBudget::update(ClientConnection *client, qint64 queued) {
    qint64 &slot = m_queued[client];
    m_total += queued - slot;
    slot = queued;
    m_peak = std::max(m_peak, m_total);
    if (m_total > m_limit)
        enforce();
}

void OutputBudget::remove(ClientConnection *client) {
    const auto it = m_queued.constFind(client);
    if (it == m_queued.constEnd())
        return;
    m_total -= *it;
    m_queued.erase(it);
}

void OutputBudget::enforce() {
    // Cutting aborts sockets, whose signals come back here (update, remove)
    // at once: those only count.
    if (m_enforcing)
        return;
    m_enforcing = true;
    struct Candidate {
        QPointer<ClientConnection> client;
        qint64 queued;
        bool closing;
    };
    std::vector<Candidate> candidates;
    candidates.reserve(size_t(m_queued.size()));
    for (auto it = m_queued.cbegin(); it != m_queued.cend(); ++it)
        candidates.push_back({it.key(), it.value(), it.key()->isClosing()});
    // Closing ones first (they are going anyway), each group largest first.
    std::sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
        return a.closing != b.closing ? a.closing : a.queued > b.queued;
    });
    qint64 remaining = m_total;
    for (const Candidate &c : candidates) {
        if (remaining <= m_limit)
            break;
        if (!c.client || c.queued == 0)
            continue;
        ++m_cuts;
        remaining -= c.queued;
        if (c.closing) {
            qCInfo(lcServer).noquote()
                << "output budget: dropping the" << c.queued << "bytes still queued for a closed"
                << "client (all clients:" << m_total << "of" << m_limit << ")";
            c.client->abort();
        } else {
            qCInfo(lcServer).noquote()
                << "output budget: closing the client with the largest queue (" << c.queued
                << "bytes; all clients:" << m_total << "of" << m_limit << ")";
            c.client->close(QWebSocketProtocol::CloseCodePolicyViolated,
                            ClientConnection::TooSlowReason);
        }
    }
    m_enforcing = false;
}

} // namespace mist::server
