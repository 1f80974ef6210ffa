// The generated PyTorch and Keras code (exportPytorch, exportKeras) for every example project
// and the graph that uses every layer type: the files are written and reported, the same
// project gives the same bytes, every node appears, a chain becomes a Keras Sequential and a
// branching graph a Functional model, and the layout conversions are where they must be.
// tests/interop/check_codegen.py runs the same code in torch and TensorFlow.

#include "codegen/python_text.h"
#include "qtest_strings.h"
#include "source_dir.h"

#include "strata/backend.h"
#include "strata/export.h"
#include "strata/network.h"
#include "strata/project.h"
#include "strata/weights_file.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace strata;

namespace {

using strata::test::exampleProjectFiles;
using strata::test::sourceDir;

WeightsFile initialWeights(const Project &project)
{
    auto backend = createBackend("cpu");
    Network net(project.graph, *backend, parseLossKind(project.training.loss),
                parseInitConvention(project.training.init), project.training.seed);
    WeightsFile w;
    w.weights = net.weightsToHost();
    w.classNames = {"a", "b"};
    return w;
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

// What each export writes, in the report's order; PyTorch adds the distributed script.
const std::vector<std::string> kKerasFiles = {"model.py", "data.py", "train.py", "README.txt",
                                              "weights.safetensors"};
const std::vector<std::string> kTorchFiles = {"model.py",     "data.py",    "train.py",
                                              "train_ddp.py", "README.txt", "weights.safetensors"};

} // namespace

class TestCodegen : public QObject
{
    Q_OBJECT

private slots:
    void examples_data()
    {
        QTest::addColumn<QString>("path");
        for (const std::string &p : exampleProjectFiles())
            QTest::newRow(std::filesystem::path(p).stem().string().c_str())
                << QString::fromStdString(p);
    }

    void examples()
    {
        QFETCH(QString, path);
        const Project project = loadProject(path.toStdString());
        const WeightsFile weights = initialWeights(project);
        QTemporaryDir dir;
        for (const ExportFormat format : {ExportFormat::Pytorch, ExportFormat::Keras}) {
            const bool torch = format == ExportFormat::Pytorch;
            const std::string a = dir.path().toStdString() + (torch ? "/torch_a" : "/keras_a");
            const std::string b = dir.path().toStdString() + (torch ? "/torch_b" : "/keras_b");
            const ExportReport report =
                torch ? exportPytorch(project, weights, a) : exportKeras(project, weights, a);
            torch ? exportPytorch(project, weights, b) : exportKeras(project, weights, b);
            const std::vector<std::string> &kFiles = torch ? kTorchFiles : kKerasFiles;
            QCOMPARE(report.files.size(), kFiles.size());
            for (size_t i = 0; i < kFiles.size(); ++i) {
                QCOMPARE(report.files[i], a + "/" + kFiles[i]);
                const std::string text = readFile(a + "/" + kFiles[i]);
                QVERIFY2(!text.empty(), kFiles[i].c_str());
                // Deterministic: a second export gives the same bytes.
                QVERIFY2(text == readFile(b + "/" + kFiles[i]), kFiles[i].c_str());
                // No path of this machine but the dataset paths the project names.
                QVERIFY2(!contains(text, dir.path().toStdString()), kFiles[i].c_str());
                QVERIFY2(!contains(text, sourceDir()), kFiles[i].c_str());
            }
            const std::string model = readFile(a + "/model.py");
            for (const Node &n : project.graph.nodes()) {
                QVERIFY2(contains(model, n.id), (n.id + " missing from model.py").c_str());
                if (n.type != "Input")
                    QVERIFY2(contains(model, describe(n)), describe(n).c_str());
            }
            QVERIFY(contains(readFile(a + "/train.py"),
                             "EPOCHS = " + std::to_string(project.training.epochs)));
            QVERIFY(contains(readFile(a + "/train.py"), "--epochs"));
            if (!torch) {
                bool chain = true;
                for (const Node &n : project.graph.nodes())
                    chain = chain && project.graph.edgesFrom(n.id).size() <= 1 && n.type != "Add" &&
                            n.type != "Concat";
                QCOMPARE(contains(model, "keras.Sequential("), chain);
                QCOMPARE(contains(model, "keras.Model("), !chain);
            } else {
                QVERIFY(contains(model, "class " + internal::pythonClassName(project.name) +
                                            "(nn.Module)"));
            }
        }
    }

