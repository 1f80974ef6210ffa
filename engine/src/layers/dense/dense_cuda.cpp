// Dense on cuBLAS. Strata's tensors are row-major and cuBLAS is column-major, so each product
// is written for the transposed matrices: a row-major {N, K} x is cuBLAS's K×N matrix xᵀ, and
// the row-major weight {M, K} is cuBLAS's K×M matrix Wᵀ.
//   forward:  yᵀ (M×N) = W xᵀ  = op_T(Wᵀ) · xᵀ, after yᵀ = b·1ᵀ (rank-1 product with ones)
//   dW:       dWᵀ (K×M) = xᵀ · dy            = xᵀ · op_T(dyᵀ)
//   dx:       dxᵀ (K×N) = Wᵀ · dyᵀ
//   db:       db (M)    = dyᵀ · 1            (a matrix-vector product)

#include "layers/dense/dense.h"

#include "backends/cuda/cuda_backend.h"
#include "backends/cuda/cuda_check.h"

namespace strata::internal {

namespace {

class DenseCuda final : public Kernel
{
public:
    explicit DenseCuda(const KernelSetup &s)
        : cuda_(cudaBackendOf(s)), w_(s.weights[0]), dw_(s.weightGrads[0]),
          hasBias_(s.weights.size() > 1), n_(static_cast<int>(s.inputShapes[0][0])),
          k_(static_cast<int>(w_.dim(1))), m_(static_cast<int>(w_.dim(0)))
    {
        if (hasBias_) {
            b_ = s.weights[1];
            db_ = s.weightGrads[1];
        }
        ones_ = cuda_.ones(n_);
    }

    void forward(const std::vector<const Tensor *> &in, Tensor &out, const RunContext &) override
    {
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        float beta = 0.0f;
        if (hasBias_) {
            checkCublas(cublasSgemm(cuda_.cublas(), CUBLAS_OP_N, CUBLAS_OP_N, m_, n_, 1, &one,
                                    b_.data(), m_, ones_.data(), 1, &zero, out.data(), m_),
                        "Dense bias");
            beta = 1.0f;
        }
        checkCublas(cublasSgemm(cuda_.cublas(), CUBLAS_OP_T, CUBLAS_OP_N, m_, n_, k_, &one,
                                w_.data(), k_, in[0]->data(), k_, &beta, out.data(), m_),
                    "Dense forward");
    }

    void backward(const std::vector<const Tensor *> &in, const Tensor &, const Tensor &gy,
                  const std::vector<Tensor *> &gin, const RunContext &) override
    {
        cuda_.activate();
        const float one = 1.0f, zero = 0.0f;
        checkCublas(cublasSgemm(cuda_.cublas(), CUBLAS_OP_N, CUBLAS_OP_T, k_, m_, n_, &one,
                                in[0]->data(), k_, gy.data(), m_, &zero, dw_.data(), k_),
                    "Dense weight gradient");
        if (hasBias_)
            checkCublas(cublasSgemv(cuda_.cublas(), CUBLAS_OP_N, m_, n_, &one, gy.data(), m_,
                                    ones_.data(), 1, &zero, db_.data(), 1),
                        "Dense bias gradient");
        if (gin[0])
            checkCublas(cublasSgemm(cuda_.cublas(), CUBLAS_OP_N, CUBLAS_OP_N, k_, n_, m_, &one,
                                    w_.data(), k_, gy.data(), m_, &zero, gin[0]->data(), k_),
                        "Dense input gradient");
    }

    std::string implementation() const override { return "cublas sgemm"; }

private:
    CudaBackend &cuda_;
    Tensor w_, dw_, b_, db_;
    bool hasBias_;
    int n_, k_, m_;
    Tensor ones_;
};

} // namespace

std::unique_ptr<Kernel> makeDenseCuda(const KernelSetup &setup)
{
    return std::make_unique<DenseCuda>(setup);
}

} // namespace strata::internal
