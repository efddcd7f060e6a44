// SPDX-License-Identifier: GPL-3.0-or-later

#include "ContainerDiscovery.h"

#include "AppDialogs.h"
#include "StatusWords.h"
#include "client/ServerSession.h"

#include <QAction>
#include <QJsonObject>
#include <QMap>
#include <QMenu>
#include <QMessageBox>
#include <QSet>
#include <QTreeWidget>

#include <functional>
#include <memory>

namespace mist::gui {

namespace {
QTreeWidgetItem *makeItem(ContainerDiscovery::Kind kind, const QString &text) {
    auto *item = new QTreeWidgetItem;
    item->setText(0, text);
    item->setData(0, ContainerDiscovery::KindRole, int(kind));
    return item;
}
} // namespace

ContainerDiscovery::ContainerDiscovery(QTreeWidget *sidebar, QAction *addAction,
                                       QAction *newAppAction, QWidget *window)
    : QObject(window)
    , m_sidebar(sidebar)
    , m_addAction(addAction)
    , m_newAppAction(newAppAction)
    , m_window(window) {
    m_addAction->setEnabled(false);
    connect(m_sidebar, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *current) {
        m_addAction->setEnabled(kind(current) == Container);
    });
    connect(m_addAction, &QAction::triggered, this, [this] {
        if (kind(m_sidebar->currentItem()) == Container)
            addAsApp(m_sidebar->currentItem());
    });
    connect(m_newAppAction, &QAction::triggered, this, [this] {
        newApp(m_sidebar->currentItem() ? m_sidebar->currentItem() : m_sidebar->topLevelItem(0));
    });
    m_sidebar->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_sidebar, &QWidget::customContextMenuRequested, this,
            &ContainerDiscovery::contextMenu);
}

ContainerDiscovery::Kind ContainerDiscovery::kind(const QTreeWidgetItem *item) {
    return item ? Kind(item->data(0, KindRole).toInt()) : NotOurs;
}

QTreeWidgetItem *ContainerDiscovery::node(const QTreeWidgetItem *host) {
    for (int i = host ? host->childCount() - 1 : -1; i >= 0; --i)
        if (kind(host->child(i)) == Node)
            return host->child(i);
    return nullptr;
}

QTreeWidgetItem *ContainerDiscovery::takeNode(QTreeWidgetItem *host) {
    QTreeWidgetItem *n = node(host);
    if (n)
        host->removeChild(n);
    return n;
}

QHash<QString, QString> ContainerDiscovery::listed(const QTreeWidgetItem *host) {
    QHash<QString, QString> out;
    std::function<void(const QTreeWidgetItem *)> walk = [&](const QTreeWidgetItem *item) {
        for (int i = 0; i < item->childCount(); ++i) {
            const QTreeWidgetItem *child = item->child(i);
            if (kind(child) == Container)
                out.insert(child->data(0, NameRole).toString(),
                           child->data(0, ProjectRole).toString());
            walk(child);
        }
    };
    if (const QTreeWidgetItem *n = node(host))
        walk(n);
    return out;
}

QTreeWidgetItem *ContainerDiscovery::hostOf(QTreeWidgetItem *item) {
    while (item && item->parent())
        item = item->parent();
    return item;
}

void ContainerDiscovery::update(QTreeWidgetItem *host, client::ServerSession *session,
                                const QJsonArray &apps) {
    HostState &state = m_hosts[host];
    if (state.session != session)
        state.prompted = false;
    state.session = session;
    state.projects.clear();
    for (const QJsonValue &v : apps) {
        const QString project = v.toObject().value(QStringLiteral("projectName")).toString();
        if (!project.isEmpty() && !state.projects.contains(project))
            state.projects.append(project);
    }
    if (!session || session->dialect() != client::ServerSession::Dialect::Published) {
        delete node(host); // upstream Mist lists no containers
        return;
    }
    const bool noApps = apps.isEmpty();
    session->get(QStringLiteral("/api/containers"), this,
                 [this, host, noApps, guard = QPointer<client::ServerSession>(session)](
                     const client::ServerSession::Reply &reply) {
                     if (!guard || m_hosts.value(host).session != guard)
                         return; // the host has another session by now
                     if (reply.status == 403 || reply.status == 404) {
                         delete node(host); // a user's session, or an older server
                         return;
                     }
                     if (reply.ok()) // else (engine down) keep what was listed
                         show(host, reply.data.toArray(), noApps);
                 });
}

