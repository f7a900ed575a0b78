#include "feed_panel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace hm {

namespace {
QColor kindColour(const std::string& kind)
{
    if (kind == "denial")
        return QColor(255, 110, 110);
    if (kind == "alert")
        return QColor(240, 180, 60);
    if (kind == "audit")
        return QColor(120, 180, 255);
    return QColor(170, 170, 170);
}
} // namespace

FeedPanel::FeedPanel(QWidget* parent) : QWidget(parent)
{
    m_list = new QListWidget;
    m_list->setObjectName(QStringLiteral("feedList"));
    m_list->setFont(QFont(QStringLiteral("DejaVu Sans Mono"), 9));
    m_list->setUniformItemSizes(true);
    m_filter = new QComboBox;
    m_filter->setObjectName(QStringLiteral("feedFilter"));
    m_filter->addItems({tr("all"), QStringLiteral("denial"), QStringLiteral("alert"), QStringLiteral("audit"), QStringLiteral("drop")});
    connect(m_filter, &QComboBox::currentIndexChanged, this, [this] { applyFilter(); });
    m_counts = new QLabel;
    auto* top = new QHBoxLayout;
    top->addWidget(m_counts, 1);
    top->addWidget(new QLabel(tr("Show")));
    top->addWidget(m_filter);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_list);
    m_counts->setText(tr("no denials or alerts yet"));
}

void FeedPanel::update(const EngineSnapshot& s)
{
    if (s.newFeed.empty())
        return;
    const QString filter = m_filter->currentIndex() == 0 ? QString() : m_filter->currentText();
    for (const FeedItem& f : s.newFeed)
        ++m_kindCounts[f.kind];
    // Only the newest kMaxRows can be on show: older ones of a burst are counted, not listed.
    const std::size_t skip = s.newFeed.size() > static_cast<std::size_t>(kMaxRows) ? s.newFeed.size() - kMaxRows : 0;
    for (std::size_t i = skip; i < s.newFeed.size(); ++i) {
        const FeedItem& f = s.newFeed[i];
        const QString time = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(f.time / 1000000)).toString(QStringLiteral("HH:mm:ss.zzz"));
        auto* item = new QListWidgetItem(QStringLiteral("%1  %2  %3  %4")
                                             .arg(time, QString::fromStdString(f.kind).toUpper().leftJustified(6),
                                                  QString::fromStdString(f.source).leftJustified(12),
                                                  QString::fromStdString(f.text)));
        item->setForeground(kindColour(f.kind));
        item->setData(Qt::UserRole, QString::fromStdString(f.kind));
        item->setHidden(!filter.isEmpty() && filter != QString::fromStdString(f.kind));
        m_list->insertItem(0, item);
    }
    while (m_list->count() > kMaxRows)
        delete m_list->takeItem(m_list->count() - 1);
    m_counts->setText(tr("denials %1 · alerts %2 · interventions %3 · dropped %4")
                          .arg(count("denial"))
                          .arg(count("alert"))
                          .arg(count("audit"))
                          .arg(count("drop")));
}

int FeedPanel::count(const std::string& kind) const
{
    const auto it = m_kindCounts.find(kind);
    return it == m_kindCounts.end() ? 0 : it->second;
}

void FeedPanel::reset()
{
    m_list->clear();
    m_kindCounts.clear();
}

int FeedPanel::rows() const { return m_list->count(); }

QString FeedPanel::rowText(int row) const
{
    const QListWidgetItem* item = m_list->item(row);
    return item ? item->text() : QString();
}

void FeedPanel::applyFilter()
{
    const QString filter = m_filter->currentIndex() == 0 ? QString() : m_filter->currentText();
    for (int i = 0; i < m_list->count(); ++i)
        m_list->item(i)->setHidden(!filter.isEmpty() && filter != m_list->item(i)->data(Qt::UserRole).toString());
}

} // namespace hm
