#pragma once
// The live model summary (Keras' model.summary()): one row per layer with its output shape,
// parameters, FLOPs and inputs, and the totals; it follows every edit while open.

#include <QDialog>

class QLabel;
class QTableWidget;

namespace strata::ui {

class Document;

class SummaryDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SummaryDialog(Document *document, QWidget *parent = nullptr);

    QTableWidget *table() const { return table_; }
    QLabel *totals() const { return totals_; }

private:
    void refresh();
    QString trainingMemoryLine() const;

    Document *document_;
    QTableWidget *table_;
    QLabel *totals_;
};

} // namespace strata::ui
