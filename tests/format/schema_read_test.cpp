#include "format/schema_read.h"

#include <gtest/gtest.h>

#include "schema/naming.h"

namespace retort::schema {
namespace {

using format::LoadSchemaText;
using format::LoadSchemaTexts;

const char* kSchema = R"(
naming_convention:
  pk: "pk_%(table_name)s"
  fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"
  uq: "uq_%(table_name)s_%(column_0_N_name)s"
  ck: "ck_%(table_name)s_%(constraint_name)s"
  ix: "ix_%(column_0_label)s"
enums:
  task_status: [QUEUED, DONE]
tables:
  - name: users
    columns:
      - {name: id, type: uuid, primary_key: true}
      - {name: email, type: string(255), nullable: false, unique: true, index: true}
      - {name: handle, type: string(40), unique: true}
      - {name: created_at, type: datetime(timezone), nullable: false, server_default: now()}
  - name: tasks
    columns:
      - {name: id, type: uuid, primary_key: true}
      - {name: user_id, type: uuid, nullable: false, index: true, references: users.id, on_delete: CASCADE}
      - {name: status, type: enum(task_status), nullable: false, server_default: QUEUED}
      - {name: size, type: bigint, nullable: false}
      - {name: raw, type: {sqlite: BLOB, postgresql: BYTEA}}
    unique:
      - {columns: [user_id, size]}
    checks:
      - {name: positive_size, expr: "size >= 0"}
  - name: task_events
    columns:
      - {name: task_id, type: uuid, nullable: false}
      - {name: seq, type: integer, nullable: false}
    primary_key: {name: pk_task_events, columns: [task_id, seq]}
    foreign_keys:
      - {columns: [task_id], referred_table: tasks, referred_columns: [id], on_delete: SET NULL}
)";

TEST(SchemaYaml, LoadsAndNamesEverything) {
  Schema s = LoadSchemaText(kSchema, "app.yaml");
  ASSERT_EQ(s.tables.size(), 3u);
  const Table& users = s.tables[0];
  EXPECT_EQ(users.primary_key->name, "pk_users");
  // unique + index is one unique index, as in SQLAlchemy.
  ASSERT_EQ(users.indexes.size(), 1u);
  EXPECT_EQ(users.indexes[0], Index::On("ix_users_email", {"email"}, true));
  ASSERT_EQ(users.uniques.size(), 1u);
  EXPECT_EQ(users.uniques[0].name, "uq_users_handle");
  EXPECT_EQ(users.columns[3].server_default->kind, Default::Kind::kNow);
  EXPECT_FALSE(users.columns[0].nullable);

  const Table& tasks = s.tables[1];
  ASSERT_EQ(tasks.foreign_keys.size(), 1u);
  EXPECT_EQ(tasks.foreign_keys[0].name, "fk_tasks_user_id_users");
  EXPECT_EQ(tasks.foreign_keys[0].on_delete, Action::kCascade);
  EXPECT_EQ(tasks.uniques[0].name, "uq_tasks_user_id_size");
  EXPECT_EQ(tasks.checks[0].name, "ck_tasks_positive_size");
  EXPECT_EQ(tasks.indexes[0].name, "ix_tasks_user_id");
  EXPECT_EQ(tasks.columns[2].type.enum_name, "task_status");
  EXPECT_EQ(tasks.columns[4].type.raw.at("postgresql"), "BYTEA");

  const Table& events = s.tables[2];
  EXPECT_EQ(events.primary_key->columns, (std::vector<std::string>{"task_id", "seq"}));
  EXPECT_EQ(events.foreign_keys[0].name, "fk_task_events_task_id_tasks");
  EXPECT_EQ(events.foreign_keys[0].on_delete, Action::kSetNull);
}

struct BadSchema {
  const char* text;
  const char* message;
};
void PrintTo(const BadSchema& c, std::ostream* out) { *out << "expecting: " << c.message; }

class BadSchemaTest : public ::testing::TestWithParam<BadSchema> {};

TEST_P(BadSchemaTest, OneClearMessage) {
  try {
    LoadSchemaText(GetParam().text, "bad.yaml");
    FAIL() << "loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadSchemaTest,
    ::testing::Values(
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}, {name: a, type: text}]}]",
                  "bad.yaml:1:53: table 't' has two columns named 'a'"},
        BadSchema{"tables:\n  - name: t\n    columns: [{name: a, type: string(x)}]",
                  "bad.yaml:3:31: type 'string(x)': expected string or string(n)"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text, references: u.id}]}]",
                  "refers to table 'u', which does not exist"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}], indexes: [{columns: [b]}]}]",
                  "table 't' has no column 'b'"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text, on_delete: CASCADE}]}]",
                  "on_delete and on_update need 'references'"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text, references: t.a, on_delete: EXPLODE}]}]",
                  "unknown action 'EXPLODE'"},
        BadSchema{"naming_convention: {ix: \"ix_%(nope)s\"}\ntables: [{name: t, columns: [{name: a, type: text, index: true}]}]",
                  "unknown token %(nope)s"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}\n", "malformed YAML"},
        // Latin-1, which YAML would write back differently.
        BadSchema{"tables:\n  - {name: caf\xe9, columns: [{name: a, type: text}]}\n",
                  "bad.yaml:2:15: malformed YAML: not valid UTF-8"},
        BadSchema{"tables: [{name: \"\xed\xa0\x80\", columns: [{name: a, type: text}]}]",
                  "bad.yaml:1:18: malformed YAML: not valid UTF-8"},
        BadSchema{"\xff\xfet\0a\0b\0", "bad.yaml:1:1: malformed YAML: not valid UTF-8"},
        BadSchema{"tablez: []", "bad.yaml:1:1: unknown key 'tablez' in schema file"},
        BadSchema{"enums: {m: {values: [a], check: false}}", "bad.yaml:1:26: unknown key 'check' in enum"},
        BadSchema{"enums: {m: {create_constraint: false}}", "bad.yaml:1:12: enum 'm' needs 'values'"},
        BadSchema{"enums: {m: {values: [], create_constraint: false}}", "bad.yaml:1:21: enum 'm' has no values"},
        BadSchema{"sequences: [{name: s}, {name: s, start: 5}]",
                  "bad.yaml:1:24: sequence 's' declared twice"},
        BadSchema{"sequences: [{name: s, owned_by: t.id}]",
                  "bad.yaml:1:13: sequence 's' is owned by 't.id', which does not exist"},
        BadSchema{"sequences: [{name: t}]\ntables: [{name: t, columns: [{name: a, type: text}]}]",
                  "sequence 't' takes the name of a table"},
        BadSchema{"sequences: [{name: s, owned_by: nodot}]", "'owned_by' must be table.column"},
        BadSchema{"sequences: [{name: s, owned_by: t.n}]\ntables: [{name: t, columns: [{name: n, "
                  "type: bigint, server_default: {sql: \"nextval('s')\"}}]}]",
                  "whose default takes from it: that is a serial column"},
        BadSchema{"extensions: [{name: citext}, {name: citext, version: \"1.6\"}]",
                  "bad.yaml:1:30: extension 'citext' declared twice"},
        BadSchema{"extensions: [{name: \"cit ext\"}]",
                  "bad.yaml:1:21: an extension's name is its control file's: letters, digits, '_' and '-'"},
        BadSchema{"extensions: [{name: citext, version: \"1'; DROP\"}]",
                  "bad.yaml:1:38: an extension's 'version' is one of its control file's versions"},
        BadSchema{"extensions: [{name: citext, schema: \"\"}]",
                  "bad.yaml:1:37: 'schema' is empty"},
        BadSchema{"extensions: [{name: citext, cascade: true}]",
                  "bad.yaml:1:29: unknown key 'cascade' in extension"},
        BadSchema{"extensions: {citext: {}}", "bad.yaml:1:13: 'extensions'"},
        BadSchema{"views: [{name: v, sql: SELECT 1}, {name: v, sql: SELECT 2}]",
                  "view 'v' declared twice"},
        BadSchema{"tables: [{name: v, columns: [{name: a, type: text}]}]\nviews: [{name: v, sql: SELECT 1}]",
                  "view 'v' takes the name of a table or sequence"},
        BadSchema{"functions: [{name: f, definition: RETURNS int AS 'x'}, {name: f, definition: RETURNS int AS 'y'}]",
                  "bad.yaml:1:56: f() declared twice"},
        BadSchema{"functions: [{name: f}]", "bad.yaml:1:13: function 'f' needs 'definition'"},
        BadSchema{"functions: [{name: f, kind: trigger, definition: x}]",
                  "bad.yaml:1:29: unknown kind 'trigger' (expected function, procedure or aggregate)"},
        BadSchema{"functions: [{name: f, arguments: \"a int) RETURNS int AS 'x'; DROP TABLE t; --\", definition: x}]",
                  "a function's 'arguments' must be its argument list"},
        BadSchema{"functions: [{name: f, arguments: \"a int) RETURNS int AS $$x$$ --\", definition: x}]",
                  "a function's 'arguments' must be its argument list"},
        BadSchema{"functions: [{name: f, definition: \"RETURNS int AS $$ SELECT 1 $$; DROP TABLE t\"}]",
                  "a function's 'definition' must be one statement's text"},
        BadSchema{"functions: [{name: f, definition: \"RETURNS int AS $$ SELECT 1\"}]",
                  "a function's 'definition' must be one statement's text"},
        BadSchema{"functions: [{name: f, definition: [x]}]", "a function's 'definition' must be SQL text"},
        BadSchema{"views: [{name: v, sql: SELECT 1 AS a, indexes: [{name: i, columns: [a]}]}]",
                  "bad.yaml:1:48: 'indexes' are for a materialized view"},
        BadSchema{"views: [{name: v, materialized: true, sql: SELECT 1 AS a, indexes: [{columns: [a]}]}]",
                  "bad.yaml:1:69: missing 'name'"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], body: \"SELECT 1; END; DROP TABLE t; CREATE TRIGGER y AFTER INSERT ON t BEGIN SELECT 1\"}",
                  "a trigger's 'body' must be its statements"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], body: \"SELECT 1 -- END\"}",
                  "a trigger's 'body' must be its statements"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: whenever, events: [insert], body: SELECT 1}",
                  "bad.yaml:3:33: unknown timing 'whenever' (expected before, after or instead_of)"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert, upsert], body: SELECT 1}",
                  "unknown event 'upsert' (expected insert, update, delete or truncate)"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert, insert], body: SELECT 1}",
                  "trigger 'x' lists 'insert' twice"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], body: SELECT 1}\n"
                  "  - {name: x, table: t, timing: after, events: [delete], body: SELECT 2}",
                  "bad.yaml:4:5: trigger 'x' on 't' declared twice"},
        BadSchema{"triggers: [{name: x, table: nowhere, timing: after, events: [insert], body: SELECT 1}]",
                  "trigger 'x' is on 'nowhere', which is no declared table or view"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], body: SELECT 1, execute: f()}",
                  "trigger 'x' gives both 'execute'"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert]}",
                  "trigger 'x' needs 'execute'"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [update], columns: [b], body: SELECT 1}",
                  "table 't' has no column 'b'"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], columns: [a], body: SELECT 1}",
                  "'columns' (UPDATE OF) needs the update event"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: before, events: [insert], deferrable: true, execute: f()}",
                  "a deferrable trigger fires after, for each row"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], execute: \"f(); DROP TABLE t\"}",
                  "a trigger's 'execute' must be the call of the function it runs"},
        BadSchema{"tables: [{name: t, columns: [{name: a, type: text}]}]\ntriggers:\n"
                  "  - {name: x, table: t, timing: after, events: [insert], when: \"1) EXECUTE FUNCTION g(); --\", execute: f()}",
                  "a trigger's 'when' must be one expression"}));

