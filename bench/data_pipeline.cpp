// strata-data-bench: what augmentation costs training, and whether the prefetching input
// pipeline hides it. Trains a project three ways per round, in an order that rotates between
// rounds: its augmentation with the next batch prepared on the pipeline's thread
// (prefetched), the same augmentation prepared in line before each step, and no augmentation.
// Prints each way's median samples/s and the share of the epochs' time the steps waited for
// their batch (prefetched: for a batch not ready yet; in line: its whole preparation). Default
// augmentation when the project has none: flip, crop 2, rotate 10°, shift 0.1, brightness 0.1,
// contrast 0.2, noise 0.01.
//
//   strata-data-bench PROJECT [--limit N] [--epochs E] [--rounds R]
//
// Not a test: run it on a quiet machine.

#include "strata/project.h"
#include "strata/trainer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace strata;

namespace {

struct Result
{
    double samplesPerSecond = 0;
    double waitShare = 0;
};

Result trainOnce(const Project &project, const std::string &baseDir, int epochs,
                 TrainerOptions::Prefetch prefetch)
{
    TrainerOptions options;
    options.epochs = epochs;
    options.prefetch = prefetch;
    Trainer trainer(project, baseDir, options);
    const FinishedEvent f = trainer.run();
    if (f.reason != FinishedEvent::Reason::Completed) {
        std::fprintf(stderr, "strata-data-bench: training did not complete: %s\n",
                     f.message.c_str());
        std::exit(1);
    }
    double seconds = 0, waited = 0, samples = 0;
    for (const EpochMetrics &m : trainer.history()) {
        seconds += m.seconds;
        waited += m.dataWaitSeconds;
        samples += m.samplesPerSecond * m.seconds;
    }
    return {seconds > 0 ? samples / seconds : 0, seconds > 0 ? waited / seconds : 0};
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    std::string path;
    int rounds = 3, epochs = 1;
    int64_t limit = 0;
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--rounds") && value)
            rounds = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--epochs") && value)
            epochs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--limit") && value)
            limit = std::max(1, std::atoi(argv[++i]));
        else if (argv[i][0] != '-' && path.empty())
            path = argv[i];
        else {
            std::fprintf(stderr, "usage: strata-data-bench PROJECT [--limit N] [--epochs E] "
                                 "[--rounds R]\n");
            return 2;
        }
    }
    if (path.empty()) {
        std::fprintf(stderr, "usage: strata-data-bench PROJECT [--limit N] [--epochs E] "
                             "[--rounds R]\n");
        return 2;
    }
    Project augmented;
    try {
        augmented = loadProject(path);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "strata-data-bench: %s\n", e.what());
        return 1;
    }
    if (limit > 0)
        augmented.dataset.limit = limit;
    if (!augmented.dataset.augmentation.active()) {
        AugmentationSpec &a = augmented.dataset.augmentation;
        a.horizontalFlip = true;
        a.cropPadding = 2;
        a.rotate = 10;
        a.translate = 0.1;
        a.brightness = 0.1;
        a.contrast = 0.2;
        a.noise = 0.01;
    }
    Project plain = augmented;
    plain.dataset.augmentation = {};
    const std::string baseDir = projectBaseDir(path);
    std::printf("%s: %d rounds of %d epochs; augmentation: %s\n", path.c_str(), rounds, epochs,
                augmented.dataset.augmentation.summary().c_str());
    std::vector<double> ahead, inLine, none, waits, inLineWaits;
    for (int r = 0; r < rounds; ++r) {
        for (int k = 0; k < 3; ++k) {
            switch ((k + r) % 3) {
            case 0: {
                const Result p =
                    trainOnce(augmented, baseDir, epochs, TrainerOptions::Prefetch::On);
                ahead.push_back(p.samplesPerSecond);
                waits.push_back(p.waitShare);
                break;
            }
            case 1: {
                const Result l =
                    trainOnce(augmented, baseDir, epochs, TrainerOptions::Prefetch::Off);
                inLine.push_back(l.samplesPerSecond);
                inLineWaits.push_back(l.waitShare);
                break;
            }
            default:
                none.push_back(trainOnce(plain, baseDir, epochs, TrainerOptions::Prefetch::Off)
                                   .samplesPerSecond);
            }
        }
        std::printf("round %d: prefetched %.0f samples/s (waited %.2f%% of the time), in line "
                    "%.0f (%.2f%%), no augmentation %.0f\n",
                    r + 1, ahead.back(), 100 * waits.back(), inLine.back(),
                    100 * inLineWaits.back(), none.back());
        std::fflush(stdout);
    }
    const double a = median(ahead), l = median(inLine), n = median(none);
    std::printf("median: augmented and prefetched %.0f samples/s = %.3fx no augmentation (%.0f), "
                "steps waited for data %.2f%% of the time; augmented in line %.0f = %.3fx, "
                "steps waited %.2f%%\n",
                a, a / n, n, 100 * median(waits), l, l / n, 100 * median(inLineWaits));
    return 0;
}
