// strata-cli serve's predict requests: the JSON body a client sends (numbers, nested lists,
// pictures as base64) read for a table model's input (2 features) or, when the first byte is
// odd, an image model's (1x28x28), as the server reads it before anything runs.

#include "fuzz_input.h"
#include "serve/serve_request.h"

#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const strata::Shape shape = data[0] & 1 ? strata::Shape{1, 28, 28} : strata::Shape{2};
    const std::string_view body(reinterpret_cast<const char *>(data) + 1, size - 1);
    try {
        strata::serve::parseInstances(body, shape, "x", 64);
    } catch (const strata::Error &) {
    }
    return 0;
}
