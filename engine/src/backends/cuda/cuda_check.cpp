#include "backends/cuda/cuda_check.h"

namespace strata::internal {

void checkCuda(cudaError_t status, const char *what)
{
    if (status == cudaSuccess)
        return;
    cudaGetLastError(); // clears a non-sticky error so the next call starts clean
    throw BackendError(std::string(what) + " failed on the GPU: " + cudaGetErrorString(status) +
                       " (" + cudaGetErrorName(status) + ")");
}

void checkCublas(cublasStatus_t status, const char *what)
{
    if (status != CUBLAS_STATUS_SUCCESS)
        throw BackendError(std::string(what) +
                           " failed in cuBLAS: " + cublasGetStatusString(status));
}

void checkCudnn(cudnnStatus_t status, const char *what)
{
    if (status != CUDNN_STATUS_SUCCESS)
        throw BackendError(std::string(what) + " failed in cuDNN: " + cudnnGetErrorString(status));
}

void checkLaunch(const char *what)
{
    checkCuda(cudaGetLastError(), what);
}

} // namespace strata::internal
