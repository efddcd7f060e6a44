// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <Qt>

class QTreeWidgetItem;

namespace mist::gui {

struct AppStats;
class AppListWatcher;

// A host's apps in the sidebar, grouped by project: host → project node → app (then the
// host's "Containers" node of ContainerDiscovery, last). An app's item carries its id, name,
// git flag and engine state in the roles below; its text is "name\nstatus", with
// " · N restarts" when the container restarted, and a third line with its live CPU and memory
// while it runs (from the host's AppListWatcher). README, "The desktop app".
class SidebarApps {
    Q_DECLARE_TR_FUNCTIONS(mist::gui::SidebarApps)
public:
    enum Role {
        IdRole = Qt::UserRole,
        NameRole,
        GitRole,
        StateRole, // the engine state (its badge: StateBadge.h); empty: no container
        StatusRole = Qt::UserRole + 30, // the app list's containerStatus ("Up 2 minutes")
        ProjectRole,                    // the app's project
        ListStateRole,                  // the state the app list said
        ProjectNodeRole,                // true on a project node
        RestartsRole,                   // the container's restart count (last stats)
        CpuRole,                        // CPU % (last stats; invalid while not running)
        JsonRole,                       // the app's GET /api/apps entry
        EngineDownRole,                 // on a host: its Docker engine is unreachable
        KnownStatesRole,                // on a host: its apps' last known container fields
        AlertsRole,                     // alerts firing for the app, not acknowledged
    };

    static bool isProject(const QTreeWidgetItem *item);
    // An app's item (not a host, project node or anything of ContainerDiscovery).
    static bool isApp(const QTreeWidgetItem *item);
    static QTreeWidgetItem *hostOf(QTreeWidgetItem *item);
    // The host's apps in sidebar order.
    static QList<QTreeWidgetItem *> apps(const QTreeWidgetItem *host);
    static QTreeWidgetItem *find(const QTreeWidgetItem *host, qint64 appId);
    // The host's project nodes, by name.
    static QList<QTreeWidgetItem *> projects(const QTreeWidgetItem *host);

    // Takes the host's project nodes (and their apps) out and deletes them; answers the
    // projects the reader had collapsed, for fill().
    static QSet<QString> clear(QTreeWidgetItem *host);
    // An item for `app` (a GET /api/apps entry) under its project's node, made when missing
    // (expanded unless in `collapsed`); `tip` is its tooltip.
    static QTreeWidgetItem *add(QTreeWidgetItem *host, const QJsonObject &app,
                                const QSet<QString> &collapsed, const QString &tip);
    // An app's status as of `nowMs`: worked out from its container's times (StatusWords: "Up
    // 48 seconds", "Exited (0) 3 minutes ago", localised), or the engine's own words when the
    // times do not tell.
    static QString liveStatus(const QJsonObject &app, qint64 nowMs);
    // The live figures on every app of the host (nullptr: none known); the status words are
    // worked out afresh (once a second they move on).
    static void applyStats(QTreeWidgetItem *host, const AppListWatcher *watcher);
    static void applyStats(QTreeWidgetItem *app, const AppStats *stats);

    // While the host's Docker engine is unreachable its apps keep their last known state (the
    // engine says nothing about them then), greyed; live figures are dropped. Cleared (false)
    // they follow the app list and the stats again. README, "The desktop app".
    // Answers whether that changed.
    // The alerts firing (not acknowledged) for each of the host's apps, by app id: an app with
    // any shows "⚠ N" after its name (the Alerts tab says which). Apps not in `counts` have
    // none.
    static void setAlertCounts(QTreeWidgetItem *host, const QHash<qint64, int> &counts,
                               const AppListWatcher *watcher);

    static bool setEngineDown(QTreeWidgetItem *host, bool down, const AppListWatcher *watcher);
    static bool engineDown(const QTreeWidgetItem *host);
    // Remembers each listed app's last known container fields (the last list that had a state
    // for it: a list may arrive just before the host is known to have lost its engine) and,
    // while the host's engine is down, answers `apps` (GET /api/apps) with those fields in
    // place of the engine's silence; `apps` unchanged otherwise.
    static QJsonArray keepKnownStates(QTreeWidgetItem *host, const QJsonArray &apps);
    // "Docker engine unreachable at <address> — is dockerd running?"; without an address
    // (a remote server) "Docker engine unreachable on <host label>".
    static QString engineUnreachableText(const QString &address, const QString &hostLabel);
};

} // namespace mist::gui
