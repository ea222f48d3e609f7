// Operations written back as script YAML read back to the same operations:
// writing what was read gives the same text again, for every operation.
#include <gtest/gtest.h>

#include "script/op_read.h"
#include "schema/naming.h"
#include "format/file.h"
#include "script/script_write.h"

namespace retort {
namespace {

std::vector<ops::OpAt> Parse(const std::string& text) {
  format::File file("ops.yaml");
  format::Document parsed = file.Parse(text);
  format::Node doc = parsed.root();
  return script::ParseOperations(file, doc["upgrade"],
                              schema::WithDefaults(schema::NamingConvention{}));
}

std::string Write(const std::vector<ops::OpAt>& operations) {
  std::vector<script::WrittenOp> written;
  for (const ops::OpAt& op : operations) written.push_back({op.op, {}, false, op.dialects});
  return "upgrade:\n" + script::WriteOperations(written);
}

TEST(ScriptWrite, EveryOperationReadsBackTheSame) {
  const std::string text = R"yaml(upgrade:
  - create_enum: {name: status, values: [new, "yes", "null", "it's"]}
  - create_table:
      name: users
      comment: "people: all of them"
      columns:
        - {name: id, type: uuid, nullable: false}
        - {name: email, type: string(255), nullable: false, server_default: "a@b"}
        - {name: active, type: boolean, server_default: true}
        - {name: at, type: datetime(timezone), server_default: now()}
        - {name: literal_null, type: text, server_default: "null"}
        - {name: raw, type: {postgresql: int4, sqlite: INTEGER}, server_default: {sql: "1 + 1"}}
        - {name: price, type: "numeric(10,2)", autoincrement: false, comment: "in cents"}
        - {name: status, type: enum(status)}
        - {name: token, type: text, server_default: {postgresql: {sql: "gen_random_uuid()::text"}, sqlite: "x"}}
      primary_key: {name: pk_users, columns: [id]}
      unique:
        - {name: uq_users_email, columns: [email]}
      checks:
        - {name: ck_users_positive, expr: "price >= 0"}
      indexes:
        - {name: ix_users_at, columns: [at, email], unique: true}
  - create_table:
      name: posts
      columns:
        - {name: id, type: integer}
        - {name: author, type: uuid}
      primary_key: {name: pk_posts, columns: [id]}
      foreign_keys:
        - {name: fk_posts_author_users, columns: [author], referred_table: users, referred_columns: [id], on_delete: CASCADE, on_update: SET NULL}
  - rename_table: {name: posts, new_name: articles}
  - add_column: {table: articles, column: {name: "title with space", type: text, nullable: false, server_default: ""}}
  - add_column: {table: articles, column: {name: author_id, type: integer, references: users.id, on_delete: SET NULL, index: true}}
  - add_column: {table: articles, column: {name: slug, type: string(40), unique: {name: uq_slug}}}
  - add_column: {table: articles, column: {name: code, type: string(8), index: {name: ix_code}, unique: true}}
  - alter_column: {table: articles, column: "title with space", type: string(80), nullable: true, server_default: null, new_name: title}
  - create_index: {name: ix_articles_title, table: articles, columns: [title]}
  - drop_index: {name: ix_articles_title, table: articles}
  - create_primary_key: {name: pk2, table: articles, columns: [id, author]}
  - create_unique_constraint: {name: uq_articles_title, table: articles, columns: [title]}
  - create_foreign_key: {table: articles, name: fk2, columns: [author], referred_table: users, referred_columns: [id]}
  - create_check_constraint: {name: ck_articles_titled, table: articles, expr: "title <> ''"}
  - drop_constraint: {name: fk2, table: articles}
  - add_enum_value: {name: status, value: done, after: new}
  - add_enum_value: {name: status, value: first, before: new}
  - drop_enum_value: {name: status, value: done}
  - bulk_insert:
      table: articles
      rows:
        - {id: "1", author: null, title: "x: y"}
  - execute:
      sql:
        default: "SELECT 1"
        postgresql: "SELECT 2"
      effect:
        - drop_column: {table: articles, column: title}
  - drop_column: {table: users, column: price}
  - drop_table: {name: articles}
  - drop_enum: {name: status}
  - create_enum: {name: mood, values: [ok], create_constraint: false}
)yaml";
  std::vector<ops::OpAt> first = Parse(text);
  std::string written = Write(first);
  std::vector<ops::OpAt> second = Parse(written);
  EXPECT_EQ(Write(second), written);
  ASSERT_EQ(second.size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(ops::OperationName(second[i].op), ops::OperationName(first[i].op));
  }
  // Spot checks of what the text says, beyond its own round trip.
  const auto& users = std::get<ops::CreateTable>(second[1].op).table;
  ASSERT_TRUE(users.columns[4].server_default.has_value());  // the text "null", not none
  EXPECT_EQ(users.columns[4].server_default->value, "null");
  EXPECT_EQ(users.columns[3].server_default->kind, schema::Default::Kind::kNow);
  EXPECT_EQ(users.checks[0].name, "ck_users_positive");
  EXPECT_TRUE(std::get<ops::CreateEnum>(second[0].op).enumeration.create_constraint);
  EXPECT_FALSE(std::get<ops::CreateEnum>(second.back().op).enumeration.create_constraint);
  EXPECT_EQ(std::get<ops::CreateEnum>(second[0].op).enumeration.values,
            (std::vector<std::string>{"new", "yes", "null", "it's"}));
  const auto& alter = std::get<ops::AlterColumn>(second[8].op);
  ASSERT_TRUE(alter.server_default.has_value());
  EXPECT_FALSE(alter.server_default->has_value());
  const auto& insert = std::get<ops::BulkInsert>(second[19].op);
  EXPECT_FALSE(insert.rows[0][1].second.has_value());
  EXPECT_EQ(std::get<ops::Execute>(second[20].op).effect.size(), 1u);
  // What an add_column adds beside its column keeps its names.
  const auto& author = std::get<ops::AddColumn>(second[5].op);
  ASSERT_EQ(author.foreign_keys.size(), 1u);
  EXPECT_EQ(author.foreign_keys[0].name, "articles_author_id_fkey");
  EXPECT_TRUE(author.foreign_keys[0].implied);
  EXPECT_EQ(author.foreign_keys[0].on_delete, schema::Action::kSetNull);
  ASSERT_EQ(author.indexes.size(), 1u);
  EXPECT_EQ(author.indexes[0].name, "ix_articles_author_id");
  EXPECT_EQ(std::get<ops::AddColumn>(second[6].op).uniques.at(0).name, "uq_slug");
  const auto& code = std::get<ops::AddColumn>(second[7].op);
  EXPECT_EQ(code.indexes.at(0).name, "ix_code");
  EXPECT_TRUE(code.indexes.at(0).unique);
}

// `dialect:` on an operation reads back, a create_table's too, and a
// checksum tells a limited operation from the same one unlimited.
TEST(ScriptWrite, DialectsReadBack) {
  const std::string text = R"yaml(upgrade:
  - create_table:
      name: t
      columns:
        - {name: id, type: integer}
      dialect: postgresql
  - create_index: {table: t, name: ix_t_id, columns: [id], dialect: [sqlite, postgresql]}
  - drop_table: {name: t}
)yaml";
  std::vector<ops::OpAt> first = Parse(text);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].dialects, std::vector<std::string>{"postgresql"});
  EXPECT_EQ(first[1].dialects, (std::vector<std::string>{"sqlite", "postgresql"}));
  EXPECT_TRUE(first[2].dialects.empty());
  EXPECT_FALSE(first[0].RunsOn("sqlite"));
  EXPECT_TRUE(first[0].RunsOn("postgresql"));
  EXPECT_EQ(ops::OnDialect(first, "sqlite").size(), 2u);
  const std::string written = Write(first);
  EXPECT_NE(written.find("      dialect: postgresql\n"), std::string::npos) << written;
  EXPECT_NE(written.find("dialect: [sqlite, postgresql]}"), std::string::npos) << written;
  EXPECT_EQ(Write(Parse(written)), written);
  std::vector<ops::OpAt> unlimited = first;
  for (ops::OpAt& op : unlimited) op.dialects.clear();
  EXPECT_NE(Write(unlimited), written);
}

