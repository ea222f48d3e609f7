// The library without files: scripts and schema given in memory (what
// retort_embed_migrations compiles in), create_all for tests, and the check
// that a migrated database equals the declared schema.
#include <gtest/gtest.h>

#include "retort/retort.h"
#include "test_util.h"

namespace retort {
namespace {

const std::vector<SourceFile> kScripts = {
    {"2.yaml", R"(revision: "2"
down_revision: "1"
message: posts
upgrade:
  - create_table:
      name: posts
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: author_id, type: integer, references: users.id, on_delete: CASCADE}
)"},
    {"1.yaml", R"(revision: "1"
down_revision: null
message: users
upgrade:
  - create_table:
      name: users
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: email, type: string(255), nullable: false, unique: true}
)"},
};

const std::vector<SourceFile> kSchema = {{"app.yaml", R"(tables:
  - name: posts
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: author_id, type: integer, references: users.id, on_delete: CASCADE}
  - name: users
    columns:
      - {name: id, type: integer, primary_key: true}
      - {name: email, type: string(255), nullable: false, unique: true}
)"}};

class Library : public ::testing::TestWithParam<std::string> {};

TEST_P(Library, ScriptsAndSchemaFromMemory) {
  if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase db(GetParam(), dir.path());
  Settings settings{.config_path = (dir.path() / "no-such-retort.toml").string(),
                    .scripts = kScripts,
                    .schema_files = kSchema,
                    .url = db.url(),
                    .create_schema = true};
  Project project = Project::Open(settings);
  EXPECT_TRUE(project.Check().empty());
  RunResult result = project.Upgrade("head");
  EXPECT_EQ(result.steps.size(), 2u);
  EXPECT_EQ(project.Current(), std::vector<std::string>{"2"});
  EXPECT_TRUE(project.Verify().empty());
  EXPECT_TRUE(project.CompareWithDeclared().empty());
  try {
    project.NewRevision({.message = "x"});
    ADD_FAILURE() << "wrote a script with no folder";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  }
}

TEST_P(Library, CreateAllBuildsTheDeclaredSchema) {
  if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase db(GetParam(), dir.path());
  Project project = Project::Open({.config_path = (dir.path() / "none.toml").string(),
                                   .schema_files = kSchema,
                                   .url = db.url(),
                                   .create_schema = true});
  project.CreateAll();
  EXPECT_EQ(db.Tables(), (std::vector<std::string>{"posts", "users"}));
  EXPECT_TRUE(project.CompareWithDeclared().empty());
  // A database that differs says how.
  db.Query("CREATE INDEX extra ON users (email)");
  std::vector<SchemaDifference> differences = project.CompareWithDeclared();
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].description, "table users: unexpected index extra: (email)");
  // Not twice: the tables exist.
  EXPECT_THROW(project.CreateAll(), Error);
}

INSTANTIATE_TEST_SUITE_P(Dialects, Library, ::testing::ValuesIn(testing::TestDialects()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace retort
