// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "AppStats.h"

#include <QWidget>

#include <memory>

class QSortFilterProxyModel;
class QTableView;

namespace Ui {
class AppUsageView;
}

namespace mist::gui {

class AppUsageModel;

// The App usage tab: who is eating the host. One row per app of the shown host with CPU,
// memory used / limit, network and block I/O rates, pids, restarts and state, live every
// second from the host's /ws/apps/stats (AppListWatcher); every column sorts by its value
// (busiest CPU first when opened); a double-click opens the app. README, "The desktop app".
class AppUsageView : public QWidget {
    Q_OBJECT
public:
    explicit AppUsageView(QWidget *parent = nullptr);
    ~AppUsageView() override;

    void setStats(const QList<AppStats> &stats);
    // false: the shown host's server sends no per-app figures (upstream Mist); the table is
    // empty and says so.
    void setAvailable(bool available);
    QTableView *table() const;
    // The app shown in `row` of the table as sorted now (0: none).
    qint64 appIdAt(int row) const;

Q_SIGNALS:
    void appActivated(qint64 appId);

private:
    std::unique_ptr<Ui::AppUsageView> m_ui;
    AppUsageModel *m_model;
    QSortFilterProxyModel *m_proxy;
};

} // namespace mist::gui
