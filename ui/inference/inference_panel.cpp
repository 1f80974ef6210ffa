#include "ui/inference/inference_panel.h"

#include "strata/backend.h"
#include "strata/dataset.h"
#include "strata/probe.h"
#include "ui/inference/activation_view.h"
#include "ui/inference/run_data.h"
#include "ui/inference/sample_picker.h"
#include "ui/session/snapshots_while_shown.h"
#include "ui/session/training_session.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QMouseEvent>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace strata::ui {

namespace {

constexpr int kEvaluateEveryMs = 100;

strata::Picture8 toPicture(const QImage &image)
{
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    strata::Picture8 p;
    p.width = gray.width();
    p.height = gray.height();
    p.channels = 1;
    p.pixels.resize(size_t(p.width) * size_t(p.height));
    for (int y = 0; y < p.height; ++y)
        std::copy_n(gray.constScanLine(y), p.width, p.pixels.begin() + ptrdiff_t(y) * p.width);
    return p;
}

} // namespace

InferencePanel::InferencePanel(TrainingSession *session, QWidget *parent)
    : QWidget(parent), session_(session), timer_(new QTimer(this))
{
    setObjectName(QStringLiteral("inferencePanel"));
    setAcceptDrops(true);
    timer_->setSingleShot(true);
    timer_->setInterval(kEvaluateEveryMs);
    connect(timer_, &QTimer::timeout, this, &InferencePanel::evaluate);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto *buttons = new QHBoxLayout;
    auto *open = new QPushButton(tr("Open picture…"));
    open->setObjectName(QStringLiteral("openPictureButton"));
    open->setToolTip(tr("A PNG, JPEG or BMP picture to ask the model about (or drop one here)"));
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open picture"), QString(), tr("Pictures (*.png *.jpg *.jpeg *.bmp *.gif)"));
        if (!path.isEmpty())
            openPicture(path);
    });
    clear_ = new QPushButton(tr("Clear"));
    clear_->setObjectName(QStringLiteral("clearDrawingButton"));
    clear_->setToolTip(tr("Clear the drawing pad and ask about a drawing"));
    connect(clear_, &QPushButton::clicked, this, [this] {
        pad_->clear();
        useDrawing();
    });
    buttons->addWidget(open);
    buttons->addWidget(clear_);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    source_ = new QLabel;
    source_->setObjectName(QStringLiteral("inferenceSource"));
    source_->setWordWrap(true);
    layout->addWidget(source_);

    samples_ = new SamplePicker(session_);
    layout->addWidget(samples_);
    connect(samples_, &SamplePicker::sampleChosen, this, &InferencePanel::openSample);

    pictures_ = new QWidget;
    auto *pictures = new QHBoxLayout(pictures_);
    pictures->setContentsMargins(0, 0, 0, 0);
    pad_ = new DrawingPad;
    pictures->addWidget(pad_, 1);
    auto *seenColumn = new QVBoxLayout;
    auto *seenTitle = new QLabel(tr("The model sees"));
    seen_ = new QLabel;
    seen_->setObjectName(QStringLiteral("inferenceSeen"));
    seen_->setFixedSize(84, 84);
    seen_->setFrameShape(QFrame::Box);
    seen_->setAlignment(Qt::AlignCenter);
    seenColumn->addWidget(seenTitle);
    seenColumn->addWidget(seen_);
    seenColumn->addStretch(1);
    pictures->addLayout(seenColumn);
    layout->addWidget(pictures_);
    connect(pad_, &DrawingPad::changed, this, [this] {
        if (picture_)
            useDrawing();
        else
            schedule();
    });

    auto *grid = new QGridLayout;
    for (int i = 0; i < kTop; ++i) {
        auto *name = new QLabel;
        auto *bar = new QProgressBar;
        bar->setObjectName(QStringLiteral("classBar%1").arg(i));
        bar->setRange(0, 1000);
        bar->setTextVisible(true);
        grid->addWidget(name, i, 0);
        grid->addWidget(bar, i, 1);
        names_.push_back(name);
        bars_.push_back(bar);
    }
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);

    message_ = new QLabel;
    message_->setObjectName(QStringLiteral("inferenceMessage"));
    message_->setWordWrap(true);
    layout->addWidget(message_);

    auto *inside = new QHBoxLayout;
    inside->addWidget(new QLabel(tr("Inside the model:")));
    layers_ = new QComboBox;
    layers_->setObjectName(QStringLiteral("activationLayer"));
    layers_->setToolTip(tr("The layer whose output for this picture is shown below"));
    inside->addWidget(layers_, 1);
    layout->addLayout(inside);
    activations_ = new ActivationView;
    layout->addWidget(activations_, 1);
    connect(layers_, &QComboBox::currentIndexChanged, this, &InferencePanel::evaluate);

    if (session_) {
        connect(session_, &TrainingSession::snapshotAvailable, this, &InferencePanel::schedule);
        connect(session_, &TrainingSession::finished, this, &InferencePanel::schedule);
        connect(session_, &TrainingSession::cleared, this, &InferencePanel::schedule);
    }
    // Live answers only while someone can see them (from the next run on).
    new SnapshotsWhileShown(this, session_);
    useDrawing();
}

