// retort's public API: everything the command line does, an application can
// do in-process.
//
//   retort::Project project = retort::Project::Open({.config_path = "retort.toml"});
//   retort::RunResult result = project.Upgrade("head");
//   for (const std::string& rev : project.Current()) std::cout << rev << "\n";
//
// or on a connection the application keeps (its own, or retort's):
//
//   retort::Database db = retort::Database::Borrow(my_sqlite3_handle);
//   project.Upgrade(db, "head");
//
// Every failure throws retort::Error (retort/error.h). A Project is not
// thread-safe; use one per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "retort/error.h"

struct sqlite3;  // SQLite's connection handle (sqlite3.h)
struct pg_conn;  // libpq's PGconn (libpq-fe.h)

namespace retort {

// The version of the library and the tool.
const char* Version();

// `text` (a message, a URL, a line of output) with every password it may
// hold replaced by "***": URL user information, also where a password holds
// unencoded '@', ':' or '/', and password-like keys (password=, PASSWORD=,
// pass%77ord=). The library masks what it reports; an application printing
// other text that may hold a URL passes it through this first.
std::string MaskPasswords(const std::string& text);

// A file given in memory: its name (for error locations and ordering) and
// its text.
struct SourceFile {
  std::string name;
  std::string text;
};

// Where the library reads the world around it: environment variables, the
// clock, randomness (new revision ids), and the user and host the history
// table records. Each member left empty reads the process's own; a test or
// an embedding application may give its own.
struct Environment {
  std::function<std::optional<std::string>(const std::string& name)> variable;
  std::function<std::chrono::system_clock::time_point()> now;
  std::function<uint64_t()> random;
  std::function<std::string()> user;
  std::function<std::string()> host;
};

struct Settings {
  // The config file; relative paths in it are taken from its folder. With
  // scripts or schema files given in memory, a missing config file is fine
  // (the defaults apply).
  std::string config_path = "retort.toml";
  // Migration scripts in memory (e.g. compiled into the application by the
  // CMake function retort_embed_migrations) instead of the config's
  // script_location; read in name order. Such a project cannot write new
  // scripts.
  std::vector<SourceFile> scripts;
  // Schema files in memory instead of the config's schema globs.
  std::vector<SourceFile> schema_files;
  // The database URL; empty: RETORT_DATABASE_URL, then DATABASE_URL, then
  // the config file's `url`.
  std::string url;
  // Overrides the config's transaction_per_migration when set.
  std::optional<bool> transaction_per_migration;
  // Overrides the config's create_database_schema when set.
  std::optional<bool> create_schema;
  // Called with the progress of long work (a table rebuild's copy of rows:
  // table, rows done, rows in all); unset: no reports, and the copy runs in
  // one statement. Not called by Fleet, whose targets run on several
  // threads (its TargetCallback reports progress instead).
  std::function<void(const std::string& table, int64_t done, int64_t total)> on_progress;
  // Overrides the config's lock_timeout (seconds to wait for another run's
  // lock, 0 to fail at once when locked, at most 86400) when set;
  // Project::Open throws Error(kUsage) for any other value.
  std::optional<double> lock_timeout_seconds;
  // The environment variables, clock, randomness, user and host to use.
  Environment environment;
};

struct RevisionInfo {
  std::string revision;
  std::vector<std::string> down_revisions;
  std::string message;
  std::vector<std::string> branch_labels;
  // As Alembic shows them: its own labels and those it inherits from the
  // revisions around it on its branch (see RevisionGraph::BranchNames).
  std::vector<std::string> branch_names;
  std::vector<std::string> depends_on;
  std::string create_date;
  std::string path;
  std::string checksum;
  // No revision names it as down_revision (the tip of its branch).
  bool is_head = false;
  // A head that other revisions depend on (depends_on): Alembic's "effective
  // head", not among the `heads` target's revisions.
  bool is_effective_head = false;
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

// An applied script that changed since it ran (validate, repair).
struct ScriptChange {
  std::string revision;
  std::string change;    // "edited" or "missing"
  std::string path;      // the script ("" when missing)
  std::string recorded;  // the checksum the history table recorded
  std::string current;   // the script's checksum now ("" when missing)
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
  // Fill the script with the operations that turn the schema at the new
  // revision's parents (replayed from the scripts, no database) into the
  // declared schema, and their downgrade.
  bool autogenerate = false;
  // With autogenerate: compare the declared schema with the live database
  // (Settings.url) instead of the scripts, as Alembic does.
  bool compare_database = false;
};

// One change an autogenerated script makes.
struct SchemaChange {
  std::string operation;    // "add_column", ...
  std::string description;  // "+ column users.age integer"
  // Non-empty for a destructive or risky change, saying why; the script
  // marks it `acknowledged: false`, and upgrade refuses it until an author
  // sets it to true.
  std::string risk;
};

struct NewRevisionResult {
  std::string path;  // "" when autogenerate found no change and wrote nothing
  std::vector<SchemaChange> changes;
  // With compare_database: what the database holds that no script made and
  // the declared schema lacks ("index extra_ix on t"). The new script leaves
  // it alone: a drop of it would not replay on the scripts' schema.
  std::vector<std::string> left_alone;
};

// ---- Adopting a database ----

struct PullOptions {
  // Only these tables (with their indexes, constraints and triggers), and
  // the extensions, enums and sequences; no views or functions. Empty:
  // everything.
  std::vector<std::string> tables;
};

// An object of the database that the schema files cannot declare.
struct LeftOut {
  std::string kind;  // "domain", "exclusion constraint", "partition", ...
  std::string name;  // "t.c" for what belongs to a table
  std::string sql;   // what makes it
};

struct PullResult {
  std::string text;  // the schema file
  size_t tables = 0, views = 0, functions = 0, triggers = 0;
  std::vector<LeftOut> left_out;  // not in `text`
  // The naming convention detected and written ("pk" -> template, "" for
  // the database's own names).
  std::map<std::string, std::string> naming;
};

// One Alembic revision file, as `import alembic` took it.
struct ImportedRevision {
  std::string source;    // the Alembic file
  std::string revision;  // its id ("" when it has none)
  std::string path;      // the retort script written; "" when not
  // Why it was not written: each statement that could not be translated
  // (file:line:column: what), or its parent not imported, or its id taken.
  std::vector<std::string> problems;
};

// ---- Many databases in one run ----

// What to do on every target of a fleet.
struct FleetCommand {
  enum class Kind { kUpgrade, kDowngrade, kCurrent, kStamp, kVerify, kValidate, kRepair };
  Kind kind = Kind::kUpgrade;
  std::string target;     // the revision target (upgrade, downgrade, stamp)
  bool dry_run = false;   // upgrade, downgrade, stamp: plan only, touching nothing
  bool with_sql = false;  // with dry_run: the statements too
  bool purge = false;     // stamp --purge
  bool check_heads = false;  // current: not at every head is kNotAtHead
  // stamp: only targets without a version yet (adopting existing
  // databases); the others are kept as they are.
  bool baseline = false;
  // With baseline: stamp only where the live schema equals the schema the
  // scripts build at `target` (verify's comparison); else a mismatch.
  bool require_match = false;
};

struct FleetOptions {
  // The targets: URLs, where a SQLite URL whose path has glob characters
  // names every matching file and a PostgreSQL URL whose ?schema= has * or ?
  // every matching schema of its database. With targets_file empty too: the
  // Project's URL.
  std::vector<std::string> urls;
  std::string targets_file;  // one URL (or pattern) a line; # comments
  int jobs = 0;              // parallel workers; 0: the machine's cores
  bool fail_fast = false;    // start no target after one fails
};

struct TargetResult {
  enum class Status {
    kCurrent,       // current: read
    kNotAtHead,     // current with check_heads: some head not reached
    kUpToDate,      // nothing to do
    kMigrated,      // upgrade, downgrade: steps ran
    kWouldMigrate,  // dry run: steps would run
    kStamped,
    kWouldStamp,    // dry run: the rows would change
    kKept,          // baseline: already versioned, left alone
    kClean,         // verify, validate: no differences
    kDrift,         // verify: differences; validate: changed scripts
    kRepaired,      // repair: changed scripts accepted
    kMismatch,      // baseline with require_match: the schema differs
    kFailed,
    kNotRun,        // fail_fast stopped the run first
  };
  std::string target;  // the URL, password masked
  Status status = Status::kNotRun;
  std::vector<std::string> heads_before;
  std::vector<std::string> heads_after;
  std::vector<std::string> missing_heads;  // kNotAtHead: the heads not reached
  // The steps run (or, in a dry run, that would run).
  std::vector<StepEvent> steps;
  std::vector<std::string> statements;  // dry run with SQL
  // Dry run: the unacknowledged destructive operations the steps hold
  // (a run refuses them), each as its error.
  std::vector<std::string> unacknowledged;
  std::vector<SchemaDifference> differences;  // verify, mismatch
  std::vector<ScriptChange> changes;          // validate
  std::string error;   // kFailed: the whole message
  int exit_code = 0;   // kFailed: the exit code the error means (2 or 3)
  double duration_ms = 0;
};

// "up to date", "migrated", "would migrate", "failed", ...
const char* StatusName(TargetResult::Status status);

struct FleetReport {
  std::vector<TargetResult> targets;  // in target order
  // 0 when every target succeeded; 1 when a verify or a baseline found
  // differences; else the highest exit code of a failed target.
  int ExitCode() const;
};

// Called as each target finishes, with how many have (calls never overlap).
using TargetCallback = std::function<void(const TargetResult&, size_t done, size_t total)>;

// An open database connection that commands run on, kept open across
// calls: retort's own (Project::OpenDatabase), or the application's,
// borrowed. Not thread-safe; one command at a time.
class Database {
 public:
  // The application's own SQLite connection, borrowed: retort runs on it
  // and never closes it. While the Database lives, foreign keys are
  // enforced on it (as on retort's own connections; the application's
  // setting is put back when it goes); its busy timeout is the
  // application's. `label` names it in errors.
  static Database Borrow(sqlite3* handle,
                         const std::string& label = "sqlite (the application's connection)");
  // The application's own libpq connection (PGconn*), borrowed: retort
  // works in its current schema (the first of its search_path), takes its
  // run lock on it, never changes its search path and never closes it.
  static Database Borrow(pg_conn* handle,
                         const std::string& label = "postgresql (the application's connection)");

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // What errors call it: the URL with its password masked, or the label.
  const std::string& label() const;

