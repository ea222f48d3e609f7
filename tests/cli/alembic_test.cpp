// A database Alembic migrated (Debian's python3-alembic; version table
// alembic_version) verifies clean against retort scripts of the same
// revisions, and retort upgrades it on from there.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "test_util.h"

namespace retort {
namespace {

constexpr const char* kEnv = R"py(
import sqlalchemy as sa
from alembic import context

url = context.config.get_main_option("sqlalchemy.url")
schema = context.get_x_argument(as_dictionary=True).get("schema", "")
engine = sa.create_engine(url, connect_args={"options": "-csearch_path=" + schema} if schema else {})
if schema:
    with engine.begin() as connection:
        connection.execute(sa.text('CREATE SCHEMA IF NOT EXISTS "%s"' % schema))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
)py";

constexpr const char* kFirst = R"py(
import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e5f6"
down_revision = None

def upgrade():
    op.create_table("users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()))

def downgrade():
    op.drop_table("users")
)py";

constexpr const char* kSecond = R"py(
import sqlalchemy as sa
from alembic import op

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"

def upgrade():
    op.create_table("posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.CheckConstraint("length(title) > 0"))
    op.create_index("ix_posts_title", "posts", ["title"])
    op.add_column("users", sa.Column("nick", sa.Text()))

def downgrade():
    op.drop_column("users", "nick")
    op.drop_index("ix_posts_title", "posts")
    op.drop_table("posts")
)py";

class AlembicMigrated : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
    db_.emplace(GetParam(), dir_.path());
    dir_.Write("alembic/env.py", kEnv);
    dir_.Write("alembic/versions/a1b2c3d4e5f6_users.py", kFirst);
    dir_.Write("alembic/versions/b2c3d4e5f6a7_posts.py", kSecond);
    dir_.Write("retort.toml", "script_location = \"migrations\"\nversion_table = \"alembic_version\"\n"
                              "file_template = \"{rev}\"\n");
    dir_.Write("migrations/a1b2c3d4e5f6_users.yaml", R"yaml(revision: a1b2c3d4e5f6
down_revision: null
message: users
upgrade:
  - create_table:
      name: users
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: email, type: string(255), nullable: false, unique: true}
        - {name: created_at, type: datetime(timezone), nullable: false, server_default: now()}
)yaml");
    dir_.Write("migrations/b2c3d4e5f6a7_posts.yaml", R"yaml(revision: b2c3d4e5f6a7
down_revision: a1b2c3d4e5f6
message: posts
upgrade:
  - create_table:
      name: posts
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: user_id, type: integer, nullable: false, references: users.id, on_delete: CASCADE}
        - {name: title, type: string(200), nullable: false}
      checks:
        - {expr: "length(title) > 0"}
  - create_index: {table: posts, columns: [title]}
  - add_column: {table: users, column: {name: nick, type: text}}
)yaml");
  }

  // `alembic upgrade head` on the test database.
  void AlembicUpgrade() {
    testing::CommandResult r = testing::RunAlembic(dir_.path(), *db_, {"upgrade", "head"});
    ASSERT_EQ(r.exit_code, 0) << "alembic upgrade failed (python3-alembic installed?): " << r.err;
  }

  // Verify clean, down to base and up again, verify clean: what the
  // imported scripts do to the database Alembic migrated.
  void VerifiesDownAndUpAgain() {
    testing::CommandResult verify = Retort({"verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    testing::CommandResult down = Retort({"downgrade", "base"});
    ASSERT_EQ(down.exit_code, 0) << down.err;
    EXPECT_EQ(db_->Tables(), (std::vector<std::string>{"alembic_version", "retort_history"}));
    testing::CommandResult up = Retort({"upgrade", "head"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    verify = Retort({"verify"});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  }

  testing::CommandResult Retort(std::vector<std::string> args) {
    args.push_back("--url");
    args.push_back(db_->url());
    return testing::RunRetort(args, dir_.path());
  }

  testing::ScratchDir dir_;
  std::optional<testing::TestDatabase> db_;
};

TEST_P(AlembicMigrated, VerifiesCleanAndUpgradesOn) {
  AlembicUpgrade();
  EXPECT_EQ(db_->VersionRows("alembic_version"), std::vector<std::string>{"b2c3d4e5f6a7"});
  testing::CommandResult current = Retort({"current"});
  EXPECT_EQ(current.exit_code, 0) << current.err;
  EXPECT_NE(current.out.find("b2c3d4e5f6a7 (head)"), std::string::npos) << current.out;
  testing::CommandResult verify = Retort({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  dir_.Write("migrations/c3d4e5f6a7b8_body.yaml", R"yaml(revision: c3d4e5f6a7b8
down_revision: b2c3d4e5f6a7
message: a body, and no check
upgrade:
  - add_column: {table: posts, column: {name: body, type: text}}
  - drop_constraint: {table: posts, name: posts_title_check}
  - drop_index: {table: posts, name: ix_posts_title}
)yaml");
  testing::CommandResult up = Retort({"upgrade", "head"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(db_->VersionRows("alembic_version"), std::vector<std::string>{"c3d4e5f6a7b8"});
  verify = Retort({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  testing::CommandResult down = Retort({"downgrade", "b2c3d4e5f6a7"});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  verify = Retort({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// The same Alembic revisions imported (retort import alembic) instead of
// written by hand: the database Alembic migrated verifies clean against
// the imported scripts, and retort takes it down and up again.
TEST_P(AlembicMigrated, ImportedScriptsVerifyCleanAndRun) {
  std::filesystem::remove_all(dir_.path() / "migrations");
  testing::CommandResult imported = Retort({"import", "alembic", "alembic/versions"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_NE(imported.out.find("2 revisions: 2 imported, 0 not."), std::string::npos) << imported.out;
  const std::string second = testing::ReadFile(dir_.path() / "migrations" / "b2c3d4e5f6a7.yaml");
  EXPECT_NE(second.find("down_revision: \"a1b2c3d4e5f6\""), std::string::npos) << second;
  EXPECT_NE(second.find("references: users.id, on_delete: CASCADE"), std::string::npos) << second;
  AlembicUpgrade();
  VerifiesDownAndUpAgain();
  // Imported again: nothing new, each said so.
  imported = Retort({"import", "alembic", "alembic/versions"});
  EXPECT_EQ(imported.exit_code, 1);
  EXPECT_NE(imported.out.find("revision a1b2c3d4e5f6 is in the scripts already"), std::string::npos) << imported.out;
}

// Branches on the dialect's name, loops over literals, f-strings of loop
// variables, names for SQLAlchemy types, the enum create/drop idioms and
// bind.execute: imported as operations limited to dialects, they give
// what Alembic gave on each dialect, and run down and up again.
TEST_P(AlembicMigrated, ImportedBranchesAndLoopsMatchAlembic) {
  dir_.Write("alembic/versions/c3d4e5f6a7b8_branches.py", R"py("""per dialect

Revision ID: c3d4e5f6a7b8
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "c3d4e5f6a7b8"
down_revision = "b2c3d4e5f6a7"

def upgrade():
    bind = op.get_bind()
    is_pg = bind.dialect.name == "postgresql"
    kind = postgresql.ENUM("note", "task", name="kind", create_type=False)
    if is_pg:
        postgresql.ENUM("note", "task", name="kind").create(bind, checkfirst=True)
    for table, width in (("notes", 40), ("tasks", 80)):
        op.create_table(table,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("title", sa.String(width), nullable=False))
        op.create_index(f"ix_{table}_title", table, ["title"])
    if bind.dialect.name == "postgresql":
        op.add_column("notes", sa.Column("kind", kind, nullable=True))
        op.create_index("ix_notes_lower_title", "notes", [sa.text("lower(title)")], postgresql_using="hash")
    elif op.get_context().dialect.name in ("sqlite", "mysql"):
        with op.batch_alter_table("notes") as batch_op:
            batch_op.add_column(sa.Column("kind", sa.Enum("note", "task", name="kind"), nullable=True))
    else:
        op.execute("never runs")
    if bind.dialect.name == "mssql":
        op.execute("nor this")
    bind.execute(sa.text("INSERT INTO notes (id, title) VALUES (1, 'first')"))
    op.create_index("ix_tasks_live", "tasks", ["title"], postgresql_where=sa.text("title <> ''"),
                    postgresql_include=["id"])
    if is_pg:
        op.create_table_comment("tasks", "what there is to do", existing_comment=None)
        op.alter_column("notes", "title", comment="the note's title", existing_type=sa.String(40))
    op.create_table("labels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state", sa.Enum("open", "closed", name="state", create_constraint=True)))

def downgrade():
    op.drop_table("labels")
    for table in ["tasks", "notes"]:
        op.drop_table(table)
    if op.get_bind().dialect.name != "sqlite":
        postgresql.ENUM(name="kind").drop(op.get_bind(), checkfirst=True)
)py");
  std::filesystem::remove_all(dir_.path() / "migrations");
  testing::CommandResult imported = Retort({"import", "alembic", "alembic/versions"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  const std::string third = testing::ReadFile(dir_.path() / "migrations" / "c3d4e5f6a7b8.yaml");
  for (const char* line : {"  - create_enum: {name: kind, values: [note, task], create_constraint: false}\n",
                           "  - create_enum: {name: state, values: [open, closed]}\n",
                           "        - {name: title, type: string(80), nullable: false}\n",
                           "  - create_index: {table: tasks, name: ix_tasks_title, columns: [title]}\n",
                           "  - add_column: {table: notes, column: {name: kind, type: enum(kind), nullable: true}, "
                           "dialect: postgresql}\n",
                           "using: hash, dialect: postgresql}\n",
                           "  - add_column: {table: notes, column: {name: kind, type: enum(kind), nullable: true}, "
                           "dialect: sqlite}\n",
                           "  - execute: INSERT INTO notes (id, title) VALUES (1, 'first')\n",
                           "  - drop_table: {name: notes}\n  - drop_enum: {name: kind}\n  - drop_enum: {name: state}\n",
                           "  - create_index: {table: tasks, name: ix_tasks_live, columns: [title], dialect: sqlite}\n",
                           "  - create_table_comment: {table: tasks, comment: what there is to do, dialect: postgresql}\n",
                           "  - alter_column: {table: notes, column: title, comment: the note's title, dialect: postgresql}\n"}) {
    EXPECT_NE(third.find(line), std::string::npos) << "lacks: " << line << "\n" << third;
  }
  EXPECT_EQ(third.find("never runs"), std::string::npos) << third;
  EXPECT_EQ(third.find("nor this"), std::string::npos) << third;
  AlembicUpgrade();
  EXPECT_EQ(db_->VersionRows("alembic_version"), std::vector<std::string>{"c3d4e5f6a7b8"});
  VerifiesDownAndUpAgain();
  EXPECT_EQ(db_->Query("SELECT title FROM notes"), (std::vector<std::vector<std::string>>{{"first"}}));
}

// The Alembic project names unnamed constraints by the convention its
// env.py gives the MetaData: import refuses while this project's differs
// (showing what to declare), and once it is the same, what Alembic named
// comes out identical. A convention given with --naming-convention is the
// one compared.
TEST_P(AlembicMigrated, ImportKeepsTheNamingConventionsNames) {
  std::string env = kEnv;
  const std::string none = "target_metadata=None";
  env.replace(env.find(none), none.size(),
              "target_metadata=sa.MetaData(naming_convention=CONVENTION)");
  dir_.Write("alembic/env.py", "CONVENTION = {\"pk\": \"pk_%(table_name)s\", \"uq\": \"uq_%(table_name)s_%(column_0_name)s\",\n"
                               "              \"fk\": \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\"}\n" +
                               env);
  std::filesystem::remove_all(dir_.path() / "migrations");
  testing::CommandResult refused = Retort({"import", "alembic", "alembic/versions"});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("alembic/env.py:1:14: the Alembic project's naming convention is not this "
                             "project's"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("naming_convention:\n  fk: fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\n"
                             "  ix: ix_%(column_0_label)s\n  pk: pk_%(table_name)s\n"
                             "  uq: uq_%(table_name)s_%(column_0_name)s\n"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "migrations"));
  // A file given instead: compared in env.py's place.
  dir_.Write("naming.yaml", "naming_convention:\n  pk: \"%(table_name)s_pk\"\n");
  refused = Retort({"import", "alembic", "alembic/versions", "--naming-convention", "naming.yaml"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("naming.yaml:2:3: the Alembic project's naming convention"), std::string::npos)
      << refused.err;
  // The same convention declared here: imported, and Alembic's names.
  dir_.Write("retort.toml", testing::ReadFile(dir_.path() / "retort.toml") + "schema = [\"schema/*.yaml\"]\n");
  dir_.Write("schema/app.yaml", "naming_convention:\n  pk: \"pk_%(table_name)s\"\n"
                                "  uq: \"uq_%(table_name)s_%(column_0_name)s\"\n"
                                "  fk: \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\"\n");
  testing::CommandResult imported = Retort({"import", "alembic", "alembic/versions"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  AlembicUpgrade();
  testing::CommandResult verify = Retort({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  if (GetParam() == "postgresql") {
    EXPECT_EQ(db_->Query("SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                         "WHERE n.nspname = current_schema() AND contype IN ('p', 'u', 'f') ORDER BY 1"),
              (std::vector<std::vector<std::string>>{{"alembic_version_pkc"},
                                                     {"fk_posts_user_id_users"},
                                                     {"pk_posts"},
                                                     {"pk_users"},
                                                     {"uq_users_email"}}));
  }
  testing::CommandResult down = Retort({"downgrade", "base"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  testing::CommandResult up = Retort({"upgrade", "head"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  verify = Retort({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Dialects, AlembicMigrated, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace retort

namespace retort {
namespace {

// What the importer cannot translate is reported at file:line:column, and
// never guessed: such a revision is not written, nor what builds on it.
TEST(AlembicImport, RefusesWhatItCannotTranslate) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations\"\nfile_template = \"{rev}\"\n");
  dir.Write("versions/a1_users.py", kFirst);
  dir.Write("versions/d4_data.py", R"py("""Backfill nicks

Revision ID: d4
"""
from alembic import op
import sqlalchemy as sa

revision = "d4"
down_revision = "a1b2c3d4e5f6"

def upgrade():
    session = Session(bind=op.get_bind())
    if op.get_bind().dialect.name.startswith("postgres"):
        op.execute("UPDATE users SET email = lower(email)")
    op.execute(f"SELECT {1}")
    helper()

def downgrade():
    pass
)py");
  dir.Write("versions/e5_child.py", R"py(
from alembic import op
revision = "e5"
down_revision = "d4"
def upgrade():
    op.drop_column("users", "created_at")
def downgrade():
    pass
)py");
  dir.Write("versions/bad.py", "revision = 'x'\ndef upgrade(:\n  pass\n");
  testing::CommandResult r = testing::RunRetort({"import", "alembic", "versions"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string data = "versions/d4_data.py";
  for (const std::string& line : std::vector<std::string>{
           "  imported a1b2c3d4e5f6: ", "  not imported d4:\n",
        "    " + data + ":12:5: cannot import an assignment ('session = ...')\n",
        "    " + data + ":13:8: cannot import an if statement whose condition is not a test of the dialect's "
        "name (the method call .startswith(...))\n",
        "    " + data + ":15:16: cannot import an f-string\n",
        "    " + data + ":16:5: cannot import the call helper(...) (only op.* operations are imported)\n",
        "  not imported e5:\n    it builds on d4, which was not imported\n",
        "  not imported versions/bad.py:\n    versions/bad.py:2:12: this bracket is never closed\n",
        "4 revisions: 1 imported, 3 not"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << "lacks: " << line << "\n" << r.out;
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "migrations" / "a1b2c3d4e5f6.yaml"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "migrations" / "d4.yaml"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "migrations" / "e5.yaml"));
  // A folder that is none.
  r = testing::RunRetort({"import", "alembic", "nowhere"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nowhere: no such folder"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace retort

namespace retort {
namespace {

// A naming convention in env.py that is not literal templates is refused
// at its place, before anything is written.
TEST(AlembicImport, RefusesAConventionItCannotRead) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations\"\nfile_template = \"{rev}\"\n");
  dir.Write("alembic/versions/a1_users.py", kFirst);
  for (const auto& [env, message] : std::vector<std::pair<std::string, std::string>>{
           {"md = MetaData(naming_convention={\"uq\": make_name})\n",
            "alembic/env.py:1:40: a naming template that is not a string literal"},
           {"convention = {\"column_0_name\": \"x\"}\n",
            "alembic/env.py:1:15: a naming convention key retort cannot read"}}) {
    dir.Write("alembic/env.py", env);
    testing::CommandResult r = testing::RunRetort({"import", "alembic", "alembic/versions"}, dir.path());
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "migrations"));
  }
}

// Types written with with_variant become the portable type they spell; a
// partial index with one predicate for both dialects keeps it; options for
// one dialect only (postgresql_where, _using, _include) give an index per
// dialect. What is imported runs.
TEST(AlembicImport, VariantsAndPartialIndexes) {
  testing::ScratchDir dir;
  dir.Write("retort.toml", "script_location = \"migrations\"\nfile_template = \"{rev}\"\n");
  dir.Write("versions/f1_items.py", R"py("""items"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "f1"
down_revision = None

def upgrade():
    op.create_table("items",
        sa.Column("id", sa.CHAR(32).with_variant(postgresql.UUID(as_uuid=True), "postgresql"), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True),
        sa.Column("done", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")))
    op.create_index("ix_items_open", "items", ["id"], unique=False,
                    postgresql_where=sa.text("NOT done"), sqlite_where=sa.text("NOT done"))
    items = sa.table("items", sa.column("id", sa.String), sa.column("done", sa.Boolean))
    op.bulk_insert(items, [{"id": "0123456789abcdef0123456789abcdef", "done": True},
                           {"id": "fedcba9876543210fedcba9876543210", "done": False, "data": None}])

def downgrade():
    op.drop_index("ix_items_open", table_name="items")
    op.drop_table("items")
)py");
  dir.Write("versions/f2_one_dialect.py", R"py(
from alembic import op
import sqlalchemy as sa
revision = "f2"
down_revision = "f1"
def upgrade():
    op.create_index("ix_items_data", "items", ["data"], postgresql_where=sa.text("data IS NOT NULL"),
                    postgresql_using="btree", postgresql_include=["done"])
def downgrade():
    op.drop_index("ix_items_data", table_name="items")
)py");
  dir.Write("versions/f3_concurrently.py", R"py(
from alembic import op
revision = "f3"
down_revision = "f1"
def upgrade():
    with op.get_context().autocommit_block():
        op.create_index("ix_items_done", "items", ["done"], postgresql_concurrently=True)
def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("ix_items_done", table_name="items", postgresql_concurrently=True)
)py");
  dir.Write("versions/f4_mixed.py", R"py(
from alembic import op
revision = "f4"
down_revision = "f3"
def upgrade():
    op.execute("SELECT 1")
    with op.get_context().autocommit_block():
        op.execute("VACUUM")
def downgrade():
    pass
)py");
  testing::CommandResult r = testing::RunRetort({"import", "alembic", "versions"}, dir.path());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("versions/f4_mixed.py:7:5: cannot import an autocommit_block beside other statements"),
            std::string::npos)
      << r.out;
  const std::string f3 = testing::ReadFile(dir.path() / "migrations" / "f3.yaml");
  EXPECT_NE(f3.find("transactional: false"), std::string::npos) << f3;
  EXPECT_NE(f3.find("- create_index: {table: items, name: ix_items_done, columns: [done], concurrently: true}"),
            std::string::npos)
      << f3;
  // Options for one dialect: an index for each, limited to it.
  const std::string f2 = testing::ReadFile(dir.path() / "migrations" / "f2.yaml");
  EXPECT_NE(f2.find("- create_index: {table: items, name: ix_items_data, columns: [data], dialect: sqlite}"),
            std::string::npos)
      << f2;
  EXPECT_NE(f2.find("- create_index: {table: items, name: ix_items_data, columns: [data], using: btree, include: [done], "
                    "where: data IS NOT NULL, dialect: postgresql}"),
            std::string::npos)
      << f2;
  const std::string f1 = testing::ReadFile(dir.path() / "migrations" / "f1.yaml");
  for (const char* line : {"- {name: id, type: uuid, nullable: false}", "- {name: data, type: jsonb, nullable: true}",
                           "- {name: done, type: boolean, nullable: false, server_default: false}",
                           "primary_key: {name: pk_items, columns: [id]}",
                           "- create_index: {table: items, name: ix_items_open, columns: [id], where: NOT done}",
                           "- bulk_insert:\n      table: items\n      rows:\n"
                           "        - {id: \"0123456789abcdef0123456789abcdef\", done: true}\n"
                           "        - {id: \"fedcba9876543210fedcba9876543210\", done: false, data: null}"}) {
    EXPECT_NE(f1.find(line), std::string::npos) << "lacks: " << line << "\n" << f1;
  }
  r = testing::RunRetort({"--url", "sqlite:///app.db", "upgrade", "heads"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::SqliteQuery(dir.path() / "app.db", "SELECT id, done FROM items ORDER BY id"),
            (std::vector<std::vector<std::string>>{{"0123456789abcdef0123456789abcdef", "1"},
                                                   {"fedcba9876543210fedcba9876543210", "0"}}));
  r = testing::RunRetort({"--url", "sqlite:///app.db", "downgrade", "base"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace retort

namespace retort {
namespace {

// A graph Alembic reads (two roots, a branch point, labels, a merge, a
// dependency on another branch): imported, retort's heads (also with
// --resolve-dependencies) and history's revisions and parents are
// Alembic's.
TEST(AlembicImport, GraphAsAlembicReadsIt) {
  testing::ScratchDir dir;
  dir.Write("alembic/env.py", "from alembic import context\nif context.is_offline_mode():\n"
                             "    context.configure(url=context.config.get_main_option(\"sqlalchemy.url\"))\n"
                             "with context.begin_transaction():\n    context.run_migrations()\n");
  dir.Write("alembic.ini", "[alembic]\nscript_location = alembic\nsqlalchemy.url = sqlite:///x.db\n");
  dir.Write("retort.toml", "script_location = \"migrations\"\nfile_template = \"{rev}\"\n");
  auto revision = [&](const std::string& id, const std::string& message, const std::string& down,
                      const std::string& labels, const std::string& depends) {
    dir.Write("alembic/versions/" + id + ".py",
              "\"\"\"" + message + "\"\"\"\nfrom alembic import op\nrevision = \"" + id + "\"\ndown_revision = " + down +
                  "\nbranch_labels = " + labels + "\ndepends_on = " + depends +
                  "\ndef upgrade():\n    pass\ndef downgrade():\n    pass\n");
  };
  revision("base1", "base", "None", "None", "None");
  revision("a1", "alpha one", "\"base1\"", "(\"alpha\",)", "None");
  revision("a2", "alpha two", "\"a1\"", "None", "None");
  revision("b1", "beta one", "\"base1\"", "(\"beta\",)", "None");
  revision("b2", "beta two", "\"b1\"", "None", "\"a1\"");
  revision("m1", "join", "(\"a2\", \"b2\")", "None", "None");
  revision("c1", "other root", "None", "(\"other\",)", "\"beta\"");
  // A label half way down a line of its own: Alembic shows it on the whole
  // line, up to the branch point.
  revision("r1", "line one", "\"base1\"", "None", "None");
  revision("r2", "line two", "\"r1\"", "(\"late\",)", "None");
  revision("r3", "line three", "\"r2\"", "None", "None");
  testing::CommandResult imported = testing::RunRetort({"import", "alembic", "alembic/versions"}, dir.path());
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;

  auto alembic = [&](const std::vector<std::string>& args) {
    std::vector<std::string> all = {"-m", "alembic", "-c", (dir.path() / "alembic.ini").string()};
    all.insert(all.end(), args.begin(), args.end());
    testing::CommandResult r = testing::RunProgram("/usr/bin/python3", all, dir.path(), "/dev/null");
    EXPECT_EQ(r.exit_code, 0) << "alembic " << args[0] << ": " << r.err;
    return r.out;
  };
  auto retort = [&](const std::vector<std::string>& args) {
    testing::CommandResult r = testing::RunRetort(args, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  // The first word of each line: the revisions listed.
  auto ids = [](const std::string& text) {
    std::set<std::string> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream words(line);
      std::string word;
      if (words >> word) out.insert(word);
    }
    return out;
  };
  EXPECT_EQ(ids(retort({"heads"})), ids(alembic({"heads"})));
  EXPECT_EQ(ids(retort({"heads", "--resolve-dependencies"})), ids(alembic({"heads", "--resolve-dependencies"})));
  // history: "parents [(dependencies)] -> revision [marks], message", as
  // parents -> revision pairs.
  auto edges = [](const std::string& text) {
    std::set<std::string> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const size_t arrow = line.find(" -> ");
      if (arrow == std::string::npos) continue;
      std::string parents = line.substr(0, arrow);
      if (size_t paren = parents.find(" ("); paren != std::string::npos) parents.resize(paren);
      std::string rest = line.substr(arrow + 4);
      out.insert(parents + " -> " + rest.substr(0, rest.find_first_of(" ,")));
    }
    return out;
  };
  const std::string retort_text = retort({"history"}), alembic_text = alembic({"history"});
  const std::set<std::string> retort_history = edges(retort_text);
  EXPECT_EQ(retort_history, edges(alembic_text));
  EXPECT_EQ(retort_history.size(), 10u);
  // The branch names each revision shows, its own and inherited ("(a, b)"
  // after its id), in any order: Alembic's follows Python's set order.
  auto names = [](const std::string& text) {
    std::map<std::string, std::set<std::string>> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const size_t arrow = line.find(" -> ");
      if (arrow == std::string::npos) continue;
      std::string rest = line.substr(arrow + 4);
      const std::string id = rest.substr(0, rest.find_first_of(" ,"));
      std::set<std::string>& labels = out[id];
      rest = rest.substr(id.size());
      if (rest.rfind(" (", 0) != 0 || rest.rfind(" (head)", 0) == 0 || rest.rfind(" (branchpoint)", 0) == 0 ||
          rest.rfind(" (mergepoint)", 0) == 0) {
        continue;
      }
      std::istringstream list(rest.substr(2, rest.find(')') - 2));
      for (std::string label; std::getline(list, label, ',');) labels.insert(label.substr(label.find_first_not_of(' ')));
    }
    return out;
  };
  EXPECT_EQ(names(retort_text), names(alembic_text)) << retort_text << "\n" << alembic_text;
  EXPECT_EQ(names(retort_text).at("r1"), std::set<std::string>{"late"});
  EXPECT_EQ(names(retort_text).at("m1"), (std::set<std::string>{"alpha", "beta"}));
  // The upgrade path to every head: the same steps (their order among
  // side-by-side branches follows the directory listing in Alembic).
  auto steps = [](const std::string& text) {
    std::set<std::string> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const std::string mark = "-- Running upgrade ";
      if (line.rfind(mark, 0) != 0) continue;
      std::string step = line.substr(mark.size());
      step = step.substr(0, step.find(',', step.find(" -> ")));  // retort adds ", message"
      if (step.rfind("<base> ", 0) == 0) step = step.substr(7);
      if (step.rfind(" ", 0) == 0) step = step.substr(1);  // Alembic: "  -> base1"
      out.insert(step);
    }
    return out;
  };
  const std::set<std::string> path = steps(retort({"--url", "sqlite:///r.db", "upgrade", "heads", "--sql"}));
  EXPECT_EQ(path, steps(alembic({"upgrade", "heads", "--sql"})));
  EXPECT_EQ(path.size(), 10u);
}

}  // namespace
}  // namespace retort
