// The generated data.py: the project's dataset prepared as Strata prepares it. The generated
// sets are drawn with a Python copy of Strata's random stream, in the same order, so they
// match Strata's sample for sample; files are read the way Strata's loaders read them; the
// normalisation is fitted on the training set the same way.

#include "codegen/codegen.h"
#include "codegen/python_text.h"

namespace strata::internal {

namespace {

const char *kRng = R"PY(class StrataRng:
    """Strata's random stream: xoshiro256** seeded through splitmix64.

    Drawing the generated sets with it gives exactly Strata's samples.
    """

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.s = []
        x = seed & self.MASK
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & self.MASK
            z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
            self.s.append(z ^ (z >> 31))

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & self.MASK, 7) * 9) & self.MASK
        t = (s1 << 17) & self.MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, _rotl(s3, 45)]
        return result

    def uniform(self):
        """Uniform in [0, 1)."""
        return (self.next() >> 11) * 2.0**-53

    def below(self, n):
        """Uniform integer in [0, n), without bias."""
        if n <= 1:
            return 0
        limit = self.MASK - self.MASK % n
        while True:
            x = self.next()
            if x < limit:
                return x % n

    def normal(self):
        """Standard normal (Box-Muller; two draws)."""
        u1 = max(self.uniform(), 1e-300)
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & StrataRng.MASK


def shuffled_order(n, rng):
    """A Fisher-Yates permutation of range(n), drawn as Strata's trainer draws it."""
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order
)PY";

const char *kShuffleSamples = R"PY(

def _shuffle_samples(rows, labels, rng):
    """Fisher-Yates over whole samples, as Strata shuffles its generated sets."""
    for i in range(len(labels) - 1, 0, -1):
        j = rng.below(i + 1)
        rows[i], rows[j] = rows[j], rows[i]
        labels[i], labels[j] = labels[j], labels[i]
)PY";

std::string builtinSource(const std::string &name)
{
    if (name == "or" || name == "and" || name == "xor") {
        const std::string op = name == "or" ? "a | b" : name == "and" ? "a & b" : "a ^ b";
        return R"PY(

def truth_table(samples, noise, seed):
    """The truth table of ")PY" +
               name + R"PY(": rows 00, 01, 10, 11, repeated up to `samples`."""
    rng = StrataRng(seed)
    rows, labels = [], []
    for i in range(samples or 4):
        a, b = (i % 4) // 2, (i % 4) % 2
        x0, x1 = float(a), float(b)
        if noise > 0:
            x0 += noise * rng.normal()
            x1 += noise * rng.normal()
        rows.append((x0, x1))
        labels.append()PY" +
               op + R"PY()
    return np.array(rows, dtype=np.float32), np.array(labels, dtype=np.int64)
)PY";
    }
    if (name == "spirals")
        return std::string(kShuffleSamples) + R"PY(

def spirals(samples, noise, classes, seed):
    """`classes` interleaved spiral arms of 1.5 turns, radius growing from 0 to 1."""
    rng = StrataRng(seed)
    n, classes = samples or 400, classes or 2
    per_class = (n + classes - 1) // classes
    rows, labels = [], []
    for i in range(n):
        k = i % classes
        t = (i // classes) / max(per_class - 1, 1)
        angle = t * 1.5 * 2 * math.pi + 2 * math.pi * k / classes
        x, y = t * math.cos(angle), t * math.sin(angle)
        if noise > 0:
            x += noise * rng.normal()
            y += noise * rng.normal()
        rows.append((x, y))
        labels.append(k)
    _shuffle_samples(rows, labels, rng)
    return np.array(rows, dtype=np.float32), np.array(labels, dtype=np.int64)
)PY";
    if (name == "circles" || name == "moons") {
        const bool circles = name == "circles";
        return std::string(kShuffleSamples) + "\n\ndef " + name +
               R"PY((samples, noise, classes, seed):
    """)PY" +
               (circles ? "An outer ring of radius 1 (class 0) around one of radius 0.5 (class 1)."
                        : "Two interleaving half circles (scikit-learn's make_moons).") +
               R"PY("""
    rng = StrataRng(seed)
    n = samples or 400
    outer = (n + 1) // 2
    rows, labels = [], []
    for i in range(n):
        inner = i >= outer
        j, m = (i - outer, n - outer) if inner else (i, outer)
)PY" +
               (circles ? R"PY(        angle = 2 * math.pi * j / m
        r = 0.5 if inner else 1.0
        x, y = r * math.cos(angle), r * math.sin(angle)
)PY"
                        : R"PY(        t = math.pi * j / max(m - 1, 1)
        x = 1 - math.cos(t) if inner else math.cos(t)
        y = 0.5 - math.sin(t) if inner else math.sin(t)
)PY") + R"PY(        if noise > 0:
            x += noise * rng.normal()
            y += noise * rng.normal()
        rows.append((x, y))
        labels.append(1 if inner else 0)
    _shuffle_samples(rows, labels, rng)
    return np.array(rows, dtype=np.float32), np.array(labels, dtype=np.int64)
)PY";
    }
    if (name == "blobs")
        return std::string(kShuffleSamples) + R"PY(

