#include "widgets/truth_table_view.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace strata::widgets {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 3);
}

QString className(const QStringList &names, int i)
{
    return i >= 0 && i < names.size() ? names[i] : QString::number(i);
}

// One sigmoid output is the probability of class 1; several are shown as the chosen class's.
QString outputText(const TruthTableView::Row &row)
{
    if (row.outputs.size() == 1)
        return QString::number(row.outputs[0], 'f', 3);
    if (row.predicted >= 0 && row.predicted < row.outputs.size())
        return QString::number(row.outputs[row.predicted], 'f', 3);
    return {};
}

} // namespace

TruthTableView::TruthTableView(QWidget *parent) : QGroupBox(tr("Truth table"), parent)
{
    setObjectName(QStringLiteral("truthTable"));
    table_ = new QTableWidget(this);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setToolTip(tr("The model's output for every input, after each epoch"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(table_);
}

void TruthTableView::setRows(const QVector<Row> &rows, const QStringList &names,
                             const QString &caption)
{
    const int features = rows.isEmpty() ? 0 : int(rows.front().inputs.size());
    QStringList headers;
    for (int f = 0; f < features; ++f)
        headers << QStringLiteral("x%1").arg(f + 1);
    const bool oneOutput = !rows.isEmpty() && rows.front().outputs.size() == 1;
    headers << tr("target") << (oneOutput ? tr("output") : tr("p(answer)")) << tr("answer");
    // Every epoch brings new outputs for the same rows: the items are updated in place, and
    // the table is rebuilt (and its columns sized) only when its shape changes.
    const bool reshape =
        table_->columnCount() != headers.size() || table_->rowCount() != rows.size();
    if (reshape) {
        table_->clear();
        table_->setColumnCount(int(headers.size()));
        table_->setRowCount(int(rows.size()));
    }
    table_->setHorizontalHeaderLabels(headers);
    const QColor right(0xd8, 0xf0, 0xdc), wrong(0xf8, 0xd7, 0xd3);
    for (int r = 0; r < rows.size(); ++r) {
        const Row &row = rows[r];
        QStringList cells;
        for (double v : row.inputs)
            cells << number(v);
        cells << (row.target < 0 ? tr("not taught") : className(names, row.target));
        cells << outputText(row) << className(names, row.predicted);
        for (int c = 0; c < cells.size(); ++c) {
            QTableWidgetItem *item = table_->item(r, c);
            if (!item) {
                item = new QTableWidgetItem;
                item->setTextAlignment(Qt::AlignCenter);
                table_->setItem(r, c, item);
            }
            if (item->text() != cells[c])
                item->setText(cells[c]);
            if (row.target >= 0 && c >= features + 1)
                item->setBackground(row.predicted == row.target ? right : wrong);
        }
    }
    if (reshape)
        table_->resizeColumnsToContents();
    setTitle(caption.isEmpty() ? tr("Truth table") : tr("Truth table, %1").arg(caption));
}

void TruthTableView::clear()
{
    table_->clear();
    table_->setRowCount(0);
    table_->setColumnCount(0);
    setTitle(tr("Truth table"));
}

int TruthTableView::contentHeight() const
{
    int rows = 0;
    for (int r = 0; r < table_->rowCount(); ++r)
        rows += table_->rowHeight(r);
    const int scrollBar =
        table_->horizontalScrollBar()->isVisible() ? table_->horizontalScrollBar()->height() : 0;
    const int chrome = height() - table_->height(); // the title and margins
    return chrome + table_->horizontalHeader()->height() + rows + scrollBar +
           2 * table_->frameWidth();
}

int TruthTableView::rowCount() const
{
    return table_->rowCount();
}

QString TruthTableView::cellText(int row, int column) const
{
    const QTableWidgetItem *item = table_->item(row, column);
    return item ? item->text() : QString();
}

} // namespace strata::widgets
