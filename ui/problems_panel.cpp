#include "ui/problems_panel.h"

#include "ui/document.h"
#include "ui/theme.h"

#include <strata/layer.h>

#include <QApplication>
#include <QStyle>

namespace strata::ui {

ProblemsPanel::ProblemsPanel(Document *document, QWidget *parent)
    : QListWidget(parent), document_(document)
{
    setObjectName(QStringLiteral("problemsPanel"));
    setWordWrap(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(document, &Document::analysisChanged, this, &ProblemsPanel::refresh);
    auto activate = [this](QListWidgetItem *item) {
        const QString id = item->data(kNodeRole).toString();
        if (!id.isEmpty())
            emit nodeActivated(id);
    };
    connect(this, &QListWidget::itemClicked, this, activate);
    connect(this, &QListWidget::itemActivated, this, activate);
    refresh();
}

void ProblemsPanel::refresh()
{
    clear();
    const Graph &graph = document_->graph();
    const GraphAnalysis &analysis = document_->analysis();
    const QIcon errorIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
    for (const NodeAnalysis &a : analysis.nodes) {
        if (a.status != NodeStatus::Error)
            continue;
        const Node *node = graph.find(a.id);
        // Most engine messages already start by naming the layer; name it once.
        QString text = toQString(a.message);
        if (node && !text.startsWith(toQString(describe(*node))))
            text = toQString(describe(*node)) + QStringLiteral(": ") + text;
        auto *item = new QListWidgetItem(errorIcon, text, this);
        item->setData(kNodeRole, toQString(a.id));
        item->setToolTip(tr("Click to select the layer"));
    }
    const QIcon warnIcon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const std::string &e : analysis.errors)
        new QListWidgetItem(warnIcon, toQString(e), this);
    if (count() == 0) {
        auto *ok = new QListWidgetItem(tr("No problems: the model is ready to train"), this);
        ok->setForeground(QColor(0x2e, 0x7d, 0x32));
        ok->setFlags(Qt::ItemIsEnabled);
    }
}

} // namespace strata::ui
