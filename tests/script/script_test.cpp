#include "script/script.h"

#include <gtest/gtest.h>

#include <set>

#include "schema/naming.h"

namespace retort::script {
namespace {

const schema::NamingConvention& Naming() {
  static const schema::NamingConvention naming = schema::WithDefaults({});
  return naming;
}

TEST(Script, ChecksumIgnoresLayout) {
  MigrationScript a = ParseScript(
      "revision: \"1\"\ndown_revision: null\nmessage: one\nupgrade:\n"
      "  - create_table: {name: t, columns: [{name: id, type: integer, primary_key: true}]}\n",
      "a.yaml", Naming());
  MigrationScript b = ParseScript(
      "# a comment\r\nmessage: 'one'\r\nrevision: '1'\r\ndown_revision: ~\r\nupgrade:\r\n"
      "- create_table:\r\n    columns:\r\n    - {primary_key: true, name: id, type: integer}\r\n"
      "    name: t\r\n",
      "b.yaml", Naming());
  EXPECT_EQ(a.checksum(), b.checksum());
  EXPECT_EQ(a.legacy_checksum(), b.legacy_checksum());
  EXPECT_EQ(a.checksum().size(), 64u);  // fits the history table's CHAR(64)
  EXPECT_TRUE(a.checksum().starts_with("2:")) << a.checksum();
  MigrationScript c = ParseScript(
      "revision: \"1\"\ndown_revision: null\nmessage: one\nupgrade:\n"
      "  - create_table: {name: t, columns: [{name: id, type: bigint, primary_key: true}]}\n",
      "c.yaml", Naming());
  EXPECT_NE(a.checksum(), c.checksum());
}

// A checksum is over what the script means: its message (a typo fixed) and
// its date do not change it; the names a naming convention gives do.
TEST(Script, ChecksumIsOverMeaning) {
  const std::string text =
      "revision: \"1\"\ndown_revision: null\nmessage: a tabel\ncreate_date: x\nupgrade:\n"
      "  - create_table: {name: t, columns: [{name: id, type: integer}]}\n"
      "  - create_index: {table: t, columns: [id]}\n";
  MigrationScript a = ParseScript(text, "a.yaml", Naming());
  std::string fixed = text;
  fixed.replace(fixed.find("tabel"), 5, "table");
  fixed.replace(fixed.find("date: x"), 7, "date: y");
  EXPECT_EQ(ParseScript(fixed, "a.yaml", Naming()).checksum(), a.checksum());
  EXPECT_NE(ParseScript(fixed, "a.yaml", Naming()).legacy_checksum(), a.legacy_checksum());
  schema::NamingConvention other = Naming();
  other.templates["ix"] = "idx_%(table_name)s_%(column_0_name)s";
  EXPECT_NE(ParseScript(text, "a.yaml", other).checksum(), a.checksum());
}

// Every key of an operation counts, also what an add_column adds beside its
// column (its foreign key and its action, a unique constraint, an index).
TEST(Script, ChecksumCountsEveryKey) {
  auto checksum = [](const std::string& column) {
    return ParseScript("revision: \"2\"\ndown_revision: null\nmessage: m\nupgrade:\n"
                       "  - add_column: {table: t, column: {name: owner, type: integer" + column + "}}\n",
                       "s.yaml", Naming())
        .checksum();
  };
  std::vector<std::string> variants = {
      "", ", references: users.id", ", references: orgs.id", ", references: orgs.id, on_delete: CASCADE",
      ", references: orgs.id, on_update: CASCADE", ", references: {column: orgs.id, name: fk_x}",
      ", unique: true", ", unique: {name: uq_x}", ", index: true", ", index: true, unique: true",
      ", index: {name: ix_x}", ", nullable: false, server_default: \"0\"", ", comment: c"};
  std::set<std::string> seen;
  for (const std::string& v : variants) EXPECT_TRUE(seen.insert(checksum(v)).second) << v;
}

// The checksum earlier versions recorded: SHA-256 of the canonical YAML
// document. It must never change, or their history rows stop validating.
TEST(Script, LegacyChecksumIsStable) {
  MigrationScript s = ParseScript(
      "revision: \"1\"\ndown_revision: null\nmessage: \"a table\"\nupgrade:\n"
      "  - create_table: {name: \"t\", columns: [{name: \"id\", type: \"integer\"}]}\n"
      "  - create_index: {table: \"t\", columns: [\"id\"]}\n",
      "s.yaml", Naming());
  EXPECT_EQ(s.legacy_checksum(), "8870cdedc5cf0f59632b08a92cbc8199768a372dcc86f4f46eb60a5dc219b9f2");
}

TEST(Script, Fields) {
  MigrationScript s = ParseScript(
      "revision: m1\ndown_revision: [a, b]\nmessage: merge\nbranch_labels: x\n"
      "depends_on: [c]\ntransactional: false\nupgrade: []\ndowngrade: []\n",
      "m.yaml", Naming());
  EXPECT_EQ(s.down_revisions, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.branch_labels, (std::vector<std::string>{"x"}));
  EXPECT_EQ(s.depends_on, (std::vector<std::string>{"c"}));
  EXPECT_FALSE(s.transactional);
  ASSERT_TRUE(s.downgrade);
  EXPECT_TRUE(s.downgrade->empty());
}

TEST(Script, RenderedNewScriptParses) {
  NewScript n{"abc", {"x", "y"}, "say \"hi\"", {"lbl"}, {"dep"}, "2026-01-01 00:00:00"};
  MigrationScript s = ParseScript(RenderNewScript(n), "n.yaml", Naming());
  EXPECT_EQ(s.revision, "abc");
  EXPECT_EQ(s.down_revisions, n.down_revisions);
  EXPECT_EQ(s.message, n.message);
  EXPECT_EQ(s.branch_labels, n.branch_labels);
  EXPECT_EQ(s.depends_on, n.depends_on);
  EXPECT_TRUE(s.upgrade.empty());
}

TEST(Script, Errors) {
  auto error_of = [](const std::string& text) {
    try {
      ParseScript(text, "e.yaml", Naming());
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("down_revision: null\nupgrade: []\n"), "e.yaml:1:1: missing 'revision'");
  EXPECT_EQ(error_of("revision: \"a b\"\ndown_revision: null\n"),
            "e.yaml:1:11: revision id 'a b' may hold only letters, digits and '_'");
  EXPECT_EQ(error_of("revision: a\nupgrade: []\n"),
            "e.yaml:1:1: missing 'down_revision' (null for a first revision)");
  EXPECT_EQ(error_of("revision: a\ndown_revision: null\nupgrade:\n  - execute: {sql: SELECT 1}\n"),
            "e.yaml:4:5: execute has no inverse: this script needs an explicit 'downgrade'");
  EXPECT_EQ(error_of("revision: a\ndown_revision: null\nupgrade: {create_table: {}}\n"),
            "e.yaml:3:10: an operation list must be a list");
}

}  // namespace
}  // namespace retort::script
