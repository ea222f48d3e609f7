// The public Project facade over config, scripts, dialects and the migrator.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <fstream>
#include <optional>
#include <random>
#include <set>

#include "autogen/compare.h"
#include "autogen/diff.h"
#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "dialect/postgresql/postgresql_connection.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "dialect/targets.h"
#include "retort/retort.h"
#include "runtime/autogenerate.h"
#include "runtime/checksums.h"
#include "runtime/config.h"
#include "runtime/environment.h"
#include "runtime/fleet.h"
#include "runtime/version_store.h"
#include "runtime/migrator.h"
#include "schema/naming.h"
#include "format/schema_read.h"
#include "format/writer.h"
#include "script/new_file.h"
#include "script/script_set.h"
#include "script/script_write.h"
#include "script/alembic_import.h"

namespace retort {

namespace fs = std::filesystem;

const char* Version() { return RETORT_VERSION; }

std::string MaskPasswords(const std::string& text) { return dialect::MaskPassword(text); }

namespace {

std::vector<SchemaDifference> Differences(schema::Schema expected, schema::Schema actual) {
  expected.naming = {};
  actual.naming = {};
  std::vector<SchemaDifference> out;
  for (const autogen::Difference& d : autogen::CompareSchemas(expected, actual)) {
    static constexpr const char* kKinds[] = {"missing", "unexpected", "changed"};
    out.push_back({kKinds[static_cast<int>(d.kind)], d.table, d.object, d.detail, d.Describe()});
  }
  return out;
}

}  // namespace

struct Project::Impl {
  Settings settings;
  runtime::Config config;
  std::optional<schema::NamingConvention> naming;  // see Naming()
  std::optional<script::ScriptSet> scripts;

  // The schema files' naming convention (with the defaults), read on first
  // use: read-only commands served from the header cache never need it.
  const schema::NamingConvention& Naming() {
    if (!naming) {
      schema::NamingConvention declared;
      if (StartDeclared()) declared = declared_files->get().naming;
      naming = schema::WithDefaults(declared);
    }
    return *naming;
  }

  // The schema files, read on another thread from the first call, so that
  // the scripts' YAML can be read meanwhile. False when there are none.
  std::optional<std::shared_future<schema::Schema>> declared_files;
  bool StartDeclared() {
    if (!declared_files) {
      if (!settings.schema_files.empty()) {
        std::vector<std::pair<std::string, std::string>> sources;
        for (const SourceFile& f : settings.schema_files) sources.emplace_back(f.name, f.text);
        std::promise<schema::Schema> loaded;
        try {
          loaded.set_value(format::LoadSchemaTexts(sources));
        } catch (...) {
          loaded.set_exception(std::current_exception());
        }
        declared_files = loaded.get_future().share();
        return true;
      }
      std::vector<std::string> paths = runtime::SchemaPaths(config);
      if (paths.empty()) return false;
      declared_files = std::async(std::launch::async, [paths] {
                         return format::LoadSchemaFiles(paths);
                       }).share();
    }
    return true;
  }
  std::string url;

  // The declared schema, from the config's schema files.
  schema::Schema Declared() {
    if (!StartDeclared()) {
      throw Error(ErrorKind::kUsage, "no schema files match the config's schema globs",
                  Location{.file = config.path});
    }
    schema::Schema declared = declared_files->get();
    if (!naming) naming = schema::WithDefaults(declared.naming);
    return declared;
  }

  // Read-only commands need the graph only: headers, from the cache.
  void LoadScripts(bool headers_only) {
    if (!settings.scripts.empty()) {
      std::vector<SourceFile> sorted = settings.scripts;
      std::sort(sorted.begin(), sorted.end(),
                [](const SourceFile& a, const SourceFile& b) { return a.name < b.name; });
      std::vector<script::MigrationScript> parsed;
      for (const SourceFile& f : sorted) parsed.push_back(script::ParseScript(f.text, f.name, Naming()));
      scripts.emplace(std::move(parsed));
      return;
    }
    if (!fs::exists(config.script_location)) {
      scripts.emplace(std::vector<script::MigrationScript>{});
      return;
    }
    scripts.emplace(script::ScriptSet::LoadDirectory(
        config.script_location, [this]() -> const schema::NamingConvention& { return Naming(); },
        headers_only, NamingKey()));
  }

  // What the naming convention is read from, as LoadHeaders keys its cache
  // on: the schema files' paths and stamps (or texts), unparsed.
  std::string NamingKey() const {
    std::string key;
    if (!settings.schema_files.empty()) {
      for (const SourceFile& f : settings.schema_files) {
        key += f.name + "#" + std::to_string(std::hash<std::string>{}(f.text)) + ";";
      }
      return key;
    }
    for (const std::string& path : runtime::SchemaPaths(config)) {
      key += path + "#" + script::FileStamp(path) + ";";
    }
    return key;
  }

  // The scripts with their operations, for runs.
  const script::ScriptSet& Full() {
    if (!scripts || !scripts->complete()) LoadScripts(false);
    return *scripts;
  }

  // The dialect that replays with no database in hand (check,
  // autogenerate) are for: the URL's when there is one, else the embedded
  // default. It matters only to operations limited to some dialects.
  std::string_view HomeDialect() const {
    if (!url.empty()) {
      try {
        return dialect::DialectOf(dialect::ParseUrl(url)).name;
      } catch (const Error&) {
        // A URL no command here connects to: its dialect is not known either.
      }
    }
    return dialect::Dialects().front()->name;
  }

  // The scripts, with their headers at least (enough for the graph): read
  // on first use, so that a command that needs the operations reads each
  // file once.
  const script::ScriptSet& Loaded() {
    if (!scripts) LoadScripts(true);
    return *scripts;
  }

  const std::string& Url() const {
    if (url.empty()) {
      throw Error(ErrorKind::kUsage,
                  "no database URL: give --url, set RETORT_DATABASE_URL or DATABASE_URL, "
                  "or set url in the config file");
    }
    return url;
  }

  // The project's database. Its scripts are read first (their headers at
  // least): a malformed script fails before any database is touched.
  std::unique_ptr<dialect::Connection> Connect(bool create) {
    Loaded();
    return ConnectTo(Url(), create);
  }

  // A connection to one target, the config's database_schema applying to
  // a PostgreSQL URL that names no schema.
  std::unique_ptr<dialect::Connection> ConnectTo(const std::string& target, bool create) const {
    dialect::DatabaseUrl parsed = dialect::ParseUrl(target);
    if (dialect::DialectOf(parsed).caps.schemas && parsed.schema.empty() &&
        !config.database_schema.empty()) {
      parsed = dialect::ParseUrl(dialect::WithQueryParameter(target, "schema", config.database_schema));
    }
    // Before anything is created (a schema, say): names the dialect cannot keep.
    dialect::DialectOf(parsed).dialect().CheckVersionTables(config.version_table, config.history_table);
    std::unique_ptr<dialect::Connection> connection = dialect::Connect(
        parsed, {.create = create,
                 .lock_timeout_ms = config.lock_timeout_ms,
                 .create_schema = CreatesSchema(),
                 .lock_name = config.version_table});
    if (settings.on_progress) connection->SetProgress(settings.on_progress);
    return connection;
  }

  runtime::MigratorOptions Options() const { return OptionsFor(url); }
  runtime::MigratorOptions OptionsFor(const std::string& target) const {
    return {config.version_table, config.history_table,
            settings.transaction_per_migration.value_or(config.transaction_per_migration),
            dialect::MaskPassword(target), &settings.environment};
  }

  // The live database of `conn` against the schema `expected_at` (the
  // scripts' schema at those revisions), as its dialect stores it.
  std::vector<SchemaDifference> Compare(dialect::Connection& conn,
                                        const std::vector<std::string>& expected_at) {
    schema::Schema expected =
        conn.dialect().Normalize(Full().For(conn.dialect().name()).SchemaAt(expected_at, Naming()));
    conn.CanonicalizeExpressions(expected);
    return Differences(expected, conn.Inspect({config.version_table, config.history_table}));
  }

  // Verify on one connection: its version rows must all be known.
  std::vector<SchemaDifference> VerifyOn(dialect::Connection& conn, const std::string& label) {
    const script::ScriptSet& all = Full();
    std::vector<std::string> rows =
        runtime::VersionStore(conn, config.version_table, config.history_table).Heads();
    for (const std::string& row : rows) {
      if (!all.graph().Find(row)) {
        throw Error(ErrorKind::kUnknownRevision,
                    "the database is at revision '" + row + "', which no migration script declares",
                    Location{.target = label});
      }
    }
    return Compare(conn, rows);
  }

