#pragma once
// A layout that places its items left to right and wraps them onto the next row when the
// width runs out, like words in a paragraph. A tool row built from it needs only as much
// width as its widest item, so a panel using it can sit in a narrow dock.

#include <QLayout>
#include <QList>

namespace strata::widgets {

class FlowLayout : public QLayout
{
public:
    explicit FlowLayout(QWidget *parent = nullptr, int horizontalSpacing = 12,
                        int verticalSpacing = 6);
    ~FlowLayout() override;

    void addItem(QLayoutItem *item) override;
    int count() const override;
    QLayoutItem *itemAt(int index) const override;
    QLayoutItem *takeAt(int index) override;
    Qt::Orientations expandingDirections() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect &rect) override;

    // Rows the items took at the last setGeometry().
    int rowCount() const { return rows_; }

private:
    // Places the items in rect (or only measures, when apply is false); returns the height
    // used and the number of rows.
    int arrange(const QRect &rect, bool apply, int *rows = nullptr) const;

    QList<QLayoutItem *> items_;
    int horizontalSpacing_;
    int verticalSpacing_;
    int rows_ = 0;
};

} // namespace strata::widgets
