// Upsample as code: PyTorch's nn.Upsample and Keras' UpSampling2D. For whole factors both
// read the pixels Strata reads: nearest repeats each pixel, and Keras' bilinear resizing
// uses half-pixel centres, as PyTorch does with align_corners=False.

#include "codegen/python_text.h"
#include "layers/layer_util.h"
#include "layers/upsample/upsample.h"

namespace strata::internal {

LayerCode upsampleCode(const CodeContext &c)
{
    const UpsampleSpec s = upsampleSpec(c.params);
    const std::string mode = s.bilinear ? "bilinear" : "nearest";
    TorchCode torch;
    std::string factor = pyInt(s.scaleH) + ".0";
    if (s.scaleW != s.scaleH) {
        factor.insert(0, 1, '(');
        factor.append(", ").append(pyInt(s.scaleW)).append(".0)");
    }
    torch.module = "nn.Upsample(scale_factor=" + factor + ", mode=" + pyString(mode) +
                   (s.bilinear ? ", align_corners=False" : "") + ")";
    torch.forward = "self." + c.attr + "(" + c.inputVars[0] + ")";
    KerasCode keras;
    keras.layers.push_back("layers.UpSampling2D(" + pyTuple({s.scaleH, s.scaleW}) +
                           ", interpolation=" + pyString(mode) + ", name=" + pyString(c.attr) +
                           ")");
    return LayerCode{torch, keras};
}

} // namespace strata::internal