  void RunTarget(const FleetCommand& command, const std::string& target, TargetResult& r);

  // The connection of `db`, its run lock keyed on this project's version
  // table and its progress reported as the settings ask.
  dialect::Connection& On(Database& db) const;

  RevisionInfo Info(const std::string& id) {
    const script::MigrationScript& s = Loaded().Get(id);
    const script::RevisionGraph& g = Loaded().graph();
    RevisionInfo info{s.revision, s.down_revisions, s.message, s.branch_labels, {}, s.depends_on,
                      s.create_date, s.path, s.checksum()};
    info.branch_names = g.BranchNames(id);
    info.is_base = s.down_revisions.empty();
    info.is_merge_point = s.down_revisions.size() > 1;
    for (const script::RevisionNode& n : g.nodes()) {
      if (std::find(n.down_revisions.begin(), n.down_revisions.end(), id) !=
          n.down_revisions.end()) {
        info.next_revisions.push_back(n.id);
      }
    }
    info.is_head = info.next_revisions.empty();
    info.is_effective_head =
        info.is_head && std::any_of(g.nodes().begin(), g.nodes().end(), [&](const script::RevisionNode& n) {
          return std::find(n.depends_on.begin(), n.depends_on.end(), id) != n.depends_on.end();
        });
    info.is_branch_point = info.next_revisions.size() > 1;
    return info;
  }

  std::vector<RevisionInfo> Infos(const std::vector<std::string>& ids) {
    std::vector<RevisionInfo> out;
    out.reserve(ids.size());
    for (const std::string& id : ids) out.push_back(Info(id));
    return out;
  }

  // Resolves `target` to the revisions a new script's down_revision names.
  std::vector<std::string> ResolveHeads(const std::string& target, bool splice) {
    const script::RevisionGraph& g = Loaded().graph();
    std::vector<std::string> heads = g.Heads();
    if (target == "base") return {};
    if (target == "heads") return heads;
    if (target == "head") {
      if (heads.size() > 1) {
        std::string list;
        for (const std::string& h : heads) list += (list.empty() ? "" : ", ") + h;
        throw Error(ErrorKind::kMultipleHeads,
                    "several heads (" + list +
                        "): name one of them, or use heads or label@head");
      }
      return heads;
    }
    std::string id;
    if (size_t at = target.find('@'); at != std::string::npos && target.substr(at + 1) == "head") {
      std::string from = g.Resolve(target.substr(0, at)).id;
      std::vector<std::string> found;
      for (const std::string& h : heads) {
        std::vector<std::string> anc = g.Ancestors({h});
        if (std::find(anc.begin(), anc.end(), from) != anc.end()) found.push_back(h);
      }
      if (found.size() != 1) {
        throw Error(ErrorKind::kAmbiguousTarget,
                    "'" + target + "' names " + std::to_string(found.size()) + " heads");
      }
      id = found[0];
    } else {
      id = g.Resolve(target).id;
    }
    if (!splice && std::find(heads.begin(), heads.end(), id) == heads.end()) {
      throw Error(ErrorKind::kUsage, "revision " + id +
                                         " is not a head; give --splice to branch from it");
    }
    return {id};
  }

  // Fills `s` with the operations from the schema at its parents (or the
  // live database's) to the declared one; returns what they change.
  std::vector<SchemaChange> Autogenerate(script::NewScript& s, bool compare_database,
                                         std::vector<std::string>* left_alone = nullptr) {
    StartDeclared();  // read while the scripts are
    schema::Schema declared = Declared();
    schema::Schema from;
    std::optional<schema::Schema> stored;
    bool native_enums = true;
    if (!compare_database) {
      from = Full().For(HomeDialect()).SchemaAt(s.down_revisions, Naming());
    } else {
      std::unique_ptr<dialect::Connection> conn = Connect(false);
      const script::ScriptSet& all = Full().For(conn->dialect().name());
      std::vector<std::string> rows =
          runtime::VersionStore(*conn, config.version_table, config.history_table).Heads();
      std::vector<std::string> want = s.down_revisions;
      std::sort(rows.begin(), rows.end());
      std::sort(want.begin(), want.end());
      if (rows != want) {
        auto list = [](const std::vector<std::string>& ids) {
          std::string out;
          for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
          return out.empty() ? std::string("base") : out;
        };
        throw Error(ErrorKind::kUsage,
                    "the database is at " + list(rows) + ", not at " + list(want) +
                        ", which the new script builds on; upgrade it first",
                    Location{.target = dialect::MaskPassword(Url())});
      }
      from = conn->Inspect({config.version_table, config.history_table});
      stored = conn->dialect().Normalize(declared);
      native_enums = conn->dialect().caps().enums == dialect::EnumStorage::kNativeType;
      conn->CanonicalizeExpressions(*stored);
      LeaveAloneWhatNoScriptMade(from, conn->dialect().Normalize(all.SchemaAt(s.down_revisions, Naming())),
                                 *stored, left_alone);
    }
    autogen::DiffOptions diff_options;
    if (stored) {
      diff_options.stored_to = &*stored;
      diff_options.native_enums = native_enums;
    }
    runtime::GeneratedScript generated = runtime::GenerateScript(from, declared, diff_options);
    s.upgrade = std::move(generated.upgrade);
    s.downgrade = std::move(generated.downgrade);
    return std::move(generated.changes);
  }

  // Takes out of `live` what neither the scripts' schema (`made`) nor the
  // declared one (`wanted`) holds, each named in `left_alone`: a script
  // dropping it would not replay where no script made it.
  static void LeaveAloneWhatNoScriptMade(schema::Schema& live, const schema::Schema& made,
                                         const schema::Schema& wanted,
                                         std::vector<std::string>* left_alone) {
    auto note = [&](const std::string& what) {
      if (left_alone) left_alone->push_back(what);
    };
    std::erase_if(live.tables, [&](const schema::Table& t) {
      if (made.FindTable(t.name) || wanted.FindTable(t.name)) return false;
      note("table " + t.name);
      return true;
    });
    for (schema::Table& t : live.tables) {
      const schema::Table* m = made.FindTable(t.name);
      const schema::Table* w = wanted.FindTable(t.name);
      auto unmade = [&](const auto& list, const auto& object) {
        auto same = [&](const auto& x) { return x.name == object.name || x == object; };
        bool in_made = m && std::any_of((m->*list).begin(), (m->*list).end(), same);
        bool in_wanted = w && std::any_of((w->*list).begin(), (w->*list).end(), same);
        return !in_made && !in_wanted;
      };
      auto sift = [&](auto list, const std::string& kind) {
        auto& items = t.*list;
        std::erase_if(items, [&](const auto& x) {
          if (!unmade(list, x)) return false;
          note(kind + " " + x.name + " on " + t.name);
          return true;
        });
      };
      if (t.primary_key && !(m && m->primary_key) && !(w && w->primary_key)) {
        note("primary key " + t.primary_key->name + " on " + t.name);
        t.primary_key.reset();
      }
      sift(&schema::Table::indexes, "index");
      sift(&schema::Table::uniques, "unique constraint");
      sift(&schema::Table::checks, "check constraint");
      sift(&schema::Table::foreign_keys, "foreign key");
      std::erase_if(t.columns, [&](const schema::Column& c) {
        if ((m && m->FindColumn(c.name)) || (w && w->FindColumn(c.name))) return false;
        note("column " + t.name + "." + c.name);
        return true;
      });
    }
    std::erase_if(live.views, [&](const schema::View& v) {
      if (made.FindView(v.name) || wanted.FindView(v.name)) return false;
      note("view " + v.name);
      return true;
    });
    std::erase_if(live.triggers, [&](const schema::Trigger& x) {
      if (made.FindTrigger(x.table, x.name) || wanted.FindTrigger(x.table, x.name)) return false;
      note("trigger " + x.name + " on " + x.table);
      return true;
    });
    std::erase_if(live.functions, [&](const schema::Function& f) {
      if (made.FindFunction(f.Signature()) || wanted.FindFunction(f.Signature())) return false;
      note(std::string(schema::FunctionKindName(f.kind)) + " " + f.Signature());
      return true;
    });
    std::erase_if(live.sequences, [&](const schema::Sequence& q) {
      if (made.FindSequence(q.name) || wanted.FindSequence(q.name)) return false;
      note("sequence " + q.name);
      return true;
    });
    std::erase_if(live.enums, [&](const schema::Enum& e) {
      if (made.FindEnum(e.name) || wanted.FindEnum(e.name)) return false;
      note("enum " + e.name);
      return true;
    });
    std::erase_if(live.extensions, [&](const schema::Extension& x) {
      if (made.FindExtension(x.name) || wanted.FindExtension(x.name)) return false;
      if (x.schema.empty()) note("extension " + x.name);  // another schema's is the database's
      return true;
    });
  }