def blobs(samples, noise, classes, features, seed):
    """Gaussian clusters with centres uniform in [-10, 10) and standard deviation `noise`."""
    rng = StrataRng(seed)
    n, classes, features = samples or 400, classes or 3, features or 2
    sd = noise if noise > 0 else 1.0
    centres = [-10.0 + 20.0 * rng.uniform() for _ in range(classes * features)]
    rows, labels = [], []
    for i in range(n):
        k = i % classes
        rows.append([centres[k * features + f] + sd * rng.normal() for f in range(features)])
        labels.append(k)
    _shuffle_samples(rows, labels, rng)
    return np.array(rows, dtype=np.float32), np.array(labels, dtype=np.int64)
)PY";
    // dummy
    return R"PY(

def dummy(samples, classes, features, seed):
    """The Keras tutorial's random data: uniform features in [0, 1), random labels."""
    rng = StrataRng(seed)
    n, classes, features = samples or 1000, classes or 10, features or 32
    rows, labels = [], []
    for _ in range(n):
        rows.append([rng.uniform() for _ in range(features)])
        labels.append(rng.below(classes))
    return np.array(rows, dtype=np.float32), np.array(labels, dtype=np.int64)
)PY";
}

const char *kReadBytes = R"PY(

def _read_bytes(path):
    """The file's bytes, gunzipped when it is gzip-compressed."""
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
)PY";

const char *kIdx = R"PY(

def read_idx(images_path, labels_path):
    """MNIST-format (IDX) images and labels: N×1×H×W float32 pixels (0-255), int64 labels."""
    images = _read_bytes(images_path)
    labels = _read_bytes(labels_path)
    if images[:4] != b"\x00\x00\x08\x03" or labels[:4] != b"\x00\x00\x08\x01":
        raise ValueError(f"{images_path}, {labels_path}: not IDX image and label files")
    n, h, w = (int.from_bytes(images[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    x = np.frombuffer(images, dtype=np.uint8, count=n * h * w, offset=16)
    y = np.frombuffer(labels, dtype=np.uint8, count=n, offset=8)
    return x.reshape(n, 1, h, w).astype(np.float32), y.astype(np.int64)
)PY";

const char *kCifar = R"PY(

def read_cifar10(paths):
    """CIFAR-10 binary batches: records of a label byte and 3×32×32 pixel bytes (C×H×W)."""
    records = np.concatenate(
        [np.frombuffer(_read_bytes(p), dtype=np.uint8).reshape(-1, 3073) for p in paths])
    x = records[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32)
    return x, records[:, 0].astype(np.int64)
)PY";

const char *kCsv = R"PY(

def read_csv(path, label_column, class_names=None):
    """A CSV table of numeric features and one label column (by name, by 0-based index, or
    the last when empty). The first row is a header when a cell outside the label column is
    not a number. Labels that are all whole numbers ≥ 0 are class numbers; otherwise they are
    names, numbered in sorted order (or as in class_names). Returns x, y, class_names.
    """
    text = _read_bytes(path).decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text), skipinitialspace=True) if r]

    def number(cell):
        try:
            float(cell)
            return True
        except ValueError:
            return False

    column = len(rows[0]) - 1
    if label_column:
        column = int(label_column) if label_column.isdigit() else rows[0].index(label_column)
    first = rows[0]
    if label_column in first or not all(number(c) for i, c in enumerate(first) if i != column):
        rows = rows[1:]
    x = np.array([[float(c) for i, c in enumerate(r) if i != column] for r in rows],
                 dtype=np.float32)
    raw = [r[column].strip() for r in rows]
    if class_names is None and all(c.isdigit() for c in raw):
        y = np.array([int(c) for c in raw], dtype=np.int64)
        return x, y, [str(c) for c in range(int(y.max()) + 1)]
    names = class_names or sorted(set(raw), key=lambda s: s.encode())
    return x, np.array([names.index(c) for c in raw], dtype=np.int64), names
)PY";

