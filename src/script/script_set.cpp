#include "script/script_set.h"

#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "ops/replay.h"

namespace retort::script {
namespace {

std::vector<RevisionNode> Nodes(const std::vector<MigrationScript>& scripts) {
  std::vector<RevisionNode> nodes;
  nodes.reserve(scripts.size());
  for (const MigrationScript& s : scripts) {
    nodes.push_back(RevisionNode{s.revision, s.down_revisions, s.branch_labels,
                                 s.depends_on, Location{.file = s.path}});
  }
  return nodes;
}

}  // namespace

ScriptSet ScriptSet::LoadDirectory(const std::string& dir,
                                   const schema::NamingConvention& naming) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    throw Error(ErrorKind::kInput, "cannot read the scripts folder: " + ec.message(),
                Location{.file = dir});
  }
  std::vector<std::string> paths;
  for (const fs::directory_entry& entry : it) {
    std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<MigrationScript> scripts;
  scripts.reserve(paths.size());
  for (const std::string& path : paths) scripts.push_back(LoadScriptFile(path, naming));
  return ScriptSet(std::move(scripts));
}

ScriptSet::ScriptSet(std::vector<MigrationScript> scripts)
    : scripts_(std::move(scripts)), graph_(Nodes(scripts_)) {
  for (size_t i = 0; i < scripts_.size(); ++i) index_.emplace(scripts_[i].revision, i);
}

const MigrationScript& ScriptSet::Get(const std::string& revision) const {
  return scripts_[index_.at(revision)];
}

void ScriptSet::Replay(
    const std::vector<std::string>& revisions, schema::Schema& schema,
    const std::function<void(const MigrationScript&, const schema::Schema&)>& visit) const {
  std::vector<std::string> wanted = graph_.Ancestors(revisions);
  std::unordered_set<std::string> keep(wanted.begin(), wanted.end());
  for (const std::string& id : graph_.TopologicalOrder()) {
    if (!keep.count(id)) continue;
    const MigrationScript& s = Get(id);
    if (visit) visit(s, schema);
    for (const ops::OpAt& op : s.upgrade) {
      try {
        ops::Apply(op, schema);
      } catch (const Error& e) {
        throw e.WithContext(Location{.revision = id});
      }
    }
  }
}

schema::Schema ScriptSet::SchemaAt(const std::vector<std::string>& revisions,
                                   const schema::NamingConvention& naming) const {
  schema::Schema schema;
  schema.naming = naming;
  Replay(revisions, schema);
  return schema;
}

std::vector<ops::OpAt> ScriptSet::DowngradeOps(const std::string& revision,
                                               const schema::Schema& before) const {
  const MigrationScript& s = Get(revision);
  if (s.downgrade) return *s.downgrade;
  try {
    return ops::DeriveDowngrade(s.upgrade, before);
  } catch (const Error& e) {
    throw e.WithContext(Location{.revision = revision});
  }
}

}  // namespace retort::script