// A name the convention makes, too long for PostgreSQL, is written back as
// it is and read back as the convention's (shortened where it is stored),
// not refused as an explicit name would be.
TEST(ScriptWrite, LongConventionNamesReadBack) {
  const std::string column(60, 'e');
  std::vector<ops::OpAt> first = Parse(
      "upgrade:\n  - create_table: {name: users, columns: [{name: id, type: integer, primary_key: "
      "true}, {name: " + column + ", type: integer, index: true}]}\n");
  std::vector<ops::OpAt> second = Parse(Write(first));
  EXPECT_EQ(std::get<ops::CreateTable>(second.at(0).op).table.indexes.at(0).name,
            "ix_users_" + column);
}

TEST(ScriptWrite, MarksWhatMustBeAcknowledged) {
  std::string text = script::WriteOperations(
      {{ops::DropTable{"users"}, {"DESTRUCTIVE: drops table users."}, true}});
  EXPECT_EQ(text,
            "  # DESTRUCTIVE: drops table users.\n"
            "  - drop_table: {name: users, acknowledged: false}\n");
  std::vector<ops::OpAt> read = Parse("upgrade:\n" + text);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_FALSE(read[0].acknowledged);
  EXPECT_TRUE(Parse("upgrade:\n  - drop_table: {name: users, acknowledged: true}\n")[0].acknowledged);
}

}  // namespace
}  // namespace retort
