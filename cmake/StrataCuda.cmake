# Decides whether the CUDA backend is built. STRATA_WITH_CUDA:
#   AUTO (default): build it when nvcc, cuDNN and cuBLAS are all found, else stay CPU-only;
#   ON: require them (configuration fails, naming what is missing);
#   OFF: never build it.
# Sets STRATA_CUDA_ENABLED (TRUE/FALSE) and STRATA_CUDA_MISSING (why it is off, in words, for
# the device list) and, when enabled, the imported target strata::cudnn.

set(STRATA_WITH_CUDA AUTO CACHE STRING "Build the CUDA backend: AUTO, ON or OFF")
set_property(CACHE STRATA_WITH_CUDA PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${STRATA_WITH_CUDA}" _strata_cuda_mode)

set(STRATA_CUDA_ENABLED FALSE)
set(STRATA_CUDA_MISSING "")

if(_strata_cuda_mode STREQUAL "OFF" OR _strata_cuda_mode STREQUAL "FALSE"
   OR _strata_cuda_mode STREQUAL "0" OR _strata_cuda_mode STREQUAL "NO")
  set(STRATA_CUDA_MISSING "configured with STRATA_WITH_CUDA=OFF")
else()
  # nvcc is often not on PATH; look where NVIDIA's installers put it.
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
    find_program(STRATA_NVCC nvcc HINTS ENV CUDA_PATH ENV CUDA_HOME PATH_SUFFIXES bin
                 PATHS /usr/local/cuda/bin /opt/cuda/bin)
    if(STRATA_NVCC)
      set(CMAKE_CUDA_COMPILER "${STRATA_NVCC}")
    endif()
  endif()
  if(NOT CMAKE_CUDA_HOST_COMPILER)
    set(CMAKE_CUDA_HOST_COMPILER "${CMAKE_CXX_COMPILER}")
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(NOT CMAKE_CUDA_COMPILER)
    set(STRATA_CUDA_MISSING "the CUDA compiler nvcc was not found")
  else()
    find_package(CUDAToolkit QUIET)
    if(NOT CUDAToolkit_FOUND OR NOT TARGET CUDA::cublas OR NOT TARGET CUDA::cudart_static)
      set(STRATA_CUDA_MISSING "cuBLAS or the static CUDA runtime was not found")
    else()
      find_path(STRATA_CUDNN_INCLUDE cudnn.h
                HINTS ${CUDAToolkit_INCLUDE_DIRS} ENV CUDNN_PATH PATH_SUFFIXES include)
      find_library(STRATA_CUDNN_LIBRARY cudnn
                   HINTS ${CUDAToolkit_LIBRARY_DIR} ENV CUDNN_PATH PATH_SUFFIXES lib64 lib)
      if(NOT STRATA_CUDNN_INCLUDE OR NOT STRATA_CUDNN_LIBRARY)
        set(STRATA_CUDA_MISSING "cuDNN (cudnn.h and libcudnn) was not found")
      else()
        file(STRINGS "${STRATA_CUDNN_INCLUDE}/cudnn_version.h" _strata_cudnn_major
             REGEX "^#define CUDNN_MAJOR [0-9]+")
        string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _strata_cudnn_major "${_strata_cudnn_major}")
        if(NOT _strata_cudnn_major OR _strata_cudnn_major LESS 9)
          set(STRATA_CUDA_MISSING "cuDNN 9 or newer is needed (found ${_strata_cudnn_major})")
        else()
          set(STRATA_CUDA_ENABLED TRUE)
        endif()
      endif()
    endif()
  endif()
  if(NOT STRATA_CUDA_ENABLED AND _strata_cuda_mode STREQUAL "ON")
    message(FATAL_ERROR "STRATA_WITH_CUDA=ON but ${STRATA_CUDA_MISSING}. Install the CUDA "
                        "toolkit with cuDNN 9 and cuBLAS, or configure with "
                        "-DSTRATA_WITH_CUDA=OFF.")
  endif()
endif()

if(STRATA_CUDA_ENABLED)
  # Ampere (sm_80) and Hopper (sm_90) machine code, plus PTX so newer GPUs can JIT it.
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES "80-real;90-real;90-virtual")
  endif()
  enable_language(CUDA)
  # The .cu files are plain C++17 (CMake 3.25 cannot ask nvcc for C++20).
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  add_library(strata::cudnn UNKNOWN IMPORTED)
  set_target_properties(strata::cudnn PROPERTIES
      IMPORTED_LOCATION "${STRATA_CUDNN_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${STRATA_CUDNN_INCLUDE}")
  # cuDNN and cuBLAS usually live outside the loader's path (/usr/local/cuda/lib64): installed
  # executables keep the folders they were linked from.
  set(CMAKE_INSTALL_RPATH_USE_LINK_PATH ON)
  message(STATUS "Strata: CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, "
                 "architectures ${CMAKE_CUDA_ARCHITECTURES}, cuDNN ${STRATA_CUDNN_LIBRARY})")
else()
  message(STATUS "Strata: CUDA backend OFF: ${STRATA_CUDA_MISSING}")
endif()
