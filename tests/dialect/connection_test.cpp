// What every connection refuses before the database sees it.
#include <gtest/gtest.h>

#include "dialect/dialect.h"
#include "dialect/registry.h"
#include "test_util.h"

namespace retort {
namespace {

class ConnectionTest : public ::testing::TestWithParam<std::string> {};

// A NUL would cut the statement short in the client (libpq) or stop
// SQLite's statement loop: neither runs, and the error names the statement.
TEST_P(ConnectionTest, RefusesNulInStatementsAndValues) {
  if (testing::SkipWithoutServer(GetParam())) GTEST_SKIP() << "no PostgreSQL server";
  testing::ScratchDir dir;
  testing::TestDatabase db(GetParam(), dir.path());
  auto conn = dialect::Connect(dialect::ParseUrl(db.url()), {.create_schema = true});
  conn->Execute("CREATE TABLE t (id integer, v text)");
  conn->Execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  std::string cut("DELETE FROM t\0 WHERE id = 1", 27);
  try {
    conn->Execute(cut);
    FAIL() << "a statement holding a NUL ran";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("NUL"), std::string::npos) << e.what();
    EXPECT_NE(e.where().statement.find("DELETE FROM t\\0 WHERE id = 1"), std::string::npos);
  }
  std::string placeholder = conn->dialect().Placeholder(1);
  EXPECT_THROW(conn->Execute("INSERT INTO t VALUES (3, " + placeholder + ")",
                             {std::string("x\0y", 3)}),
               Error);
  std::vector<dialect::Statement> batch = {{"INSERT INTO t VALUES (4, 'c')"}, {cut}};
  EXPECT_THROW(conn->ExecuteAll(batch), Error);
  EXPECT_EQ(db.Query("SELECT count(*) FROM t"), (std::vector<std::vector<std::string>>{{"2"}}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, ConnectionTest, ::testing::ValuesIn(testing::TestDialects()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace retort
