#include "ui/inspector/node_form.h"

#include "ui/document.h"
#include "ui/inspector/form_fields.h"
#include "ui/theme.h"

#include <strata/errors.h>
#include <strata/layer.h>
#include <strata/summary.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata::ui {

namespace {

int clampToInt(double v)
{
    constexpr double lo = std::numeric_limits<int>::min();
    constexpr double hi = std::numeric_limits<int>::max();
    return static_cast<int>(std::clamp(v, lo, hi));
}

QString rangeTip(const ParamSpec &spec)
{
    const bool lo = std::isfinite(spec.min), hi = std::isfinite(spec.max);
    if (!lo && !hi)
        return {};
    return QObject::tr("<br><i>Allowed: %1 to %2</i>")
        .arg(lo ? QString::number(spec.min) : QStringLiteral("−∞"),
             hi ? QString::number(spec.max) : QStringLiteral("∞"));
}

} // namespace

NodeForm::NodeForm(Document *document, QWidget *parent) : QWidget(parent), document_(document)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    header_ = new QLabel(this);
    header_->setTextFormat(Qt::RichText);
    help_ = new QLabel(this);
    help_->setWordWrap(true);
    help_->setStyleSheet(QStringLiteral("color: #5f6773;"));
    form_ = new QFormLayout;
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // A field too wide for the dock moves under its label rather than widening the form.
    form_->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form_->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    refusal_ = new QLabel(this);
    refusal_->setObjectName(QStringLiteral("refusal"));
    refusal_->setWordWrap(true);
    refusal_->setStyleSheet(
        QStringLiteral("color: %1; font-weight: bold;").arg(errorColor().name()));
    refusal_->hide();
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("nodeStatus"));
    status_->setWordWrap(true);
    status_->setTextFormat(Qt::RichText);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(header_);
    layout->addWidget(help_);
    layout->addSpacing(4);
    layout->addLayout(form_);
    layout->addWidget(refusal_);
    layout->addSpacing(6);
    layout->addWidget(status_);
    layout->addStretch(1);

    connect(document, &Document::nodeChanged, this, [this](const QString &id) {
        if (id == nodeId_)
            refreshValues();
    });
    connect(document, &Document::analysisChanged, this, &NodeForm::refreshStatus);
    connect(document, &Document::nodeRemoved, this, [this](const QString &id) {
        if (id == nodeId_)
            setNode(QString());
    });
    connect(document, &Document::projectReset, this, [this] { setNode(QString()); });
}

void NodeForm::setNode(const QString &id)
{
    nodeId_ = id;
    rebuild();
}

QString NodeForm::refusal() const
{
    return refusal_->isHidden() ? QString() : refusal_->text();
}

void NodeForm::showRefusal(const QString &text)
{
    refusal_->setText(text);
    refusal_->setVisible(!text.isEmpty());
}

QString NodeForm::applyParam(const QString &param, const nlohmann::json &value)
{
    const QString why = document_->setParam(nodeId_, param, value);
    showRefusal(why);
    if (!why.isEmpty())
        refreshValues(); // the editor goes back to the value the project holds
    return why;
}

void NodeForm::rebuild()
{
    while (form_->rowCount() > 0)
        form_->removeRow(0);
    editors_.clear();
    nameEdit_ = nullptr;
    showRefusal(QString());
    const Node *node = document_->graph().find(toStd(nodeId_));
    const LayerType *type = node ? LayerRegistry::instance().find(node->type) : nullptr;
    if (!node || !type) {
        header_->clear();
        help_->clear();
        status_->clear();
        return;
    }
    header_->setText(QStringLiteral("<span style='font-size:13pt; font-weight:600; color:%1'>%2"
                                    "</span>&nbsp;&nbsp;<span style='color:#5f6773'>%3</span>")
                         .arg(categoryColor(toQString(type->category)).name(),
                              toQString(type->name), toQString(type->category)));
    help_->setText(toQString(type->help));

    nameEdit_ = new QLineEdit(this);
    nameEdit_->setObjectName(QStringLiteral("name"));
    nameEdit_->setToolTip(tr("What you call this layer; shown on the canvas and in the summary"));
    connect(nameEdit_, &QLineEdit::editingFinished, this, [this] {
        const QString why = document_->renameNode(nodeId_, nameEdit_->text());
        showRefusal(why);
        if (!why.isEmpty())
            refreshValues();
    });
    form_->addRow(tr("Name"), nameEdit_);
    idLabel_ = new QLabel(toQString(node->id), this);
    idLabel_->setStyleSheet(QStringLiteral("color: #5f6773;"));
    idLabel_->setToolTip(tr("The id links and files use; it never changes"));
    form_->addRow(tr("Id"), idLabel_);

    for (const ParamSpec &spec : type->params) {
        const QString name = toQString(spec.name);
        const QString tip = QStringLiteral("<b>%1</b><br>%2%3")
                                .arg(name, toQString(spec.help).toHtmlEscaped(), rangeTip(spec));
        QWidget *editor = nullptr;
        switch (spec.type) {
        case ParamType::Int: {
            auto *box = new QSpinBox(this);
            box->setRange(clampToInt(spec.min), clampToInt(spec.max));
            box->setKeyboardTracking(false); // one edit per value, not per keystroke
            box->setGroupSeparatorShown(true);
            // "not used (features)" for an Input's height of 0, not a 0 beside features 2;
            // "same as pad" for a Conv2D side's -1.
            if (!spec.unsetText.empty() && std::isfinite(spec.min) &&
                clampToInt(spec.min) == box->minimum())
                box->setSpecialValueText(QString::fromStdString(spec.unsetText));
            connect(box, &QSpinBox::valueChanged, this,
                    [this, name](int v) { applyParam(name, v); });
            editor = box;
            break;
        }
        case ParamType::Float: {
            auto *box = new NumberSpinBox(this);
            box->setRange(std::isfinite(spec.min) ? spec.min : -1e300,
                          std::isfinite(spec.max) ? spec.max : 1e300);
            connect(box, &QDoubleSpinBox::valueChanged, this,
                    [this, name](double v) { applyParam(name, v); });
            editor = box;
            break;
        }
        case ParamType::Bool: {
            auto *box = new QCheckBox(this);
            connect(box, &QCheckBox::toggled, this, [this, name](bool v) { applyParam(name, v); });
            editor = box;
            break;
        }
        case ParamType::Choice: {
            auto *box = new QComboBox(this);
            for (const std::string &c : spec.choices)
                box->addItem(toQString(c), toQString(c));
            connect(box, &QComboBox::activated, this, [this, name, box](int i) {
                applyParam(name, box->itemData(i).toString().toStdString());
            });
            editor = box;
            break;
        }
        case ParamType::String: {
            auto *edit = new QLineEdit(this);
            connect(edit, &QLineEdit::editingFinished, this,
                    [this, name, edit] { applyParam(name, edit->text().toStdString()); });
            editor = edit;
            break;
        }
        }
        editor->setObjectName(QStringLiteral("param_") + name);
        editor->setToolTip(tip);
        auto *label = new QLabel(name, this);
        label->setToolTip(tip);
        form_->addRow(label, editor);
        editors_.insert(name, editor);
    }
    refreshValues();
    refreshStatus();
}

