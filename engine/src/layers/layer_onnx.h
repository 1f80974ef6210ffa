#pragma once
// Each layer family's ONNX mapping (in <family>/<family>_onnx.cpp), set as LayerType::onnx
// by the family's registration. Opset 13; see onnx/onnx_context.h.

#include "onnx/onnx_context.h"

namespace strata::internal {

void inputToOnnx(OnnxContext &ctx);      // the graph input, dynamic batch
void denseToOnnx(OnnxContext &ctx);      // Gemm, transB = 1
void conv2DToOnnx(OnnxContext &ctx);     // Conv with kernel_shape and explicit pads
void poolToOnnx(OnnxContext &ctx);       // MaxPool2D, AvgPool2D
void globalPoolToOnnx(OnnxContext &ctx); // GlobalAveragePool + Flatten
void flattenToOnnx(OnnxContext &ctx);
void activationToOnnx(OnnxContext &ctx); // ReLU, LeakyReLU, Sigmoid, Tanh
void softmaxToOnnx(OnnxContext &ctx);
void dropoutToOnnx(OnnxContext &ctx); // left out: identity at inference
void batchNormToOnnx(OnnxContext &ctx);
void addToOnnx(OnnxContext &ctx);
void concatToOnnx(OnnxContext &ctx);

} // namespace strata::internal
