// Error checks for CUDA runtime and cuBLAS calls: throw tailor::Error naming the call, file and
// line; a no-throw variant for destructors prints to stderr instead.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdio>

#include "core/common/error.h"

/// Throws tailor::Error when a CUDA runtime call does not return cudaSuccess.
#define TAILOR_CUDA_CHECK(call)                                                               \
  do {                                                                                        \
    cudaError_t tailor_cuda_err_ = (call);                                                    \
    if (tailor_cuda_err_ != cudaSuccess) {                                                    \
      ::tailor::detail::throw_error(                                                          \
          __FILE__, __LINE__,                                                                 \
          std::string("CUDA error ") + cudaGetErrorName(tailor_cuda_err_) + " (" +            \
              cudaGetErrorString(tailor_cuda_err_) + ") in " #call);                          \
    }                                                                                         \
  } while (0)

/// Throws tailor::Error when a cuBLAS call does not return CUBLAS_STATUS_SUCCESS.
#define TAILOR_CUBLAS_CHECK(call)                                                             \
  do {                                                                                        \
    cublasStatus_t tailor_cublas_st_ = (call);                                                \
    if (tailor_cublas_st_ != CUBLAS_STATUS_SUCCESS) {                                         \
      ::tailor::detail::throw_error(__FILE__, __LINE__,                                       \
                                    std::string("cuBLAS error ") +                            \
                                        cublasGetStatusName(tailor_cublas_st_) + " (" +       \
                                        cublasGetStatusString(tailor_cublas_st_) + ") in " #call); \
    }                                                                                         \
  } while (0)

/// For destructors: reports a failed CUDA call on stderr and carries on.
#define TAILOR_CUDA_CHECK_NO_THROW(call)                                                      \
  do {                                                                                        \
    cudaError_t tailor_cuda_err_ = (call);                                                    \
    if (tailor_cuda_err_ != cudaSuccess) {                                                    \
      std::fprintf(stderr, "CUDA error %s (%s) in %s [%s:%d]\n", cudaGetErrorName(tailor_cuda_err_), \
                   cudaGetErrorString(tailor_cuda_err_), #call, __FILE__, __LINE__);          \
    }                                                                                         \
  } while (0)
