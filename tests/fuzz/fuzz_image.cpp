// Pictures (PNG, JPEG, BMP, GIF through stb_image): decoded from memory, then made a model's
// input at a few shapes. The first byte picks the shape; the rest is the file.

#include "fuzz_input.h"
#include "strata/image_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const strata::PictureShape shapes[] = {
        {1, 28, 28, false}, {3, 32, 32, false}, {1, 28, 28, true}, {3, 5, 300, false}};
    const strata::PictureShape &shape = shapes[data[0] % (sizeof shapes / sizeof *shapes)];
    try {
        const strata::Picture8 picture = strata::decodePicture(data + 1, size - 1, "picture");
        const std::vector<float> input = strata::pictureAsInput(picture, shape);
        if (input.size() != size_t(shape.channels) * size_t(shape.height) * size_t(shape.width))
            std::abort();
    } catch (const strata::Error &) {
    }
    return 0;
}
