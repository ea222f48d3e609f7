#include "dialect/url.h"

#include <gtest/gtest.h>

#include "retort/error.h"

namespace retort::dialect {
namespace {

TEST(Url, MasksPasswords) {
  EXPECT_EQ(MaskPassword("postgresql://u:secret@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(MaskPassword("postgresql://u@h/db?password=secret&sslmode=require"),
            "postgresql://u@h/db?password=***&sslmode=require");
  EXPECT_EQ(MaskPassword("postgresql://h/db?sslmode=require&password=x"),
            "postgresql://h/db?sslmode=require&password=***");
  EXPECT_EQ(MaskPassword("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(MaskPassword("sqlite:///a:b@c.db"), "sqlite:///a:b@c.db");
}

TEST(Url, Sqlite) {
  EXPECT_EQ(ParseUrl("sqlite:///rel/app.db").path, "rel/app.db");
  EXPECT_EQ(ParseUrl("sqlite:////abs/app.db").path, "/abs/app.db");
  EXPECT_EQ(ParseUrl("sqlite://:memory:").path, ":memory:");
  EXPECT_EQ(ParseUrl("sqlite+pysqlite:///x.db").path, "x.db");
  EXPECT_THROW(ParseUrl("sqlite://host/x.db"), Error);
  EXPECT_THROW(ParseUrl("app.db"), Error);
  EXPECT_THROW(ParseUrl("mysql://h/db"), Error);
  // Only a scheme's characters come before "://".
  EXPECT_THROW(ParseUrl("sqlite+x/y:///x.db"), Error);
  EXPECT_THROW(ParseUrl("postgresql+x?schema=a&b=sqlite://h/db"), Error);
}

TEST(Url, Postgres) {
  DatabaseUrl u = ParseUrl("postgresql://u:p@h:5/db?schema=project_1&sslmode=disable");
  EXPECT_EQ(u.scheme, "postgresql");
  EXPECT_EQ(u.schema, "project_1");
  EXPECT_EQ(u.conninfo, "postgresql://u:p@h:5/db?sslmode=disable&connect_timeout=10");
  EXPECT_EQ(ParseUrl("postgres://h/db?connect_timeout=2").conninfo, "postgresql://h/db?connect_timeout=2");
  EXPECT_EQ(ParseUrl("postgresql+psycopg2://h/db?schema=a%20b").schema, "a b");
  EXPECT_THROW(ParseUrl("postgresql://h/db?schema="), Error);
  EXPECT_EQ(WithQueryParameter("postgresql://h/db", "schema", "s"), "postgresql://h/db?schema=s");
  EXPECT_EQ(WithQueryParameter("postgresql://h/db?schema=a&x=1", "schema", "b"),
            "postgresql://h/db?x=1&schema=b");
}

}  // namespace
}  // namespace retort::dialect
