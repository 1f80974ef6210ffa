// How the generated model.py files read and write Strata's weights: read_safetensors() and
// write_safetensors() by hand (numpy, json and struct: no Python dependency added), and
// load_weights() / save_weights() for both frameworks, inverse to each other, so weights
// trained in PyTorch or Keras come back to strata-cli and the studio.

#include "codegen/codegen.h"
#include "codegen/python_text.h"

#include "strata/errors.h"

namespace strata::internal {

namespace {

// The Strata shape of the weight "<node id>.<name>" (buildCodeModel checked it is there).
const Shape &weightShape(const WeightsFile &weights, const std::string &name)
{
    for (const auto &[n, t] : weights.weights)
        if (n == name)
            return t.shape();
    throw Error("Code export: no weight '" + name + "'");
}

} // namespace

std::string safetensorsReaderSource()
{
    return R"PY(def read_safetensors(path):
    """The tensors (name → numpy array) and metadata of a safetensors file.

    The format is small enough to read by hand: an 8-byte little-endian header length,
    a JSON header giving each tensor's dtype, shape and byte range, then the raw data.
    """
    dtypes = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4",
              "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[info["dtype"]])
        # Strata checkpoints keep the weights under "weight/<name>".
        name = name[len("weight/"):] if name.startswith("weight/") else name
        if "/" not in name:
            tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors, metadata
)PY";
}

std::string safetensorsWriterSource()
{
    return R"PY(def write_safetensors(path, tensors, metadata):
    """Writes (name, array) pairs as float32 safetensors with string metadata, as Strata
    writes them: an 8-byte little-endian header length, the JSON header padded with spaces
    to a multiple of 8, then the raw little-endian data, tensor after tensor. The file is
    written beside path and renamed over it, so no reader sees half a file."""
    header, blobs, offset = {"__metadata__": dict(metadata)}, [], 0
    for name, value in tensors:
        value = np.ascontiguousarray(value, dtype="<f4")
        blob = value.tobytes()
        header[name] = {"dtype": "F32", "shape": [int(d) for d in value.shape],
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    partial = path + ".part"
    with open(partial, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(partial, path)


def strata_metadata(normalization=None, class_names=None):
    """The metadata Strata keeps with weights: the class names and the input normalisation
    (NORMALIZATION and CLASS_NAMES when not given)."""
    n = NORMALIZATION if normalization is None else normalization
    n = {"mode": str(n["mode"]), "scale": float(n["scale"]),
         "mean": [float(v) for v in n["mean"]], "std": [float(v) for v in n["std"]]}
    names = CLASS_NAMES if class_names is None else class_names
    return {"format": "pt", "strata_normalization": json.dumps(n),
            "strata_classes": json.dumps([str(c) for c in names])}
)PY";
}

std::string torchWeightsSource(const CodeModel &m)
{
    std::string s = R"PY(def _assign(target, tensors, name):
    if name not in tensors:
        raise KeyError(f"the weights file has no '{name}': was it exported from this project?")
    value = torch.from_numpy(tensors[name])
    if tuple(value.shape) != tuple(target.shape):
        raise ValueError(f"'{name}' is {tuple(value.shape)} but the model needs "
                         f"{tuple(target.shape)}")
    target.copy_(value)


def load_weights(model, path="weights.safetensors"):
    """Copies the weights Strata saved (names "<node id>.<weight>") into the model."""
    tensors, _ = read_safetensors(path)
    with torch.no_grad():
)PY";
    std::string pairs;
    for (const CodeNode &n : m.nodes)
        for (const CodeWeight &w : n.code.torch.weights) {
            s += "        _assign(model." + n.attr + "." + w.target + ", tensors, " +
                 pyString(n.node->id + "." + w.strata) + ")\n";
            pairs += "        (" + pyString(n.node->id + "." + w.strata) + ", model." + n.attr +
                     "." + w.target + "),\n";
        }
    if (pairs.empty())
        s += "        pass  # the model has no weights\n";
    s += R"PY(    return model


def save_weights(model, path="weights.safetensors", normalization=None, class_names=None):
    """Writes the model's weights as Strata saves them (names "<node id>.<weight>", float32,
    the same layouts, the class names and normalisation in the metadata): strata-cli eval,
    predict and export and the studio read the file. normalization: the one the training
    inputs were normalised with (data.load's third value); NORMALIZATION when None."""
    tensors = [
)PY";
    s += pairs;
    s += R"PY(    ]
    write_safetensors(path, [(name, t.detach().cpu().numpy()) for name, t in tensors],
                      strata_metadata(normalization, class_names))
)PY";
    return s;
}

std::string kerasWeightsSource(const CodeModel &m, const WeightsFile &weights)
{
    std::string load = R"PY(def load_weights(model, path="weights.safetensors"):
    """Copies the weights Strata saved (names "<node id>.<weight>") into the model,
    converting Strata's (PyTorch's) layouts to Keras' where they differ."""
    tensors, _ = read_safetensors(path)
)PY";
    std::string save = R"PY(def _to_strata(value, convert, shape):
    """The inverse of a conversion load_weights makes: each one only reorders the elements,
    so following where it takes each index of a Strata-shaped array undoes it."""
    index = np.asarray(convert(np.arange(int(np.prod(shape))).reshape(shape))).reshape(-1)
    out = np.empty(index.size, dtype=np.float32)
    out[index] = np.asarray(value, dtype=np.float32).reshape(-1)
    return out.reshape(shape)


def save_weights(model, path="weights.safetensors", normalization=None, class_names=None):
    """Writes the model's weights as Strata saves them (names "<node id>.<weight>", float32,
    Strata's layouts, the class names and normalisation in the metadata): strata-cli eval,
    predict and export and the studio read the file. normalization: the one the training
    inputs were normalised with (data.load's third value); NORMALIZATION when None."""
    tensors = []
)PY";
    bool any = false;
    for (const CodeNode &n : m.nodes) {
        if (n.code.keras.weights.empty())
            continue;
        any = true;
        load += "    model.get_layer(" + pyString(n.attr) + ").set_weights(\n        [\n";
        save += "    values = model.get_layer(" + pyString(n.attr) + ").get_weights()\n";
        for (size_t i = 0; i < n.code.keras.weights.size(); ++i) {
            const CodeWeight &w = n.code.keras.weights[i];
            const std::string name = n.node->id + "." + w.strata;
            if (!w.comment.empty())
                load += "            # " + w.target + ": " + w.comment + "\n";
            load += "            tensors[" + pyString(name) + "]" + w.convert.substr(1) + ",\n";
            const std::string value = "values[" + std::to_string(i) + "]";
            if (w.convert == "w") {
                save += "    tensors.append((" + pyString(name) + ", " + value + "))\n";
                continue;
            }
            // values[i], the conversion and Strata's shape, on two lines when one is too long.
            std::string args = "        " + value + ", lambda w: " + w.convert + ",";
            const std::string shape = pyTuple(weightShape(weights, name));
            args += args.size() + shape.size() + 4 <= 100 ? " " : "\n        ";
            save += "    tensors.append((" + pyString(name) + ", _to_strata(\n" + args + shape +
                    ")))\n";
        }
        load += "        ]\n    )\n";
    }
    if (!any)
        load += "    del tensors  # the model has no weights\n";
    load += "    return model\n";
    save += "    write_safetensors(path, tensors, strata_metadata(normalization, class_names))\n";
    return load + "\n\n" + save;
}

} // namespace strata::internal
