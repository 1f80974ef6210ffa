#pragma once
// The safetensors weight format (https://github.com/huggingface/safetensors), readable by
// PyTorch tooling: an 8-byte little-endian header length N, N bytes of JSON header
//   {"<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"<key>": "<value>"}}
// padded with spaces to a multiple of 8, then the raw little-endian data; offsets count from
// the end of the header, and the tensors tile the data exactly, in order, with no gaps.

#include "strata/errors.h"
#include "strata/tensor.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace strata {

// A weight file that cannot be written or read: the message names the file, what was found
// (and where, for a tensor: its name) and what was expected.
class SafetensorsError : public Error
{
public:
    SafetensorsError(const std::string &file, const std::string &what)
        : Error(file + ": " + what), file_(file)
    {
    }
    const std::string &file() const { return file_; }

private:
    std::string file_;
};

// Writes host tensors as F32, in the given order, atomically (to a temporary beside it, then
// renamed over path). Throws SafetensorsError for an I/O failure, a duplicate or empty name, the
// reserved name "__metadata__", or a tensor that is not a defined host tensor.
void writeSafetensors(const std::string &path,
                      const std::vector<std::pair<std::string, Tensor>> &tensors,
                      const std::map<std::string, std::string> &metadata);

struct SafetensorsFile
{
    std::vector<std::pair<std::string, Tensor>> tensors; // host tensors, in file order
    std::map<std::string, std::string> metadata;
};

// Reads F32 tensors, and converts F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL to float.
// Validates the whole header before reading data; throws SafetensorsError for any deviation.
SafetensorsFile readSafetensors(const std::string &path);

} // namespace strata
