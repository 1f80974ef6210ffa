#pragma once
// Memory, before it is asked for: what training a model needs (from shape inference, with
// nothing allocated), what this process may still use, and the check that refuses a model or
// a dataset that cannot fit with the figures, instead of failing later with std::bad_alloc.

#include "strata/shape_inference.h"

#include <cstdint>
#include <string>

namespace strata {

struct OptimizerSpec;

// Bytes, each part as the engine allocates it in fp32.
struct TrainingMemory
{
    double weights = 0;     // every parameter, trainable or not
    double gradients = 0;   // one per trainable parameter
    double optimizer = 0;   // the optimizer's slots (momentum, Adam's two moments, ...)
    double activations = 0; // each node's output and its gradient for one batch
    double total() const { return weights + gradients + optimizer + activations; }
};

// The estimate for training `analysis`'s graph (which must be ok()) at this batch size.
TrainingMemory estimateTrainingMemory(const GraphAnalysis &analysis, int64_t batchSize,
                                      const OptimizerSpec &optimizer);

// "Training memory at batch size 32: about 106 MB (weights 36 MB, gradients 36 MB, optimizer
// 0 bytes, activations 34 MB)": the line the model summaries end with.
std::string describeTrainingMemory(const TrainingMemory &memory, int64_t batchSize);

// What this process may still allocate: the smallest of the system's available memory
// (MemAvailable), its control group's limit, and $STRATA_MEMORY_LIMIT (bytes, or with a K, M
// or G suffix) when set.
double availableMemory();

// 1536 → "1.5 KB", 4.2e9 → "4.2 GB" (powers of 1024).
std::string formatBytes(double bytes);

// Empty when `bytes` fit in availableMemory(); otherwise the message for the caller to throw
// with its own error type: "<what> needs about 4.2 GB of memory, but only 1.1 GB is
// available; <hint>".
std::string memoryShortfall(double bytes, const std::string &what, const std::string &hint);

} // namespace strata
