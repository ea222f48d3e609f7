#include "script/script_set.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "ops/replay.h"
#include "format/file.h"
#include "script/script_cache.h"

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

ScriptSet ScriptSet::LoadDirectory(const std::string& dir, const NamingSource& naming,
                                   bool headers_only, const std::string& naming_key) {
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
  if (headers_only) return ScriptSet(LoadHeaders(dir, paths, naming, naming_key));
  // Reading YAML is most of the time a load takes: files are read on every
  // core, each parsed and turned into a script at once, so that only one
  // document per core is ever held. The naming convention (which may itself
  // be parsed meanwhile) is asked for once, by whichever file needs it
  // first.
  std::vector<MigrationScript> scripts(paths.size());
  std::vector<std::exception_ptr> errors(paths.size());
  // The checksums the header cache holds already (their files unchanged),
  // read by this thread while the others start parsing.
  std::promise<CachedSums> cache_read;
  const std::shared_future<CachedSums> cache = cache_read.get_future().share();
  std::once_flag naming_once;
  const schema::NamingConvention* convention = nullptr;
  std::atomic<size_t> next{0};  // files are taken one at a time, whichever thread is free
  auto read = [&] {
    std::vector<size_t> unsummed;  // parsed before the cache was read
    auto sum = [&](size_t i) {
      try {
        const std::string& known = cache.get().checksums[i];
        if (!known.empty()) {
          scripts[i].set_checksum(known);
        } else {
          scripts[i].checksum();  // every run records it: computed here, on every core
        }
      } catch (...) {
        errors[i] = std::current_exception();
      }
    };
    for (size_t i; (i = next++) < paths.size();) {
      try {
        format::Document doc = format::File(paths[i]).Load();
        std::call_once(naming_once, [&] { convention = &naming(); });
        scripts[i] = ScriptFromYaml(doc.root(), paths[i], *convention);
      } catch (...) {
        errors[i] = std::current_exception();
        continue;
      }
      if (cache.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
        sum(i);
      } else {
        unsummed.push_back(i);
      }
    }
    for (size_t i : unsummed) sum(i);
  };
  const size_t workers =
      std::min<size_t>(paths.size(), std::max(1u, std::thread::hardware_concurrency()));
  {
    std::vector<std::jthread> threads;
    for (size_t w = 1; w < workers; ++w) threads.emplace_back(read);
    try {
      cache_read.set_value(ReadCachedChecksums(dir, paths, naming_key));
    } catch (...) {
      cache_read.set_value(CachedSums{std::vector<std::string>(paths.size()), std::vector<std::string>(paths.size())});
    }
    read();
  }
  // The first error in file order, whichever thread met it.
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  if (!cache.get().complete) WriteCachedHeaders(dir, scripts, cache.get().stamps, naming_key);
  return ScriptSet(std::move(scripts));
}

struct ScriptSet::PerDialect {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<ScriptSet>, std::less<>> sets;
};

ScriptSet::ScriptSet(std::vector<MigrationScript> scripts)
    : scripts_(std::move(scripts)), graph_(Nodes(scripts_)), per_dialect_(std::make_shared<PerDialect>()) {
  for (size_t i = 0; i < scripts_.size(); ++i) index_.emplace(scripts_[i].revision, i);
  auto limited = [](const std::vector<ops::OpAt>& list) {
    return std::any_of(list.begin(), list.end(), [](const ops::OpAt& op) {
      const auto* e = std::get_if<ops::Execute>(&op.op);
      return !op.dialects.empty() || (e && !e->effect.empty() && !e->sql.count(""));
    });
  };
  limited_ = std::any_of(scripts_.begin(), scripts_.end(), [&](const MigrationScript& s) {
    return limited(s.upgrade) || (s.downgrade && limited(*s.downgrade));
  });
}

const ScriptSet& ScriptSet::For(std::string_view dialect) const {
  if (!limited_) return *this;
  std::lock_guard<std::mutex> lock(per_dialect_->mutex);
  auto found = per_dialect_->sets.find(dialect);
  if (found != per_dialect_->sets.end()) return *found->second;
  const std::string name(dialect);
  std::vector<MigrationScript> filtered;
  filtered.reserve(scripts_.size());
  for (const MigrationScript& s : scripts_) {
    MigrationScript copy = s;
    if (s.has_body) {
      copy.upgrade = ops::OnDialect(s.upgrade, name);
      if (s.downgrade) copy.downgrade = ops::OnDialect(*s.downgrade, name);
      copy.set_checksum(s.checksum());  // the file's, not the filtered list's
    }
    filtered.push_back(std::move(copy));
  }
  auto made = std::make_unique<ScriptSet>(std::move(filtered));
  made->limited_ = false;
  return *per_dialect_->sets.emplace(name, std::move(made)).first->second;
}

bool ScriptSet::complete() const {
  return std::all_of(scripts_.begin(), scripts_.end(),
                     [](const MigrationScript& s) { return s.has_body; });
}

const MigrationScript& ScriptSet::Get(const std::string& revision) const {
  return scripts_[index_.at(revision)];
}

std::unordered_map<std::string, std::vector<ops::OpAt>> ScriptSet::Replay(
    const std::vector<std::string>& revisions, schema::Schema& schema,
    const std::unordered_set<std::string>& undo) const {
  std::unordered_map<std::string, std::vector<ops::OpAt>> downgrades;
  std::vector<std::string> wanted = graph_.Ancestors(revisions);
  std::unordered_set<std::string> keep(wanted.begin(), wanted.end());
  for (const std::string& id : graph_.TopologicalOrder()) {
    if (!keep.count(id)) continue;
    const MigrationScript& s = Get(id);
    try {
      if (undo.count(id) && !s.downgrade) {
        downgrades[id] = ops::ApplyDeriving(s.upgrade, schema);
        continue;
      }
      if (undo.count(id)) downgrades[id] = *s.downgrade;
      for (const ops::OpAt& op : s.upgrade) ops::Apply(op, schema);
    } catch (const Error& e) {
      throw e.WithContext(Location{.revision = id});
    }
  }
  return downgrades;
}

schema::Schema ScriptSet::SchemaAt(const std::vector<std::string>& revisions,
                                   const schema::NamingConvention& naming) const {
  schema::Schema schema;
  schema.naming = naming;
  Replay(revisions, schema);
  return schema;
}

}  // namespace retort::script
