#pragma once
// The examples gallery: first the guided lessons (examples/lessons/, each with a text shown
// beside the canvas), then every project in the examples folder, ordered by level (logic
// gates, then generated data, then real data sets) and within a level by size, each with its name,
// its one-line description, a legible sketch of its model, and, for an example whose data
// files are not there, which files are missing and where to put them.

#include <strata/project.h>

#include <QDialog>
#include <QImage>

class QListWidget;

namespace strata::ui {

// Where an example sits in the gallery; derived from its dataset and model.
struct ExampleInfo
{
    QString path;
    int lesson = 0;        // 0: a guided lesson; 1: logic gates, 2: generated data, 3: real data
    QString lessonTitle;   // "Logic gates", ...
    int order = 0;         // a lesson's number (its file name starts with it)
    QString guide;         // a lesson's text (Markdown): NAME.md beside NAME.strata
    qint64 parameters = 0; // the size within a lesson
    // The data files the example reads that are missing, and what to do about them ("" when
    // the data is there or generated).
    QStringList missingFiles;
    QString dataHint;
};
ExampleInfo describeExample(const Project &project, const QString &path);
// The lessons' folder inside the examples folder: each lesson is a project NAME.strata with its
// guide NAME.md, numbered by the digits NAME starts with.
inline constexpr const char *kLessonsFolder = "lessons";
// The guide beside a project ("" when it has none): what makes a project a lesson.
QString lessonGuidePath(const QString &projectPath);

// How renderModelThumbnail lays a model out: one labelled box per layer, in columns.
struct ThumbnailLayout
{
    int columns = 0;
    int rows = 0;          // boxes per column
    int shown = 0;         // layers drawn (a last "+N more" box stands for the rest)
    int fontPixelSize = 0; // of the layer names
    int boxHeight = 0;
};
ThumbnailLayout modelThumbnailLayout(const Project &project, QSize size);
// The model of a project as a column (or columns) of labelled layer boxes, in data-flow order,
// coloured by category, legible at gallery size.
QImage renderModelThumbnail(const Project &project, QSize size);

class ExamplesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ExamplesDialog(const QString &folder, QWidget *parent = nullptr);

    // The chosen project's path ("" when none).
    QString selectedPath() const;
    QListWidget *list() const { return list_; }
    static QSize thumbnailSize() { return {300, 170}; }

private:
    QListWidget *list_;
};

} // namespace strata::ui
