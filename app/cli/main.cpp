// strata-cli: summary, check, train, runs, stats, profile, eval, predict, boundary, augment,
// serve, devices, export and import from the terminal.

#include "cli.h"

#include "strata/errors.h"
#include "strata/version.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>

namespace strata::cli {

bool Args::has(const std::string &name) const
{
    for (const auto &[k, v] : options)
        if (k == name)
            return true;
    return false;
}

std::string Args::get(const std::string &name, const std::string &fallback) const
{
    for (const auto &[k, v] : options)
        if (k == name)
            return v;
    return fallback;
}

int Args::getInt(const std::string &name, int fallback) const
{
    if (!has(name))
        return fallback;
    const std::string v = get(name);
    try {
        size_t used = 0;
        long long n = std::stoll(v, &used);
        if (used != v.size() || n < 0 || n > 1000000000)
            throw std::invalid_argument(v);
        return static_cast<int>(n);
    } catch (const std::exception &) {
        throw UsageError{"--" + name + " expects a non-negative whole number, not '" + v + "'"};
    }
}

void Args::allowOnly(const std::vector<std::string> &allowed) const
{
    for (const auto &[k, v] : options) {
        bool ok = false;
        for (const auto &a : allowed)
            ok = ok || a == k;
        if (!ok)
            throw UsageError{"unknown option --" + k};
    }
}

Args parseArgs(int argc, char **argv, int first, const std::vector<std::string> &flags)
{
    Args a;
    for (int i = first; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) == 0 && s.size() > 2) {
            std::string name = s.substr(2), value;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (std::find(flags.begin(), flags.end(), name) == flags.end()) {
                if (i + 1 >= argc)
                    throw UsageError{"--" + name + " needs a value"};
                value = argv[++i];
            }
            a.options.emplace_back(name, value);
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

} // namespace strata::cli

namespace {

const char *kUsage =
    "Usage: strata-cli COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  summary PROJECT                 layers, output shapes, parameters and FLOPs\n"
    "  check PROJECT                   what would stop Train (the studio's Problems panel);\n"
    "                                  exit code 1 when there is an error\n"
    "  train PROJECT [--epochs N] [--device cpu|cuda[:N]] [--out DIR]\n"
    "                [--resume RUN|CHECKPOINT] [--seed N] [--threads N] [--quiet]\n"
    "                [--keep-checkpoints K] [--precision fp32|bf16]\n"
    "                                  train; a new run in PROJECT's runs folder (NAME.runs\n"
    "                                  beside it), or into DIR with --out; --resume RUN\n"
    "                                  continues a stored run where it stopped\n"
    "  runs PROJECT [--json]           the project's runs: status, epochs, best validation\n"
    "                                  accuracy and loss, duration\n"
    "  runs PROJECT --rename RUN NAME | --tag RUN=A,B | --note RUN=TEXT | --delete RUN\n"
    "                                  label or delete a run\n"
    "  stats PROJECT [--run RUN] [--epoch N]\n"
    "                                  each tensor's weights and gradients at an epoch's end\n"
    "                                  (mean, spread, norm, histogram) and the layers' norms\n"
    "                                  over the epochs, from a stored run (default: newest)\n"
    "  stats PROJECT --weights FILE    the same for the weights of a file\n"
    "  profile PROJECT [--steps N] [--warmup N] [--device D] [--batch N] [--threads N]\n"
    "                  [--synthetic] [--trace FILE.json] [--peak]\n"
    "                                  where a training step's time and memory go: per node\n"
    "                                  its forward, backward, reorder and update times, share\n"
    "                                  of the step, GFLOP/s, memory and kernel, measured over\n"
    "                                  N steps (default 20) after a warm-up (default 5);\n"
    "                                  --synthetic: random data instead of the dataset;\n"
    "                                  --trace: a Chrome trace for Perfetto or chrome://tracing;\n"
    "                                  --peak: the CPU's measured peak in the project's\n"
    "                                  precision, and each layer's forward GFLOP/s as a\n"
    "                                  share of it\n"
    "  eval PROJECT --weights FILE     test-set loss, accuracy and confusion matrix\n"
    "  predict PROJECT --weights FILE --input FILE.csv\n"
    "                                  class probabilities, one row per input row\n"
    "  predict PROJECT --weights FILE --input PICTURE|FOLDER [MORE...] [--top K] [--json]\n"
    "                                  an image model's top K classes (default 5) for each\n"
    "                                  PNG, JPEG, BMP or GIF picture, and each one in a folder\n"
    "                                  (resized and normalised as in training); --json: each\n"
    "                                  picture's probabilities of every class as JSON;\n"
    "                                  --image PICTURE: the same for one picture\n"
    "  boundary PROJECT --weights FILE --out PICTURE.png [--size WxH]\n"
    "                                  the decision boundary of a model on 2 input features\n"
    "                                  as a picture (default 600x600)\n"
    "  augment PROJECT --out PICTURE.png [--sample N] [--count K]\n"
    "                                  training sample N (default 0) and K (default 8) draws\n"
    "                                  of the dataset's augmentation, side by side\n"
    "  serve PROJECT --weights FILE [--port 8501] [--host 127.0.0.1] [--name NAME]\n"
    "        [--threads N] [--contexts N] [--watch SECONDS] [--max-body-mb N]\n"
    "                                  the trained model over HTTP in TensorFlow Serving's\n"
    "                                  REST shape: POST /v1/models/NAME:predict with\n"
    "                                  {\"instances\": [...]}, GET /v1/models/NAME, GET\n"
    "                                  /metrics; a new weights file (or POST\n"
    "                                  /v1/models/NAME:reload) is checked and swapped in\n"
    "                                  while requests go on; this machine only unless --host\n"
    "  export PROJECT --weights FILE --format onnx|safetensors|pytorch|keras --out PATH\n"
    "                                  the trained model as ONNX, safetensors, or PyTorch or\n"
    "                                  Keras code (PATH is a folder for code); without\n"
    "                                  --weights, freshly initialised weights\n"
    "  import MODEL.onnx --out PROJECT.strata\n"
    "                                  an ONNX model as a new project, with its weights in\n"
    "                                  PROJECT.safetensors\n"
    "  devices                         the devices Strata can train on\n"
    "  help                            this text\n"
    "  version                         Strata's version (also --version)\n";

} // namespace

int main(int argc, char **argv)
{
    using namespace strata::cli;
    if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") ||
        !std::strcmp(argv[1], "-h")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
        std::printf("strata-cli %s\n", strata::version());
        return 0;
    }
    const std::string command = argv[1];
    try {
        Args args = parseArgs(argc, argv, 2, {"quiet", "json", "synthetic", "peak"});
        if (command == "summary")
            return runSummary(args);
        if (command == "check")
            return runCheck(args);
        if (command == "train")
            return runTrain(args);
        if (command == "eval")
            return runEval(args);
        if (command == "predict")
            return runPredict(args);
        if (command == "boundary")
            return runBoundary(args);
        if (command == "augment")
            return runAugment(args);
        if (command == "runs")
            return runRuns(args);
        if (command == "stats")
            return runStats(args);
        if (command == "profile")
            return runProfile(args);
        if (command == "serve")
            return runServe(args);
        if (command == "devices")
            return runDevices(args);
        if (command == "export")
            return runExport(args);
        if (command == "import")
            return runImport(args);
        std::cerr << "strata-cli: unknown command '" << command << "'\n\n" << kUsage;
        return 2;
    } catch (const UsageError &e) {
        std::cerr << "strata-cli " << command << ": " << e.message
                  << "\nRun 'strata-cli help' for usage.\n";
        return 2;
    } catch (const std::bad_alloc &) {
        std::cerr << "strata-cli " << command
                  << ": ran out of memory; the model, its batch or the dataset does not fit in "
                     "this machine's memory (try a smaller batch size, fewer units or a subset "
                     "of the data)\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "strata-cli " << command << ": " << e.what() << "\n";
        return 1;
    }
}
