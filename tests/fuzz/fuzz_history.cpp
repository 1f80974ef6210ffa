// The history log beside a checkpoint (history.jsonl): one JSON object per line, of which a
// checkpoint says how many count. The first input byte picks that count (0-15).

#include "fuzz_input.h"
#include "train/history_log.h"

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
    return 0;
}
