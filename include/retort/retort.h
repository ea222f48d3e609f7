// retort's public API: everything the command line does, an application can
// do in-process.
//
//   retort::Project project = retort::Project::Open({.config_path = "retort.toml"});
//   retort::RunResult result = project.Upgrade("head");
//   for (const std::string& rev : project.Current()) std::cout << rev << "\n";
//
// Every failure throws retort::Error (retort/error.h). A Project is not
// thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "retort/error.h"

namespace retort {

// The version of the library and the tool.
const char* Version();

struct Settings {
  // The config file; relative paths in it are taken from its folder.
  std::string config_path = "retort.toml";
  // The database URL; empty: RETORT_DATABASE_URL, then DATABASE_URL, then
  // the config file's `url`.
  std::string url;
  // Overrides the config's transaction_per_migration when set.
  std::optional<bool> transaction_per_migration;
  // Overrides the config's create_database_schema when set.
  std::optional<bool> create_schema;
  // Called with the progress of long work (a table rebuild's copy of rows:
  // table, rows done, rows in all); unset: no reports, and the copy runs in
  // one statement.
  std::function<void(const std::string& table, int64_t done, int64_t total)> on_progress;
  // Overrides the config's lock_timeout (seconds to wait for another run's
  // lock) when set.
  std::optional<double> lock_timeout_seconds;
};

struct RevisionInfo {
  std::string revision;
  std::vector<std::string> down_revisions;
  std::string message;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string create_date;
  std::string path;
  std::string checksum;
  bool is_head = false;
  bool is_base = false;
  bool is_branch_point = false;
  bool is_merge_point = false;
  std::vector<std::string> next_revisions;  // revisions naming this one as down_revision
};

// One applied, reverted or stamped step, as the history table records it.
struct HistoryRecord {
  std::string revision;
  std::string direction;  // "upgrade", "downgrade" or "stamp"
  std::string checksum;
  std::string applied_at;  // UTC, ISO 8601
  double duration_ms = 0;
  std::string applied_by;
  std::string host;
  std::string tool_version;
};

// One way a schema differs from the one expected (check, verify).
struct SchemaDifference {
  std::string kind;    // "missing", "unexpected" or "changed"
  std::string table;   // "" for an enum
  std::string object;  // "table", "column c", "index ix", "foreign key fk", ...
  std::string detail;  // what differs, e.g. "type string(40) -> text"
  std::string description;  // the whole in one line
};

// What a run did, step by step, for reporting.
struct StepEvent {
  std::string revision;
  std::string direction;  // "upgrade" or "downgrade"
  std::vector<std::string> from;  // upgrade: the revision's parents; downgrade: the revision
  std::vector<std::string> to;    // upgrade: the revision; downgrade: its parents
  std::string message;
  double duration_ms = 0;
};

struct RunResult {
  std::vector<StepEvent> steps;
  std::vector<std::string> heads_before;
  std::vector<std::string> heads_after;
};

// Called after each step commits or completes.
using StepCallback = std::function<void(const StepEvent&)>;

struct NewRevisionOptions {
  std::string message;
  std::string rev_id;  // empty: a random 12-hex-digit id
  std::vector<std::string> head = {"head"};  // down_revision(s): a target resolving to heads
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  bool splice = false;  // allow a down_revision that is not a head
};

class Project {
 public:
  // Reads the config file and the migration scripts. Throws Error.
  static Project Open(const Settings& settings);

  Project(Project&&) noexcept;
  Project& operator=(Project&&) noexcept;
  ~Project();

  // Writes a new project skeleton into `directory`: retort.toml with
  // comments, schema/, migrations/versions/. Throws Error(kUsage) when a
  // retort.toml is already there.
  static std::vector<std::string> Init(const std::string& directory);

  // ---- Scripts (no database) ----
  // Every revision, newest first (reverse topological order).
  std::vector<RevisionInfo> Revisions() const;
  std::vector<RevisionInfo> Heads() const;
  std::vector<RevisionInfo> Branches() const;  // branch points
  // The revision with exactly this id, if a script declares it.
  std::optional<RevisionInfo> Lookup(const std::string& revision) const;
  // A full id, unique prefix, label, head or heads. Throws for an unknown or
  // ambiguous one.
  std::vector<RevisionInfo> Show(const std::string& target) const;
  // `history -r a:b`; `current` in the range reads the database.
  std::vector<RevisionInfo> History(const std::string& range) const;
  // Writes a new script and returns its path.
  std::string NewRevision(const NewRevisionOptions& options);
  // Writes a merge script over `revisions` (e.g. {"heads"}) and returns its path.
  std::string Merge(const std::vector<std::string>& revisions, const std::string& message,
                    const std::string& rev_id = "");

  // The declared schema (the config's schema files) against the schema the
  // scripts build at their heads; no database. Empty: they agree.
  std::vector<SchemaDifference> Check();

  // ---- Database ----
  // The live database against the schema the scripts build at its current
  // revision, as its dialect stores it. Empty: no drift. Throws
  // Error(kUnknownRevision) for a revision no script declares.
  std::vector<SchemaDifference> Verify();
  // The URL in use, password masked.
  std::string MaskedUrl() const;
  // The version table's rows (empty: nothing applied or no version table).
  std::vector<std::string> Current() const;
  // The history table's rows, oldest first.
  std::vector<HistoryRecord> AppliedHistory() const;
  RunResult Upgrade(const std::string& target, const StepCallback& on_step = {});
  RunResult Downgrade(const std::string& target, const StepCallback& on_step = {});
  // Sets the version table without running migrations. Returns the new rows.
  std::vector<std::string> Stamp(const std::string& target, bool purge = false);

 private:
  struct Impl;
  explicit Project(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace retort
