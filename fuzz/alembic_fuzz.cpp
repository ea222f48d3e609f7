// Alembic revision files: the Python-subset reader and the translator
// either translate a revision or report each problem at file:line:column,
// or refuse the file with retort::Error. A translated revision's operations
// read back as a retort script. Anything else (another exception, a
// sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "retort/error.h"
#include "schema/dialect_keys.h"
#include "schema/naming.h"
#include "script/alembic_import.h"
#include "script/script.h"

namespace retort::script {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

void FuzzOne(const std::string& input) {
  // The dialects branches and `dialect:` name, as the registry sets them.
  static const bool dialects = [] {
    schema::SetFileDialects({"sqlite", "postgresql"});
    return true;
  }();
  (void)dialects;
  AlembicRevision r;
  try {
    r = TranslateAlembicRevision(input, "rev.py");
  } catch (const Error& e) {
    if (e.where().file != "rev.py" || e.where().line < 1) Fail(std::string("an error without its place: ") + e.what());
    return;
  }
  for (const Error& e : r.problems) {
    if (e.where().file != "rev.py" || e.where().line < 1 || e.where().column < 1) {
      Fail(std::string("a problem without its place: ") + e.what());
    }
  }
  if (!r.problems.empty()) return;
  // What is written reads back.
  NewScript s = r.script;
  if (s.create_date.empty()) s.create_date = "2024-01-01 00:00:00";
  try {
    ParseScript(RenderNewScript(s), "rev.yaml", schema::WithDefaults({}));
  } catch (const Error& e) {
    // An operation's arguments can still be refused by the script reader
    // (a name too long, an empty table name): an input error, at its place.
    if (e.kind() != ErrorKind::kInput && e.kind() != ErrorKind::kUsage) Fail(std::string("written, unreadable: ") + e.what());
  }
}

}  // namespace
}  // namespace retort::script

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  retort::script::FuzzOne(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
