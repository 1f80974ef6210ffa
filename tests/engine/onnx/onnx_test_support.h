#pragma once
// Shared by the ONNX export and import tests: example projects, weights worth comparing
// (every bias, BatchNorm statistic and scale away from its initial value), predictions
// through Network inference, and ONNX files read back with protobuf.

#include "qtest_strings.h"
#include "source_dir.h"
#include "strata/backend.h"
#include "strata/evaluation.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/weights_file.h"

#include <onnx/onnx_pb.h>

#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace onnx_test {

using strata::test::sourceDir;

// The example projects in projects/, the graph that uses every layer type, and the one for
// the details of the ONNX mapping.
inline std::vector<std::string> modelPaths()
{
    std::vector<std::string> paths = strata::test::exampleProjectFiles();
    paths.push_back(sourceDir() + "/tests/interop/onnx_details.strata");
    paths.push_back(sourceDir() + "/tests/interop/window_settings.strata");
    return paths;
}

// The project's initial weights with biases, BatchNorm scales, shifts and running
// statistics drawn at random, so that a mapping that drops or swaps them shows.
inline strata::WeightsFile weightsFor(const strata::Project &project, uint32_t seed = 5)
{
    auto backend = strata::createBackend("cpu");
    strata::Network net(project.graph, *backend, strata::parseLossKind(project.training.loss),
                        strata::parseInitConvention(project.training.init), seed);
    strata::WeightsFile w;
    w.weights = net.weightsToHost();
    std::mt19937 rng(seed);
    auto uniform = [&](float lo, float hi) {
        return std::uniform_real_distribution<float>(lo, hi)(rng);
    };
    auto endsWith = [](const std::string &s, const std::string &tail) {
        return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
    };
    for (auto &[name, t] : w.weights) {
        float lo = 0, hi = 0;
        if (endsWith(name, ".bias") || endsWith(name, ".beta") || endsWith(name, ".running_mean"))
            lo = -0.5f, hi = 0.5f;
        else if (endsWith(name, ".gamma"))
            lo = 0.5f, hi = 1.5f;
        else if (endsWith(name, ".running_var"))
            lo = 0.5f, hi = 2.0f;
        else
            continue;
        for (int64_t i = 0; i < t.numel(); ++i)
            t.data()[i] = uniform(lo, hi);
    }
    w.classNames.clear();
    for (int64_t c = 0; c < strata::numel(net.outputShape()); ++c)
        w.classNames.push_back("class " + std::to_string(c));
    w.normalization.mode = "scale";
    w.normalization.scale = 1.0f / 255;
    return w;
}

// Samples in [-1, 1] for the project's input shape.
inline std::vector<float> samplesFor(const strata::Project &project, int64_t count)
{
    auto backend = strata::createBackend("cpu");
    strata::Network net(project.graph, *backend, strata::parseLossKind(project.training.loss),
                        strata::parseInitConvention(project.training.init), 0);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-1, 1);
    std::vector<float> x(static_cast<size_t>(count * strata::numel(net.inputShape())));
    for (float &v : x)
        v = u(rng);
    return x;
}

// Class probabilities ({N, K} as a vector) from Network inference.
inline std::vector<float> predictions(const strata::Project &project,
                                      const strata::WeightsFile &weights,
                                      const std::vector<float> &samples, int64_t count)
{
    auto backend = strata::createBackend("cpu");
    strata::Network net(project.graph, *backend, strata::parseLossKind(project.training.loss),
                        strata::parseInitConvention(project.training.init), 0);
    net.loadWeights(weights.weights);
    return strata::predict(net, samples, count, 4).toVector();
}

inline onnx::ModelProto readModel(const std::string &path)
{
    onnx::ModelProto model;
    std::ifstream in(path, std::ios::binary);
    if (!model.ParseFromIstream(&in))
        qFatal("%s does not parse as an ONNX model", path.c_str());
    return model;
}

inline void writeModel(const onnx::ModelProto &model, const std::string &path)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    model.SerializeToOstream(&out);
}

inline const onnx::AttributeProto *attribute(const onnx::NodeProto &n, const std::string &name)
{
    for (const auto &a : n.attribute())
        if (a.name() == name)
            return &a;
    return nullptr;
}

inline std::vector<int64_t> intsOf(const onnx::NodeProto &n, const std::string &name)
{
    const auto *a = attribute(n, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}

inline std::string metadata(const onnx::ModelProto &m, const std::string &key)
{
    for (const auto &p : m.metadata_props())
        if (p.key() == key)
            return p.value();
    return "<missing>";
}

// A float tensor's name and shape in a graph input, output or value_info (-1: "N").
inline void setValueInfo(onnx::ValueInfoProto &v, const std::string &name,
                         const std::vector<int64_t> &dims)
{
    v.set_name(name);
    auto *t = v.mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) {
        if (d < 0)
            t->mutable_shape()->add_dim()->set_dim_param("N");
        else
            t->mutable_shape()->add_dim()->set_dim_value(d);
    }
}

} // namespace onnx_test
