// Databases SQLAlchemy builds (Debian's python3-sqlalchemy, create_all of a
// model without a naming convention) are what retort builds from the same
// model declared without one: retort adopts them with `stamp --baseline
// --if-matches`, verifies them clean, migrates them on, and builds the same
// constraint and index names itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace retort {
namespace {

// The model, as SQLAlchemy declares it: unnamed keys, foreign keys, unique
// and check constraints (left to the database), an enum with its CHECK
// (create_constraint, named after the enum), indexes from index=True, a
// partial, an expression and a descending index, server defaults as
// SQLAlchemy writes them, an identity key (AUTOINCREMENT on SQLite) and a
// generated column.
constexpr const char* kModel = R"py(
import sys
import sqlalchemy as sa

m = sa.MetaData()
sa.Table("projects", m,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("phase", sa.Enum("PLAN", "BUILD", "DONE", name="phasetype", create_constraint=True),
              nullable=False, server_default="PLAN"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))
templates = sa.Table("checklist_item_templates", m,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project_id", sa.Integer, sa.ForeignKey("projects.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("checklist_sub_section_identifier_of_parent", sa.Integer,
              sa.ForeignKey("projects.id"), nullable=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("size", sa.Integer, nullable=False, server_default="0"),
    sa.Column("done", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("project_id", "title"),
    sa.CheckConstraint("size >= 0"),
    sa.CheckConstraint("size < 1000"))
# A unique partial index, an expression index and a descending entry.
sa.Index("ix_templates_live_title", templates.c.title, unique=True,
         postgresql_where=sa.text("size > 0"), sqlite_where=sa.text("size > 0"))
sa.Index("ix_templates_lower_title", sa.func.lower(templates.c.title))
sa.Index("ix_templates_size", templates.c.size.desc(), templates.c.id)
# An identity key with AUTOINCREMENT on SQLite, and a generated column.
sa.Table("events", m,
    sa.Column("id", sa.Integer, sa.Identity(always=True, start=10, increment=5), primary_key=True),
    sa.Column("qty", sa.Integer, nullable=False),
    sa.Column("twice", sa.Integer, sa.Computed("qty * 2", persisted=True)),
    sqlite_autoincrement=True)
# Each (url, schema) pair of the arguments gets the model.
for url, schema in zip(sys.argv[1::2], sys.argv[2::2]):
    args = {"options": "-csearch_path=" + schema} if schema else {}
    engine = sa.create_engine(url, connect_args=args)
    if schema:
        with engine.begin() as c:
            c.execute(sa.text('CREATE SCHEMA IF NOT EXISTS "%s"' % schema))
    m.create_all(engine)
    engine.dispose()
)py";

constexpr const char* kDeclared = R"yaml(enums:
  phasetype: [PLAN, BUILD, DONE]
tables:
  - name: projects
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: name, type: string(100), nullable: false, unique: true}
      - {name: phase, type: enum(phasetype), nullable: false, server_default: PLAN}
      - {name: created_at, type: datetime(timezone), nullable: false, server_default: now()}
  - name: checklist_item_templates
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: project_id, type: integer, nullable: false, references: projects.id, on_delete: CASCADE, index: true}
      - {name: checklist_sub_section_identifier_of_parent, type: integer, references: projects.id}
      - {name: title, type: string(200), nullable: false}
      - {name: size, type: integer, nullable: false, server_default: "0"}
      - {name: done, type: boolean, nullable: false, server_default: "false"}
    unique:
      - {columns: [project_id, title]}
    checks:
      - {expr: "size >= 0"}
      - {expr: "size < 1000"}
    indexes:
      - {name: ix_templates_live_title, columns: [title], unique: true, where: "size > 0"}
      - {name: ix_templates_lower_title, columns: [{expr: lower(title)}]}
      - {name: ix_templates_size, columns: [{column: size, desc: true}, id]}
  - name: events
    sqlite_autoincrement: true
    columns:
      - {name: id, type: integer, primary_key: true, identity: {generated: always, start: 10, increment: 5}}
      - {name: qty, type: integer, nullable: false}
      - {name: twice, type: integer, computed: {sql: qty * 2, stored: true}}
)yaml";

