#pragma once
// A network's execution plan for one batch size (see Network): the steps in topological
// order with their kernels and buffers, the loss and the labels. Built by network_plan.cpp,
// run by network.cpp.

#include "backends/device_ops.h"
#include "strata/network.h"

#include <memory>
#include <vector>

namespace strata {

struct Network::Plan
{
    struct Step
    {
        const Node *node = nullptr;
        std::unique_ptr<Kernel> kernel;
        std::vector<int> inputs;       // step index feeding each input port
        std::vector<Tensor *> targets; // where each port's input gradient goes (or null)
        std::vector<Tensor> temps;     // per port, for producers that feed several layers
        Tensor out;
        Tensor grad; // dL/d(out); defined when needsGrad
        bool needsGrad = false;
        int consumers = 0;
        int64_t block = 1; // channel block of out and grad (see LayoutUse)
        // Runs inside its only consumer's kernel (see LayerImpl::absorbsRelu): no kernel, no
        // buffers, skipped in both passes; the consumer reads this step's input instead.
        bool absorbed = false;
        bool inputRelu = false; // this step's kernel applies the ReLU it absorbed
    };
    int64_t batch = 0;
    std::vector<Step> steps;
    std::unique_ptr<LossKernel> loss;
    Tensor labels;
    std::vector<int> delivered; // per step: gradient contributions received this backward
};

} // namespace strata
