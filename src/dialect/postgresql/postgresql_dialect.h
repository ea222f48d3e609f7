// PostgreSQL: types, DDL rendering. See docs/dialects.md for the type table.
// Spellings follow SQLAlchemy's PostgreSQL dialect, so that a database
// shared with a SQLAlchemy application looks the same.
#pragma once

#include "dialect/dialect.h"

namespace retort::dialect {

const DialectInfo& PostgresInfo();  // postgresql_package.cpp

// A CREATE INDEX CONCURRENTLY, outside a transaction: a run killed while
// it ran may have left the index behind, built or not, which a live run
// takes into account (PostgresConnection::BuildIndexConcurrently); offline
// it is the statement.
class ConcurrentIndexBuild final : public CompositeStep {
 public:
  Statement create;
  std::string table;
  schema::Index index;

  void Run(Connection& connection) const override;  // postgresql_connection.cpp
  void Write(SqlText& out) const override { out.Add(create); }
  std::vector<const Statement*> Statements() const override { return {&create}; }
};

class PostgresDialect final : public Dialect {
 public:
  // A concurrent index build becomes a ConcurrentIndexBuild.
  Step StepOf(const ops::OpAt& op, Statement statement) const override;
  // PostgreSQL truncates longer identifiers (NAMEDATALEN - 1).
  static constexpr size_t kMaxIdentifierBytes = 63;

  const DialectInfo& info() const override { return PostgresInfo(); }
  // True when `column` of `table` is written as a serial (its values drawn
  // from a sequence).
  static bool AutoIncrements(const schema::Table& table, const schema::Column& column);
  // Throws Error(kInput) for an identifier longer than kMaxIdentifierBytes,
  // which PostgreSQL would silently truncate.
  std::string Quote(std::string_view identifier) const override;
  // An enum's name where SQL names a type: always quoted (a bare `integer`
  // is the built-in type, whatever the schema holds). Throws Error(kInput)
  // for the name of a type of pg_catalog (`text`, `int4`, `uuid`, ...),
  // which is found first whatever the quoting, and as Quote does.
  std::string TypeName(std::string_view enum_name) const;
  std::vector<std::string> Render(const ops::Operation& op,
                                  const schema::Schema& before) const override;
  std::string ColumnType(const schema::Type& type,
                         const schema::Schema& schema) const override;
  std::vector<std::string> CreateVersionTable(const std::string& table) const override;
  std::vector<std::string> CreateHistoryTable(const std::string& table) const override;
  std::string Placeholder(int n) const override { return "$" + std::to_string(n); }
  schema::Schema Normalize(const schema::Schema& schema) const override;  // postgresql_inspect.cpp

  // The column's definition inside CREATE TABLE or ADD COLUMN.
  std::string ColumnDefinition(const schema::Table& table, const schema::Column& column,
                               const schema::Schema& schema) const override;
  // CREATE [MATERIALIZED] VIEW name AS sql [WITH NO DATA], then a
  // materialized view's CREATE INDEX statements.
  std::vector<std::string> CreateViewSql(const schema::View& view) const;
  // CREATE [OR REPLACE] FUNCTION|PROCEDURE|AGGREGATE name(arguments) definition.
  std::string CreateFunctionSql(const schema::Function& f, bool or_replace) const;
  static const char* FunctionKeyword(schema::Function::Kind kind);
  // CREATE [CONSTRAINT] TRIGGER ... EXECUTE FUNCTION call.
  std::string CreateTriggerSql(const schema::Trigger& trigger) const;
  // The views of `schema` that name `table`, and those that name them, in
  // creation order (a name in a query is enough: made again needlessly,
  // a view loses nothing).
  static std::vector<const schema::View*> ViewsReading(const schema::Schema& schema,
                                                       const std::string& table);
  // A value (a default or a bulk_insert cell) as a literal of `type`.
  std::string Literal(const schema::Type& type, const std::string& value) const override;
  // The DEFAULT expression (without the keyword) for a column of `type`.
  std::string DefaultExpression(const schema::Type& type, const schema::Default& d) const;
};

}  // namespace retort::dialect
