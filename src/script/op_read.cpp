#include "script/op_read.h"

#include <functional>
#include <string_view>

#include "schema/dialect_keys.h"
#include "schema/naming.h"
#include "format/schema_read.h"

namespace retort::script {
namespace {

using namespace retort::ops;  // NOLINT: this file builds operations
using format::File;
using format::Node;

struct Parser {
  const File& file;
  const schema::NamingConvention& naming;

  // The given name, the convention's, or the implied one (which replay
  // names again, among the names the schema holds by then).
  schema::ChosenName Name(const Node& node, std::string_view key,
                          const schema::NameParts& parts) const {
    const std::string given = file.OptString(node, "name").value_or("");
    try {
      return schema::ChooseName(naming, key, given, parts);
    } catch (const schema::NameTooLong& e) {
      file.Defer(node["name"], e.message());
      return {given, false};
    } catch (const Error& e) {
      throw Error(e.kind(), e.message(), file.At(node));
    }
  }

  Operation CreateTableOp(const Node& n) const {
    return CreateTable{format::ParseTable(file, n, naming)};
  }
  Operation DropTableOp(const Node& n) const {
    file.CheckKeys(n, "drop_table", {"name"});
    return DropTable{file.String(n, "name")};
  }
  Operation RenameTableOp(const Node& n) const {
    file.CheckKeys(n, "rename_table", {"name", "new_name"});
    RenameTable op{file.String(n, "name"), file.String(n, "new_name")};
    format::NameFitsAt(file, n["new_name"], op.new_name);
    return op;
  }
  Operation AddColumnOp(const Node& n) const {
    file.CheckKeys(n, "add_column", {"table", "column"});
    AddColumn op;
    op.table = file.String(n, "table");
    if (!n["column"]) file.Fail(n, "add_column needs 'column'");
    format::ColumnSpec spec = format::ParseColumn(file, n["column"]);
    if (n["column"]["renamed_from"]) {
      file.Fail(n["column"]["renamed_from"],
                "'renamed_from' belongs in schema files; a script renames with "
                "alter_column's new_name");
    }
    if (spec.primary_key) {
      file.Fail(n["column"], "add_column cannot add a primary key column; "
                             "add the column, then create_primary_key");
    }
    schema::Table scratch{.name = op.table, .columns = {spec.column}};
    format::AttachColumnShorthands(file, spec, naming, scratch);
    op.column = spec.column;
    op.foreign_keys = scratch.foreign_keys;
    op.uniques = scratch.uniques;
    op.indexes = scratch.indexes;
    return op;
  }
  Operation DropColumnOp(const Node& n) const {
    file.CheckKeys(n, "drop_column", {"table", "column"});
    return DropColumn{file.String(n, "table"), file.String(n, "column")};
  }
  Operation AlterColumnOp(const Node& n) const {
    file.CheckKeys(n, "alter_column",
                   {"table", "column", "type", "nullable", "server_default", "identity", "comment",
                    "new_name"});
    AlterColumn op;
    op.table = file.String(n, "table");
    op.column = file.String(n, "column");
    if (n["type"]) op.type = format::ParseTypeNode(file, n["type"]);
    op.nullable = file.OptBool(n, "nullable");
    if (n["server_default"]) op.server_default = format::ParseDefault(file, n["server_default"]);
    if (Node v = n["identity"]) {
      op.identity = std::optional<schema::Identity>();
      if (!v.IsNull()) op.identity = format::ParseIdentity(file, v);
    }
    if (Node v = n["comment"]) op.comment = v.IsNull() ? "" : file.String(n, "comment");
    op.new_name = file.OptString(n, "new_name");
    if (op.new_name) format::NameFitsAt(file, n["new_name"], *op.new_name);
    if (!op.ChangesDefinition() && !op.new_name) {
      file.Fail(n, "alter_column changes nothing: give type, nullable, server_default, identity, "
                   "comment or new_name");
    }
    return op;
  }
  Operation CreateIndexOp(const Node& n) const {
    std::vector<std::string_view> keys = format::kIndexKeys;
    keys.insert(keys.end(), {"table", "concurrently"});
    file.CheckKeys(n, "create_index", keys);
    CreateIndex op;
    op.table = file.String(n, "table");
    op.index = format::ParseIndex(file, n);
    op.concurrently = file.OptBool(n, "concurrently").value_or(false);
    op.index.name = Name(n, "ix", {op.table, op.index.KeyColumns(), "", {}, ""}).name;
    return op;
  }
  Operation DropIndexOp(const Node& n) const {
    file.CheckKeys(n, "drop_index", {"name", "table", "concurrently"});
    return DropIndex{file.String(n, "table"), file.String(n, "name"),
                     file.OptBool(n, "concurrently").value_or(false)};
  }
  Operation CreatePrimaryKeyOp(const Node& n) const {
    file.CheckKeys(n, "create_primary_key", {"name", "table", "columns", "deferrable", "initially"});
    CreatePrimaryKey op;
    op.table = file.String(n, "table");
    op.key.columns = file.RequiredStrings(n, "columns");
    op.key.deferral = format::ParseDeferral(file, n);
    schema::ChosenName name = Name(n, "pk", {op.table, op.key.columns, "", {}, ""});
    op.key.name = name.name;
    op.key.implied = name.implied;
    return op;
  }
  Operation CreateUniqueOp(const Node& n) const {
    file.CheckKeys(n, "create_unique_constraint",
                   {"name", "table", "columns", "deferrable", "initially"});
    CreateUniqueConstraint op;
    op.table = file.String(n, "table");
    op.constraint.columns = file.RequiredStrings(n, "columns");
    op.constraint.deferral = format::ParseDeferral(file, n);
    schema::ChosenName name = Name(n, "uq", {op.table, op.constraint.columns, "", {}, ""});
    op.constraint.name = name.name;
    op.constraint.implied = name.implied;
    return op;
  }
  Operation CreateForeignKeyOp(const Node& n) const {
    file.CheckKeys(n, "create_foreign_key",
                   {"name", "table", "columns", "referred_table", "referred_columns",
                    "on_delete", "on_update", "deferrable", "initially"});
    CreateForeignKey op;
    op.table = file.String(n, "table");
    // The same shape as a table's foreign_keys entry, plus `table`.
    format::Document scratch;
    op.foreign_key =
        format::ParseForeignKey(file, format::WithoutKey(scratch, n, "table"), op.table, naming);
    return op;
  }
  Operation CreateCheckOp(const Node& n) const {
    file.CheckKeys(n, "create_check_constraint", {"name", "table", "expr"});
    CreateCheckConstraint op;
    op.table = file.String(n, "table");
    op.check.expr = file.String(n, "expr");
    schema::ChosenName name = Name(n, "ck", {op.table, {}, "", {}, ""});
    op.check.name = name.name;
    op.check.implied = name.implied;
    return op;
  }
  Operation DropConstraintOp(const Node& n) const {
    file.CheckKeys(n, "drop_constraint", {"name", "table"});
    return DropConstraint{file.String(n, "table"), file.String(n, "name")};
  }
  Operation CreateEnumOp(const Node& n) const {
    file.CheckKeys(n, "create_enum", {"name", "values", "create_constraint"});
    CreateEnum op{{file.String(n, "name"), file.RequiredStrings(n, "values"),
                   file.OptBool(n, "create_constraint").value_or(true)}};
    return op;
  }
  Operation DropEnumOp(const Node& n) const {
    file.CheckKeys(n, "drop_enum", {"name"});
    return DropEnum{file.String(n, "name")};
  }
  Operation AddEnumValueOp(const Node& n) const {
    file.CheckKeys(n, "add_enum_value", {"name", "value", "before", "after"});
    AddEnumValue op;
    op.name = file.String(n, "name");
    op.value = file.String(n, "value");
    op.before = file.OptString(n, "before");
    op.after = file.OptString(n, "after");
    if (op.before && op.after) file.Fail(n["after"], "give either 'before' or 'after', not both");
    return op;
  }
  Operation DropEnumValueOp(const Node& n) const {
    file.CheckKeys(n, "drop_enum_value", {"name", "value"});
    return DropEnumValue{file.String(n, "name"), file.String(n, "value")};
  }
  Operation RenameEnumValueOp(const Node& n) const {
    file.CheckKeys(n, "rename_enum_value", {"name", "value", "new_value"});
    return RenameEnumValue{file.String(n, "name"), file.String(n, "value"),
                           file.String(n, "new_value")};
  }
  Operation CreateTableCommentOp(const Node& n) const {
    file.CheckKeys(n, "create_table_comment", {"table", "comment"});
    return CreateTableComment{file.String(n, "table"), file.String(n, "comment")};
  }
  Operation DropTableCommentOp(const Node& n) const {
    file.CheckKeys(n, "drop_table_comment", {"table"});
    return DropTableComment{file.String(n, "table")};
  }
  Operation AlterTableOp(const Node& n) const {
    file.CheckKeys(n, "alter_table", {"table", "sqlite_autoincrement"});
    AlterTable op{file.String(n, "table"), file.OptBool(n, "sqlite_autoincrement")};
    if (!op.sqlite_autoincrement) file.Fail(n, "alter_table changes nothing: give sqlite_autoincrement");
    return op;
  }
  Operation CreateViewOp(const Node& n) const {
    file.CheckKeys(n, "create_view", format::kViewKeys);
    return CreateView{format::ParseView(file, n)};
  }
  Operation ReplaceViewOp(const Node& n) const {
    file.CheckKeys(n, "replace_view", {"name", "sql"});
    if (!n["sql"]) file.Fail(n, "replace_view needs 'sql', the new query");
    return ReplaceView{file.String(n, "name"), format::ParseViewSql(file, n["sql"])};
  }
  Operation DropViewOp(const Node& n) const {
    file.CheckKeys(n, "drop_view", {"name"});
    return DropView{file.String(n, "name")};
  }
  Operation CreateFunctionOp(const Node& n) const {
    file.CheckKeys(n, "create_function", format::kFunctionKeys);
    return CreateFunction{format::ParseFunction(file, n)};
  }
  Operation ReplaceFunctionOp(const Node& n) const {
    file.CheckKeys(n, "replace_function", {"name", "arguments", "definition"});
    if (!n["definition"]) file.Fail(n, "replace_function needs 'definition', the new one");
    return ReplaceFunction{file.String(n, "name"), format::ParseFunctionArguments(file, n["arguments"]),
                           format::ParseFunctionDefinition(file, n["definition"])};
  }
  Operation DropFunctionOp(const Node& n) const {
    file.CheckKeys(n, "drop_function", {"name", "arguments"});
    return DropFunction{file.String(n, "name"), format::ParseFunctionArguments(file, n["arguments"])};
  }
  Operation CreateTriggerOp(const Node& n) const {
    file.CheckKeys(n, "create_trigger", format::kTriggerKeys);
    return CreateTrigger{format::ParseTrigger(file, n)};
  }
  Operation DropTriggerOp(const Node& n) const {
    file.CheckKeys(n, "drop_trigger", {"table", "name"});
    return DropTrigger{file.String(n, "table"), file.String(n, "name")};
  }
  Operation CreateExtensionOp(const Node& n) const {
    std::vector<std::string_view> keys = format::kExtensionKeys;
    keys.push_back("if_not_exists");
    file.CheckKeys(n, "create_extension", keys);
    return CreateExtension{format::ParseExtension(file, n), file.OptBool(n, "if_not_exists").value_or(false)};
  }
  Operation UpdateExtensionOp(const Node& n) const {
    file.CheckKeys(n, "update_extension", {"name", "version"});
    if (!n["version"]) file.Fail(n, "update_extension needs 'version', the one to update to");
    schema::Extension x = format::ParseExtension(file, n);
    return UpdateExtension{x.name, x.version};
  }
  Operation DropExtensionOp(const Node& n) const {
    file.CheckKeys(n, "drop_extension", {"name"});
    return DropExtension{format::ParseExtension(file, n).name};
  }
  Operation CreateSequenceOp(const Node& n) const {
    file.CheckKeys(n, "create_sequence", format::kSequenceKeys);
    return CreateSequence{format::ParseSequence(file, n)};
  }
  Operation DropSequenceOp(const Node& n) const {
    file.CheckKeys(n, "drop_sequence", {"name"});
    return DropSequence{file.String(n, "name")};
  }
  Operation AlterSequenceOp(const Node& n) const {
    file.CheckKeys(n, "alter_sequence", format::kSequenceKeys);
    AlterSequence op;
    op.name = file.String(n, "name");
    if (Node t = n["type"]) op.type = format::ParseTypeNode(file, t);
    // A number, or null for the server's default.
    auto number = [&](const char* key, std::optional<std::optional<int64_t>>& field) {
      if (Node v = n[key]) field = v.IsNull() ? std::optional<int64_t>() : file.OptInt(n, key);
    };
    number("start", op.start);
    number("increment", op.increment);
    number("minvalue", op.minvalue);
    number("maxvalue", op.maxvalue);
    op.cycle = file.OptBool(n, "cycle");
    if (Node v = n["owned_by"]) op.owned_by = v.IsNull() ? "" : file.String(n, "owned_by");
    if (op.increment && *op.increment == 0) file.Fail(n["increment"], "increment cannot be 0");
    if (!op.ChangesSomething()) {
      file.Fail(n, "alter_sequence changes nothing: give type, start, increment, minvalue, "
                   "maxvalue, cycle or owned_by");
    }
    return op;
  }
  Operation BulkInsertOp(const Node& n) const {
    file.CheckKeys(n, "bulk_insert", {"table", "rows"});
    BulkInsert op;
    op.table = file.String(n, "table");
    Node rows = n["rows"];
    if (!rows) file.Fail(n, "bulk_insert needs 'rows'");
    file.RequireSequence(rows, "'rows'");
    for (const auto& row : rows) {
      file.RequireMap(row, "a row");
      BulkInsert::Row out;
      for (const Node::Entry& cell : row.entries()) {
        if (cell.second.IsNull()) {
          out.emplace_back(cell.first.Scalar(), std::nullopt);
        } else if (cell.second.IsScalar()) {
          out.emplace_back(cell.first.Scalar(), cell.second.Scalar());
        } else {
          file.Fail(cell.second, "a row's values must be scalars or null");
        }
      }
      op.rows.push_back(std::move(out));
    }
    return op;
  }
  Operation ExecuteOp(const Node& n) const {
    Execute op;
    if (n.IsScalar()) {
      op.sql[""] = n.Scalar();
      return op;
    }
    file.CheckKeys(n, "execute", {"sql", "dialect", "effect"});
    if (Node effect = n["effect"]) {
      op.effect = ParseOperations(file, effect, naming, true);
      for (const OpAt& e : op.effect) {
        if (std::holds_alternative<Execute>(e.op) || std::holds_alternative<BulkInsert>(e.op)) {
          throw Error(ErrorKind::kInput,
                      "an execute's effect lists schema operations, not " + OperationName(e.op),
                      e.where);
        }
      }
    }
    Node sql = n["sql"];
    if (!sql) file.Fail(n, "execute needs 'sql'");
    std::optional<std::string> dialect = file.OptString(n, "dialect");
    if (dialect && !schema::IsFileDialect(*dialect)) {
      file.Fail(n["dialect"],
                "unknown dialect '" + *dialect + "' (expected " + schema::FileDialectList() + ")");
    }
    if (sql.IsMap()) {
      if (dialect) file.Fail(n["dialect"], "give either per-dialect sql or 'dialect', not both");
      std::vector<std::string_view> keys(schema::FileDialects().begin(),
                                         schema::FileDialects().end());
      keys.push_back("default");
      file.CheckKeys(sql, "execute's sql", keys);
      for (const Node::Entry& entry : sql.entries()) {
        std::string key = entry.first.Scalar();
        op.sql[key == "default" ? "" : key] = file.String(sql, key);
      }
    } else {
      op.sql[dialect.value_or("")] = file.String(n, "sql");
    }
    return op;
  }
};

// `dialect: postgresql` or `dialect: [sqlite, postgresql]`: dialects the
// registry knows, each once.
std::vector<std::string> Dialects(const File& file, const Node& node) {
  std::vector<Node> items;
  if (node.IsSequence()) {
    for (const Node& item : node) items.push_back(item);
    if (items.empty()) file.Fail(node, "'dialect' names at least one dialect");
  } else {
    items.push_back(node);
  }
  std::vector<std::string> out;
  for (const Node& item : items) {
    if (!item.IsScalar()) file.Fail(item, "'dialect' is a dialect's name or a list of them");
    std::string d = item.Scalar();
    if (!schema::IsFileDialect(d)) {
      file.Fail(item, "unknown dialect '" + d + "' (expected " + schema::FileDialectList() + ")");
    }
    if (std::find(out.begin(), out.end(), d) != out.end()) file.Fail(item, "dialect '" + d + "' is named twice");
    out.push_back(std::move(d));
  }
  return out;
}

using Handler = Operation (Parser::*)(const Node&) const;
struct Entry {
  std::string_view name;
  Handler handler;
};
constexpr Entry kHandlers[] = {
    {"create_table", &Parser::CreateTableOp},
    {"drop_table", &Parser::DropTableOp},
    {"rename_table", &Parser::RenameTableOp},
    {"add_column", &Parser::AddColumnOp},
    {"drop_column", &Parser::DropColumnOp},
    {"alter_column", &Parser::AlterColumnOp},
    {"create_index", &Parser::CreateIndexOp},
    {"drop_index", &Parser::DropIndexOp},
    {"create_primary_key", &Parser::CreatePrimaryKeyOp},
    {"create_unique_constraint", &Parser::CreateUniqueOp},
    {"create_foreign_key", &Parser::CreateForeignKeyOp},
    {"create_check_constraint", &Parser::CreateCheckOp},
    {"drop_constraint", &Parser::DropConstraintOp},
    {"create_enum", &Parser::CreateEnumOp},
    {"drop_enum", &Parser::DropEnumOp},
    {"add_enum_value", &Parser::AddEnumValueOp},
    {"drop_enum_value", &Parser::DropEnumValueOp},
    {"rename_enum_value", &Parser::RenameEnumValueOp},
    {"create_table_comment", &Parser::CreateTableCommentOp},
    {"drop_table_comment", &Parser::DropTableCommentOp},
    {"alter_table", &Parser::AlterTableOp},
    {"create_view", &Parser::CreateViewOp},
    {"replace_view", &Parser::ReplaceViewOp},
    {"drop_view", &Parser::DropViewOp},
    {"create_function", &Parser::CreateFunctionOp},
    {"replace_function", &Parser::ReplaceFunctionOp},
    {"drop_function", &Parser::DropFunctionOp},
    {"create_trigger", &Parser::CreateTriggerOp},
    {"drop_trigger", &Parser::DropTriggerOp},
    {"create_extension", &Parser::CreateExtensionOp},
    {"update_extension", &Parser::UpdateExtensionOp},
    {"drop_extension", &Parser::DropExtensionOp},
    {"create_sequence", &Parser::CreateSequenceOp},
    {"drop_sequence", &Parser::DropSequenceOp},
    {"alter_sequence", &Parser::AlterSequenceOp},
    {"bulk_insert", &Parser::BulkInsertOp},
    {"execute", &Parser::ExecuteOp},
};

}  // namespace

std::vector<OpAt> ParseOperations(const File& file, const Node& list,
                                  const schema::NamingConvention& naming, bool in_effect) {
  std::vector<OpAt> out;
  if (!list || list.IsNull()) return out;
  file.RequireSequence(list, "an operation list");
  Parser parser{file, naming};
  format::Document scratch;  // bodies without their `acknowledged`
  for (const auto& item : list) {
    if (!item.IsMap() || item.size() != 1) {
      file.Fail(item, "an operation is a map with one key, e.g. {create_table: {...}}");
    }
    const Node::Entry entry = item.entries().front();
    std::string name = entry.first.Scalar();
    const Entry* found = nullptr;
    for (const Entry& e : kHandlers) {
      if (e.name == name) found = &e;
    }
    if (!found) {
      std::string known;
      for (const Entry& e : kHandlers) known += (known.empty() ? "" : ", ") + std::string(e.name);
      file.Fail(entry.first, "unknown operation '" + name + "' (known: " + known + ")");
    }
    if (name != "execute") file.RequireMap(entry.second, name);
    Node body = entry.second;
    bool acknowledged = false;
    if (body.IsMap() && body["acknowledged"]) {
      acknowledged = file.OptBool(body, "acknowledged").value_or(false);
      body = format::WithoutKey(scratch, body, "acknowledged");
    }
    std::vector<std::string> dialects;
    if (name != "execute" && body.IsMap() && body["dialect"]) {
      if (in_effect) file.Fail(body["dialect"], "an effect's operation takes no 'dialect': limit the execute");
      dialects = Dialects(file, body["dialect"]);
      body = format::WithoutKey(scratch, body, "dialect");
    }
    out.push_back(OpAt{(parser.*found->handler)(body), file.At(entry.first), acknowledged, std::move(dialects)});
  }
  // Names too long, all of them at once.
  format::File::ThrowDeferred({&file});
  return out;
}

}  // namespace retort::script
