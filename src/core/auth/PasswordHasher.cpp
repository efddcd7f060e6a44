// SPDX-License-Identifier: GPL-3.0-or-later

#include "PasswordHasher.h"

#include <QMutex>

#include <sodium.h>

#include <map>
#include <utility>

namespace mist::auth {

bool ensureSodium() {
    // A function-local static makes the first call thread-safe; sodium_init()
    // returns 1 when someone else (another library) already initialised it.
    static const bool ok = sodium_init() >= 0;
    return ok;
}

PasswordHasher::PasswordHasher()
    : PasswordHasher(crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                     crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) {}

PasswordHasher::PasswordHasher(unsigned long long opsLimit, std::size_t memLimit)
    : m_opsLimit(opsLimit)
    , m_memLimit(memLimit) {}

PasswordHasher PasswordHasher::minimal() {
    return PasswordHasher(crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN);
}

void PasswordHasher::setLimits(unsigned long long opsLimit, std::size_t memLimit) {
    m_opsLimit = opsLimit;
    m_memLimit = memLimit;
}

QByteArray PasswordHasher::hash(const QByteArray &password) const {
    if (!ensureSodium())
        return {};
    char out[crypto_pwhash_argon2id_STRBYTES];
    // The explicit algorithm pins argon2id even if libsodium's default changes.
    if (crypto_pwhash_str_alg(out, password.constData(),
                              static_cast<unsigned long long>(password.size()), m_opsLimit,
                              m_memLimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return {};
    }
    return QByteArray(out); // NUL-terminated ASCII
}

bool PasswordHasher::verify(const QByteArray &hash, const QByteArray &password) const {
    if (!ensureSodium())
        return false;
    // libsodium reads the hash as a C string of at most STRBYTES including the
    // terminator; an embedded NUL or an overlong value cannot be a real hash.
    if (hash.isEmpty() || hash.size() >= crypto_pwhash_argon2id_STRBYTES || hash.contains('\0'))
        return false;
    return crypto_pwhash_str_verify(hash.constData(), password.constData(),
                                    static_cast<unsigned long long>(password.size())) == 0;
}

QByteArray PasswordHasher::dummyHash() const {
    static QMutex mutex;
    static std::map<std::pair<unsigned long long, std::size_t>, QByteArray> made;
    // Held while hashing: a second caller waits for the first one's result
    // rather than making a dummy of its own.
    QMutexLocker lock(&mutex);
    QByteArray &dummy = made[{m_opsLimit, m_memLimit}];
    if (dummy.isEmpty() && ensureSodium()) {
        QByteArray secret(32, '\0');
        randombytes_buf(secret.data(), static_cast<size_t>(secret.size()));
        dummy = hash(secret);
        sodium_memzero(secret.data(), static_cast<size_t>(secret.size()));
    }
    return dummy;
}

} // namespace mist::auth
