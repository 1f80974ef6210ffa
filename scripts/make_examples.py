#!/usr/bin/env python3
"""Writes the example projects in projects/ (run it after changing a model here).

Each model is the tutorial's, layer for layer; `strata-cli summary` must report the
parameter counts Keras and PyTorch report for the same model (checked by
tests/engine/test_examples.cpp)."""
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "projects"
FASHION = "/usr/share/datasets/fashion-mnist/"


def chain(layers):
    """layers: (id, type, params) in order; links each to the next."""
    nodes = [{"id": i, "type": t, "name": i, "params": p} for i, t, p in layers]
    edges = [{"from": f"{a[0]}.out", "to": f"{b[0]}.in"} for a, b in zip(layers, layers[1:])]
    return {"nodes": nodes, "edges": edges}


def layout(model):
    """A top-to-bottom column, so the studio opens the examples tidy."""
    return {"positions": {n["id"]: [0, 110 * k] for k, n in enumerate(model["nodes"])}}


def project(name, description, model, dataset, training):
    return {"format_version": 1, "name": name, "description": description, "model": model,
            "dataset": dataset, "training": training, "ui": layout(model)}


def write(filename, p):
    (OUT / filename).write_text(json.dumps(p, indent=2) + "\n")


def conv(i, filters, k, **extra):
    return (i, "Conv2D", {"filters": filters, "kernel": k, **extra})


def dense(i, units):
    return (i, "Dense", {"units": units})


def act(i, kind):
    return (i, kind, {})


def pool(i, size=2, kind="MaxPool2D"):
    return (i, kind, {"pool": size})


def sgd(lr, momentum=0.0):
    return {"type": "sgd", "lr": lr, "momentum": momentum}


def adam(lr=0.001):
    return {"type": "adam", "lr": lr}


write("or_gate.strata", project(
    "OR gate",
    "The classic first network: 2 inputs, one sigmoid hidden layer, 1 output. Trained on the "
    "truth table's first three rows, then asked for (1, 1).",
    chain([("x", "Input", {"features": 2}), dense("hidden", 2), act("hidden_sigmoid", "Sigmoid"),
           dense("out", 1), act("out_sigmoid", "Sigmoid")]),
    {"kind": "builtin", "name": "or", "limit": 3},
    {"epochs": 500, "batch_size": 3, "loss": "binary_cross_entropy", "optimizer": adam(0.1),
     "shuffle": False, "seed": 1}))

write("xor.strata", project(
    "XOR (classroom)",
    "XOR cannot be separated by one line: a hidden layer of 4 tanh units learns it in a second.",
    chain([("x", "Input", {"features": 2}), dense("hidden", 4), act("tanh", "Tanh"),
           dense("out", 1), act("sigmoid", "Sigmoid")]),
    {"kind": "builtin", "name": "xor"},
    {"epochs": 300, "batch_size": 4, "loss": "binary_cross_entropy", "optimizer": adam(0.05),
     "seed": 3}))

write("spirals.strata", project(
    "Two spirals (classroom)",
    "Two interleaved spirals, as in TensorFlow Playground: two ReLU layers of 32 units bend "
    "the boundary around them. Trains in seconds.",
    chain([("x", "Input", {"features": 2}), dense("fc1", 32), act("relu1", "ReLU"),
           dense("fc2", 32), act("relu2", "ReLU"), dense("fc3", 2), act("softmax", "Softmax")]),
    {"kind": "builtin", "name": "spirals", "samples": 1000, "noise": 0.05, "seed": 7},
    {"epochs": 200, "batch_size": 32, "loss": "cross_entropy", "optimizer": adam(0.01),
     "validation_split": 0.2, "seed": 11}))

write("keras_mlp_dummy.strata", project(
    "Keras MLP on dummy data",
    "The Keras Sequential guide's MLP: Dense 32→64 ReLU→10 softmax on random dummy data "
    "(32 features, 10 classes), Adam, batch 32, 10 epochs.",
    chain([("x", "Input", {"features": 32}), dense("dense", 64), act("relu", "ReLU"),
           dense("dense_1", 10), act("softmax", "Softmax")]),
    {"kind": "builtin", "name": "dummy", "samples": 1000, "features": 32, "classes": 10,
     "seed": 1},
    {"epochs": 10, "batch_size": 32, "loss": "cross_entropy", "optimizer": adam(), "seed": 1}))

