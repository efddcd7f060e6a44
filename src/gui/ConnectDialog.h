#pragma once

#include <QDialog>
#include <QUrl>

#include <memory>

namespace Ui {
class ConnectDialog;
}

namespace mist::gui {

// Asks for a remote server's URL (http(s):// or ws(s)://), email and password.
class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget *parent = nullptr);
    ~ConnectDialog() override;

    QUrl url() const;
    QString email() const;
    QByteArray password() const;
    bool remember() const;
    void setValues(const QUrl &url, const QString &email);
    void setMessage(const QString &message);

    // "host:8080" -> http://host:8080; ws(s) -> http(s); anything else invalid.
    static QUrl normalizeUrl(const QString &text);

private:
    std::unique_ptr<Ui::ConnectDialog> m_ui;
};

} // namespace mist::gui
