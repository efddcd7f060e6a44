#pragma once

#include <QHash>
#include <QString>

#include <functional>

namespace mist::auth {

// Slows down password guessing, per account and per client address.
// After `freeFailures` failed sign-ins within `window` seconds, each further
// attempt on that key must wait a delay that doubles with every failure (from
// 1 s up to `maxDelay`); an attempt inside the delay is refused (HTTP 429
// with Retry-After) without checking the password at all. A success clears
// the account's record (the address keeps its own). Records expire after
// `window` seconds without failures; at most `maxKeys` are kept (the oldest
// go first), so memory stays bounded under a flood of made-up names.
class LoginThrottle {
public:
    struct Limits {
        int freeFailuresPerAccount = 5;
        int freeFailuresPerAddress = 20;
        qint64 windowSeconds = 15 * 60;
        qint64 maxDelaySeconds = 15 * 60;
        int maxKeys = 10000;
    };
    using Clock = std::function<qint64()>; // milliseconds

    LoginThrottle();
    LoginThrottle(Limits limits, Clock clock);

    // 0 when an attempt may go ahead now, else the seconds to wait.
    qint64 retryAfter(const QString &account, const QString &address) const;
    void recordFailure(const QString &account, const QString &address);
    void recordSuccess(const QString &account);
    int trackedKeys() const { return int(m_records.size()); }

private:
    struct Record {
        int failures = 0;
        qint64 lastFailureMs = 0;
        qint64 blockedUntilMs = 0;
    };
    qint64 waitFor(const QString &key) const;
    void fail(const QString &key, int freeFailures);
    void prune();

    Limits m_limits;
    Clock m_clock;
    QHash<QString, Record> m_records;
};

} // namespace mist::auth
