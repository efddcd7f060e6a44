// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <deque>
#include <functional>

namespace mist::auth {

// Password checks off the event loop. An argon2id check costs ~75 ms of CPU
// and 64 MiB at interactive strength: run on the server's only thread, a
// handful of sign-in attempts would stall every other client. Checks run on
// a pool of `threads` threads of their own, and their results come back on
// the thread that owns the queue.
//
// What waits is bounded and shared fairly: at most `queuedPerAddress` checks
// per client address and `queued` in all. The next check to start is one of
// the address served least recently (first come among equals), so addresses
// with checks waiting take turns, and one that has not been served for a
// while (a user signing in, amid a flood from others) goes next, waiting
// only for the checks already running. When the whole queue is full, a
// client with nothing waiting still gets in: the newest check of the address
// with the most waiting gives up its place.
class SignInQueue : public QObject {
    Q_OBJECT
public:
    struct Limits {
        int threads = 2;
        int queuedPerAddress = 4;
        int queued = 64;
    };
    enum class Outcome {
        Match,
        NoMatch,
        Dropped, // gave its place to another address's check in a full queue
    };
    struct Job {
        QString address; // clientAddressKey(): the unit of fairness
        // On the owner's thread, just before the check starts: false skips
        // it (a throttle that blocked the address meanwhile answers instead).
        std::function<bool()> admit;
        // On a pool thread: true when the password matches. Must not touch
        // anything the owner's thread uses (the Store, sockets).
        std::function<bool()> check;
        // On the owner's thread, once: the result, or Dropped.
        std::function<void(Outcome)> finish;
    };

    explicit SignInQueue(QObject *parent = nullptr);
    SignInQueue(Limits limits, QObject *parent = nullptr);
    // Waits for running checks; waiting ones are forgotten, and no `finish`
    // is called any more.
    ~SignInQueue() override;

    // False (nothing called) when the address already has queuedPerAddress
    // checks waiting, or the queue is full and this address has some of them.
    bool enqueue(Job job);

    const Limits &limits() const { return m_limits; }
    int running() const { return m_running; }
    int waiting() const { return m_waiting; }
    int peakRunning() const { return m_peakRunning; }
    int peakWaiting() const { return m_peakWaiting; }
    quint64 refused() const { return m_refused; }
    quint64 checked() const { return m_checked; } // checks that ran to the end
    int rememberedAddresses() const { return int(m_lastServed.size()); }
    static constexpr int MaxRemembered = 4096;

private:
    void pump();
    void rememberServed(const QString &address);
    void start(Job job);
    void finished(quint64 id, bool match);

    Limits m_limits;
    QThreadPool m_pool;
    QHash<QString, std::deque<Job>> m_queues;
    std::deque<QString> m_turns; // addresses with checks waiting, by arrival
    // When each address was last served (a count of checks started); kept for
    // at most MaxRemembered addresses, forgetting those served longest ago.
    QHash<QString, quint64> m_lastServed;
    quint64 m_served = 0;
    QHash<quint64, std::function<void(Outcome)>> m_finishing; // running checks' finish
    quint64 m_lastId = 0;
    int m_running = 0;
    int m_waiting = 0;
    int m_peakRunning = 0;
    int m_peakWaiting = 0;
    quint64 m_refused = 0;
    quint64 m_checked = 0;
};

} // namespace mist::auth
