// The schema model: what a database holds, independent of any dialect.
// Every constraint and index is table-level and named, so that operations,
// rendering and comparison all speak of the same objects. A name comes from
// the file, else from the naming convention, else it is `implied`: the DDL
// leaves the constraint unnamed, the database names it, and the model holds
// the name PostgreSQL gives it (schema/naming.h, NameImplied).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retort/error.h"
#include "schema/expression.h"
#include "schema/types.h"

namespace retort::schema {

// A column's server-side default.
struct Default {
  enum class Kind {
    kLiteral,     // a value, rendered for the column's type ('x', 3, true)
    kNow,         // the portable now(): the current timestamp
    kSql,         // a raw SQL expression, written as {sql: "..."}
    kPerDialect,  // one of the above per dialect: {postgresql: ..., sqlite: ...}
  };
  Kind kind = Kind::kLiteral;
  std::string value;
  // kPerDialect: each dialect's default (kind and value); a dialect not
  // listed has none.
  std::map<std::string, std::pair<Kind, std::string>> dialects;

  // The default dialect `dialect` writes: this one, or its entry (nullopt:
  // none there).
  std::optional<Default> For(std::string_view dialect) const;

  bool operator==(const Default&) const = default;
};

// The default `d` (a column's, none or one) that dialect `dialect` writes.
std::optional<Default> DefaultFor(const std::optional<Default>& d, std::string_view dialect);

// An identity column (GENERATED ALWAYS | BY DEFAULT AS IDENTITY): its values
// come from a sequence of its own. Unset start and increment are the
// server's (1, 1).
struct Identity {
  bool always = false;  // ALWAYS: an INSERT cannot give a value of its own
  std::optional<int64_t> start;
  std::optional<int64_t> increment;
  bool operator==(const Identity&) const = default;
};

// A generated column: its value is `sql`, computed from the row's other
// columns. `stored` unset is the dialect's default (SQLite: virtual,
// computed when read; PostgreSQL: stored, the only kind it has).
struct Computed {
  std::string sql;
  std::optional<bool> stored;
  bool operator==(const Computed&) const = default;
};

struct Column {
  std::string name;
  Type type;
  bool nullable = true;
  std::optional<Default> server_default;
  // Single-column integer primary keys auto-increment unless this is false.
  // Read back (PostgreSQL: true where the values come from a sequence), it
  // is compared on its own (autogen/compare.h), not by ==: a column keeps
  // its sequence when its key is dropped.
  std::optional<bool> autoincrement;
  std::optional<Identity> identity;
  std::optional<Computed> computed;
  std::string comment;

  bool operator==(const Column& o) const {
    return name == o.name && type == o.type && nullable == o.nullable &&
           server_default == o.server_default && identity == o.identity &&
           computed == o.computed && comment == o.comment;
  }
};

enum class Action { kNoAction, kRestrict, kCascade, kSetNull, kSetDefault };

// "CASCADE", "SET NULL", ... case-insensitive; nullopt when unknown.
std::optional<Action> ParseAction(const std::string& text);
std::string FormatAction(Action action);

// DEFERRABLE [INITIALLY DEFERRED]: a constraint that may be checked at
// COMMIT instead of after each statement (initially so, when deferred).
struct Deferral {
  bool deferrable = false;
  bool initially_deferred = false;  // implies deferrable
  bool operator==(const Deferral&) const = default;
};

struct PrimaryKey {
  std::string name;
  std::vector<std::string> columns;
  bool implied = false;  // unnamed in the DDL; `name` is the database's
  Deferral deferral;
  // By name and definition: whether the DDL named it changes nothing.
  bool operator==(const PrimaryKey& o) const {
    return name == o.name && columns == o.columns && deferral == o.deferral;
  }
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string referred_table;
  std::vector<std::string> referred_columns;
  Action on_delete = Action::kNoAction;
  Action on_update = Action::kNoAction;
  bool implied = false;  // unnamed in the DDL; `name` is the database's
  Deferral deferral;
  // True when the referred table is in another schema: `core.users`.
  // The model does not hold that schema's tables.
  bool RefersElsewhere() const { return referred_table.find('.') != std::string::npos; }
  // By name and definition: whether the DDL named it changes nothing.
  bool operator==(const ForeignKey& o) const {
    return name == o.name && columns == o.columns && referred_table == o.referred_table &&
           referred_columns == o.referred_columns && on_delete == o.on_delete &&
           on_update == o.on_update && deferral == o.deferral;
  }
};

struct UniqueConstraint {
  std::string name;
  std::vector<std::string> columns;
  bool implied = false;  // unnamed in the DDL; `name` is the database's
  Deferral deferral;
  // By name and definition: whether the DDL named it changes nothing.
  bool operator==(const UniqueConstraint& o) const {
    return name == o.name && columns == o.columns && deferral == o.deferral;
  }
};

struct CheckConstraint {
  std::string name;
  std::string expr;
  bool implied = false;  // unnamed in the DDL; `name` is the database's
  // By name and definition: whether the DDL named it changes nothing.
  bool operator==(const CheckConstraint& o) const {
    return name == o.name && expr == o.expr;
  }
};

// One entry of an index: a column, or an expression, with its order and
// operator class.
struct IndexEntry {
  enum class Nulls { kDefault, kFirst, kLast };
  std::string column;   // the column; empty for an expression entry
  std::string expr;     // an expression entry's SQL, as written
  std::string opclass;  // an operator class (PostgreSQL); "": the type's default
  bool desc = false;
  Nulls nulls = Nulls::kDefault;  // kDefault: last ascending, first descending