    // The conversions that make the frameworks agree with Strata, in the all-layers graph.
    void conversions()
    {
        const Project project = loadProject(sourceDir() + "/tests/interop/all_layers.strata");
        const WeightsFile weights = initialWeights(project);
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        exportPytorch(project, weights, out + "/torch");
        exportKeras(project, weights, out + "/keras");
        const std::string torch = readFile(out + "/torch/model.py");
        const std::string keras = readFile(out + "/keras/model.py");
        // TensorFlow's "same" padding, odd pixel at the end: explicit where PyTorch cannot.
        QVERIFY(contains(torch, "self.conv_s2(F.pad(x, (0, 1, 0, 1)))"));
        QVERIFY(contains(torch, "self.conv_same = nn.Conv2d(8, 8, kernel_size=3, padding=1)"));
        QVERIFY(contains(torch, "F.pad(skip, (0, 1, 0, 1), value=-math.inf)"));
        QVERIFY(contains(torch, "avg_pool_padded(ln_pos, 2, 2, (0, 1, 0, 1))"));
        // Keras' transposed "same" crops the odd pixel at the end, which PyTorch slices off;
        // explicit pads crop with Cropping2D after a "valid" Conv2DTranspose.
        QVERIFY(contains(torch, "self.deconv(ln_pos)[:, :, 0:14, 0:14]"));
        QVERIFY(contains(torch, "nn.ConvTranspose2d(4, 2, kernel_size=3, stride=2, padding=1, "
                                "output_padding=1, bias=False)"));
        QVERIFY(contains(keras, "layers.Conv2DTranspose(2, 3, strides=2, padding=\"same\""));
        QVERIFY(contains(keras, "layers.Cropping2D(((1, 1), (1, 1))"));
        QVERIFY(contains(torch, "nn.Upsample(scale_factor=(1.0, 2.0), mode=\"bilinear\", "
                                "align_corners=False)"));
        QVERIFY(contains(keras, "layers.UpSampling2D((1, 2), interpolation=\"bilinear\""));
        // BatchNorm momentum the PyTorch way; the fused Softmax leaves its scores to the loss.
        QVERIFY(contains(torch, "nn.BatchNorm2d(8, eps=0.001, momentum=0.01)"));
        QVERIFY(contains(torch, "if return_logits:"));
        // Keras: HWIO kernels, a Flatten feeding Dense absorbed by the kernel rows, one feeding
        // Concat permuted to C×H×W first.
        QVERIFY(contains(keras, "tensors[\"conv_s2.weight\"].transpose(2, 3, 1, 0)"));
        QVERIFY(contains(keras, "tensors[\"dense_a.weight\"].reshape(10, 4, 7, 7)"
                                ".transpose(2, 3, 1, 0).reshape(196, 10)"));
        QVERIFY(contains(keras, "tensors[\"dense_b.weight\"].T"));
        QVERIFY(contains(keras, "layers.Permute((3, 1, 2), name=\"flat_b_to_chw\")(avg_same)"));
        QVERIFY(!contains(keras, "flat_a_to_chw"));
        QVERIFY(contains(keras, "padding=\"same\""));
        QVERIFY(contains(readFile(out + "/keras/train.py"), "model.get_layer(\"softmax\").input"));
        // GELU in its exact erf form in both frameworks; element-wise, so the Flatten before
        // it still reaches dense_a (above).
        QVERIFY(contains(torch, "self.gelu = nn.GELU()"));
        QVERIFY(contains(keras, "layers.Activation(\"gelu\", name=\"gelu\")"));
        // The activations of MobileNet and EfficientNet, with Keras 3's hard_sigmoid and
        // hard_silu (PyTorch's relu6(x + 3) / 6); PReLU's slopes per channel, shared over an
        // image's height and width in Keras.
        for (const char *module :
             {"nn.ReLU6()", "nn.Hardtanh(min_val=-0.5, max_val=2.0)", "nn.ELU(alpha=0.5)",
              "nn.SiLU()", "nn.Hardswish()", "nn.Hardsigmoid()", "nn.Softplus()",
              "self.prelu_img = nn.PReLU(num_parameters=", "self.prelu_flat = nn.PReLU("})
            QVERIFY2(contains(torch, module), module);
        for (const char *layer :
             {"layers.ReLU(max_value=6.0, name=\"relu6\")", "keras.ops.clip(t, -0.5, 2.0)",
              "layers.ELU(alpha=0.5, name=\"elu\")", "layers.Activation(\"silu\"",
              "layers.Activation(\"hard_silu\"", "layers.Activation(\"hard_sigmoid\"",
              "layers.Activation(\"softplus\"",
              "layers.PReLU(shared_axes=[1, 2], name=\"prelu_img\")",
              "tensors[\"prelu_img.slope\"].reshape(1, 1, -1)",
              "layers.PReLU(name=\"prelu_flat\")"})
            QVERIFY2(contains(keras, layer), layer);
        // The norms: LayerNorm over the channels channels-last in PyTorch; over the whole
        // sample in Keras with γ and β moved to H×W×C; GroupNorm's groups alike in both.
        for (const char *module : {"self.gn_img = nn.GroupNorm(2, 4, eps=1e-05)",
                                   "self.ln_img = nn.LayerNorm([4, 7, 7], eps=1e-05)",
                                   "self.ln_pos(ln_img.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)",
                                   "self.ln_flat = nn.LayerNorm(1028, eps=0.001)"})
            QVERIFY2(contains(torch, module), module);
        for (const char *layer :
             {"layers.GroupNormalization(groups=2, axis=-1, epsilon=1e-05, name=\"gn_img\")",
              "layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-05, name=\"ln_img\")",
              "tensors[\"ln_img.gamma\"].transpose(1, 2, 0)",
              "layers.LayerNormalization(axis=-1, epsilon=1e-06, name=\"ln_pos\")"})
            QVERIFY2(contains(keras, layer), layer);
        // The moves within a sample: direct in PyTorch; in Keras an image Permute mapped onto
        // channels-last axes, ChannelShuffle as Reshape → Permute → Reshape, Reshapes from and
        // to an image done in C×H×W order.
        for (const char *code :
             {"self.shuffle = nn.ChannelShuffle(2)", "permute = shuffle.permute(0, 2, 3, 1)",
              "slice = permute[:, 1:6]", "reshape_rows = slice.reshape(slice.size(0), 20, 7)"})
            QVERIFY2(contains(torch, code), code);
        for (const char *layer : {"layers.Reshape((7, 7, 2, 2), name=\"shuffle_grouped\")",
                                  "layers.Permute((1, 2, 4, 3), name=\"shuffle_transposed\")",
                                  "layers.Permute((2, 3, 1), name=\"permute\")",
                                  "layers.Lambda(lambda t: t[:, :, :, 1:6], name=\"slice\")",
                                  "layers.Permute((3, 1, 2), name=\"reshape_rows_to_chw\")",
                                  "layers.Reshape((20, 7), name=\"reshape_rows\")",
                                  "layers.Reshape((4, 5, 7), name=\"reshape_img_chw\")",
                                  "layers.Permute((2, 3, 1), name=\"reshape_img\")"})
            QVERIFY2(contains(keras, layer), layer);
        // AdaptiveAvgPool2D: PyTorch's own; in Keras, uneven windows (7 → 2 columns, then
        // 7 → 3 rows) as the means of each window per axis, the last named after the node.
        QVERIFY(contains(torch, "self.adaptive = nn.AdaptiveAvgPool2d((3, 2))"));
        QVERIFY(contains(keras, "for b, e in [(0, 4), (3, 7)]], axis=2), name=\"adaptive_cols\")"));
        QVERIFY(contains(keras, "keras.ops.mean(t[:, b:e], axis=1, keepdims=True) for b, e in "
                                "[(0, 3), (2, 5), (4, 7)]], axis=1), name=\"adaptive\")"));
        // One normalize() for model.py and data.py, the model's with its recorded default.
        const std::string signature = "def normalize(samples, normalization";
        QVERIFY(contains(torch, signature + "=NORMALIZATION):"));
        QVERIFY(contains(keras, signature + "=NORMALIZATION):"));
        QVERIFY(contains(readFile(out + "/torch/data.py"), signature + "):"));
    }

