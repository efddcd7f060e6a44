// SPDX-License-Identifier: GPL-3.0-or-later

#include "Settings.h"

#include <algorithm>

namespace mist::gui::settings {

namespace {
// An array of groups "connections/1/url", "connections/1/email", ... (QSettings::beginReadArray).
const QString Connections = QStringLiteral("connections");
const QString Url = QStringLiteral("url");
const QString Email = QStringLiteral("email");
const QString CaCert = QStringLiteral("caCert");
// A menu of more servers than this helps nobody, and a settings file claiming millions (the
// array's "size" key) must not stall the start.
constexpr int MaxSavedConnections = 1000;

void writeConnections(const QList<SavedConnection> &connections) {
    QSettings s;
    s.remove(Connections); // a shorter list leaves no stale entries behind
    s.beginWriteArray(Connections, int(connections.size()));
    for (int i = 0; i < connections.size(); ++i) {
        s.setArrayIndex(i);
        s.setValue(Url, connections[i].url.toString());
        s.setValue(Email, connections[i].email);
        if (!connections[i].caCertFile.isEmpty())
            s.setValue(CaCert, connections[i].caCertFile);
    }
    s.endArray();
}
} // namespace

QList<SavedConnection> savedConnections() {
    QSettings s;
    QList<SavedConnection> out;
    const int n = std::min(s.beginReadArray(Connections), MaxSavedConnections);
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        out.append(
            {QUrl(s.value(Url).toString()), s.value(Email).toString(), s.value(CaCert).toString()});
    }
    s.endArray();
    return out;
}

void saveConnection(const SavedConnection &connection) {
    QList<SavedConnection> all = savedConnections();
    const auto same = std::find_if(all.begin(), all.end(), [&](const SavedConnection &c) {
        return c.url.toString() == connection.url.toString() && c.email == connection.email;
    });
    if (same != all.end())
        same->caCertFile = connection.caCertFile;
    else
        all.append(connection);
    writeConnections(all);
}

} // namespace mist::gui::settings
