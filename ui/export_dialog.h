#pragma once
// File → Export…: writes the trained model as ONNX, safetensors, or generated PyTorch or
// Keras code through the engine's exportModel(). The weights are the last training run's
// (when there is one) or a .safetensors file the user picks; what was written, and the
// engine's notes or its error, are shown in the dialog. The export runs in the background
// (ui/background_task.h).

#include "strata/project.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;

namespace strata::ui {

class ExportDialog : public QDialog
{
    Q_OBJECT

public:
    // lastRunWeights: the weights file of the last training run ("" when there is none).
    // startDir: where the target and weights pickers start.
    ExportDialog(const strata::Project &project, const QString &lastRunWeights,
                 const QString &startDir, QWidget *parent = nullptr);

    // "onnx", "safetensors", "pytorch" or "keras".
    void setFormat(const QString &format);
    QString format() const;
    void setTarget(const QString &path);
    QString target() const;
    // Uses a weights file instead of the last run's.
    void setWeightsFile(const QString &path);
    QString weightsPath() const;

    // Starts the export (what the Export button does); false when it cannot start, with the
    // reason in the report. exportFinished() follows on the GUI thread.
    bool startExport();
    bool isRunning() const { return running_; }
    // True when the last export wrote its files.
    bool succeeded() const { return succeeded_; }
    QString reportText() const;

signals:
    void exportFinished(bool ok);

private:
    void updateTarget();
    void updateState();
    void browseTarget();
    void browseWeights();
    void showReport(const QString &text, bool error);
    bool writesFolder() const;

    strata::Project project_;
    QString lastRunWeights_;
    QString startDir_;
    QComboBox *format_ = nullptr;
    QLineEdit *target_ = nullptr;
    QRadioButton *useLastRun_ = nullptr;
    QRadioButton *useFile_ = nullptr;
    QLineEdit *weightsFile_ = nullptr;
    QLabel *formatHelp_ = nullptr;
    QPlainTextEdit *report_ = nullptr;
    QPushButton *exportButton_ = nullptr;
    QDialogButtonBox *buttons_ = nullptr;
    bool running_ = false;
    bool succeeded_ = false;
};

} // namespace strata::ui