    // Kernels, windows and strides per axis: tuples, height first, in both frameworks.
    void perAxisWindows()
    {
        const Project project = loadProject(sourceDir() + "/tests/interop/window_settings.strata");
        const WeightsFile weights = initialWeights(project);
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        exportPytorch(project, weights, out + "/torch");
        exportKeras(project, weights, out + "/keras");
        const std::string torch = readFile(out + "/torch/model.py");
        const std::string keras = readFile(out + "/keras/model.py");
        for (const char *code : {"nn.Conv2d(8, 4, kernel_size=(1, 7), padding=(0, 3))",
                                 "nn.Conv2d(4, 4, kernel_size=(7, 1), stride=(2, 1))",
                                 "nn.AvgPool2d((3, 1), stride=(2, 1), padding=(1, 0))",
                                 "nn.MaxPool2d((1, 3), stride=(1, 2))"})
            QVERIFY2(contains(torch, code), code);
        for (const char *layer :
             {"layers.Conv2D(4, (1, 7), name=\"conv_1x7\")",
              "layers.Conv2D(4, (7, 1), strides=(2, 1), padding=\"same\", name=\"conv_7x1_s2\")",
              "layers.AveragePooling2D((3, 1), strides=(2, 1), name=\"avg_3x1\")",
              "layers.MaxPooling2D((1, 3), strides=(1, 2), padding=\"same\", name=\"max_1x3\")"})
            QVERIFY2(contains(keras, layer), layer);
    }