TEST(SchemaYaml, NulByteIsMalformed) {
  // yaml-cpp would read "\0N" as the escape \N.
  try {
    LoadSchemaText(std::string("tables: [{name: a\0N}]", 21), "bad.yaml");
    FAIL() << "loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yaml:1:18: malformed YAML: a NUL byte"),
              std::string::npos)
        << e.what();
  }
}

// What YAML allows before a document's "---": a byte-order mark, comments,
// directives.
TEST(SchemaYaml, ByteOrderMarkAndDirectivesBeforeTheDocument) {
  for (const std::string& text :
       {std::string("\xEF\xBB\xBF# comment\n---\ntables: []\n"),
        std::string("%YAML 1.2\n%TAG ! tag:example.com,2000:\n---\ntables: []\n...\n")}) {
    EXPECT_NO_THROW(LoadSchemaText(text, "ok.yaml")) << text;
  }
  EXPECT_THROW(LoadSchemaText("---\n---\ntables: []\n", "two.yaml"), Error);
}

TEST(Naming, Tokens) {
  NamingConvention c{{{"uq", "uq_%(table_name)s_%(column_0N_name)s"},
                      {"ix", "ix_%(column_0_N_label)s"},
                      {"fk", "fk_%(referred_column_0_name)s"}}};
  NameParts parts{"t", {"a", "b"}, "r", {"x"}, ""};
  EXPECT_EQ(ConventionName(c, "uq", parts), "uq_t_ab");
  EXPECT_EQ(ConventionName(c, "ix", parts), "ix_t_a_t_b");
  EXPECT_EQ(ConventionName(c, "fk", parts), "fk_x");
  EXPECT_EQ(ConventionName(c, "pk", parts), std::nullopt);  // no template: implied
  EXPECT_EQ(ConventionName(WithDefaults(c), "ix", parts), "ix_t_a_t_b");  // its own kept
  EXPECT_EQ(ConventionName(WithDefaults({}), "ix", {"t", {"a"}, "", {}, ""}), "ix_t_a");
  // null (an empty template) turns the default off.
  EXPECT_EQ(ConventionName(WithDefaults({{{"ix", ""}}}), "ix", parts), std::nullopt);
  NamingConvention ck{{{"ck", "ck_%(table_name)s_%(constraint_name)s"}}};
  EXPECT_THROW(ConventionName(ck, "ck", parts), Error);  // no constraint_name
}

