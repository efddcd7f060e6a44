// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "Settings.h"

#include <QDialog>
#include <QUrl>

#include <memory>

namespace Ui {
class ConnectDialog;
}

namespace mist::gui {

// Asks for a remote server's URL (http(s):// or ws(s)://), email and password,
// and optionally a PEM CA file to trust instead of the system's CAs.
class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    ~ConnectDialog() override;

    QUrl url() const;
    QString email() const;
    QByteArray password() const;
    bool remember() const;
    // The CA file as typed (made absolute); empty: the system's CAs.
    QString caCertFile() const;
    // The server, email and CA file as entered; the password is apart.
    SavedConnection connection() const;
    // Fills the fields (the password field gets the focus when the email is known).
    void setConnection(const SavedConnection &connection);
    void setMessage(const QString &message);

    // "host:8080" -> http://host:8080; ws(s) -> http(s); anything else invalid.
    static QUrl normalizeUrl(const QString &text);

private:
    std::unique_ptr<Ui::ConnectDialog> m_ui;
};

} // namespace mist::gui
