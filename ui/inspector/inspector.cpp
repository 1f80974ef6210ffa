#include "ui/inspector/inspector.h"

#include "ui/document.h"
#include "ui/inspector/node_form.h"
#include "ui/inspector/settings_forms.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace strata::ui {

namespace {

QScrollArea *scrolling(QWidget *content, QWidget *parent)
{
    auto *area = new QScrollArea(parent);
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    // Forms wrap their rows instead: a dock never needs scrolling sideways.
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

} // namespace

Inspector::Inspector(Document *document, QWidget *parent) : QWidget(parent), document_(document)
{
    setObjectName(QStringLiteral("inspector"));
    stack_ = new QStackedWidget(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);

    nodeForm_ = new NodeForm(document, this);
    stack_->addWidget(scrolling(nodeForm_, stack_));

    projectPage_ = new QWidget(this);
    auto *page = new QVBoxLayout(projectPage_);
    page->setContentsMargins(8, 8, 8, 8);
    auto *hint = new QLabel(tr("Select a layer to edit it. With nothing selected, these are the "
                               "project's settings."),
                            projectPage_);
    hint->setWordWrap(true);
    hint->setStyleSheet(QStringLiteral("color: #5f6773;"));
    page->addWidget(hint);

    auto *projectBox = new QGroupBox(tr("Project"), projectPage_);
    auto *projectForm = new QFormLayout(projectBox);
    projectForm->setRowWrapPolicy(QFormLayout::WrapLongRows);
    projectName_ = new QLineEdit(projectBox);
    projectName_->setObjectName(QStringLiteral("projectName"));
    projectDescription_ = new QLineEdit(projectBox);
    projectDescription_->setObjectName(QStringLiteral("projectDescription"));
    projectForm->addRow(tr("Name"), projectName_);
    projectForm->addRow(tr("Description"), projectDescription_);
    auto applyInfo = [this] {
        const QString why =
            document_->setProjectInfo(projectName_->text(), projectDescription_->text());
        if (!why.isEmpty())
            refreshProjectInfo();
    };
    connect(projectName_, &QLineEdit::editingFinished, this, applyInfo);
    connect(projectDescription_, &QLineEdit::editingFinished, this, applyInfo);
    page->addWidget(projectBox);

    auto *datasetBox = new QGroupBox(tr("Dataset"), projectPage_);
    auto *datasetLayout = new QVBoxLayout(datasetBox);
    datasetForm_ = new DatasetForm(document, datasetBox);
    datasetLayout->addWidget(datasetForm_);
    page->addWidget(datasetBox);

    auto *trainingBox = new QGroupBox(tr("Training"), projectPage_);
    auto *trainingLayout = new QVBoxLayout(trainingBox);
    trainingForm_ = new TrainingForm(document, trainingBox);
    trainingLayout->addWidget(trainingForm_);
    page->addWidget(trainingBox);
    page->addStretch(1);
    stack_->addWidget(scrolling(projectPage_, stack_));

    multiple_ = new QLabel(this);
    multiple_->setAlignment(Qt::AlignCenter);
    multiple_->setWordWrap(true);
    stack_->addWidget(multiple_);

    // Long entries (device names, file paths) must not widen the dock: combos shrink and
    // show the full text in their pop-up.
    for (QComboBox *combo : projectPage_->findChildren<QComboBox *>()) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
        combo->setMinimumWidth(100); // what a layout may shrink it to, whatever its items

    }

    connect(document, &Document::settingsChanged, this, &Inspector::refreshProjectInfo);
    refreshProjectInfo();
    showNodes({});
}

bool Inspector::showsProject() const
{
    return stack_->currentIndex() == 1;
}

void Inspector::showNodes(const QStringList &ids)
{
    if (ids.size() == 1) {
        if (nodeForm_->nodeId() != ids.front())
            nodeForm_->setNode(ids.front());
        stack_->setCurrentIndex(0);
    } else if (ids.isEmpty()) {
        nodeForm_->setNode(QString());
        stack_->setCurrentIndex(1);
    } else {
        nodeForm_->setNode(QString());
        multiple_->setText(tr("%n layers selected", nullptr, int(ids.size())));
        stack_->setCurrentIndex(2);
    }
}

void Inspector::refreshProjectInfo()
{
    const QSignalBlocker a(projectName_), b(projectDescription_);
    projectName_->setText(document_->projectName());
    projectDescription_->setText(toQString(document_->project().description));
    projectName_->setCursorPosition(0);
    projectDescription_->setCursorPosition(0);
}

} // namespace strata::ui
