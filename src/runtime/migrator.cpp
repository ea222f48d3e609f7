#include "runtime/migrator.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "autogen/lint.h"
#include "runtime/checksums.h"
#include "dialect/sql_text.h"
#include "ops/replay.h"

namespace retort::runtime {
namespace {

std::set<std::string> AsSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::vector<std::string> AfterStep(std::vector<std::string> heads, const script::Step& step) {
  std::erase_if(heads, [&](const std::string& h) {
    return std::find(step.remove.begin(), step.remove.end(), h) != step.remove.end();
  });
  for (const std::string& a : step.add) heads.push_back(a);
  return heads;
}

// A target that does not depend on where the database stands.
bool IsAbsolute(const std::string& target) {
  return target.find('+') == std::string::npos &&
         (target.find('-') == std::string::npos || target.find('@') == std::string::npos) &&
         !target.starts_with('-');
}

}  // namespace

Planner::Planner(const script::ScriptSet& scripts, const schema::NamingConvention& naming,
                 const dialect::Dialect& dialect, MigratorOptions options)
    : scripts_(scripts.For(dialect.name())), naming_(naming), dialect_(dialect), options_(std::move(options)) {}

Migrator::Migrator(const script::ScriptSet& scripts, const schema::NamingConvention& naming,
                   dialect::Connection& connection, MigratorOptions options)
    : Planner(scripts, naming, connection.dialect(), std::move(options)), connection_(connection) {}

Error Planner::InContext(const Error& e, const std::string& revision) const {
  return e.WithContext(Location{.revision = revision, .target = options_.target_label});
}

void Planner::CheckKnown(const std::vector<std::string>& heads) const {
  for (const std::string& head : heads) {
    if (!scripts_.graph().Find(head)) {
      throw Error(ErrorKind::kUnknownRevision,
                  "the database is at revision '" + head +
                      "', which no migration script declares (stamp --purge resets it)",
                  Location{.target = options_.target_label});
    }
  }
}

namespace {

// A destructive or risky upgrade operation runs only once its author has
// said so in the script (`acknowledged: true`); downgrades undo what an
// upgrade did and are not held back.
// Each such operation of `operations` (replayed from `schema`), as the
// error that refuses it.
std::vector<Error> Unacknowledged(const std::vector<ops::OpAt>& operations, const schema::Schema& schema) {
  // Replaying a copy of the schema costs; most steps have nothing to judge.
  bool candidates = std::any_of(operations.begin(), operations.end(), [](const ops::OpAt& at) {
    return !at.acknowledged && autogen::MayBeRisky(at.op);
  });
  std::vector<Error> out;
  if (!candidates) return out;
  for (const autogen::LintFinding& f : autogen::Unacknowledged(operations, schema)) {
    out.emplace_back(ErrorKind::kInput,
                     "unacknowledged destructive change: " + f.risk +
                         "; review it, then add `acknowledged: true` to this " + ops::OperationName(f.op->op),
                     f.op->where);
  }
  return out;
}

void RefuseUnacknowledged(const std::vector<ops::OpAt>& operations, const schema::Schema& schema) {
  std::vector<Error> found = Unacknowledged(operations, schema);
  if (found.empty()) return;
  if (found.size() == 1) throw found.front();
  throw Error(ErrorKind::kInput,
              found.front().message() + " (and " + std::to_string(found.size() - 1) + " more in this script)",
              found.front().where());
}

}  // namespace

std::vector<Planner::PreparedStep> Planner::Prepare(const std::vector<std::string>& heads,
                                                      const std::string& target, bool upgrade,
                                                      bool review) const {
  const script::RevisionGraph& graph = scripts_.graph();
  std::vector<script::Step> steps =
      upgrade ? graph.PlanUpgrade(heads, target) : graph.PlanDowngrade(heads, target);
  std::vector<PreparedStep> prepared;
  if (steps.empty()) return prepared;

  schema::Schema schema;
  schema.naming = naming_;
  std::unordered_set<std::string> undo;
  if (!upgrade) {
    for (const script::Step& s : steps) undo.insert(s.revision);
  }
  std::unordered_map<std::string, std::vector<ops::OpAt>> downgrades =
      scripts_.Replay(heads, schema, undo);

  const dialect::Dialect& dialect = dialect_;
  for (script::Step& step : steps) {
    PreparedStep p;
    p.script = &scripts_.Get(step.revision);
    try {
      const std::vector<ops::OpAt>& operations =
          upgrade ? p.script->upgrade : downgrades.at(step.revision);
      if (upgrade && review) {
        for (const Error& e : Unacknowledged(operations, schema)) p.unacknowledged.push_back(e.what());
      } else if (upgrade) {
        RefuseUnacknowledged(operations, schema);
      }
      p.rendered = dialect.RenderOps(operations, schema);
    } catch (const Error& e) {
      throw InContext(e, step.revision);
    }
    p.step = std::move(step);
    prepared.push_back(std::move(p));
  }
  return prepared;
}

namespace {

// Holds the run lock outside a transaction while it lives.
class SessionLock {
 public:
  explicit SessionLock(dialect::Connection& connection) : connection_(connection) {
    connection_.LockSession();
  }
  ~SessionLock() {
    try {
      connection_.UnlockSession();
    } catch (...) {
    }
  }

