// strata-cli summary PROJECT, strata-cli check PROJECT and strata-cli devices.

#include "cli.h"

#include "strata/backend.h"
#include "strata/memory.h"
#include "strata/project.h"
#include "strata/project_check.h"
#include "strata/summary.h"

#include <iostream>

namespace strata::cli {

int runSummary(const Args &args)
{
    args.allowOnly({});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file: strata-cli summary PROJECT.strata"};
    Project project = loadProject(args.positional[0]);
    GraphAnalysis analysis = analyze(project.graph);
    std::cout << formatSummary(project.name, project.graph, analysis);
    if (!analysis.ok()) {
        std::cerr << "\nThe model has problems:\n";
        for (const auto &p : analysis.problems(project.graph))
            std::cerr << "  - " << p << "\n";
        return 1;
    }
    const TrainingMemory m =
        estimateTrainingMemory(analysis, project.training.batchSize, project.training.optimizer);
    std::cout << describeTrainingMemory(m, project.training.batchSize) << "\n";
    return 0;
}

int runCheck(const Args &args)
{
    args.allowOnly({});
    if (args.positional.size() != 1)
        throw UsageError{"expects one project file: strata-cli check PROJECT.strata"};
    const Project project = loadProject(args.positional[0]);
    const std::vector<ProjectProblem> problems =
        checkProject(project, analyze(project.graph), projectBaseDir(args.positional[0]));
    if (problems.empty()) {
        std::cout << "No problems: the model is ready to train\n";
        return 0;
    }
    for (const ProjectProblem &p : problems) {
        std::cout << (p.severity == ProblemSeverity::Error ? "error: " : "warning: ") << p.message
                  << "\n";
        if (p.fix == QuickFix::InsertFlatten)
            std::cout << "  quick fix in the studio: Insert Flatten\n";
        else if (p.fix == QuickFix::UseBinaryCrossEntropy)
            std::cout << "  quick fix in the studio: Use binary cross-entropy\n";
    }
    return hasErrors(problems) ? 1 : 0;
}

int runDevices(const Args &args)
{
    args.allowOnly({});
    for (const DeviceInfo &d : listDevices()) {
        std::cout << d.id << "\t" << d.name;
        if (d.memoryBytes > 0)
            std::cout << "\t" << d.memoryBytes / (1024 * 1024) << " MiB";
        if (!d.available)
            std::cout << "\t(unavailable: " << d.whyUnavailable << ")";
        std::cout << "\n";
        if (d.id == "cpu")
            std::cout << "\tidle threads: " << openmpWaitPolicy() << "\n";
    }
    return 0;
}

} // namespace strata::cli
