#pragma once
// ONNX models built by hand, as another tool would write them, for the import tests
// (test_onnx_import.cpp and the per-family import tests), and the folder they are saved to.

#include "onnx_test_support.h"
#include "strata/errors.h"
#include "strata/export.h"

#include <QTemporaryDir>

#include <cmath>
#include <string>
#include <vector>

namespace onnx_test {

// Builds ONNX models by hand, as another tool would write them.
struct ModelBuilder
{
    onnx::ModelProto m;

    explicit ModelBuilder(int64_t opset = 13)
    {
        m.set_ir_version(7);
        m.set_producer_name("handmade");
        auto *o = m.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        m.mutable_graph()->set_name("main_graph");
    }
    void input(const std::string &name, const std::vector<int64_t> &dims)
    {
        setValueInfo(*m.mutable_graph()->add_input(), name, dims);
    }
    void output(const std::string &name, const std::vector<int64_t> &dims)
    {
        setValueInfo(*m.mutable_graph()->add_output(), name, dims);
    }
    void floats(const std::string &name, const strata::Shape &dims,
                const std::vector<float> &values)
    {
        auto *t = m.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : dims)
            t->add_dims(d);
        for (float v : values)
            t->add_float_data(v);
    }
    void ints(const std::string &name, const strata::Shape &dims,
              const std::vector<int64_t> &values)
    {
        auto *t = m.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        for (int64_t d : dims)
            t->add_dims(d);
        for (int64_t v : values)
            t->add_int64_data(v);
    }
    onnx::NodeProto &node(const std::string &op, const std::vector<std::string> &inputs,
                          const std::string &output, const std::string &name)
    {
        auto *n = m.mutable_graph()->add_node();
        n->set_op_type(op);
        n->set_name(name);
        for (const auto &i : inputs)
            n->add_input(i);
        n->add_output(output);
        return *n;
    }
    // A Constant node holding int64 values (a scalar when dims is empty).
    void constantInts(const std::string &output, const strata::Shape &dims,
                      const std::vector<int64_t> &values)
    {
        auto &n = node("Constant", {}, output, "/" + output);
        auto *a = n.add_attribute();
        a->set_name("value");
        a->set_type(onnx::AttributeProto::TENSOR);
        auto *t = a->mutable_t();
        t->set_data_type(onnx::TensorProto::INT64);
        for (int64_t d : dims)
            t->add_dims(d);
        for (int64_t v : values)
            t->add_int64_data(v);
    }
};

inline void setInt(onnx::NodeProto &n, const std::string &name, int64_t v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}
inline void setInts(onnx::NodeProto &n, const std::string &name, const std::vector<int64_t> &v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v)
        a->add_ints(x);
}
inline void setString(onnx::NodeProto &n, const std::string &name, const std::string &v)
{
    auto *a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
}

inline std::vector<float> ramp(int64_t count, float scale, float offset = 0)
{
    std::vector<float> v(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        v[static_cast<size_t>(i)] = std::sin(float(i) * 1.7f + offset) * scale;
    return v;
}

// id:type of every node, in graph order.
inline std::vector<std::string> layers(const strata::Project &p)
{
    std::vector<std::string> out;
    for (const strata::Node &n : p.graph.nodes())
        out.push_back(n.id + ":" + n.type);
    return out;
}

// Where an import test writes its hand-built models (a temporary folder), and the check that
// an import is refused with a message naming what it should.
class ModelFolder
{
public:
    bool isValid() const { return dir_.isValid(); }
    std::string save(const ModelBuilder &b, const std::string &name) const
    {
        const std::string p = dir_.filePath(QString::fromStdString(name)).toStdString();
        writeModel(b.m, p);
        return p;
    }
    // Imports the model and expects an ImportError whose message holds every needle.
    void expectRefused(const ModelBuilder &b, const std::vector<std::string> &needles) const
    {
        try {
            strata::importOnnx(save(b, "refused.onnx"));
            QFAIL("imported; expected a refusal");
        } catch (const strata::ImportError &e) {
            for (const std::string &needle : needles)
                QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
        }
    }

private:
    QTemporaryDir dir_;
};

} // namespace onnx_test
