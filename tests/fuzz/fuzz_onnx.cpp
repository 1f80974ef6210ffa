// ONNX import: protobuf parsing, then mapping every node onto Strata's layers.

#include "fuzz_input.h"
#include "strata/export.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string path = strata::fuzz::scratchPath("model.onnx");
    strata::fuzz::writeFile(path, data, size);
    try {
        strata::importOnnx(path);
    } catch (const strata::Error &) {
    }
    return 0;
}
