# Every dependency of tailor, found once here. Debian 12 packages: see scripts/setup.sh.
# On the GPU machine scripts/gpu_build.sh points CMAKE_PREFIX_PATH at unpacked .deb files and at
# PyTorch's LibTorch.
find_package(Torch REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(OpenMP REQUIRED COMPONENTS CXX)
set(BLA_VENDOR OpenBLAS)
find_package(BLAS)
if(NOT BLAS_FOUND)
  unset(BLA_VENDOR)
  find_package(BLAS REQUIRED)
endif()
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(LibLZMA REQUIRED)
find_package(ZLIB REQUIRED)
find_package(GTest REQUIRED)
find_package(Threads REQUIRED)

# cblas.h location (Debian puts OpenBLAS's under /usr/include/<triplet>/openblas-pthread).
find_path(TAILOR_CBLAS_INCLUDE_DIR cblas.h
  PATH_SUFFIXES openblas-pthread openblas x86_64-linux-gnu/openblas-pthread)

# SentencePiece is linked only into the tailor_spm module (see core/text/), never into a process
# that also loads LibTorch's protobuf.
find_library(SENTENCEPIECE_LIBRARY NAMES sentencepiece REQUIRED)
find_library(SENTENCEPIECE_TRAIN_LIBRARY NAMES sentencepiece_train REQUIRED)
find_path(SENTENCEPIECE_INCLUDE_DIR sentencepiece_processor.h REQUIRED)

# yaml-cpp's Debian config names its target yaml-cpp; newer ones yaml-cpp::yaml-cpp.
if(TARGET yaml-cpp::yaml-cpp)
  set(TAILOR_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(TAILOR_YAML_TARGET yaml-cpp)
endif()
