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
  // Unencoded '@', ':', '/' and '#' in the password: up to the last '@'.
  EXPECT_EQ(MaskPassword("postgresql://postgres:p@ss:w/rd#1@host/db"),
            "postgresql://postgres:***@host/db");
  // Password-like keys, however spelt.
  EXPECT_EQ(MaskPassword("postgresql://h/db?PASSWORD=s1&pass%77ord=s2&sslpassword=s3&x=1"),
            "postgresql://h/db?PASSWORD=***&pass%77ord=***&sslpassword=***&x=1");
  // Not quite URLs, alone.
  EXPECT_EQ(MaskPassword("postgres//u:s3@h/db"), "postgres//u:***@h/db");
  EXPECT_EQ(MaskPassword("postgresql:/u:s3@h/db"), "postgresql:***@h/db");
  // Inside messages: each URL up to the next space; other words untouched.
  EXPECT_EQ(MaskPassword("error: postgresql://u:s3@h/db: cannot connect, see a@b: x"),
            "error: postgresql://u:***@h/db: cannot connect, see a@b: x");
  EXPECT_EQ(MaskPassword("The following argument was not expected: postgresql://u:s3@h/db\nRun with --help"),
            "The following argument was not expected: postgresql://u:***@h/db\nRun with --help");
  EXPECT_EQ(MaskPassword("host=h password=s3 dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(MaskPassword("host=db password = s3cret"), "host=db password = ***");
  EXPECT_EQ(MaskPassword("host=db password='Top s3cret' x=1"), "host=db password=*** x=1");
  // A space in the password; a URL cut at its '@' (a revision target);
  // one missing its host; a port is no password.
  EXPECT_EQ(MaskPassword("bad: postgresql://u:my s3cret@h:1/db: refused"), "bad: postgresql://u:***@h:1/db: refused");
  EXPECT_EQ(MaskPassword("no revision or branch label 'postgresql://u:s3cret'"),
            "no revision or branch label 'postgresql://u:***'");
  EXPECT_EQ(MaskPassword("postgresql://admin:s3cret/db"), "postgresql://admin:***/db");
  EXPECT_EQ(MaskPassword("postgresql://h:5432/db"), "postgresql://h:5432/db");
  EXPECT_EQ(MaskPassword("postgresql://h:5432,g:5433/db"), "postgresql://h:5432,g:5433/db");
  EXPECT_EQ(MaskPassword("1.yaml:3:4: revision 'x@head' not found"),
            "1.yaml:3:4: revision 'x@head' not found");
}

TEST(Url, RefusesWhatLibpqWouldMisread) {
  for (const char* url : {"postgresql://postgres:p@ss:w/rd#1@host/db", "postgresql://u:p/w@h/db",
                          "postgresql://u:Secret%zz@h/db", "postgresql://u:Secret%2@h/db",
                          "postgresql://u:my Secret@h/db", "postgresql://admin:Secret/db"}) {
    try {
      ParseUrl(url);
      ADD_FAILURE() << url << " was taken";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_EQ(std::string(e.what()).find("Secret"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("ss:w"), std::string::npos) << e.what();
    }
  }
  DatabaseUrl u = ParseUrl("postgresql://me%40corp:p%40ss+w@h/db?application_name=a@b");
  EXPECT_EQ(u.user, "me@corp");
  EXPECT_EQ(u.password, "p@ss+w");
  // A '?' in the password starts no query.
  u = ParseUrl("postgresql://u:pa?ss@h:5432,[::1]:5433/db?schema=s");
  EXPECT_EQ(u.password, "pa?ss");
  EXPECT_EQ(u.schema, "s");
  EXPECT_EQ(u.conninfo, "postgresql://u:pa?ss@h:5432,[::1]:5433/db?connect_timeout=10");
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
