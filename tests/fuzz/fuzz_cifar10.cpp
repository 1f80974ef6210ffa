// CIFAR-10 binary batches (label byte + 3072 pixel bytes per record).

#include "fuzz_input.h"
#include "strata/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string path = strata::fuzz::scratchPath("data_batch.bin");
    strata::fuzz::writeFile(path, data, size);
    try {
        strata::loadCifar10({path});
    } catch (const strata::Error &) {
    }
    return 0;
}