// PostgreSQL's names for unnamed constraints, as a PostgreSQL 15 server
// gives them (see the render and scenario cases for the server itself).
TEST(Naming, ImpliedNames) {
  auto none = [](const std::string&) { return false; };
  EXPECT_EQ(ImpliedName("pk", {"t", {"a", "b"}, "", {}, ""}, none), "t_pkey");
  EXPECT_EQ(ImpliedName("fk", {"u", {"x", "y"}, "t", {"a", "b"}, ""}, none), "u_x_y_fkey");
  EXPECT_EQ(ImpliedName("uq", {"t", {"a", "b"}, "", {}, ""}, none), "t_a_b_key");
  EXPECT_EQ(ImpliedName("ck", {"t", {"a"}, "", {}, ""}, none), "t_a_check");
  EXPECT_EQ(ImpliedName("ck", {"t", {"a", "b"}, "", {}, ""}, none), "t_check");
  EXPECT_EQ(ImpliedName("ck", {"t", {}, "", {}, ""}, none), "t_check");
  EXPECT_EQ(ImpliedName("ix", {"t", {"a"}, "", {}, ""}, none), "t_a_idx");
  // Numbered while taken.
  auto taken = [](const std::string& n) { return n == "t_a_check" || n == "t_a_check1"; };
  EXPECT_EQ(ImpliedName("ck", {"t", {"a"}, "", {}, ""}, taken), "t_a_check2");
  // Shortened to 63 bytes, the longer part first.
  const std::string table = "averyveryveryveryverylongtablenamethatgoesonandonandonforeverxx";
  const std::string column = "averyveryveryveryverylongcolumnnamethatgoesonandonandonforevery";
  EXPECT_EQ(ImpliedName("uq", {table, {column}, "", {}, ""}, none),
            "averyveryveryveryverylongtabl_averyveryveryveryverylongcolu_key");
  EXPECT_EQ(ImpliedName("ck", {table, {"b"}, "", {}, ""}, none),
            "averyveryveryveryverylongtablenamethatgoesonandonandonf_b_check");
}

