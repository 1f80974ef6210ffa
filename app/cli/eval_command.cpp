// strata-cli eval: trained weights over the test set, as loss, accuracy and a confusion
// matrix.

#include "trained_model.h"

#include "strata/evaluation.h"

#include <cstdio>

namespace strata::cli {

int runEval(const Args &args)
{
    args.allowOnly({"weights", "device"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file and --weights FILE"};
    TrainedModel l = loadTrained(args.positional[0], args);
    DatasetBundle data = loadDataset(l.project.dataset, projectBaseDir(args.positional[0]));
    const Dataset *set = data.test ? &*data.test : &data.train;
    if (!data.test)
        std::printf("The dataset has no test set; evaluating on the training set.\n");
    Evaluation e = evaluateDataset(*l.network, *set, l.project.training.batchSize);
    std::printf("%s: %lld samples - loss: %.4f - accuracy: %.4f\n", data.test ? "Test" : "Train",
                static_cast<long long>(e.samples), e.loss, e.accuracy);
    std::printf("Confusion matrix (rows: true class, columns: predicted):\n");
    const auto &names = set->classNames;
    for (size_t i = 0; i < e.confusion.size(); ++i) {
        std::printf("%14s", i < names.size() ? names[i].substr(0, 13).c_str() : "?");
        for (int64_t v : e.confusion[i])
            std::printf(" %6lld", static_cast<long long>(v));
        std::printf("\n");
    }
    return 0;
}

} // namespace strata::cli
