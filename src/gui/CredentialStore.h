// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QString>

#include <functional>

namespace mist::gui {

// Remote passwords live in the system keychain (Secret Service, KWallet, ...)
// through QtKeychain, never in QSettings. Where no keychain is available the
// password is simply not remembered, and the caller is told why.
class CredentialStore {
public:
    static QString keyFor(const QString &url, const QString &email);
    static void save(const QString &key, const QByteArray &password,
                     std::function<void(bool ok, const QString &error)> done);
    static void
    load(const QString &key,
         std::function<void(bool ok, const QByteArray &password, const QString &error)> done);
    static void remove(const QString &key);
};

} // namespace mist::gui
