// Reading and writing safetensors files. The reader trusts nothing: the header length, the
// JSON, every entry and the tiling of the data are checked before any tensor is read.

#include "strata/safetensors.h"

#include "io/atomic_file.h"
#include "io/json_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

namespace strata {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian and is read and written as is");

namespace {

using nlohmann::json;

// The reference implementation's limit: a larger header is a corrupt or hostile file.
constexpr uint64_t maxHeaderBytes = 100'000'000;

struct Dtype
{
    const char *name;
    int64_t size;
};
// The reader's choices, in the order a message lists them.
constexpr Dtype dtypes[] = {{"F32", 4}, {"F64", 8}, {"F16", 2}, {"BF16", 2}, {"I64", 8},
                            {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},   {"BOOL", 1}};

const Dtype *findDtype(const std::string &name)
{
    for (const Dtype &d : dtypes)
        if (name == d.name)
            return &d;
    return nullptr;
}

std::string dtypeChoices()
{
    std::string text;
    for (const Dtype &d : dtypes)
        text += std::string(text.empty() ? "" : ", ") + d.name;
    return text;
}

std::string shown(const json &value)
{
    return internal::briefJson(value, 60);
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) { // zero or subnormal: mantissa * 2^-24
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31) // inf or NaN
        return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

template <typename T> void convertFrom(const char *src, float *dst, int64_t n)
{
    for (int64_t i = 0; i < n; ++i) {
        T value;
        std::memcpy(&value, src + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
        dst[i] = static_cast<float>(value);
    }
}

void convert(const std::string &dtype, const char *src, float *dst, int64_t n)
{
    if (dtype == "F64")
        convertFrom<double>(src, dst, n);
    else if (dtype == "F16" || dtype == "BF16") {
        for (int64_t i = 0; i < n; ++i) {
            uint16_t bits;
            std::memcpy(&bits, src + 2 * i, 2);
            dst[i] = dtype == "F16" ? halfToFloat(bits)
                                    : std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
        }
    } else if (dtype == "I64")
        convertFrom<int64_t>(src, dst, n);
    else if (dtype == "I32")
        convertFrom<int32_t>(src, dst, n);
    else if (dtype == "I16")
        convertFrom<int16_t>(src, dst, n);
    else if (dtype == "I8")
        convertFrom<int8_t>(src, dst, n);
    else // U8, BOOL (stored as one byte, 0 or 1)
        convertFrom<uint8_t>(src, dst, n);
}

struct Entry
{
    std::string name;
    std::string dtype;
    Shape shape;
    uint64_t begin = 0, end = 0;
};

// Checks one header entry against the size of the data region.
Entry parseEntry(const std::string &path, const std::string &name, const json &info,
                 uint64_t dataBytes)
{
    auto fail = [&](const std::string &what) -> SafetensorsError {
        return SafetensorsError(path, "tensor " + internal::briefQuote(name) + ": " + what);
    };
    if (!info.is_object())
        throw fail("expected an object with dtype, shape and data_offsets but found " +
                   shown(info));
    for (const char *key : {"dtype", "shape", "data_offsets"})
        if (!info.contains(key))
            throw fail(std::string("missing \"") + key +
                       "\" (expected dtype, shape and "
                       "data_offsets)");
    Entry e;
    e.name = name;
    const json &dtype = info.at("dtype");
    const Dtype *d = dtype.is_string() ? findDtype(dtype.get<std::string>()) : nullptr;
    if (!d)
        throw fail("unsupported dtype " + shown(dtype) + "; expected one of " + dtypeChoices());
    e.dtype = d->name;

    const json &shape = info.at("shape");
    bool shapeOk = shape.is_array();
    int64_t count = 1;
    for (const json &dim : shapeOk ? shape : json::array()) {
        // Dimensions are integers in [0, 2^63); their product must fit as well.
        const bool isDim = dim.is_number_unsigned() &&
                           dim.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max());
        if (!isDim) {
            shapeOk = false;
            break;
        }
        e.shape.push_back(dim.get<int64_t>());
        if (__builtin_mul_overflow(count, e.shape.back(), &count))
            throw fail("shape " + shown(shape) + " has too many elements");
    }
    if (!shapeOk)
        throw fail("expected a shape of integers >= 0 but found " + shown(shape));

    const json &offsets = info.at("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned() || offsets[0].get<uint64_t>() > offsets[1].get<uint64_t>())
        throw fail("expected data_offsets [begin, end] with 0 <= begin <= end but found " +
                   shown(offsets));
    e.begin = offsets[0].get<uint64_t>();
    e.end = offsets[1].get<uint64_t>();
    if (e.end > dataBytes)
        throw fail("data_offsets " + shown(offsets) + " run past the end of the data (" +
                   std::to_string(dataBytes) + " bytes after the header)");
    int64_t bytes = 0;
    if (__builtin_mul_overflow(count, d->size, &bytes) || uint64_t(bytes) != e.end - e.begin)
        throw fail("data_offsets " + shown(offsets) + " hold " + std::to_string(e.end - e.begin) +
                   " bytes but shape " + shown(shape) + " of " + d->name + " needs " +
                   std::to_string(bytes));
    return e;
}

} // namespace

void writeSafetensors(const std::string &path,
                      const std::vector<std::pair<std::string, Tensor>> &tensors,
                      const std::map<std::string, std::string> &metadata)
{
    // The header lists the metadata first and the tensors in the caller's order, as the
    // reference writer does, so files written twice from the same weights are identical.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::set<std::string> seen;
    uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        if (name.empty() || name == "__metadata__" || !seen.insert(name).second)
            throw SafetensorsError(path, "cannot write a tensor named '" + name +
                                             "' (names must be unique, non-empty and not "
                                             "__metadata__)");
        if (!tensor.defined() || !tensor.isHost())
            throw SafetensorsError(path, "tensor '" + name +
                                             "' is not a host tensor; copy it "
                                             "to the host before saving");
        const uint64_t bytes = uint64_t(tensor.numel()) * sizeof(float);
        header[name] = {{"dtype", "F32"},
                        {"shape", tensor.shape()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception &e) {
        throw SafetensorsError(path, std::string("cannot encode the header: ") + e.what());
    }
    text.append((8 - text.size() % 8) % 8, ' ');

    try {
        internal::writeFileAtomically(path, [&](std::ostream &out) {
            unsigned char length[8];
            for (int i = 0; i < 8; ++i)
                length[i] = static_cast<unsigned char>(uint64_t(text.size()) >> (8 * i));
            out.write(reinterpret_cast<const char *>(length), 8);
            out.write(text.data(), static_cast<std::streamsize>(text.size()));
            for (const auto &[name, tensor] : tensors)
                out.write(reinterpret_cast<const char *>(tensor.data()),
                          static_cast<std::streamsize>(tensor.numel() * sizeof(float)));
        });
    } catch (const internal::FileWriteError &e) {
        throw SafetensorsError(path, e.reason());
    }
}

SafetensorsFile readSafetensors(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw SafetensorsError(path, std::string("cannot open the file: ") + std::strerror(errno));
    std::error_code ec;
    const uint64_t fileBytes = std::filesystem::file_size(path, ec);
    if (ec)
        throw SafetensorsError(path, "cannot read the file size: " + ec.message());
    if (fileBytes < 8)
        throw SafetensorsError(path, "the file has " + std::to_string(fileBytes) +
                                         " bytes; expected at least 8 (the header length)");
    unsigned char length[8];
    in.read(reinterpret_cast<char *>(length), 8);
    uint64_t headerBytes = 0;
    for (int i = 0; i < 8; ++i)
        headerBytes |= uint64_t(length[i]) << (8 * i);
    if (headerBytes > maxHeaderBytes)
        throw SafetensorsError(path, "header length " + std::to_string(headerBytes) +
                                         " at offset 0 exceeds the 100 MB limit; expected a "
                                         "safetensors file");
    if (headerBytes > fileBytes - 8)
        throw SafetensorsError(path, "header length " + std::to_string(headerBytes) +
                                         " at offset 0 is larger than the " +
                                         std::to_string(fileBytes - 8) +
                                         " bytes after it; expected a complete file");
    std::string text(headerBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(headerBytes));
    if (!in)
        throw SafetensorsError(path, "cannot read the header");

    json header;
    try {
        header = internal::parseJsonText(text, "");
    } catch (const internal::JsonTextError &e) {
        throw SafetensorsError(path, "the header (bytes 8 to " + std::to_string(8 + headerBytes) +
                                         "): " + e.what());
    }
    if (!header.is_object())
        throw SafetensorsError(path, "the header is a JSON " + std::string(header.type_name()) +
                                         "; expected an object of tensors");

    SafetensorsFile file;
    const uint64_t dataBytes = fileBytes - 8 - headerBytes;
    std::vector<Entry> entries;
    for (const auto &item : header.items()) {
        if (item.key() == "__metadata__") {
            if (!item.value().is_object())
                throw SafetensorsError(path, "__metadata__ is " + shown(item.value()) +
                                                 "; expected an object of strings");
            for (const auto &meta : item.value().items()) {
                if (!meta.value().is_string())
                    throw SafetensorsError(path, "__metadata__ " +
                                                     internal::briefQuote(meta.key()) + " is " +
                                                     shown(meta.value()) + "; expected a string");
                file.metadata[meta.key()] = meta.value().get<std::string>();
            }
            continue;
        }
        entries.push_back(parseEntry(path, item.key(), item.value(), dataBytes));
    }

    // The tensors must tile the data in order: no overlaps, no gaps, nothing after the last.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t cursor = 0;
    std::string previous;
    for (const Entry &e : entries) {
        if (e.begin < cursor)
            throw SafetensorsError(path, "tensors '" + previous + "' and '" + e.name +
                                             "' overlap (data_offsets start at " +
                                             std::to_string(e.begin) + ", expected " +
                                             std::to_string(cursor) + ")");
        if (e.begin > cursor)
            throw SafetensorsError(path, "data bytes " + std::to_string(cursor) + " to " +
                                             std::to_string(e.begin) + " before tensor '" + e.name +
                                             "' belong to no tensor; expected the "
                                             "tensors to follow each other");
        cursor = e.end;
        previous = e.name;
    }
    if (cursor != dataBytes)
        throw SafetensorsError(path, "the tensors cover " + std::to_string(cursor) + " of the " +
                                         std::to_string(dataBytes) +
                                         " data bytes; expected them to cover all of it");

    const uint64_t dataStart = 8 + headerBytes;
    std::vector<char> buffer;
    for (const Entry &e : entries) {
        Tensor t(e.shape);
        const uint64_t bytes = e.end - e.begin;
        in.seekg(static_cast<std::streamoff>(dataStart + e.begin));
        char *target = reinterpret_cast<char *>(t.data());
        if (e.dtype != "F32") {
            buffer.resize(bytes);
            target = buffer.data();
        }
        in.read(target, static_cast<std::streamsize>(bytes));
        if (!in)
            throw SafetensorsError(path, "cannot read the " + std::to_string(bytes) +
                                             " bytes of tensor " + internal::briefQuote(e.name) +
                                             " at offset " + std::to_string(dataStart + e.begin));
        if (e.dtype != "F32")
            convert(e.dtype, buffer.data(), t.data(), t.numel());
        file.tensors.emplace_back(e.name, std::move(t));
    }
    return file;
}

} // namespace strata
