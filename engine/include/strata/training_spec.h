#pragma once
// What a project says about training besides epochs and batches: the loss, the optimizer and
// the learning-rate schedule, with the JSON forms they take in a project's training section.
// The Optimizer and LrSchedule that carry them out are engine internals.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strata {

enum class LossKind { CrossEntropy, BinaryCrossEntropy, MeanSquaredError };

// "cross_entropy", "binary_cross_entropy", "mse"; parse throws Error listing the choices.
std::string toString(LossKind kind);
LossKind parseLossKind(const std::string &text);

// True when a model whose output layer has this type computes that activation together with
// the loss: Softmax under cross-entropy, Sigmoid under binary cross-entropy. The output then
// holds probabilities, the loss differentiates the pair stably in one step, and nothing is
// applied to the output to get class probabilities. The one home of this rule: the network,
// the code generators and ONNX export and import all ask it.
bool outputFusedWithLoss(LossKind loss, const std::string &outputType);

// What evaluating a loss adds up over batches.
struct LossTotals
{
    double lossSum = 0; // summed over samples
    int64_t correct = 0;
    int64_t count = 0;
};

struct OptimizerSpec
{
    std::string type = "adam"; // "sgd", "adam", "adamw", "rmsprop"
    double lr = 0.001;
    double momentum = 0;    // sgd, rmsprop
    double weightDecay = 0; // L2 added to the gradient; decoupled for adamw
    double beta1 = 0.9, beta2 = 0.999;
    double eps = 1e-7;     // the Keras default; PyTorch's is 1e-8
    double rho = 0.9;      // rmsprop's smoothing constant (PyTorch's alpha)
    bool nesterov = false; // sgd; needs momentum > 0
};

// The optimizer types, in the order a user is offered them.
std::vector<std::string> optimizerTypes();

// Throws ProjectError("", jsonPath + "/<field>", "expected ... but found ...") for an unknown
// type, lr <= 0, momentum, betas or rho outside [0, 1), eps <= 0, weight decay < 0, or
// nesterov without momentum.
void validate(const OptimizerSpec &spec, const std::string &jsonPath);
// Keys: type, lr, momentum, weight_decay, beta1, beta2, eps, rho, nesterov. Missing keys keep
// their defaults; unknown keys and wrong types are refused with the JSON path.
OptimizerSpec optimizerSpecFromJson(const nlohmann::json &j, const std::string &jsonPath);
nlohmann::json toJson(const OptimizerSpec &spec);

struct ScheduleSpec
{
    std::string type = "constant"; // "constant", "step", "cosine", "plateau"
    int stepSize = 10;             // step: epochs between decays
    double gamma = 0.1;            // step: decay factor
    int tMax = 0;                  // cosine: period in epochs (0: the run's total epochs)
    double minLr = 0;              // cosine: the floor of the curve; plateau: the lowest LR
    int patience = 5;              // plateau: epochs without improvement before a reduction
    double factor = 0.1;           // plateau: reduction factor
};

// The schedule types, in the order a user is offered them.
std::vector<std::string> scheduleTypes();

// Throws ProjectError("", jsonPath + "/<field>", ...) for an unknown type, step_size < 1,
// gamma <= 0, t_max < 0, min_lr < 0, patience < 0 or factor outside (0, 1).
void validate(const ScheduleSpec &spec, const std::string &jsonPath);
// Keys: type, step_size, gamma, t_max, min_lr, patience, factor (missing keys keep defaults).
ScheduleSpec scheduleSpecFromJson(const nlohmann::json &j, const std::string &jsonPath);
nlohmann::json toJson(const ScheduleSpec &spec);

} // namespace strata