  // Whether a run may create a missing PostgreSQL schema.
  bool CreatesSchema() const {
    return settings.create_schema.value_or(config.create_database_schema);
  }

  std::string WriteScript(script::NewScript s) {
    if (!settings.scripts.empty()) {
      throw Error(ErrorKind::kUsage, "the scripts were given in memory: there is no folder to write a new one to");
    }
    if (s.revision.empty()) {
      std::mt19937_64 gen(runtime::Random(settings.environment));
      static constexpr char kHex[] = "0123456789abcdef";
      for (int i = 0; i < 12; ++i) s.revision += kHex[gen() % 16];
    }
    if (Loaded().graph().Find(s.revision)) {
      throw Error(ErrorKind::kDuplicateRevision, "revision id '" + s.revision + "' already exists",
                  Location{.file = Loaded().Get(s.revision).path});
    }
    std::time_t now = std::chrono::system_clock::to_time_t(runtime::Now(settings.environment));
    std::tm tm{};
    gmtime_r(&now, &tm);
    char date[16], stamp[32];
    std::strftime(date, sizeof date, "%Y%m%d", &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    // An imported script keeps the date it was made (YYYY-MM-DD ...).
    const std::string& kept = s.create_date;
    if (kept.size() >= 10 && kept[4] == '-' && kept[7] == '-' &&
        std::all_of(kept.begin(), kept.begin() + 10, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; })) {
      std::snprintf(date, sizeof date, "%s", (kept.substr(0, 4) + kept.substr(5, 2) + kept.substr(8, 2)).c_str());
    } else {
      s.create_date = stamp;
    }
    std::string slug;
    for (char c : s.message) {
      char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (std::isalnum(static_cast<unsigned char>(l))) {
        slug += l;
      } else if (!slug.empty() && slug.back() != '_') {
        slug += '_';
      }
    }
    while (!slug.empty() && slug.back() == '_') slug.pop_back();
    if (slug.size() > 40) slug.resize(40);
    std::string name = config.file_template;
    auto replace = [&](const std::string& token, const std::string& value) {
      for (size_t p; (p = name.find(token)) != std::string::npos;) name.replace(p, token.size(), value);
    };
    replace("{date}", date);
    replace("{rev}", s.revision);
    replace("{slug}", slug);
    while (!name.empty() && name.back() == '_') name.pop_back();
    // The new file goes into the scripts folder itself, nowhere else.
    if (name.empty() || name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
      throw Error(ErrorKind::kUsage,
                  "file_template gives the file name '" + name +
                      "', which is no plain file name inside the scripts folder",
                  Location{.file = config.path});
    }
    fs::create_directories(config.script_location);
    fs::path path = fs::path(config.script_location) / (name + ".yaml");
    std::error_code ec;
    if (fs::symlink_status(path, ec).type() != fs::file_type::not_found) {
      throw Error(ErrorKind::kUsage, "a file (or a link) is already there", Location{.file = path.string()});
    }
    std::string text = script::RenderNewScript(s);
    // Validate what is written, with the rest of the scripts.
    std::vector<script::MigrationScript> all = Loaded().scripts();
    all.push_back(script::ParseScript(text, path.string(), Naming()));
    const bool has_operations = !all.back().upgrade.empty();
    script::ScriptSet next(std::move(all));
    // Its operations replay on the scripts' schema, as every later command
    // replays them (those --compare-database read from the database too).
    if (has_operations && next.complete()) {
      for (const dialect::DialectInfo* d : dialect::Dialects()) {
        schema::Schema replayed;
        replayed.naming = Naming();
        next.For(d->name).Replay({s.revision}, replayed, {});
      }
    }
    if (!script::WriteNewFile(path.string(), text)) {
      throw Error(ErrorKind::kUsage, std::string("cannot create the file: ") + std::strerror(errno),
                  Location{.file = path.string()});
    }
    scripts.emplace(std::move(next));
    return path.string();
  }

  // An offline script for the URL's dialect (or `dialect`), from `heads`,
  // that `write` makes with a planner; on PostgreSQL after the schema
  // prologue.
  std::string Offline(const std::vector<std::string>& heads, const std::string& dialect,
                      const std::function<std::string(const runtime::Planner&, const std::vector<std::string>&)>& write);

