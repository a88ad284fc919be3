# nf_add_shader_library(<target> ROOT <dir> SHADERS <entry>...)
#
# Compiles GLSL shaders (compute; also .vert/.frag, named with their extension) with glslc at build time and embeds the SPIR-V in a static library.
# An entry is "path/to/name.comp" or "path/to/name.comp@variant:DEFINE1,DEFINE2=value": a variant is the
# same source compiled with extra -D definitions, looked up as "path/to/name@variant".
# The library exposes nf::shaders::find(name) (see shaders/embedded.hpp); nothing is read at run time.
function(nf_add_shader_library target)
  cmake_parse_arguments(ARG "" "ROOT" "SHADERS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/spirv)
  set(spv_files)
  set(names)
  foreach(entry IN LISTS ARG_SHADERS)
    set(defines)
    if(entry MATCHES "^([^@]+)@([^:]+):(.*)$")
      set(src ${CMAKE_MATCH_1})
      set(variant ${CMAKE_MATCH_2})
      string(REPLACE "," ";" defines "${CMAKE_MATCH_3}")
    else()
      set(src ${entry})
      set(variant "")
    endif()
    string(REGEX REPLACE "\\.comp$" "" name ${src})
    if(variant)
      set(name "${name}@${variant}")
    endif()
    string(MAKE_C_IDENTIFIER ${name} ident)
    set(spv ${out_dir}/${ident}.spv)
    set(dep ${out_dir}/${ident}.d)
    set(dflags)
    foreach(d IN LISTS defines)
      list(APPEND dflags -D${d})
    endforeach()
    add_custom_command(
      OUTPUT ${spv}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND Vulkan::glslc --target-env=vulkan1.2 -O -Werror -I ${ARG_ROOT}/include ${dflags}
              -MD -MF ${dep} -o ${spv} ${ARG_ROOT}/${src}
      DEPENDS ${ARG_ROOT}/${src}
      DEPFILE ${dep}
      COMMENT "glslc ${name}"
      VERBATIM)
    list(APPEND spv_files ${spv})
    list(APPEND names ${name})
  endforeach()
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded.cpp)
  add_custom_command(
    OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -DOUT=${gen} "-DNAMES=${names}" "-DFILES=${spv_files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
    DEPENDS ${spv_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
    COMMENT "embedding SPIR-V for ${target}"
    VERBATIM)
  add_library(${target} STATIC ${gen})
endfunction()
