// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QDialog>
#include <QJsonObject>
#include <QStringList>

#include <memory>

namespace Ui {
class AddAppDialog;
class NewAppDialog;
} // namespace Ui

namespace mist::gui {

// "Add as app…": a container of the host becomes an app (POST /api/apps {name, project,
// container}). The name defaults to the container's, the project to its compose project; the
// host's projects are offered.
class AddAppDialog : public QDialog {
    Q_OBJECT
public:
    AddAppDialog(const QString &container, const QString &project, const QStringList &projects,
                 QWidget *parent = nullptr);
    ~AddAppDialog() override;
    QString container() const { return m_container; }
    QString name() const;
    QString project() const;
    void setName(const QString &name);
    void setProject(const QString &project);
    void setMessage(const QString &text);
    QJsonObject body() const; // the POST /api/apps body

private:
    std::unique_ptr<Ui::AddAppDialog> m_ui;
    QString m_container;
};

// "New app…": an app built from git (POST /api/apps {name, project, git, branch, dockerfile,
// port}), deployed at once when "Deploy it now" stays checked.
class NewAppDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewAppDialog(const QStringList &projects, QWidget *parent = nullptr);
    ~NewAppDialog() override;
    void setFields(const QString &name, const QString &project, const QString &gitUrl,
                   const QString &branch = {}, const QString &dockerfile = {}, int port = 0);
    bool deployNow() const;
    void setDeployNow(bool deploy);
    void setMessage(const QString &text);
    QJsonObject body() const; // the POST /api/apps body

private:
    std::unique_ptr<Ui::NewAppDialog> m_ui;
};

} // namespace mist::gui