  // Accepts the changed applied scripts of one database (repair).
  std::vector<ScriptChange> RepairOn(dialect::Connection& conn);
};

Project::Project(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Project::Project(Project&&) noexcept = default;
Project& Project::operator=(Project&&) noexcept = default;
Project::~Project() = default;

Project Project::Open(const Settings& settings) {
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  bool in_memory = !settings.scripts.empty() || !settings.schema_files.empty();
  if (!in_memory || fs::exists(settings.config_path)) {
    impl->config = runtime::LoadConfig(settings.config_path);
  } else {
    impl->config.schema_files.clear();  // nothing on disk is part of it
  }
  if (settings.lock_timeout_seconds) {
    impl->config.lock_timeout_ms = runtime::LockTimeoutMs(*settings.lock_timeout_seconds);
  }
  impl->url = settings.url;
  for (const char* var : {"RETORT_DATABASE_URL", "DATABASE_URL"}) {
    if (!impl->url.empty()) break;
    if (std::optional<std::string> value = runtime::Variable(settings.environment, var)) {
      impl->url = *value;
    }
  }
  if (impl->url.empty()) impl->url = impl->config.url;
  return Project(std::move(impl));
}

std::vector<std::string> Project::Init(const std::string& directory) {
  fs::path dir(directory);
  fs::path config = dir / "retort.toml";
  std::error_code ec;
  if (fs::symlink_status(config, ec).type() != fs::file_type::not_found) {
    throw Error(ErrorKind::kUsage, "a retort.toml is already there", Location{.file = config.string()});
  }
  fs::create_directories(dir / "migrations" / "versions");
  fs::create_directories(dir / "schema");
  std::vector<std::string> written;
  auto write = [&](const fs::path& path, const std::string& text) {
    if (!script::WriteNewFile(path.string(), text)) {
      throw Error(ErrorKind::kUsage, std::string("cannot create the file: ") + std::strerror(errno),
                  Location{.file = path.string()});
    }
    written.push_back(path.string());
  };
  write(config, runtime::DefaultConfigText());
  auto absent = [&](const fs::path& path) {
    return fs::symlink_status(path, ec).type() == fs::file_type::not_found;
  };
  fs::path ignore = dir / "migrations" / "versions" / ".gitignore";
  if (absent(ignore)) write(ignore, "# retort's cache of the scripts' headers\n.retort-cache*\n");
  fs::path schema_file = dir / "schema" / "app.yaml";
  if (absent(schema_file)) {
    write(schema_file, R"(# The declared schema: the tables the application wants, in portable types.
#
# A new project names every constraint, so that each can be dropped or
# altered by its name on every database (the convention Alembic recommends).
# Without a naming_convention retort names as SQLAlchemy does by default:
# indexes ix_<table>_<column>, every other constraint left to the database
# (PostgreSQL: users_pkey, tasks_user_id_fkey, ...). A database that
# SQLAlchemy or Alembic built without a convention keeps its names: delete
# this block (or set a key to null) before adopting one.
naming_convention:
  pk: "pk_%(table_name)s"
  fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"
  uq: "uq_%(table_name)s_%(column_0_name)s"
  ck: "ck_%(table_name)s_%(constraint_name)s"
  ix: "ix_%(column_0_label)s"
# enums:
#   status: [ACTIVE, ARCHIVED]
tables: []
#  - name: users
#    columns:
#      - {name: id, type: uuid, primary_key: true}
#      - {name: email, type: string(255), nullable: false, unique: true, index: true}
#      - {name: created_at, type: datetime(timezone), nullable: false, server_default: now()}
)");
  }
  return written;
}

std::vector<RevisionInfo> Project::Revisions() const {
  std::vector<std::string> order = impl_->Loaded().graph().TopologicalOrder();
  std::reverse(order.begin(), order.end());
  return impl_->Infos(order);
}

std::vector<RevisionInfo> Project::Heads() const {
  return impl_->Infos(impl_->Loaded().graph().Heads());
}

std::vector<RevisionInfo> Project::Branches() const {
  return impl_->Infos(impl_->Loaded().graph().BranchPoints());
}

std::optional<RevisionInfo> Project::Lookup(const std::string& revision) const {
  if (!impl_->Loaded().graph().Find(revision)) return std::nullopt;
  return impl_->Info(revision);
}

std::vector<RevisionInfo> Project::Show(const std::string& target) const {
  const script::RevisionGraph& g = impl_->Loaded().graph();
  if (target == "heads") return Heads();
  if (target == "head") return impl_->Infos(impl_->ResolveHeads("head", true));
  if (target == "base") return impl_->Infos(g.Bases());
  if (target == "current") return impl_->Infos(Current());
  if (target.find('@') != std::string::npos) return impl_->Infos(impl_->ResolveHeads(target, true));
  return {impl_->Info(g.Resolve(target).id)};
}

std::vector<RevisionInfo> Project::History(const std::string& range) const {
  std::vector<std::string> current;
  if (range.find("current") != std::string::npos) current = Current();
  return impl_->Infos(impl_->Loaded().graph().Range(range, current));
}

NewRevisionResult Project::NewRevision(const NewRevisionOptions& options) {
  if (std::all_of(options.message.begin(), options.message.end(),
                  [](unsigned char c) { return std::isspace(c); })) {
    throw Error(ErrorKind::kUsage, "a new revision needs a message (-m) that says what it does");
  }
  script::NewScript s;
  s.revision = options.rev_id;
  s.message = options.message;
  s.branch_labels = options.branch_labels;
  for (const std::string& dep : options.depends_on) {
    s.depends_on.push_back(impl_->Loaded().graph().Resolve(dep).id);
  }
  for (const std::string& head : options.head) {
    for (std::string& id : impl_->ResolveHeads(head, options.splice)) {
      if (std::find(s.down_revisions.begin(), s.down_revisions.end(), id) == s.down_revisions.end()) {
        s.down_revisions.push_back(std::move(id));
      }
    }
  }
  NewRevisionResult result;
  if (options.autogenerate) {
    result.changes = impl_->Autogenerate(s, options.compare_database, &result.left_alone);
    if (result.changes.empty()) return result;
  }
  result.path = impl_->WriteScript(std::move(s));
  return result;
}

std::string Project::Merge(const std::vector<std::string>& revisions, const std::string& message,
                           const std::string& rev_id) {
  script::NewScript s;
  s.revision = rev_id;
  s.message = message.empty() ? "merge" : message;
  for (const std::string& r : revisions) {
    for (std::string& id : impl_->ResolveHeads(r, true)) {
      if (std::find(s.down_revisions.begin(), s.down_revisions.end(), id) == s.down_revisions.end()) {
        s.down_revisions.push_back(std::move(id));
      }
    }
  }
  if (s.down_revisions.size() < 2) {
    throw Error(ErrorKind::kUsage, "a merge needs at least two revisions; these resolve to " +
                                       std::to_string(s.down_revisions.size()));
  }
  const script::RevisionGraph& g = impl_->Loaded().graph();
  for (const std::string& a : s.down_revisions) {
    std::vector<std::string> ancestors = g.Ancestors({a});
    for (const std::string& b : s.down_revisions) {
      if (a != b && std::find(ancestors.begin(), ancestors.end(), b) != ancestors.end()) {
        throw Error(ErrorKind::kUsage, "cannot merge " + b + " with its descendant " + a +
                                           "; a merge joins separate branches");
      }
    }
  }
  return impl_->WriteScript(std::move(s));
}


std::vector<SchemaDifference> Project::Check() {
  impl_->StartDeclared();  // read while the scripts are
  const script::ScriptSet& scripts = impl_->Full().For(impl_->HomeDialect());
  schema::Schema declared = impl_->Declared();
  return Differences(declared, scripts.SchemaAt(scripts.graph().Heads(), impl_->Naming()));
}

// ---- Databases kept open ----

struct Database::Impl {
  std::unique_ptr<dialect::Connection> connection;
  std::string label;
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

const std::string& Database::label() const { return impl_->label; }

dialect::Connection& Project::Impl::On(Database& db) const {
  dialect::Connection& conn = *db.impl_->connection;
  conn.UseLockName(config.version_table);
  if (settings.on_progress) conn.SetProgress(settings.on_progress);
  return conn;
}

Database Database::Borrow(sqlite3* handle, const std::string& label) {
  auto impl = std::make_unique<Impl>();
  impl->connection = std::make_unique<dialect::SqliteConnection>(handle, label);
  impl->label = label;
  return Database(std::move(impl));
}

Database Database::Borrow(pg_conn* handle, const std::string& label) {
  auto impl = std::make_unique<Impl>();
  impl->connection = std::make_unique<dialect::PostgresConnection>(handle, label, dialect::ConnectOptions{});
  impl->label = label;
  return Database(std::move(impl));
}

Database Project::OpenDatabase() const {
  auto impl = std::make_unique<Database::Impl>();
  impl->connection = impl_->Connect(true);
  impl->label = MaskedUrl();
  return Database(std::move(impl));
}

std::vector<SchemaDifference> Project::Verify() {
  impl_->Full();
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return Verify(db);
}

std::vector<SchemaDifference> Project::Verify(Database& db) {
  impl_->Full();
  return impl_->VerifyOn(impl_->On(db), db.label());
}

std::vector<ScriptChange> Project::Validate() {
  impl_->Full();
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return Validate(db);
}

std::vector<ScriptChange> Project::Validate(Database& db) {
  const script::ScriptSet& scripts = impl_->Full();
  runtime::VersionStore store(impl_->On(db), impl_->config.version_table,
                              impl_->config.history_table);
  return runtime::ChangedScripts(scripts, store.History(), store.Heads());
}

std::vector<ScriptChange> Project::Repair() {
  impl_->Full();
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return Repair(db);
}

std::vector<ScriptChange> Project::Repair(Database& db) {
  return impl_->RepairOn(impl_->On(db));
}

std::vector<ScriptChange> Project::Impl::RepairOn(dialect::Connection& conn) {
  const script::ScriptSet& scripts = Full();
  runtime::VersionStore store(conn, config.version_table, config.history_table, &settings.environment);
  dialect::Transaction txn(conn);
  std::vector<ScriptChange> changes =
      runtime::ChangedScripts(scripts, store.History(), store.Heads());
  // Accepted as the script now reads, in the current checksum's version.
  for (const ScriptChange& c : changes) {
    store.Record(c.revision, "repair", c.change == "edited" ? scripts.Get(c.revision).checksum() : "", 0);
  }
  txn.Commit();
  return changes;
}

void Project::CreateAll() {
  impl_->Declared();  // a bad schema file changes nothing, not even a new SQLite file
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(true), MaskedUrl()}));
  CreateAll(db);
}

namespace {

// Builds `declared` into the empty database of `conn`, in one transaction,
// as autogenerate from nothing would (SQLAlchemy's create_all).
void BuildInto(dialect::Connection& conn, const schema::Schema& declared) {
  schema::Schema empty;
  empty.naming = declared.naming;
  std::vector<ops::OpAt> operations;
  for (ops::Operation& op : autogen::Diff(empty, declared)) operations.push_back({std::move(op), {}});
  std::vector<dialect::Step> statements = conn.dialect().RenderOps(operations, empty);
  // Foreign keys that close a cycle are added afterwards, which SQLite
  // does by rebuilding the table: foreign keys suspended, as a run does.
  dialect::Transaction txn(conn, true);
  conn.Run(statements);
  txn.Commit();
}

}  // namespace

void Project::CreateAll(Database& db) { BuildInto(impl_->On(db), impl_->Declared()); }

std::vector<SchemaDifference> Project::CompareWithDeclared() {
  impl_->Declared();
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return CompareWithDeclared(db);
}