TEST(Naming, MentionedColumns) {
  Table t{.name = "t", .columns = {{.name = "a"}, {.name = "b"}, {.name = "Mixed"}}};
  using V = std::vector<std::string>;
  EXPECT_EQ(MentionedColumns(t, "a > 0 AND a < 5"), V{"a"});
  EXPECT_EQ(MentionedColumns(t, "a > b"), (V{"a", "b"}));
  EXPECT_EQ(MentionedColumns(t, "1 = 1"), V{});
  EXPECT_EQ(MentionedColumns(t, "'a b' <> 'x' AND lower(b) = 'b'"), V{"b"});
  EXPECT_EQ(MentionedColumns(t, "a::text <> ''"), V{"a"});
  EXPECT_EQ(MentionedColumns(t, "\"Mixed\" > 0 AND B > 0"), (V{"Mixed", "b"}));
  EXPECT_EQ(MentionedColumns(t, "\"mixed\" > 0"), V{});  // quoted: exact
  EXPECT_EQ(MentionedColumns(t, "Mixed > 0"), V{});  // unquoted: folded to mixed
  EXPECT_EQ(MentionedColumns(t, "CAST(a AS b) > 0"), V{"a"});
  EXPECT_EQ(MentionedColumns(t, "a :: b > 0 AND a::public.b > 0"), V{"a"});
  EXPECT_EQ(MentionedColumns(t, "a > 0 -- b\n/* b */"), V{"a"});
  EXPECT_EQ(MentionedColumns(t, "E'\\' b' = a AND $x$ b $x$ = a"), V{"a"});
}

