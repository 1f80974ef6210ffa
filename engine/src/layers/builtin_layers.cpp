#include "layers/builtin_layers.h"

#include "layers/activation/activation.h"
#include "layers/arithmetic/arithmetic.h"
#include "layers/batchnorm/batchnorm.h"
#include "layers/conv2d/conv2d.h"
#include "layers/conv_transpose/conv_transpose.h"
#include "layers/dense/dense.h"
#include "layers/dropout/dropout.h"
#include "layers/flatten/flatten.h"
#include "layers/gelu/gelu.h"
#include "layers/input/input.h"
#include "layers/merge/merge.h"
#include "layers/norm/norm.h"
#include "layers/pooling/pooling.h"
#include "layers/prelu/prelu.h"
#include "layers/reshape/reshape.h"
#include "layers/softmax/softmax.h"
#include "layers/upsample/upsample.h"

namespace strata::internal {

void registerBuiltinLayers(LayerRegistry &registry)
{
    registerInput(registry);
    registerDense(registry);
    registerConv2D(registry);
    registerConvTranspose(registry); // decoders (issue 21)
    registerPooling(registry);
    registerUpsample(registry); // decoders (issue 21)
    registerFlatten(registry);
    registerReshapes(registry); // Reshape, Permute, ChannelShuffle, Slice (issue 21)
    registerActivations(registry);
    registerPRelu(registry);
    registerGelu(registry);
    registerSoftmax(registry);
    registerDropout(registry);
    registerBatchNorm(registry);
    registerNorms(registry); // LayerNorm, GroupNorm
    registerMerge(registry);
    registerArithmetic(registry); // Multiply, Subtract (issue 21)
}

} // namespace strata::internal
