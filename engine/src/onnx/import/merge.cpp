// Add and Sum as Add (a constant added after Dense or Conv2D becomes its bias), Concat as
// Concat along channels or features (of one input: the identity; of more than 8: a chain).

#include "onnx/onnx_import.h"

#include "strata/errors.h"
#include "strata/layer.h"

#include <algorithm>

namespace strata::internal {

void OnnxImporter::convertAdd(const onnx::NodeProto &n)
{
    std::vector<const ImportValue *> in;
    for (int i = 0; i < n.input_size(); ++i)
        in.push_back(&input(n, i));
    if (std::any_of(in.begin(), in.end(),
                    [](const ImportValue *v) { return v->kind == ImportValue::Kind::GeluPart; })) {
        convertGelu(n); // the 1 + erf(x/√2) of GELU's erf form
        return;
    }
    const auto constants = std::count_if(in.begin(), in.end(), [](const ImportValue *v) {
        return v->kind != ImportValue::Kind::Layer;
    });
    if (n.op_type() == "Add" && in.size() == 2 && constants == 1) {
        // x·W followed by + b (MatMul then Add), or a convolution's bias added separately:
        // the bias joins the layer before, when nothing else reads that layer's output.
        const bool first = in[0]->kind == ImportValue::Kind::Layer;
        const ImportValue &x = *in[first ? 0 : 1];
        const ImportValue &c = *in[first ? 1 : 0];
        Node *layer = graph_.find(x.node);
        const std::string xName = n.input(first ? 0 : 1);
        auto &weights = weights_[x.node];
        const bool biasFree = layer && (layer->type == "Dense" || layer->type == "Conv2D") &&
                              layer->params.value("bias", true) == false && uses_[xName] == 1;
        if (biasFree && c.kind == ImportValue::Kind::Floats) {
            const int64_t units = layerShapes_.at(x.node)[0];
            const Shape &d = c.dims;
            const bool fits = layer->type == "Dense"
                                  ? (d == Shape{units} || d == Shape{1, units})
                                  : (d == Shape{units, 1, 1} || d == Shape{1, units, 1, 1});
            if (fits) {
                layer->params["bias"] = true;
                weights.emplace_back("bias", c.floats.reshaped({units}));
                notes_.push_back(label(n) + " became the bias of " + describe(*layer));
                setOutput(n, x);
                return;
            }
        }
        fail(n, "adds a constant to '" + xName +
                    "'; Strata folds a constant only into the bias of the Dense or Conv2D "
                    "before it");
    }
    if (constants > 0)
        fail(n, "adds a constant; Strata's Add sums layer outputs only");
    if (in.size() < 2 || in.size() > 8)
        fail(n, "sums " + std::to_string(in.size()) + " inputs; Strata's Add takes 2 to 8");
    std::vector<std::string> nodes;
    for (const ImportValue *v : in) {
        if (v->onnxShape != in[0]->onnxShape)
            fail(n, "broadcasts " + toString(in[0]->onnxShape) + " and " + toString(v->onnxShape) +
                        "; Strata's Add needs inputs of one shape");
        nodes.push_back(v->node);
    }
    setLayerOutput(n, addLayer(n, "Add", {{"inputs", in.size()}}, nodes, {}));
}

void OnnxImporter::convertConcat(const onnx::NodeProto &n)
{
    std::vector<const ImportValue *> in;
    for (int i = 0; i < n.input_size(); ++i)
        in.push_back(&input(n, i));
    if (std::all_of(in.begin(), in.end(),
                    [](const ImportValue *v) { return v->kind == ImportValue::Kind::Ints; })) {
        ImportValue v; // shape arithmetic: join the 1-D lists
        v.kind = ImportValue::Kind::Ints;
        for (const ImportValue *i : in)
            v.ints.insert(v.ints.end(), i->ints.begin(), i->ints.end());
        v.dims = {static_cast<int64_t>(v.ints.size())};
        setOutput(n, v);
        return;
    }
    std::vector<std::string> nodes;
    for (int i = 0; i < n.input_size(); ++i)
        nodes.push_back(layerInput(n, i).node);
    const int64_t rank = static_cast<int64_t>(in[0]->onnxShape.size()) + 1;
    if (normalizedAxis(attrInt(n, "axis", 1), rank) != 1)
        fail(n, "joins along axis " + std::to_string(attrInt(n, "axis", 1)) +
                    "; Strata's Concat joins channels or features (axis 1)");
    if (nodes.size() == 1) { // torch.cat([x]), as DenseNet's first layers write it
        notes_.push_back(label(n) + " joins one input: left out (the identity)");
        setOutput(n, *in[0]);
        return;
    }
    // Joining is associative: more than 8 inputs become a chain of Concats, each taking the
    // one before as its first input, which keeps the order of the channels.
    std::string id;
    size_t next = 0, layers = 0;
    while (next < nodes.size()) {
        std::vector<std::string> group;
        if (!id.empty())
            group.push_back(id);
        while (group.size() < 8 && next < nodes.size())
            group.push_back(nodes[next++]);
        id = addLayer(n, "Concat", {{"inputs", group.size()}}, group, {});
        ++layers;
    }
    if (layers > 1)
        notes_.push_back(label(n) + " joins " + std::to_string(nodes.size()) +
                         " inputs: it became " + std::to_string(layers) +
                         " Concat layers in a chain (a Concat takes 2 to 8)");
    setLayerOutput(n, id);
}

} // namespace strata::internal
