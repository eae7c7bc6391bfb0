# store_target_options(TARGET): the warnings every target of the project's own code builds with:
# all of them, as errors (third-party headers are system includes, so only our code is judged).
# -Wno-mismatched-new-delete: g++ 12 reports the frame of every Boost.Asio coroutine as freed with
# a "mismatched" operator delete (Asio's awaitable_frame_base pairs a sized operator new with its
# own operator delete, which is correct); a known false positive of GCC 12 on coroutine frames,
# fixed in GCC 13 (PR 109224). It fires in every file with a coroutine, so it is off for all.
function(store_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-mismatched-new-delete)
endfunction()

# store_runtime(TARGET ...): programs `./store up` runs (services, relays, tools it starts). The
# `store_runtime` target builds exactly these, so `./store up` builds no test binaries.
function(store_runtime)
  set_property(GLOBAL APPEND PROPERTY STORE_RUNTIME_TARGETS ${ARGN})
endfunction()

# store_service(NAME SOURCES ... DEPS ... [DEFAULTS file]): a service's executable. It links the
# start-up helper (libs/service) and records where its defaults file is
# (STORE_SERVICE_DEFAULTS_FILE, default config/defaults.conf next to the service's CMakeLists.txt);
# `./store up` builds it.
function(store_service name)
  cmake_parse_arguments(ARG "" "DEFAULTS" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_DEFAULTS)
    set(ARG_DEFAULTS ${CMAKE_CURRENT_SOURCE_DIR}/config/defaults.conf)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE store::service ${ARG_DEPS})
  target_compile_definitions(${name} PRIVATE STORE_SERVICE_DEFAULTS_FILE="${ARG_DEFAULTS}")
  store_target_options(${name})
  store_runtime(${name})
endfunction()

# store_library(NAME SOURCES ... DEPS ...): a building block in libs/<NAME>, target store_<NAME>,
# alias store::<NAME>, public headers under libs/<NAME>/include/store/<NAME>/.
function(store_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(ARG_SOURCES)
    add_library(store_${name} ${ARG_SOURCES})
    target_include_directories(store_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(store_${name} PUBLIC ${ARG_DEPS})
    store_target_options(store_${name})
  else()
    add_library(store_${name} INTERFACE)
    target_include_directories(store_${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(store_${name} INTERFACE ${ARG_DEPS})
  endif()
  add_library(store::${name} ALIAS store_${name})
endfunction()

# store_test(NAME SOURCES ... DEPS ... LABELS unit|component|e2e [TIMEOUT s] [AFTER_SUITE]):
# one GoogleTest executable, registered with ctest under its label. Component tests read the
# engine endpoints from the environment that `./store test` exports (see libs/testing).
function(store_test name)
  cmake_parse_arguments(ARG "AFTER_SUITE" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  store_target_options(${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  # g++ 12 at -O2/-O3 (the release preset) reports three known false positives in test code that
  # the sanitizer preset (-O1) does not: -Wrestrict in std::string's operator+ (GCC PR 105329),
  # -Wuse-after-free in std::hash through an inlined pool and -Wmaybe-uninitialized in a
  # shared_ptr copied out of a row (g++ 13 no longer reports them). Silenced for test binaries only, so that
  # `STORE_BUILD_PRESET=release ./store test` builds. Production targets keep every warning (the
  # release build of store_runtime is part of ./store test).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13
     AND CMAKE_BUILD_TYPE MATCHES "^(Release|RelWithDebInfo)$")
    target_compile_options(${name} PRIVATE -Wno-restrict -Wno-use-after-free -Wno-maybe-uninitialized)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  # Every test runs before the AFTER_SUITE ones (ctest's fixture cleanup: the no-card-data scan
  # of what the suite left). `ctest -R x` pulls them in too; `-FC store_suite` leaves them out.
  if(ARG_AFTER_SUITE)
    set(fixture FIXTURES_CLEANUP store_suite)
  else()
    set(fixture FIXTURES_REQUIRED store_suite)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} ${fixture})
endfunction()
