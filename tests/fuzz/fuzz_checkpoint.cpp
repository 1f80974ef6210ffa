// Checkpoints: a safetensors file with the training state in its metadata.

#include "fuzz_input.h"
#include "train/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string path = strata::fuzz::scratchPath("checkpoint.safetensors");
    strata::fuzz::writeFile(path, data, size);
    try {
        strata::internal::Checkpoint c = strata::internal::readCheckpoint(path);
        if (c.state.contains("history") && c.state["history"].is_array())
            for (const auto &epoch : c.state["history"])
                strata::internal::epochMetricsFromJson(epoch);
    } catch (const strata::Error &) {
    }
    return 0;
}
