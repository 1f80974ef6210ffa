#include "serve/serve_request.h"

#include "strata/image_input.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

namespace strata::serve {

namespace {

using nlohmann::json;

std::string shapeText(const Shape &s)
{
    std::string t;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i)
            t += 'x';
        t += std::to_string(s[i]);
    }
    return t;
}

std::string typeName(const json &v)
{
    switch (v.type()) {
    case json::value_t::null:
        return "null";
    case json::value_t::boolean:
        return "true/false";
    case json::value_t::string:
        return "a string";
    case json::value_t::object:
        return "an object";
    case json::value_t::array:
        return "a list";
    default:
        return "a number";
    }
}

class InstanceReader
{
public:
    InstanceReader(const Shape &inputShape, const std::string &inputName, Instances &out)
        : shape_(inputShape), size_(numel(inputShape)), inputName_(inputName), out_(out)
    {
    }

    void read(const json &instance, int64_t index)
    {
        where_ = "instance " + std::to_string(index);
        got_ = 0;
        inObject_ = false;
        readValue(instance, 0);
        if (got_ != size_)
            fail(where_ + " has " + std::to_string(got_) + " values but the model's input takes " +
                 std::to_string(size_) +
                 (shape_.size() > 1 ? " (" + shapeText(shape_) + ")" : std::string()));
        ++out_.count;
    }

private:
    [[noreturn]] static void fail(const std::string &message) { throw RequestError(400, message); }

    void readValue(const json &v, int depth)
    {
        if (v.is_object()) {
            if (depth > 0 || inObject_)
                fail(where_ + ": an object inside " + (inObject_ ? "an object" : "a list"));
            inObject_ = true;
            readObject(v);
            return;
        }
        if (v.is_number()) {
            const float f = float(v.get<double>());
            if (!std::isfinite(f))
                fail(where_ + ": " + v.dump() + " is not a finite 32-bit number");
            // Values past the input's size are counted, not kept, so that the message can say
            // how many there were without holding a huge instance.
            if (++got_ <= size_)
                out_.values.push_back(f);
            return;
        }
        if (!v.is_array())
            fail(where_ + ": holds " + typeName(v) + " where numbers were expected");
        if (depth >= int(shape_.size()) + 1)
            fail(where_ + ": lists nested deeper than the input's shape (" + shapeText(shape_) +
                 ")");
        for (const json &e : v)
            readValue(e, depth + 1);
    }

    void readObject(const json &o)
    {
        if (o.size() != 1)
            fail(where_ +
                 ": an object instance holds one key, \"b64\" (a picture file) or the "
                 "input's name \"" +
                 inputName_ + "\"");
        // Not `*o.items().begin()`: its key() refers into a temporary that is gone by the
        // next line (found by fuzz_serve_request under AddressSanitizer).
        const auto it = o.begin();
        const std::string &key = it.key();
        const json &value = it.value();
        if (key == "b64") {
            if (!value.is_string())
                fail(where_ + ": \"b64\" holds " + typeName(value) + ", not a base64 string");
            readPicture(value.get_ref<const std::string &>());
            return;
        }
        if (key != inputName_)
            fail(where_ + ": unknown key \"" + key + "\"; use \"b64\" for a picture or \"" +
                 inputName_ + "\" (the input's name) for its values");
        readValue(value, 0);
    }

    void readPicture(const std::string &text)
    {
        PictureShape ps;
        try {
            ps = pictureShapeFor(shape_);
        } catch (const Error &e) {
            fail(where_ + ": a picture was sent, but " + e.what());
        }
        const std::vector<uint8_t> bytes = decodeBase64(text);
        Picture8 picture;
        try {
            picture = decodePicture(bytes.data(), bytes.size(), where_);
        } catch (const Error &e) {
            fail(e.what());
        }
        const std::vector<float> x = pictureAsInput(picture, ps);
        out_.values.insert(out_.values.end(), x.begin(), x.end());
        got_ += int64_t(x.size());
    }

