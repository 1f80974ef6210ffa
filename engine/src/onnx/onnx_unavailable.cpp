// Stands in for the ONNX writer and reader when the engine is built without libonnx-dev and
// libprotobuf-dev (see the top CMakeLists.txt).

#include "strata/errors.h"
#include "strata/export.h"

namespace strata {

namespace {
const char *kMissing = "This build of Strata has no ONNX support: install libonnx-dev and "
                       "libprotobuf-dev (scripts/setup.sh) and build again";
}

ExportReport exportOnnx(const Project &, const WeightsFile &, const std::string &)
{
    throw Error(kMissing);
}

ImportResult importOnnx(const std::string &path)
{
    throw ImportError(path + ": " + kMissing);
}

} // namespace strata
