// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "base/Expected.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace mist::gui {

// Remote passwords live in the system keychain (Secret Service, KWallet, ...)
// through QtKeychain, never in QSettings. Where no keychain is available the
// password is simply not remembered, and the caller is told why.
class CredentialStore {
public:
    static QString keyFor(const QString &url, const QString &email);
    // Fails with the keychain's reason.
    static void save(const QString &key, const QByteArray &password,
                     std::function<void(const Expected<void> &)> done);
    // The password, or the keychain's reason (none stored, no keychain, ...).
    static void load(const QString &key, std::function<void(const Expected<QByteArray> &)> done);
    static void remove(const QString &key);
};

} // namespace mist::gui
