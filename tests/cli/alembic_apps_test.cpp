// The four applications of the examples as their teams keep them: Alembic
// projects (tests/alembic/<app>: the SQLAlchemy models, env.py, and the
// revisions Alembic's autogenerate wrote from the models, fixed as the
// teams fix them). Imported with
// `retort import alembic`, retort's upgrade head gives the catalog
// Alembic's gives (Debian's python3-alembic builds the reference), a
// database Alembic took to an earlier revision goes on to head with
// retort, and downgrades one step and to base give Alembic's catalogs too.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "test_util.h"

namespace retort {
namespace {

using Rows = std::vector<std::vector<std::string>>;

struct AppParam {
  std::string dialect, app;
};
void PrintTo(const AppParam& p, std::ostream* out) { *out << p.dialect << " " << p.app; }

// The CHECK constraints of a SQLite CREATE TABLE: "name: expr" (name ""
// when unnamed), with the expression's quotes and spacing dropped.
std::vector<std::string> SqliteChecks(const std::string& sql) {
  std::vector<std::string> out;
  static const std::regex check(R"re((?:CONSTRAINT\s+"?(\w+)"?\s+)?CHECK\s*\()re", std::regex::icase);
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), check); it != std::sregex_iterator(); ++it) {
    size_t at = static_cast<size_t>(it->position() + it->length());
    int depth = 1;
    std::string expr;
    for (; at < sql.size() && depth > 0; ++at) {
      if (sql[at] == '(') ++depth;
      if (sql[at] == ')' && --depth == 0) break;
      if (sql[at] != '"' && !std::isspace(static_cast<unsigned char>(sql[at]))) expr += sql[at];
    }
    out.push_back((*it)[1].str() + ": " + expr);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The catalog of `db` as its server describes it, retort's history table
// left out: columns (type, nullability, default), constraints, indexes,
// enum types and comments.
Rows Catalog(const testing::TestDatabase& db) {
  Rows out;
  auto add = [&](const std::string& kind, const Rows& rows) {
    for (std::vector<std::string> row : rows) {
      row.insert(row.begin(), kind);
      out.push_back(std::move(row));
    }
  };
  if (db.dialect() == "postgresql") {
    add("column", db.Query("SELECT table_name, column_name, udt_name, coalesce(character_maximum_length::text, ''), "
                           "coalesce(numeric_precision::text, ''), is_nullable, coalesce(column_default, '') FROM "
                           "information_schema.columns WHERE table_schema = current_schema() AND table_name <> "
                           "'retort_history' ORDER BY table_name, ordinal_position"));
    add("constraint", db.Query("SELECT conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid) "
                               "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid "
                               "<> 0 AND conrelid::regclass::text <> 'retort_history' ORDER BY 1, 2"));
    add("index", db.Query("SELECT tablename, indexname, replace(indexdef, current_schema() || '.', '') FROM pg_indexes WHERE schemaname = current_schema() "
                          "AND tablename <> 'retort_history' ORDER BY 1, 2"));
    add("enum", db.Query("SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t "
                         "JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = current_schema()::regnamespace "
                         "GROUP BY 1 ORDER BY 1"));
    add("comment", db.Query("SELECT c.relname, coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c WHERE "
                            "c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND "
                            "obj_description(c.oid, 'pg_class') IS NOT NULL ORDER BY 1"));
    return out;
  }
  for (const auto& table : db.Query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                    "'sqlite%' AND name <> 'retort_history' ORDER BY name")) {
    const std::string& t = table[0];
    add("column " + t, db.Query("SELECT name, upper(type), \"notnull\", coalesce(dflt_value, ''), pk FROM "
                                "pragma_table_xinfo('" + t + "') ORDER BY cid"));
    Rows fks = db.Query("SELECT \"table\", \"from\", coalesce(\"to\", ''), on_update, on_delete FROM "
                        "pragma_foreign_key_list('" + t + "')");
    std::sort(fks.begin(), fks.end());
    add("foreign key " + t, fks);
    for (const auto& ix : db.Query("SELECT name, \"unique\", origin, partial FROM pragma_index_list('" + t +
                                   "') ORDER BY name")) {
      // Unnamed constraints' own indexes are named by their place: compared by columns.
      std::string cols;
      for (const auto& c : db.Query("SELECT coalesce(name, ''), \"desc\" FROM pragma_index_xinfo('" + ix[0] +
                                    "') WHERE key = 1 ORDER BY seqno")) {
        cols += c[0] + (c[1] == "1" ? " desc," : ",");
      }
      add("index " + t, {{ix[0].rfind("sqlite_autoindex_", 0) == 0 ? "(automatic)" : ix[0], ix[1], ix[2], ix[3],
                          cols}});
    }
    for (const std::string& ck : SqliteChecks(table[1])) add("check " + t, {{ck}});
    // Constraint names SQLite keeps only in the table's text.
    static const std::regex named(R"re(CONSTRAINT\s+"?(\w+)"?\s+(PRIMARY KEY|UNIQUE|FOREIGN KEY))re",
                                  std::regex::icase);
    std::vector<std::string> names;
    for (auto it = std::sregex_iterator(table[1].begin(), table[1].end(), named); it != std::sregex_iterator(); ++it) {
      names.push_back((*it)[2].str() + " " + (*it)[1].str());
    }
    std::sort(names.begin(), names.end());
    for (const std::string& n : names) add("named " + t, {{n}});
  }
  return out;
}

