// Migration scripts, as every command that reads the versions folder parses
// them: any text either parses or fails with retort::Error. A script that
// parses must also replay onto an empty schema and render for both
// dialects, upgrade and downgrade, failing (if at all) with Error whatever
// its names hold, and its operations written back as YAML must read back to
// the same text.
// Anything else (another exception, a sanitizer report, a hang) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "dialect/postgresql/postgresql_dialect.h"
#include "dialect/sqlite/sqlite_dialect.h"
#include "script/op_read.h"
#include "ops/replay.h"
#include "dialect/registry.h"
#include "retort/error.h"
#include "schema/naming.h"
#include "format/file.h"
#include "script/script.h"
#include "script/script_write.h"

namespace retort {
namespace {

const schema::NamingConvention& Naming() {
  static const schema::NamingConvention naming = schema::WithDefaults({});
  return naming;
}

// The schema `operations` build from nothing; nullopt when one does not fit.
std::optional<schema::Schema> Replay(const std::vector<ops::OpAt>& operations) {
  schema::Schema schema;
  try {
    for (const ops::OpAt& op : operations) ops::Apply(op, schema);
  } catch (const Error&) {
    return std::nullopt;
  }
  return schema;
}

void Render(const dialect::Dialect& dialect, const std::vector<ops::OpAt>& operations,
            schema::Schema schema) {
  try {
    dialect.RenderOps(operations, schema);
  } catch (const Error&) {
  }
}

std::string Write(const std::vector<ops::OpAt>& operations) {
  std::vector<script::WrittenOp> written;
  for (const ops::OpAt& op : operations) written.push_back({op.op, {}, false});
  return "upgrade:\n" + script::WriteOperations(written);
}

[[noreturn]] void Fail(const std::string& what, const std::string& text) {
  std::fprintf(stderr, "%s:\n%s\n", what.c_str(), text.c_str());
  std::abort();
}

// What `revision --autogenerate` would write for `operations` must read
// back, and writing that again must give the same text.
void RoundTrip(const std::vector<ops::OpAt>& operations) {
  const std::string written = Write(operations);
  format::File file("written.yaml");
  std::vector<ops::OpAt> read;
  try {
    format::Document doc = file.Parse(written);
    read = script::ParseOperations(file, doc.root()["upgrade"], Naming());
  } catch (const Error& e) {
    Fail(std::string("written operations do not read back: ") + e.what(), written);
  }
  if (Write(read) != written) Fail("written operations read back differently", written);
}

void FuzzOne(const std::string& text) {
  script::MigrationScript parsed;
  try {
    parsed = script::ParseScript(text, "fuzz.yaml", Naming());
  } catch (const Error&) {
    return;
  }
  const dialect::SqliteDialect sqlite;
  const dialect::PostgresDialect postgresql;
  Render(sqlite, parsed.upgrade, {});
  Render(postgresql, parsed.upgrade, {});
  RoundTrip(parsed.upgrade);
  // The downgrade, as written or derived, from where the upgrade left off.
  std::optional<schema::Schema> after = Replay(parsed.upgrade);
  if (!after) return;
  std::vector<ops::OpAt> downgrade;
  try {
    downgrade = parsed.downgrade ? *parsed.downgrade : ops::DeriveDowngrade(parsed.upgrade, {});
  } catch (const Error&) {
    return;
  }
  Render(sqlite, downgrade, *after);
  Render(postgresql, downgrade, *after);
}

}  // namespace
}  // namespace retort

// Files name dialects by the registry's names: linking it in tells the
// schema layer which there are.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  retort::dialect::Dialects();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  retort::FuzzOne(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
