// SPDX-License-Identifier: GPL-3.0-or-later

#include "SidebarApps.h"

#include "AppListWatcher.h"
#include "AppStats.h"
#include "ContainerDiscovery.h"
#include "MetricsView.h"
#include "StateBadge.h"
#include "StatusWords.h"

#include <QBrush>
#include <QCoreApplication>
#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>
#include <QTreeWidgetItem>

namespace mist::gui {

namespace {
void setAppText(QTreeWidgetItem *item, const AppStats *stats) {
    // The engine is down: the last known state stays, greyed (SidebarApps::setEngineDown()).
    const bool down = SidebarApps::engineDown(SidebarApps::hostOf(item));
    if (down)
        stats = nullptr;
    const QVariant foreground =
        down
            ? QVariant(QBrush(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text)))
            : QVariant();
    if (item->data(0, Qt::ForegroundRole) != foreground)
        item->setData(0, Qt::ForegroundRole, foreground);
    const QString listState = item->data(0, SidebarApps::ListStateRole).toString();
    const QString status = SidebarApps::liveStatus(
        item->data(0, SidebarApps::JsonRole).toJsonObject(), QDateTime::currentMSecsSinceEpoch());
    // The stream's state is a second old at most; the list's status text may be older.
    const QString state = stats && !stats->state.isEmpty() ? stats->state : listState;
    QString line = state.isEmpty()                          ? SidebarApps::tr("no container")
                   : state != listState || status.isEmpty() ? state
                                                            : status;
    const qint64 restarts = stats  ? stats->restarts
                            : down ? item->data(0, SidebarApps::RestartsRole).toLongLong()
                                   : 0;
    if (restarts > 0)
        line += QStringLiteral(" · ") + SidebarApps::tr("%n restart(s)", nullptr, int(restarts));
    // The project is the node above: the narrow sidebar keeps its room for the state.
    QString name = item->data(0, SidebarApps::NameRole).toString();
    if (const int alerts = item->data(0, SidebarApps::AlertsRole).toInt(); alerts > 0)
        name += QStringLiteral("  \u26a0 %1").arg(alerts);
    QString text = QStringLiteral("%1\n%2").arg(name, line);
    if (stats && stats->live)
        text += u'\n' + SidebarApps::tr("CPU %1 · %2")
                            .arg(formatPercent(stats->cpuPercent), formatBytes(stats->memoryUsed));
    if (item->text(0) != text)
        item->setText(0, text);
    if (item->data(0, SidebarApps::StateRole).toString() != state) {
        item->setData(0, SidebarApps::StateRole, state);
        item->setIcon(0, stateIcon(state));
    }
    item->setData(0, SidebarApps::RestartsRole, restarts);
    item->setData(0, SidebarApps::CpuRole,
                  stats && stats->live ? QVariant(stats->cpuPercent) : QVariant());
}
} // namespace

bool SidebarApps::isProject(const QTreeWidgetItem *item) {
    return item && item->data(0, ProjectNodeRole).toBool();
}

bool SidebarApps::isApp(const QTreeWidgetItem *item) {
    return item && item->parent() && !isProject(item) &&
           ContainerDiscovery::kind(item) == ContainerDiscovery::NotOurs;
}

QTreeWidgetItem *SidebarApps::hostOf(QTreeWidgetItem *item) {
    while (item && item->parent())
        item = item->parent();
    return item;
}

QList<QTreeWidgetItem *> SidebarApps::projects(const QTreeWidgetItem *host) {
    QList<QTreeWidgetItem *> out;
    for (int i = 0; host && i < host->childCount(); ++i)
        if (isProject(host->child(i)))
            out.append(host->child(i));
    return out;
}

QList<QTreeWidgetItem *> SidebarApps::apps(const QTreeWidgetItem *host) {
    QList<QTreeWidgetItem *> out;
    for (QTreeWidgetItem *project : projects(host))
        for (int i = 0; i < project->childCount(); ++i)
            if (isApp(project->child(i)))
                out.append(project->child(i));
    return out;
}

QTreeWidgetItem *SidebarApps::find(const QTreeWidgetItem *host, qint64 appId) {
    for (QTreeWidgetItem *app : apps(host))
        if (app->data(0, IdRole).toLongLong() == appId)
            return app;
    return nullptr;
}

QSet<QString> SidebarApps::clear(QTreeWidgetItem *host) {
    QSet<QString> collapsed;
    for (QTreeWidgetItem *project : projects(host)) {
        if (!project->isExpanded())
            collapsed.insert(project->data(0, ProjectRole).toString());
        delete project;
    }
    return collapsed;
}

