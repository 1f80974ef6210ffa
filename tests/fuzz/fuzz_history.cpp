// The history log beside a checkpoint (history.jsonl): one JSON object per line, of which a
// checkpoint says how many count. The first input byte picks that count (0-15). The same
// bytes as the parameter statistics beside it (parameters.jsonl), read best-effort.

#include "fuzz_input.h"
#include "train/history_log.h"
#include "train/parameter_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const std::string path = strata::fuzz::scratchPath("history.jsonl");
    strata::fuzz::writeFile(path, data + 1, size - 1);
    try {
        const int epochs = data[0] & 15;
        const auto history = strata::internal::readHistoryLog(path, epochs);
        if (static_cast<int>(history.size()) != epochs)
            strata::fuzz::broken("readHistoryLog returned another count than asked for");
    } catch (const strata::Error &) {
    }
    // Never throws: a damaged line ends the reading with the reason.
    std::vector<strata::EpochMetrics> history(static_cast<size_t>(data[0] & 15));
    strata::internal::readParameterLog(path, history);
    return 0;
}
