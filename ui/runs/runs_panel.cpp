#include "ui/runs/runs_panel.h"

#include "strata/errors.h"
#include "ui/session/training_session.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <functional>

namespace strata::ui {

namespace {

enum Column {
    Compare,
    Name,
    Status,
    Epochs,
    BestAccuracy,
    BestLoss,
    Duration,
    Started,
    Tags,
    Note,
    ColumnCount
};

QString duration(double seconds)
{
    const long long s = std::llround(seconds);
    if (s < 60)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 1);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString figure(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 4) : QStringLiteral("–");
}

QString statusText(const RunInfo &run)
{
    QString text = QString::fromStdString(toString(run.status));
    if (run.status == RunStatus::Crashed || run.status == RunStatus::Stopped ||
        run.status == RunStatus::Diverged)
        text += run.resumable ? QObject::tr(" (resumable)") : QString();
    return text;
}

QTableWidgetItem *cell(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

} // namespace

RunsPanel::RunsPanel(TrainingSession *session, QWidget *parent) : QWidget(parent), session_(session)
{
    setObjectName(QStringLiteral("runsPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    summary_ = new QLabel;
    summary_->setObjectName(QStringLiteral("runsSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary_);

    table_ = new QTableWidget(0, ColumnCount);
    table_->setObjectName(QStringLiteral("runsTable"));
    table_->setHorizontalHeaderLabels({tr("Compare"), tr("Name"), tr("Status"), tr("Epochs"),
                                       tr("Best acc."), tr("Best loss"), tr("Duration"),
                                       tr("Started"), tr("Tags"), tr("Note")});
    table_->horizontalHeaderItem(BestAccuracy)
        ->setToolTip(tr("The best validation accuracy over the run's epochs (training accuracy "
                        "for a run without validation data)"));
    table_->horizontalHeaderItem(BestLoss)->setToolTip(
        tr("The lowest validation loss over the run's epochs (training loss for a run without "
           "validation data)"));
    table_->horizontalHeaderItem(Compare)->setToolTip(
        tr("Tick runs to draw their curves on the dashboard's plots beside the live run"));
    table_->verticalHeader()->hide();
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);

    diff_ = new QTextBrowser;
    diff_->setObjectName(QStringLiteral("runsDiff"));
    diff_->setPlaceholderText(tr("Select two runs to see what changed between them."));
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(table_);
    split->addWidget(diff_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    auto *buttons = new QHBoxLayout;
    const auto button = [&](QPushButton *&b, const QString &text, const QString &name,
                            const QString &tip, const std::function<void()> &action) {
        b = new QPushButton(text);
        b->setObjectName(name);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, action);
        buttons->addWidget(b);
    };
    resumeAction_ = new QAction(tr("Resume"), this);
    openAction_ = new QAction(tr("Open model"), this);
    exportAction_ = new QAction(tr("Export…"), this);
    connect(resumeAction_, &QAction::triggered, this, [this] { resumeSelected(); });
    connect(openAction_, &QAction::triggered, this, [this] { openSelectedModel(); });
    connect(exportAction_, &QAction::triggered, this, [this] { exportSelected(); });
    button(resume_, tr("Resume"), QStringLiteral("resumeRunButton"),
           tr("Continue the selected stopped or crashed run from its last checkpoint"),
           [this] { resumeSelected(); });
    button(open_, tr("Open"), QStringLiteral("openRunModelButton"),
           tr("Open the model, data and settings the selected run trained, as a new project"),
           [this] { openSelectedModel(); });
    button(export_, tr("Export…"), QStringLiteral("exportRunButton"),
           tr("Export the model the selected run trained, with its weights"),
           [this] { exportSelected(); });
    // The labels and Delete: in the Edit menu and the table's context menu, so the panel fits
    // a narrow dock.
    auto *edit = new QToolButton;
    edit->setObjectName(QStringLiteral("editRunButton"));
    edit->setText(tr("Edit"));
    edit->setPopupMode(QToolButton::InstantPopup);
    edit->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *menu = new QMenu(edit);
    edit->setMenu(menu);
    const auto action = [&](QAction *&a, const QString &text, const QString &name,
                            const QString &tip, const std::function<void()> &slot) {
        a = menu->addAction(text);
        a->setObjectName(name);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
    };
    action(rename_, tr("Rename…"), QStringLiteral("renameRunAction"), tr("Rename the selected run"),
           [this] {
               const RunInfo *run = selectedRun();
               bool ok = false;
               const QString name =
                   run ? QInputDialog::getText(this, tr("Rename run"), tr("Name:"),
                                               QLineEdit::Normal, QString::fromStdString(run->name),
                                               &ok)
                       : QString();
               if (ok)
                   renameSelected(name);
           });
    action(tags_, tr("Tags…"), QStringLiteral("tagRunAction"), tr("Tag the selected run"), [this] {
        const RunInfo *run = selectedRun();
        QStringList tags;
        if (run)
            for (const std::string &t : run->tags)
                tags << QString::fromStdString(t);
        bool ok = false;
        const QString text =
            run ? QInputDialog::getText(this, tr("Tags"), tr("Tags, separated by commas:"),
                                        QLineEdit::Normal, tags.join(QStringLiteral(", ")), &ok)
                : QString();
        if (!ok)
            return;
        QStringList list;
        for (const QString &t : text.split(QLatin1Char(',')))
            if (!t.trimmed().isEmpty())
                list << t.trimmed();
        setTagsOfSelected(list);
    });
    action(note_, tr("Note…"), QStringLiteral("noteRunAction"),
           tr("Write a note on the selected run"), [this] {
               const RunInfo *run = selectedRun();
               bool ok = false;
               const QString text =
                   run ? QInputDialog::getMultiLineText(this, tr("Note"), tr("A note on this run:"),
                                                        QString::fromStdString(run->note), &ok)
                       : QString();
               if (ok)
                   setNoteOfSelected(text);
           });
    action(delete_, tr("Delete…"), QStringLiteral("deleteRunAction"),
           tr("Delete the selected run and its files"), [this] { deleteSelected(); });
    buttons->addWidget(edit);
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu context;
        context.addActions({resumeAction_, openAction_, exportAction_});
        context.addSeparator();
        context.addActions({rename_, tags_, note_, delete_});
        context.exec(table_->viewport()->mapToGlobal(pos));
    });
    buttons->addStretch(1);
    auto *refresh = new QPushButton(tr("Refresh"));
    refresh->setObjectName(QStringLiteral("refreshRunsButton"));
    connect(refresh, &QPushButton::clicked, this, &RunsPanel::refresh);
    buttons->addWidget(refresh);
    // In a narrow dock the row is cut at the right rather than widening the dock (the
    // actions are in the table's context menu too).
    auto *row = new QWidget;
    row->setObjectName(QStringLiteral("runsButtons"));
    row->setLayout(buttons);
    buttons->setContentsMargins(0, 0, 0, 0);
    row->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    layout->addWidget(row);

    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        updateButtons();
        updateDiff();
    });
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (filling_ || item->column() != Compare)
            return;
        const QString id = item->data(Qt::UserRole).toString();
        setCompared(id, item->checkState() == Qt::Checked);
    });

    if (session_) {
        connect(session_, &TrainingSession::trainingStarted, this, &RunsPanel::refreshWhenSeen);
        connect(session_, &TrainingSession::finished, this, &RunsPanel::refreshWhenSeen);
        connect(session_, &TrainingSession::epochFinished, this, &RunsPanel::followLiveRun);
    }
    fillTable();
}