    // save_weights() writes every weight Strata's network has, under Strata's name, from the
    // tensor load_weights() fills (Keras: through the inverse of the load's conversion); the
    // training scripts save with it by default. tests/interop/check_ddp.py runs them.
    void saveWeightsNamesEveryWeight()
    {
        const Project project = loadProject(sourceDir() + "/tests/interop/all_layers.strata");
        const WeightsFile weights = initialWeights(project);
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        exportPytorch(project, weights, out + "/torch");
        exportKeras(project, weights, out + "/keras");
        const std::string torch = readFile(out + "/torch/model.py");
        const std::string keras = readFile(out + "/keras/model.py");
        QVERIFY(contains(torch, "def save_weights(model, path=\"weights.safetensors\""));
        QVERIFY(contains(keras, "def save_weights(model, path=\"weights.safetensors\""));
        for (const auto &[name, tensor] : weights.weights) {
            const std::string quoted = "\"" + name + "\"";
            QVERIFY2(contains(torch, "(" + quoted + ", model."), name.c_str());
            QVERIFY2(contains(torch, "tensors, " + quoted + ")"), name.c_str());
            QVERIFY2(contains(keras, "tensors.append((" + quoted), name.c_str());
            QVERIFY2(contains(keras, "tensors[" + quoted + "]"), name.c_str());
        }
        QVERIFY(contains(torch, "(\"bn_img.running_var\", model.bn_img.running_var)"));
        // Keras' HWIO kernel goes back to Strata's OIHW through the load's own conversion.
        QVERIFY(contains(keras, "tensors.append((\"conv_s2.weight\", _to_strata(\n"));
        QVERIFY(contains(keras, "lambda w: w.transpose(2, 3, 1, 0), (8, 1, 3, 3))"));
        // The metadata Strata's loadWeights reads.
        QVERIFY(contains(torch, "\"strata_normalization\": json.dumps(n)"));
        QVERIFY(contains(torch, "\"strata_classes\": json.dumps("));
        for (const std::string folder : {"/torch", "/keras"}) {
            const std::string train = readFile(out + folder + "/train.py");
            QVERIFY(
                contains(train, "parser.add_argument(\"--out\", default=\"trained.safetensors\""));
            QVERIFY(contains(train, "save_weights(model, "));
            QVERIFY(contains(train, folder == "/torch" ? "endswith((\".pt\", \".pth\"))"
                                                       : "endswith(\".keras\")"));
            QVERIFY(contains(readFile(out + folder + "/README.txt"), "trained.safetensors"));
        }
    }

