// ONNX import's malformed-input table: every row damages a valid exported model (or writes
// something that is not one) and must fail with an ImportError that starts with the file's
// path and says what is wrong.

#include "onnx_test_support.h"

#include "strata/errors.h"
#include "strata/export.h"

#include <functional>

using namespace strata;
using namespace onnx_test;

class TestOnnxImportMalformed : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::string path(const std::string &name) const
    {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void malformed_data()
    {
        QTest::addColumn<int>("row");
        for (size_t i = 0; i < cases().size(); ++i)
            QTest::newRow(cases()[i].name) << int(i);
    }
    void malformed()
    {
        QFETCH(int, row);
        const Case &c = cases()[static_cast<size_t>(row)];
        const std::string file = c.write(*this);
        try {
            importOnnx(file);
            QFAIL("imported without complaint");
        } catch (const ImportError &e) {
            const std::string m = e.what();
            QVERIFY2(m.rfind(file, 0) == 0,
                     ("the message does not start with the file: " + m).c_str());
            for (const std::string &needle : c.needles)
                QVERIFY2(m.find(needle) != std::string::npos,
                         ("'" + needle + "' missing from: " + m).c_str());
        }
    }

private:
    struct Case
    {
        const char *name;
        std::function<std::string(TestOnnxImportMalformed &)> write; // returns the file to import
        std::vector<std::string> needles;
    };

    // A valid model to damage: spirals (Dense layers) or LeNet (convolutions), as exported.
    std::string exported(const std::string &project)
    {
        const std::string out = path(project + ".onnx");
        if (!QFile::exists(QString::fromStdString(out))) {
            const Project p = loadProject(sourceDir() + "/projects/" + project + ".strata");
            exportOnnx(p, weightsFor(p), out);
        }
        return out;
    }
    std::string damaged(const std::string &project, const std::string &name,
                        const std::function<void(onnx::ModelProto &)> &damage)
    {
        onnx::ModelProto m = readModel(exported(project));
        damage(m);
        writeModel(m, path(name));
        return path(name);
    }
    std::string bytes(const std::string &name, const QByteArray &data)
    {
        QFile f(QString::fromStdString(path(name)));
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", name.c_str());
        f.write(data);
        return path(name);
    }
    static onnx::NodeProto *nodeNamed(onnx::ModelProto &m, const std::string &name)
    {
        for (auto &n : *m.mutable_graph()->mutable_node())
            if (n.name() == name)
                return &n;
        qFatal("no node %s", name.c_str());
    }

    static const std::vector<Case> &cases()
    {
        using M = onnx::ModelProto;
        static const std::vector<Case> c = {
            {"missing file",
             [](TestOnnxImportMalformed &t) { return t.path("absent.onnx"); },
             {"cannot open"}},
            {"folder",
             [](TestOnnxImportMalformed &t) { return t.dir_.path().toStdString(); },
             {"is a folder"}},
            {"empty file",
             [](TestOnnxImportMalformed &t) { return t.bytes("empty.onnx", {}); },
             {"empty"}},
            {"random bytes",
             [](TestOnnxImportMalformed &t) {
                 QByteArray b;
                 for (int i = 0; i < 4096; ++i)
                     b.append(char((i * 7919 + 13) % 251));
                 return t.bytes("random.onnx", b);
             },
             {"not an ONNX model"}},
            {"text file",
             [](TestOnnxImportMalformed &t) {
                 return t.bytes("text.onnx", "{\"format_version\": 1, \"model\": {}}\n");
             },
             {"not an ONNX model"}},
            {"truncated",
             [](TestOnnxImportMalformed &t) {
                 QFile f(QString::fromStdString(t.exported("pytorch_cifar10_lenet")));
                 f.open(QIODevice::ReadOnly);
                 return t.bytes("truncated.onnx", f.readAll().left(int(f.size() / 2)));
             },
             {}},
            {"no graph",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "nograph.onnx", [](M &m) { m.clear_graph(); });
             },
             {"no graph"}},
            {"no opset",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "noopset.onnx", [](M &m) { m.clear_opset_import(); });
             },
             {"no ONNX opset"}},
            {"opset too new",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "new.onnx",
                                  [](M &m) { m.mutable_opset_import(0)->set_version(99); });
             },
             {"opset 99", "newer", "opset_version=13"}},
            {"opset too old",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "old.onnx",
                                  [](M &m) { m.mutable_opset_import(0)->set_version(6); });
             },
             {"opset 6", "older"}},
            {"missing initializer",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "noinit.onnx", [](M &m) {
                     auto *inits = m.mutable_graph()->mutable_initializer();
                     for (int i = 0; i < inits->size(); ++i)
                         if (inits->Get(i).name() == "fc2.weight")
                             inits->DeleteSubrange(i, 1);
                 });
             },
             {"Gemm 'fc2'", "'fc2.weight'", "neither an initializer"}},
            {"unsupported ops listed by node",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "unsupported.onnx", [](M &m) {
                     nodeNamed(m, "relu1")->set_op_type("Gelu");
                     nodeNamed(m, "relu2")->set_op_type("Selu");
                     nodeNamed(m, "fc2")->set_domain("com.microsoft");
                 });
             },
             {"3 node(s)", "Gelu 'relu1'", "Selu 'relu2'", "com.microsoft.Gemm 'fc2'",
              "Strata imports: Add"}},
            {"input rank 3",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "rank3.onnx", [](M &m) {
                     m.mutable_graph()
                         ->mutable_input(0)
                         ->mutable_type()
                         ->mutable_tensor_type()
                         ->mutable_shape()
                         ->add_dim()
                         ->set_dim_value(4);
                 });
             },
             {"input 'x' has 3 dimensions"}},
            {"named input size",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "named.onnx", [](M &m) {
                     m.mutable_graph()
                         ->mutable_input(0)
                         ->mutable_type()
                         ->mutable_tensor_type()
                         ->mutable_shape()
                         ->mutable_dim(1)
                         ->set_dim_param("features");
                 });
             },
             {"no fixed size at axis 1", "'features'"}},
            {"integer input",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "intinput.onnx", [](M &m) {
                     m.mutable_graph()
                         ->mutable_input(0)
                         ->mutable_type()
                         ->mutable_tensor_type()
                         ->set_elem_type(onnx::TensorProto::INT64);
                 });
             },
             {"not a float32 tensor"}},
            {"two inputs",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "twoinputs.onnx", [](M &m) {
                     setValueInfo(*m.mutable_graph()->add_input(), "extra", {-1, 2});
                 });
             },
             {"2 inputs (x, extra)"}},
            {"two outputs",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "twooutputs.onnx", [](M &m) {
                     setValueInfo(*m.mutable_graph()->add_output(), "fc1", {-1, 32});
                 });
             },
             {"2 outputs"}},
            {"weights shorter than their shape",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "short.onnx", [](M &m) {
                     auto *w = m.mutable_graph()->mutable_initializer(0);
                     w->set_raw_data(w->raw_data().substr(0, 8));
                 });
             },
             {"initializer 'fc1.weight' holds 2 values", "need 64"}},
            {"external weights",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "external.onnx", [](M &m) {
                     m.mutable_graph()->mutable_initializer(0)->set_data_location(
                         onnx::TensorProto::EXTERNAL);
                 });
             },
             {"external file"}},
            {"float16 weights",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "half.onnx", [](M &m) {
                     m.mutable_graph()->mutable_initializer(0)->set_data_type(
                         onnx::TensorProto::FLOAT16);
                 });
             },
             {"data type 10"}},
            {"weight of the wrong shape",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "transb.onnx", [](M &m) {
                     nodeNamed(m, "fc1")->mutable_attribute(3)->set_i(0); // transB
                 });
             },
             {"Gemm 'fc1'", "Dense"}},
            {"declared shape disagrees",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "declared.onnx", [](M &m) {
                     m.mutable_graph()
                         ->mutable_output(0)
                         ->mutable_type()
                         ->mutable_tensor_type()
                         ->mutable_shape()
                         ->mutable_dim(1)
                         ->set_dim_value(7);
                 });
             },
             {"declares 'softmax' as 7", "Strata computes 2"}},
            {"softmax over the batch",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "softmax0.onnx", [](M &m) {
                     nodeNamed(m, "softmax")->mutable_attribute(0)->set_i(0);
                 });
             },
             {"Softmax 'softmax'", "normalises axis 0"}},
            {"value read before it is computed",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("spirals", "order.onnx",
                                  [](M &m) { nodeNamed(m, "fc1")->set_input(0, "later"); });
             },
             {"reads 'later'"}},
            {"groups not dividing the channels",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "group.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv1")->mutable_attribute())
                         if (a.name() == "group")
                             a.set_i(4);
                 });
             },
             {"Conv 'conv1'", "groups 4 does not divide its 3 input channels"}},
            {"groups with the weight of one group",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "group3.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv1")->mutable_attribute())
                         if (a.name() == "group")
                             a.set_i(3);
                 });
             },
             {"Conv 'conv1'", "has a weight of shape 6×3×5×5", "needs 6×1×5×5"}},
            {"dilation past the input",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "dilations.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv2")->mutable_attribute())
                         if (a.name() == "dilations")
                             for (int i = 0; i < 2; ++i)
                                 a.set_ints(i, 4);
                 });
             },
             {"Conv 'conv2'", "dilated by 4 (17×17 pixels)"}},
            {"pads as wide as the kernel",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "widepads.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv2")->mutable_attribute())
                         if (a.name() == "pads")
                             a.set_ints(2, 5);
                 });
             },
             {"Conv 'conv2'", "padding 5 pixels on the bottom", "5×5 kernel"}},
            {"convolution bias of another shape", // found by the fuzzer
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "bias.onnx", [](M &m) {
                     const std::string conv2Bias = nodeNamed(m, "conv2")->input(2);
                     nodeNamed(m, "conv1")->set_input(2, conv2Bias);
                 });
             },
             {"Conv 'conv1'", "has a bias of shape 16 for 6 filters"}},
            {"negative pads",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "pads.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv2")->mutable_attribute())
                         if (a.name() == "pads")
                             a.set_ints(0, -1);
                 });
             },
             {"Conv 'conv2'", "negative pads [-1, 0, 0, 0]", "without negative pads"}},
            {"kernel_shape other than the weight's",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "kshape.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv1")->mutable_attribute())
                         if (a.name() == "kernel_shape")
                             a.set_ints(1, 3);
                 });
             },
             {"Conv 'conv1'", "has kernel_shape [5, 3] but a weight of 6×3×5×5"}},
            {"zero stride along one axis",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "stride0.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "conv2")->mutable_attribute())
                         if (a.name() == "strides")
                             a.set_ints(1, 0);
                 });
             },
             {"Conv 'conv2'", "strides [1, 0]", "positive step along height and width"}},
            {"pool window of one axis",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "pool1d.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "pool1")->mutable_attribute())
                         if (a.name() == "kernel_shape")
                             a.mutable_ints()->RemoveLast();
                 });
             },
             {"MaxPool 'pool1'", "kernel_shape [2]", "2-D windows"}},
            {"tall pool window past the input",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "tallpool.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "pool2")->mutable_attribute())
                         if (a.name() == "kernel_shape") {
                             a.set_ints(0, 11);
                             a.set_ints(1, 1);
                         }
                 });
             },
             {"MaxPool 'pool2'", "becomes MaxPool2D", "the 11×1 pool window"}},
            {"Strata's fused adaptive pool written by hand",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "adaptiveop.onnx", [](M &m) {
                     nodeNamed(m, "relu1")->set_op_type("AdaptiveAveragePool");
                 });
             },
             {"AdaptiveAveragePool 'relu1'", "does not support"}},
            {"Strata's fused adaptive pool faked with its flag",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "adaptiveflag.onnx", [](M &m) {
                     onnx::NodeProto *n = nodeNamed(m, "relu1");
                     n->set_op_type("AdaptiveAveragePool");
                     auto *flag = n->add_attribute();
                     flag->set_name("strata_chain");
                     flag->set_type(onnx::AttributeProto::INT);
                     flag->set_i(1);
                     auto *axes = n->add_attribute();
                     axes->set_name("strata_axes");
                     axes->set_type(onnx::AttributeProto::INTS);
                     axes->add_ints(7);
                 });
             },
             {"AdaptiveAveragePool 'relu1'", "strata_axes [7]", "never writes"}},
            {"negative pool pads",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "poolpads.onnx", [](M &m) {
                     for (auto &a : *nodeNamed(m, "pool1")->mutable_attribute())
                         if (a.name() == "pads")
                             a.set_ints(2, -1);
                 });
             },
             {"MaxPool 'pool1'", "negative pads [0, 0, -1, 0]"}},
            {"reshape that moves the batch",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "reshape.onnx", [](M &m) {
                     auto *shape = m.mutable_graph()->add_initializer();
                     shape->set_name("to_image");
                     shape->set_data_type(onnx::TensorProto::INT64);
                     shape->add_dims(3);
                     for (int64_t v : {16, -1, 25})
                         shape->add_int64_data(v);
                     auto *n = nodeNamed(m, "flatten");
                     n->set_op_type("Reshape");
                     n->clear_attribute();
                     n->add_input("to_image");
                 });
             },
             {"Reshape 'flatten'", "reshapes 16×5×5 per sample to [16, -1, 25]",
              "moves the batch"}},
            {"batchnorm in training mode",
             [](TestOnnxImportMalformed &t) {
                 return t.damaged("pytorch_cifar10_lenet", "training.onnx", [](M &m) {
                     m.mutable_opset_import(0)->set_version(14);
                     auto *n = nodeNamed(m, "relu1");
                     n->set_op_type("BatchNormalization");
                     for (const char *w : {"s", "b", "m", "v"}) {
                         auto *init = m.mutable_graph()->add_initializer();
                         init->set_name(w);
                         init->set_data_type(onnx::TensorProto::FLOAT);
                         init->add_dims(6);
                         for (int i = 0; i < 6; ++i)
                             init->add_float_data(1);
                         n->add_input(w);
                     }
                     auto *a = n->add_attribute();
                     a->set_name("training_mode");
                     a->set_type(onnx::AttributeProto::INT);
                     a->set_i(1);
                 });
             },
             {"BatchNormalization 'relu1'", "training mode"}},
        };
        return c;
    }
};

QTEST_APPLESS_MAIN(TestOnnxImportMalformed)
#include "test_onnx_import_malformed.moc"
