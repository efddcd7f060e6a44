// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppUsageModel.h"

#include "MetricsView.h"
#include "StateBadge.h"

#include <QLocale>

namespace mist::gui {

void AppUsageModel::setStats(const QList<AppStats> &stats) {
    bool same = stats.size() == m_rows.size();
    for (int i = 0; same && i < stats.size(); ++i)
        same = stats[i].appId == m_rows[i].appId;
    if (!same) {
        beginResetModel();
        m_rows = stats;
        endResetModel();
        return;
    }
    m_rows = stats;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int AppUsageModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AppUsageModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AppUsageModel::display(const AppStats &s, int column) const {
    const QString none = QStringLiteral("—");
    switch (column) {
    case App:
        return s.name;
    case Project:
        return s.project;
    case State:
        return s.state.isEmpty() ? tr("no container") : s.state;
    case Cpu:
        return s.live ? formatPercent(s.cpuPercent) : none;
    case Memory:
        return !s.live ? none
               : s.memoryLimit > 0
                   ? tr("%1 / %2").arg(formatBytes(s.memoryUsed), formatBytes(s.memoryLimit))
                   : formatBytes(s.memoryUsed);
    case NetRx:
        return s.live ? formatRate(s.rxRate) : none;
    case NetTx:
        return s.live ? formatRate(s.txRate) : none;
    case BlockRead:
        return s.live ? formatRate(s.readRate) : none;
    case BlockWrite:
        return s.live ? formatRate(s.writeRate) : none;
    case Pids:
        return s.live ? QLocale().toString(s.pids) : none;
    case Restarts:
        return QLocale().toString(s.restarts);
    }
    return {};
}

QVariant AppUsageModel::sortValue(const AppStats &s, int column) {
    const auto figure = [&](double v) {
        return s.live ? v : -1.0;
    };
    switch (column) {
    case App:
        return s.name.toLower();
    case Project:
        return s.project.toLower();
    case State:
        return s.state.toLower();
    case Cpu:
        return figure(s.cpuPercent);
    case Memory:
        return figure(s.memoryUsed);
    case NetRx:
        return figure(s.rxRate);
    case NetTx:
        return figure(s.txRate);
    case BlockRead:
        return figure(s.readRate);
    case BlockWrite:
        return figure(s.writeRate);
    case Pids:
        return figure(double(s.pids));
    case Restarts:
        return double(s.restarts);
    }
    return {};
}

QVariant AppUsageModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const AppStats &s = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(s, index.column());
    case SortRole:
        return sortValue(s, index.column());
    case AppIdRole:
        return s.appId;
    case Qt::DecorationRole:
        return index.column() == State ? QVariant(stateIcon(s.state)) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() >= Cpu ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        return index.column() == Memory && s.live && s.memoryLimit > 0
                   ? tr("%1 % of the limit")
                         .arg(QLocale().toString(100.0 * s.memoryUsed / s.memoryLimit, 'f', 1))
                   : QVariant();
    }
    return {};
}

QVariant AppUsageModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case App:
        return tr("App");
    case Project:
        return tr("Project");
    case State:
        return tr("State");
    case Cpu:
        return tr("CPU");
    case Memory:
        return tr("Memory (used / limit)");
    case NetRx:
        return tr("Net in");
    case NetTx:
        return tr("Net out");
    case BlockRead:
        return tr("Disk read");
    case BlockWrite:
        return tr("Disk write");
    case Pids:
        return tr("PIDs");
    case Restarts:
        return tr("Restarts");
    }
    return {};
}

} // namespace mist::gui
