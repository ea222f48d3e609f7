// A cache of the scripts' headers (ids, parents, labels, message, checksum),
// kept as one file beside the scripts, so that read-only commands (current,
// heads, history) need not parse every script again. An entry counts only
// while its file's size and modification time are unchanged; a script that
// changed is parsed in full again, so errors in it are still reported.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "script/script.h"

namespace retort::script {

// The name of the cache file inside the scripts folder.
inline constexpr const char* kCacheFileName = ".retort-cache";

// The naming convention for unnamed constraints, asked for only when a
// script must be parsed (loading it may cost a read of the schema files).
using NamingSource = std::function<const schema::NamingConvention&()>;

// Reads the scripts at `paths` (sorted) as headers only (no operations),
// from the cache where it is fresh and by parsing the file otherwise, then
// rewrites the cache when anything changed (silently skipped when the
// folder is not writable). Throws what parsing a script throws.
std::vector<MigrationScript> LoadHeaders(const std::string& dir,
                                         const std::vector<std::string>& paths,
                                         const NamingSource& naming);

}  // namespace retort::script
