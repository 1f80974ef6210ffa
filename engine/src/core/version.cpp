#include "strata/version.h"

namespace strata {

const char *version()
{
    return STRATA_VERSION;
}

} // namespace strata
