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

} // namespace strata::internal