    // train_ddp.py: torchrun, DistributedDataParallel and a DistributedSampler over train.py's
    // optimizer, loss and schedule (imported, not repeated); metrics reduced over the
    // processes, logging and saving on rank 0. The README says how to launch it.
    void distributedTrainingScript()
    {
        const Project project = loadProject(sourceDir() + "/tests/interop/all_layers.strata");
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        exportPytorch(project, initialWeights(project), out + "/torch");
        exportKeras(project, initialWeights(project), out + "/keras");
        QVERIFY(!std::filesystem::exists(out + "/keras/train_ddp.py"));
        const std::string ddp = readFile(out + "/torch/train_ddp.py");
        for (const char *part :
             {"import train\n", "from model import AllLayerTypes, load_weights\n",
              "dist.init_process_group(backend, timeout=",
              "\"nccl\" if torch.cuda.is_available() else \"gloo\"",
              "parser.add_argument(\"--backend\"", "DistributedDataParallel(model",
              "DistributedSampler(range(len(y)), num_replicas=world, rank=rank",
              "sampler.set_epoch(epoch)", "dist.all_reduce(t, op=dist.ReduceOp.SUM)",
              "train.make_optimizer(model)", "train.loss_and_correct(ddp, xb, yb)",
              "train.learning_rate(epoch, args.epochs)", "train.hold_out_validation(x, y, test)",
              "if dist.get_rank() == 0:", "if rank == 0:\n        train.save_trained(",
              "dist.destroy_process_group()", "torchrun --nproc_per_node"})
            QVERIFY2(contains(ddp, part), part);
        QVERIFY(!contains(ddp, "def make_optimizer"));
        QVERIFY(!contains(ddp, "criterion ="));
        const std::string readme = readFile(out + "/torch/README.txt");
        for (const char *flag : {"torchrun --nproc_per_node 4 train_ddp.py", "--nnodes 2",
                                 "--node_rank 0", "--master_addr HOST", "--master_port 29500"})
            QVERIFY2(contains(readme, flag), flag);
    }

    // An image folder's data.py reads the folders as Strata does (read_image_folder, with
    // Pillow; tests/interop/check_codegen.py compares its samples with Strata's).
    void imageFolderDataModule()
    {
        Project project =
            loadProject(strata::test::examplePath("keras_mnist_cnn.strata").toStdString());
        project.dataset = {};
        project.dataset.kind = "image_folder";
        project.dataset.trainFolder = "pets/train";
        project.dataset.testFolder = "pets/test";
        project.dataset.imageHeight = project.dataset.imageWidth = 28;
        project.dataset.color = "grayscale";
        project.dataset.normalization = "scale";
        QTemporaryDir dir;
        exportPytorch(project, initialWeights(project), dir.path().toStdString());
        const std::string data = readFile(dir.path().toStdString() + "/data.py");
        QVERIFY(contains(data, "from PIL import Image\n"));
        QVERIFY(contains(data, "def read_image_folder(folder, channels, height, width"));
        QVERIFY(contains(data,
                         "x, y, names = read_image_folder(_path(data_dir, \"pets/train\"), 1, "
                         "28, 28, False)"));
        QVERIFY(contains(data, "_path(data_dir, \"pets/test\"), 1, 28, 28, False)"));
        QVERIFY(contains(data, "fit_normalization(\"scale\", x, pixels=True)"));
        QVERIFY(!contains(data, "read_csv"));
    }

