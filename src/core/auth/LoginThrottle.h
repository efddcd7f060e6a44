// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QHash>
#include <QHostAddress>
#include <QString>

#include <functional>

namespace mist::auth {

// The client address as sign-in limits count it: an IPv4-mapped IPv6
// address is its IPv4 address (a dual-stack listener sees ::ffff:a.b.c.d),
// and a global IPv6 address counts as its /64, the least a single host or
// home network is given, so that one client cannot pose as 2^64 of them
// (loopback and link-local IPv6 peers count one by one).
QString clientAddressKey(const QHostAddress &address);

// Slows down password guessing, per (account, client address) pair and per
// client address. After `freeFailures` failed sign-ins within `window`
// seconds, each further attempt on that key must wait a delay that doubles
// with every failure (from 1 s up to `maxDelay`); an attempt inside the delay
// is refused (HTTP 429 with Retry-After) without checking the password at all.
//
// The account is only ever limited together with the address that failed:
// a stranger who guesses at the owner's account locks out themselves, not
// the owner signing in from elsewhere. A success clears the pair (the address
// keeps its own record). Records expire after `window` seconds without
// failures; at most `maxKeys` are kept (the oldest go first), so memory stays
// bounded under a flood of made-up names.
class LoginThrottle {
public:
    struct Limits {
        int freeFailuresPerAccountAndAddress = 5;
        int freeFailuresPerAddress = 20;
        qint64 windowSeconds = 15 * 60;
        qint64 maxDelaySeconds = 15 * 60;
        int maxKeys = 10000;
    };
    using Clock = std::function<qint64()>; // milliseconds

    LoginThrottle();
    LoginThrottle(Limits limits, Clock clock);

    // `address` is a clientAddressKey(). 0 when an attempt may go ahead now,
    // else the seconds to wait.
    qint64 retryAfter(const QString &account, const QString &address) const;
    void recordFailure(const QString &account, const QString &address);
    void recordSuccess(const QString &account, const QString &address);
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
