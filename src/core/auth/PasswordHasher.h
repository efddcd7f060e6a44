// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QByteArray>

#include <cstddef>

namespace mist::auth {

// Initialises libsodium once per process; every use of its RNG or hashing goes
// through here first. Returns false only when libsodium cannot start (no
// usable entropy source), in which case nothing secret may be generated.
bool ensureSodium();

// argon2id password hashes in libsodium's self-describing string format
// ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), so the cost parameters travel
// with each hash and can be raised later without breaking old hashes.
class PasswordHasher {
public:
    // OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: about 64 MiB and well under
    // a second per hash, which is what a login endpoint can afford.
    PasswordHasher();
    PasswordHasher(unsigned long long opsLimit, std::size_t memLimit);

    // The cheapest parameters libsodium accepts; for tests only.
    static PasswordHasher minimal();

    void setLimits(unsigned long long opsLimit, std::size_t memLimit);
    unsigned long long opsLimit() const { return m_opsLimit; }
    std::size_t memLimit() const { return m_memLimit; }

    // Empty on failure (libsodium unavailable, out of memory, bad limits).
    QByteArray hash(const QByteArray &password) const;
    // False for a wrong password and for anything that is not a valid hash.
    bool verify(const QByteArray &hash, const QByteArray &password) const;
    // A hash of a random secret with these limits, made once per process and
    // set of limits (thread-safe): verifying a password for an unknown
    // account against it costs what a known account costs, so the time of a
    // refusal does not tell whether the account exists. Empty on failure.
    QByteArray dummyHash() const;

private:
    unsigned long long m_opsLimit;
    std::size_t m_memLimit;
};

} // namespace mist::auth