    // data.py carries the augmentation only when the project's is on, with the spec's values;
    // both train.py scripts then augment each training batch with an epoch key from Strata's
    // augmentation stream, and their READMEs say so. (tests/interop/check_augmentation.py
    // compares augment_batch's numbers with Strata's.)
    void augmentation()
    {
        Project project =
            loadProject(strata::test::examplePath("keras_cifar10_cnn.strata").toStdString());
        const WeightsFile weights = initialWeights(project);
        QTemporaryDir dir;
        const std::string plain = dir.path().toStdString() + "/plain";
        exportPytorch(project, weights, plain + "/torch");
        exportKeras(project, weights, plain + "/keras");
        for (const char *folder : {"/torch", "/keras"}) {
            QVERIFY(!contains(readFile(plain + folder + "/data.py"), "augment"));
            QVERIFY(!contains(readFile(plain + folder + "/train.py"), "augment"));
            QVERIFY(!contains(readFile(plain + folder + "/README.txt"), "ugmentation"));
        }
        // Keras takes the batches in Strata's order, augmented or not.
        QVERIFY(contains(readFile(plain + "/keras/train.py"), "batches = StrataBatches(x, y)\n"));
        QVERIFY(contains(readFile(plain + "/keras/train.py"), "shuffle=False"));

        AugmentationSpec &spec = project.dataset.augmentation;
        spec.horizontalFlip = true;
        spec.cropPadding = 4;
        spec.translate = 0.125;
        spec.rotate = 12.5;
        spec.brightness = 0.25;
        spec.contrast = 0.375;
        spec.noise = 0.0625;
        const std::string on = dir.path().toStdString() + "/on";
        exportPytorch(project, weights, on + "/torch");
        exportKeras(project, weights, on + "/keras");
        const std::string data = readFile(on + "/torch/data.py");
        QCOMPARE(readFile(on + "/keras/data.py"), data);
        // The plain data.py is unchanged, the augmentation comes after it.
        const std::string plainData = readFile(plain + "/torch/data.py");
        QVERIFY(contains(data, plainData.substr(plainData.find("import gzip"))));
        for (const std::string line :
             {"HORIZONTAL_FLIP = True", "CROP_PADDING = 4", "TRANSLATE = 0.125", "ROTATE = 12.5",
              "BRIGHTNESS = 0.25", "CONTRAST = 0.375", "NOISE = 0.0625",
              "PICTURE_TRANSFORMS = True", "def augmentation_rng(epoch_key, position):",
              "    return StrataRng(int(epoch_key) ^ (int(position) * 0xD1B54A32D192ED03))",
              "def augment_range(normalization, channels):",
              "def augment_batch(xb, epoch_key, first_position, normalization):"})
            QVERIFY2(contains(data, "\n" + line), line.c_str());
        QVERIFY(contains(data, "Augmentation: flip, crop 4, shift 12.5%, rotate 12.5°"));

        const std::string torch = readFile(on + "/torch/train.py");
        QVERIFY(contains(torch, "(x, y), test, normalization = data.load("));
        QVERIFY(contains(torch, "augment_rng = data.StrataRng(SEED + 2)"));
        QVERIFY(contains(torch, "epoch_key = augment_rng.next()"));
        QVERIFY(contains(torch, "xb = data.augment_batch(x[batch], epoch_key, start, "
                                "normalization)"));
        // Only the training batches: evaluate() reads the validation set as it is.
        QVERIFY(!contains(torch.substr(torch.find("def evaluate")).substr(0, 600), "augment"));
        const std::string keras = readFile(on + "/keras/train.py");
        QVERIFY(contains(keras, "self.augment_rng = data.StrataRng(SEED + 2)"));
        QVERIFY(contains(keras, "xb = data.augment_batch(self.x[batch], self.epoch_key, start, "
                                "self.normalization)"));
        QVERIFY(contains(keras, "batches = StrataBatches(x, y, normalization)\n"));
        for (const char *folder : {"/torch", "/keras"})
            QVERIFY(contains(readFile(on + folder + "/README.txt"),
                             "Augmentation: flip, crop 4, shift 12.5%, rotate 12.5°"));

        // Noise alone (what tables take): the picture transforms stay off.
        spec = {};
        spec.noise = 0.5;
        const std::string noise = dir.path().toStdString() + "/noise";
        exportPytorch(project, weights, noise);
        const std::string noiseData = readFile(noise + "/data.py");
        QVERIFY(contains(noiseData, "\nPICTURE_TRANSFORMS = False  #"));
        QVERIFY(contains(noiseData, "\nNOISE = 0.5  #"));
        QVERIFY(contains(noiseData, "\nHORIZONTAL_FLIP = False  #"));
    }