class SqlalchemyBuilt : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
    ours_.emplace(GetParam(), dir_.path() / "ours");
    theirs_.emplace(GetParam(), dir_.path() / "theirs");
    std::filesystem::create_directories(dir_.path() / "ours");
    std::filesystem::create_directories(dir_.path() / "theirs");
    dir_.Write("model.py", kModel);
    dir_.Write("schema/app.yaml", kDeclared);
    dir_.Write("retort.toml", "script_location = \"migrations/versions\"\nschema = [\"schema/*.yaml\"]\n");
    std::filesystem::create_directories(dir_.path() / "migrations" / "versions");
  }

  // SQLAlchemy's create_all of the model on each of `dbs`.
  void CreateAll(const std::vector<const testing::TestDatabase*>& dbs) {
    std::vector<std::string> args = {(dir_.path() / "model.py").string()};
    for (const testing::TestDatabase* db : dbs) {
      std::string schema;
      args.push_back(testing::SqlalchemyUrl(*db, &schema));
      args.push_back(schema);
    }
    testing::CommandResult r = testing::RunProgram("/usr/bin/python3", args, dir_.path(), "/dev/null");
    ASSERT_EQ(r.exit_code, 0) << "SQLAlchemy's create_all failed (python3-sqlalchemy installed?): "
                              << r.err;
  }
  void CreateAll(const testing::TestDatabase& db) { CreateAll(std::vector{&db}); }

  testing::CommandResult Retort(std::vector<std::string> args, const testing::TestDatabase& db) {
    args.push_back("--url");
    args.push_back(db.url());
    return testing::RunRetort(args, dir_.path());
  }

  // Constraint and index names (SQLite: the CREATE statements, which name
  // what is named), sorted.
  std::vector<std::vector<std::string>> Names(const testing::TestDatabase& db) {
    std::vector<std::vector<std::string>> rows =
        GetParam() == "postgresql"
            ? db.Query("SELECT conrelid::regclass::text, conname, contype::text FROM pg_constraint "
                       "WHERE connamespace = current_schema()::regnamespace UNION ALL SELECT "
                       "tablename, indexname, 'i' FROM pg_indexes WHERE schemaname = current_schema()")
            : db.Query("SELECT tbl_name, name, type FROM sqlite_master WHERE name NOT LIKE "
                       "'retort%' AND tbl_name NOT LIKE 'retort%' AND type = 'index'");
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  testing::ScratchDir dir_;
  std::optional<testing::TestDatabase> ours_, theirs_;
};

TEST_P(SqlalchemyBuilt, IsAdoptedVerifiedAndMigratedOn) {
  CreateAll(*theirs_);
  ASSERT_EQ(testing::RunRetort({"revision", "--autogenerate", "-m", "baseline", "--rev-id", "0001"},
                               dir_.path())
                .exit_code,
            0);
  testing::CommandResult stamp = Retort({"stamp", "head", "--baseline", "--if-matches"}, *theirs_);
  ASSERT_EQ(stamp.exit_code, 0) << stamp.out << stamp.err;
  EXPECT_EQ(theirs_->VersionRows(), std::vector<std::string>{"0001"});
  testing::CommandResult verify = Retort({"verify"}, *theirs_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // retort builds the same names from the same model.
  testing::CommandResult built = Retort({"upgrade", "head", "--create-schema"}, *ours_);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_EQ(Names(*ours_), Names(*theirs_));

  // A further migration runs on what SQLAlchemy built: the checks and keys
  // the database named are dropped and made by those names.
  dir_.Write("schema/app.yaml", std::string(kDeclared) + R"yaml(  - name: notes
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: template_id, type: integer, references: checklist_item_templates.id}
)yaml");
  std::string edited = testing::ReadFile(dir_.path() / "schema/app.yaml");
  edited.replace(edited.find("      - {expr: \"size < 1000\"}\n"), 30, "");
  dir_.Write("schema/app.yaml", edited);
  testing::CommandResult rev = testing::RunRetort(
      {"revision", "--autogenerate", "-m", "more", "--rev-id", "0002"}, dir_.path());
  ASSERT_EQ(rev.exit_code, 0) << rev.err;
  EXPECT_NE(rev.out.find("- check constraint checklist_item_templates_size_check1 on "
                         "checklist_item_templates (size < 1000)"),
            std::string::npos)
      << rev.out;
  for (testing::TestDatabase* db : {&*theirs_, &*ours_}) {
    testing::CommandResult up = Retort({"upgrade", "head"}, *db);
    EXPECT_EQ(up.exit_code, 0) << up.err;
    testing::CommandResult again = Retort({"verify"}, *db);
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  }
  EXPECT_EQ(Names(*ours_), Names(*theirs_));
}

