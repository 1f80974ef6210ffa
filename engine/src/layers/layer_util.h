#pragma once
// Small helpers shared by layer definitions and kernels.

#include "strata/layer.h"

#include <cstring>

namespace strata::internal {

inline int64_t intOf(const nlohmann::json &params, const char *name)
{
    return params.at(name).get<int64_t>();
}
inline double floatOf(const nlohmann::json &params, const char *name)
{
    return params.at(name).get<double>();
}
inline bool boolOf(const nlohmann::json &params, const char *name)
{
    return params.at(name).get<bool>();
}
inline std::string choiceOf(const nlohmann::json &params, const char *name)
{
    return params.at(name).get<std::string>();
}

// Throws ShapeError unless the input has the given rank (batch excluded); `what` names the
// kind of input expected and `fix` says how to get one (quickFix: the studio's repair for it).
void requireRank(const Node &node, const Shape &input, size_t rank, const std::string &what,
                 const std::string &fix, QuickFix quickFix = QuickFix::None);

inline void copyTensor(const Tensor &from, Tensor &to)
{
    std::memcpy(to.data(), from.data(), sizeof(float) * static_cast<size_t>(from.numel()));
}

} // namespace strata::internal
