// Error checks for the CUDA K-means code: throw tailor::Error naming the call, file and line; a
// no-throw variant for destructors. (Own names, so they never clash with other CUDA helpers.)
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdio>

#include "core/common/error.h"

#define KMEANS_CUDA_CHECK(call)                                                                 \
  do {                                                                                          \
    cudaError_t kmeans_err_ = (call);                                                           \
    TAILOR_CHECK(kmeans_err_ == cudaSuccess,                                                    \
                 "CUDA error " << cudaGetErrorName(kmeans_err_) << " (" << cudaGetErrorString(kmeans_err_) \
                               << ") in " #call);                                               \
  } while (0)

#define KMEANS_CUBLAS_CHECK(call)                                                          \
  do {                                                                                     \
    cublasStatus_t kmeans_st_ = (call);                                                    \
    TAILOR_CHECK(kmeans_st_ == CUBLAS_STATUS_SUCCESS,                                      \
                 "cuBLAS error " << int(kmeans_st_) << " in " #call);                      \
  } while (0)

/// Checks the last kernel launch (bad configuration) without synchronising.
#define KMEANS_CUDA_CHECK_LAUNCH() KMEANS_CUDA_CHECK(cudaGetLastError())

/// For destructors: reports a failure on stderr instead of throwing.
#define KMEANS_CUDA_CHECK_NO_THROW(call)                                                  \
  do {                                                                                    \
    cudaError_t kmeans_err_ = (call);                                                     \
    if (kmeans_err_ != cudaSuccess)                                                       \
      std::fprintf(stderr, "CUDA error %s in %s [%s:%d]\n", cudaGetErrorName(kmeans_err_), \
                   #call, __FILE__, __LINE__);                                            \
  } while (0)