InferencePanel::~InferencePanel() = default;

void InferencePanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    schedule();
}

void InferencePanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void InferencePanel::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile()) {
        openPicture(urls.front().toLocalFile());
        event->acceptProposedAction();
    }
}

bool InferencePanel::openPicture(const QString &path)
{
    try {
        picture_ = strata::readPicture(path.toStdString());
    } catch (const std::exception &e) {
        showMessage(QString::fromStdString(e.what()));
        return false;
    }
    row_.reset();
    pictureName_ = QFileInfo(path).fileName();
    // On the pad, to see it large, and to draw over it (which asks about the drawing).
    const QImage::Format format =
        picture_->channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    pad_->setPicture(QImage(picture_->pixels.data(), picture_->width, picture_->height,
                            picture_->width * picture_->channels, format)
                         .copy());
    source_->setText(
        tr("Picture: %1 (%2×%3)").arg(pictureName_).arg(picture_->width).arg(picture_->height));
    evaluate();
    return true;
}

bool InferencePanel::openSample(const std::vector<float> &values, const strata::Shape &shape,
                                const QString &caption)
{
    if (values.size() != size_t(strata::numel(shape))) {
        showMessage(tr("This sample has %1 values where its shape holds %2.")
                        .arg(values.size())
                        .arg(strata::numel(shape)));
        return false;
    }
    if (!isPictureShape(shape)) {
        // A table's row: asked as it is, normalised like the training data.
        picture_.reset();
        row_ = values;
        pictureName_ = caption;
        source_->setText(caption);
        evaluate();
        return !scores_.empty();
    }
    strata::Picture8 p;
    p.channels = int(shape[0]);
    p.height = int(shape[1]);
    p.width = int(shape[2]);
    p.pixels.resize(values.size());
    const size_t plane = size_t(p.width) * size_t(p.height);
    for (size_t i = 0; i < plane; ++i)
        for (int c = 0; c < p.channels; ++c)
            p.pixels[i * size_t(p.channels) + size_t(c)] = static_cast<uint8_t>(
                std::clamp(std::lround(values[size_t(c) * plane + i]), 0L, 255L));
    row_.reset();
    picture_ = std::move(p);
    pictureName_ = caption;
    source_->setText(caption);
    const QImage::Format format =
        picture_->channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    pad_->setPicture(QImage(picture_->pixels.data(), picture_->width, picture_->height,
                            picture_->width * picture_->channels, format)
                         .copy());
    evaluate();
    return true;
}

QString InferencePanel::sourceText() const
{
    return source_->text();
}

void InferencePanel::useDrawing()
{
    picture_.reset();
    row_.reset();
    pictureName_.clear();
    source_->setText(tr("Drawing: draw on the pad (or over a picture), pick a sample of the "
                        "data, or open or drop a picture."));
    schedule();
}

void InferencePanel::schedule()
{
    if (!timer_->isActive())
        timer_->start();
}

QString InferencePanel::message() const
{
    return message_->text();
}

void InferencePanel::showMessage(const QString &text)
{
    scores_.clear();
    if (activations_)
        activations_->clear();
    message_->setText(text);
    for (size_t i = 0; i < bars_.size(); ++i) {
        names_[i]->clear();
        bars_[i]->setValue(0);
        bars_[i]->setFormat(QString());
        bars_[i]->setEnabled(false);
    }
}

void InferencePanel::evaluate()
{
    // On the GUI thread, which lives as long as the studio: no OpenMP workers left idle
    // beside a training run (see strata::releaseThreadTeam).
    const strata::ThreadTeamRelease release;
    timer_->stop();
    if (!session_)
        return;
    const strata::SnapshotPtr weights = session_->latestSnapshot();
    if (!weights) {
        showMessage(tr("No trained weights yet: press Train. The answer follows the weights "
                       "as the model learns, and stays after the run."));
        return;
    }
    const strata::Project &project = session_->runProject();
    try {
        const std::string graph = strata::toJson(project).at("model").dump();
        if (!probe_ || graph != probeGraph_) {
            probe_ = std::make_unique<strata::Probe>(project);
            probeGraph_ = graph;
            fillLayers();
        }
        probe_->load(weights);
        const strata::Shape in = probe_->inputShape();
        fitInput(in);
        strata::PictureShape shape;
        if (row_) {
            if (row_->size() != size_t(strata::numel(in))) {
                showMessage(tr("This sample has %1 values but the model takes %2: pick a sample "
                               "of this run's data.")
                                .arg(row_->size())
                                .arg(strata::numel(in)));
                return;
            }
            input_ = *row_;
            seen_->clear();
        } else {
            if (!pictures_->isVisibleTo(this) && !picture_) {
                input_.clear();
                showMessage(tr("This model takes %1 values per sample, not a picture: pick a "
                               "sample of its data above.")
                                .arg(strata::numel(in)));
                return;
            }
            shape = strata::pictureShapeFor(in);
            if (!picture_ && pad_->isEmpty()) {
                showSeen(shape);
                showMessage(pad_->isDrawable()
                                ? tr("Draw on the pad, pick a sample above, or open or drop a "
                                     "picture, to see what the model answers.")
                                : tr("Pick a sample above, or open or drop a picture, to see what "
                                     "the model answers."));
                return;
            }
            input_ = strata::pictureAsInput(picture_ ? *picture_ : toPicture(pad_->image()), shape);
        }
        strata::Dataset d;
        d.sampleShape = in;
        d.features = input_;
        d.labels.assign(1, 0);
        if (const auto &info = session_->startedInfo())
            info->normalization.apply(d); // as the run's training data
        strata::Shape batch{1};
        batch.insert(batch.end(), in.begin(), in.end());
        // The answer and the chosen layer's output in one forward pass.
        const std::string layer = layers_->currentData().toString().toStdString();
        std::map<std::string, strata::Tensor> outputs;
        const strata::Tensor p = probe_->probabilities(
            strata::Tensor::fromVector(batch, std::move(d.features)),
            layer.empty() ? std::vector<std::string>{} : std::vector<std::string>{layer}, outputs);
        if (const auto it = outputs.find(layer); it != outputs.end())
            activations_->show(it->second, layers_->currentText());
        else
            activations_->clear();
        const std::vector<std::string> names = session_->startedInfo()
                                                   ? session_->startedInfo()->classNames
                                                   : std::vector<std::string>{};
        scores_ = strata::topClasses(p.data(), p.numel(), names, kTop);
        ++evaluations_;
        if (!row_)
            showSeen(shape);
        showScores();
    } catch (const std::exception &e) {
        showMessage(QString::fromStdString(e.what()));
    }
}

