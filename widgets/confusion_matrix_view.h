#pragma once
// A K×K confusion matrix: rows are the true classes, columns the predicted ones. Each cell
// shows its count and is shaded by its share of the row (the per-class recall), so a weak
// class stands out even when classes have very different sizes.

#include <QStringList>
#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

namespace strata::widgets {

class ConfusionMatrixView : public QWidget
{
    Q_OBJECT

public:
    explicit ConfusionMatrixView(QWidget *parent = nullptr);

    // matrix[true][predicted]; names label both axes (numbers are used for missing names).
    // A matrix that is not square is ignored.
    void setMatrix(std::vector<std::vector<qint64>> matrix, QStringList names);
    void clear();
    // Shown instead of the matrix while there is none (e.g. "No validation set").
    void setPlaceholder(const QString &text);
    QString placeholder() const { return placeholder_; }
    // Prefix of the title, e.g. "Validation, epoch 4"; the accuracy is appended.
    void setCaption(const QString &caption);

    const std::vector<std::vector<qint64>> &matrix() const { return matrix_; }
    QStringList classNames() const { return names_; }
    // The trace over the total, or nothing without counts.
    std::optional<double> accuracy() const;
    QString title() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    // The (true, predicted) cell under a point, as last painted; nothing outside the grid.
    std::optional<std::pair<int, int>> cellAt(QPoint pos) const;

signals:
    // A click on a cell: its true and predicted class.
    void cellClicked(int truth, int predicted);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    QString className(int i) const;

    std::vector<std::vector<qint64>> matrix_;
    QStringList names_;
    QString placeholder_;
    QString caption_;
    // The grid as last painted: its top-left corner and cell size.
    QPoint gridOrigin_;
    int cellSize_ = 0;
};

} // namespace strata::widgets
