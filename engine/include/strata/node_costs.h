#pragma once
// Where a training step's cost lies, node by node, for the canvas: each node's share of the
// step's time and the memory it holds while training. Measured from a profile (strata/
// profile.h) once a run has been profiled; before that, estimated from shape inference alone
// (FLOPs and bytes, nothing compiled or run), so a user sees the heavy layers while designing.

#include "strata/profile.h"
#include "strata/shape_inference.h"

#include <cstdint>
#include <string>
#include <vector>

namespace strata {

struct OptimizerSpec;

struct NodeCost
{
    std::string id;
    double share = 0;            // of a training step's time, 0..1
    double bytes = 0;            // held while training at the batch size
    bool measured = false;       // from a profile; false: estimated
    double ms = 0;               // measured time per step (0 for an estimate)
    bool insideConsumer = false; // runs inside the next layer's kernel (measured only)
};

// The machine balance the estimate assumes: FLOPs a core does in the time it moves one byte
// (about 400 GFLOP/s of fp32 against 40 GB/s on the 2-core machines Strata is measured on).
inline constexpr double kEstimateFlopsPerByte = 10;

// A node's FLOPs in one training step at a batch size: its forward FLOPs (from shape
// inference) plus the backward pass at twice those for a layer with weights, once for one
// without; none for the graph's Input. The one home of this rule: the estimate below and
// strata-bench's achieved GFLOP/s use it. The second form adds up every node inference accepted.
double trainingFlops(const NodeAnalysis &node, bool isInput, int64_t batchSize);
double trainingFlops(const GraphAnalysis &analysis, int64_t batchSize);

// Before any run, for every node shape inference accepted (others are left out): time as
// training FLOPs (the forward pass, and the backward pass at twice the forward's for a layer
// with weights, once for one without) plus the bytes the step moves (inputs and outputs forward
// and backward, weights read twice and updated with the optimizer's state) at
// kEstimateFlopsPerByte; memory as estimateTrainingMemory counts it, so the nodes' bytes add up
// to its total. The shares add up to 1.
std::vector<NodeCost> estimateNodeCosts(const GraphAnalysis &analysis, int64_t batchSize,
                                        const OptimizerSpec &optimizer);

// From a profile: each node's time per step over the step's (the shares add up to the nodes'
// part of the step, a little under 1), and the bytes it held.
std::vector<NodeCost> measuredNodeCosts(const ProfileReport &report);

} // namespace strata
