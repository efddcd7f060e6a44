// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QStringList>

class QAction;
class QTreeWidget;
class QTreeWidgetItem;
class QWidget;

namespace mist::client {
class ServerSession;
}

namespace mist::gui {

// The host's containers that no app adopts, under a "Containers" node of the host in the
// sidebar (the last child, after the apps), grouped by compose project (GET /api/containers,
// owner and admin; for others, or a server without the route, there is no node). "Add as
// app…" adopts one (AddAppDialog), the node's "Add all as apps" every one, "New app…" creates
// a git app (NewAppDialog) and deploys it; a first run (no apps, containers present) asks once
// per host whether to add them all. README, "The desktop app".
class ContainerDiscovery : public QObject {
    Q_OBJECT
public:
    enum Kind { NotOurs = 0, Node, Group, Container };
    static constexpr int KindRole = Qt::UserRole + 20;
    static constexpr int NameRole = Qt::UserRole + 21;    // a container's name
    static constexpr int ProjectRole = Qt::UserRole + 22; // its compose project

    // `addAction` ("Add as app…") and `newAppAction` ("New app…") are the window's.
    ContainerDiscovery(QTreeWidget *sidebar, QAction *addAction, QAction *newAppAction,
                       QWidget *window);

    static Kind kind(const QTreeWidgetItem *item);
    // The host's "Containers" node taken out of the tree (to be put back after its apps are
    // listed again), nullptr when it has none.
    static QTreeWidgetItem *takeNode(QTreeWidgetItem *host);
    static QTreeWidgetItem *node(const QTreeWidgetItem *host);
    // Containers listed under the host (for tests): name -> compose project (empty: none).
    static QHash<QString, QString> listed(const QTreeWidgetItem *host);

    // After the host's apps were listed: asks for its containers and lists the unadopted ones.
    void update(QTreeWidgetItem *host, client::ServerSession *session, const QJsonArray &apps);
    void addAsApp(QTreeWidgetItem *container);
    void addAll(QTreeWidgetItem *host);
    void newApp(QTreeWidgetItem *item);

Q_SIGNALS:
    // An app was made on `session`'s server: the window lists the host's apps and shows it,
    // and with `deploy` starts its first deployment (the Deployments tab's Deploy).
    void appCreated(mist::client::ServerSession *session, qint64 appId, bool deploy = false);
    void status(const QString &text);

private:
    struct HostState {
        QPointer<client::ServerSession> session;
        QStringList projects; // of the host's apps
        bool prompted = false;
    };
    void show(QTreeWidgetItem *host, const QJsonArray &containers, bool noApps);
    void offerToAddAll(QTreeWidgetItem *host, int count);
    void contextMenu(const QPoint &pos);
    QStringList projectsOf(QTreeWidgetItem *host) const;
    static QTreeWidgetItem *hostOf(QTreeWidgetItem *item);

    QTreeWidget *m_sidebar;
    QAction *m_addAction;
    QAction *m_newAppAction;
    QWidget *m_window;
    QHash<QTreeWidgetItem *, HostState> m_hosts;
};

} // namespace mist::gui