 private:
  friend class Project;
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
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
  // Writes a new script. With autogenerate and no change found, writes
  // nothing (path ""), unlike Alembic's empty script. Throws Error(kUsage)
  // for an empty (or blank) message.
  NewRevisionResult NewRevision(const NewRevisionOptions& options);
  // Writes a merge script over `revisions` (e.g. {"heads"}) and returns its path.
  std::string Merge(const std::vector<std::string>& revisions, const std::string& message,
                    const std::string& rev_id = "");

  // The declared schema (the config's schema files) against the schema the
  // scripts build at their heads; no database. Empty: they agree.
  std::vector<SchemaDifference> Check();

  // ---- Database ----
  // Builds the declared schema straight into the database (tables in
  // foreign-key order, enums, constraints, indexes), in one transaction,
  // without the version table: for tests that need the schema without its
  // history (SQLAlchemy's create_all). Fails if a table exists already.
  void CreateAll();
  // The live database against the declared schema as its dialect stores it:
  // empty when a migrated database equals what CreateAll builds.
  std::vector<SchemaDifference> CompareWithDeclared();
  // The live database against the schema the scripts build at its current
  // revision, as its dialect stores it. Empty: no drift. Throws
  // Error(kUnknownRevision) for a revision no script declares.
  std::vector<SchemaDifference> Verify();
  // The URL in use, password masked.
  std::string MaskedUrl() const;
  // The applied scripts that were edited or deleted since they ran, from
  // the history table's checksums. upgrade and downgrade refuse to run
  // while there is any.
  std::vector<ScriptChange> Validate();
  // Accepts the changes Validate reports: records the scripts' current
  // checksums (or their removal) in the history table, as "repair" rows.
  // Returns what it accepted.
  std::vector<ScriptChange> Repair();
  // The version table's rows (empty: nothing applied or no version table).
  std::vector<std::string> Current() const;
  // The revisions `rows` (Current()'s) depend on (depends_on, directly or
  // not) that no row descends from: with the rows, what Alembic's `current`
  // lists (its effective heads). Throws for a row no script declares.
  std::vector<std::string> DependedOn(const std::vector<std::string>& rows) const;
  // The heads of the scripts that version rows `rows` are not at (neither
  // a row nor what a row depends on): `current --check-heads`.
  std::vector<std::string> MissingHeads(const std::vector<std::string>& rows) const;
  // The history table's rows, oldest first.
  std::vector<HistoryRecord> AppliedHistory() const;
  RunResult Upgrade(const std::string& target, const StepCallback& on_step = {});
  RunResult Downgrade(const std::string& target, const StepCallback& on_step = {});
  // The SQL script of an upgrade (upgrade = true) or downgrade over `range`,
  // without connecting: "a:b" from a (a revision, or base) to b, or for an
  // upgrade just "b", from base. `dialect` is "sqlite" or "postgresql"; ""
  // takes it from the URL. Version and history table updates included.
  // With `unacknowledged`, a step with unacknowledged destructive
  // operations is written too (after a comment naming each), and each is
  // added there as the error a run gives; without, it is refused.
  std::string OfflineSql(const std::string& range, bool upgrade, const std::string& dialect = "",
                         std::vector<std::string>* unacknowledged = nullptr);
  // `stamp --sql`: the version and history table statements that stamp
  // `range` (a:b, or b from base) offline; `purge` deletes every row first.
  std::string OfflineStamp(const std::string& range, bool purge = false, const std::string& dialect = "");
  // `ensure_version`: creates the version and history tables when they are
  // missing (Alembic's ensure_version); OfflineEnsureVersion prints their
  // statements for the URL's dialect (or `dialect`) instead.
  void EnsureVersion();
  std::string OfflineEnsureVersion(const std::string& dialect = "");

