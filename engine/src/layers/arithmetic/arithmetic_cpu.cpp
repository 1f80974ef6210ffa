// Multiply and Subtract on oneDNN's binary primitive, built once per network: the inputs seen
// as {outer, inner} matrices, a per-channel input as {outer, 1}, which oneDNN broadcasts.
// oneDNN broadcasts only its second source, so a per-channel in0 is passed second: for a
// product the order does not matter, and a − b is computed as −(b − a) with a linear post-op.
// The backward pass is Strata's own loop (arithmeticBackward).

#include "layers/arithmetic/arithmetic.h"

#include "backends/cpu/cpu_backend.h"

namespace strata::internal {

namespace {

using namespace dnnl;

class ArithmeticCpu final : public Kernel
{
public:
    explicit ArithmeticCpu(const KernelSetup &s)
        : cpu_(cpuBackendOf(s)), op_(arithmeticOpOf(s.node)), layout_(s.inputShapes, s.outputShape),
          swapped_(layout_.perChannel[0])
    {
        const auto desc = [&](int port) {
            return memory::desc({layout_.outer, layout_.perChannel[port] ? 1 : layout_.inner},
                                memory::data_type::f32, memory::format_tag::ab);
        };
        const memory::desc src0 = desc(swapped_ ? 1 : 0), src1 = desc(swapped_ ? 0 : 1);
        const memory::desc dst({layout_.outer, layout_.inner}, memory::data_type::f32,
                               memory::format_tag::ab);
        const bool multiply = op_ == ArithmeticOp::Multiply;
        primitive_attr attr;
        if (swapped_ && !multiply) { // b − a, negated
            post_ops negate;
            negate.append_eltwise(1.f, algorithm::eltwise_linear, -1.f, 0.f);
            attr.set_post_ops(negate);
        }
        const binary::desc d(multiply ? algorithm::binary_mul : algorithm::binary_sub, src0, src1,
                             dst);
        const binary::primitive_desc pd(d, attr, cpu_.engine());
        forwardName_ = pd.impl_info_str();
        prim_ = binary(pd);
        src0Mem_ = memory(src0, cpu_.engine(), nullptr);
        src1Mem_ = memory(src1, cpu_.engine(), nullptr);
        dstMem_ = memory(dst, cpu_.engine(), nullptr);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        src0Mem_.set_data_handle(const_cast<float *>(in[swapped_ ? 1 : 0]->data()));
        src1Mem_.set_data_handle(const_cast<float *>(in[swapped_ ? 0 : 1]->data()));
        dstMem_.set_data_handle(out.data());
        prim_.execute(
            cpu_.stream(),
            {{DNNL_ARG_SRC_0, src0Mem_}, {DNNL_ARG_SRC_1, src1Mem_}, {DNNL_ARG_DST, dstMem_}});
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        arithmeticBackward(op_, layout_, in, gy, gin);
    }

    std::string implementation() const override
    {
        return implementationNames({{"fwd", forwardName_}, {"bwd", "strata"}});
    }

private:
    CpuBackend &cpu_;
    ArithmeticOp op_;
    ArithmeticLayout layout_;
    bool swapped_; // in0 is the broadcast one, so it goes second
    primitive prim_;
    memory src0Mem_, src1Mem_, dstMem_;
    std::string forwardName_;
};

} // namespace

std::unique_ptr<Kernel> makeArithmeticCpu(const KernelSetup &setup)
{
    return std::make_unique<ArithmeticCpu>(setup);
}

} // namespace strata::internal
