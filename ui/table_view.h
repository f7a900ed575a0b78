#pragma once
// The workstation's tables look and behave alike: whole-row selection, no editing, no
// row numbers, the last column stretched.
#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTableView>

namespace hm {

inline QTableView* makeTableView(QAbstractItemModel* model, const QString& name, int rowHeight = 20,
                                 QAbstractItemView::SelectionMode selection = QAbstractItemView::ExtendedSelection)
{
    auto* view = new QTableView;
    view->setObjectName(name);
    view->setModel(model);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(rowHeight);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(selection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

} // namespace hm
