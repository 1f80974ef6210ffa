#include "ui/document.h"
#include "ui/inspector/form_fields.h"
#include "ui/inspector/settings_forms.h"
#include "ui/theme.h"

#include <strata/backend.h>
#include <strata/training_spec.h>

#include <QFormLayout>
#include <QLabel>
#include <QStandardItemModel>

namespace strata::ui {

namespace {

// Rows shown only for some optimizer or schedule types.
const char *kOptimizersProperty = "strataOptimizers";
const char *kSchedulesProperty = "strataSchedules";

// Probing devices may touch a GPU driver: once per run of the studio is enough.
const std::vector<DeviceInfo> &devices()
{
    static const std::vector<DeviceInfo> list = listDevices();
    return list;
}

// Empty when this CPU computes bf16 natively, else why not; asked once per run of the studio.
const std::string &bf16Refusal()
{
    static const std::string refusal = createBackend("cpu")->precisionRefusal(Precision::Bf16);
    return refusal;
}

} // namespace

TrainingForm::TrainingForm(Document *document, QWidget *parent)
    : QWidget(parent), document_(document)
{
    using S = TrainingSpec;
    binder_ = std::make_unique<SpecBinder<TrainingSpec>>(
        this, [document] { return document->project().training; },
        [document](const TrainingSpec &s) { return document->setTrainingSpec(s); },
        [this](const QString &why) { showRefusal(why); });
    auto &b = *binder_;
    form_ = new QFormLayout(this);
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form_->setContentsMargins(0, 0, 0, 0);
    auto addRow = [this](const QString &label, QWidget *field, const QString &tip,
                         const QStringList &optimizers = {}, const QStringList &schedules = {}) {
        field->setToolTip(tip);
        field->setProperty(kOptimizersProperty, optimizers);
        field->setProperty(kSchedulesProperty, schedules);
        auto *l = new QLabel(label, this);
        l->setToolTip(tip);
        form_->addRow(l, field);
    };
    auto spin = [this](int lo, int hi, const char *object) {
        auto *box = new QSpinBox(this);
        box->setRange(lo, hi);
        box->setKeyboardTracking(false);
        box->setObjectName(QString::fromLatin1(object));
        return box;
    };
    auto number = [this](double lo, double hi, double step, const char *object) {
        auto *box = new NumberSpinBox(this);
        box->setRange(lo, hi);
        box->setSingleStep(step);
        box->setObjectName(QString::fromLatin1(object));
        return box;
    };
    auto combo = [this](const std::vector<std::string> &values, const char *object) {
        auto *box = new QComboBox(this);
        for (const std::string &v : values)
            box->addItem(QString::fromStdString(v), QString::fromStdString(v));
        box->setObjectName(QString::fromLatin1(object));
        return box;
    };

    auto *epochs = spin(1, 1'000'000, "epochs");
    b.bind(
        epochs, [](const S &s) { return s.epochs; }, [](S &s, int64_t v) { s.epochs = int(v); });
    addRow(tr("Epochs"), epochs, tr("Passes over the training set"));
    auto *batch = spin(1, 1 << 20, "batchSize");
    b.bind(
        batch, [](const S &s) { return s.batchSize; },
        [](S &s, int64_t v) { s.batchSize = int(v); });
    addRow(tr("Batch size"), batch, tr("Samples per gradient step"));
    auto *split = number(0, 0.95, 0.05, "validationSplit");
    b.bind(
        split, [](const S &s) { return s.validationSplit; },
        [](S &s, double v) { s.validationSplit = v; });
    addRow(tr("Validation split"), split,
           tr("Fraction of the training set held out for validation (Keras' "
              "validation_split); 0 validates on the test set"));
    auto *shuffle = new QCheckBox(tr("Shuffle each epoch"), this);
    shuffle->setObjectName(QStringLiteral("shuffle"));
    b.bind(
        shuffle, [](const S &s) { return s.shuffle; }, [](S &s, bool v) { s.shuffle = v; });
    addRow(QString(), shuffle, tr("Visit the samples in a new order each epoch"));
    auto *loss = new QComboBox(this);
    loss->setObjectName(QStringLiteral("loss"));
    loss->addItem(tr("Cross-entropy"), QStringLiteral("cross_entropy"));
    loss->addItem(tr("Binary cross-entropy"), QStringLiteral("binary_cross_entropy"));
    loss->addItem(tr("Mean squared error"), QStringLiteral("mse"));
    b.bind(
        loss, [](const S &s) { return s.loss; }, [](S &s, const std::string &v) { s.loss = v; });
    addRow(tr("Loss"), loss, tr("What training minimises"));

    optimizer_ = combo(optimizerTypes(), "optimizer");
    b.bind(
        optimizer_, [](const S &s) { return s.optimizer.type; },
        [](S &s, const std::string &v) { s.optimizer.type = v; });
    addRow(tr("Optimizer"), optimizer_, tr("The update rule (PyTorch semantics)"));
    auto *lr = number(1e-9, 100, 0.001, "learningRate");
    b.bind(
        lr, [](const S &s) { return s.optimizer.lr; }, [](S &s, double v) { s.optimizer.lr = v; });
    addRow(tr("Learning rate"), lr, tr("Step size of each update"));
    auto *momentum = number(0, 0.9999, 0.05, "momentum");
    b.bind(
        momentum, [](const S &s) { return s.optimizer.momentum; },
        [](S &s, double v) { s.optimizer.momentum = v; });
    addRow(tr("Momentum"), momentum, tr("Fraction of the previous step kept, in [0, 1)"),
           {"sgd", "rmsprop"});
    auto *nesterov = new QCheckBox(tr("Nesterov"), this);
    nesterov->setObjectName(QStringLiteral("nesterov"));
    b.bind(
        nesterov, [](const S &s) { return s.optimizer.nesterov; },
        [](S &s, bool v) { s.optimizer.nesterov = v; });
    addRow(QString(), nesterov, tr("Look-ahead momentum; needs momentum > 0"), {"sgd"});
    auto *beta1 = number(0, 0.9999, 0.01, "beta1");
    b.bind(
        beta1, [](const S &s) { return s.optimizer.beta1; },
        [](S &s, double v) { s.optimizer.beta1 = v; });
    addRow(tr("β₁"), beta1, tr("Decay of the mean of gradients"), {"adam", "adamw"});
    auto *beta2 = number(0, 0.99999, 0.001, "beta2");
    b.bind(
        beta2, [](const S &s) { return s.optimizer.beta2; },
        [](S &s, double v) { s.optimizer.beta2 = v; });
    addRow(tr("β₂"), beta2, tr("Decay of the mean of squared gradients"), {"adam", "adamw"});
    auto *rho = number(0, 0.9999, 0.01, "rho");
    b.bind(
        rho, [](const S &s) { return s.optimizer.rho; },
        [](S &s, double v) { s.optimizer.rho = v; });
    addRow(tr("ρ"), rho, tr("Smoothing of the squared-gradient average"), {"rmsprop"});
    auto *eps = number(1e-12, 1, 1e-8, "epsilon");
    b.bind(
        eps, [](const S &s) { return s.optimizer.eps; },
        [](S &s, double v) { s.optimizer.eps = v; });
    addRow(tr("ε"), eps, tr("Added to the denominator for stability"),
           {"adam", "adamw", "rmsprop"});
    auto *decay = number(0, 10, 1e-4, "weightDecay");
    b.bind(
        decay, [](const S &s) { return s.optimizer.weightDecay; },
        [](S &s, double v) { s.optimizer.weightDecay = v; });
    addRow(tr("Weight decay"), decay, tr("L2 penalty (decoupled for AdamW)"));

    schedule_ = combo(scheduleTypes(), "schedule");
    b.bind(
        schedule_, [](const S &s) { return s.schedule.type; },
        [](S &s, const std::string &v) { s.schedule.type = v; });
    addRow(tr("LR schedule"), schedule_, tr("How the learning rate changes over epochs"));
    auto *stepSize = spin(1, 100000, "stepSize");
    b.bind(
        stepSize, [](const S &s) { return s.schedule.stepSize; },
        [](S &s, int64_t v) { s.schedule.stepSize = int(v); });
    addRow(tr("Step every"), stepSize, tr("Epochs between decays"), {}, {"step"});
    auto *gamma = number(1e-6, 1, 0.05, "gamma");
    b.bind(
        gamma, [](const S &s) { return s.schedule.gamma; },
        [](S &s, double v) { s.schedule.gamma = v; });
    addRow(tr("Decay factor"), gamma, tr("Multiplies the LR at each step"), {}, {"step"});
    auto *tMax = spin(0, 100000, "tMax");
    tMax->setSpecialValueText(tr("all epochs"));
    b.bind(
        tMax, [](const S &s) { return s.schedule.tMax; },
        [](S &s, int64_t v) { s.schedule.tMax = int(v); });
    addRow(tr("Period"), tMax, tr("Cosine half-period in epochs"), {}, {"cosine"});
    auto *factor = number(0.001, 0.999, 0.05, "factor");
    b.bind(
        factor, [](const S &s) { return s.schedule.factor; },
        [](S &s, double v) { s.schedule.factor = v; });
    addRow(tr("Reduce by"), factor, tr("Factor applied on a plateau"), {}, {"plateau"});
    auto *patience = spin(0, 100000, "schedulePatience");
    b.bind(
        patience, [](const S &s) { return s.schedule.patience; },
        [](S &s, int64_t v) { s.schedule.patience = int(v); });
    addRow(tr("Patience"), patience, tr("Epochs without improvement before reducing"), {},
           {"plateau"});
    auto *minLr = number(0, 100, 1e-5, "minLr");
    b.bind(
        minLr, [](const S &s) { return s.schedule.minLr; },
        [](S &s, double v) { s.schedule.minLr = v; });
    addRow(tr("Minimum LR"), minLr, tr("The lowest learning rate reached"), {},
           {"cosine", "plateau"});

    auto *early = spin(0, 100000, "earlyStopping");
    early->setSpecialValueText(tr("off"));
    b.bind(
        early, [](const S &s) { return s.earlyStoppingPatience; },
        [](S &s, int64_t v) { s.earlyStoppingPatience = int(v); });
    addRow(tr("Early stopping"), early,
           tr("Stop after this many epochs without a better validation loss (0: off)"));
    auto *keepBest = new QCheckBox(tr("Keep best weights"), this);
    keepBest->setObjectName(QStringLiteral("keepBest"));
    b.bind(
        keepBest, [](const S &s) { return s.keepBest; }, [](S &s, bool v) { s.keepBest = v; });
    addRow(QString(), keepBest, tr("Restore the weights of the best validation loss at the end"));
    auto *init = new QComboBox(this);
    init->addItem(tr("Keras (Glorot uniform)"), QStringLiteral("keras"));
    init->addItem(tr("PyTorch (Kaiming uniform)"), QStringLiteral("pytorch"));
    b.bind(
        init, [](const S &s) { return s.init; }, [](S &s, const std::string &v) { s.init = v; });
    addRow(tr("Initialisation"), init, tr("Which framework's default weight initialisation"));
    auto *seed = spin(0, std::numeric_limits<int>::max(), "seed");
    b.bind(
        seed, [](const S &s) { return int64_t(s.seed); },
        [](S &s, int64_t v) { s.seed = uint64_t(v); });
    addRow(tr("Seed"), seed, tr("Same seed, same initial weights and shuffles"));

    auto *device = new QComboBox(this);
    device->setObjectName(QStringLiteral("device"));
    auto *model = new QStandardItemModel(device);
    for (const DeviceInfo &d : devices()) {
        auto *item = new QStandardItem(QStringLiteral("%1 — %2").arg(
            QString::fromStdString(d.id), QString::fromStdString(d.name)));
        item->setData(QString::fromStdString(d.id), Qt::UserRole);
        item->setEnabled(d.available);
        item->setToolTip(d.available ? QString::fromStdString(d.name)
                                     : QString::fromStdString(d.whyUnavailable));
        model->appendRow(item);
    }
    device->setModel(model);
    b.bind(
        device, [](const S &s) { return s.device; },
        [](S &s, const std::string &v) { s.device = v; });
    addRow(tr("Device"), device, tr("Where training runs; unavailable devices say why"));
    auto *threads = spin(0, 1024, "threads");
    threads->setSpecialValueText(tr("all cores"));
    b.bind(
        threads, [](const S &s) { return s.threads; }, [](S &s, int64_t v) { s.threads = int(v); });
    addRow(tr("CPU threads"), threads, tr("Threads the CPU backend uses"));
    auto *precision = new QComboBox(this);
    precision->setObjectName(QStringLiteral("precision"));
    precision->addItem(tr("fp32"), QStringLiteral("fp32"));
    precision->addItem(tr("bf16 mixed precision"), QStringLiteral("bf16"));
    if (!bf16Refusal().empty()) { // offered only where it runs natively; Train says why too
        auto *items = qobject_cast<QStandardItemModel *>(precision->model());
        items->item(1)->setEnabled(false);
        items->item(1)->setToolTip(QString::fromStdString(bf16Refusal()));
    }
    b.bind(
        precision, [](const S &s) { return s.precision; },
        [](S &s, const std::string &v) { s.precision = v; });
    addRow(tr("Precision"), precision,
           tr("bf16: Conv2D and Dense multiply in bf16 with fp32 accumulation (CPU with "
              "AVX512-BF16 or AMX); weights, optimizer state and checkpoints stay fp32"));

    refusal_ = new QLabel(this);
    refusal_->setWordWrap(true);
    refusal_->setStyleSheet(QStringLiteral("color: %1;").arg(errorColor().name()));
    refusal_->hide();
    form_->addRow(refusal_);

    connect(document, &Document::settingsChanged, this, &TrainingForm::refresh);
    refresh();
}

TrainingForm::~TrainingForm() = default;

QString TrainingForm::refusal() const
{
    return refusal_->isHidden() ? QString() : refusal_->text();
}

void TrainingForm::showRefusal(const QString &text)
{
    refusal_->setText(text);
    refusal_->setVisible(!text.isEmpty());
}

void TrainingForm::refresh()
{
    binder_->refresh();
    const QString optimizer = QString::fromStdString(document_->project().training.optimizer.type);
    const QString schedule = QString::fromStdString(document_->project().training.schedule.type);
    for (int row = 0; row < form_->rowCount(); ++row) {
        QLayoutItem *item = form_->itemAt(row, QFormLayout::FieldRole);
        if (!item || !item->widget())
            continue;
        const QStringList o = item->widget()->property(kOptimizersProperty).toStringList();
        const QStringList s = item->widget()->property(kSchedulesProperty).toStringList();
        form_->setRowVisible(row, (o.isEmpty() || o.contains(optimizer)) &&
                                      (s.isEmpty() || s.contains(schedule)));
    }
}

} // namespace strata::ui
