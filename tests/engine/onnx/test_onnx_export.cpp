// ONNX export: every example project and a graph using every layer type export with the
// structure other runtimes rely on (opset 13, kernel_shape on every Conv, Gemm with
// transB = 1, explicit pads, a dynamic batch, full output shapes, metadata), and import back
// as a project that predicts the same probabilities. Also the safetensors export and the
// format names.

#include "onnx_test_support.h"

#include "core/layer_impl.h"

#include "strata/export.h"
#include "strata/layer.h"
#include "strata/shape_inference.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace strata;
using namespace onnx_test;

namespace {

const onnx::TensorProto *initializer(const onnx::ModelProto &m, const std::string &name)
{
    for (const auto &t : m.graph().initializer())
        if (t.name() == name)
            return &t;
    return nullptr;
}

std::vector<int64_t> dimsOf(const onnx::ValueInfoProto &v)
{
    std::vector<int64_t> d;
    for (const auto &dim : v.type().tensor_type().shape().dim())
        d.push_back(dim.has_dim_param() ? -1 : dim.dim_value());
    return d;
}

} // namespace

class TestOnnxExport : public QObject
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

    void formatNames()
    {
        for (ExportFormat f : {ExportFormat::Onnx, ExportFormat::Safetensors, ExportFormat::Pytorch,
                               ExportFormat::Keras})
            QVERIFY(exportFormatFromString(toString(f)) == f);
        try {
            exportFormatFromString("tflite");
            QFAIL("an unknown format was accepted");
        } catch (const Error &e) {
            const std::string m = e.what();
            QVERIFY2(m.find("tflite") != std::string::npos && m.find("onnx") != std::string::npos,
                     e.what());
        }
    }

    // The all-layers graph keeps up with the registry: a new layer type must join it (and
    // have an ONNX mapping) for the export tests to cover it.
    void allLayersGraphUsesEveryType()
    {
        const Project p = loadProject(sourceDir() + "/tests/interop/all_layers.strata");
        std::set<std::string> used;
        for (const Node &n : p.graph.nodes())
            used.insert(n.type);
        for (const LayerType *t : LayerRegistry::instance().all()) {
            QVERIFY2(used.count(t->name), ("all_layers.strata lacks " + t->name).c_str());
            QVERIFY2(LayerRegistry::instance().impl(*t).onnx,
                     (t->name + " has no ONNX mapping").c_str());
        }
    }

    void exportsAndImportsBack_data()
    {
        QTest::addColumn<QString>("file");
        for (const std::string &p : modelPaths())
            QTest::newRow(std::filesystem::path(p).stem().string().c_str())
                << QString::fromStdString(p);
    }
    void exportsAndImportsBack()
    {
        QFETCH(QString, file);
        const Project project = loadProject(file.toStdString());
        const WeightsFile weights = weightsFor(project);
        const GraphAnalysis a = analyze(project.graph);
        QVERIFY(a.ok());
        const std::string out =
            path(std::filesystem::path(file.toStdString()).stem().string() + ".onnx");
        const ExportReport report = exportOnnx(project, weights, out);
        QCOMPARE(report.files, std::vector<std::string>{out});

        const onnx::ModelProto m = readModel(out);
        QCOMPARE(m.ir_version(), int64_t(7));
        QCOMPARE(m.producer_name(), std::string("Strata"));
        QCOMPARE(m.opset_import_size(), 1);
        QCOMPARE(m.opset_import(0).domain(), std::string());
        QCOMPARE(m.opset_import(0).version(), int64_t(13));

        // One input and one output, named after their nodes, with a dynamic batch.
        const auto &g = m.graph();
        QCOMPARE(g.input_size(), 1);
        QCOMPARE(g.input(0).name(), a.inputNode);
        QCOMPARE(g.input(0).type().tensor_type().shape().dim(0).dim_param(), std::string("batch"));
        QCOMPARE(dimsOf(g.input(0)), withBatch(-1, a.find(a.inputNode)->output));
        QCOMPARE(g.output_size(), 1);
        QCOMPARE(g.output(0).name(), a.outputNode);
        QCOMPARE(dimsOf(g.output(0)), withBatch(-1, a.find(a.outputNode)->output));

        // Every weight is an initializer with the graph's shape, or that shape followed by
        // axes of size 1 (PReLU's {C} slopes are written {C, 1, 1} to broadcast over an image).
        QCOMPARE(g.initializer_size(), int(weights.weights.size()));
        for (const auto &[name, t] : weights.weights) {
            const onnx::TensorProto *init = initializer(m, name);
            QVERIFY2(init, name.c_str());
            std::vector<int64_t> dims(init->dims().begin(), init->dims().end());
            while (dims.size() > t.shape().size() && dims.back() == 1)
                dims.pop_back();
            QCOMPARE(dims, t.shape());
        }

        std::map<std::string, int> ops;
        for (const auto &n : g.node()) {
            ++ops[n.op_type()];
            if (n.op_type() == "Conv") {
                const onnx::TensorProto *w = initializer(m, n.input(1));
                QVERIFY(w);
                QCOMPARE(intsOf(n, "kernel_shape"), (std::vector<int64_t>{w->dims(2), w->dims(3)}));
                QCOMPARE(intsOf(n, "pads").size(), size_t(4));
                QVERIFY(!attribute(n, "auto_pad"));
            }
            if (n.op_type() == "Gemm") {
                QVERIFY(attribute(n, "transB") && attribute(n, "transB")->i() == 1);
                const onnx::TensorProto *w = initializer(m, n.input(1));
                const NodeAnalysis *dense = a.find(n.name());
                QVERIFY(w && dense);
                QCOMPARE(w->dims(0), dense->output[0]); // [out, in]
            }
            if (n.op_type() == "MaxPool" || n.op_type() == "AveragePool")
                QVERIFY(!attribute(n, "auto_pad") && intsOf(n, "kernel_shape").size() == 2);
        }
        QCOMPARE(ops.count("Dropout"), size_t(0));
        // Opset 13 has no Gelu: each GELU is x·(1 + erf(x/√2))·0.5, its constants as nodes.
        // SiLU and Hardswish are x times their Sigmoid or HardSigmoid; Clip's and ReLU6's
        // bounds are Constant nodes too.
        // LayerNorm is its opset-13 chain (one Sub, one Div, one Mul for γ, the exponent and ε
        // as Constants); GroupNorm is Reshape → InstanceNormalization → Reshape → Mul → Add
        // (two shapes and the instance norm's scale and bias as Constants). Multiply and
        // Subtract are Mul and Sub, a per-channel input held flat unsqueezed to C×1×1 first
        // (its axes a Constant). Upsample is a Resize with its scales as a Constant.
        // Reshape's shape is a Constant, ChannelShuffle's two, Slice's starts, ends and axes
        // three.
        // AdaptiveAvgPool2D with uneven windows is, per axis it changes, a Slice (its start
        // and end Constants) and a ReduceMean per window, one Concat, and the axis a Constant.
        int gelus = 0, gated = 0, clips = 0, layerNorms = 0, groupNorms = 0, multiplies = 0,
            subtracts = 0, upsamples = 0, moveConstants = 0, windowMeans = 0, adaptiveAxes = 0;
        for (const Node &n : project.graph.nodes()) {
            gelus += n.type == "GELU";
            gated += n.type == "SiLU" || n.type == "Hardswish";
            clips += n.type == "Clip" || n.type == "ReLU6";
            layerNorms += n.type == "LayerNorm";
            groupNorms += n.type == "GroupNorm";
            multiplies += n.type == "Multiply";
            subtracts += n.type == "Subtract";
            upsamples += n.type == "Upsample";
            if (n.type == "AdaptiveAvgPool2D") {
                const Shape &in = a.find(n.id)->inputs.at(0);
                const Shape &out = a.find(n.id)->output;
                for (size_t axis : {1, 2})
                    if (in[axis] != out[axis]) {
                        QVERIFY(in[axis] % out[axis] != 0); // uneven: no AveragePool here
                        windowMeans += int(out[axis]);
                        ++adaptiveAxes;
                    }
            }
            moveConstants += n.type == "Reshape"          ? 1
                             : n.type == "ChannelShuffle" ? 2
                             : n.type == "Slice"          ? 3
                                                          : 0;
        }
        QCOMPARE(ops["Erf"], gelus);
        QCOMPARE(ops["Div"], gelus + layerNorms);
        QCOMPARE(ops["Mul"], 2 * gelus + gated + layerNorms + groupNorms + multiplies);
        QCOMPARE(ops["Sub"], subtracts + layerNorms);
        QCOMPARE(ops["Constant"], 3 * gelus + 2 * clips + 2 * layerNorms + 4 * groupNorms +
                                      ops["Unsqueeze"] + upsamples + moveConstants +
                                      2 * windowMeans + adaptiveAxes);
        QCOMPARE(ops["Resize"], upsamples);
        QCOMPARE(ops["ReduceMean"], 2 * layerNorms + windowMeans);
        QCOMPARE(ops["InstanceNormalization"], groupNorms);

        QCOMPARE(nlohmann::json::parse(metadata(m, "class_names")),
                 nlohmann::json(weights.classNames));
        QCOMPARE(normalizationFromJson(nlohmann::json::parse(metadata(m, "normalization"))).scale,
                 weights.normalization.scale);
        // What turns the output into what strata-cli predict prints.
        const std::string lastType = project.graph.find(a.outputNode)->type;
        std::string activation = "none";
        if (project.training.loss == "cross_entropy" && lastType != "Softmax")
            activation = "softmax";
        if (project.training.loss == "binary_cross_entropy" && lastType != "Sigmoid")
            activation = "sigmoid";
        QCOMPARE(metadata(m, "output_activation"), activation);

        // Back in: the same layers (but Dropout), weights and probabilities.
        const ImportResult back = importOnnx(out);
        std::vector<std::string> before, after;
        for (const Node &n : project.graph.nodes())
            if (n.type != "Dropout")
                before.push_back(n.id + ":" + n.type);
        for (const Node &n : back.project.graph.nodes())
            after.push_back(n.id + ":" + n.type);
        std::sort(before.begin(), before.end());
        std::sort(after.begin(), after.end());
        QCOMPARE(after, before);
        QCOMPARE(back.weights.classNames, weights.classNames);
        QCOMPARE(back.weights.normalization.mode, weights.normalization.mode);
        QCOMPARE(back.project.training.loss == "cross_entropy",
                 project.training.loss == "cross_entropy");

        const int64_t count = 5;
        const std::vector<float> x = samplesFor(project, count);
        const std::vector<float> want = predictions(project, weights, x, count);
        const std::vector<float> got = predictions(back.project, back.weights, x, count);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY2(std::abs(got[i] - want[i]) <= 1e-5f,
                     qPrintable(QString("probability %1: %2 after import, %3 before")
                                    .arg(i)
                                    .arg(got[i])
                                    .arg(want[i])));
    }

    void windowSettings()
    {
        const Project project = loadProject(sourceDir() + "/tests/interop/window_settings.strata");
        const std::string out = path("window_settings.onnx");
        exportOnnx(project, weightsFor(project), out);
        std::map<std::string, const onnx::NodeProto *> byName;
        const onnx::ModelProto m = readModel(out);
        for (const auto &n : m.graph().node())
            byName[n.name()] = &n;
        // Pads are [top, left, bottom, right].
        QCOMPARE(intsOf(*byName.at("stem"), "pads"), (std::vector<int64_t>{3, 3, 3, 3}));
        QCOMPARE(intsOf(*byName.at("grouped"), "pads"), (std::vector<int64_t>{2, 1, 1, 2}));
        QCOMPARE(intsOf(*byName.at("grouped"), "dilations"), (std::vector<int64_t>{2, 2}));
        QCOMPARE(attribute(*byName.at("grouped"), "group")->i(), int64_t(2));
        QCOMPARE(attribute(*byName.at("depthwise"), "group")->i(), int64_t(8));
        QCOMPARE(attribute(*byName.at("max_ceil"), "ceil_mode")->i(), int64_t(1));
        QCOMPARE(attribute(*byName.at("avg_counted"), "count_include_pad")->i(), int64_t(1));
        QCOMPARE(attribute(*byName.at("avg_right"), "count_include_pad")->i(), int64_t(0));
        // Rounding up along the width while a window starting in the padding was dropped
        // along the height: the height is padded only to the last window's end, so that
        // rounding up (which ONNX's shape inference does without dropping) finds 5 rows too.
        QCOMPARE(intsOf(*byName.at("avg_drop"), "pads"), (std::vector<int64_t>{2, 1, 1, 1}));
        QCOMPARE(attribute(*byName.at("avg_drop"), "ceil_mode")->i(), int64_t(1));
        // Kernels, windows and strides per axis, height first.
        QCOMPARE(intsOf(*byName.at("conv_1x7"), "kernel_shape"), (std::vector<int64_t>{1, 7}));
        QCOMPARE(intsOf(*byName.at("conv_1x7"), "pads"), (std::vector<int64_t>{0, 3, 0, 3}));
        QCOMPARE(intsOf(*byName.at("conv_7x1_s2"), "kernel_shape"), (std::vector<int64_t>{7, 1}));
        QCOMPARE(intsOf(*byName.at("conv_7x1_s2"), "strides"), (std::vector<int64_t>{2, 1}));
        QCOMPARE(intsOf(*byName.at("avg_3x1"), "kernel_shape"), (std::vector<int64_t>{3, 1}));
        QCOMPARE(intsOf(*byName.at("avg_3x1"), "strides"), (std::vector<int64_t>{2, 1}));
        QCOMPARE(intsOf(*byName.at("max_1x3"), "strides"), (std::vector<int64_t>{1, 2}));
    }

    void mappingDetails()
    {
        // SAME padding with stride 2, an Add of three inputs, BatchNorm on images and features.
        const Project project = loadProject(sourceDir() + "/tests/interop/onnx_details.strata");
        const std::string out = path("details.onnx");
        const WeightsFile weights = weightsFor(project);
        const ExportReport report = exportOnnx(project, weights, out);
        QCOMPARE(report.notes.size(), size_t(1));
        QVERIFY2(report.notes[0].find("Dropout 'drop' left out") != std::string::npos,
                 report.notes[0].c_str());

        std::map<std::string, const onnx::NodeProto *> byName;
        const onnx::ModelProto m = readModel(out);
        for (const auto &n : m.graph().node())
            byName[n.name()] = &n;
        // SAME with stride 2 on 16 pixels pads one pixel, at the end (as Keras does).
        QCOMPARE(intsOf(*byName.at("conv2"), "pads"), (std::vector<int64_t>{0, 0, 1, 1}));
        QCOMPARE(intsOf(*byName.at("conv2"), "strides"), (std::vector<int64_t>{2, 2}));
        QCOMPARE(byName.at("conv2")->input_size(), 2); // no bias
        QCOMPARE(intsOf(*byName.at("conv1"), "pads"), (std::vector<int64_t>{1, 1, 1, 1}));
        QCOMPARE(intsOf(*byName.at("avg1"), "pads"), (std::vector<int64_t>{0, 0, 1, 1}));
        QCOMPARE(attribute(*byName.at("avg1"), "count_include_pad")->i(), int64_t(0));
        QCOMPARE(intsOf(*byName.at("pool_a"), "strides"), (std::vector<int64_t>{2, 2}));
        QCOMPARE(byName.at("sum1")->op_type(), std::string("Sum"));
        QCOMPARE(byName.at("sum1")->input_size(), 3);
        QCOMPARE(byName.at("gap")->op_type(), std::string("GlobalAveragePool"));
        QCOMPARE(byName.at("gap/flatten")->op_type(), std::string("Flatten"));
        QCOMPARE(attribute(*byName.at("lrelu1"), "alpha")->f(), 0.1f);
        QCOMPARE(attribute(*byName.at("bn2"), "epsilon")->f(), 1e-5f);
        QCOMPARE(attribute(*byName.at("cat1"), "axis")->i(), int64_t(1));
        QCOMPARE(attribute(*byName.at("probs"), "axis")->i(), int64_t(1));
        // Dropout is gone: the Dense after it reads the BatchNorm.
        QCOMPARE(byName.at("fc_out")->input(0), std::string("bn2"));
        QVERIFY(!byName.count("drop"));
        // Every layer's output shape is declared, for viewers and checkers.
        QCOMPARE(m.graph().value_info_size(), int(project.graph.nodes().size()) - 3);

        // Sum comes back as one Add of three inputs, and the model predicts the same.
        const ImportResult back = importOnnx(out);
        QCOMPARE(back.project.graph.find("sum1")->params.at("inputs"), nlohmann::json(3));
        const std::vector<float> x = samplesFor(project, 3);
        const std::vector<float> want = predictions(project, weights, x, 3);
        const std::vector<float> got = predictions(back.project, back.weights, x, 3);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY(std::abs(got[i] - want[i]) <= 1e-5f);
    }

    // AdaptiveAvgPool2D as ONNX has no adaptive pool: GlobalAveragePool for 1×1, AveragePool
    // for even windows, and per axis Slice → ReduceMean → Concat for uneven ones, which reads
    // back as one AdaptiveAvgPool2D; all predict the same after import.
    void adaptivePoolForms()
    {
        Project p;
        p.training.loss = "cross_entropy";
        p.graph.addNode({"x", "Input", "x", {{"channels", 2}, {"height", 6}, {"width", 6}}});
        p.graph.addNode({"features", "Concat", "features", {{"inputs", 3}}});
        const std::vector<std::pair<std::string, nlohmann::json>> pools{
            {"global", {{"height", 1}, {"width", 1}}},
            {"even", {{"height", 3}, {"width", 2}}},
            {"uneven", {{"height", 4}, {"width", 5}}}};
        for (size_t i = 0; i < pools.size(); ++i) {
            const std::string &id = pools[i].first;
            p.graph.addNode({id, "AdaptiveAvgPool2D", id, pools[i].second});
            p.graph.addNode({id + "_flat", "Flatten", id + "_flat", {}});
            p.graph.connect({{"x", 0}, {id, 0}});
            p.graph.connect({{id, 0}, {id + "_flat", 0}});
            p.graph.connect({{id + "_flat", 0}, {"features", static_cast<int>(i)}});
        }
        p.graph.addNode({"fc", "Dense", "fc", {{"units", 3}}});
        p.graph.connect({{"features", 0}, {"fc", 0}});
        const WeightsFile weights = weightsFor(p);
        const std::string out = path("adaptive.onnx");
        exportOnnx(p, weights, out);
        std::map<std::string, const onnx::NodeProto *> byName;
        const onnx::ModelProto m = readModel(out);
        for (const auto &n : m.graph().node())
            byName[n.name()] = &n;
        QCOMPARE(byName.at("global")->op_type(), std::string("GlobalAveragePool"));
        QCOMPARE(byName.at("even")->op_type(), std::string("AveragePool"));
        QCOMPARE(intsOf(*byName.at("even"), "kernel_shape"), (std::vector<int64_t>{2, 3}));
        QCOMPARE(intsOf(*byName.at("even"), "strides"), (std::vector<int64_t>{2, 3}));
        // 6 columns into 5 windows, then 6 rows into 4; the rows' Concat is the layer.
        QCOMPARE(byName.at("uneven")->op_type(), std::string("Concat"));
        QCOMPARE(byName.at("uneven")->input_size(), 4);
        QCOMPARE(byName.at("uneven/cols")->input_size(), 5);
        QCOMPARE(intsOf(*byName.at("uneven/rows_1_mean"), "axes"), (std::vector<int64_t>{2}));

        const ImportResult back = importOnnx(out);
        const Node *uneven = back.project.graph.find("uneven");
        QVERIFY(uneven);
        QCOMPARE(uneven->type, std::string("AdaptiveAvgPool2D"));
        QCOMPARE(uneven->params.at("height"), nlohmann::json(4));
        QCOMPARE(uneven->params.at("width"), nlohmann::json(5));
        const std::vector<float> x = samplesFor(p, 3);
        const std::vector<float> want = predictions(p, weights, x, 3);
        const std::vector<float> got = predictions(back.project, back.weights, x, 3);
        QCOMPARE(got.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY(std::abs(got[i] - want[i]) <= 1e-5f);

        // A chain whose windows are not an adaptive pool's is refused, naming them.
        onnx::ModelProto damaged = m;
        for (auto &n : *damaged.mutable_graph()->mutable_node())
            if (n.name() == "uneven/cols_1_start")
                n.mutable_attribute(0)->mutable_t()->set_int64_data(0, 0);
        writeModel(damaged, path("adaptive_damaged.onnx"));
        try {
            importOnnx(path("adaptive_damaged.onnx"));
            QFAIL("imported without complaint");
        } catch (const ImportError &e) {
            const std::string what = e.what();
            for (const char *needle : {"AdaptiveAveragePool 'uneven'", "averages [0] to [3]",
                                       "mean 1 of 5 along axis 3", "averages 1 to 3"})
                QVERIFY2(what.find(needle) != std::string::npos, what.c_str());
        }
    }

    // A model whose last layer is left out still has an output named after that layer.
    void dropoutAtTheEnd()
    {
        Project p = loadProject(sourceDir() + "/projects/spirals.strata");
        const std::string last = p.graph.outputNodes().at(0);
        p.graph.addNode({"drop_end", "Dropout", "", {}});
        p.graph.connect({{last, 0}, {"drop_end", 0}});
        const WeightsFile w = weightsFor(p);
        const std::string out = path("dropout_end.onnx");
        exportOnnx(p, w, out);
        const onnx::ModelProto m = readModel(out);
        QCOMPARE(m.graph().output(0).name(), std::string("drop_end"));
        const auto &n = m.graph().node(m.graph().node_size() - 1);
        QCOMPARE(n.op_type(), std::string("Identity"));
        QCOMPARE(n.input(0), last);
        const ImportResult back = importOnnx(out);
        QCOMPARE(back.project.graph.outputNodes(), std::vector<std::string>{last});
    }

    void refusesWeightsThatDoNotFit()
    {
        const Project p = loadProject(sourceDir() + "/projects/xor.strata");
        WeightsFile w = weightsFor(p);
        auto expectError = [&](const WeightsFile &weights, const std::string &needle) {
            for (auto format : {ExportFormat::Onnx, ExportFormat::Safetensors}) {
                try {
                    exportModel(p, weights, format, path("refused." + toString(format)));
                    QFAIL(("exported despite " + needle).c_str());
                } catch (const Error &e) {
                    QVERIFY2(std::string(e.what()).find(needle) != std::string::npos, e.what());
                }
                QVERIFY(
                    !QFile::exists(QString::fromStdString(path("refused." + toString(format)))));
            }
        };
        WeightsFile missing = w;
        missing.weights.erase(missing.weights.begin());
        expectError(missing, "'" + w.weights.front().first + "' (");
        WeightsFile wrong = w;
        wrong.weights.back().second = Tensor({3});
        expectError(wrong, "'" + w.weights.back().first + "' is 3 but");

        Project broken = p;
        broken.graph.addNode({"loose", "Dense", "", {}});
        try {
            exportOnnx(broken, w, path("broken.onnx"));
            QFAIL("a graph with an unconnected node was exported");
        } catch (const Error &e) {
            QVERIFY2(std::string(e.what()).find("graph is fixed") != std::string::npos, e.what());
        }
    }

    void safetensorsExport()
    {
        const Project p = loadProject(sourceDir() + "/projects/pytorch_cifar10_lenet.strata");
        WeightsFile w = weightsFor(p);
        w.weights.emplace_back("extra.tensor", Tensor({2}));
        const std::string out = path("lenet.safetensors");
        const ExportReport report = exportSafetensors(p, w, out);
        QCOMPARE(report.files, std::vector<std::string>{out});
        QCOMPARE(report.notes.size(), size_t(1));
        QVERIFY(report.notes[0].find("extra.tensor") != std::string::npos);
        const WeightsFile back = loadWeights(out);
        QCOMPARE(back.weights.size(), w.weights.size());
        for (size_t i = 0; i < w.weights.size(); ++i) {
            QCOMPARE(back.weights[i].first, w.weights[i].first);
            QCOMPARE(back.weights[i].second.toVector(), w.weights[i].second.toVector());
        }
        QCOMPARE(back.classNames, w.classNames);
        QCOMPARE(back.normalization.scale, w.normalization.scale);
    }
};

QTEST_APPLESS_MAIN(TestOnnxExport)
#include "test_onnx_export.moc"