 private:
  dialect::Connection& connection_;
};

}  // namespace

StepEvent Migrator::Execute(const PreparedStep& p, VersionStore& store,
                            const std::vector<std::string>& heads) {
  std::optional<SessionLock> lock;
  if (!p.script->transactional) {
    // Outside a transaction: hold the lock ourselves, and make sure no other
    // run moved the database since this one planned.
    lock.emplace(connection_);
    if (AsSet(store.Heads()) != AsSet(heads)) {
      throw Error(ErrorKind::kDatabase, "another run changed the database during this one; run again",
                  Location{.revision = p.step.revision, .target = options_.target_label});
    }
  }
  bool up = p.step.direction == script::Step::Direction::kUpgrade;
  const char* direction = up ? "upgrade" : "downgrade";
  auto start = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  double ms = 0;
  try {
    if (p.script->transactional) {
      // The step and its version change go to the database together; the
      // history row follows with the time they took.
      std::vector<dialect::Step> all = p.rendered;
      for (dialect::Statement& s : store.ChangeStatements(p.step.remove, p.step.add)) {
        all.push_back(std::move(s));
      }
      connection_.Run(all);
      ms = elapsed_ms();
      store.Record(p.step.revision, direction, p.script->checksum(), ms);
    } else {
      connection_.Run(p.rendered);
      ms = elapsed_ms();
      dialect::Transaction own(connection_);
      store.Change(p.step.remove, p.step.add);
      store.Record(p.step.revision, direction, p.script->checksum(), ms);
      own.Commit();
    }
  } catch (const Error& e) {
    throw InContext(e, p.step.revision);
  }
  // Reported as Alembic does: from the revision's parents to it, or back.
  std::vector<std::string> self = {p.step.revision};
  const std::vector<std::string>& parents = p.script->down_revisions;
  return StepEvent{p.step.revision, up ? "upgrade" : "downgrade", up ? parents : self,
                   up ? self : parents, p.script->message, ms};
}

bool Migrator::NeedsSuspension(const std::vector<PreparedStep>& prepared) {
  return std::any_of(prepared.begin(), prepared.end(),
                     [](const PreparedStep& p) { return dialect::SuspendsForeignKeys(p.rendered); });
}

Migrator::Plan Migrator::PlanOnly(const std::string& target, bool upgrade, bool review) {
  VersionStore store(connection_, options_.version_table, options_.history_table,
                     options_.environment);
  Plan plan;
  plan.heads = store.Heads();
  CheckKnown(plan.heads);
  plan.steps = Prepare(plan.heads, target, upgrade, review);
  return plan;
}

std::vector<std::string> Migrator::PlanStamp(const std::string& target, bool purge,
                                             std::vector<std::string>* heads) {
  VersionStore store(connection_, options_.version_table, options_.history_table,
                     options_.environment);
  std::vector<std::string> now = store.Heads();
  if (!purge) CheckKnown(now);
  std::vector<std::string> rows = scripts_.graph().StampRows(now, target, purge);
  if (heads) *heads = std::move(now);
  return rows;
}

RunResult Migrator::Run(const std::string& target, bool upgrade, const StepCallback& on_step) {
  RunResult result;
  VersionStore store(connection_, options_.version_table, options_.history_table,
                     options_.environment);
  {
    // A database already at the target costs one read, outside any
    // transaction and lock: what a rerun over many databases meets most.
    std::vector<std::string> seen = store.Heads();
    CheckKnown(seen);
    const script::RevisionGraph& graph = scripts_.graph();
    if ((upgrade ? graph.PlanUpgrade(seen, target) : graph.PlanDowngrade(seen, target)).empty()) {
      result.heads_before = result.heads_after = seen;
      return result;
    }
  }
  std::optional<dialect::Transaction> txn;
  std::vector<std::string> heads;
  std::vector<PreparedStep> prepared;
  bool suspend = false;
  // Opens a transaction, reads the version table inside it and plans from
  // there. A plan that rebuilds a table needs foreign-key actions off, which
  // SQLite can switch only between transactions: then it starts again with
  // them suspended, for the rest of the run.
  auto begin_and_plan = [&] {
    for (;;) {
      txn.reset();
      txn.emplace(connection_, suspend);
      store.EnsureTables();
      heads = store.Heads();
      CheckKnown(heads);
      prepared = Prepare(heads, target, upgrade);
      if (!prepared.empty()) {
        RefuseChangedScripts(ChangedScripts(scripts_, store.History(), heads), options_.target_label);
      }
      if (suspend || !NeedsSuspension(prepared)) return;
      suspend = true;
    }
  };
  begin_and_plan();
  result.heads_before = heads;

  for (size_t i = 0; i < prepared.size(); ++i) {
    const PreparedStep& p = prepared[i];
    if (!p.script->transactional && txn) {
      // Runs alone, outside the run's transaction.
      txn->Commit();
      txn.reset();
    }
    StepEvent event = Execute(p, store, heads);
    heads = AfterStep(heads, p.step);
    bool last = i + 1 == prepared.size();
    if (options_.transaction_per_migration || !p.script->transactional) {
      try {
        if (txn) txn->Commit();
      } catch (const Error& e) {
        throw InContext(e, p.step.revision);
      }
      if (on_step) on_step(event);
      result.steps.push_back(std::move(event));
      if (last) {
        txn.reset();
        break;
      }
      txn.emplace(connection_, suspend);
      if (AsSet(store.Heads()) != AsSet(heads)) {
        // Another run moved the database between our transactions.
        if (!IsAbsolute(target)) {
          throw Error(ErrorKind::kDatabase,
                      "another run changed the database during this one; run again",
                      Location{.target = options_.target_label});
        }
        begin_and_plan();
        i = static_cast<size_t>(-1);
      }
      continue;
    }
    if (on_step) on_step(event);
    result.steps.push_back(std::move(event));
  }
  if (txn) txn->Commit();
  result.heads_after = heads;
  return result;
}

RunResult Migrator::Upgrade(const std::string& target, const StepCallback& on_step) {
  return Run(target, true, on_step);
}

RunResult Migrator::Downgrade(const std::string& target, const StepCallback& on_step) {
  return Run(target, false, on_step);
}

std::vector<std::string> Migrator::Stamp(const std::string& target, bool purge) {
  VersionStore store(connection_, options_.version_table, options_.history_table,
                     options_.environment);
  dialect::Transaction txn(connection_);
  store.EnsureTables();
  std::vector<std::string> heads = store.Heads();
  if (!purge) CheckKnown(heads);
  std::vector<std::string> rows = scripts_.graph().StampRows(heads, target, purge);
  store.Replace(heads, rows);
  std::set<std::string> old = AsSet(heads);
  for (const std::string& row : rows) {
    if (!old.count(row)) store.Record(row, "stamp", scripts_.Get(row).checksum(), 0);
  }
  txn.Commit();
  return rows;
}

namespace {

std::string HeadsText(const std::vector<std::string>& heads) {
  std::string out;
  for (const std::string& h : heads) out += (out.empty() ? "" : ", ") + h;
  return out.empty() ? "<base>" : out;
}

}  // namespace

std::string Planner::OfflineScript(const std::vector<std::string>& heads, const std::string& target,
                                   bool upgrade, std::vector<std::string>* unacknowledged) const {
  CheckKnown(heads);
  std::vector<PreparedStep> steps = Prepare(heads, target, upgrade, unacknowledged != nullptr);
  VersionStatements store(dialect_, options_.version_table, options_.history_table,
                          options_.environment);
  dialect::SqlText out;
  out.Comment(std::string(upgrade ? "upgrade " : "downgrade ") + HeadsText(heads) + " -> " + target +
              ": " + std::to_string(steps.size()) + " steps for " + std::string(dialect_.name()) +
              ", written by retort " + retort::Version());
  bool suspends = std::any_of(steps.begin(), steps.end(), [](const PreparedStep& p) {
    return dialect::SuspendsForeignKeys(p.rendered);
  });
  // Foreign keys suspended or enforced, as in a live run.
  if (!dialect_.ForeignKeysSql(suspends).empty()) out.Add(dialect_.ForeignKeysSql(suspends));
  out.Add("BEGIN");
  WriteVersionTables(out);
  // From the first step a run refuses (unacknowledged destructive
  // operations, written for review), the rest is written commented out and
  // the script rolls back: applied, it changes nothing.
  dialect::SqlText held;
  dialect::SqlText* sink = &out;
  for (const PreparedStep& p : steps) {
    bool up = p.step.direction == script::Step::Direction::kUpgrade;
    const char* direction = up ? "upgrade" : "downgrade";
    if (!p.unacknowledged.empty() && sink == &out) {
      out.Comment("A run refuses the step below: from here on the script is commented out, for review, and it "
                  "rolls back.",
                  true);
      sink = &held;
    }
    if (!p.script->transactional) sink->Add("COMMIT");
    sink->Comment(std::string("Running ") + direction + " " +
                      HeadsText(up ? p.script->down_revisions : std::vector<std::string>{p.step.revision}) +
                      " -> " +
                      HeadsText(up ? std::vector<std::string>{p.step.revision} : p.script->down_revisions) +
                      ", " + p.script->message,
                  true);
    for (const std::string& u : p.unacknowledged) {
      sink->Comment("UNACKNOWLEDGED: " + u + " (a run refuses this step)");
      if (unacknowledged) unacknowledged->push_back(u);
    }
    dialect::WriteSteps(p.rendered, *sink);
    if (!p.script->transactional) sink->Add("BEGIN");
    for (const dialect::Statement& st : store.ChangeStatements(p.step.remove, p.step.add)) sink->Add(st);
    sink->Add(store.RecordStatement(p.step.revision, direction, p.script->checksum(), 0));
  }
  out.Blank();
  if (sink == &held) {
    const std::string& text = held.text();
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      if (end > at) out.Comment(text.substr(at, end - at));
      at = end + 1;
    }
    out.Blank();
    out.Add("ROLLBACK");
    return out.text();
  }
  out.Add("COMMIT");
  return out.text();
}

