// The mistakes gallery in the studio: after a brief Fashion-MNIST run, each (truth,
// prediction) pair holds as many mistakes as the run's last confusion matrix counts (up to
// the gallery's cap), each really wrong; a click on a confusion-matrix cell shows that pair;
// a click on a mistake asks "Try the model" about it, which answers the mistaken class.

#include "ui/document.h"
#include "ui/inference/inference_panel.h"
#include "ui/inference/mistakes_gallery.h"
#include "ui/main_window.h"
#include "ui/session/training_session.h"
#include "ui/training/training_dashboard.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/image_grid.h"

#include "strata/project.h"

#include "source_dir.h"

#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

#include <filesystem>
#include <map>

using namespace strata;
using namespace strata::ui;

class TestMistakesGallery : public QObject
{
    Q_OBJECT

private slots:
    void mistakesMatchTheConfusionMatrix()
    {
        if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(window.openExample(test::examplePath("keras_mnist_cnn.strata")));
        Project project = window.document()->project();
        project.dataset.limit = 1500;
        project.training.epochs = 1;
        TrainingSession *session = window.session();
        QSignalSpy finished(session, &TrainingSession::finished);
        QVERIFY(session->start(project, MainWindow::examplesDir()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 180000);
        QVERIFY(session->lastResult()->reason == FinishedEvent::Reason::Completed);

        MistakesGallery *gallery = window.mistakesGallery();
        QSignalSpy updated(gallery, &MistakesGallery::updated);
        window.mistakesDock()->show();
        window.mistakesDock()->raise();
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() >= 1 && !gallery->isLooking(), 120000);
        const MistakesResult *result = gallery->result();
        QVERIFY(result);
        QVERIFY2(result->problem.isEmpty(), qPrintable(result->problem));
        QVERIFY(!result->mistakes.empty());

        // As many per pair as the last epoch's matrix counts (the same weights), capped.
        const auto &confusion = session->epochs().back().confusion;
        std::map<std::pair<int, int>, int> counts;
        for (const Mistake &m : result->mistakes) {
            QVERIFY(m.truth != m.predicted);
            QCOMPARE(int(result->validation->labels[size_t(m.index)]), m.truth);
            ++counts[{m.truth, m.predicted}];
        }
        for (size_t t = 0; t < confusion.size(); ++t)
            for (size_t p = 0; p < confusion.size(); ++p) {
                if (t == p)
                    continue;
                const int expected =
                    int(std::min<int64_t>(confusion[t][p], MistakesGallery::kPerPair));
                const int found = counts[std::make_pair(int(t), int(p))];
                QCOMPARE(found, expected);
            }

        // A click on the matrix's most confused cell shows that pair's pictures.
        std::pair<int, int> worst{0, 1};
        int most = 0;
        for (const auto &[pair, n] : counts)
            if (n > most) {
                most = n;
                worst = pair;
            }
        TrainingDashboard *dashboard = window.dashboard();
        emit dashboard->confusionMatrix()->cellClicked(worst.first, worst.second);
        QVERIFY(window.mistakesDock()->isVisible());
        const std::vector<Mistake> shown = gallery->shownMistakes();
        QCOMPARE(int(shown.size()), most);
        for (const Mistake &m : shown) {
            QCOMPARE(m.truth, worst.first);
            QCOMPARE(m.predicted, worst.second);
        }
        QCOMPARE(gallery->grid()->count(), most);

        // A click on the first: Try the model answers the mistaken class about it.
        emit gallery->grid()->imageClicked(0);
        InferencePanel *panel = window.inferencePanel();
        QVERIFY(window.inferenceDock()->isVisible());
        QVERIFY(!panel->scores().empty());
        QCOMPARE(panel->scores()[0].index, worst.second);
        QVERIFY(std::fabs(panel->scores()[0].probability - shown[0].probability) < 1e-4f);
        QVERIFY(panel->findChild<QLabel *>("inferenceSource")->text().contains("validation sample"));

        // For the README (scripts/screenshots.sh): the studio with both docks.
        if (const QString shots = qEnvironmentVariable("STRATA_SCREENSHOT_DIR"); !shots.isEmpty()) {
            window.resize(1600, 1000);
            QTest::qWait(300);
            QDir().mkpath(shots);
            QVERIFY(window.grab().save(shots + QStringLiteral("/mistakes_gallery.png")));
        }
    }
};

QTEST_MAIN(TestMistakesGallery)
#include "test_mistakes_gallery.moc"