  // A column and nothing more: written as the column's name alone.
  bool IsPlainColumn() const {
    return expr.empty() && opclass.empty() && !desc && nulls == Nulls::kDefault;
  }
  bool operator==(const IndexEntry&) const = default;
};

struct Index {
  std::string name;
  std::vector<IndexEntry> entries;  // in key order
  bool unique = false;
  std::string where;   // a partial index's predicate (SQL); "": every row
  std::string method;  // `using:` (PostgreSQL's access method); "": btree
  std::vector<std::string> include;  // INCLUDE columns (PostgreSQL)

  // An index on these columns, plain.
  static Index On(std::string name, const std::vector<std::string>& columns, bool unique = false);
  // The columns its entries are built on, in order, each once: column
  // entries and the columns expression entries name (ExpressionColumns).
  // What a naming convention's column_0_name is taken from.
  std::vector<std::string> KeyColumns() const;
  // True when `column` is one of its entries, named by an expression or the
  // predicate, or included: dropping the column drops the index.
  bool Uses(const std::string& column) const;
  // True when every entry is a plain column (IndexEntry::IsPlainColumn).
  bool PlainColumns() const;
  bool operator==(const Index&) const = default;
};

struct Table {
  std::string name;
  std::vector<Column> columns;  // in declaration order
  std::optional<PrimaryKey> primary_key;
  std::vector<ForeignKey> foreign_keys;
  std::vector<UniqueConstraint> uniques;
  std::vector<CheckConstraint> checks;
  std::vector<Index> indexes;
  std::string comment;
  // SQLite's AUTOINCREMENT on the table's integer primary key: a value is
  // never used twice, even after its row is deleted (SQLAlchemy's
  // sqlite_autoincrement). Other dialects ignore it.
  bool sqlite_autoincrement = false;

  bool operator==(const Table&) const = default;

