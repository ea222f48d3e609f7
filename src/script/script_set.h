// All migration scripts of a project, their revision graph, and replay of the
// schema they build.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "script/revision_graph.h"
#include "script/script.h"

namespace retort::script {

class ScriptSet {
 public:
  // Reads every *.yaml and *.yml file of `dir` (not recursive). Throws
  // Error(kInput) when `dir` cannot be read, and whatever parsing or the
  // graph throws.
  static ScriptSet LoadDirectory(const std::string& dir,
                                 const schema::NamingConvention& naming);

  // Throws what RevisionGraph's constructor throws.
  explicit ScriptSet(std::vector<MigrationScript> scripts);

  const RevisionGraph& graph() const { return graph_; }
  const std::vector<MigrationScript>& scripts() const { return scripts_; }
  // REQUIRES: `revision` is an exact id of the graph.
  const MigrationScript& Get(const std::string& revision) const;

  // Calls `visit(script, schema_before_it)` for `revisions` and all their
  // ancestors in topological order, applying each script's upgrade to
  // `schema` after the visit. Throws Error(kInput) with the script's
  // location when an operation does not fit the replayed schema.
  void Replay(const std::vector<std::string>& revisions, schema::Schema& schema,
              const std::function<void(const MigrationScript&,
                                       const schema::Schema&)>& visit = {}) const;

  // The schema once `revisions` and their ancestors are applied.
  schema::Schema SchemaAt(const std::vector<std::string>& revisions,
                          const schema::NamingConvention& naming) const;

  // The operations that undo `revision`: its explicit downgrade, or the one
  // derived from its upgrade and `before` (the schema before its upgrade).
  std::vector<ops::OpAt> DowngradeOps(const std::string& revision,
                                      const schema::Schema& before) const;

 private:
  std::vector<MigrationScript> scripts_;
  std::unordered_map<std::string, size_t> index_;
  RevisionGraph graph_;
};

}  // namespace retort::script
