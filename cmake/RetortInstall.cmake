# `cmake --install`: the binary, the public headers, one static library
# (libretort.a, every layer together), a CMake package (find_package(retort)
# gives retort::retort and retort_embed_migrations) and a pkg-config file.
include(GNUInstallDirs)

# The layers' archives merged into one, so that a consumer links one
# library (GNU ar's MRI script).
set(retort_layers retort_runtime retort_autogen retort_dialect retort_script retort_format
                  retort_ops retort_schema retort_base)
set(retort_archive "${CMAKE_CURRENT_BINARY_DIR}/libretort.a")
set(retort_mri "create ${retort_archive}\n")
foreach(layer IN LISTS retort_layers)
  string(APPEND retort_mri "addlib $<TARGET_FILE:${layer}>\n")
endforeach()
string(APPEND retort_mri "save\nend\n")
file(GENERATE OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/libretort.mri" CONTENT "${retort_mri}")
add_custom_command(
  OUTPUT "${retort_archive}"
  COMMAND "${CMAKE_COMMAND}" -E remove -f "${retort_archive}"
  COMMAND "${CMAKE_AR}" -M < "${CMAKE_CURRENT_BINARY_DIR}/libretort.mri"
  DEPENDS ${retort_layers} "${CMAKE_CURRENT_BINARY_DIR}/libretort.mri"
  COMMENT "Merging the layers into libretort.a")
add_custom_target(retort_library ALL DEPENDS "${retort_archive}")

# What libretort.a needs from the system, as the build found it (static
# where Debian ships static libraries).
set(RETORT_LINK_DEPS ${RETORT_LIBYAML} ${OPENSSL_CRYPTO_LIBRARY})
if(SQLITE3_STATIC)
  list(APPEND RETORT_LINK_DEPS ${SQLITE3_STATIC})
else()
  list(APPEND RETORT_LINK_DEPS sqlite3)
endif()
list(APPEND RETORT_LINK_DEPS pthread dl m)
set(RETORT_PC_LIBS "")
foreach(dep IN LISTS RETORT_LINK_DEPS)
  if(IS_ABSOLUTE "${dep}")
    string(APPEND RETORT_PC_LIBS " ${dep}")
  else()
    string(APPEND RETORT_PC_LIBS " -l${dep}")
  endif()
endforeach()

set(retort_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/retort")
file(RELATIVE_PATH RETORT_PREFIX_FROM_CMAKE_DIR "/${retort_cmake_dir}" "/")
configure_file(cmake/retortConfig.cmake.in "${CMAKE_CURRENT_BINARY_DIR}/retortConfig.cmake" @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/retortConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
# Relative to the .pc file, so that the package works wherever it is
# installed (--prefix at install time).
file(RELATIVE_PATH RETORT_PREFIX_FROM_PC_DIR "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file(cmake/retort.pc.in "${CMAKE_CURRENT_BINARY_DIR}/retort.pc" @ONLY)

install(TARGETS retort_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES include/retort/retort.h include/retort/error.h
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/retort")
install(FILES "${retort_archive}" DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/retortConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/retortConfigVersion.cmake"
              cmake/RetortEmbed.cmake cmake/retort_embed_generate.cmake
        DESTINATION "${retort_cmake_dir}")
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/retort.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
