// SPDX-License-Identifier: GPL-3.0-or-later

#include "AppUsageView.h"

#include "AppUsageModel.h"
#include "ui_AppUsageView.h"

#include <QHeaderView>
#include <QSortFilterProxyModel>

namespace mist::gui {

AppUsageView::AppUsageView(QWidget *parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::AppUsageView>())
    , m_model(new AppUsageModel(this))
    , m_proxy(new QSortFilterProxyModel(this)) {
    m_ui->setupUi(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(AppUsageModel::SortRole);
    m_proxy->setDynamicSortFilter(true); // re-sorted as the figures change each second
    m_ui->table->setModel(m_proxy);
    m_ui->table->sortByColumn(AppUsageModel::Cpu, Qt::DescendingOrder);
    m_ui->table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_ui->table->horizontalHeader()->setStretchLastSection(false);
    connect(m_ui->table, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &i) {
        const qint64 id = i.data(AppUsageModel::AppIdRole).toLongLong();
        if (id > 0)
            emit appActivated(id);
    });
    setAvailable(true);
}

AppUsageView::~AppUsageView() = default;

void AppUsageView::setStats(const QList<AppStats> &stats) {
    m_model->setStats(stats);
    m_ui->summary->setText(
        tr("%n app(s) — double-click one to open its logs", nullptr, int(stats.size())));
}

void AppUsageView::setAvailable(bool available) {
    if (!available)
        m_model->setStats({});
    m_ui->summary->setText(available ? tr("Waiting for the apps' figures…")
                                     : tr("This server sends no per-app figures."));
}

QTableView *AppUsageView::table() const {
    return m_ui->table;
}

qint64 AppUsageView::appIdAt(int row) const {
    return m_proxy->index(row, 0).data(AppUsageModel::AppIdRole).toLongLong();
}

} // namespace mist::gui
