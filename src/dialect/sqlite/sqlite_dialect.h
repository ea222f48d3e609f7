// SQLite: types, DDL rendering. See docs/dialects.md for the type table.
#pragma once

#include "dialect/dialect.h"

namespace retort::dialect {

const DialectInfo& SqliteInfo();  // sqlite_package.cpp

class SqliteDialect final : public Dialect {
 public:
  const DialectInfo& info() const override { return SqliteInfo(); }
  std::string Quote(std::string_view identifier) const override;
  std::vector<std::string> Render(const ops::Operation& op,
                                  const schema::Schema& before) const override;
  // Operations SQLite's ALTER TABLE cannot do become a table rebuild
  // (sqlite_rebuild.h); consecutive ones on one table share a rebuild.
  std::vector<Step> RenderOps(const std::vector<ops::OpAt>& operations,
                              schema::Schema& schema) const override;
  std::string ForeignKeysSql(bool suspended) const override {
    return suspended ? "PRAGMA foreign_keys = OFF" : "PRAGMA foreign_keys = ON";
  }
  std::string ColumnType(const schema::Type& type,
                         const schema::Schema& schema) const override;
  std::vector<std::string> CreateVersionTable(const std::string& table) const override;
  std::vector<std::string> CreateHistoryTable(const std::string& table) const override;
  std::string Placeholder(int n) const override { return "?"; }
  schema::Schema Normalize(const schema::Schema& schema) const override;  // sqlite_inspect.cpp

  std::string ColumnDefinition(const schema::Table& table, const schema::Column& column,
                               const schema::Schema& schema) const override;
  std::string Literal(const schema::Type& type, const std::string& value) const override;
  // CREATE TRIGGER name timing event ON table [FOR EACH ROW] [WHEN expr]
  // BEGIN body; END, or Error(kInput) for what SQLite's triggers cannot
  // do (more than one event, truncate, for each statement, a function to
  // call, a deferral).
  std::string CreateTriggerSql(const schema::Trigger& trigger) const;
  bool PrimaryKeyInColumn(const schema::Table& table) const override {
    return table.sqlite_autoincrement && table.primary_key && table.primary_key->columns.size() == 1;
  }

 private:
  // The CHECK constraint holding an enum column's labels, as
  // ColumnDefinition writes it and Inspect reads it back (Normalize).
  schema::CheckConstraint EnumCheck(const schema::Table& table, const schema::Column& column,
                                    const schema::Schema& schema) const;
  // Whether the enum of `column` keeps a CHECK (create_constraint).
  static bool HasEnumCheck(const schema::Column& column, const schema::Schema& schema) {
    const schema::Enum* e = schema.FindEnum(column.type.enum_name);
    return !e || e->create_constraint;
  }
  // One operation in place; throws RebuildNeeded (sqlite_dialect.cpp) when
  // ALTER TABLE cannot do it.
  std::vector<std::string> RenderNative(const ops::Operation& op,
                                        const schema::Schema& before) const;
};

}  // namespace retort::dialect