const char *kNormalization = R"PY(

def fit_normalization(mode, x, pixels):
    """The normalisation Strata fits on the training set.

    none: nothing. scale: pixels × 1/255; other data × 1/max|x| when it leaves [0, 1].
    standardize: (x × scale − mean[c]) / std[c] per channel c (the first sample axis: the
    colour channel of an image, each feature of a vector).
    """
    result = {"mode": mode, "scale": 1.0, "mean": [], "std": []}
    if mode == "none":
        return result
    scale = np.float32(1) / np.float32(255) if pixels else np.float32(1)
    if mode == "scale":
        if not pixels:
            lo, hi, max_abs = min(0, x.min()), max(0, x.max()), np.abs(x).max()
            if (lo < 0 or hi > 1) and max_abs > 0:
                scale = np.float32(1) / np.float32(max_abs)
        result["scale"] = float(scale)
        return result
    values = x.reshape(len(x), x.shape[1], -1).astype(np.float64) * float(scale)
    mean = values.mean(axis=(0, 2))
    std = np.sqrt(((values - mean[None, :, None]) ** 2).mean(axis=(0, 2)))
    result["scale"] = float(scale)
    result["mean"] = [float(np.float32(m)) for m in mean]
    result["std"] = [float(np.float32(s)) if s > 1e-12 else 1.0 for s in std]
    return result

)PY";

std::string pathLiteral(const std::string &path)
{
    return "_path(data_dir, " + pyString(path) + ")";
}

std::string pyStringList(const std::vector<std::string> &items, const std::string &indent)
{
    std::string out = "[\n";
    for (const std::string &s : items)
        out += indent + "    " + s + ",\n";
    return out + indent + "]";
}

} // namespace

std::string dataModuleSource(const Project &project)
{
    const DatasetSpec &d = project.dataset;
    const bool builtin = d.kind == "builtin";
    const bool pixels = d.kind == "idx" || d.kind == "cifar10" || d.kind == "image_folder";
    const bool folders = d.kind == "image_folder";
    std::string what;
    if (builtin)
        what = "the generated set \"" + d.name +
               "\", drawn with a copy of Strata's random stream "
               "so that it holds exactly Strata's samples";
    else if (d.kind == "idx")
        what = "MNIST-format (IDX) files";
    else if (d.kind == "cifar10")
        what = "CIFAR-10 binary batches";
    else if (folders)
        what = "pictures in one folder per class, resized to " + std::to_string(d.imageHeight) +
               "×" + std::to_string(d.imageWidth) + " " + d.color + " (needs Pillow)";
    else
        what = "CSV tables";

    std::string doc = "The dataset of " + pyString(project.name) +
                      ", prepared as Strata prepares it.\n\nThe data: " + what + ".\n";
    if (!builtin)
        doc += "Relative paths are resolved against data_dir, the folder of the .strata project.\n";
    doc += d.normalization == "none"
               ? std::string("Normalisation: none.\n")
               : "Normalisation: " + d.normalization + ", fitted on the training set.\n";
    if (d.augmentation.active())
        doc += "Augmentation: " + d.augmentation.summary() +
               ", applied to training batches by augment_batch() exactly as Strata applies it.\n";
    std::string out = "\"\"\"" + wrapText(pyDocText(doc)) + "\"\"\"\n\n";
    if (d.kind == "csv")
        out += "import csv\nimport io\n";
    if (folders)
        out += "from fractions import Fraction\n";
    if (!builtin)
        out += "import gzip\n";
    out += builtin ? "import math\n" : "import math\nimport os\n";
    out += "\nimport numpy as np\n";
    if (folders)
        out += "from PIL import Image\n";
    out += "\n\n";
    out += kRng;
    if (builtin)
        out += builtinSource(d.name);
    else
        out += kReadBytes;
    if (d.kind == "idx")
        out += kIdx;
    else if (d.kind == "cifar10")
        out += kCifar;
    else if (d.kind == "csv")
        out += kCsv;
    else if (folders)
        out += imageFolderReaderSource();
    out += kNormalization;
    out += "\n";
    out += normalizeFunction("");
    if (!builtin)
        out += R"PY(

def _path(data_dir, path):
    return path if os.path.isabs(path) else os.path.join(data_dir, path)
)PY";

    // load(): the sets, limits and normalisation.
    out += R"PY(

