// strata-cli profile PROJECT: where a training step's time and memory go, node by node (see
// strata/profile.h), as a table and optionally as a Chrome trace.

#include "cli.h"

#include "strata/machine_peak.h"
#include "strata/profile.h"
#include "strata/project.h"

#include <iostream>

namespace strata::cli {

int runProfile(const Args &args)
{
    args.allowOnly({"steps", "warmup", "device", "batch", "threads", "synthetic", "trace", "peak"});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file: strata-cli profile PROJECT.strata"};
    ProfileOptions options;
    options.steps = args.getInt("steps", options.steps);
    if (options.steps < 1)
        throw UsageError{"--steps expects at least 1 measured step"};
    options.warmup = args.getInt("warmup", options.warmup);
    options.device = args.get("device");
    options.batchSize = args.getInt("batch", 0);
    if (args.has("batch") && options.batchSize < 1)
        throw UsageError{"--batch expects a batch size of at least 1"};
    if (args.has("threads"))
        options.threads = args.getInt("threads", 0);
    options.syntheticData = args.has("synthetic");
    const std::string trace = args.get("trace");
    if (args.has("trace") && trace.empty())
        throw UsageError{"--trace needs a file name, for example --trace profile.json"};

    const std::string path = args.positional[0];
    const Project project = loadProject(path);
    const ProfileReport report = profileTraining(project, projectBaseDir(path), options);
    std::cout << formatProfileTable(report);
    if (args.has("peak")) {
        if (report.threads == 0)
            throw UsageError{"--peak measures the CPU's peak: profile on the CPU "
                             "(--device cpu) to compare the layers with it"};
        // The peak of the precision the project trains in.
        const Precision precision = parsePrecision(project.training.precision);
        std::cout << describeAgainstPeak(report, measurePeak(precision, report.threads));
    }
    if (!trace.empty()) {
        writeChromeTrace(report, trace);
        std::cout << "Trace: " << trace
                  << " (open it in Perfetto, https://ui.perfetto.dev, or chrome://tracing)\n";
    }
    return 0;
}

} // namespace strata::cli