  Column* FindColumn(const std::string& column);
  const Column* FindColumn(const std::string& column) const;
  const Index* FindIndex(const std::string& index) const;
  // True when `column` is the table's single-column primary key.
  bool IsSolePrimaryKey(const std::string& column) const;
  // True when some constraint or index of the table names `name`.
  bool HasConstraintNamed(const std::string& name) const;
};

struct Enum {
  std::string name;
  std::vector<std::string> values;
  // Where there are no native enums (SQLite), a column of it has a CHECK
  // on its values; false: none (SQLAlchemy's Enum(create_constraint=False),
  // its default since 1.4). Native enums ignore it.
  bool create_constraint = true;
  bool operator==(const Enum&) const = default;
};

// A view: a query the database keeps under a name. `sql` is the SELECT (or
// VALUES, WITH ...) as written, without CREATE VIEW ... AS; compared as the
// server prints it back. A materialized view (PostgreSQL) stores its rows,
// filled when it is created unless `with_data` is false, and may have
// indexes of its own.
struct View {
  std::string name;
  std::string sql;
  bool materialized = false;
  bool with_data = true;
  std::vector<Index> indexes;  // a materialized view's, made with it
  bool operator==(const View&) const = default;
};

// A function, procedure or aggregate (PostgreSQL), defined by its SQL:
// `arguments` as its signature lists them ("p_film_id integer, OUT n
// integer"), `definition` what CREATE FUNCTION says after the signature
// (RETURNS ... LANGUAGE ... AS ...; an aggregate's (SFUNC = ..., STYPE =
// ...)). One is known by its name and arguments; compared as the server
// prints it back.
struct Function {
  enum class Kind { kFunction, kProcedure, kAggregate };
  std::string name;
  Kind kind = Kind::kFunction;
  std::string arguments;
  std::string definition;
  bool operator==(const Function&) const = default;
  // "name(arguments)": how it is spoken of, and dropped.
  std::string Signature() const { return name + "(" + arguments + ")"; }
};
// "function", "procedure" or "aggregate".
const char* FunctionKindName(Function::Kind kind);

// A trigger on a table (or an INSTEAD OF trigger on a view): when it fires
// (`timing`; `events`, each insert, update, delete or truncate; `columns`,
// the UPDATE OF list), for each row or statement, under `when` (an
// expression of NEW and OLD); and what it does: on PostgreSQL `execute`,
// the call of the function it runs ("last_updated()"), on SQLite `body`,
// the statements between BEGIN and END. A deferrable one is PostgreSQL's
// CONSTRAINT TRIGGER. Known by its table and name.
struct Trigger {
  enum class Timing { kBefore, kAfter, kInsteadOf };
  std::string name;
  std::string table;
  Timing timing = Timing::kBefore;
  std::vector<std::string> events;  // in the order insert, update, delete, truncate
  std::vector<std::string> columns;
  bool for_each_row = true;
  std::string when;
  std::string execute;
  std::string body;
  Deferral deferral;
  bool operator==(const Trigger&) const = default;
};
// "before", "after" or "instead of".
const char* TimingName(Trigger::Timing timing);

// An extension (PostgreSQL: CREATE EXTENSION), by its name ("pgcrypto",
// "uuid-ossp"). Its objects (functions, types, operators) go into `schema`
// ("" the target's own) and are the extension's: not in the model. An
// empty `version` is the one installed, else the default.
struct Extension {
  std::string name;
  std::string schema;
  std::string version;
  bool operator==(const Extension&) const = default;
};

// A sequence of its own (CREATE SEQUENCE), not one a serial or identity
// column owns. Unset values are the server's: increment 1, start the
// minimum (ascending) or the maximum (descending), bounds those of `type`.
struct Sequence {
  std::string name;
  std::optional<Type> type;  // smallint, integer or bigint (unset: bigint)
  std::optional<int64_t> start;
  std::optional<int64_t> increment;
  std::optional<int64_t> minvalue;
  std::optional<int64_t> maxvalue;
  bool cycle = false;
  std::string owned_by;  // "table.column": dropped with it; "" none
  bool operator==(const Sequence&) const = default;
  // owned_by split at its dot: {table, column}; {"", ""} when none.
  std::pair<std::string, std::string> Owner() const;
};

// Why `t` cannot have sqlite_autoincrement (it needs a single-column
// integer primary key that auto-increments), or "" when it can or does
// not ask for it.
std::string AutoincrementProblem(const Table& t);

// `q` with every unset value the server's: type bigint, increment 1, the
// type's bounds (1 or -1 at the near end), start at the near bound.
Sequence ResolvedSequence(const Sequence& q);
// `q` with only what differs from the server's defaults set: the inverse
// of ResolvedSequence (ResolvedSequence(SparseSequence(q)) ==
// ResolvedSequence(q)).
Sequence SparseSequence(const Sequence& q);
// What makes `q` impossible ("sequence 's': start 0 is below minvalue 1"),
// or "".
std::string SequenceProblem(const Sequence& q);

// SQLAlchemy-style naming templates, keyed pk, fk, uq, ck, ix.
struct NamingConvention {
  std::map<std::string, std::string> templates;
  bool operator==(const NamingConvention&) const = default;
};

// What the declared schema says about renames (`renamed_from`), so that
// autogenerate writes a rename where it would otherwise drop one object and
// add another. Hints describe a change, not what a database holds: they
// never make two schemas differ.
struct RenameHints {
  std::map<std::string, std::string> tables;  // new name -> old name
  // (table, new column name) -> old column name; `table` is the new name.
  std::map<std::pair<std::string, std::string>, std::string> columns;

  bool operator==(const RenameHints&) const { return true; }
};

struct Schema {
  std::vector<Extension> extensions;  // in declaration (or creation) order
  std::vector<Table> tables;  // in declaration (or creation) order
  std::vector<Enum> enums;
  std::vector<Sequence> sequences;
  std::vector<View> views;  // in declaration (or creation) order
  std::vector<Function> functions;  // likewise
  std::vector<Trigger> triggers;    // likewise
  NamingConvention naming;
  RenameHints renames;

  bool operator==(const Schema&) const = default;

  Table* FindTable(const std::string& table);
  const Table* FindTable(const std::string& table) const;
  const Enum* FindEnum(const std::string& name) const;
  const Extension* FindExtension(const std::string& name) const;
  const Sequence* FindSequence(const std::string& name) const;
  // The column `owned_by` ("table.column") names, or nullptr.
  const Column* FindOwner(const std::string& owned_by) const;
  const View* FindView(const std::string& name) const;
  // The function `signature` ("name(arguments)") names, or nullptr.
  const Function* FindFunction(const std::string& signature) const;
  const Trigger* FindTrigger(const std::string& table, const std::string& name) const;
};

// Checks what no single table can: enum types name declared enums, foreign
// keys name existing tables and columns. Throws Error(kInput) at `where`.
void ValidateSchemaReferences(const Schema& schema, const Table& table,
                              const Location& where);

}  // namespace retort::schema
