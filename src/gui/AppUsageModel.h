// SPDX-License-Identifier: GPL-3.0-or-later

#pragma once

#include "AppStats.h"

#include <QAbstractTableModel>

namespace mist::gui {

// One row per app of a host with its last /ws/apps/stats figures (AppUsageView). SortRole
// gives every column's value to sort by: numbers for the figures (-1 while the app has no
// running container, so those sort below every running one), lower-case text otherwise.
class AppUsageModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        App,
        Project,
        State,
        Cpu,
        Memory,
        NetRx,
        NetTx,
        BlockRead,
        BlockWrite,
        Pids,
        Restarts,
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int AppIdRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    // The new figures: rows keep their place when the apps are the same ones.
    void setStats(const QList<AppStats> &stats);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QVariant display(const AppStats &s, int column) const;
    static QVariant sortValue(const AppStats &s, int column);
    QList<AppStats> m_rows;
};

} // namespace mist::gui
