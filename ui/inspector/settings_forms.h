#pragma once
// The inspector's pages when no layer is selected: the project's dataset and its training
// settings. Each change pushes SetDatasetSpec / SetTrainingSpec through the document; values
// the engine refuses are shown with its message and the editor goes back.

#include <QWidget>

#include <memory>

class QComboBox;
class QFormLayout;
class QLabel;

namespace strata {
struct DatasetSpec;
struct TrainingSpec;
} // namespace strata

namespace strata::ui {

class Document;
template <typename Spec> class SpecBinder;

class DatasetForm : public QWidget
{
    Q_OBJECT

public:
    explicit DatasetForm(Document *document, QWidget *parent = nullptr);
    ~DatasetForm() override;
    QString refusal() const;

private:
    void refresh();
    void addRow(const QString &label, QWidget *field, const QStringList &kinds, const QString &tip);
    void addImageFolderRows();
    void addAugmentationRows(); // dataset_form_augmentation.cpp
    enum class Pick { File, Files, Folder };
    QWidget *filePicker(const QString &objectName, Pick pick, const QString &filter,
                        const QString &tip);
    void showRefusal(const QString &text);

    Document *document_;
    std::unique_ptr<SpecBinder<DatasetSpec>> binder_;
    QFormLayout *form_ = nullptr;
    QComboBox *kind_ = nullptr;
    QLabel *refusal_ = nullptr;
};

class TrainingForm : public QWidget
{
    Q_OBJECT

public:
    explicit TrainingForm(Document *document, QWidget *parent = nullptr);
    ~TrainingForm() override;
    QString refusal() const;

private:
    void refresh();
    void showRefusal(const QString &text);

    Document *document_;
    std::unique_ptr<SpecBinder<TrainingSpec>> binder_;
    QFormLayout *form_ = nullptr;
    QComboBox *optimizer_ = nullptr;
    QComboBox *schedule_ = nullptr;
    QLabel *refusal_ = nullptr;
};

} // namespace strata::ui