std::vector<SchemaDifference> Project::CompareWithDeclared(Database& db) {
  schema::Schema declared = impl_->Declared();
  dialect::Connection& conn = impl_->On(db);
  schema::Schema expected = conn.dialect().Normalize(declared);
  conn.CanonicalizeExpressions(expected);
  return Differences(expected, conn.Inspect({impl_->config.version_table, impl_->config.history_table}));
}

namespace {

// Whether two conventions name alike: a template left out and one set to
// none are the same.
bool SameConvention(const schema::NamingConvention& a, const schema::NamingConvention& b) {
  for (const char* key : {"pk", "fk", "uq", "ck", "ix"}) {
    auto x = a.templates.find(key), y = b.templates.find(key);
    if ((x == a.templates.end() ? "" : x->second) != (y == b.templates.end() ? "" : y->second)) return false;
  }
  return true;
}

}  // namespace

std::vector<ImportedRevision> Project::ImportAlembic(const std::string& directory, const std::string& naming_file) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    throw Error(ErrorKind::kUsage, "no such folder (an Alembic versions folder)", Location{.file = directory});
  }
  // The Alembic project's naming convention, which must be this one's.
  std::optional<script::FoundConvention> theirs;
  if (!naming_file.empty()) {
    format::File file(naming_file);
    format::Document doc = file.Load();
    file.RequireMap(doc.root(), "a naming convention file");
    file.CheckKeys(doc.root(), "naming convention file", {"naming_convention"});
    if (!doc.root()["naming_convention"]) file.Fail(doc.root(), "the file has no 'naming_convention'");
    file.RequireMap(doc.root()["naming_convention"], "'naming_convention'");
    theirs = script::FoundConvention{format::ParseNamingConvention(file, doc.root()["naming_convention"]),
                                     file.At(doc.root()["naming_convention"])};
  } else {
    fs::path versions(directory);
    if (versions.filename().empty()) versions = versions.parent_path();
    auto read = [](const fs::path& path) {
      std::ifstream in(path, std::ios::binary);
      return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    for (const fs::path& env : {versions / "env.py", versions.parent_path() / "env.py"}) {
      if (!fs::is_regular_file(env, ec)) continue;
      theirs = script::FindNamingConvention(read(env), env.string());
      // Else the models beside it (models.py, ...), when one has the dict;
      // one that is not Python at all is none of them.
      std::vector<fs::path> beside;
      for (const fs::directory_entry& e : fs::directory_iterator(env.parent_path(), ec)) {
        if (e.is_regular_file() && e.path().extension() == ".py" && e.path() != env) beside.push_back(e.path());
      }
      std::sort(beside.begin(), beside.end());
      for (const fs::path& py : beside) {
        if (theirs) break;
        try {
          theirs = script::FindNamingConvention(read(py), py.string());
        } catch (const Error&) {
          if (fs::file_size(py, ec) > 0 && read(py).find("naming_convention") != std::string::npos) throw;
        }
      }
      break;
    }
  }
  if (theirs) {
    const schema::NamingConvention want = schema::WithDefaults(theirs->convention);
    if (!SameConvention(want, impl_->Naming())) {
      format::Writer w;
      w.BeginMap(false);
      w.Key("naming_convention");
      w.BeginMap(false);
      for (const auto& [key, value] : want.templates) {
        w.Key(key);
        if (value.empty()) {
          w.Null();
        } else {
          w.Scalar(value);
        }
      }
      w.EndMap();
      w.EndMap();
      throw Error(ErrorKind::kUsage,
                  "the Alembic project's naming convention is not this project's, so constraints its "
                  "revisions leave unnamed would be named otherwise than Alembic named them; declare it in "
                  "the schema files:\n" + w.text(),
                  theirs->where);
    }
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(directory)) {
    const fs::path& p = e.path();
    if (e.is_regular_file() && p.extension() == ".py" && p.filename() != "__init__.py" &&
        p.filename().string().front() != '.') {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<ImportedRevision> out;
  std::vector<script::NewScript> translated;  // by out's index; empty revision when refused
  for (const fs::path& p : files) {
    ImportedRevision r;
    r.source = p.string();
    std::ifstream in(p, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    script::AlembicRevision a;
    try {
      a = script::TranslateAlembicRevision(text, p.string());
    } catch (const Error& e) {
      a.problems.push_back(e);
    }
    r.revision = a.script.revision;
    for (const Error& e : a.problems) r.problems.push_back(e.what());
    out.push_back(std::move(r));
    translated.push_back(std::move(a.script));
  }
  // Parents first: each written once every revision it builds on, or
  // depends on (by id or branch label), is.
  const script::ScriptSet& existing = impl_->Loaded();
  std::set<std::string> written, labels;
  for (const script::MigrationScript& m : existing.scripts()) {
    written.insert(m.revision);
    labels.insert(m.branch_labels.begin(), m.branch_labels.end());
  }
  std::vector<bool> done(out.size(), false);
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i].problems.empty()) done[i] = true;
    if (!out[i].revision.empty() && written.count(out[i].revision)) {
      out[i].problems.push_back("revision " + out[i].revision + " is in the scripts already");
      done[i] = true;
    }
  }
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < out.size(); ++i) {
      if (done[i]) continue;
      const script::NewScript& s = translated[i];
      bool ready = std::all_of(s.down_revisions.begin(), s.down_revisions.end(),
                               [&](const std::string& d) { return written.count(d) > 0; }) &&
                   std::all_of(s.depends_on.begin(), s.depends_on.end(), [&](const std::string& d) {
                     return written.count(d) > 0 || labels.count(d) > 0;
                   });
      if (!ready) continue;
      done[i] = progress = true;
      try {
        out[i].path = impl_->WriteScript(s);
        written.insert(s.revision);
        labels.insert(s.branch_labels.begin(), s.branch_labels.end());
      } catch (const Error& e) {
        out[i].problems.push_back(e.what());
      }
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (done[i]) continue;
    std::string missing;
    for (const std::string& d : translated[i].down_revisions) {
      if (!written.count(d)) missing += (missing.empty() ? "" : ", ") + d;
    }
    for (const std::string& d : translated[i].depends_on) {
      if (!written.count(d) && !labels.count(d)) missing += (missing.empty() ? "" : ", ") + d;
    }
    out[i].problems.push_back("it builds on " + missing + ", which was not imported");
  }
  return out;
}

std::string Project::DefaultSchemaFile() const {
  if (impl_->config.schema_files.empty()) {
    throw Error(ErrorKind::kUsage, "the config names no schema files: give --out");
  }
  runtime::Config first = impl_->config;
  first.schema_files.resize(1);
  std::vector<std::string> found = runtime::SchemaPaths(first);
  if (!found.empty()) return found.front();
  const std::string& glob = impl_->config.schema_files.front();
  if (glob.find_first_of("*?[") == std::string::npos) return glob;
  return (std::filesystem::path(glob).parent_path() / "schema.yaml").string();
}

PullResult Project::Pull(const PullOptions& options) {
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return Pull(db, options);
}

namespace {

// `tables` with each after the tables its foreign keys refer to (the
// first left of a cycle goes first), otherwise in the order given.
std::vector<schema::Table> InForeignKeyOrder(std::vector<schema::Table> tables) {
  std::vector<schema::Table> out;
  std::set<std::string> placed;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const schema::Table& t) {
      return std::all_of(t.foreign_keys.begin(), t.foreign_keys.end(), [&](const schema::ForeignKey& fk) {
        return fk.referred_table == t.name || fk.RefersElsewhere() || placed.count(fk.referred_table) ||
               std::none_of(tables.begin(), tables.end(),
                            [&](const schema::Table& o) { return o.name == fk.referred_table; });
      });
    });
    if (ready == tables.end()) ready = tables.begin();
    placed.insert(ready->name);
    out.push_back(std::move(*ready));
    tables.erase(ready);
  }
  return out;
}

