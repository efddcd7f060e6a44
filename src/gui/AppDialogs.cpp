// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppDialogs.h"

#include "ui_AddAppDialog.h"
#include "ui_NewAppDialog.h"

#include <QPushButton>

namespace mist::gui {

namespace {
void offerProjects(QComboBox *combo, const QStringList &projects, const QString &current) {
    QStringList list = projects;
    if (!current.isEmpty() && !list.contains(current))
        list.prepend(current);
    combo->addItems(list);
    combo->setCurrentText(current.isEmpty() ? QStringLiteral("default") : current);
}
} // namespace

AddAppDialog::AddAppDialog(const QString &container, const QString &project,
                           const QStringList &projects, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AddAppDialog>())
    , m_container(container) {
    m_ui->setupUi(this);
    m_ui->container->setText(container);
    m_ui->name->setText(container);
    offerProjects(m_ui->project, projects, project);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, [this] {
        if (name().isEmpty()) {
            setMessage(tr("Enter a name."));
            return;
        }
        accept();
    });
}

AddAppDialog::~AddAppDialog() = default;

QString AddAppDialog::name() const {
    return m_ui->name->text().trimmed();
}
QString AddAppDialog::project() const {
    return m_ui->project->currentText().trimmed();
}
void AddAppDialog::setName(const QString &name) {
    m_ui->name->setText(name);
}
void AddAppDialog::setProject(const QString &project) {
    m_ui->project->setCurrentText(project);
}
void AddAppDialog::setMessage(const QString &text) {
    m_ui->message->setText(text);
}

QJsonObject AddAppDialog::body() const {
    return {{QStringLiteral("name"), name()},
            {QStringLiteral("project"), project()},
            {QStringLiteral("container"), m_container}};
}

NewAppDialog::NewAppDialog(const QStringList &projects, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::NewAppDialog>()) {
    m_ui->setupUi(this);
    offerProjects(m_ui->project, projects, QString());
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, [this] {
        if (m_ui->name->text().trimmed().isEmpty() || m_ui->gitUrl->text().trimmed().isEmpty()) {
            setMessage(tr("Enter a name and a git URL."));
            return;
        }
        accept();
    });
}

NewAppDialog::~NewAppDialog() = default;

void NewAppDialog::setFields(const QString &name, const QString &project, const QString &gitUrl,
                             const QString &branch, const QString &dockerfile, int port) {
    m_ui->name->setText(name);
    m_ui->project->setCurrentText(project);
    m_ui->gitUrl->setText(gitUrl);
    m_ui->branch->setText(branch);
    m_ui->dockerfile->setText(dockerfile);
    m_ui->port->setValue(port);
}

bool NewAppDialog::deployNow() const {
    return m_ui->deploy->isChecked();
}
void NewAppDialog::setDeployNow(bool deploy) {
    m_ui->deploy->setChecked(deploy);
}
void NewAppDialog::setMessage(const QString &text) {
    m_ui->message->setText(text);
}

// Empty branch and Dockerfile: the server's defaults (main, Dockerfile); port 0: none.
QJsonObject NewAppDialog::body() const {
    QJsonObject o{{QStringLiteral("name"), m_ui->name->text().trimmed()},
                  {QStringLiteral("project"), m_ui->project->currentText().trimmed()},
                  {QStringLiteral("git"), m_ui->gitUrl->text().trimmed()},
                  {QStringLiteral("port"), m_ui->port->value()}};
    if (!m_ui->branch->text().trimmed().isEmpty())
        o.insert(QStringLiteral("branch"), m_ui->branch->text().trimmed());
    if (!m_ui->dockerfile->text().trimmed().isEmpty())
        o.insert(QStringLiteral("dockerfile"), m_ui->dockerfile->text().trimmed());
    return o;
}

} // namespace mist::gui
