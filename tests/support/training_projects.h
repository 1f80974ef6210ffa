#pragma once
// Small projects on generated data that train in a test's time: the classroom OR gate (done
// in milliseconds) and two spirals (long enough to pause, change the learning rate and stop).

#include "strata/project.h"

#include <string>
#include <vector>

namespace strata::test {

// Adds nodes to p, each linked to the one before.
inline void chain(Project &p, const std::vector<Node> &nodes)
{
    std::string previous;
    for (const Node &n : nodes) {
        const std::string id = p.graph.addNode(n);
        if (!previous.empty())
            p.graph.connect({{previous, 0}, {id, 0}});
        previous = id;
    }
}

// The classroom OR gate, built in code: 2 → Dense 2 → Sigmoid → Dense 1 → Sigmoid, trained on
// the truth table's first three rows in one batch (one batch per epoch).
inline Project orGate(int epochs)
{
    Project p;
    p.name = "OR gate";
    chain(p, {{"x", "Input", "x", {{"features", 2}}},
              {"hidden", "Dense", "hidden", {{"units", 2}}},
              {"hidden_sigmoid", "Sigmoid", "hidden_sigmoid", {}},
              {"out", "Dense", "out", {{"units", 1}}},
              {"out_sigmoid", "Sigmoid", "out_sigmoid", {}}});
    p.dataset.kind = "builtin";
    p.dataset.name = "or";
    p.dataset.limit = 3;
    p.training.epochs = epochs;
    p.training.batchSize = 3;
    p.training.loss = "binary_cross_entropy";
    p.training.optimizer.type = "adam";
    p.training.optimizer.lr = 0.1;
    p.training.shuffle = false;
    p.training.seed = 1;
    return p;
}

// Two spirals (as the example) with a validation split 0.2 of 600 points, batch 8.
inline Project spirals(int epochs)
{
    Project p;
    p.name = "Spirals";
    chain(p, {{"x", "Input", "x", {{"features", 2}}},
              {"h1", "Dense", "h1", {{"units", 32}}},
              {"r1", "ReLU", "r1", {}},
              {"h2", "Dense", "h2", {{"units", 32}}},
              {"r2", "ReLU", "r2", {}},
              {"out", "Dense", "out", {{"units", 2}}},
              {"softmax", "Softmax", "softmax", {}}});
    p.dataset.kind = "builtin";
    p.dataset.name = "spirals";
    p.dataset.samples = 600;
    p.dataset.noise = 0.05;
    p.training.epochs = epochs;
    p.training.batchSize = 8;
    p.training.loss = "cross_entropy";
    p.training.optimizer.type = "adam";
    p.training.optimizer.lr = 0.01;
    p.training.validationSplit = 0.2;
    return p;
}

} // namespace strata::test