// Rebuilds the node in place (a selected container stays selected).
void ContainerDiscovery::show(QTreeWidgetItem *host, const QJsonArray &containers, bool noApps) {
    QMap<QString, QList<QJsonObject>> byProject; // "" first: no compose project
    int count = 0;
    for (const QJsonValue &v : containers) {
        const QJsonObject c = v.toObject();
        if (!c.value(QStringLiteral("appId")).isNull() ||
            c.value(QStringLiteral("name")).toString().isEmpty())
            continue;
        byProject[c.value(QStringLiteral("project")).toString()].append(c);
        ++count;
    }
    const QSignalBlocker block(m_sidebar);
    QTreeWidgetItem *current = m_sidebar->currentItem();
    const QString selected = kind(current) == Container && hostOf(current) == host
                                 ? current->data(0, NameRole).toString()
                                 : QString();
    QTreeWidgetItem *n = node(host);
    if (count == 0) {
        delete n;
        return;
    }
    if (!n) {
        n = makeItem(Node, QString());
        host->addChild(n);
    }
    qDeleteAll(n->takeChildren());
    n->setText(0, tr("Containers (%n)", nullptr, count));
    n->setToolTip(0, tr("Containers of this host that no app adopts: right-click one to add "
                        "it as an app."));
    for (auto it = byProject.cbegin(); it != byProject.cend(); ++it) {
        QTreeWidgetItem *parent = n;
        if (!it.key().isEmpty()) {
            parent = makeItem(Group, it.key());
            parent->setToolTip(0, tr("Compose project %1").arg(it.key()));
            n->addChild(parent);
        }
        for (const QJsonObject &c : it.value()) {
            const QString name = c.value(QStringLiteral("name")).toString();
            auto *item = makeItem(
                Container,
                QStringLiteral("%1\n%2").arg(
                    name, StatusWords::fromEngine(c.value(QStringLiteral("status")).toString())));
            item->setData(0, NameRole, name);
            item->setData(0, ProjectRole, it.key());
            item->setToolTip(
                0, tr("%1 (image %2)").arg(name, c.value(QStringLiteral("image")).toString()));
            parent->addChild(item);
            if (name == selected)
                m_sidebar->setCurrentItem(item);
        }
        parent->setExpanded(true);
    }
    n->setExpanded(true);
    if (noApps && !m_hosts[host].prompted) {
        m_hosts[host].prompted = true;
        offerToAddAll(host, count);
    }
}

// Not a modal loop: the window stays live (and tests answer it like a user).
void ContainerDiscovery::offerToAddAll(QTreeWidgetItem *host, int count) {
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Add containers"),
        tr("This host runs %n container(s) and has no apps yet. Add them all as apps (each in "
           "its compose project, else in \"default\")?",
           nullptr, count),
        QMessageBox::Yes | QMessageBox::No, m_window);
    box->setObjectName(QStringLiteral("firstRunPrompt"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, host](int result) {
        if (result == QMessageBox::Yes && m_hosts.contains(host))
            addAll(host);
    });
    box->open();
}

QStringList ContainerDiscovery::projectsOf(QTreeWidgetItem *host) const {
    return m_hosts.value(host).projects;
}

