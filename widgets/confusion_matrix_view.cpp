#include "widgets/confusion_matrix_view.h"

#include <QFontMetrics>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>

#include <algorithm>

namespace strata::widgets {

namespace {

// matplotlib's "Blues" end points: readable in print and for colour-blind users.
QColor shade(double share)
{
    const QColor lo(247, 251, 255), hi(8, 48, 107);
    auto mix = [share](int a, int b) { return static_cast<int>(a + (b - a) * share + 0.5); };
    return QColor(mix(lo.red(), hi.red()), mix(lo.green(), hi.green()), mix(lo.blue(), hi.blue()));
}

constexpr int kMaxNameWidth = 110;

} // namespace

ConfusionMatrixView::ConfusionMatrixView(QWidget *parent)
    : QWidget(parent), placeholder_(tr("No confusion matrix yet")), caption_(tr("Confusion matrix"))
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(std::vector<std::vector<qint64>> matrix, QStringList names)
{
    for (const auto &row : matrix)
        if (row.size() != matrix.size())
            return;
    matrix_ = std::move(matrix);
    names_ = std::move(names);
    update();
}

void ConfusionMatrixView::clear()
{
    matrix_.clear();
    names_.clear();
    update();
}

void ConfusionMatrixView::setPlaceholder(const QString &text)
{
    placeholder_ = text;
    update();
}

void ConfusionMatrixView::setCaption(const QString &caption)
{
    caption_ = caption;
    update();
}

std::optional<double> ConfusionMatrixView::accuracy() const
{
    qint64 total = 0, correct = 0;
    for (size_t i = 0; i < matrix_.size(); ++i)
        for (size_t j = 0; j < matrix_[i].size(); ++j) {
            total += matrix_[i][j];
            if (i == j)
                correct += matrix_[i][j];
        }
    if (total == 0)
        return std::nullopt;
    return static_cast<double>(correct) / static_cast<double>(total);
}

QString ConfusionMatrixView::title() const
{
    const auto acc = accuracy();
    if (!acc)
        return caption_;
    return tr("%1 · accuracy %2%").arg(caption_).arg(*acc * 100, 0, 'f', 1);
}

QString ConfusionMatrixView::className(int i) const
{
    return i < names_.size() && !names_[i].isEmpty() ? names_[i] : QString::number(i);
}

QSize ConfusionMatrixView::sizeHint() const
{
    return {360, 320};
}

QSize ConfusionMatrixView::minimumSizeHint() const
{
    return {180, 160};
}

void ConfusionMatrixView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), palette().base());

    QFont titleFont = font();
    titleFont.setBold(true);
    const QFontMetrics titleMetrics(titleFont);
    p.setFont(titleFont);
    p.setPen(palette().text().color());
    // A title wider than the view breaks at its " · " into two lines (the caption above the
    // accuracy) rather than losing its ends.
    QString text = title();
    if (titleMetrics.horizontalAdvance(text) > width() - 8)
        text.replace(QStringLiteral(" · "), QStringLiteral("\n"));
    const int lines = int(text.count(QLatin1Char('\n'))) + 1;
    const QRect titleRect(4, 4, width() - 8, titleMetrics.height() * lines);
    p.drawText(
        titleRect, Qt::AlignHCenter | Qt::AlignVCenter,
        titleMetrics.elidedText(text.section(QLatin1Char('\n'), 0, 0), Qt::ElideRight,
                                titleRect.width()) +
            (lines > 1 ? QLatin1Char('\n') + text.section(QLatin1Char('\n'), 1) : QString()));

    const int k = static_cast<int>(matrix_.size());
    if (k == 0) {
        p.setFont(font());
        p.setPen(palette().placeholderText().color());
        p.drawText(rect().adjusted(8, titleRect.bottom(), -8, -8),
                   Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
        return;
    }

    QFont labelFont = font();
    labelFont.setPointSizeF(std::max(7.0, font().pointSizeF() - 1));
    const QFontMetrics fm(labelFont);
    int nameWidth = 0;
    for (int i = 0; i < k; ++i)
        nameWidth = std::max(nameWidth, fm.horizontalAdvance(className(i)));
    nameWidth = std::min(nameWidth, kMaxNameWidth);

    // Margins: axis title + row names on the left, column names + axis title below.
    const int axisTitle = fm.height() + 4;
    const int left = axisTitle + nameWidth + 6;
    const int top = titleRect.bottom() + 6;
    const int avail = std::min(width() - left - 8, height() - top - axisTitle - 8);
    // Column names lie flat when they fit in a cell, otherwise they are turned upright.
    int cell = std::max(4, avail / k);
    bool upright = nameWidth + 4 > cell;
    int bottom = axisTitle + (upright ? nameWidth : fm.height()) + 6;
    cell = std::max(4, std::min(width() - left - 8, height() - top - bottom) / k);
    upright = nameWidth + 4 > cell;
    bottom = axisTitle + (upright ? nameWidth : fm.height()) + 6;

    const int gridW = cell * k;
    const int x0 = left + std::max(0, (width() - left - 8 - gridW) / 2);
    const int y0 = top;
    gridOrigin_ = QPoint(x0, y0);
    cellSize_ = cell;

    QFont countFont = labelFont;
    countFont.setPointSizeF(std::clamp(cell * 0.28, 6.5, font().pointSizeF() + 1));
    const QFontMetrics cm(countFont);
    for (int i = 0; i < k; ++i) {
        qint64 rowTotal = 0;
        for (qint64 v : matrix_[size_t(i)])
            rowTotal += v;
        for (int j = 0; j < k; ++j) {
            const qint64 v = matrix_[size_t(i)][size_t(j)];
            const double share = rowTotal > 0 ? static_cast<double>(v) / rowTotal : 0.0;
            const QRect r(x0 + j * cell, y0 + i * cell, cell, cell);
            p.fillRect(r, shade(share));
            p.setPen(QColor(255, 255, 255));
            p.drawRect(r.adjusted(0, 0, -1, -1));
            const QString text = QString::number(v);
            if (cm.horizontalAdvance(text) + 2 <= cell && cm.height() <= cell) {
                p.setFont(countFont);
                p.setPen(share > 0.5 ? Qt::white : QColor(30, 30, 30));
                p.drawText(r, Qt::AlignCenter, text);
            }
        }
    }
    p.setPen(QColor(160, 160, 160));
    p.drawRect(QRect(x0, y0, gridW, gridW).adjusted(0, 0, -1, -1));

    p.setFont(labelFont);
    p.setPen(palette().text().color());
    const bool namesFit = fm.height() <= cell + 2;
    for (int i = 0; namesFit && i < k; ++i) {
        const QString name = fm.elidedText(className(i), Qt::ElideRight, nameWidth);
        p.drawText(QRect(x0 - nameWidth - 6, y0 + i * cell, nameWidth, cell),
                   Qt::AlignRight | Qt::AlignVCenter, name);
        const QRect colCell(x0 + i * cell, y0 + gridW + 4, cell, bottom - axisTitle - 4);
        if (upright) {
            p.save();
            p.translate(colCell.center().x() + fm.ascent() / 2 - 1, colCell.top());
            p.rotate(-90);
            p.drawText(QRect(-nameWidth, -fm.ascent(), nameWidth, fm.height()),
                       Qt::AlignRight | Qt::AlignVCenter, name);
            p.restore();
        } else {
            p.drawText(colCell, Qt::AlignHCenter | Qt::AlignTop, name);
        }
    }
    // Axis titles.
    p.setPen(palette().placeholderText().color());
    p.drawText(QRect(x0, y0 + gridW + bottom - axisTitle, gridW, axisTitle), Qt::AlignCenter,
               tr("predicted"));
    p.save();
    p.translate(2, y0 + gridW / 2);
    p.rotate(-90);
    p.drawText(QRect(-gridW / 2, 0, gridW, axisTitle), Qt::AlignCenter, tr("true"));
    p.restore();
}

std::optional<std::pair<int, int>> ConfusionMatrixView::cellAt(QPoint pos) const
{
    const int k = static_cast<int>(matrix_.size());
    if (k == 0 || cellSize_ <= 0)
        return std::nullopt;
    const QPoint d = pos - gridOrigin_;
    if (d.x() < 0 || d.y() < 0 || d.x() >= k * cellSize_ || d.y() >= k * cellSize_)
        return std::nullopt;
    return std::make_pair(d.y() / cellSize_, d.x() / cellSize_);
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent *event)
{
    if (const auto cell = cellAt(event->position().toPoint()))
        emit cellClicked(cell->first, cell->second);
    QWidget::mousePressEvent(event);
}

} // namespace strata::widgets
