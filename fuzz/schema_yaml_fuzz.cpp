// Schema files (schema/*.yaml), as every command that reads the declared
// schema loads them: any text either loads or fails with retort::Error.
// Anything else (another exception, a sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "retort/error.h"
#include "schema/schema_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    retort::schema::LoadSchemaText(text, "fuzz.yaml");
  } catch (const retort::Error&) {
  }
  return 0;
}
