// A migration script: one YAML file per revision.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "format/document.h"
#include "ops/operation.h"
#include "schema/schema.h"

namespace retort::script {

struct MigrationScript {
  std::string revision;
  std::vector<std::string> down_revisions;  // empty: a base; 2+: a merge
  std::string message;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string create_date;
  // False for scripts whose operations cannot run inside a transaction; they
  // run alone, outside the run's transaction.
  bool transactional = true;
  std::vector<ops::OpAt> upgrade;
  // nullopt when the file omits `downgrade`: derived from `upgrade`.
  std::optional<std::vector<ops::OpAt>> downgrade;
  // False when only the header was read (script_cache.h): no operations.
  bool has_body = true;
  std::string path;      // where it was read from ("" for in-memory scripts)

  // What the script means, versioned: "2:" and 62 hex digits of the SHA-256
  // of its revision, parents, dependencies, transactional flag and
  // operations with every name resolved (MeaningChecksum). Not its
  // comments, layout, message, date or branch labels. Computed on first
  // use (writing the operations out costs), once, safely from any thread;
  // copies share it. REQUIRES: the operations are still there on first use
  // (has_body), or set_checksum was called.
  const std::string& checksum() const;
  // Sets it (a header read from the cache).
  void set_checksum(std::string checksum);
  // The checksum an earlier retort recorded (64 hex digits, no version):
  // SHA-256 of the parsed YAML document in a canonical form. Only a
  // database an earlier retort ran needs it, so it is computed when asked,
  // from the script's text (its file, or the text ParseScript was given);
  // "" when that cannot be read or parsed.
  std::string legacy_checksum() const;
  // The text of a script parsed from memory (ParseScript); null for one
  // read from its file.
  std::shared_ptr<const std::string> source;

 private:
  // (A mutex, not std::call_once: glibc's once makes a system call each
  // time, which a run over a thousand scripts notices.)
  struct LazyChecksum {
    std::mutex mutex;
    bool done = false;
    std::string value;
  };
  // Shared by copies, which mean the same.
  std::shared_ptr<LazyChecksum> checksum_ = std::make_shared<LazyChecksum>();
};

// Throws Error(kInput) at the first of `operations` that cannot run inside a
// transaction (create_index or drop_index with concurrently: true), saying
// why. ParseScript calls it for scripts that are not `transactional: false`.
void CheckTransactional(const std::vector<ops::OpAt>& operations);

// Parses a script from YAML text. `name` is the path used in locations and
// `naming` names unnamed constraints. Throws Error(kInput) for malformed or
// invalid content and Error(kIrreversible) for an operation without an
// inverse when `downgrade` is omitted, both at file:line:column.
MigrationScript ParseScript(const std::string& text, const std::string& name,
                            const schema::NamingConvention& naming);

// ParseScript's second half: a script from its parsed YAML document (the
// first half, the parse, needs no naming convention and may run on another
// thread).
MigrationScript ScriptFromYaml(const format::Node& root, const std::string& name,
                               const schema::NamingConvention& naming);

// The "2:..." checksum of `script` (see MigrationScript::checksum).
std::string MeaningChecksum(const MigrationScript& script);

// Reads and parses a script file.
MigrationScript LoadScriptFile(const std::string& path,
                               const schema::NamingConvention& naming);

// What a new script says when `revision` writes one.
struct NewScript {
  std::string revision;
  std::vector<std::string> down_revisions;
  std::string message;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string create_date;
  bool transactional = true;  // false: `transactional: false`
  // YAML list items (script_write.h); empty: an empty upgrade, and no
  // downgrade (derived).
  std::string upgrade;
  std::string downgrade;
};

// The YAML text of a new script.
std::string RenderNewScript(const NewScript& script);

}  // namespace retort::script
