// The precisions by name.

#include "strata/precision.h"

#include "io/json_text.h"
#include "strata/errors.h"

namespace strata {

std::string toString(Precision precision)
{
    return precision == Precision::Bf16 ? "bf16" : "fp32";
}

std::vector<std::string> precisionNames()
{
    return {"fp32", "bf16"};
}

Precision parsePrecision(const std::string &text)
{
    for (Precision p : {Precision::Fp32, Precision::Bf16})
        if (toString(p) == text)
            return p;
    throw Error("Unknown precision " + internal::briefQuote(text) + ": choose fp32 or bf16");
}

} // namespace strata
