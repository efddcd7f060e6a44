// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

// Everything the desktop app keeps in QSettings, declared once with its type and default. The
// key strings are the ones earlier versions wrote: renaming one would lose what users saved.
// Secrets never come here (passwords go to the keychain, CredentialStore).

#include <QByteArray>
#include <QLatin1String>
#include <QList>
#include <QSettings>
#include <QString>
#include <QUrl>
#include <QVariant>

#include <utility>

namespace mist::gui {

// One value under one key, read and written through a fresh QSettings (the application's
// organisation and name, or whatever path a test set).
template <typename T> class SettingValue {
public:
    SettingValue(const char *key, T defaultValue = T())
        : m_key(key)
        , m_default(std::move(defaultValue)) {}

    QString key() const { return m_key; }
    T value() const { return QSettings().value(m_key, m_default).template value<T>(); }
    void setValue(const T &value) const { QSettings().setValue(m_key, value); }
    bool isSet() const { return QSettings().contains(m_key); }

private:
    QLatin1String m_key;
    T m_default;
};

// A remote server remembered in the Connection menu.
struct SavedConnection {
    QUrl url;
    QString email;
    QString caCertFile; // a PEM CA to trust instead of the system's; empty: the system's
};

namespace settings {

// The main window's size, position, and dock and toolbar layout (QMainWindow::saveState).
inline const SettingValue<QByteArray> windowGeometry("window/geometry");
inline const SettingValue<QByteArray> windowState("window/state");
// The URL of the last server signed in to (as QUrl::toString() spells it).
inline const SettingValue<QString> lastConnection("lastConnection");

// Alerts acknowledged on this desktop, as "<server URL>#<alert id>" (the newest 1000).
inline const SettingValue<QStringList> acknowledgedAlerts("alerts/acknowledged");

// The Connection menu's servers, in the order they were first saved (at most the first 1000).
QList<SavedConnection> savedConnections();
// Adds `connection`, or updates the CA file of the one with the same URL and email.
void saveConnection(const SavedConnection &connection);

} // namespace settings

} // namespace mist::gui
