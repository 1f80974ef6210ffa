// Weights files: safetensors with Strata's metadata (class names, normalisation).

#include "fuzz_input.h"
#include "strata/weights_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string path = strata::fuzz::scratchPath("weights.safetensors");
    strata::fuzz::writeFile(path, data, size);
    try {
        strata::loadWeights(path);
    } catch (const strata::Error &) {
    }
    return 0;
}