QTreeWidgetItem *SidebarApps::add(QTreeWidgetItem *host, const QJsonObject &app,
                                  const QSet<QString> &collapsed, const QString &tip) {
    const QString project = app.value(QStringLiteral("projectName")).toString();
    QTreeWidgetItem *node = nullptr;
    for (QTreeWidgetItem *p : projects(host))
        if (p->data(0, ProjectRole).toString() == project)
            node = p;
    if (!node) {
        node = new QTreeWidgetItem;
        // Before the Containers node, if there is one.
        const int at = ContainerDiscovery::node(host) ? host->childCount() - 1 : host->childCount();
        host->insertChild(at, node);
        node->setText(0, project.isEmpty() ? tr("No project") : project);
        node->setData(0, ProjectNodeRole, true);
        node->setData(0, ProjectRole, project);
        node->setFlags(Qt::ItemIsEnabled);
        node->setExpanded(!collapsed.contains(project));
    }
    auto *item = new QTreeWidgetItem(node);
    item->setData(0, IdRole, qint64(app.value(QStringLiteral("id")).toDouble()));
    item->setData(0, NameRole, app.value(QStringLiteral("name")).toString());
    item->setData(0, GitRole, app.value(QStringLiteral("gitUrl")).isString());
    item->setData(0, ProjectRole, project);
    item->setData(0, ListStateRole, app.value(QStringLiteral("containerState")).toString());
    item->setData(0, StatusRole, app.value(QStringLiteral("containerStatus")).toString());
    item->setData(0, JsonRole, app);
    item->setData(0, StateRole, QStringLiteral("\x01")); // set by setAppText() with its icon
    item->setToolTip(0, tip);
    setAppText(item, nullptr);
    return item;
}

QString SidebarApps::liveStatus(const QJsonObject &app, qint64 nowMs) {
    auto text = [&](const char *key) {
        return app.value(QLatin1String(key)).toString();
    };
    const QString words =
        StatusWords::of(ContainerTimes{text("containerState"), text("containerStartedAt"),
                                       text("containerFinishedAt"),
                                       app.value(QStringLiteral("containerExitCode")).toInt()},
                        nowMs);
    // The engine's own words when the times do not tell, in the reader's language too; its
    // health check's verdict ("(healthy)") is only in its words.
    return words.isEmpty() ? StatusWords::fromEngine(text("containerStatus"))
                           : words + StatusWords::healthOf(text("containerStatus"));
}

void SidebarApps::applyStats(QTreeWidgetItem *host, const AppListWatcher *watcher) {
    for (QTreeWidgetItem *app : apps(host))
        applyStats(app, watcher ? watcher->statsOf(app->data(0, IdRole).toLongLong()) : nullptr);
}

void SidebarApps::applyStats(QTreeWidgetItem *app, const AppStats *stats) {
    setAppText(app, stats);
}

void SidebarApps::setAlertCounts(QTreeWidgetItem *host, const QHash<qint64, int> &counts,
                                 const AppListWatcher *watcher) {
    bool changed = false;
    for (QTreeWidgetItem *app : apps(host)) {
        const int count = counts.value(app->data(0, IdRole).toLongLong());
        if (app->data(0, AlertsRole).toInt() != count) {
            app->setData(0, AlertsRole, count);
            changed = true;
        }
    }
    if (changed)
        applyStats(host, watcher);
}

bool SidebarApps::setEngineDown(QTreeWidgetItem *host, bool down, const AppListWatcher *watcher) {
    if (!host || engineDown(host) == down)
        return false;
    host->setData(0, EngineDownRole, down);
    applyStats(host, watcher);
    return true;
}

bool SidebarApps::engineDown(const QTreeWidgetItem *host) {
    return host && host->data(0, EngineDownRole).toBool();
}

QJsonArray SidebarApps::keepKnownStates(QTreeWidgetItem *host, const QJsonArray &apps) {
    if (!host)
        return apps;
    const QVariantHash known = host->data(0, KnownStatesRole).toHash();
    QVariantHash next; // only the listed apps: the memory stays as small as the list
    const bool down = engineDown(host);
    QJsonArray out;
    for (const QJsonValue &v : apps) {
        QJsonObject app = v.toObject();
        const QString id = QString::number(qint64(app.value(QStringLiteral("id")).toDouble()));
        if (app.value(QStringLiteral("containerState")).isString()) {
            QJsonObject fields;
            for (auto it = app.begin(); it != app.end(); ++it)
                if (it.key().startsWith(QLatin1String("container")) &&
                    it.key() != QLatin1String("containerName"))
                    fields.insert(it.key(), it.value());
            next.insert(id, fields);
        } else if (known.contains(id)) {
            next.insert(id, known.value(id));
            if (down) {
                const QJsonObject fields = known.value(id).toJsonObject();
                for (auto it = fields.begin(); it != fields.end(); ++it)
                    app.insert(it.key(), it.value());
            }
        }
        out.append(app);
    }
    host->setData(0, KnownStatesRole, next);
    return out;
}

QString SidebarApps::engineUnreachableText(const QString &address, const QString &hostLabel) {
    return address.isEmpty()
               ? tr("Docker engine unreachable on %1").arg(hostLabel)
               : tr("Docker engine unreachable at %1 — is dockerd running?").arg(address);
}

} // namespace mist::gui
