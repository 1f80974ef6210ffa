#pragma once
// A small truth table: one row per input of a tiny tabular set (the logic gates), with the
// label in the data, the model's output and whether its answer is right. Rows whose input is
// not in the data show "not taught": the model's answer is a generalisation.

#include <QGroupBox>
#include <QStringList>
#include <QVector>

class QTableWidget;

namespace strata::widgets {

class TruthTableView : public QGroupBox
{
    Q_OBJECT

public:
    struct Row
    {
        QVector<double> inputs;
        int target = -1;         // -1: the input is not in the data
        QVector<double> outputs; // one probability (sigmoid) or one per class
        int predicted = -1;
    };

    explicit TruthTableView(QWidget *parent = nullptr);

    // names: the class names (numbers where missing); caption: e.g. "Epoch 12".
    void setRows(const QVector<Row> &rows, const QStringList &names, const QString &caption);
    void clear();
    int rowCount() const;
    // The height that shows every row without scrolling, the title included.
    int contentHeight() const;
    // The text of a cell as shown (for tests and screen readers).
    QString cellText(int row, int column) const;
    QTableWidget *table() const { return table_; }

private:
    QTableWidget *table_;
};

} // namespace strata::widgets