// The rows only one catalog has, "- " for `ours`' and "+ " for `theirs`';
// "" when they are the same.
std::string Diff(const Rows& ours, const Rows& theirs) {
  auto line = [](const std::vector<std::string>& row) {
    std::string out;
    for (const std::string& cell : row) out += (out.empty() ? "" : " | ") + cell;
    return out + "\n";
  };
  std::string out;
  for (const auto& row : ours) {
    if (std::find(theirs.begin(), theirs.end(), row) == theirs.end()) out += "- " + line(row);
  }
  for (const auto& row : theirs) {
    if (std::find(ours.begin(), ours.end(), row) == ours.end()) out += "+ " + line(row);
  }
  if (out.empty() && ours != theirs) out = "the same rows, in another order\n";
  return out;
}

class AlembicApp : public ::testing::TestWithParam<AppParam> {
 protected:
  void SetUp() override {
    if (testing::SkipWithoutServer(GetParam().dialect)) GTEST_SKIP() << "no PostgreSQL server";
    std::filesystem::copy(testing::SourceDir() / "tests" / "alembic" / GetParam().app, dir_.path() / "alembic",
                          std::filesystem::copy_options::recursive);
    dir_.Write("retort.toml", "script_location = \"migrations\"\nversion_table = \"alembic_version\"\n"
                              "schema = [\"schema/*.yaml\"]\n");
    if (GetParam().app == "audit_engine") {
      // Its models' MetaData names constraints: refused while this project's convention differs.
      dir_.Write("schema/app.yaml", "{}\n");
      testing::CommandResult refused = testing::RunRetort({"import", "alembic", "alembic/versions"}, dir_.path());
      EXPECT_EQ(refused.exit_code, 2);
      EXPECT_NE(refused.err.find("alembic/models.py:"), std::string::npos) << refused.err;
    }
    // The project's naming convention is the Alembic project's (its models').
    dir_.Write("schema/app.yaml", GetParam().app == "audit_engine" ? R"yaml(naming_convention:
  pk: "pk_%(table_name)s"
  fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"
  uq: "uq_%(table_name)s_%(column_0_name)s"
  ck: "ck_%(table_name)s_%(constraint_name)s"
  ix: "ix_%(column_0_label)s"
)yaml"
                                                                   : "{}\n");
    testing::CommandResult imported =
        testing::RunRetort({"import", "alembic", "alembic/versions"}, dir_.path());
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
    revisions_ = testing::FilesEndingWith(dir_.path() / "migrations", ".yaml").size();
    ASSERT_GE(revisions_, 2u);
  }

  // `alembic ARGS...` on `db`.
  void Alembic(const testing::TestDatabase& db, const std::vector<std::string>& args) {
    testing::CommandResult r = testing::RunAlembic(dir_.path(), db, args);
    ASSERT_EQ(r.exit_code, 0) << "alembic " << args[0] << ": " << r.err;
  }

  void Retort(const testing::TestDatabase& db, std::vector<std::string> args) {
    args.insert(args.end(), {"--url", db.url(), "--create-schema"});
    testing::CommandResult r = testing::RunRetort(args, dir_.path());
    ASSERT_EQ(r.exit_code, 0) << "retort " << args[0] << ": " << r.out << r.err;
  }

  testing::ScratchDir dir_;
  size_t revisions_ = 0;
};