    const Shape &shape_;
    int64_t size_;
    const std::string &inputName_;
    Instances &out_;
    std::string where_;
    int64_t got_ = 0;
    bool inObject_ = false;
};

} // namespace

Instances parseInstances(std::string_view body, const Shape &inputShape,
                         const std::string &inputName, int64_t maxInstances)
{
    const json request = json::parse(body.begin(), body.end(), nullptr, false);
    if (request.is_discarded())
        throw RequestError(400, "the request body is not valid JSON; send {\"instances\": [...]}");
    if (!request.is_object())
        throw RequestError(400, "the request body is " + typeName(request) +
                                    "; send an object: {\"instances\": [...]}");
    const char *key = request.contains("instances") ? "instances" : "inputs";
    if (!request.contains(key))
        throw RequestError(400, "the request has no \"instances\"; send {\"instances\": [...]}, "
                                "one instance per sample");
    const json &list = request[key];
    if (!list.is_array())
        throw RequestError(400, std::string("\"") + key + "\" holds " + typeName(list) +
                                    "; it must be a list with one instance per sample");
    if (list.empty())
        throw RequestError(400, std::string("\"") + key + "\" is empty: nothing to predict");
    if (int64_t(list.size()) > maxInstances)
        throw RequestError(413, std::to_string(list.size()) +
                                    " instances in one request; the "
                                    "server takes at most " +
                                    std::to_string(maxInstances) + ": send them in parts");
    Instances out;
    out.values.reserve(list.size() * size_t(numel(inputShape)));
    InstanceReader reader(inputShape, inputName, out);
    for (size_t i = 0; i < list.size(); ++i)
        reader.read(list[i], int64_t(i));
    return out;
}

std::vector<uint8_t> decodeBase64(std::string_view text)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+' || c == '-')
            return 62;
        if (c == '/' || c == '_')
            return 63;
        return -1;
    };
    std::vector<uint8_t> out;
    out.reserve(text.size() / 4 * 3 + 3);
    uint32_t bits = 0;
    int held = 0;
    size_t i = 0;
    for (; i < text.size() && text[i] != '='; ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r')
            continue;
        const int v = value(c);
        if (v < 0)
            throw RequestError(400, "\"b64\": character " + std::to_string(i) +
                                        " is not base64 (A-Z, a-z, 0-9, +, /)");
        bits = (bits << 6) | uint32_t(v);
        held += 6;
        if (held >= 8) {
            held -= 8;
            out.push_back(uint8_t(bits >> held));
        }
    }
    for (; i < text.size(); ++i)
        if (text[i] != '=')
            throw RequestError(400, "\"b64\": characters after the '=' padding");
    if (held >= 6)
        throw RequestError(400, "\"b64\": the text ends in the middle of a byte (truncated?)");
    return out;
}

std::string jsonNumber(float v)
{
    if (!std::isfinite(v))
        return "null";
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", double(v));
    return text;
}

std::string errorJson(const std::string &message)
{
    return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string predictionsJson(const std::vector<float> &p, int64_t count, int64_t k,
                            const std::vector<std::string> &classNames, int64_t version)
{
    std::string s = "{\"model_version\": " + std::to_string(version) + ", \"predictions\": [";
    for (int64_t i = 0; i < count; ++i) {
        const float *row = p.data() + i * k;
        const ClassScore top = topClasses(row, k, classNames, 1).front();
        s += i ? ", {\"probabilities\": [" : "{\"probabilities\": [";
        if (k == 1) // a sigmoid output: p(class 0), p(class 1)
            s += jsonNumber(1.0f - row[0]) + ", " + jsonNumber(row[0]);
        for (int64_t c = 0; k > 1 && c < k; ++c)
            s += (c ? ", " : "") + jsonNumber(row[c]);
        s +=
            "], \"class\": " + json(top.name).dump(-1, ' ', false, json::error_handler_t::replace) +
            ", \"index\": " + std::to_string(top.index) +
            ", \"probability\": " + jsonNumber(top.probability) + "}";
    }
    return s + "]}";
}

} // namespace strata::serve