void InferencePanel::fillLayers()
{
    const QString previous = layers_->currentData().toString();
    layers_->blockSignals(true);
    layers_->clear();
    if (probe_) {
        const strata::Graph &graph = probe_->graph();
        for (const std::string &id : graph.topologicalOrder()) {
            const strata::Node *node = graph.find(id);
            if (!node || node->type == "Input")
                continue;
            layers_->addItem(QStringLiteral("%1 (%2)").arg(QString::fromStdString(node->name),
                                                           QString::fromStdString(node->type)),
                             QString::fromStdString(id));
        }
    }
    const int keep = layers_->findData(previous);
    layers_->setCurrentIndex(keep >= 0 ? keep : 0);
    layers_->blockSignals(false);
}

void InferencePanel::fitInput(const strata::Shape &input)
{
    bool picture = true, digit = false;
    try {
        const strata::PictureShape shape = strata::pictureShapeFor(input);
        digit = shape.channels == 1 && shape.height == 28 && shape.width == 28;
    } catch (const std::exception &) {
        picture = false;
    }
    pictures_->setVisible(picture);
    pad_->setDrawable(digit);
    clear_->setVisible(digit);
    if (!digit && !picture_ && !pad_->isEmpty())
        pad_->clear(); // a drawing this model cannot be asked about
}

bool InferencePanel::showLayer(const QString &nodeId)
{
    const int index = layers_->findData(nodeId);
    if (index < 0)
        return false;
    layers_->setCurrentIndex(index); // evaluates
    return true;
}

void InferencePanel::showSeen(const strata::PictureShape &shape)
{
    if (input_.empty() || input_.size() != size_t(shape.channels) * shape.height * shape.width) {
        seen_->clear();
        return;
    }
    const int W = shape.width, H = shape.height, C = shape.channels;
    QImage image(W, H, QImage::Format_RGB32);
    const size_t plane = size_t(W) * size_t(H);
    for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
            const size_t i = size_t(y) * W + x;
            const auto v = [&](int c) {
                return std::clamp(int(input_[size_t(c) * plane + i] + 0.5f), 0, 255);
            };
            image.setPixel(x, y, C == 1 ? qRgb(v(0), v(0), v(0)) : qRgb(v(0), v(1), v(2)));
        }
    seen_->setPixmap(QPixmap::fromImage(
        image.scaled(seen_->size() - QSize(4, 4), Qt::KeepAspectRatio, Qt::FastTransformation)));
    seen_->setToolTip(tr("%1×%2 %3, as the model takes it")
                          .arg(W)
                          .arg(H)
                          .arg(C == 1 ? tr("gray") : tr("colour")));
}

void InferencePanel::showScores()
{
    message_->clear();
    for (size_t i = 0; i < bars_.size(); ++i) {
        const bool shown = i < scores_.size();
        bars_[i]->setEnabled(shown);
        if (!shown) {
            names_[i]->clear();
            bars_[i]->setValue(0);
            bars_[i]->setFormat(QString());
            continue;
        }
        const strata::ClassScore &s = scores_[i];
        names_[i]->setText(QString::fromStdString(s.name));
        bars_[i]->setValue(int(std::lround(double(s.probability) * 1000)));
        bars_[i]->setFormat(QStringLiteral("%1%").arg(double(s.probability) * 100, 0, 'f', 1));
    }
    if (const strata::SnapshotPtr w = session_->latestSnapshot())
        source_->setToolTip(tr("Weights of epoch %1").arg(w->epoch + 1));
}

} // namespace strata::ui
