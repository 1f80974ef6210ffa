#!/usr/bin/env python3
"""Models built in PyTorch and exported by torch.onnx.export (opset 13, the TorchScript
exporter; LayerNorm and GroupNorm as its decompositions, nn.Upsample as Resize) import with
strata-cli import and predict what PyTorch predicts, to within 1e-4;
the imported project trains (two real steps on the CPU, strata-cli profile --synthetic) and
exports to ONNX again, and ONNX Runtime agrees too. Besides small models of our own, these
are torchvision's standard architectures as published, with random weights and 10 classes,
at the smallest input each exports at."""

import os
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as ic  # noqa: E402

TOLERANCE = 1e-4


def models(torch):
    nn, F = torch.nn, torch.nn.functional

    class SmallCnn(nn.Module):
        """conv (padding 1) → batchnorm → relu → maxpool → conv → tanh → avgpool →
        x.view(N, -1) → linear → leaky relu → dropout → linear, ending in logits."""

        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
            self.bn1 = nn.BatchNorm2d(6)
            self.pool = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(6, 8, 3)
            self.avg = nn.AvgPool2d(2)
            self.fc1 = nn.Linear(8 * 2 * 2, 16)
            self.drop = nn.Dropout(0.25)
            self.fc2 = nn.Linear(16, 3)

        def forward(self, x):
            x = self.pool(F.relu(self.bn1(self.conv1(x))))
            x = self.avg(torch.tanh(self.conv2(x)))
            x = x.view(x.size(0), -1)
            return self.fc2(self.drop(F.leaky_relu(self.fc1(x), 0.1)))

    class ResidualGap(nn.Module):
        """A residual block (Add), a strided branch joined by channel Concat, global average
        pooling, torch.flatten, and a sigmoid output (a multi-label head)."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 4, 3, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(4)
            self.branch = nn.Conv2d(4, 4, 1)
            # Stride 2 with padding 1 on 7 pixels pads as Strata's 'same' does.
            self.down = nn.MaxPool2d(3, stride=2, padding=1)
            self.side = nn.Conv2d(4, 2, 3, stride=2, padding=1)
            self.norm = nn.BatchNorm1d(6)  # the exporter folds BatchNorm2d into the Conv
            self.head = nn.Linear(6, 2)

        def forward(self, x):
            x = F.relu(self.bn(self.stem(x)))
            x = x + torch.sigmoid(self.branch(x))
            x = torch.cat([self.down(x), self.side(x)], dim=1)
            x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
            return torch.sigmoid(self.head(self.norm(x)))

    class WindowSettings(nn.Module):
        """Per-axis conv padding, a ceil-mode max pool, a dilated grouped conv, a depthwise
        conv, an average counting its padding with ceil mode (PyTorch's default
        count_include_pad) and one leaving it out."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 8, 5, stride=2, padding=(2, 1))
            self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
            self.grouped = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=2)
            self.depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
            self.counted = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)
            self.uncounted = nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False)
            self.fc = nn.Linear(8 * 4 * 4, 4)

        def forward(self, x):
            x = self.pool(F.relu(self.stem(x)))
            x = self.depthwise(F.relu(self.grouped(x)))
            x = self.uncounted(self.counted(x))
            return self.fc(torch.flatten(x, 1))

    class EncoderDecoder(nn.Module):
        """A small encoder-decoder: a stride-2 Conv2d down, a stride-2 ConvTranspose2d back
        up (padding 1, output_padding 1), then nn.Upsample(scale_factor=2, mode="bilinear")
        and a Conv2d, exported as ConvTranspose and Resize with constant scales."""

        def __init__(self):
            super().__init__()
            self.down = nn.Conv2d(2, 4, 3, stride=2, padding=1)
            self.up = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
            self.resize = nn.Upsample(scale_factor=2, mode="bilinear")
            self.near = nn.Upsample(scale_factor=2)
            self.conv = nn.Conv2d(3, 2, 3, padding=1)
            self.fc = nn.Linear(2 * 4 * 4, 3)

        def forward(self, x):
            x = self.up(F.relu(self.down(x)))
            x = self.conv(self.resize(F.relu(x)))
            x = F.max_pool2d(self.near(x), 4)
            return self.fc(torch.flatten(x, 1))

    class SplitAndFactorized(nn.Module):
        """torch.split with sizes (Split, its sizes an input) and torch.chunk (Slices with
        computed ends), a 1×3 and a 3×1 convolution padded (0, 1) and (1, 0), and
        nn.AdaptiveAvgPool2d to 2×3 (an AveragePool with a 3×2 window)."""

        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 6, 3, padding=1)
            self.wide = nn.Conv2d(2, 2, (1, 3), padding=(0, 1))
            self.tall = nn.Conv2d(4, 4, (3, 1), padding=(1, 0))
            self.pool = nn.AdaptiveAvgPool2d((2, 3))
            self.fc = nn.Linear(6 * 2 * 3, 3)

        def forward(self, x):
            x = F.relu(self.conv(x))
            a, b = torch.split(x, [2, 4], dim=1)
            x = torch.cat([self.wide(a), self.tall(b)], dim=1)
            c, d, e = torch.chunk(x, 3, dim=1)
            x = torch.cat([e, torch.sigmoid(c), d], 1)
            return self.fc(torch.flatten(self.pool(x), 1))

    class Mlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(5, 12)
            self.fc2 = nn.Linear(12, 4)

        def forward(self, x):
            return torch.softmax(self.fc2(torch.tanh(self.fc1(x))), dim=1)

    class MobileActivations(nn.Module):
        """The activations of MobileNetV2/V3 and EfficientNet as the exporter writes them at
        opset 13: ReLU6 and Hardtanh (Clip), SiLU (Sigmoid → Mul), Hardswish (HardSigmoid →
        Mul), Hardsigmoid, PReLU per channel and shared, ELU and Softplus. The convolutions'
        weights are scaled so that the values reach ReLU6's 6 and Hardswish's ±3."""

        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 3, padding=1)
            self.conv2 = nn.Conv2d(6, 6, 3, padding=1)
            with torch.no_grad():
                self.conv1.weight.mul_(8)
                self.conv2.weight.mul_(4)
            self.relu6, self.hardswish, self.silu = nn.ReLU6(), nn.Hardswish(), nn.SiLU()
            self.prelu = nn.PReLU(6)
            self.clip = nn.Hardtanh(-0.5, 2.0)
            self.fc1 = nn.Linear(6, 8)
            self.elu, self.softplus, self.shared = nn.ELU(0.7), nn.Softplus(), nn.PReLU()
            self.gate = nn.Hardsigmoid()
            self.fc2 = nn.Linear(8, 3)

        def forward(self, x):
            x = self.prelu(self.hardswish(self.conv2(self.relu6(self.conv1(x)))))
            x = torch.flatten(F.adaptive_avg_pool2d(self.clip(self.silu(x)), 1), 1)
            return self.fc2(self.gate(self.shared(self.softplus(self.elu(self.fc1(x))))))

    class Norms(nn.Module):
        """LayerNorm and GroupNorm as the exporter writes them at opset 13: GroupNorm on an
        image and on features, LayerNorm over a whole image sample, ConvNeXt's channels-first
        LayerNorm (means over the channels, its weight as w[:, None, None]), LayerNorm on
        features and one without weights (elementwise_affine=False)."""

        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
            self.gn = nn.GroupNorm(4, 8)
            self.ln_img = nn.LayerNorm([8, 6, 6])
            self.conv2 = nn.Conv2d(8, 6, 1)
            self.cf_weight = nn.Parameter(torch.rand(6) + 0.5)
            self.cf_bias = nn.Parameter(torch.rand(6) - 0.5)
            self.fc1 = nn.Linear(6, 12)
            self.ln = nn.LayerNorm(12)
            self.gn_flat = nn.GroupNorm(3, 12, eps=1e-3)
            self.plain = nn.LayerNorm(12, elementwise_affine=False)
            self.fc2 = nn.Linear(12, 3)
            with torch.no_grad():
                for m in (self.gn, self.ln_img, self.ln, self.gn_flat):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.5, 0.5)

        def forward(self, x):
            x = self.ln_img(F.relu(self.gn(self.conv1(x))))
            x = self.conv2(x)
            u = x.mean(1, keepdim=True)
            s = (x - u).pow(2).mean(1, keepdim=True)
            x = (x - u) / torch.sqrt(s + 1e-6)
            x = self.cf_weight[:, None, None] * x + self.cf_bias[:, None, None]
            x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
            x = self.gn_flat(torch.tanh(self.ln(self.fc1(x))))
            return self.fc2(self.plain(x))

    return [("small_cnn", SmallCnn(), [1, 12, 12], "softmax"),
            ("mobile_activations", MobileActivations(), [3, 6, 6], "softmax"),
            ("norms", Norms(), [3, 6, 6], "softmax"),
            ("residual_gap", ResidualGap(), [3, 7, 7], "none"),
            ("window_settings", WindowSettings(), [3, 15, 13], "softmax"),
            ("encoder_decoder", EncoderDecoder(), [2, 4, 4], "softmax"),
            ("split_factorized", SplitAndFactorized(), [3, 6, 6], "softmax"),
            ("mlp", Mlp(), [5], "none")] + torchvision_models(torch)


