#pragma once
// Small building blocks of the inspector's forms: a spin box that shows numbers the way a
// user types them (0.001, 1e-07), and a binder that ties editors to one field of a settings
// struct, pushes each change through the document and puts refused values back.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>

#include <cstdint>
#include <functional>
#include <vector>

namespace strata::ui {

// Shows the shortest exact form ("0.001", "1e-07") instead of a fixed number of decimals.
class NumberSpinBox : public QDoubleSpinBox
{
public:
    explicit NumberSpinBox(QWidget *parent = nullptr);
    QString textFromValue(double value) const override;
    double valueFromText(const QString &text) const override;
    QValidator::State validate(QString &text, int &pos) const override;
};

// Binds editors to fields of Spec. get() reads the document's current spec; apply() asks the
// document to take a new one and returns the refusal, if any; report() shows it.
template <typename Spec> class SpecBinder
{
public:
    using Get = std::function<Spec()>;
    using Apply = std::function<QString(const Spec &)>;
    using Report = std::function<void(const QString &)>;

    SpecBinder(QObject *context, Get get, Apply apply, Report report)
        : context_(context), get_(std::move(get)), apply_(std::move(apply)),
          report_(std::move(report))
    {
    }

    // Puts every editor back to the document's values without emitting edits.
    void refresh() const
    {
        for (const auto &r : refreshers_)
            r();
    }

    void bind(QSpinBox *box, std::function<int64_t(const Spec &)> get,
              std::function<void(Spec &, int64_t)> set)
    {
        QObject::connect(box, &QSpinBox::valueChanged, context_,
                         [this, set](int v) { change([&](Spec &s) { set(s, v); }); });
        refreshers_.push_back([this, box, get] {
            const QSignalBlocker b(box);
            box->setValue(int(get(get_())));
        });
    }

    void bind(QDoubleSpinBox *box, std::function<double(const Spec &)> get,
              std::function<void(Spec &, double)> set)
    {
        QObject::connect(box, &QDoubleSpinBox::valueChanged, context_,
                         [this, set](double v) { change([&](Spec &s) { set(s, v); }); });
        refreshers_.push_back([this, box, get] {
            const QSignalBlocker b(box);
            box->setValue(get(get_()));
        });
    }

    void bind(QCheckBox *box, std::function<bool(const Spec &)> get,
              std::function<void(Spec &, bool)> set)
    {
        QObject::connect(box, &QCheckBox::toggled, context_,
                         [this, set](bool v) { change([&](Spec &s) { set(s, v); }); });
        refreshers_.push_back([this, box, get] {
            const QSignalBlocker b(box);
            box->setChecked(get(get_()));
        });
    }

    // Combo items carry their value in Qt::UserRole (a string).
    void bind(QComboBox *box, std::function<std::string(const Spec &)> get,
              std::function<void(Spec &, const std::string &)> set)
    {
        QObject::connect(box, &QComboBox::activated, context_, [this, box, set](int i) {
            const std::string v = box->itemData(i).toString().toStdString();
            change([&](Spec &s) { set(s, v); });
        });
        refreshers_.push_back([this, box, get] {
            const QSignalBlocker b(box);
            const int i = box->findData(QString::fromStdString(get(get_())));
            if (i < 0)
                box->addItem(QString::fromStdString(get(get_())),
                             QString::fromStdString(get(get_())));
            box->setCurrentIndex(i < 0 ? box->count() - 1 : i);
        });
    }

    void bind(QLineEdit *edit, std::function<std::string(const Spec &)> get,
              std::function<void(Spec &, const std::string &)> set)
    {
        QObject::connect(edit, &QLineEdit::editingFinished, context_, [this, edit, set] {
            const std::string v = edit->text().trimmed().toStdString();
            change([&](Spec &s) { set(s, v); });
        });
        refreshers_.push_back([this, edit, get] {
            const QSignalBlocker b(edit);
            const QString text = QString::fromStdString(get(get_()));
            if (edit->text() != text)
                edit->setText(text);
        });
    }

    // Applies an edit made outside a bound editor (file dialogs).
    void change(const std::function<void(Spec &)> &edit)
    {
        Spec spec = get_();
        edit(spec);
        const QString why = apply_(spec);
        report_(why);
        if (!why.isEmpty())
            refresh(); // show what the document still holds
    }

private:
    QObject *context_;
    Get get_;
    Apply apply_;
    Report report_;
    std::vector<std::function<void()>> refreshers_;
};

} // namespace strata::ui
