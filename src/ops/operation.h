// Operations: the portable, dialect-neutral steps of a migration, as plain
// data. Dialects render them with std::visit, so a new operation does not
// compile until every dialect handles it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "retort/error.h"
#include "schema/schema.h"

namespace retort::ops {

struct CreateTable {
  schema::Table table;
};
struct DropTable {
  std::string table;
};
struct RenameTable {
  std::string table;
  std::string new_name;
};
// A column plus the single-column objects its shorthands declared.
struct AddColumn {
  std::string table;
  schema::Column column;
  std::vector<schema::ForeignKey> foreign_keys;
  std::vector<schema::UniqueConstraint> uniques;
  std::vector<schema::Index> indexes;
};
struct DropColumn {
  std::string table;
  std::string column;
};
// Each optional is a change; unset fields stay as they are.
struct AlterColumn {
  std::string table;
  std::string column;
  std::optional<schema::Type> type;
  std::optional<bool> nullable;
  std::optional<std::optional<schema::Default>> server_default;  // {} = drop it
  std::optional<std::string> new_name;
  std::optional<std::optional<schema::Identity>> identity;  // {} = no identity
  std::optional<std::string> comment;  // "" = none
  // True when it changes more than the name.
  bool ChangesDefinition() const {
    return type || nullable || server_default || identity || comment;
  }
};
// `concurrently` builds or drops the index without blocking writes
// (PostgreSQL's CONCURRENTLY; ignored by SQLite). It cannot run inside a
// transaction, so a script using it must be `transactional: false`.
struct CreateIndex {
  std::string table;
  schema::Index index;
  bool concurrently = false;
};
struct DropIndex {
  std::string table;
  std::string name;
  bool concurrently = false;
};
struct CreatePrimaryKey {
  std::string table;
  schema::PrimaryKey key;
};
struct CreateUniqueConstraint {
  std::string table;
  schema::UniqueConstraint constraint;
};
struct CreateForeignKey {
  std::string table;
  schema::ForeignKey foreign_key;
};
struct CreateCheckConstraint {
  std::string table;
  schema::CheckConstraint check;
};
struct DropConstraint {
  std::string table;
  std::string name;
};
struct CreateEnum {
  schema::Enum enumeration;
};
struct DropEnum {
  std::string name;
};
// Adds `value` to enum `name`: at the end, or just before or after an
// existing value (at most one of the two is set).
struct AddEnumValue {
  std::string name;
  std::string value;
  std::optional<std::string> before;
  std::optional<std::string> after;
};
// Removes `value` from enum `name`. Rows holding it make the run fail.
struct DropEnumValue {
  std::string name;
  std::string value;
};
// Renames label `value` of enum `name` to `new_value`; rows holding it hold
// the new one.
struct RenameEnumValue {
  std::string name;
  std::string value;
  std::string new_value;
};
// Sets the comment of table `table` (create_table_comment), or removes it
// (drop_table_comment). A column's comment is alter_column's.
struct CreateTableComment {
  std::string table;
  std::string comment;
};
struct DropTableComment {
  std::string table;
};
// Table options: SQLite's AUTOINCREMENT on the table's key (a rebuild
// there; nothing elsewhere).
struct AlterTable {
  std::string table;
  std::optional<bool> sqlite_autoincrement;
};
// Views (schema::View). replace_view gives a view a new query; a
// materialized one is dropped and made again.
struct CreateView {
  schema::View view;
};
struct ReplaceView {
  std::string name;
  std::string sql;
};
struct DropView {
  std::string name;
};
// Functions, procedures and aggregates (schema::Function), known by their
// signature. replace_function gives one a new definition (CREATE OR
// REPLACE).
struct CreateFunction {
  schema::Function function;
};
struct ReplaceFunction {
  std::string name;
  std::string arguments;
  std::string definition;
};
struct DropFunction {
  std::string name;
  std::string arguments;
};
// Triggers (schema::Trigger), known by table and name; one that changes is
// dropped and made again.
struct CreateTrigger {
  schema::Trigger trigger;
};
struct DropTrigger {
  std::string table;
  std::string name;
};
// Extensions (schema::Extension, PostgreSQL), known by name.
// `if_not_exists` makes one that is there already no change (and the way
// back then keeps it). update_extension moves one to another version
// (ALTER EXTENSION ... UPDATE TO); its inverse goes back to the version
// replay knows, which the extension must declare.
struct CreateExtension {
  schema::Extension extension;
  bool if_not_exists = false;
};
struct UpdateExtension {
  std::string name;
  std::string version;
};
struct DropExtension {
  std::string name;
};
// Sequences of their own (schema::Sequence).
struct CreateSequence {
  schema::Sequence sequence;
};
struct DropSequence {
  std::string name;
};
// Each optional is a change; unset fields stay as they are. A value set to
// {} goes back to the server's default (NO MINVALUE, ...); owned_by ""
// owns it by no column.
struct AlterSequence {
  std::string name;
  std::optional<schema::Type> type;
  std::optional<std::optional<int64_t>> start;
  std::optional<std::optional<int64_t>> increment;
  std::optional<std::optional<int64_t>> minvalue;
  std::optional<std::optional<int64_t>> maxvalue;
  std::optional<bool> cycle;
  std::optional<std::string> owned_by;
  bool ChangesSomething() const {
    return type || start || increment || minvalue || maxvalue || cycle || owned_by;
  }
};
// The sequence `before` becomes by `op`, as PostgreSQL alters one: what the
// operation does not name keeps the value the server has (a bound that
// was the old type's default becomes the new type's); a value set to {}
// is the server's default for the sequence as it now is.
schema::Sequence AlteredSequence(const schema::Sequence& before, const AlterSequence& op);

// Seed rows; a value is nullopt for NULL. Values are rendered for their
// column's type.
struct BulkInsert {
  using Row = std::vector<std::pair<std::string, std::optional<std::string>>>;
  std::string table;
  std::vector<Row> rows;
};
struct OpAt;

// Raw SQL. `sql` maps a dialect name to its statement; the key "" applies to
// every dialect without its own entry. A dialect with no entry skips it.
// Replay cannot read SQL: `effect` declares what it does to the schema, as
// operations that replay applies and nothing renders (an index with a
// WHERE clause, say, so that later operations and verify know it).
struct Execute {
  std::map<std::string, std::string> sql;
  std::vector<OpAt> effect;
};

using Operation =
    std::variant<CreateTable, DropTable, RenameTable, AddColumn, DropColumn,
                 AlterColumn, CreateIndex, DropIndex, CreatePrimaryKey,
                 CreateUniqueConstraint, CreateForeignKey, CreateCheckConstraint,
                 DropConstraint, CreateEnum, DropEnum, AddEnumValue, DropEnumValue,
                 RenameEnumValue, CreateTableComment, DropTableComment, AlterTable, CreateSequence,
                 DropSequence, AlterSequence, CreateView, ReplaceView, DropView, CreateFunction,
                 ReplaceFunction, DropFunction, CreateTrigger, DropTrigger, CreateExtension,
                 UpdateExtension, DropExtension, BulkInsert,
                 Execute>;

// An operation with the place it was written (file:line:column).
struct OpAt {
  Operation op;
  Location where;
  // `acknowledged: true` in the operation's body: its author has reviewed
  // that it is destructive or risky (autogen/lint.h).
  bool acknowledged = false;
  // `dialect: name` (or a list) in the operation's body: it runs, and is
  // replayed, only on those dialects. Empty: on every dialect.
  std::vector<std::string> dialects;
  bool RunsOn(const std::string& dialect) const;
};

// The operations of `list` that run on `dialect` (OpAt::RunsOn), in order.
std::vector<OpAt> OnDialect(const std::vector<OpAt>& list, const std::string& dialect);

// A visitor made of lambdas, for std::visit over an Operation.
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Spelled out for compilers without aggregate deduction (clang before 17).
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// The name used in files ("create_table", ...).
std::string OperationName(const Operation& op);

// False for operations with no inverse (bulk_insert, execute).
bool IsReversible(const Operation& op);

}  // namespace retort::ops
