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

// The identity of a file's content as far as stat tells (size and
// modification time); "" when it cannot be read.
std::string FileStamp(const std::string& path);

// Reads the scripts at `paths` (sorted) as headers only (no operations),
// from the cache where it is fresh and by parsing the file otherwise, then
// rewrites the cache when anything changed (silently skipped when the
// folder is not writable). Throws what parsing a script throws.
// `naming_key` identifies what the naming convention is read from (the
// schema files' stamps): checksums depend on it, so a cache written under
// another key is not used.
std::vector<MigrationScript> LoadHeaders(const std::string& dir,
                                         const std::vector<std::string>& paths,
                                         const NamingSource& naming, const std::string& naming_key);

// For a full load of `paths` (sorted): each one's file stamp, and the
// checksum the cache holds for it where its entry is fresh ("" where not),
// so that a run need not write every script's operations out again to
// hash them.
struct CachedSums {
  std::vector<std::string> stamps, checksums;
  bool complete = false;  // every path has a fresh entry, and nothing else is there
};
CachedSums ReadCachedChecksums(const std::string& dir, const std::vector<std::string>& paths,
                               const std::string& naming_key);
// Rewrites the cache from `scripts` (loaded in full from `paths`, stamps
// as ReadCachedChecksums gave them). Skipped silently when the folder is
// not writable.
void WriteCachedHeaders(const std::string& dir, const std::vector<MigrationScript>& scripts,
                        const std::vector<std::string>& stamps, const std::string& naming_key);

}  // namespace retort::script
