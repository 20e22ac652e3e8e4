# Small helpers in the spirit of Abseil's absl_cc_library: one call per target keeps each
# folder's CMakeLists.txt short.
include_guard(GLOBAL)

# upkeep_cc_library(NAME name SRCS a.cc b.cc [HDRS ...] [DEPS ...])
function(upkeep_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;HDRS;DEPS" ${ARGN})
  if(ARG_SRCS)
    add_library(${ARG_NAME} STATIC ${ARG_SRCS} ${ARG_HDRS})
    target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
    target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  else()
    add_library(${ARG_NAME} INTERFACE)
    target_link_libraries(${ARG_NAME} INTERFACE ${ARG_DEPS})
    target_include_directories(${ARG_NAME} INTERFACE ${PROJECT_SOURCE_DIR})
  endif()
endfunction()

# upkeep_cc_test(NAME name SRCS a_test.cc [DEPS ...] [LABELS unit|integration|e2e])
# Tests are discovered one by one so CTest reports and filters each case.
function(upkeep_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  foreach(src ${ARG_SRCS})
    if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${src})
      # A test being written alongside others must not break everyone's configure.
      message(WARNING "${ARG_NAME}: ${src} does not exist yet; test skipped")
      return()
    endif()
  endforeach()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_include_directories(${ARG_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${ARG_NAME}
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