def inception_v3(tv, torch):
    """Inception v3 as published (no auxiliary head). init_weights=True draws every
    convolution from N(0, 0.1²), which through 94 convolutions and the check's random
    BatchNorm statistics grows the logits to about 1e8, where softmax is one-hot and an
    agreement proves nothing; each convolution is rescaled to He's std sqrt(2 / fan_in),
    which keeps the logits near 1 and dependent on the input."""
    import math

    model = tv.inception_v3(num_classes=10, aux_logits=False, init_weights=True)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Conv2d):
                m.weight.mul_(math.sqrt(2.0 / m.weight[0].numel()) / m.weight.std())
    return model


def torchvision_models(torch):
    """torchvision's architectures as published (random weights, 10 classes), at the
    smallest input each exports at: VGG and AlexNet end in an adaptive average pool to 7×7
    and 6×6, which the exporter writes only when the image it pools divides evenly, so they
    take 224×224; Inception v3 takes 75×75 (its stem and grid reductions need that much);
    the others take 32×32."""
    import torchvision.models as tv

    small = [3, 32, 32]
    return [
        # The 7×7 stride-2 stem with padding 3, the 3×3 stride-2 max pool with padding 1,
        # residual blocks.
        ("resnet18", tv.resnet18(num_classes=10), small, "softmax"),
        # Inverted residuals: depthwise convolutions, ReLU6 (Clip).
        ("mobilenet_v2", tv.mobilenet_v2(num_classes=10), small, "softmax"),
        # SiLU (Sigmoid → Mul) and squeeze-and-excitation: a GlobalAveragePool kept C×1×1,
        # 1×1 convolutions, a Sigmoid gate multiplied per channel.
        ("efficientnet_b0", tv.efficientnet_b0(num_classes=10), small, "softmax"),
        # Hardswish and a Hardsigmoid-gated squeeze-and-excitation.
        ("mobilenet_v3_small", tv.mobilenet_v3_small(num_classes=10), small, "softmax"),
        # Grouped convolutions and squeeze-and-excitation in every block.
        ("regnet_y_400mf", tv.regnet_y_400mf(num_classes=10), small, "softmax"),
        ("mnasnet0_5", tv.mnasnet0_5(num_classes=10), small, "softmax"),
        # Channel split (x.chunk(2, dim=1): Slice with its split point computed from the
        # shape) and channel shuffle (Reshape → Transpose → Reshape, imported as one
        # ChannelShuffle).
        ("shufflenet_v2_x0_5", tv.shufflenet_v2_x0_5(num_classes=10), small, "softmax"),
        # Fire modules (Concat) and a ceil-mode max pool.
        ("squeezenet1_1", tv.squeezenet1_1(num_classes=10), small, "softmax"),
        # Inception blocks: four-way Concat, a ceil-mode max pool padded 1.
        ("googlenet", tv.googlenet(num_classes=10, aux_logits=False, init_weights=True), small,
         "softmax"),
        # Dense blocks: torch.cat of one input (the identity) and of up to 24 (a chain of
        # Concats, 8 inputs at most each).
        ("densenet121", tv.densenet121(num_classes=10), small, "softmax"),
        # Factorized convolutions: 1×7 and 7×1 kernels padded (0, 3) and (3, 0), 1×3 and 3×1
        # branches joined by Concat, average pools counting their padding.
        ("inception_v3", inception_v3(tv, torch), [3, 75, 75], "softmax"),
        ("alexnet", tv.alexnet(num_classes=10), [3, 224, 224], "softmax"),
        ("vgg11", tv.vgg11(num_classes=10), [3, 224, 224], "softmax"),
    ]


