#pragma once
// The inspector dock's content: the selected layer's parameters, or, with nothing selected,
// the project's name, dataset and training settings.

#include <QWidget>

class QLabel;
class QLineEdit;
class QStackedWidget;

namespace strata::ui {

class DatasetForm;
class Document;
class NodeForm;
class TrainingForm;

class Inspector : public QWidget
{
    Q_OBJECT

public:
    explicit Inspector(Document *document, QWidget *parent = nullptr);

    // The selection changed: one id shows that layer, none the project, several a count.
    void showNodes(const QStringList &ids);

    NodeForm *nodeForm() const { return nodeForm_; }
    DatasetForm *datasetForm() const { return datasetForm_; }
    TrainingForm *trainingForm() const { return trainingForm_; }
    bool showsProject() const;

private:
    void refreshProjectInfo();

    Document *document_;
    QStackedWidget *stack_;
    NodeForm *nodeForm_;
    QWidget *projectPage_;
    QLabel *multiple_;
    QLineEdit *projectName_;
    QLineEdit *projectDescription_;
    DatasetForm *datasetForm_;
    TrainingForm *trainingForm_;
};

} // namespace strata::ui
