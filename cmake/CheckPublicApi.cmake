# Run as a CTest test (cmake -DSOURCE_DIR=... -P CheckPublicApi.cmake): the public engine
# headers include only public headers, and ui/ and app/ include no engine internals. Together
# with the strata_public_headers target (each public header compiled alone against
# engine/include) this keeps the GUI and strata-cli on the public API.
set(internal_dirs "backends|codegen|core|data|io|layers|onnx|optim|train|engine/src")
set(problems "")

file(GLOB public_headers ${SOURCE_DIR}/engine/include/strata/*.h)
foreach(header ${public_headers})
  file(STRINGS ${header} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line ${includes})
    if(NOT line MATCHES "\"strata/[a-z_]+\\.h\"")
      string(APPEND problems "\n  ${header}: ${line} (a public header includes only strata/...)")
    endif()
  endforeach()
endforeach()

file(GLOB_RECURSE client_sources ${SOURCE_DIR}/ui/*.cpp ${SOURCE_DIR}/ui/*.h
     ${SOURCE_DIR}/app/*.cpp ${SOURCE_DIR}/app/*.h)
foreach(source ${client_sources})
  file(STRINGS ${source} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<](${internal_dirs})/")
  foreach(line ${includes})
    string(APPEND problems "\n  ${source}: ${line} (ui/ and app/ use the public API only)")
  endforeach()
endforeach()

if(problems)
  message(FATAL_ERROR "Engine internals reach the public API:${problems}")
endif()
list(LENGTH public_headers n)
list(LENGTH client_sources m)
message(STATUS "Public API check: ${n} public headers and ${m} ui/app files are clean")
