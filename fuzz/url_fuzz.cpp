// Database URLs, as --url, RETORT_DATABASE_URL, the config file and targets
// files give them. The input is a URL, optionally followed by a newline and
// a schema name: ParseUrl either parses the URL or fails with
// retort::Error; MaskPassword and WithQueryParameter take any text; and a
// schema name set with WithQueryParameter on a PostgreSQL URL parses back
// as itself. Anything else (another exception, a sanitizer report, a hang)
// is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "dialect/url.h"
#include "retort/error.h"

namespace retort::dialect {
namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& url,
                       const std::string& schema) {
  std::fprintf(stderr, "%s: url '%s', schema '%s'\n", what.c_str(), url.c_str(),
               schema.c_str());
  std::abort();
}

std::optional<DatabaseUrl> Parse(const std::string& url) {
  try {
    return ParseUrl(url);
  } catch (const Error&) {
    return std::nullopt;
  }
}

void FuzzOne(const std::string& input) {
  const size_t newline = input.find('\n');
  const std::string url = input.substr(0, newline);
  const std::string schema = newline == std::string::npos ? "" : input.substr(newline + 1);

  MaskPassword(input);
  std::optional<DatabaseUrl> parsed = Parse(url);
  if (parsed) parsed->Masked();
  const std::string without = WithQueryParameter(url, "schema", std::nullopt);
  WithQueryParameter(url, schema, schema);
  if (!parsed || parsed->scheme != "postgresql") return;

  std::optional<DatabaseUrl> reparsed = Parse(without);
  if (!reparsed || !reparsed->schema.empty()) Fail("schema not removed", url, "");
  if (schema.empty()) return;
  reparsed = Parse(WithQueryParameter(url, "schema", schema));
  if (!reparsed || reparsed->schema != schema) Fail("schema does not parse back", url, schema);
}

}  // namespace
}  // namespace retort::dialect

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  retort::dialect::FuzzOne(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
