// CSV tables. The first byte picks the label column: the last one, one by index, or by name.

#include "fuzz_input.h"
#include "strata/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const std::string path = strata::fuzz::scratchPath("table.csv");
    if (size == 0)
        return 0;
    static const char *columns[] = {"", "0", "1", "label", "class", "999999999999"};
    const char *column = columns[data[0] % (sizeof columns / sizeof *columns)];
    strata::fuzz::writeFile(path, data + 1, size - 1);
    try {
        strata::loadCsv(path, column);
    } catch (const strata::Error &) {
    }
    return 0;
}