TEST_P(AlembicApp, ImportedRunsAsAlembicRuns) {
  const std::string& dialect = GetParam().dialect;
  std::filesystem::create_directories(dir_.path() / "theirs");
  std::filesystem::create_directories(dir_.path() / "ours");
  std::filesystem::create_directories(dir_.path() / "earlier");
  testing::TestDatabase theirs(dialect, dir_.path() / "theirs"), ours(dialect, dir_.path() / "ours"),
      earlier(dialect, dir_.path() / "earlier");

  // Head, each way.
  Alembic(theirs, {"upgrade", "head"});
  Retort(ours, {"upgrade", "head"});
  const Rows head = Catalog(theirs);
  EXPECT_GT(head.size(), 20u);
  EXPECT_EQ(Diff(Catalog(ours), head), "");
  testing::CommandResult verify = testing::RunRetort({"verify", "--url", theirs.url()}, dir_.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // A database Alembic took to its first revision goes on with retort.
  const std::string first = testing::ReadFile(dir_.path() / "alembic" / "versions" /
                                              testing::FilesEndingWith(dir_.path() / "alembic" / "versions", ".py")
                                                  .front()
                                                  .filename());
  std::smatch id;
  ASSERT_TRUE(std::regex_search(first, id, std::regex("\nrevision = '(\\w+)'")));
  std::string root = id[1].str();
  Alembic(earlier, {"upgrade", root});
  ASSERT_EQ(earlier.VersionRows("alembic_version"), std::vector<std::string>{root});
  Retort(earlier, {"upgrade", "head"});
  EXPECT_EQ(Diff(Catalog(earlier), head), "");
  EXPECT_EQ(earlier.VersionRows("alembic_version"), theirs.VersionRows("alembic_version"));

  // One step down, then to base, each way; then up again.
  Alembic(theirs, {"downgrade", "-1"});
  Retort(ours, {"downgrade", "-1"});
  EXPECT_EQ(Diff(Catalog(ours), Catalog(theirs)), "");
  EXPECT_EQ(ours.VersionRows("alembic_version"), theirs.VersionRows("alembic_version"));
  Alembic(theirs, {"downgrade", "base"});
  Retort(ours, {"downgrade", "base"});
  EXPECT_EQ(Diff(Catalog(ours), Catalog(theirs)), "");
  Retort(ours, {"upgrade", "head"});
  EXPECT_EQ(Diff(Catalog(ours), head), "");
}

std::vector<AppParam> Apps() {
  std::vector<AppParam> out;
  for (const char* dialect : {"sqlite", "postgresql"}) {
    for (const char* app : {"checklist_templates", "equipment_templates", "orchestration", "audit_engine"}) {
      out.push_back({dialect, app});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Apps, AlembicApp, ::testing::ValuesIn(Apps()),
                         [](const auto& info) { return info.param.dialect + "_" + info.param.app; });

}  // namespace
}  // namespace retort
