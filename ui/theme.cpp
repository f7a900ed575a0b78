#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace hm {

void applyDarkTheme(QApplication& app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor window(37, 40, 46), base(26, 28, 33), text(220, 222, 226), accent(64, 128, 200);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(33, 36, 42));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(48, 52, 60));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    app.setPalette(p);
    app.setStyleSheet(QStringLiteral(
        "QDockWidget::title { background:#2b2f36; padding:4px; font-weight:bold; }"
        "QHeaderView::section { background:#2b2f36; color:#dcdee2; border:0; padding:3px; }"
        "QTableView { gridline-color:#33373e; }"));
}

} // namespace hm
