# retort_embed_migrations(<target> NAME <name> SCRIPTS <dir> [SCHEMA <dir>])
#
# Compiles the migration scripts of <dir> (*.yaml, *.yml) and, with SCHEMA,
# the schema files of that folder, into <target>, so that the application
# migrates with no files on disk. It generates <name>.h, declaring
#
#   const std::vector<retort::SourceFile>& <name>_scripts();
#   const std::vector<retort::SourceFile>& <name>_schema();
#
# to pass as retort::Settings::scripts and ::schema_files. The texts are
# compiled in verbatim, so the checksums retort computes from them (and
# records in the history table) are those of the files. Adding, removing or
# editing a file regenerates the code at the next build.
set(RETORT_EMBED_GENERATOR "${CMAKE_CURRENT_LIST_DIR}/retort_embed_generate.cmake")

function(retort_embed_migrations target)
  cmake_parse_arguments(ARG "" "NAME;SCRIPTS;SCHEMA" "" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_SCRIPTS)
    message(FATAL_ERROR "retort_embed_migrations(<target> NAME <name> SCRIPTS <dir> [SCHEMA <dir>])")
  endif()
  get_filename_component(scripts_dir "${ARG_SCRIPTS}" ABSOLUTE)
  file(GLOB scripts CONFIGURE_DEPENDS "${scripts_dir}/*.yaml" "${scripts_dir}/*.yml")
  set(schema_dir "")
  set(schema "")
  if(ARG_SCHEMA)
    get_filename_component(schema_dir "${ARG_SCHEMA}" ABSOLUTE)
    file(GLOB schema CONFIGURE_DEPENDS "${schema_dir}/*.yaml" "${schema_dir}/*.yml")
  endif()
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/retort_embedded")
  set(source "${out_dir}/${ARG_NAME}.cpp")
  set(header "${out_dir}/${ARG_NAME}.h")
  string(REPLACE ";" "|" scripts_arg "${scripts}")
  string(REPLACE ";" "|" schema_arg "${schema}")
  add_custom_command(
    OUTPUT "${source}" "${header}"
    COMMAND "${CMAKE_COMMAND}" "-DNAME=${ARG_NAME}" "-DSOURCE=${source}" "-DHEADER=${header}"
            "-DSCRIPTS=${scripts_arg}" "-DSCHEMA=${schema_arg}" -P "${RETORT_EMBED_GENERATOR}"
    DEPENDS ${scripts} ${schema} "${RETORT_EMBED_GENERATOR}"
    COMMENT "Compiling in the migrations of ${scripts_dir}"
    VERBATIM)
  target_sources(${target} PRIVATE "${source}" "${header}")
  target_include_directories(${target} PRIVATE "${out_dir}")
endfunction()