// Each definition of `live` that the server prints as it prints the
// scripts' (`printed`, the scripts' schema canonicalized by the server)
// takes the scripts' spelling (`written`): what means the same is written
// the same, so the pulled files compare clean with the scripts.
void AdoptSpellings(schema::Schema& live, const schema::Schema& written, const schema::Schema& printed) {
  auto adopt = [](std::string& text, const std::string& printed_text, const std::string& written_text) {
    if (!text.empty() && text == printed_text) text = written_text;
  };
  for (schema::Table& t : live.tables) {
    const schema::Table* w = written.FindTable(t.name);
    const schema::Table* p = printed.FindTable(t.name);
    if (!w || !p) continue;
    for (schema::CheckConstraint& ck : t.checks) {
      auto find = [&](const schema::Table& in) -> const schema::CheckConstraint* {
        for (const schema::CheckConstraint& c : in.checks) {
          if (c.name == ck.name) return &c;
        }
        return nullptr;
      };
      if (const auto *wc = find(*w), *pc = find(*p); wc && pc) adopt(ck.expr, pc->expr, wc->expr);
    }
    for (schema::Index& ix : t.indexes) {
      const schema::Index *wi = w->FindIndex(ix.name), *pi = p->FindIndex(ix.name);
      if (!wi || !pi) continue;
      adopt(ix.where, pi->where, wi->where);
      for (size_t k = 0; k < ix.entries.size() && k < wi->entries.size() && k < pi->entries.size(); ++k) {
        adopt(ix.entries[k].expr, pi->entries[k].expr, wi->entries[k].expr);
      }
    }
    for (schema::Column& c : t.columns) {
      const schema::Column *wc = w->FindColumn(c.name), *pc = p->FindColumn(c.name);
      if (!wc || !pc) continue;
      if (c.server_default && pc->server_default && wc->server_default && *c.server_default == *pc->server_default) {
        c.server_default = wc->server_default;
      }
      if (c.computed && pc->computed && wc->computed) adopt(c.computed->sql, pc->computed->sql, wc->computed->sql);
    }
  }
  for (schema::View& v : live.views) {
    const schema::View *w = written.FindView(v.name), *p = printed.FindView(v.name);
    if (w && p) adopt(v.sql, p->sql, w->sql);
  }
  for (schema::Function& f : live.functions) {
    const schema::Function *w = written.FindFunction(f.Signature()), *p = printed.FindFunction(f.Signature());
    if (w && p) adopt(f.definition, p->definition, w->definition);
  }
  for (schema::Trigger& x : live.triggers) {
    const schema::Trigger *w = written.FindTrigger(x.table, x.name), *p = printed.FindTrigger(x.table, x.name);
    if (!w || !p) continue;
    adopt(x.when, p->when, w->when);
    adopt(x.execute, p->execute, w->execute);
    adopt(x.body, p->body, w->body);
  }
}

}  // namespace

PullResult Project::Pull(Database& db, const PullOptions& options) {
  dialect::Connection& conn = impl_->On(db);
  // retort's own tables, and Alembic's version table.
  const std::vector<std::string> own = {impl_->config.version_table, impl_->config.history_table,
                                        "alembic_version"};
  schema::Schema live = conn.Inspect(own);
  std::vector<dialect::Unmodeled> unmodeled = conn.ListUnmodeled(own);
  // A database at a revision of the scripts: their spelling where it means
  // the same.
  const std::vector<std::string> rows =
      runtime::VersionStore(conn, impl_->config.version_table, impl_->config.history_table).Heads();
  if (!rows.empty()) {
    const script::ScriptSet& scripts = impl_->Full().For(conn.dialect().name());
    const bool known = std::all_of(rows.begin(), rows.end(), [&](const std::string& r) {
      return scripts.graph().Find(r) != nullptr;
    });
    if (known) {
      const schema::Schema written = conn.dialect().Normalize(scripts.SchemaAt(rows, impl_->Naming()));
      schema::Schema printed = written;
      conn.CanonicalizeExpressions(printed);
      AdoptSpellings(live, written, printed);
    }
  }
  if (!options.tables.empty()) {
    for (const std::string& name : options.tables) {
      if (!live.FindTable(name)) {
        throw Error(ErrorKind::kUsage, "--tables: the database has no table '" + name + "'",
                    Location{.target = MaskedUrl()});
      }
    }
    auto wanted = [&](const std::string& name) {
      return std::find(options.tables.begin(), options.tables.end(), name) != options.tables.end();
    };
    std::erase_if(live.tables, [&](const schema::Table& t) { return !wanted(t.name); });
    std::erase_if(live.triggers, [&](const schema::Trigger& x) { return !wanted(x.table); });
    live.views.clear();
    live.functions.clear();
    std::erase_if(unmodeled, [&](const dialect::Unmodeled& u) { return !u.table.empty() && !live.FindTable(u.table); });
  }
  // What the reader could not take as one statement (a view whose query
  // holds a -- comment, say) is left out, not written empty.
  std::erase_if(live.views, [&](const schema::View& v) {
    if (!v.sql.empty()) return false;
    unmodeled.push_back({"view", v.name,
                         "(its query, as the database holds it, is not one statement the schema file can hold: "
                         "read it with the database's shell)",
                         ""});
    return true;
  });
  // A foreign key to a table left out (--tables) cannot be declared.
  for (schema::Table& t : live.tables) {
    std::erase_if(t.foreign_keys, [&](const schema::ForeignKey& fk) {
      if (fk.RefersElsewhere() || live.FindTable(fk.referred_table)) return false;
      const dialect::Dialect& d = conn.dialect();
      auto names = [&](const std::vector<std::string>& list) {
        std::string out;
        for (const std::string& c : list) out += (out.empty() ? "" : ", ") + d.Quote(c);
        return out;
      };
      unmodeled.push_back({"foreign key", t.name + "." + fk.name,
                           "ALTER TABLE " + d.Quote(t.name) + " ADD CONSTRAINT " + d.Quote(fk.name) +
                               " FOREIGN KEY (" + names(fk.columns) + ") REFERENCES " + d.Quote(fk.referred_table) +
                               " (" + names(fk.referred_columns) + ")",
                           t.name});
      return true;
    });
  }
  live.tables = InForeignKeyOrder(std::move(live.tables));
  const schema::Schema inspected = live;  // what the file is to declare
  live.naming = schema::DetectNamingConvention(live);
  // A template that is off where no default would be on says nothing.
  const schema::NamingConvention defaults = schema::DefaultNamingConvention();
  std::erase_if(live.naming.templates, [&](const auto& entry) {
    return entry.second.empty() && !defaults.templates.count(entry.first);
  });
  for (schema::Sequence& q : live.sequences) q = schema::SparseSequence(q);
  // Autoincrement only where the dialect would not say the same unasked
  // (a sole integer key takes its values from a sequence unless told),
  // and an identity's start and increment only when not 1.
  schema::Schema bare = live;
  for (schema::Table& t : bare.tables) {
    for (schema::Column& c : t.columns) c.autoincrement.reset();
  }
  const schema::Schema stored = conn.dialect().Normalize(bare);
  for (schema::Table& t : live.tables) {
    const schema::Table* s = stored.FindTable(t.name);
    for (schema::Column& c : t.columns) {
      const schema::Column* sc = s ? s->FindColumn(c.name) : nullptr;
      const bool want = c.autoincrement.value_or(false);
      if (sc && sc->autoincrement.value_or(false) == want) {
        c.autoincrement.reset();
      } else {
        c.autoincrement = want;
      }
      if (c.identity && c.identity->start == 1) c.identity->start.reset();
      if (c.identity && c.identity->increment == 1) c.identity->increment.reset();
    }
  }

  PullResult result;
  result.naming = live.naming.templates;
  result.tables = live.tables.size();
  result.views = live.views.size();
  result.functions = live.functions.size();
  result.triggers = live.triggers.size();
  for (const dialect::Unmodeled& u : unmodeled) result.left_out.push_back({u.kind, u.name, u.sql});
  // The file's header: what was left out, by kind, in the order first met
  // (`pull` lists each with its SQL).
  auto header = [&result] {
    std::vector<std::string> lines = {"The declared schema, as `retort pull` read it from the database."};
    if (result.left_out.empty()) return lines;
    std::vector<std::pair<std::string, size_t>> kinds;
    for (const LeftOut& x : result.left_out) {
      auto it = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == x.kind; });
      if (it == kinds.end()) {
        kinds.emplace_back(x.kind, 1);
      } else {
        ++it->second;
      }
    }
    std::string line;
    for (const auto& [kind, n] : kinds) {
      line += (line.empty() ? "" : ", ") + kind + " (" + std::to_string(n) + ")";
    }
    lines.push_back("");
    lines.push_back("Left out, which schema files cannot declare (`retort pull` lists each with its SQL):");
    lines.push_back(line + ".");
    return lines;
  };
  // A name the file leaves out must come back as it is when the file is
  // read (the database's rule numbers a name another table holds): each
  // that would not is written after all.
  std::set<std::string> keep;
  schema::Schema back;  // the file as read
  for (int pass = 0; pass < 8; ++pass) {
    result.text = script::WriteSchemaFile(live, header(), keep);
    back = format::LoadSchemaText(result.text, "pulled schema");
    size_t kept = keep.size();
    for (const schema::Table& t : live.tables) {
      const schema::Table* b = back.FindTable(t.name);
      auto check = [&](const std::string& name, bool implied, bool present) {
        if (!implied && !present) keep.insert(t.name + '\x1f' + name);
      };
      if (t.primary_key) {
        check(t.primary_key->name, t.primary_key->implied,
              b && b->primary_key && b->primary_key->name == t.primary_key->name);
      }
      for (const auto& fk : t.foreign_keys) check(fk.name, fk.implied, b && b->HasConstraintNamed(fk.name));
      for (const auto& uq : t.uniques) check(uq.name, uq.implied, b && b->HasConstraintNamed(uq.name));
      for (const auto& ck : t.checks) check(ck.name, ck.implied, b && b->HasConstraintNamed(ck.name));
      for (const auto& ix : t.indexes) check(ix.name, false, b && b->FindIndex(ix.name));
    }
    if (keep.size() == kept) break;
  }
  // Where the dialect has a scratch database, the file is built there and
  // read back: what comes back otherwise (a collation, a type the dialect
  // spells its own way) is said, not dropped silently.
  if (std::unique_ptr<dialect::Connection> scratch = conn.Scratch()) {
    BuildInto(*scratch, back);
    const size_t before = result.left_out.size();
    for (const autogen::Difference& d : autogen::CompareSchemas(inspected, scratch->Inspect({}))) {
      result.left_out.push_back({"built differently", d.table.empty() ? d.object : d.table + ": " + d.object,
                                 d.Describe()});
    }
    if (result.left_out.size() != before) result.text = script::WriteSchemaFile(live, header(), keep);
  }
  return result;
}

