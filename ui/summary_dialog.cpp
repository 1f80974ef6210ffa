#include "ui/summary_dialog.h"

#include "ui/document.h"
#include "ui/theme.h"

#include <strata/memory.h>
#include <strata/summary.h>

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace strata::ui {

SummaryDialog::SummaryDialog(Document *document, QWidget *parent)
    : QDialog(parent), document_(document)
{
    setObjectName(QStringLiteral("summaryDialog"));
    setWindowTitle(tr("Model Summary"));
    resize(820, 460);
    table_ = new QTableWidget(this);
    table_->setColumnCount(6);
    table_->setHorizontalHeaderLabels({tr("Layer"), tr("Type"), tr("Output shape"), tr("Param #"),
                                       tr("FLOPs"), tr("Connected to")});
    table_->verticalHeader()->hide();
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setStretchLastSection(true);
    totals_ = new QLabel(this);
    totals_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("Copy as Text"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(QString::fromStdString(
            formatSummary(document_->project().name, document_->graph(), document_->analysis())));
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(table_);
    layout->addWidget(totals_);
    layout->addWidget(buttons);
    connect(document, &Document::analysisChanged, this, &SummaryDialog::refresh);
    connect(document, &Document::nodeChanged, this, &SummaryDialog::refresh);
    connect(document, &Document::settingsChanged, this, &SummaryDialog::refresh); // batch size
    refresh();
}

void SummaryDialog::refresh()
{
    const auto rows = summaryRows(document_->graph(), document_->analysis());
    table_->setRowCount(int(rows.size()));
    for (int r = 0; r < int(rows.size()); ++r) {
        const SummaryRow &row = rows[size_t(r)];
        const bool ok = row.problem.empty();
        const QStringList cells = {toQString(row.name),
                                   toQString(row.type),
                                   toQString(row.outputShape),
                                   ok ? toQString(groupThousands(row.params)) : QString(),
                                   ok ? toQString(humanCount(double(row.flops))) : QString(),
                                   toQString(row.connectedTo)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 3 || c == 4)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (!ok) {
                item->setForeground(errorColor());
                item->setToolTip(toQString(row.problem));
            }
            table_->setItem(r, c, item);
        }
    }
    table_->resizeColumnsToContents();
    const GraphAnalysis &a = document_->analysis();
    totals_->setText(tr("<b>Total params:</b> %1 &nbsp;&nbsp; <b>Trainable:</b> %2 &nbsp;&nbsp; "
                        "<b>Non-trainable:</b> %3 &nbsp;&nbsp; <b>FLOPs per sample:</b> %4")
                         .arg(toQString(groupThousands(a.totalParams)),
                              toQString(groupThousands(a.trainableParams)),
                              toQString(groupThousands(a.totalParams - a.trainableParams)),
                              toQString(humanCount(double(a.totalFlops)))) +
                     trainingMemoryLine());
}

// As `strata-cli summary` ends: what training takes at the project's batch size.
QString SummaryDialog::trainingMemoryLine() const
{
    const GraphAnalysis &a = document_->analysis();
    if (!a.ok())
        return {};
    const TrainingSpec &training = document_->project().training;
    const TrainingMemory m = estimateTrainingMemory(a, training.batchSize, training.optimizer);
    return QStringLiteral("<br>") +
           toQString(describeTrainingMemory(m, training.batchSize)).toHtmlEscaped();
}

} // namespace strata::ui
