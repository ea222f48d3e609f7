// retort.toml: LoadConfig either reads a config or fails with retort::Error
// (malformed TOML, an unknown key, a wrong type, a lock timeout out of
// range, a file_template that leaves the scripts folder, a NUL in a
// string). A config it accepts keeps what it promises: a lock timeout of 0
// to one day, two different non-empty table names, a file template naming a
// file inside the folder. Anything else (another exception, a sanitizer
// report, a hang) is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "retort/error.h"
#include "runtime/config.h"

namespace retort::runtime {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

const std::string& ConfigPath() {
  static const std::string path = [] {
    char dir[] = "/tmp/retort-config-fuzz-XXXXXX";
    if (!mkdtemp(dir)) Fail("mkdtemp");
    return std::string(dir) + "/retort.toml";
  }();
  return path;
}

void FuzzOne(const std::string& input) {
  const std::string& path = ConfigPath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << input;
  }
  Config config;
  try {
    config = LoadConfig(path);
  } catch (const Error&) {
    return;
  }
  if (config.lock_timeout_ms < 0 || config.lock_timeout_ms > kMaxLockTimeoutSeconds * 1000) {
    Fail("lock timeout out of range: " + std::to_string(config.lock_timeout_ms));
  }
  if (config.version_table.empty() || config.history_table.empty() ||
      config.version_table == config.history_table) {
    Fail("version and history tables: '" + config.version_table + "', '" + config.history_table + "'");
  }
  if (config.file_template.empty() || config.file_template.find('/') != std::string::npos) {
    Fail("file template: " + config.file_template);
  }
  for (const std::string* s : {&config.url, &config.version_table, &config.history_table,
                               &config.database_schema, &config.file_template}) {
    if (s->find('\0') != std::string::npos) Fail("a NUL in a string");
  }
  SchemaPaths(config);
}

}  // namespace
}  // namespace retort::runtime

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  retort::runtime::FuzzOne(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