void RunsPanel::setStore(const QString &folder)
{
    if (folder == store_)
        return;
    store_ = folder;
    compared_.clear();
    refresh();
}

void RunsPanel::setCurrentProject(const strata::Project &project)
{
    current_ = project;
    fillTable();
}

void RunsPanel::refreshWhenSeen()
{
    // Reading a store of many long runs takes a while: a hidden panel reads it when shown.
    if (isVisible())
        refresh();
    else
        stale_ = true;
}

void RunsPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (stale_)
        refresh();
}

void RunsPanel::refresh()
{
    stale_ = false;
    runs_.clear();
    runProjects_.clear();
    if (!store_.isEmpty()) {
        try {
            const RunStore store(store_.toStdString());
            runs_ = store.list();
            for (const RunInfo &run : runs_) {
                std::optional<Project> project;
                if (run.status != RunStatus::Unreadable) {
                    try {
                        project = store.project(run);
                    } catch (const std::exception &) {
                        // Listed without it: Open and Resume say why when asked.
                    }
                }
                runProjects_.push_back(std::move(project));
            }
        } catch (const std::exception &e) {
            showError(tr("Cannot list the runs"), e);
        }
    }
    // Runs deleted meanwhile are no longer compared.
    QStringList kept;
    for (const QString &id : compared_)
        for (const RunInfo &run : runs_)
            if (QString::fromStdString(run.id) == id)
                kept << id;
    compared_ = kept;
    fillTable();
    emitCompared();
}

