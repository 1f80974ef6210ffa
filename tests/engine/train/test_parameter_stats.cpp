// Weight and gradient statistics (strata/parameter_stats.h): each figure against a hand
// computation, the history line's JSON form with a malformed-input table, and a run that
// reports them at every epoch's end.

#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/parameter_stats.h"
#include "strata/trainer.h"
#include "strata/weights_file.h"
#include "train/checkpoint.h"
#include "train/parameter_log.h"
#include "train/parameter_stats_json.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

using namespace strata;
using strata::test::sourceDir;

class TestParameterStats : public QObject
{
    Q_OBJECT

private slots:
    void handComputedFigures()
    {
        const std::vector<float> v{1, 2, 3, 4};
        const ValueStats s = valueStats(v.data(), 4, 4);
        QCOMPARE(s.count, int64_t(4));
        QCOMPARE(s.nonFinite, int64_t(0));
        QCOMPARE(s.mean, 2.5);
        QCOMPARE(s.std, std::sqrt(1.25)); // population deviation: mean of squares 7.5 - 6.25
        QCOMPARE(s.norm, std::sqrt(30.0));
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 4.0);
        // Four bins of 0.75 over [1, 4]: one value each (4 falls in the closed last bin).
        QCOMPARE(s.histogram.lo, 1.0);
        QCOMPARE(s.histogram.hi, 4.0);
        QCOMPARE(s.histogram.counts, (std::vector<int64_t>{1, 1, 1, 1}));
        QCOMPARE(s.histogram.binWidth(), 0.75);
        // Percentiles by linear interpolation between order statistics (numpy's default): the
        // median of 1..4 is 2.5, the 84.13th is 1 + 0.8413 * 3; each within a fine bin.
        const double fine = 3.0 / kStatsFineBins;
        QCOMPARE(s.percentiles.front(), 1.0);
        QCOMPARE(s.percentiles.back(), 4.0);
        QVERIFY(std::fabs(s.percentiles[4] - 2.5) <= fine);
        QVERIFY(std::fabs(s.percentiles[6] - (1 + 0.8413 * 3)) <= fine);
    }

    void percentilesOfALargeTensorAreWithinAFineBin()
    {
        // 0, 1, ..., 9999 shuffled by a fixed stride: exact percentile p is p/100 * 9999.
        std::vector<float> v(10000);
        for (int i = 0; i < 10000; ++i)
            v[size_t(i)] = float((i * 7919) % 10000);
        const ValueStats s = valueStats(v.data(), int64_t(v.size()));
        QCOMPARE(int(s.histogram.counts.size()), kStatsBins);
        for (size_t p = 0; p < kStatsPercentiles.size(); ++p) {
            const double exact = kStatsPercentiles[p] / 100 * 9999;
            QVERIFY2(std::fabs(s.percentiles[p] - exact) <= 9999.0 / kStatsFineBins,
                     qPrintable(QString("p%1: %2 vs %3")
                                    .arg(kStatsPercentiles[p])
                                    .arg(s.percentiles[p])
                                    .arg(exact)));
        }
        int64_t total = 0;
        for (int64_t c : s.histogram.counts)
            total += c;
        QCOMPARE(total, int64_t(10000));
        QCOMPARE(s.histogram.counts.front(), int64_t(313)); // values below 9999/32 = 312.47
    }

    void equalValuesAndNonFiniteOnes()
    {
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> v{0, 0, std::nanf(""), 0, -inf};
        const ValueStats s = valueStats(v.data(), int64_t(v.size()), 2);
        QCOMPARE(s.count, int64_t(3));
        QCOMPARE(s.nonFinite, int64_t(2));
        QCOMPARE(s.norm, 0.0);
        QCOMPARE(s.std, 0.0);
        QCOMPARE(s.histogram.lo, -0.5);
        QCOMPARE(s.histogram.hi, 0.5);
        QCOMPARE(s.histogram.counts, (std::vector<int64_t>{0, 3}));
        for (double p : s.percentiles)
            QCOMPARE(p, 0.0);
        const ValueStats none = valueStats(v.data(), 0);
        QCOMPARE(none.count, int64_t(0));
        QVERIFY_THROWS_EXCEPTION(Error, valueStats(v.data(), 1, 3)); // 3 does not divide 2048
    }

    void layerNormsCombineKernelAndBias()
    {
        Tensor kernel({2, 2}), bias({2});
        std::vector<float> k{3, 0, 0, 0}, b{0, 4};
        std::copy(k.begin(), k.end(), kernel.data());
        std::copy(b.begin(), b.end(), bias.data());
        Tensor grad({2, 2});
        std::fill(grad.data(), grad.data() + 4, 0.5f);
        const auto stats =
            parameterStats({{"fc.weight", kernel}, {"fc.bias", bias}, {"out.weight", kernel}},
                           {{"fc.weight", grad}});
        QCOMPARE(stats.size(), size_t(3));
        QCOMPARE(stats[0].node, std::string("fc"));
        QVERIFY(stats[0].hasGradients);
        QVERIFY(!stats[1].hasGradients);
        QCOMPARE(stats[0].gradients.norm, 1.0);
        const auto norms = layerNorms(stats);
        QCOMPARE(norms.size(), size_t(2));
        QCOMPARE(norms[0].node, std::string("fc"));
        QCOMPARE(norms[0].weights, 5.0); // sqrt(3² + 4²)
        QCOMPARE(norms[0].gradients, 1.0);
        QVERIFY(norms[0].hasGradients);
        QCOMPARE(norms[1].weights, 3.0);
        QVERIFY(!norms[1].hasGradients);
        QCOMPARE(parameterNode("block.conv1.weight"), std::string("block.conv1"));
    }

    void jsonRoundTrip()
    {
        Tensor w({3});
        std::vector<float> v{-1, 0.25f, 2};
        std::copy(v.begin(), v.end(), w.data());
        const auto stats = parameterStats({{"fc.weight", w}}, {{"fc.weight", w}});
        const auto back = internal::parameterStatsFromJson(internal::toJson(stats));
        QCOMPARE(back.size(), size_t(1));
        QCOMPARE(back[0].name, stats[0].name);
        QCOMPARE(back[0].shape, stats[0].shape);
        QCOMPARE(back[0].weights.histogram.counts, stats[0].weights.histogram.counts);
        QCOMPARE(back[0].gradients.percentiles, stats[0].gradients.percentiles);
        QCOMPARE(back[0].weights.norm, stats[0].weights.norm);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("edit"); // a JSON pointer and its new value
        QTest::addColumn<QString>("message");
        QTest::newRow("not a list") << "|{}"
                                    << "not a list";
        QTest::newRow("no name") << "/0/name|7"
                                 << "has no name";
        QTest::newRow("negative count") << "/0/weights/count|-1"
                                        << "not a count";
        QTest::newRow("fractional count") << "/0/weights/count|2.5"
                                          << "not a count";
        QTest::newRow("counts disagree") << "/0/weights/histogram/counts/0|9"
                                         << "more values";
        QTest::newRow("too few counted") << "/0/weights/histogram/counts/0|0"
                                         << "counts 2 values";
        QTest::newRow("empty range") << "/0/weights/histogram/hi|-5"
                                     << "range is empty";
        QTest::newRow("min above max") << "/0/weights/min|10"
                                       << "above the maximum";
        QTest::newRow("nan text") << "/0/weights/mean|\"NaN\""
                                  << "not a finite number";
        QTest::newRow("eight percentiles") << "/0/weights/percentiles|[1,2,3,4,5,6,7,8]"
                                           << "list of 9";
        QTest::newRow("no bins") << "/0/weights/histogram/counts|[]"
                                 << "no bins";
        QTest::newRow("shape disagrees") << "/0/shape|[4]"
                                         << "shape holds 4";
        QTest::newRow("huge shape") << "/0/shape|[1099511627776,1099511627776]"
                                    << "impossible shape";
        QTest::newRow("gradient not object") << "/0/gradients|3"
                                             << "not an object";
    }
    void malformed()
    {
        QFETCH(QString, edit);
        QFETCH(QString, message);
        Tensor w({3});
        std::vector<float> v{-1, 0.25f, 2};
        std::copy(v.begin(), v.end(), w.data());
        nlohmann::json j = internal::toJson(parameterStats({{"fc.weight", w}}, {{"fc.weight", w}}));
        const QStringList parts = edit.split('|');
        const nlohmann::json value = nlohmann::json::parse(parts[1].toStdString());
        if (parts[0].isEmpty())
            j = value;
        else
            j[nlohmann::json::json_pointer(parts[0].toStdString())] = value;
        try {
            internal::parameterStatsFromJson(j);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        // In the run's log, the same damage ends the reading at its line, with the reason;
        // the epochs before it keep theirs.
        QTemporaryDir dir;
        const std::string path = dir.path().toStdString() + "/parameters.jsonl";
        const nlohmann::json good{
            {"epoch", 1}, {"parameters", internal::toJson(parameterStats({{"fc.weight", w}}))}};
        std::ofstream(path) << good.dump() << "\n"
                            << nlohmann::json{{"epoch", 2}, {"parameters", j}}.dump() << "\n";
        std::vector<EpochMetrics> history(2);
        const std::string why = internal::readParameterLog(path, history);
        QVERIFY2(QString::fromStdString(why).contains("line 2 is damaged"), why.c_str());
        QCOMPARE(history[0].parameters.size(), size_t(1));
        QVERIFY(history[1].parameters.empty());
    }

    // A run reports every trainable tensor at each epoch's end; the last epoch's weight
    // figures are those of the final weights file, and the history log keeps them.
    void aRunReportsThemAtEachEpochEnd()
    {
        QTemporaryDir dir;
        TrainerOptions o;
        o.outDir = dir.path().toStdString();
        o.epochs = 3;
        o.parameterStats = true;
        Trainer t(loadProject(sourceDir() + "/projects/xor.strata"), sourceDir() + "/projects", o);
        QCOMPARE(toString(t.run().reason), toString(FinishedEvent::Reason::Completed));
        QCOMPARE(t.history().size(), size_t(3));
        const WeightsFile final = loadWeights(o.outDir + "/final.safetensors");
        const auto &last = t.history().back().parameters;
        QCOMPARE(last.size(), final.weights.size());
        for (size_t i = 0; i < last.size(); ++i) {
            auto w = std::find_if(final.weights.begin(), final.weights.end(),
                                  [&](const auto &named) { return named.first == last[i].name; });
            QVERIFY2(w != final.weights.end(), last[i].name.c_str());
            const ValueStats expect = valueStats(w->second.data(), w->second.numel());
            QCOMPARE(last[i].weights.norm, expect.norm);
            QCOMPARE(last[i].weights.histogram.counts, expect.histogram.counts);
            QVERIFY(last[i].hasGradients);
            QVERIFY(last[i].gradients.norm > 0);
        }
        for (const EpochMetrics &m : t.history())
            QCOMPARE(m.parameters.size(), last.size());
        // Kept beside the history, which stays small: a line of metrics per epoch.
        std::vector<EpochMetrics> logged(3);
        QCOMPARE(internal::readParameterLog(o.outDir + "/parameters.jsonl", logged), std::string());
        for (size_t e = 0; e < 3; ++e) {
            QCOMPARE(logged[e].parameters.size(), last.size());
            QCOMPARE(logged[e].parameters[0].weights.norm,
                     t.history()[e].parameters[0].weights.norm);
        }
        std::ifstream in(o.outDir + "/history.jsonl");
        std::string line;
        std::getline(in, line);
        QVERIFY2(line.find("parameters") == std::string::npos && line.size() < 400, line.c_str());
    }

    // A resumed run keeps the statistics of the epochs before its checkpoint, and a partial
    // last line (a kill mid-write) only leaves that epoch without them.
    void aResumedRunKeepsThem()
    {
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        const Project xor_ = loadProject(sourceDir() + "/projects/xor.strata");
        TrainerOptions o;
        o.outDir = out;
        o.epochs = 2;
        o.parameterStats = true;
        {
            Trainer t(xor_, sourceDir() + "/projects", o);
            QCOMPARE(toString(t.run().reason), toString(FinishedEvent::Reason::Completed));
        }
        std::ofstream(out + "/parameters.jsonl", std::ios::app) << "{\"epoch\": 3, \"param";
        o.epochs = 4;
        o.resumeFrom = out + "/checkpoint.safetensors";
        Trainer t(xor_, sourceDir() + "/projects", o);
        QCOMPARE(toString(t.run().reason), toString(FinishedEvent::Reason::Completed));
        QCOMPARE(t.history().size(), size_t(4));
        std::vector<EpochMetrics> logged(4);
        QCOMPARE(internal::readParameterLog(out + "/parameters.jsonl", logged), std::string());
        for (const EpochMetrics &m : logged)
            QVERIFY(!m.parameters.empty());
        QCOMPARE(logged[0].parameters[0].weights.norm, t.history()[0].parameters[0].weights.norm);
    }
};

QTEST_GUILESS_MAIN(TestParameterStats)
#include "test_parameter_stats.moc"
