#pragma once

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
    void setValues(const QUrl &url, const QString &email);
    void setCaCertFile(const QString &path);
    void setMessage(const QString &message);

    // "host:8080" -> http://host:8080; ws(s) -> http(s); anything else invalid.
    static QUrl normalizeUrl(const QString &text);

private:
    std::unique_ptr<Ui::ConnectDialog> m_ui;
};

} // namespace mist::gui