std::string Project::MaskedUrl() const { return dialect::MaskPassword(impl_->Url()); }

std::vector<std::string> Project::DependedOn(const std::vector<std::string>& rows) const {
  std::vector<std::string> out;
  for (std::string& id : impl_->Loaded().graph().EffectiveHeads(rows)) {
    if (std::find(rows.begin(), rows.end(), id) == rows.end()) out.push_back(std::move(id));
  }
  return out;
}

std::vector<std::string> Project::MissingHeads(const std::vector<std::string>& rows) const {
  return impl_->Loaded().graph().HeadsNotReached(rows);
}

std::vector<std::string> Project::Current() const {
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return Current(db);
}

std::vector<std::string> Project::Current(Database& db) const {
  return runtime::VersionStore(impl_->On(db), impl_->config.version_table,
                               impl_->config.history_table)
      .Heads();
}

std::vector<HistoryRecord> Project::AppliedHistory() const {
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return AppliedHistory(db);
}

std::vector<HistoryRecord> Project::AppliedHistory(Database& db) const {
  runtime::VersionStore store(impl_->On(db), impl_->config.version_table,
                              impl_->config.history_table);
  return store.History();
}

RunResult Project::Upgrade(const std::string& target, const StepCallback& on_step) {
  impl_->Full();  // before the database is touched
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(true), MaskedUrl()}));
  return Upgrade(db, target, on_step);
}

RunResult Project::Upgrade(Database& db, const std::string& target, const StepCallback& on_step) {
  const script::ScriptSet& scripts = impl_->Full();
  dialect::Connection& conn = impl_->On(db);
  runtime::Migrator migrator(scripts, impl_->Naming(), conn, impl_->OptionsFor(db.label()));
  return migrator.Upgrade(target, on_step);
}

RunResult Project::Downgrade(const std::string& target, const StepCallback& on_step) {
  impl_->Full();
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(false), MaskedUrl()}));
  return Downgrade(db, target, on_step);
}

RunResult Project::Downgrade(Database& db, const std::string& target, const StepCallback& on_step) {
  const script::ScriptSet& scripts = impl_->Full();
  dialect::Connection& conn = impl_->On(db);
  runtime::Migrator migrator(scripts, impl_->Naming(), conn, impl_->OptionsFor(db.label()));
  return migrator.Downgrade(target, on_step);
}

std::vector<std::string> Project::Stamp(const std::string& target, bool purge) {
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(true), MaskedUrl()}));
  return Stamp(db, target, purge);
}

std::vector<std::string> Project::Stamp(Database& db, const std::string& target, bool purge) {
  runtime::Migrator migrator(impl_->Loaded(), impl_->Naming(), impl_->On(db),
                             impl_->OptionsFor(db.label()));
  return migrator.Stamp(target, purge);
}

namespace {

// "a:b" as {a, b}; "b" as {`from`, b}.
std::pair<std::string, std::string> OfflineRange(const std::string& range, const std::string& from) {
  const size_t colon = range.find(':');
  if (colon == std::string::npos) return {from, range};
  return {range.substr(0, colon), range.substr(colon + 1)};
}

}  // namespace

std::string Project::OfflineSql(const std::string& range, bool upgrade, const std::string& dialect,
                                std::vector<std::string>* unacknowledged) {
  // (No structured binding: the lambda below takes `to`.)
  const std::pair<std::string, std::string> parts = OfflineRange(range, upgrade ? "base" : "");
  const std::string &from = parts.first, &to = parts.second;
  if (from.empty() || to.empty()) {
    throw Error(ErrorKind::kUsage, upgrade ? "an offline upgrade takes a range a:b, or a target (from base)"
                                           : "an offline downgrade takes a range a:b (from a down to b)");
  }
  return impl_->Offline(OfflineHeads(from), dialect,
                        [&](const runtime::Planner& planner, const std::vector<std::string>& heads) {
                          return planner.OfflineScript(heads, to, upgrade, unacknowledged);
                        });
}

std::string Project::OfflineStamp(const std::string& range, bool purge, const std::string& dialect) {
  const std::pair<std::string, std::string> parts = OfflineRange(range, "base");
  const std::string &from = parts.first, &to = parts.second;
  if (from.empty() || to.empty()) throw Error(ErrorKind::kUsage, "an offline stamp takes a range a:b, or a target (from base)");
  return impl_->Offline(OfflineHeads(from), dialect,
                        [&](const runtime::Planner& planner, const std::vector<std::string>& heads) {
                          return planner.OfflineStamp(heads, to, purge);
                        });
}

void Project::EnsureVersion() {
  Database db(std::make_unique<Database::Impl>(Database::Impl{impl_->Connect(true), MaskedUrl()}));
  dialect::Connection& conn = impl_->On(db);
  runtime::VersionStore store(conn, impl_->config.version_table, impl_->config.history_table,
                              &impl_->settings.environment);
  dialect::Transaction txn(conn);
  store.EnsureTables();
  txn.Commit();
}

std::string Project::OfflineEnsureVersion(const std::string& dialect) {
  return impl_->Offline({}, dialect, [&](const runtime::Planner& planner, const std::vector<std::string>&) {
    return planner.OfflineVersionTables();
  });
}

std::vector<std::string> Project::OfflineHeads(const std::string& from) const {
  std::vector<std::string> heads;
  if (from != "base") {
    for (const RevisionInfo& info : Show(from)) heads.push_back(info.revision);
  }
  return heads;
}

std::string Project::Impl::Offline(
    const std::vector<std::string>& heads, const std::string& dialect,
    const std::function<std::string(const runtime::Planner&, const std::vector<std::string>&)>& write) {
  const script::ScriptSet& scripts = Full();
  dialect::DatabaseUrl url;
  std::string schema_name;
  if (dialect.empty()) {
    url = dialect::ParseUrl(Url());
    schema_name = url.schema.empty() ? config.database_schema : url.schema;
  } else {
    url.scheme = std::string(dialect::DialectNamed(dialect).name);
  }
  const dialect::Dialect* d = &dialect::DialectOf(url).dialect();
  runtime::Planner planner(scripts, Naming(), *d, OptionsFor(this->url));
  std::string sql = write(planner, heads);
  if (d->caps().schemas && !schema_name.empty()) {
    std::string prologue;
    // As a run would with --create-schema (or create_database_schema).
    if (CreatesSchema()) prologue = "CREATE SCHEMA IF NOT EXISTS " + d->Quote(schema_name) + ";\n";
    sql = prologue + "SET search_path TO " + d->Quote(schema_name) + ";\n" + sql;
  }
  return sql;
}