void ContainerDiscovery::addAsApp(QTreeWidgetItem *container) {
    QTreeWidgetItem *host = hostOf(container);
    const QPointer<client::ServerSession> session = m_hosts.value(host).session;
    if (kind(container) != Container || !session)
        return;
    auto *dialog =
        new AddAppDialog(container->data(0, NameRole).toString(),
                         container->data(0, ProjectRole).toString(), projectsOf(host), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // A refusal (name taken, not an admin) is said in the status bar.
    connect(dialog, &QDialog::accepted, this, [this, dialog, session] {
        if (!session)
            return;
        session->post(QStringLiteral("/api/apps"), dialog->body(), this,
                      [this, session](const client::ServerSession::Reply &reply) {
                          if (!reply.ok()) {
                              emit status(tr("Could not add the app: %1").arg(reply.error));
                              return;
                          }
                          emit appCreated(
                              session,
                              qint64(reply.data.toObject().value(QStringLiteral("id")).toDouble()));
                      });
    });
    dialog->open();
}

void ContainerDiscovery::addAll(QTreeWidgetItem *host) {
    const QPointer<client::ServerSession> session = m_hosts.value(host).session;
    const QHash<QString, QString> containers = listed(host);
    if (!session || containers.isEmpty())
        return;
    struct Tally {
        int left = 0, added = 0;
        qint64 first = 0;
        QStringList errors;
    };
    auto tally = std::make_shared<Tally>();
    tally->left = int(containers.size());
    for (auto it = containers.cbegin(); it != containers.cend(); ++it) {
        const QJsonObject body{{QStringLiteral("name"), it.key().left(100)},
                               {QStringLiteral("project"),
                                it.value().isEmpty() ? QStringLiteral("default") : it.value()},
                               {QStringLiteral("container"), it.key()}};
        session->post(
            QStringLiteral("/api/apps"), body, this,
            [this, session, tally, name = it.key()](const client::ServerSession::Reply &r) {
                if (r.ok()) {
                    ++tally->added;
                    if (!tally->first)
                        tally->first =
                            qint64(r.data.toObject().value(QStringLiteral("id")).toDouble());
                } else {
                    tally->errors << QStringLiteral("%1: %2").arg(name, r.error);
                }
                if (--tally->left > 0 || !session)
                    return;
                emit status(tally->errors.isEmpty()
                                ? tr("Added %n app(s)", nullptr, tally->added)
                                : tr("Added %n app(s); not added: %1", nullptr, tally->added)
                                      .arg(tally->errors.join(QStringLiteral("; "))));
                if (tally->first)
                    emit appCreated(session, tally->first);
            });
    }
}

void ContainerDiscovery::newApp(QTreeWidgetItem *item) {
    QTreeWidgetItem *host = hostOf(item);
    const QPointer<client::ServerSession> session = m_hosts.value(host).session;
    if (!session) {
        emit status(tr("Connect to a server first."));
        return;
    }
    auto *dialog = new NewAppDialog(projectsOf(host), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, session] {
        if (!session)
            return;
        const bool deploy = dialog->deployNow();
        session->post(QStringLiteral("/api/apps"), dialog->body(), this,
                      [this, session, deploy](const client::ServerSession::Reply &reply) {
                          if (!reply.ok()) {
                              emit status(tr("Could not create the app: %1").arg(reply.error));
                              return;
                          }
                          const qint64 id =
                              qint64(reply.data.toObject().value(QStringLiteral("id")).toDouble());
                          emit appCreated(session, id, deploy);
                      });
    });
    dialog->open();
}

void ContainerDiscovery::contextMenu(const QPoint &pos) {
    QTreeWidgetItem *item = m_sidebar->itemAt(pos);
    const Kind k = kind(item);
    // App items are the window's (their own actions); hosts and containers are ours.
    if (!item || (k == NotOurs && item->parent()))
        return;
    QMenu menu(m_sidebar);
    if (k == Container) {
        m_sidebar->setCurrentItem(item);
        menu.addAction(m_addAction);
    }
    if (k == Node) {
        // The node may be rebuilt while the menu is open; its host item stays.
        QTreeWidgetItem *host = hostOf(item);
        menu.addAction(tr("Add all as apps…"), this, [this, host] { addAll(host); });
    }
    menu.addAction(m_newAppAction);
    menu.exec(m_sidebar->viewport()->mapToGlobal(pos));
}

} // namespace mist::gui
