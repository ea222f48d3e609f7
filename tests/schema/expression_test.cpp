// The names an SQL expression uses, as the model reads them from its tokens.
#include "schema/expression.h"

#include <gtest/gtest.h>

namespace retort::schema {
namespace {

using Names = std::vector<std::string>;

TEST(ExpressionColumns, NamesThatAreNotFunctionsTypesKeywordsOrText) {
  EXPECT_EQ(ExpressionColumns("lower(email)"), Names{"email"});
  EXPECT_EQ(ExpressionColumns("first_name || ' ' || last_name"), (Names{"first_name", "last_name"}));
  EXPECT_EQ(ExpressionColumns("lower((email)::text)"), Names{"email"});
  EXPECT_EQ(ExpressionColumns("x::timestamp with time zone > y"), (Names{"x", "y"}));
  EXPECT_EQ(ExpressionColumns("deleted = 0 AND note IS NOT NULL"), (Names{"deleted", "note"}));
  EXPECT_EQ(ExpressionColumns("\"Mixed Case\" = 'deleted' OR a = a"), (Names{"Mixed Case", "a"}));
  EXPECT_EQ(ExpressionColumns("name COLLATE \"C\""), Names{"name"});
  EXPECT_EQ(ExpressionColumns("t.col + pg_catalog.abs(v)"), (Names{"col", "v"}));
  EXPECT_EQ(ExpressionColumns("lower('x')"), Names{});
  EXPECT_EQ(ExpressionColumns("CASE WHEN a THEN 1 ELSE 2 END"), Names{"a"});
  EXPECT_EQ(ExpressionColumns("'unterminated"), Names{});
}

TEST(ExpressionText, OuterParenthesesAndCalls) {
  EXPECT_EQ(WithoutOuterParens(" ((a > 0)) "), "a > 0");
  EXPECT_EQ(WithoutOuterParens("(a) AND (b)"), "(a) AND (b)");
  EXPECT_EQ(WithoutOuterParens("(')')"), "')'");
  EXPECT_EQ(WithoutOuterParens("("), "(");
  EXPECT_TRUE(IsFunctionCall("lower(email)"));
  EXPECT_TRUE(IsFunctionCall("pg_catalog.lower(\"e)\")"));
  EXPECT_FALSE(IsFunctionCall("lower(a) || lower(b)"));
  EXPECT_FALSE(IsFunctionCall("a + 1"));
  EXPECT_FALSE(IsFunctionCall("(a)"));
  EXPECT_FALSE(IsFunctionCall("NOT (a)"));
}

TEST(RenameIdentifier, BareQuotedAndText) {
  EXPECT_EQ(RenameIdentifier("lower(email) = 'email'", "email", "mail"), "lower(mail) = 'email'");
  EXPECT_EQ(RenameIdentifier("\"email\" > 0", "email", "two words"), "\"two words\" > 0");
  EXPECT_EQ(RenameIdentifier("emails + email", "email", "m"), "emails + m");
}

TEST(RenameIdentifier, QuotedAsSqliteWritesIt) {
  EXPECT_EQ(RenameIdentifier("SELECT id FROM accounts", "accounts", "members", true),
            "SELECT id FROM \"members\"");
}

TEST(OneStatement, OneQueryOnly) {
  EXPECT_EQ(OneStatement("  SELECT 1;  \n"), "SELECT 1");
  EXPECT_EQ(OneStatement("SELECT ';' AS x, \"a;b\" FROM t"), "SELECT ';' AS x, \"a;b\" FROM t");
  EXPECT_EQ(OneStatement("SELECT 1; DROP TABLE t"), "");
  EXPECT_EQ(OneStatement("SELECT 1;;"), "");
  EXPECT_EQ(OneStatement(" ; "), "");
}

// What would smuggle a second statement past the check.
TEST(OneStatement, CommentsEscapesAndDollarQuotes) {
  EXPECT_EQ(OneStatement("SELECT 1 -- it's\n; DROP TABLE users"), "");
  EXPECT_EQ(OneStatement("SELECT 1 -- a note"), "");  // it would hide a ';' after it
  EXPECT_EQ(OneStatement("SELECT E'\\''; DROP TABLE users; --"), "");
  EXPECT_EQ(OneStatement("SELECT 'open"), "");
  EXPECT_EQ(OneStatement("SELECT 1 /* open"), "");
  EXPECT_EQ(OneStatement("SELECT $x$ ; $x$ AS s"), "SELECT $x$ ; $x$ AS s");
  EXPECT_EQ(OneStatement("SELECT $$ ; "), "");
  EXPECT_EQ(OneStatement("SELECT /* ; */ 1"), "SELECT /* ; */ 1");
  EXPECT_EQ(OneStatement("SELECT E'a\\'b' AS s"), "SELECT E'a\\'b' AS s");
}

TEST(MentionsName, BareInAnyCaseQuotedAsWritten) {
  EXPECT_TRUE(MentionsName("SELECT a.id FROM Accounts a", "accounts"));
  EXPECT_TRUE(MentionsName("SELECT * FROM \"Accounts\"", "Accounts"));
  EXPECT_FALSE(MentionsName("SELECT * FROM \"Accounts\"", "accounts"));
  EXPECT_FALSE(MentionsName("SELECT 'accounts' AS t FROM accounts_old", "accounts"));
}

TEST(RenameColumnInQuery, SelectItemsKeepTheirNames) {
  EXPECT_EQ(RenameColumnInQuery("SELECT id, score FROM t WHERE score > 1", "score", "points"),
            "SELECT id, \"points\" AS score FROM t WHERE \"points\" > 1");
  EXPECT_EQ(RenameColumnInQuery("SELECT t.score, 1 FROM t", "score", "points"), "SELECT t.\"points\" AS score, 1 FROM t");
  EXPECT_EQ(RenameColumnInQuery("SELECT DISTINCT score FROM t", "score", "points"),
            "SELECT DISTINCT \"points\" AS score FROM t");
  // Not a whole item: only renamed.
  EXPECT_EQ(RenameColumnInQuery("SELECT score + 1 AS s FROM t", "score", "points"), "SELECT \"points\" + 1 AS s FROM t");
  EXPECT_EQ(RenameColumnInQuery("SELECT max(score) FROM t", "score", "points"), "SELECT max(\"points\") FROM t");
  // Renamed back, the alias that says the same goes.
  EXPECT_EQ(RenameColumnInQuery("SELECT \"points\" AS score FROM t", "points", "score"), "SELECT \"score\" FROM t");
  // A name that needs quotes keeps them.
  EXPECT_EQ(RenameColumnInQuery("SELECT \"Score\" FROM t", "Score", "points"), "SELECT \"points\" AS \"Score\" FROM t");
  // Strings are left alone.
  EXPECT_EQ(RenameColumnInQuery("SELECT 'score' FROM t", "score", "points"), "SELECT 'score' FROM t");
}

TEST(CanonicalQuery, QuotesAndSpacesThatChangeNothing) {
  EXPECT_EQ(CanonicalQuery("SELECT  id,\n  \"score\" FROM \"members\""), "select id, score from members");
  EXPECT_EQ(CanonicalQuery("SELECT \"two words\" FROM t"), "select \"two words\" from t");
  EXPECT_EQ(CanonicalQuery("SELECT 'a  b'"), "select 'a  b'");
  EXPECT_NE(CanonicalQuery("SELECT id FROM a"), CanonicalQuery("SELECT id FROM b"));
  // Bare names in any case are one name; a quoted one with capitals is another.
  EXPECT_EQ(CanonicalQuery("SELECT Id FROM T"), CanonicalQuery("select id from t"));
  EXPECT_NE(CanonicalQuery("SELECT \"Id\" FROM t"), CanonicalQuery("SELECT id FROM t"));
  EXPECT_EQ(CanonicalQuery("SELECT \"Id\" FROM t"), "select \"Id\" from t");
  // Strings and bodies keep their case.
  EXPECT_NE(CanonicalQuery("AS $$ SELECT 'A' $$"), CanonicalQuery("AS $$ SELECT 'a' $$"));
  EXPECT_NE(CanonicalQuery("AS $$ SELECT A $$"), CanonicalQuery("AS $$ select a $$"));
}

}  // namespace
}  // namespace retort::schema
