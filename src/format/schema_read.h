// Reading the declared schema (schema/*.yaml) and the column and table
// syntax shared with migration scripts (create_table, add_column).
#pragma once


#include <optional>
#include <string>
#include <vector>

#include "schema/schema.h"
#include "format/file.h"

namespace retort::format {

// A column as written, with its column-level shorthands still attached.
struct ColumnSpec {
  schema::Column column;
  bool primary_key = false;
  bool unique = false;
  bool index = false;
  // From `unique: {name: n}` and `index: {name: n}`: names of their own.
  std::string unique_name;
  std::string index_name;
  // From `references: table.column` (or `{column: table.column, name: n}`,
  // its name then set).
  std::optional<schema::ForeignKey> foreign_key;
  std::string renamed_from;               // schema files only
  Node node;                        // for error locations
};

ColumnSpec ParseColumn(const File& file, const Node& node);

// Parses a table (the `tables:` entries and create_table's body); every
// constraint and index gets a name, from `naming` where the file gives none.
// Checks that every named column exists and that names are unique.
// `renamed_from` (on the table or a column) is accepted only with `hints`,
// which receives it: schema files say what was renamed, scripts say how.
schema::Table ParseTable(const File& file, const Node& node,
                 const schema::NamingConvention& naming, schema::RenameHints* hints = nullptr);

// The keys of an index map in schema files (create_index adds its own).
extern const std::vector<std::string_view> kIndexKeys;

// Parses an index's definition (columns: names or {column|expr, desc,
// nulls, opclass} entries; unique, where, using, include), unnamed; does not
// check its keys or that its columns exist.
schema::Index ParseIndex(const File& file, const Node& node);

// Turns a column's shorthands into table-level objects of `table`, named by
// `naming`: unique+index -> a unique index, unique -> a unique constraint,
// index -> an index, references -> a foreign key.
void AttachColumnShorthands(const File& file, const ColumnSpec& spec,
                            const schema::NamingConvention& naming, schema::Table& table);

// Defers (File::Defer) the error of an explicit `name` at `node` longer
// than PostgreSQL keeps: loading reports every such name at once.
void NameFitsAt(const File& file, const Node& node, const std::string& name);

// Parses a foreign key map (name, columns, referred_table, referred_columns,
// on_delete, on_update) of `table`, named by `naming` when unnamed.
schema::ForeignKey ParseForeignKey(const File& file, const Node& node,
                           const std::string& table, const schema::NamingConvention& naming);

// Parses a `type:` value: a portable type name or a map of per-dialect
// spellings (a raw type).
schema::Type ParseTypeNode(const File& file, const Node& node);

// Parses `server_default`: a scalar literal, now(), {sql: "..."}, or a map
// from dialect to one of these.
std::optional<schema::Default> ParseDefault(const File& file, const Node& node);
// `identity:` always | by_default, or {generated: always|by_default,
// start: n, increment: n}.
schema::Identity ParseIdentity(const File& file, const Node& node);
// A sequence's map (kSequenceKeys): name, type, start, increment,
// minvalue, maxvalue, cycle, owned_by; checked as a whole.
extern const std::vector<std::string_view> kSequenceKeys;
// A view's map (kViewKeys): name, sql, materialized, with_data; and the
// `sql` of one (one statement, trimmed, without a trailing ';').
extern const std::vector<std::string_view> kViewKeys;
// An extension's map (kExtensionKeys): name, schema, version.
extern const std::vector<std::string_view> kExtensionKeys;
schema::Extension ParseExtension(const File& file, const Node& node);
// A function's map (kFunctionKeys): name, kind, arguments, definition; and
// its parts, as replace_function and drop_function give them.
extern const std::vector<std::string_view> kFunctionKeys;
schema::Function ParseFunction(const File& file, const Node& node);
// A trigger's map (kTriggerKeys).
extern const std::vector<std::string_view> kTriggerKeys;
schema::Trigger ParseTrigger(const File& file, const Node& node);
std::string ParseFunctionArguments(const File& file, const Node& node);
std::string ParseFunctionDefinition(const File& file, const Node& node);
schema::View ParseView(const File& file, const Node& node);
std::string ParseViewSql(const File& file, const Node& node);
schema::Sequence ParseSequence(const File& file, const Node& node);
// `deferrable: true|false` and `initially: deferred|immediate` of a map
// declaring a constraint (initially deferred implies deferrable).
schema::Deferral ParseDeferral(const File& file, const Node& node);

schema::NamingConvention ParseNamingConvention(const File& file, const Node& node);

// Loads one or more schema files into one schema (tables in file order).
// Throws Error(kInput) with file:line:column.
schema::Schema LoadSchemaFiles(const std::vector<std::string>& paths);

// Loads a schema from YAML text; `name` is used in error locations.
schema::Schema LoadSchemaText(const std::string& text, const std::string& name);

// Loads one schema from several texts, as LoadSchemaFiles does from files:
// pairs of (name, text).
schema::Schema LoadSchemaTexts(const std::vector<std::pair<std::string, std::string>>& sources);

// Loads a schema from a document already parsed (`root`, of `file`).
schema::Schema LoadSchemaNode(const File& file, const Node& root);

}  // namespace retort::format