def load(data_dir=".", limit=0):
    """The project's data as Strata prepares it.

    Returns (x_train, y_train), (x_test, y_test) or None, and the normalisation (a dict, as
    recorded in Strata's weights files). x: float32 N×C×H×W images or N×F features,
    normalised; y: int64 class numbers. limit > 0 keeps at most that many samples of each set
    (for a quick run; the normalisation is then fitted on what is kept).
    """
)PY";
    out += "    test = None\n";
    if (builtin) {
        const std::string seed = std::to_string(d.seed);
        const std::string samples = std::to_string(d.samples), noise = pyFloat(d.noise);
        const std::string classes = std::to_string(d.classes),
                          features = std::to_string(d.features);
        if (d.name == "or" || d.name == "and" || d.name == "xor")
            out += "    x, y = truth_table(samples=" + samples + ", noise=" + noise +
                   ", seed=" + seed + ")\n";
        else if (d.name == "blobs")
            out += "    x, y = blobs(samples=" + samples + ", noise=" + noise +
                   ", classes=" + classes + ", features=" + features + ", seed=" + seed + ")\n";
        else if (d.name == "dummy")
            out += "    x, y = dummy(samples=" + samples + ", classes=" + classes +
                   ", features=" + features + ", seed=" + seed + ")\n";
        else
            out += "    x, y = " + d.name + "(samples=" + samples + ", noise=" + noise +
                   ", classes=" + classes + ", seed=" + seed + ")\n";
    } else if (d.kind == "idx") {
        out += "    x, y = read_idx(" + pathLiteral(d.trainImages) + ",\n                    " +
               pathLiteral(d.trainLabels) + ")\n";
        if (!d.testImages.empty())
            out += "    test = read_idx(" + pathLiteral(d.testImages) + ",\n                    " +
                   pathLiteral(d.testLabels) + ")\n";
    } else if (d.kind == "cifar10") {
        std::vector<std::string> files;
        for (const std::string &f : d.trainFiles)
            files.push_back(pathLiteral(f));
        out += "    x, y = read_cifar10(" + pyStringList(files, "    ") + ")\n";
        if (!d.testFile.empty())
            out += "    test = read_cifar10([" + pathLiteral(d.testFile) + "])\n";
    } else if (folders) {
        const std::string args = ", " + std::to_string(d.color == "grayscale" ? 1 : 3) + ", " +
                                 std::to_string(d.imageHeight) + ", " +
                                 std::to_string(d.imageWidth) + ", " + pyBool(d.skipBadFiles);
        out += "    x, y, names = read_image_folder(" + pathLiteral(d.trainFolder) + args + ")\n";
        if (!d.testFolder.empty())
            out += "    test_x, test_y, test_names = read_image_folder(\n        " +
                   pathLiteral(d.testFolder) + args +
                   ")\n    if test_names != names:\n"
                   "        raise ValueError(\"the test folder's classes differ from the "
                   "training folder's\")\n    test = test_x, test_y\n";
    } else {
        std::string names = "None";
        if (!d.classNames.empty()) {
            names = "[";
            for (size_t i = 0; i < d.classNames.size(); ++i)
                names += (i ? ", " : "") + pyString(d.classNames[i]);
            names += "]";
        }
        out += "    x, y, names = read_csv(" + pathLiteral(d.trainCsv) + ", " +
               pyString(d.labelColumn) + ", " + names + ")\n";
        if (!d.testCsv.empty())
            out += "    test_x, test_y, _ = read_csv(" + pathLiteral(d.testCsv) + ", " +
                   pyString(d.labelColumn) + ", names)\n    test = test_x, test_y\n";
    }
    if (d.limit > 0)
        out += "    x, y = x[:" + std::to_string(d.limit) + "], y[:" + std::to_string(d.limit) +
               "]  # the project's limit\n";
    if (d.testLimit > 0)
        out += "    if test is not None:\n        test = test[0][:" + std::to_string(d.testLimit) +
               "], test[1][:" + std::to_string(d.testLimit) + "]  # the project's test limit\n";
    out += R"PY(    if limit > 0:
        x, y = x[:limit], y[:limit]
        if test is not None:
            test = test[0][:limit], test[1][:limit]
)PY";
    out += "    normalization = fit_normalization(" + pyString(d.normalization) +
           ", x, pixels=" + pyBool(pixels) + ")\n";
    out += R"PY(    x = normalize(x, normalization)
    if test is not None:
        test = normalize(test[0], normalization), test[1]
    return (x, y), test, normalization
)PY";
    out += augmentationSource(d.augmentation);
    return out;
}

} // namespace strata::internal
