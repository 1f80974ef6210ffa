#include "io/atomic_file.h"
#include "strata/trainer.h"
#include "train/checkpoint.h"

#include <cstdio>

namespace strata {

void writeMetricsCsv(const std::vector<EpochMetrics> &history, const std::string &path)
{
    std::string text = "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds,samples_per_second\n";
    char line[256];
    for (const auto &m : history) {
        std::snprintf(line, sizeof line, "%d,%.6g,%.6g,%s,%s,%.6g,%.3f,%.1f\n", m.epoch + 1, m.loss,
                      m.accuracy, m.hasValidation ? std::to_string(m.valLoss).c_str() : "",
                      m.hasValidation ? std::to_string(m.valAccuracy).c_str() : "", m.learningRate,
                      m.seconds, m.samplesPerSecond);
        text += line;
    }
    internal::writeFileAtomically(path, text);
}

void writeMetricsJson(const std::vector<EpochMetrics> &history, const std::string &path)
{
    nlohmann::json j = nlohmann::json::array();
    for (const auto &m : history)
        j.push_back(internal::toJson(m));
    internal::writeFileAtomically(path, j.dump(2) + "\n");
}

} // namespace strata
