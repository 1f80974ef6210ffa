#pragma once
// Turns CUDA, cuBLAS and cuDNN status codes into BackendError with a message that says which
// call failed and why. Only host code includes this (the .cu files check launches through
// cudaGetLastError in the backend).

#include "strata/errors.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>

namespace strata::internal {

// Throws BackendError("<what> failed on the GPU: <CUDA's message>") unless status is success.
void checkCuda(cudaError_t status, const char *what);
void checkCublas(cublasStatus_t status, const char *what);
void checkCudnn(cudnnStatus_t status, const char *what);
// Checks the last kernel launch (bad configurations surface here, not at the launch).
void checkLaunch(const char *what);

} // namespace strata::internal
