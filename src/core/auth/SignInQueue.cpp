// SPDX-License-Identifier: GPL-3.0-or-later

#include "SignInQueue.h"

#include <algorithm>

namespace mist::auth {

SignInQueue::SignInQueue(QObject *parent)
    : SignInQueue(Limits(), parent) {}

SignInQueue::SignInQueue(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits) {
    m_limits.threads = std::max(1, m_limits.threads);
    m_limits.queuedPerAddress = std::max(1, m_limits.queuedPerAddress);
    m_limits.queued = std::max(1, m_limits.queued);
    m_pool.setMaxThreadCount(m_limits.threads);
}

SignInQueue::~SignInQueue() {
    // A running check posts its result to this object; once the pool is idle
    // nothing posts any more, and QObject's destructor discards what was posted.
    m_pool.waitForDone();
}

bool SignInQueue::enqueue(Job job) {
    std::deque<Job> &mine = m_queues[job.address];
    if (int(mine.size()) >= m_limits.queuedPerAddress ||
        (m_waiting >= m_limits.queued && !mine.empty())) {
        if (mine.empty())
            m_queues.remove(job.address);
        ++m_refused;
        return false;
    }
    if (m_waiting >= m_limits.queued) {
        // Full, and this address has nothing waiting: the busiest one makes room.
        auto busiest = m_queues.end();
        for (auto it = m_queues.begin(); it != m_queues.end(); ++it) {
            if (busiest == m_queues.end() || it->size() > busiest->size())
                busiest = it;
        }
        Job dropped = std::move(busiest->back());
        busiest->pop_back();
        --m_waiting;
        ++m_refused;
        if (busiest->empty()) {
            m_turns.erase(std::find(m_turns.begin(), m_turns.end(), busiest.key()));
            m_queues.erase(busiest);
        }
        // Answered from the event loop, not from inside this call: the caller
        // may be in the middle of answering its own client.
        QMetaObject::invokeMethod(
            this, [finish = std::move(dropped.finish)] { finish(Outcome::Dropped); },
            Qt::QueuedConnection);
    }
    const QString address = job.address;
    std::deque<Job> &queue = m_queues[address]; // `mine` may have moved with the erase
    if (queue.empty())
        m_turns.push_back(address);
    queue.push_back(std::move(job));
    ++m_waiting;
    m_peakWaiting = std::max(m_peakWaiting, m_waiting);
    pump();
    return true;
}

void SignInQueue::pump() {
    while (m_running < m_limits.threads && !m_turns.empty()) {
        // At most `queued` addresses wait, so a scan is cheap.
        auto next = m_turns.begin();
        for (auto it = m_turns.begin(); it != m_turns.end(); ++it) {
            if (m_lastServed.value(*it) < m_lastServed.value(*next))
                next = it;
        }
        const QString address = *next;
        m_turns.erase(next);
        auto queue = m_queues.find(address);
        Job job = std::move(queue->front());
        queue->pop_front();
        --m_waiting;
        if (queue->empty())
            m_queues.erase(queue);
        else
            m_turns.push_back(address);
        rememberServed(address);
        if (job.admit && !job.admit())
            continue;
        start(std::move(job));
    }
}

void SignInQueue::rememberServed(const QString &address) {
    m_lastServed.insert(address, ++m_served);
    if (m_lastServed.size() <= MaxRemembered)
        return;
    // Forget the half served longest ago (never an address with checks
    // waiting: forgetting it would put it first in line).
    QList<quint64> times = m_lastServed.values();
    const auto middle = times.begin() + times.size() / 2;
    std::nth_element(times.begin(), middle, times.end());
    for (auto it = m_lastServed.begin(); it != m_lastServed.end();) {
        if (it.value() < *middle && !m_queues.contains(it.key()))
            it = m_lastServed.erase(it);
        else
            ++it;
    }
}

void SignInQueue::start(Job job) {
    ++m_running;
    m_peakRunning = std::max(m_peakRunning, m_running);
    // `finish` holds the client's responder: it stays on this thread, and the
    // pool thread gets nothing but the check.
    const quint64 id = ++m_lastId;
    m_finishing.insert(id, std::move(job.finish));
    m_pool.start([this, id, check = std::move(job.check)] {
        const bool match = check();
        QMetaObject::invokeMethod(
            this, [this, id, match] { finished(id, match); }, Qt::QueuedConnection);
    });
}

void SignInQueue::finished(quint64 id, bool match) {
    --m_running;
    ++m_checked;
    const std::function<void(Outcome)> finish = m_finishing.take(id);
    finish(match ? Outcome::Match : Outcome::NoMatch);
    pump();
}

} // namespace mist::auth
