// The mistakes a model makes, as the gallery shows them: a model whose answer is known by
// construction (it picks the larger of two inputs) gets exactly the wrong samples, grouped by
// (truth, prediction), most confident first and capped per pair, across batch boundaries; a
// single sigmoid output counts above 0.5 as class 1. And the trainer's split of the data.

#include "strata/misclassified.h"
#include "strata/probe.h"
#include "training_projects.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <memory>

using namespace strata;

namespace {

// Input 2 -> Dense 2 (identity, no bias) -> Softmax: it chooses the larger coordinate.
std::unique_ptr<Probe> largerOfTwo()
{
    Project p;
    test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                    {"fc", "Dense", "fc", {{"units", 2}, {"bias", false}}},
                    {"softmax", "Softmax", "softmax", {}}});
    auto probe = std::make_unique<Probe>(p);
    probe->loadWeights({{"fc.weight", Tensor::fromVector({2, 2}, {1, 0, 0, 1})}});
    return probe;
}

Dataset points(const std::vector<std::array<float, 3>> &rows)
{
    Dataset d;
    d.sampleShape = {2};
    for (const auto &[a, b, label] : rows) {
        d.features.push_back(a);
        d.features.push_back(b);
        d.labels.push_back(static_cast<int64_t>(label));
    }
    return d;
}

} // namespace

class TestMisclassified : public QObject
{
    Q_OBJECT

private slots:
    void findsExactlyTheWrongOnes()
    {
        const auto owner = largerOfTwo();
        Probe &probe = *owner;
        // Label 0 where the second is larger (wrong), and the reverse; some right ones.
        const Dataset data = points({{1, 0, 0},   // right
                                     {0, 1, 0},   // wrong: 0 -> 1, p = softmax(1) ~ 0.73
                                     {0, 3, 0},   // wrong: 0 -> 1, more confident
                                     {2, 0, 1},   // wrong: 1 -> 0
                                     {0, 2, 1},   // right
                                     {0, 0.5, 0}, // wrong: 0 -> 1, least confident
                                     {5, 0, 0}}); // right
        for (int batch : {1, 3, 256}) {
            const std::vector<Mistake> m = findMistakes(probe, data, 64, batch);
            QCOMPARE(m.size(), size_t(4));
            // Pair (0, 1) first, most confident first; then (1, 0).
            QCOMPARE(m[0].index, int64_t(2));
            QCOMPARE(m[1].index, int64_t(1));
            QCOMPARE(m[2].index, int64_t(5));
            QCOMPARE(m[3].index, int64_t(3));
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(m[size_t(i)].truth, 0);
                QCOMPARE(m[size_t(i)].predicted, 1);
            }
            QCOMPARE(m[3].truth, 1);
            QCOMPARE(m[3].predicted, 0);
            QVERIFY(std::fabs(m[1].probability - 1 / (1 + std::exp(-1.f))) < 1e-5f);
            QVERIFY(m[0].probability > m[1].probability && m[1].probability > m[2].probability);
        }
        // At most perPair of a pair: the most confident.
        const std::vector<Mistake> capped = findMistakes(probe, data, 1);
        QCOMPARE(capped.size(), size_t(2));
        QCOMPARE(capped[0].index, int64_t(2));
        QCOMPARE(capped[1].index, int64_t(3));
    }

    void oneSigmoidOutput()
    {
        Project p;
        test::chain(p, {{"x", "Input", "x", {{"features", 2}}},
                        {"fc", "Dense", "fc", {{"units", 1}, {"bias", false}}},
                        {"sigmoid", "Sigmoid", "sigmoid", {}}});
        p.training.loss = "binary_cross_entropy";
        Probe probe(p);
        probe.loadWeights({{"fc.weight", Tensor::fromVector({1, 2}, {1, 0})}}); // sigmoid(x0)
        const Dataset data = points({{2, 0, 1}, {-2, 0, 1}, {3, 0, 0}, {-1, 0, 0}});
        const std::vector<Mistake> m = findMistakes(probe, data);
        QCOMPARE(m.size(), size_t(2));
        QCOMPARE(m[0].index, int64_t(2)); // 0 -> 1
        QCOMPARE(m[0].truth, 0);
        QCOMPARE(m[1].index, int64_t(1)); // 1 -> 0, p(0) = 1 - sigmoid(-2)
        QVERIFY(std::fabs(m[1].probability - (1 - 1 / (1 + std::exp(2.f)))) < 1e-5f);
    }

    void refusesDataOfAnotherShape()
    {
        const auto probe = largerOfTwo();
        Dataset d;
        d.sampleShape = {3};
        d.features = {1, 2, 3};
        d.labels = {0};
        QVERIFY_THROWS_EXCEPTION(Error, findMistakes(*probe, d));
    }

    void splitsAsTheTrainer()
    {
        DatasetBundle data;
        data.train = points({{0, 0, 0}, {1, 1, 1}, {2, 2, 0}, {3, 3, 1}, {4, 4, 0}});
        TrainingSpec spec;
        spec.validationSplit = 0.4;
        const DataSplit split = splitForTraining(data, spec);
        QCOMPARE(split.train.size(), int64_t(3));
        QVERIFY(split.validation);
        QCOMPARE(split.validation->size(), int64_t(2));
        QCOMPARE(split.validation->features[0], 3.f); // the last fraction
        QCOMPARE(split.source, std::string("validation split 0.40"));
        spec.validationSplit = 0.1; // no sample left to validate on
        QVERIFY_THROWS_EXCEPTION(Error, splitForTraining(data, spec));
        spec.validationSplit = 0;
        QVERIFY(!splitForTraining(data, spec).validation);
        QCOMPARE(splitForTraining(data, spec).source, std::string("none"));
        data.test = points({{9, 9, 1}});
        QCOMPARE(splitForTraining(data, spec).validation->size(), int64_t(1));
        QCOMPARE(splitForTraining(data, spec).source, std::string("test set"));
    }
};

QTEST_GUILESS_MAIN(TestMisclassified)
#include "test_misclassified.moc"
