// Schema files (schema/*.yaml), as every command that reads the declared
// schema loads them: any text either loads or fails with retort::Error.
// Anything else (another exception, a sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dialect/registry.h"
#include "retort/error.h"
#include "format/schema_read.h"

// Files name dialects by the registry's names: linking it in tells the
// schema layer which there are.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  retort::dialect::Dialects();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    retort::format::LoadSchemaText(text, "fuzz.yaml");
  } catch (const retort::Error&) {
  }
  return 0;
}
