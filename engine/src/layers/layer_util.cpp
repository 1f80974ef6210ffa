#include "layers/layer_util.h"

namespace strata::internal {

void requireRank(const Node &node, const Shape &input, size_t rank, const std::string &what,
                 const std::string &fix, QuickFix quickFix)
{
    if (input.size() != rank)
        throw ShapeError(node.id,
                         describe(node) + " needs " + what + " but receives " + toString(input) +
                             ": " + fix,
                         quickFix);
}

} // namespace strata::internal
