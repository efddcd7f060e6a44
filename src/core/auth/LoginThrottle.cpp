// SPDX-License-Identifier: GPL-3.0-or-later

#include "LoginThrottle.h"

#include <QDateTime>

#include <algorithm>
#include <iterator>

namespace mist::auth {

QString clientAddressKey(const QHostAddress &address) {
    bool isV4 = false; // an IPv4 address, or one mapped into IPv6
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    // Loopback and link-local peers cannot come from afar: each counts alone.
    if (address.protocol() != QAbstractSocket::IPv6Protocol || address.isLoopback() ||
        address.isLinkLocal())
        return address.toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    std::fill(std::begin(bytes.c) + 8, std::end(bytes.c), quint8(0));
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

namespace {
// The address goes first: it cannot contain the separator, an e-mail address can.
QString pairKey(const QString &account, const QString &address) {
    return QStringLiteral("p:") + address + QLatin1Char(' ') + account.trimmed().toLower();
}
QString addressKey(const QString &address) {
    return QStringLiteral("ip:") + address;
}
} // namespace

LoginThrottle::LoginThrottle()
    : LoginThrottle(Limits(), Clock()) {}

LoginThrottle::LoginThrottle(Limits limits, Clock clock)
    : m_limits(limits)
    , m_clock(clock ? std::move(clock)
                    : Clock([] { return QDateTime::currentMSecsSinceEpoch(); })) {}

qint64 LoginThrottle::waitFor(const QString &key) const {
    const auto it = m_records.constFind(key);
    if (it == m_records.constEnd())
        return 0;
    const qint64 now = m_clock();
    if (it->blockedUntilMs <= now)
        return 0;
    return (it->blockedUntilMs - now + 999) / 1000;
}

qint64 LoginThrottle::retryAfter(const QString &account, const QString &address) const {
    return std::max(waitFor(pairKey(account, address)), waitFor(addressKey(address)));
}

void LoginThrottle::fail(const QString &key, int freeFailures) {
    const qint64 now = m_clock();
    Record &r = m_records[key];
    if (r.failures > 0 && now - r.lastFailureMs > m_limits.windowSeconds * 1000)
        r = Record{}; // the window passed: start over
    ++r.failures;
    r.lastFailureMs = now;
    if (r.failures > freeFailures) {
        const int over = std::min(r.failures - freeFailures - 1, 30);
        const qint64 delay = std::min<qint64>(qint64(1) << over, m_limits.maxDelaySeconds);
        r.blockedUntilMs = now + delay * 1000;
    }
}

void LoginThrottle::recordFailure(const QString &account, const QString &address) {
    fail(pairKey(account, address), m_limits.freeFailuresPerAccountAndAddress);
    fail(addressKey(address), m_limits.freeFailuresPerAddress);
    prune();
}

void LoginThrottle::recordSuccess(const QString &account, const QString &address) {
    m_records.remove(pairKey(account, address));
}

void LoginThrottle::prune() {
    if (m_records.size() <= m_limits.maxKeys)
        return;
    const qint64 now = m_clock();
    for (auto it = m_records.begin(); it != m_records.end();) {
        if (now - it->lastFailureMs > m_limits.windowSeconds * 1000 && it->blockedUntilMs <= now)
            it = m_records.erase(it);
        else
            ++it;
    }
    // Still too many: drop the oldest, but never a key that is blocked now.
    while (m_records.size() > m_limits.maxKeys) {
        auto oldest = m_records.end();
        for (auto it = m_records.begin(); it != m_records.end(); ++it) {
            if (it->blockedUntilMs > now)
                continue;
            if (oldest == m_records.end() || it->lastFailureMs < oldest->lastFailureMs)
                oldest = it;
        }
        if (oldest == m_records.end())
            break;
        m_records.erase(oldest);
    }
}

} // namespace mist::auth
