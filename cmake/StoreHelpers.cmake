# store_library(NAME SOURCES ... DEPS ...): a building block in libs/<NAME>, target store_<NAME>,
# alias store::<NAME>, public headers under libs/<NAME>/include/store/<NAME>/.
function(store_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(ARG_SOURCES)
    add_library(store_${name} ${ARG_SOURCES})
    target_include_directories(store_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(store_${name} PUBLIC ${ARG_DEPS})
    target_compile_options(store_${name} PRIVATE -Wall -Wextra -Werror=return-type)
  else()
    add_library(store_${name} INTERFACE)
    target_include_directories(store_${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(store_${name} INTERFACE ${ARG_DEPS})
  endif()
  add_library(store::${name} ALIAS store_${name})
endfunction()

# store_test(NAME SOURCES ... DEPS ... LABELS unit|component|e2e [TIMEOUT s]):
# one GoogleTest executable, registered with ctest under its label. Component tests read the
# engine endpoints from the environment that `./store test` exports (see libs/testing).
function(store_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror=return-type)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
