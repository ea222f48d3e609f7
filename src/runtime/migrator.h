// Plans and runs upgrades, downgrades and stamps on one database.
//
// Every run renders all of its statements before touching the database, so
// bad input changes nothing. By default the run is one transaction, version
// updates included; with transaction_per_migration each migration commits
// with its own version update. Either way a failure leaves the database at a
// revision, never between. Runs hold the database's write lock (SQLite:
// BEGIN IMMEDIATE) and read the version table inside it, so two runs at
// once never apply a step twice.
#pragma once

#include <string>
#include <vector>

#include "dialect/dialect.h"
#include "retort/retort.h"
#include "runtime/version_store.h"
#include "script/script_set.h"

namespace retort::runtime {

struct MigratorOptions {
  std::string version_table = "retort_version";
  std::string history_table = "retort_history";
  bool transaction_per_migration = false;
  std::string target_label;  // the masked URL, for error locations
  const Environment* environment = nullptr;  // null: the process's
};

// Plans runs for a dialect, with no database: renders each step in
// advance, and writes a run as an offline SQL script.
class Planner {
 public:
  // `scripts` and `naming` must outlive the planner.
  Planner(const script::ScriptSet& scripts, const schema::NamingConvention& naming,
          const dialect::Dialect& dialect, MigratorOptions options);

  // The run from `heads` to `target` as one SQL script for the dialect,
  // with the version and history tables' updates, nothing connected:
  // statements end in ";", values are inlined, each step is preceded by a
  // comment line, the run is one transaction (scripts that cannot run in
  // one go between COMMIT and BEGIN). The steps are written as a live run
  // executes them (dialect::CompositeStep::Write).
  // With `unacknowledged`, a step with unacknowledged destructive
  // operations is written too, after a comment line naming each, and they
  // are added there; without, such a step is refused (Error(kInput)).
  std::string OfflineScript(const std::vector<std::string>& heads, const std::string& target,
                            bool upgrade, std::vector<std::string>* unacknowledged = nullptr) const;

  // Stamping from `heads` to `target` as an SQL script: the version and
  // history tables made when missing, the rows changed (with `purge`,
  // every row deleted first), one history row per revision stamped.
  std::string OfflineStamp(const std::vector<std::string>& heads, const std::string& target, bool purge) const;
  // The version and history tables made when missing, as an SQL script.
  std::string OfflineVersionTables() const;

  // A step with every statement it will run, rendered in advance.
  struct PreparedStep {
    script::Step step;
    const script::MigrationScript* script = nullptr;
    std::vector<dialect::Step> rendered;
    // Prepared for review: its unacknowledged destructive operations, each
    // as the error a run refuses it with.
    std::vector<std::string> unacknowledged;
  };

  // Throws Error(kUnknownRevision) for a version row no script declares.
  void CheckKnown(const std::vector<std::string>& heads) const;

  // Renders the plan from `heads` to `target`. Throws Error for a bad
  // target, an operation that does not fit the replayed schema, or one the
  // dialect cannot render.
  // With `review`, unacknowledged destructive operations are listed in
  // each step instead of refused.
  std::vector<PreparedStep> Prepare(const std::vector<std::string>& heads,
                                    const std::string& target, bool upgrade, bool review = false) const;

 protected:
  Error InContext(const Error& e, const std::string& revision) const;
  // The version and history tables' CREATE ... IF NOT EXISTS, for an
  // offline script.
  void WriteVersionTables(dialect::SqlText& out) const;

  const script::ScriptSet& scripts_;
  const schema::NamingConvention& naming_;
  const dialect::Dialect& dialect_;
  MigratorOptions options_;
};

// Runs plans on one database.
class Migrator : public Planner {
 public:
  // `scripts`, `naming` and `connection` must outlive the migrator.
  Migrator(const script::ScriptSet& scripts, const schema::NamingConvention& naming,
           dialect::Connection& connection, MigratorOptions options);

  RunResult Upgrade(const std::string& target, const StepCallback& on_step);
  RunResult Downgrade(const std::string& target, const StepCallback& on_step);
  std::vector<std::string> Stamp(const std::string& target, bool purge);

  // What a run to `target` would do now, touching nothing: the version
  // table's rows and the rendered steps. Throws what Prepare throws, and
  // Error(kUnknownRevision) for a row no script declares.
  struct Plan {
    std::vector<std::string> heads;
    std::vector<PreparedStep> steps;
  };
  Plan PlanOnly(const std::string& target, bool upgrade, bool review = false);
  // The version rows a Stamp would leave, touching nothing, and those
  // there now (`heads`).
  std::vector<std::string> PlanStamp(const std::string& target, bool purge,
                                     std::vector<std::string>* heads = nullptr);

 private:
  RunResult Run(const std::string& target, bool upgrade, const StepCallback& on_step);
  // True when a step rebuilds a table: the run's transactions must suspend
  // foreign keys (dialect::Connection::BeginWrite).
  static bool NeedsSuspension(const std::vector<PreparedStep>& prepared);
  // Runs one step and records it. `heads` are the version rows before it.
  StepEvent Execute(const PreparedStep& prepared, VersionStore& store,
                    const std::vector<std::string>& heads);

  dialect::Connection& connection_;
};

}  // namespace retort::runtime