fashion = {"kind": "idx", "train_images": FASHION + "train-images-idx3-ubyte.gz",
           "train_labels": FASHION + "train-labels-idx1-ubyte.gz",
           "test_images": FASHION + "t10k-images-idx3-ubyte.gz",
           "test_labels": FASHION + "t10k-labels-idx1-ubyte.gz", "normalization": "scale"}

write("keras_mnist_cnn.strata", project(
    "Keras MNIST CNN on Fashion-MNIST",
    "The Keras MNIST CNN (Conv 32 3×3, Conv 64 3×3, MaxPool 2, Dense 1024, Dense 10) trained "
    "with SGD 0.01 for 5 epochs, validation split 0.3, on Fashion-MNIST.",
    chain([("input", "Input", {"channels": 1, "height": 28, "width": 28}),
           conv("conv2d", 32, 3), act("relu", "ReLU"), conv("conv2d_1", 64, 3),
           act("relu_1", "ReLU"), pool("max_pooling2d"), ("flatten", "Flatten", {}),
           dense("dense", 1024), act("relu_2", "ReLU"), dense("dense_1", 10),
           act("softmax", "Softmax")]),
    fashion,
    {"epochs": 5, "batch_size": 32, "loss": "cross_entropy", "optimizer": sgd(0.01),
     "validation_split": 0.3, "seed": 1}))

cifar = {"kind": "cifar10",
         "train_files": [f"data/cifar-10-batches-bin/data_batch_{i}.bin" for i in range(1, 6)],
         "test_file": "data/cifar-10-batches-bin/test_batch.bin", "normalization": "scale"}

write("keras_cifar10_cnn.strata", project(
    "Keras CIFAR-10 CNN",
    "TensorFlow's CIFAR-10 tutorial CNN: Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10, Adam, "
    "batch 64, 10 epochs. Needs the CIFAR-10 binary batches in projects/data/.",
    chain([("input", "Input", {"channels": 3, "height": 32, "width": 32}),
           conv("conv2d", 32, 3), act("relu", "ReLU"), pool("max_pooling2d"),
           conv("conv2d_1", 64, 3), act("relu_1", "ReLU"), pool("max_pooling2d_1"),
           conv("conv2d_2", 64, 3), act("relu_2", "ReLU"), ("flatten", "Flatten", {}),
           dense("dense", 64), act("relu_3", "ReLU"), dense("dense_1", 10)]),
    cifar,
    {"epochs": 10, "batch_size": 64, "loss": "cross_entropy", "optimizer": adam(), "seed": 1}))

write("pytorch_cifar10_lenet.strata", project(
    "PyTorch CIFAR-10 LeNet",
    "The PyTorch 60-minute blitz classifier: conv 6@5×5, conv 16@5×5, fc 120, 84, 10; SGD lr "
    "0.001 momentum 0.9, batch 4. Needs the CIFAR-10 binary batches in projects/data/.",
    chain([("input", "Input", {"channels": 3, "height": 32, "width": 32}),
           conv("conv1", 6, 5), act("relu1", "ReLU"), pool("pool1"),
           conv("conv2", 16, 5), act("relu2", "ReLU"), pool("pool2"),
           ("flatten", "Flatten", {}), dense("fc1", 120), act("relu3", "ReLU"),
           dense("fc2", 84), act("relu4", "ReLU"), dense("fc3", 10)]),
    cifar,
    {"epochs": 2, "batch_size": 4, "loss": "cross_entropy", "optimizer": sgd(0.001, 0.9),
     "init": "pytorch", "seed": 1}))

write("shapes_folder.strata", project(
    "Shapes from a folder of pictures (classroom)",
    "Circles, squares and triangles drawn as 32×32 grayscale PNG files, one folder per class "
    "(data/shapes, made by scripts/make_shapes.py): a small CNN learns to tell them apart in "
    "seconds. Put your own pictures in class folders the same way to train on them.",
    chain([("input", "Input", {"channels": 1, "height": 32, "width": 32}),
           conv("conv1", 16, 3), act("relu1", "ReLU"), pool("pool1"),
           conv("conv2", 32, 3), act("relu2", "ReLU"), pool("pool2"),
           ("flatten", "Flatten", {}), dense("fc1", 64), act("relu3", "ReLU"),
           dense("fc2", 3), act("softmax", "Softmax")]),
    {"kind": "image_folder", "train_folder": "data/shapes/train",
     "test_folder": "data/shapes/test", "image_size": [32, 32], "color": "grayscale",
     "normalization": "scale"},
    {"epochs": 30, "batch_size": 32, "loss": "cross_entropy", "optimizer": adam(0.002),
     "validation_split": 0.1, "seed": 1}))
