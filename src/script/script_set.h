// All migration scripts of a project, their revision graph, and replay of the
// schema they build.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "script/revision_graph.h"
#include "script/script_cache.h"
#include "script/script.h"

namespace retort::script {

class ScriptSet {
 public:
  // Reads every *.yaml and *.yml file of `dir` (not recursive). With
  // headers_only, the scripts come without operations (from the header
  // cache where it is fresh, see LoadHeaders for `naming_key`): enough for
  // the graph, not for a run. In full, each script is parsed, and its
  // checksum taken from the header cache where that is fresh (and the
  // cache rewritten where it was not). Throws Error(kInput) when `dir` cannot be read, and whatever
  // parsing or the graph throws.
  static ScriptSet LoadDirectory(const std::string& dir, const NamingSource& naming,
                                 bool headers_only = false, const std::string& naming_key = "");

  // Throws what RevisionGraph's constructor throws.
  explicit ScriptSet(std::vector<MigrationScript> scripts);

  const RevisionGraph& graph() const { return graph_; }
  // True when every script has its operations (not headers only).
  bool complete() const;
  const std::vector<MigrationScript>& scripts() const { return scripts_; }
  // REQUIRES: `revision` is an exact id of the graph.
  const MigrationScript& Get(const std::string& revision) const;

  // Applies the upgrades of `revisions` and all their ancestors to `schema`
  // in topological order. Returns the downgrade operations of the replayed
  // revisions named in `undo`: explicit, or derived from the schema each
  // one saw. Throws Error(kInput) with the script's location when an
  // operation does not fit the replayed schema, Error(kIrreversible) when a
  // downgrade cannot be derived.
  std::unordered_map<std::string, std::vector<ops::OpAt>> Replay(
      const std::vector<std::string>& revisions, schema::Schema& schema,
      const std::unordered_set<std::string>& undo = {}) const;

  // The schema once `revisions` and their ancestors are applied.
  schema::Schema SchemaAt(const std::vector<std::string>& revisions,
                          const schema::NamingConvention& naming) const;

  // The scripts as `dialect` runs and replays them: operations limited to
  // other dialects (and an execute with SQL for others only) left out,
  // checksums as the files have them. *this when no operation is limited;
  // made once per dialect, and valid while *this lives.
  const ScriptSet& For(std::string_view dialect) const;

 private:
  struct PerDialect;
  std::vector<MigrationScript> scripts_;
  std::unordered_map<std::string, size_t> index_;
  RevisionGraph graph_;
  bool limited_ = false;  // some operation runs on some dialects only
  std::shared_ptr<PerDialect> per_dialect_;
};

}  // namespace retort::script
