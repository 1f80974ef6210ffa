#pragma once
// The inspector's page for one layer, generated from its parameter schema in the registry:
// a spin box with the schema's range for Int, a number box for Float, a combo box for Choice,
// a check box for Bool, a line edit for String, and the help as tooltips. Every edit goes
// through Document::setParam; a value the engine refuses is shown with its message and not
// applied.

#include <nlohmann/json.hpp>

#include <QHash>
#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;

namespace strata::ui {

class Document;

class NodeForm : public QWidget
{
    Q_OBJECT

public:
    explicit NodeForm(Document *document, QWidget *parent = nullptr);

    // Builds the editors for a node (an empty id clears the form).
    void setNode(const QString &id);
    QString nodeId() const { return nodeId_; }

    // The editor of a parameter (object name "param_<name>"), or nullptr.
    QWidget *editor(const QString &param) const { return editors_.value(param); }
    QLineEdit *nameEdit() const { return nameEdit_; }
    // The last refusal ("" after an accepted edit).
    QString refusal() const;
    QLabel *statusLabel() const { return status_; }

    // What every editor calls: sets the parameter or shows why not. Returns the refusal.
    QString applyParam(const QString &param, const nlohmann::json &value);

private:
    void rebuild();
    void refreshValues();
    void refreshStatus();
    void showRefusal(const QString &text);

    Document *document_;
    QString nodeId_;
    QLabel *header_ = nullptr;
    QLabel *help_ = nullptr;
    QFormLayout *form_ = nullptr;
    QLineEdit *nameEdit_ = nullptr;
    QLabel *idLabel_ = nullptr;
    QLabel *refusal_ = nullptr;
    QLabel *status_ = nullptr;
    QHash<QString, QWidget *> editors_;
};

} // namespace strata::ui