  // Sets the version table without running migrations. Returns the new rows.
  std::vector<std::string> Stamp(const std::string& target, bool purge = false);

  // ---- Database, on a connection kept open ----
  // Each command above that uses the database opens a connection to the
  // project's URL and closes it again. These run on `db` instead: one
  // opened once (OpenDatabase, e.g. sqlite://:memory:, which lives as
  // long as its connection) or the application's own (Database::Borrow).
  // Opens the project's URL with its settings (lock timeout, schema),
  // creating a missing SQLite file, and keeps it open.
  Database OpenDatabase() const;
  RunResult Upgrade(Database& db, const std::string& target, const StepCallback& on_step = {});
  RunResult Downgrade(Database& db, const std::string& target, const StepCallback& on_step = {});
  std::vector<std::string> Stamp(Database& db, const std::string& target, bool purge = false);
  std::vector<std::string> Current(Database& db) const;
  std::vector<HistoryRecord> AppliedHistory(Database& db) const;
  std::vector<SchemaDifference> Verify(Database& db);
  std::vector<ScriptChange> Validate(Database& db);
  std::vector<ScriptChange> Repair(Database& db);
  void CreateAll(Database& db);
  std::vector<SchemaDifference> CompareWithDeclared(Database& db);

  // Reads the live database and writes the schema file that declares it
  // (`retort pull`): the naming convention its names follow, then every
  // object the model holds, tables in foreign-key order, objects as the
  // catalog lists them; retort's and Alembic's version tables left out.
  // What the model cannot hold is in `left_out`, not dropped silently.
  // `retort import alembic DIR`: translates each revision file (*.py) of
  // an Alembic versions folder into a retort script with the same id,
  // parents, labels, dependencies and message, written in the scripts
  // folder, parents first. A revision with anything untranslated is not
  // written (nor what builds on it), and says why. Unnamed constraints are
  // named by this project's naming convention, so it must be the Alembic
  // project's: the one `naming_file` declares (a YAML file with a
  // `naming_convention:` map), else the one env.py (beside the folder or in
  // it) gives its MetaData; throws Error(kUsage) naming both, and writes
  // nothing, when they differ.
  std::vector<ImportedRevision> ImportAlembic(const std::string& directory, const std::string& naming_file = "");

  PullResult Pull(const PullOptions& options = {});
  PullResult Pull(Database& db, const PullOptions& options = {});
  // Where `pull` writes unless told: the first file the config's first
  // schema glob matches, else schema.yaml in that glob's folder.
  std::string DefaultSchemaFile() const;

  // Runs `command` on every target of `options`, `options.jobs` at a time,
  // each target with its own connection, transactions and lock. A target's
  // failure is reported in its result and the others go on (unless
  // fail_fast). Throws Error only for what stops the run as a whole (a bad
  // target file or pattern, no targets, a bad revision target).
  FleetReport Fleet(const FleetCommand& command, const FleetOptions& options,
                    const TargetCallback& on_target = {});
  // The targets `options` name, patterns expanded (PostgreSQL patterns ask
  // the server).
  std::vector<std::string> FleetTargets(const FleetOptions& options) const;
  // True when `options` (or, without URLs, the Project's URL) may name more
  // than one database: a pattern, several URLs, or a targets file.
  bool NamesManyTargets(const FleetOptions& options) const;

 private:
  struct Impl;
  explicit Project(std::unique_ptr<Impl> impl);
  std::vector<std::string> OfflineHeads(const std::string& from) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace retort