// Explicit names win over everything; a schema's tables name their implied
// constraints among each other's names, as PostgreSQL's namespace does.
TEST(Naming, ImpliedNamesInASchema) {
  Schema s = LoadSchemaText(R"(tables:
  - name: a
    columns: [{name: b_c, type: integer, unique: true}, {name: v, type: integer}]
    checks: [{expr: "b_c > 0"}, {expr: "b_c < 10"}, {expr: "b_c > v"}]
  - name: a_b
    columns: [{name: c, type: integer, unique: true}]
    checks: [{expr: "c > 0"}]
)", "s.yaml");
  EXPECT_EQ(s.tables[0].checks[0].name, "a_b_c_check");
  EXPECT_EQ(s.tables[0].checks[1].name, "a_b_c_check1");
  EXPECT_EQ(s.tables[0].checks[2].name, "a_check");
  EXPECT_EQ(s.tables[0].uniques[0].name, "a_b_c_key");
  EXPECT_TRUE(s.tables[0].uniques[0].implied);
  EXPECT_EQ(s.tables[1].checks[0].name, "a_b_c_check2");
  EXPECT_EQ(s.tables[1].uniques[0].name, "a_b_c_key1");
}

// SQLAlchemy's shortening of a convention's long name (checked against
// SQLAlchemy 1.4: the first 55 bytes, '_', the MD5's last 4 hex digits).
TEST(Naming, ShortenedAsSqlalchemyShortens) {
  EXPECT_EQ(ShortenConventionName(
                "ix_customer_subscriptions_billing_period_started_at_in_the_customers_timezone", 63),
            "ix_customer_subscriptions_billing_period_started_at_in__ffa6");
  EXPECT_EQ(ShortenConventionName("ix_short", 63), "ix_short");
  EXPECT_EQ(ShortenConventionName(std::string(200, 'x'), 0), std::string(200, 'x'));
}

// Every explicit name too long, in every schema file, is reported at once.
TEST(Naming, NamesTooLongInEveryFileAtOnce) {
  const std::string long_name(64, 'n');
  try {
    LoadSchemaTexts({{"a.yaml", "tables:\n  - name: " + long_name + "\n    columns: [{name: id, type: integer}]\n"},
                     {"b.yaml", "tables:\n  - name: t\n    columns: [{name: id, type: integer, unique: {name: " +
                                    long_name + "}}]\n"}});
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("a.yaml:2:11: 2 errors:"), std::string::npos) << what;
    EXPECT_NE(what.find("\n  a.yaml:2:11: the name '" + long_name + "' is 64 bytes long"), std::string::npos) << what;
    EXPECT_NE(what.find("\n  b.yaml:3:15: the name '" + long_name + "' is 64 bytes long"), std::string::npos) << what;
  }
}

// A template with %(constraint_name)s does not stand in the way of an
// explicit name (SQLAlchemy allows such templates for any key).
TEST(Naming, ExplicitNamesWithAConstraintNameTemplate) {
  Schema s = LoadSchemaText(R"(naming_convention:
  uq: "uq_%(constraint_name)s"
tables:
  - name: t
    columns: [{name: id, type: integer}, {name: a, type: integer, unique: {name: own}}]
)", "s.yaml");
  EXPECT_EQ(s.tables[0].uniques.at(0).name, "own");
}

TEST(Naming, CheckNameInTheTemplatesFormIsKept) {
  const NamingConvention c{{{"ck", "ck_%(table_name)s_%(constraint_name)s"}}};
  EXPECT_EQ(ConventionName(c, "ck", {.table = "t", .constraint_name = "positive"}),
            "ck_t_positive");
  EXPECT_EQ(ConventionName(c, "ck", {.table = "t", .constraint_name = "ck_t_positive"}),
            "ck_t_positive");
  // Whatever bytes the table's name holds.
  const std::string table("t\x01\0", 3);
  EXPECT_EQ(ConventionName(c, "ck", {.table = table, .constraint_name = "ck_" + table + "_p"}),
            "ck_" + table + "_p");
}

TEST(Types, RoundTrip) {
  for (const char* text : {"integer", "string(255)", "numeric(10,2)", "numeric(5)",
                           "datetime(timezone)", "enum(status)", "jsonb", "uuid"}) {
    std::string error;
    std::optional<Type> t = ParseType(text, &error);
    ASSERT_TRUE(t) << text << ": " << error;
    EXPECT_EQ(FormatType(*t), text);
  }
  std::string error;
  EXPECT_FALSE(ParseType("numeric(2,5)", &error));
  EXPECT_FALSE(ParseType("uuid(4)", &error));
  EXPECT_FALSE(ParseType("enum()", &error));
}

}  // namespace
}  // namespace retort::schema