// ---- Many databases ----

const char* StatusName(TargetResult::Status status) {
  switch (status) {
    case TargetResult::Status::kCurrent: return "current";
    case TargetResult::Status::kNotAtHead: return "not at head";
    case TargetResult::Status::kUpToDate: return "up to date";
    case TargetResult::Status::kMigrated: return "migrated";
    case TargetResult::Status::kWouldMigrate: return "would migrate";
    case TargetResult::Status::kStamped: return "stamped";
    case TargetResult::Status::kWouldStamp: return "would stamp";
    case TargetResult::Status::kKept: return "kept";
    case TargetResult::Status::kClean: return "clean";
    case TargetResult::Status::kDrift: return "drift";
    case TargetResult::Status::kRepaired: return "repaired";
    case TargetResult::Status::kMismatch: return "mismatch";
    case TargetResult::Status::kFailed: return "failed";
    case TargetResult::Status::kNotRun: return "not run";
  }
  return "?";
}

int FleetReport::ExitCode() const {
  int code = 0;
  for (const TargetResult& t : targets) {
    if (t.status == TargetResult::Status::kFailed) code = std::max(code, t.exit_code);
    if (t.status == TargetResult::Status::kDrift || t.status == TargetResult::Status::kMismatch ||
        t.status == TargetResult::Status::kNotAtHead || !t.unacknowledged.empty()) {
      code = std::max(code, 1);
    }
  }
  return code;
}

namespace {

StepEvent Planned(const runtime::Migrator::PreparedStep& p) {
  bool up = p.step.direction == script::Step::Direction::kUpgrade;
  StepEvent e;
  e.revision = p.step.revision;
  e.direction = up ? "upgrade" : "downgrade";
  e.from = up ? p.script->down_revisions : std::vector<std::string>{p.step.revision};
  e.to = up ? std::vector<std::string>{p.step.revision} : p.script->down_revisions;
  e.message = p.script->message;
  return e;
}

}  // namespace

void Project::Impl::RunTarget(const FleetCommand& command, const std::string& target,
                              TargetResult& r) {
  using Kind = FleetCommand::Kind;
  using Status = TargetResult::Status;
  // Only an upgrade or a plain stamp creates a missing SQLite file: adopting
  // (baseline) concerns databases that exist.
  bool writes = !command.dry_run && (command.kind == Kind::kUpgrade ||
                                     (command.kind == Kind::kStamp && !command.baseline));
  std::unique_ptr<dialect::Connection> conn = ConnectTo(target, writes);
  conn->SetProgress({});  // targets run on several threads: no row-copy progress
  runtime::Migrator migrator(*scripts, Naming(), *conn, OptionsFor(target));
  runtime::VersionStore store(*conn, config.version_table, config.history_table,
                              &settings.environment);
  switch (command.kind) {
    case Kind::kCurrent:
      r.heads_before = r.heads_after = store.Heads();
      r.status = Status::kCurrent;
      if (command.check_heads) {
        r.missing_heads = scripts->graph().HeadsNotReached(r.heads_before);
        if (!r.missing_heads.empty()) r.status = Status::kNotAtHead;
      }
      return;
    case Kind::kVerify:
      r.heads_before = r.heads_after = store.Heads();
      r.differences = VerifyOn(*conn, r.target);
      r.status = r.differences.empty() ? Status::kClean : Status::kDrift;
      return;
    case Kind::kValidate:
      r.heads_before = r.heads_after = store.Heads();
      r.changes = runtime::ChangedScripts(*scripts, store.History(), r.heads_before);
      r.status = r.changes.empty() ? Status::kClean : Status::kDrift;
      return;
    case Kind::kRepair:
      r.heads_before = r.heads_after = store.Heads();
      r.changes = RepairOn(*conn);
      r.status = r.changes.empty() ? Status::kClean : Status::kRepaired;
      return;
    case Kind::kUpgrade:
    case Kind::kDowngrade: {
      bool up = command.kind == Kind::kUpgrade;
      if (command.dry_run) {
        runtime::Migrator::Plan plan = migrator.PlanOnly(command.target, up, true);
        r.heads_before = plan.heads;
        for (const runtime::Migrator::PreparedStep& p : plan.steps) {
          r.steps.push_back(Planned(p));
          for (const std::string& u : p.unacknowledged) {
            r.unacknowledged.push_back(u);
            if (command.with_sql) r.statements.push_back("-- UNACKNOWLEDGED: " + u + " (a run refuses this step)");
          }
          if (command.with_sql) {
            dialect::SqlText text;
            dialect::WriteSteps(p.rendered, text);
            for (const std::string& sql : text.statements()) r.statements.push_back(sql);
          }
        }
        r.status = plan.steps.empty() ? Status::kUpToDate : Status::kWouldMigrate;
        return;
      }
      RunResult result = up ? migrator.Upgrade(command.target, {}) : migrator.Downgrade(command.target, {});
      r.heads_before = result.heads_before;
      r.heads_after = result.heads_after;
      r.steps = std::move(result.steps);
      r.status = r.steps.empty() ? Status::kUpToDate : Status::kMigrated;
      return;
    }
    case Kind::kStamp: {
      r.heads_before = store.Heads();
      if (command.baseline && !r.heads_before.empty()) {
        r.heads_after = r.heads_before;
        r.status = Status::kKept;
        return;
      }
      if (command.baseline && command.require_match) {
        std::vector<std::string> rows = scripts->graph().StampRows({}, command.target, false);
        r.differences = Compare(*conn, rows);
        if (!r.differences.empty()) {
          r.heads_after = r.heads_before;
          r.status = Status::kMismatch;
          return;
        }
      }
      r.heads_after = command.dry_run ? migrator.PlanStamp(command.target, command.purge)
                                      : migrator.Stamp(command.target, command.purge);
      std::vector<std::string> before = r.heads_before, after = r.heads_after;
      std::sort(before.begin(), before.end());
      std::sort(after.begin(), after.end());
      r.status = before == after ? Status::kUpToDate : command.dry_run ? Status::kWouldStamp : Status::kStamped;
      return;
    }
  }
}

std::vector<std::string> Project::FleetTargets(const FleetOptions& options) const {
  std::vector<std::string> urls = options.urls;
  if (!options.targets_file.empty()) {
    for (std::string& url : dialect::ReadTargetsFile(options.targets_file)) urls.push_back(std::move(url));
  }
  if (urls.empty()) urls.push_back(impl_->Url());
  return dialect::ExpandTargets(urls);
}

bool Project::NamesManyTargets(const FleetOptions& options) const {
  if (!options.targets_file.empty() || options.urls.size() > 1) return true;
  return dialect::IsPattern(options.urls.empty() ? impl_->Url() : options.urls[0]);
}

FleetReport Project::Fleet(const FleetCommand& command, const FleetOptions& options,
                           const TargetCallback& on_target) {
  std::vector<std::string> targets = FleetTargets(options);
  if (targets.empty()) {
    throw Error(ErrorKind::kUsage, "no targets: the URLs and patterns given match no database");
  }
  // What the workers share is ready, and read-only, before they start.
  // Read before the targets' threads start.
  if (command.kind != FleetCommand::Kind::kCurrent) {
    impl_->Full();
  } else {
    impl_->Loaded();
  }
  impl_->Naming();
  FleetReport report;
  report.targets.resize(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) report.targets[i].target = dialect::MaskPassword(targets[i]);
  size_t finished = 0;
  runtime::RunEach(
      targets.size(), options.jobs, options.fail_fast,
      [&](size_t i) {
        TargetResult& r = report.targets[i];
        auto start = std::chrono::steady_clock::now();
        try {
          impl_->RunTarget(command, targets[i], r);
        } catch (const Error& e) {
          r.status = TargetResult::Status::kFailed;
          r.error = dialect::MaskPassword(e.what());
          r.exit_code = e.ExitCode();
        } catch (const std::exception& e) {
          r.status = TargetResult::Status::kFailed;
          r.error = dialect::MaskPassword(e.what());
          r.exit_code = 3;
        }
        r.duration_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        return r.status != TargetResult::Status::kFailed;
      },
      [&](size_t i) {
        ++finished;
        if (on_target) on_target(report.targets[i], finished, targets.size());
      });
  return report;
}

}  // namespace retort
