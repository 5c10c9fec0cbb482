# CS_FUZZ=ON: the libFuzzer harnesses of tests/fuzz (docs/fuzzing.md). libFuzzer is clang's, so
# the option needs clang (Debian: clang and libclang-rt-dev). Every target is compiled with
# libFuzzer's coverage instrumentation and ASan+UBSan, so that the fuzzers see the library's
# branches and stop on the first memory error or undefined behaviour.
if(CS_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CS_FUZZ=ON needs clang (libFuzzer): configure a separate build "
                        "directory with CC=clang CXX=clang++ (Debian: apt-get install clang "
                        "libclang-rt-14-dev); the compiler is ${CMAKE_C_COMPILER_ID}")
  endif()
  if(CS_SANITIZE)
    message(FATAL_ERROR "CS_FUZZ=ON sets its own sanitizers; leave CS_SANITIZE empty")
  endif()
  set(_cs_fuzz "-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined")
  string(APPEND CMAKE_C_FLAGS " ${_cs_fuzz} -fno-omit-frame-pointer -g")
  string(APPEND CMAKE_EXE_LINKER_FLAGS " -fsanitize=address,undefined")
endif()