void Planner::WriteVersionTables(dialect::SqlText& out) const {
  for (const std::string& sql : dialect_.CreateVersionTable(options_.version_table)) out.Add(sql);
  for (const std::string& sql : dialect_.CreateHistoryTable(options_.history_table)) out.Add(sql);
}

std::string Planner::OfflineVersionTables() const {
  dialect::SqlText out;
  out.Comment("the version and history tables for " + std::string(dialect_.name()) + ", written by retort " +
              retort::Version());
  out.Add("BEGIN");
  WriteVersionTables(out);
  out.Add("COMMIT");
  return out.text();
}

std::string Planner::OfflineStamp(const std::vector<std::string>& heads, const std::string& target,
                                   bool purge) const {
  if (!purge) CheckKnown(heads);
  std::vector<std::string> rows = scripts_.graph().StampRows(heads, target, purge);
  VersionStatements store(dialect_, options_.version_table, options_.history_table, options_.environment);
  dialect::SqlText out;
  out.Comment("stamp " + HeadsText(heads) + " -> " + HeadsText(rows) + " for " + std::string(dialect_.name()) +
              ", written by retort " + retort::Version());
  out.Add("BEGIN");
  WriteVersionTables(out);
  const std::set<std::string> old = AsSet(heads), wanted = AsSet(rows);
  std::vector<std::string> remove, add;
  if (purge) {
    out.Add("DELETE FROM " + dialect_.Quote(options_.version_table));
    add = rows;
  } else {
    for (const std::string& h : heads) {
      if (!wanted.count(h)) remove.push_back(h);
    }
    for (const std::string& r : rows) {
      if (!old.count(r)) add.push_back(r);
    }
  }
  for (const dialect::Statement& st : store.ChangeStatements(remove, add)) out.Add(st);
  for (const std::string& r : add) out.Add(store.RecordStatement(r, "stamp", scripts_.Get(r).checksum(), 0));
  out.Add("COMMIT");
  return out.text();
}

}  // namespace retort::runtime
