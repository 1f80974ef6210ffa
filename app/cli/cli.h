#pragma once
// strata-cli: the headless face of the engine. Every command reports bad arguments and files
// with a message and a non-zero exit code.

#include <string>
#include <vector>

namespace strata::cli {

// Parsed "--name value" options and positional arguments.
struct Args
{
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;

    bool has(const std::string &name) const;
    std::string get(const std::string &name, const std::string &fallback = "") const;
    int getInt(const std::string &name, int fallback) const; // throws UsageError
    // Throws UsageError for an option not in `allowed`.
    void allowOnly(const std::vector<std::string> &allowed) const;
};

struct UsageError
{
    std::string message;
};

Args parseArgs(int argc, char **argv, int first, const std::vector<std::string> &flags);

int runSummary(const Args &args);
int runCheck(const Args &args);
int runTrain(const Args &args);
int runEval(const Args &args);
int runPredict(const Args &args);
int runDevices(const Args &args);
int runExport(const Args &args);
int runImport(const Args &args);
int runBoundary(const Args &args);
int runAugment(const Args &args);
int runRuns(const Args &args);
int runStats(const Args &args);
int runProfile(const Args &args);
int runServe(const Args &args);

} // namespace strata::cli