void NodeForm::refreshValues()
{
    const Node *node = document_->graph().find(toStd(nodeId_));
    const LayerType *type = node ? LayerRegistry::instance().find(node->type) : nullptr;
    if (!node || !type)
        return;
    if (nameEdit_ && nameEdit_->text() != toQString(node->name)) {
        const QSignalBlocker b(nameEdit_);
        nameEdit_->setText(toQString(node->name));
    }
    std::vector<std::string> unused;
    try {
        unused = type->unusedParams(LayerRegistry::instance().resolveParams(*node));
    } catch (const Error &) {
        // Invalid values: the status line says why; nothing is marked unused.
    }
    for (const ParamSpec &spec : type->params) {
        QWidget *editor = editors_.value(toQString(spec.name));
        if (!editor)
            continue;
        const nlohmann::json v =
            node->params.contains(spec.name) ? node->params.at(spec.name) : spec.defaultValue;
        const QSignalBlocker b(editor);
        const bool isUnused = std::find(unused.begin(), unused.end(), spec.name) != unused.end();
        if (auto *box = qobject_cast<QSpinBox *>(editor); box && v.is_number()) {
            box->setValue(clampToInt(v.get<double>()));
            // A value these settings ignore says so (an image Input's features of 2), and so
            // does the text shown for the minimum unless it says so already.
            const bool showsUnsetText =
                !box->specialValueText().isEmpty() && box->value() == box->minimum();
            box->setSuffix(isUnused && !showsUnsetText ? tr(" (not used)") : QString());
            if (!box->specialValueText().isEmpty()) {
                const QString unset = toQString(spec.unsetText);
                box->setSpecialValueText(isUnused && !unset.contains(QStringLiteral("not used"))
                                             ? unset + tr(" (not used)")
                                             : unset);
            }
        } else if (auto *dbox = qobject_cast<QDoubleSpinBox *>(editor); dbox && v.is_number())
            dbox->setValue(v.get<double>());
        else if (auto *check = qobject_cast<QCheckBox *>(editor); check && v.is_boolean())
            check->setChecked(v.get<bool>());
        else if (auto *combo = qobject_cast<QComboBox *>(editor); combo && v.is_string())
            combo->setCurrentIndex(combo->findData(toQString(v.get<std::string>())));
        else if (auto *edit = qobject_cast<QLineEdit *>(editor); edit && v.is_string())
            edit->setText(toQString(v.get<std::string>()));
    }
}

void NodeForm::refreshStatus()
{
    const NodeAnalysis *a = document_->analysis().find(toStd(nodeId_));
    if (!a) {
        status_->clear();
        return;
    }
    if (a->status == NodeStatus::Ok) {
        QStringList inputs;
        for (const Shape &s : a->inputs)
            inputs << toQString(toString(s));
        status_->setText(
            tr("<table cellspacing='2'>"
               "<tr><td style='color:#5f6773'>Input</td><td>%1</td></tr>"
               "<tr><td style='color:#5f6773'>Output&nbsp;&nbsp;</td><td><b>%2</b></td></tr>"
               "<tr><td style='color:#5f6773'>Parameters</td><td>%3 (%4 trainable)</td></tr>"
               "<tr><td style='color:#5f6773'>FLOPs</td><td>%5 per sample</td></tr></table>")
                .arg(inputs.isEmpty() ? tr("none") : inputs.join(QStringLiteral(", ")),
                     toQString(toString(a->output)), toQString(groupThousands(a->params)),
                     toQString(groupThousands(a->trainableParams)),
                     toQString(humanCount(double(a->flops)))));
        return;
    }
    const QColor color = a->status == NodeStatus::Error ? errorColor() : QColor(0x6b, 0x72, 0x7d);
    status_->setText(QStringLiteral("<span style='color:%1'><b>%2</b> %3</span>")
                         .arg(color.name(),
                              a->status == NodeStatus::Error ? tr("Problem:") : tr("Waiting:"),
                              toQString(a->message).toHtmlEscaped()));
}

} // namespace strata::ui
