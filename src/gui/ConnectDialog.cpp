// SPDX-License-Identifier: GPL-3.0-or-later

#include "ConnectDialog.h"

#include "client/ServerSession.h"
#include "ui_ConnectDialog.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QPushButton>

namespace mist::gui {

ConnectDialog::ConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ConnectDialog>()) {
    m_ui->setupUi(this);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!url().isValid()) {
            setMessage(tr("Enter a URL such as https://mist.example.com or ws://host:8080."));
            return;
        }
        if (email().isEmpty() || password().isEmpty()) {
            setMessage(tr("Enter your email and password."));
            return;
        }
        if (!caCertFile().isEmpty()) {
            const auto pinned = client::ServerSession::pinnedCaConfiguration(caCertFile());
            if (!pinned) {
                setMessage(tr("CA certificate: %1").arg(pinned.error()));
                return;
            }
        }
        accept();
    });
    connect(m_ui->caCertBrowse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("CA certificate"),
            caCertFile().isEmpty() ? QString() : QFileInfo(caCertFile()).path(),
            tr("PEM certificates (*.pem *.crt);;All files (*)"));
        if (!path.isEmpty())
            m_ui->caCert->setText(path);
    });
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

ConnectDialog::~ConnectDialog() = default;

QUrl ConnectDialog::normalizeUrl(const QString &text) {
    QString t = text.trimmed();
    if (!t.contains(QStringLiteral("://")))
        t.prepend(QStringLiteral("http://"));
    QUrl url(t, QUrl::StrictMode);
    if (url.scheme() == u"ws")
        url.setScheme(QStringLiteral("http"));
    else if (url.scheme() == u"wss")
        url.setScheme(QStringLiteral("https"));
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != u"http" && url.scheme() != u"https"))
        return {};
    url.setPath(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QUrl ConnectDialog::url() const {
    return normalizeUrl(m_ui->url->text());
}
QString ConnectDialog::email() const {
    return m_ui->email->text().trimmed();
}
QByteArray ConnectDialog::password() const {
    return m_ui->password->text().toUtf8();
}
bool ConnectDialog::remember() const {
    return m_ui->remember->isChecked();
}

QString ConnectDialog::caCertFile() const {
    const QString path = m_ui->caCert->text().trimmed();
    return path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
}

SavedConnection ConnectDialog::connection() const {
    return {url(), email(), caCertFile()};
}

void ConnectDialog::setConnection(const SavedConnection &connection) {
    m_ui->url->setText(connection.url.toString());
    m_ui->email->setText(connection.email);
    m_ui->caCert->setText(connection.caCertFile);
    if (!connection.email.isEmpty())
        m_ui->password->setFocus();
}

void ConnectDialog::setMessage(const QString &message) {
    m_ui->message->setText(message);
}

} // namespace mist::gui
