#pragma once
// Every built-in layer type registers itself here, in palette order. Adding a layer type
// means adding its folder and one line in builtin_layers.cpp.

#include "strata/layer.h"

namespace strata::internal {

void registerBuiltinLayers(LayerRegistry &registry);

void registerInput(LayerRegistry &registry);
void registerDense(LayerRegistry &registry);
void registerConv2D(LayerRegistry &registry);
void registerPooling(LayerRegistry &registry); // MaxPool2D, AvgPool2D, GlobalAvgPool2D
void registerFlatten(LayerRegistry &registry);
void registerActivations(LayerRegistry &registry); // ReLU, LeakyReLU, Sigmoid, Tanh
void registerSoftmax(LayerRegistry &registry);
void registerDropout(LayerRegistry &registry);
void registerBatchNorm(LayerRegistry &registry);
void registerMerge(LayerRegistry &registry); // Add, Concat

// Code-export hooks (LayerType::code), each next to its family's registration in
// layers/<family>/<family>_code.cpp. The families of several types switch on node.type.
LayerCode inputCode(const CodeContext &context);
LayerCode denseCode(const CodeContext &context);
LayerCode conv2DCode(const CodeContext &context);
LayerCode poolingCode(const CodeContext &context); // MaxPool2D, AvgPool2D, GlobalAvgPool2D
LayerCode flattenCode(const CodeContext &context);
LayerCode activationCode(const CodeContext &context); // ReLU, LeakyReLU, Sigmoid, Tanh
LayerCode softmaxCode(const CodeContext &context);
LayerCode dropoutCode(const CodeContext &context);
LayerCode batchNormCode(const CodeContext &context);
LayerCode mergeCode(const CodeContext &context); // Add, Concat

} // namespace strata::internal