    void namesBecomeIdentifiers()
    {
        QCOMPARE(internal::pythonIdentifier("fc-1"), std::string("fc_1"));
        QCOMPARE(internal::pythonIdentifier("2nd dense"), std::string("n_2nd_dense"));
        QCOMPARE(internal::pythonIdentifier("class"), std::string("class_"));
        QCOMPARE(internal::pythonIdentifier("größe"), std::string("gr__e"));
        QCOMPARE(internal::pythonClassName("Keras CIFAR-10 CNN"), std::string("KerasCifar10Cnn"));
        QCOMPARE(internal::pythonClassName("1 layer"), std::string("Model1Layer"));
        QCOMPARE(internal::pyFloat(0.1), std::string("0.1"));
        QCOMPARE(internal::pyFloat(1 - 0.99), std::string("0.01"));
        QCOMPARE(internal::pyFloat(2), std::string("2.0"));
        QCOMPARE(internal::pyTuple({5}), std::string("(5,)"));

        // Names that clash with Python, with nn.Module or with each other get new ones.
        Project p;
        p.name = "names";
        p.graph.addNode({"in", "Input", "class", {{"features", 3}}});
        p.graph.addNode({"a", "Dense", "forward", {{"units", 2}}});
        p.graph.addNode({"b", "ReLU", "forward", {}});
        p.graph.connect({{"in", 0}, {"a", 0}});
        p.graph.connect({{"a", 0}, {"b", 0}});
        QTemporaryDir dir;
        exportPytorch(p, initialWeights(p), dir.path().toStdString());
        const std::string model = readFile(dir.path().toStdString() + "/model.py");
        QVERIFY(contains(model, "def forward(self, class_):"));
        QVERIFY(contains(model, "self.forward_ = nn.Linear(3, 2)"));
        QVERIFY(contains(model, "self.forward__2 = nn.ReLU()"));
        QVERIFY(contains(model, "_assign(model.forward_.weight, tensors, \"a.weight\")"));
    }

    void refusesWhatItCannotExport()
    {
        const Project project = loadProject(sourceDir() + "/projects/xor.strata");
        WeightsFile weights = initialWeights(project);
        weights.weights.pop_back();
        QTemporaryDir dir;
        try {
            exportKeras(project, weights, dir.path().toStdString());
            QFAIL("a missing weight was not reported");
        } catch (const Error &e) {
            QVERIFY2(contains(e.what(), "out.bias"), e.what());
        }
        Project broken = project;
        broken.graph.disconnect(broken.graph.edges().back());
        try {
            exportPytorch(broken, initialWeights(project), dir.path().toStdString());
            QFAIL("an incomplete graph was exported");
        } catch (const Error &e) {
            QVERIFY2(contains(e.what(), "cannot be exported"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestCodegen)
#include "test_codegen.moc"