void RunsPanel::fillTable()
{
    QStringList selected;
    for (const QModelIndex &index : table_->selectionModel()->selectedRows())
        selected << table_->item(index.row(), Compare)->data(Qt::UserRole).toString();
    filling_ = true;
    table_->setRowCount(static_cast<int>(runs_.size()));
    const QString live = session_ && session_->isTraining() ? session_->runId() : QString();
    for (int row = 0; row < static_cast<int>(runs_.size()); ++row) {
        const RunInfo &run = runs_[static_cast<size_t>(row)];
        const QString id = QString::fromStdString(run.id);
        auto *check = new QTableWidgetItem;
        check->setData(Qt::UserRole, id);
        const bool isLive = id == live;
        check->setFlags(isLive || run.history.empty()
                            ? Qt::ItemIsSelectable
                            : Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        check->setCheckState(compared_.contains(id) ? Qt::Checked : Qt::Unchecked);
        check->setData(Qt::DecorationRole, runColor(id));
        check->setToolTip(isLive ? tr("Training now: the dashboard shows it live")
                                 : tr("Draw this run's curves on the dashboard's plots"));
        table_->setItem(row, Compare, check);
        table_->setItem(row, Name, cell(QString::fromStdString(run.name)));
        table_->item(row, Name)->setToolTip(QString::fromStdString(run.folder));
        QString why = QString::fromStdString(run.problem.empty() ? run.message : run.problem);
        std::vector<std::string> changes;
        const auto &trained = runProjects_[static_cast<size_t>(row)];
        if (trained && current_)
            changes = modelChanges(*trained, *current_);
        auto *status = cell((isLive ? tr("training") : statusText(run)) +
                            (changes.empty() ? QString() : tr(" · other model")));
        if (!changes.empty()) {
            why += (why.isEmpty() ? QString() : QStringLiteral("\n\n")) +
                   tr("Its model differs from the open project's:");
            for (const std::string &line : changes)
                why += QStringLiteral("\n• ") + QString::fromStdString(line);
        }
        status->setToolTip(why);
        if (!run.problem.empty() || run.status == RunStatus::Crashed ||
            run.status == RunStatus::Failed || run.status == RunStatus::Diverged ||
            run.status == RunStatus::Unreadable)
            status->setForeground(QColor(180, 40, 30));
        table_->setItem(row, Status, status);
        table_->setItem(row, Epochs,
                        cell(QStringLiteral("%1/%2").arg(run.epochs).arg(run.epochsPlanned)));
        table_->setItem(row, BestAccuracy, cell(figure(run.bestAccuracy)));
        table_->setItem(row, BestLoss, cell(figure(run.bestLoss)));
        table_->setItem(row, Duration, cell(duration(run.seconds)));
        table_->setItem(row, Started,
                        cell(QString::fromStdString(run.startedAt).replace('T', ' ').remove('Z')));
        QStringList tags;
        for (const std::string &t : run.tags)
            tags << QString::fromStdString(t);
        table_->setItem(row, Tags, cell(tags.join(QStringLiteral(", "))));
        table_->setItem(row, Note, cell(QString::fromStdString(run.note).section('\n', 0, 0)));
        table_->item(row, Note)->setToolTip(QString::fromStdString(run.note));
    }
    filling_ = false;
    table_->resizeColumnsToContents();
    selectRuns(selected);
    // The folder's name (NAME.runs beside the project); its whole path in the tooltip.
    const QString folder = QFileInfo(store_).fileName();
    summary_->setToolTip(QDir::toNativeSeparators(store_));
    summary_->setText(store_.isEmpty() ? tr("Runs are kept once the project has a name.")
                      : runs_.empty()
                          ? tr("No runs yet. Each press of Train keeps a run in %1.").arg(folder)
                          : tr("%n run(s) in %1. Tick runs to compare their curves; select two "
                               "to see what changed.",
                               nullptr, static_cast<int>(runs_.size()))
                                .arg(folder));
    updateButtons();
    updateDiff();
}

void RunsPanel::followLiveRun()
{
    // The live run's row counts its epochs as they end (the store is read again when it ends).
    if (!session_)
        return;
    const QString id = session_->runId();
    for (int row = 0; row < table_->rowCount(); ++row)
        if (table_->item(row, Compare)->data(Qt::UserRole).toString() == id) {
            const RunInfo &run = runs_[static_cast<size_t>(row)];
            table_->item(row, Epochs)
                ->setText(QStringLiteral("%1/%2")
                              .arg(session_->epochs().size())
                              .arg(std::max<int>(run.epochsPlanned,
                                                 static_cast<int>(session_->epochs().size()))));
        }
}

void RunsPanel::setCompared(const QString &runId, bool compared)
{
    if (compared == compared_.contains(runId))
        return;
    if (compared)
        compared_ << runId;
    else
        compared_.removeAll(runId);
    filling_ = true;
    for (int row = 0; row < table_->rowCount(); ++row)
        if (table_->item(row, Compare)->data(Qt::UserRole).toString() == runId)
            table_->item(row, Compare)->setCheckState(compared ? Qt::Checked : Qt::Unchecked);
    filling_ = false;
    emitCompared();
}

void RunsPanel::selectRuns(const QStringList &runIds)
{
    table_->clearSelection();
    for (int row = 0; row < table_->rowCount(); ++row)
        if (runIds.contains(table_->item(row, Compare)->data(Qt::UserRole).toString()))
            table_->selectionModel()->select(table_->model()->index(row, 0),
                                             QItemSelectionModel::Select |
                                                 QItemSelectionModel::Rows);
}

const RunInfo *RunsPanel::selectedRun() const
{
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    const int row = rows.front().row();
    return row < static_cast<int>(runs_.size()) ? &runs_[static_cast<size_t>(row)] : nullptr;
}

void RunsPanel::updateButtons()
{
    const RunInfo *run = selectedRun();
    const bool training = session_ && session_->isTraining();
    const bool live = run && training && QString::fromStdString(run->id) == session_->runId();
    const bool readable = run && run->status != RunStatus::Unreadable;
    resume_->setEnabled(readable && !training && run->resumable &&
                        run->status != RunStatus::Finished && run->status != RunStatus::Running);
    resume_->setToolTip(
        !run              ? tr("Select a stopped or crashed run to continue it")
        : training        ? tr("A run is training; wait for it to end")
        : !run->resumable ? tr("This run wrote no checkpoint: it cannot be resumed")
        : run->status == RunStatus::Finished
            ? tr("This run finished; train again to go further")
            : tr("Continue %1 from its last checkpoint").arg(QString::fromStdString(run->name)));
    open_->setEnabled(readable);
    export_->setEnabled(readable && !live &&
                        QFileInfo::exists(QString::fromStdString(run->folder) +
                                          QStringLiteral("/final.safetensors")));
    resumeAction_->setEnabled(resume_->isEnabled());
    openAction_->setEnabled(open_->isEnabled());
    exportAction_->setEnabled(export_->isEnabled());
    rename_->setEnabled(readable);
    tags_->setEnabled(readable);
    note_->setEnabled(readable);
    delete_->setEnabled(run && !live);
}

} // namespace strata::ui
