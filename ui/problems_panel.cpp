#include "ui/problems_panel.h"

#include "ui/document.h"
#include "ui/quick_fix.h"

#include <QApplication>
#include <QStyle>
#include <QTimer>

namespace strata::ui {

ProblemsPanel::ProblemsPanel(Document *document, QWidget *parent)
    : QListWidget(parent), document_(document)
{
    setObjectName(QStringLiteral("problemsPanel"));
    setWordWrap(true);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(document, &Document::problemsChanged, this, &ProblemsPanel::refresh);
    auto showNode = [this](QListWidgetItem *item) {
        const QString id = item->data(kNodeRole).toString();
        if (!id.isEmpty())
            emit nodeActivated(id);
    };
    connect(this, &QListWidget::itemClicked, this, [this, showNode](QListWidgetItem *item) {
        const QVariant fix = item->data(kFixRole);
        if (!fix.isValid()) {
            showNode(item);
            return;
        }
        // After the click is handled: the fix rebuilds this list, the clicked row included.
        const int index = fix.toInt();
        QTimer::singleShot(0, this, [this, index] { applyFix(index); });
    });
    connect(this, &QListWidget::itemActivated, this, [showNode](QListWidgetItem *item) {
        if (!item->data(kFixRole).isValid())
            showNode(item);
    });
    refresh();
}

void ProblemsPanel::refresh()
{
    clear();
    QStyle *style = QApplication::style();
    const QIcon errorIcon = style->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon warnIcon = style->standardIcon(QStyle::SP_MessageBoxWarning);
    const QIcon fixIcon = style->standardIcon(QStyle::SP_DialogApplyButton);
    const std::vector<ProjectProblem> &problems = document_->problems();
    for (size_t i = 0; i < problems.size(); ++i) {
        const ProjectProblem &p = problems[i];
        const bool error = p.severity == ProblemSeverity::Error;
        auto *item = new QListWidgetItem(error ? errorIcon : warnIcon, toQString(p.message), this);
        item->setData(kNodeRole, toQString(p.nodeId));
        if (!p.nodeId.empty())
            item->setToolTip(tr("Click to show the layer"));
        const QString fix = quickFixText(p);
        if (fix.isEmpty())
            continue;
        auto *row = new QListWidgetItem(fixIcon, tr("Quick fix: %1").arg(fix), this);
        row->setData(kNodeRole, toQString(p.nodeId));
        row->setData(kFixRole, static_cast<int>(i));
        row->setForeground(palette().link());
        QFont font = row->font();
        font.setUnderline(true);
        row->setFont(font);
        row->setToolTip(tr("Click to apply the fix (Edit ▸ Undo takes it back)"));
    }
    if (count() == 0) {
        auto *ok = new QListWidgetItem(tr("No problems: the model is ready to train"), this);
        ok->setForeground(QColor(0x2e, 0x7d, 0x32));
        ok->setFlags(Qt::ItemIsEnabled);
    }
}

QString whyTrainIsBlocked(const Document &document)
{
    int errors = 0;
    QString first;
    for (const ProjectProblem &p : document.problems())
        if (p.severity == ProblemSeverity::Error && errors++ == 0)
            first = toQString(p.message);
    if (errors == 0)
        return {};
    QString text = QObject::tr("Fix the problems first (see the Problems panel): %1").arg(first);
    if (errors > 1)
        text += QObject::tr(" (and %n more)", nullptr, errors - 1);
    return text;
}

void ProblemsPanel::applyFix(int problemIndex)
{
    const std::vector<ProjectProblem> &problems = document_->problems();
    if (problemIndex < 0 || problemIndex >= static_cast<int>(problems.size()))
        return; // the problem went away meanwhile
    const ProjectProblem problem = problems[size_t(problemIndex)];
    if (const QString why = applyQuickFix(document_, problem); !why.isEmpty())
        emit fixRefused(why);
}

} // namespace strata::ui