// Eleven databases SQLAlchemy built, adopted as one fleet: all stamped, all
// verify clean, and a further migration runs on all of them.
TEST_P(SqlalchemyBuilt, AFleetOfThemIsAdopted) {
  std::vector<std::unique_ptr<testing::TestDatabase>> fleet;
  std::vector<const testing::TestDatabase*> dbs;
  std::vector<std::string> urls;
  for (int i = 0; i < 11; ++i) {
    std::filesystem::path at = dir_.path() / ("db" + std::to_string(i));
    std::filesystem::create_directories(at);
    fleet.push_back(std::make_unique<testing::TestDatabase>(GetParam(), at));
    dbs.push_back(fleet.back().get());
    urls.insert(urls.end(), {"--url", fleet.back()->url()});
  }
  CreateAll(dbs);
  ASSERT_EQ(testing::RunRetort({"revision", "--autogenerate", "-m", "baseline", "--rev-id", "0001"},
                               dir_.path())
                .exit_code,
            0);
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), urls.begin(), urls.end());
    return testing::RunRetort(args, dir_.path());
  };
  testing::CommandResult stamp = run({"stamp", "head", "--baseline", "--if-matches"});
  ASSERT_EQ(stamp.exit_code, 0) << stamp.out << stamp.err;
  for (const testing::TestDatabase* db : dbs) {
    EXPECT_EQ(db->VersionRows(), std::vector<std::string>{"0001"}) << db->url();
  }
  testing::CommandResult verify = run({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  std::string edited = testing::ReadFile(dir_.path() / "schema/app.yaml");
  edited.replace(edited.find("      - {expr: \"size < 1000\"}\n"), 30, "");
  dir_.Write("schema/app.yaml", edited + R"yaml(  - name: notes
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: template_id, type: integer, references: checklist_item_templates.id}
)yaml");
  ASSERT_EQ(testing::RunRetort({"revision", "--autogenerate", "-m", "more", "--rev-id", "0002"},
                               dir_.path())
                .exit_code,
            0);
  testing::CommandResult up = run({"upgrade", "head"});
  EXPECT_EQ(up.exit_code, 0) << up.out << up.err;
  for (const testing::TestDatabase* db : dbs) {
    EXPECT_EQ(db->VersionRows(), std::vector<std::string>{"0002"}) << db->url();
  }
  verify = run({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Dialects, SqlalchemyBuilt, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// The examples' applications (the seeds' models), declared as they are, and
// built by SQLAlchemy's create_all from the same declarations
// (to_sqlalchemy.py): the same constraint, index and enum names, and the
// same defaults as the catalogs print them, on both dialects.
struct ExampleParam {
  std::string dialect, example;
  // Declares Alembic's recommended convention too: foreign key names longer
  // than PostgreSQL keeps, which both shorten (MD5) the same way.
  bool with_convention = false;
};
void PrintTo(const ExampleParam& p, std::ostream* out) {
  *out << p.dialect << " " << p.example << (p.with_convention ? " with a naming convention" : "");
}

class ExamplesAsSqlalchemyBuildsThem : public ::testing::TestWithParam<ExampleParam> {};

// (table, kind, name) of the constraints and indexes of `db`. SQLite keeps
// constraint names only in CREATE TABLE's text: named ones are read from
// it, unnamed ones counted by kind.
std::vector<std::vector<std::string>> ObjectNames(const testing::TestDatabase& db) {
  std::vector<std::vector<std::string>> rows;
  if (db.dialect() == "postgresql") {
    rows = db.Query("SELECT conrelid::regclass::text, contype::text, conname FROM pg_constraint "
                    "WHERE connamespace = current_schema()::regnamespace AND conrelid <> 0 "
                    "AND conrelid::regclass::text NOT LIKE 'retort%' UNION ALL SELECT tablename, "
                    "'i', indexname FROM pg_indexes WHERE schemaname = current_schema() AND "
                    "tablename NOT LIKE 'retort%' UNION ALL SELECT '', 'enum', typname FROM "
                    "pg_type WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e' "
                    "UNION ALL SELECT c.relname, 'default ' || a.attname, pg_get_expr(d.adbin, d.adrelid) "
                    "FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON "
                    "a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE c.relnamespace = "
                    "current_schema()::regnamespace AND c.relname NOT LIKE 'retort%' AND "
                    "pg_get_expr(d.adbin, d.adrelid) NOT LIKE 'nextval(%'");
  } else {
    for (const auto& row : db.Query("SELECT tbl_name, type, name, coalesce(sql, '') FROM "
                                    "sqlite_master WHERE tbl_name NOT LIKE 'retort%'")) {
      if (row[1] == "index") {
        rows.push_back({row[0], "i", row[2]});
        continue;
      }
      for (const auto& c : db.Query("SELECT name, dflt_value FROM pragma_table_info('" + row[0] + "')")) {
        if (c[1] != "NULL") rows.push_back({row[0], "default " + c[0], c[1]});
      }
      const std::string& sql = row[3];
      // Every foreign key, inline or not, has one REFERENCES.
      auto kind_of = [](std::string k) {
        for (char& c : k) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return k == "FOREIGN KEY" ? std::string("REFERENCES") : k;
      };
      static const std::regex named(
          R"re(CONSTRAINT\s+"?([A-Za-z0-9_]+)"?\s+(PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|REFERENCES))re",
          std::regex::icase);
      std::map<std::string, int> unnamed;
      for (auto it = std::sregex_iterator(sql.begin(), sql.end(), named); it != std::sregex_iterator(); ++it) {
        rows.push_back({row[0], kind_of((*it)[2].str()), (*it)[1].str()});
        --unnamed[kind_of((*it)[2].str())];
      }
      static const std::regex any(R"re(\b(PRIMARY KEY|UNIQUE|CHECK|REFERENCES)\b)re", std::regex::icase);
      for (auto it = std::sregex_iterator(sql.begin(), sql.end(), any); it != std::sregex_iterator(); ++it) {
        ++unnamed[kind_of((*it)[1].str())];
      }
      for (const auto& [kind, n] : unnamed) rows.push_back({row[0], kind, std::to_string(n)});
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST_P(ExamplesAsSqlalchemyBuildsThem, WithTheSameNames) {
  const ExampleParam& p = GetParam();
  if (testing::SkipWithoutServer(p.dialect)) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  std::filesystem::copy(testing::SourceDir() / "examples" / p.example, dir.path(),
                        std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(dir.path() / "ours");
  std::filesystem::create_directories(dir.path() / "theirs");
  if (p.with_convention) {
    dir.Write("schema/0_convention.yaml", R"yaml(naming_convention:
  pk: "pk_%(table_name)s"
  fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"
  uq: "uq_%(table_name)s_%(column_0_name)s"
  ck: "ck_%(table_name)s_%(constraint_name)s"
  ix: "ix_%(column_0_label)s"
)yaml");
  }
  testing::TestDatabase ours(p.dialect, dir.path() / "ours"), theirs(p.dialect, dir.path() / "theirs");
  testing::CommandResult up =
      testing::RunRetort({"upgrade", "head", "--create-schema", "--url", ours.url()}, dir.path());
  ASSERT_EQ(up.exit_code, 0) << up.err;

  std::string schema;
  const std::string url = testing::SqlalchemyUrl(theirs, &schema);
  std::vector<std::string> args = {(testing::SourceDir() / "tests/cli/to_sqlalchemy.py").string(), url,
                                   schema};
  for (const auto& f : testing::FilesEndingWith(dir.path() / "schema", ".yaml")) args.push_back(f.string());
  testing::CommandResult made = testing::RunProgram("/usr/bin/python3", args, dir.path(), "/dev/null");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::vector<std::vector<std::string>> names = ObjectNames(ours);
  EXPECT_GT(names.size(), 10u);  // the example's tables hold that many at least
  EXPECT_TRUE(std::any_of(names.begin(), names.end(), [](const auto& r) {
    return r[1].starts_with("default ");
  }));  // defaults compared too
  EXPECT_EQ(names, ObjectNames(theirs));
  if (p.with_convention && p.dialect == "postgresql") {
    // The name too long for PostgreSQL, shortened as SQLAlchemy shortens it.
    EXPECT_NE(std::find(names.begin(), names.end(),
                        std::vector<std::string>{"equipment_approval_submissions", "f",
                                                 "fk_equipment_approval_submissions_template_id_equipment_2348"}),
              names.end());
  }
}

std::vector<ExampleParam> Examples() {
  std::vector<ExampleParam> out;
  for (const char* dialect : {"sqlite", "postgresql"}) {
    for (const char* example : {"checklist_templates", "equipment_templates", "orchestration",
                                "audit_engine"}) {
      out.push_back({dialect, example});
    }
    out.push_back({dialect, "equipment_templates", true});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplesAsSqlalchemyBuildsThem, ::testing::ValuesIn(Examples()),
                         [](const auto& info) {
                           return info.param.dialect + "_" + info.param.example +
                                  (info.param.with_convention ? "_with_a_convention" : "");
                         });

}  // namespace
}  // namespace retort