def check(cli, name, model, sample, activation, work, mods):
    torch, np, ort = mods["torch"], mods["numpy"], mods["onnxruntime"]
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    model.eval()
    path = os.path.join(work, name + ".onnx")
    example = torch.randn([2] + sample)
    torch.onnx.export(model, (example,), path, opset_version=13, dynamo=False,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})

    project = os.path.join(work, name + ".strata")
    ic.run_cli(cli, "import", path, "--out", project)
    weights = os.path.join(work, name + ".safetensors")
    assert os.path.exists(weights), "strata-cli import wrote no weights"

    x = np.random.default_rng(5).normal(size=[6] + sample).astype(np.float32)
    with torch.no_grad():
        torch_out = model(torch.from_numpy(x)).numpy()
    want = ic.probabilities(torch_out, activation)
    got = ic.predict(cli, project, weights, x, os.path.join(work, name + ".csv"))
    worst = ic.compare("strata-cli predict after import", got, want, TOLERANCE)

    # It trains: two real steps (forward, backward, update) on random data of its shape.
    ic.run_cli(cli, "profile", project, "--synthetic", "--steps", "2", "--warmup", "0",
               "--batch", "2", "--device", "cpu")

    # And out again: the imported project exports to ONNX that ONNX Runtime runs the same.
    again = os.path.join(work, name + "_again.onnx")
    ic.run_cli(cli, "export", project, "--weights", weights, "--format", "onnx", "--out", again)
    session = ort.InferenceSession(again, providers=["CPUExecutionProvider"])
    out = session.run(None, {session.get_inputs()[0].name: x})[0]
    meta = {p.key: p.value for p in mods["onnx"].load(again).metadata_props}
    ic.compare("ONNX Runtime on the re-export", ic.probabilities(out, meta["output_activation"]),
               want, TOLERANCE)
    return worst


def main():
    args = ic.parse_args(__doc__)
    mods = ic.enter_venv(args.venv, ["numpy", "torch", "torchvision", "onnx", "onnxruntime"])
    mods["torch"].set_num_threads(1)
    mods["torch"].manual_seed(0)
    failures = 0
    cases = models(mods["torch"])
    for name, model, sample, activation in cases:
        start = time.time()
        try:
            worst = check(args.cli, name, model, sample, activation,
                          os.path.join(args.work, name), mods)
            print("ok   %-20s largest difference from PyTorch %.1e (%.1f s)" %
                  (name, worst, time.time() - start))
        except Exception as e:
            failures += 1
            print("FAIL %-20s %s: %s" % (name, type(e).__name__, e))
    print("%d of %d PyTorch models import and agree" % (len(cases) - failures, len(cases)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
