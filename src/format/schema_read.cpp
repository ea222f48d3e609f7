#include "format/schema_read.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "schema/dialect_keys.h"
#include "schema/naming.h"

namespace retort::format {

using namespace retort::schema;  // NOLINT: this file reads the schema model
Type ParseTypeNode(const File& file, const Node& node) {
  if (node.IsMap()) {
    Type type;
    type.kind = TypeKind::kRaw;
    for (const Node::Entry& entry : node.entries()) {
      std::string dialect = entry.first.Scalar();
      if (!IsFileDialect(dialect)) {
        file.Fail(entry.first, "unknown dialect '" + dialect + "' in a raw type (expected " +
                                   FileDialectList() + ")");
      }
      if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
        file.Fail(entry.second, "a raw type's spelling must be a string");
      }
      type.raw[dialect] = entry.second.Scalar();
    }
    if (type.raw.empty()) file.Fail(node, "a raw type needs per-dialect spellings");
    return type;
  }
  if (!node.IsScalar()) file.Fail(node, "'type' must be a type name");
  std::string error;
  std::optional<Type> type = ParseType(node.Scalar(), &error);
  if (!type) file.Fail(node, error);
  return *type;
}

namespace {

Action ParseActionAt(const File& file, const Node& node,
                     std::string_view key) {
  std::optional<std::string> text = file.OptString(node, key);
  if (!text) return Action::kNoAction;
  std::optional<Action> action = ParseAction(*text);
  if (!action) {
    file.Fail(node[key],
              "unknown action '" + *text +
                  "' (expected CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION)");
  }
  return *action;
}

// The name `given` or the convention gives, else the implied one;
// failures reported at `node`.
ChosenName NameAt(const File& file, const Node& node, const NamingConvention& naming,
                  std::string_view key, const std::string& given, const NameParts& parts) {
  try {
    return ChooseName(naming, key, given, parts);
  } catch (const NameTooLong& e) {
    file.Defer(node, e.message());
    return {given, false};
  } catch (const Error& e) {
    throw Error(e.kind(), e.message(), file.At(node));
  }
}


}  // namespace

void NameFitsAt(const File& file, const Node& node, const std::string& name) {
  try {
    RequireNameFits(name);
  } catch (const NameTooLong& e) {
    file.Defer(node, e.message());
  }
}

schema::Deferral ParseDeferral(const File& file, const Node& node) {
  schema::Deferral d;
  std::optional<bool> deferrable = file.OptBool(node, "deferrable");
  if (std::optional<std::string> initially = file.OptString(node, "initially")) {
    std::string lower;
    for (char c : *initially) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "deferred") {
      d.initially_deferred = true;
    } else if (lower != "immediate") {
      file.Fail(node["initially"], "unknown 'initially' '" + *initially +
                                       "' (expected deferred or immediate)");
    }
  }
  if (d.initially_deferred && deferrable == false) {
    file.Fail(node["deferrable"], "'initially: deferred' needs a deferrable constraint");
  }
  d.deferrable = deferrable.value_or(d.initially_deferred);
  return d;
}

ForeignKey ParseForeignKey(const File& file, const Node& node,
                           const std::string& table,
                           const NamingConvention& naming) {
  const Node& m = node;
  file.CheckKeys(m, "foreign key",
                 {"name", "columns", "referred_table", "referred_columns",
                  "on_delete", "on_update", "deferrable", "initially"});
  ForeignKey fk;
  fk.columns = file.RequiredStrings(m, "columns");
  fk.referred_table = file.String(m, "referred_table");
  fk.referred_columns = file.RequiredStrings(m, "referred_columns");
  if (fk.columns.size() != fk.referred_columns.size()) {
    file.Fail(node, "a foreign key needs as many referred_columns as columns");
  }
  fk.on_delete = ParseActionAt(file, m, "on_delete");
  fk.on_update = ParseActionAt(file, m, "on_update");
  fk.deferral = ParseDeferral(file, m);
  ChosenName name = NameAt(file, node, naming, "fk", file.OptString(m, "name").value_or(""),
                           {table, fk.columns, fk.referred_table, fk.referred_columns, ""});
  fk.name = name.name;
  fk.implied = name.implied;
  return fk;
}

namespace {

void RequireColumns(const File& file, const Node& node, const Table& t,
                    const std::vector<std::string>& columns) {
  for (const std::string& c : columns) {
    if (!t.FindColumn(c)) {
      file.Fail(node, "table '" + t.name + "' has no column '" + c + "'");
    }
  }
}

}  // namespace

std::optional<Default> ParseDefault(const File& file, const Node& node) {
  if (!node || node.IsNull()) return std::nullopt;
  if (node.IsMap() && !node["sql"]) {
    // One default per dialect; a dialect left out (or null) has none.
    file.CheckKeys(node, "server_default",
                   std::vector<std::string_view>(FileDialects().begin(), FileDialects().end()));
    Default d{Default::Kind::kPerDialect, "", {}};
    for (const Node::Entry& entry : node.entries()) {
      if (entry.second.IsMap() && !entry.second["sql"]) {
        file.Fail(entry.second, "a dialect's server_default is a value, now(), or {sql: ...}");
      }
      if (std::optional<Default> one = ParseDefault(file, entry.second)) {
        d.dialects[entry.first.Scalar()] = {one->kind, one->value};
      }
    }
    return d;
  }
  if (node.IsMap()) {
    file.CheckKeys(node, "server_default", {"sql"});
    return Default{Default::Kind::kSql, file.String(node, "sql")};
  }
  if (!node.IsScalar()) {
    file.Fail(node, "'server_default' must be a value, now(), {sql: ...}, or one of these per "
                    "dialect ({postgresql: ..., sqlite: ...})");
  }
  std::string value = node.Scalar();
  std::string lower;
  for (char c : value) lower += static_cast<char>(std::tolower(c));
  if (lower == "now()" || lower == "current_timestamp") {
    return Default{Default::Kind::kNow, ""};
  }
  return Default{Default::Kind::kLiteral, value};
}

schema::Identity ParseIdentity(const File& file, const Node& node) {
  schema::Identity identity;
  auto kind = [&](const Node& at) {
    std::string text = at.IsScalar() ? at.Scalar() : "";
    if (text == "always") return true;
    if (text == "by_default") return false;
    file.Fail(at, "unknown identity '" + text + "' (expected always or by_default)");
  };
  if (node.IsScalar()) {
    identity.always = kind(node);
    return identity;
  }
  if (!node.IsMap()) file.Fail(node, "'identity' must be always, by_default or {generated: ...}");
  file.CheckKeys(node, "identity", {"generated", "start", "increment"});
  if (node["generated"]) identity.always = kind(node["generated"]);
  identity.start = file.OptInt(node, "start");
  identity.increment = file.OptInt(node, "increment");
  if (identity.increment == 0) file.Fail(node["increment"], "an identity's 'increment' cannot be 0");
  // The server's defaults, said, are left unsaid: 1 and 1 (-1 descending).
  if (identity.start == (identity.increment.value_or(1) < 0 ? -1 : 1)) identity.start.reset();
  if (identity.increment == 1) identity.increment.reset();
  return identity;
}

const std::vector<std::string_view> kViewKeys = {"name", "sql", "materialized", "with_data", "indexes"};

// The text at `node` as one statement's (schema::OneStatement): `missing`
// when there is none, `what` naming it otherwise, `problem` saying what
// one statement's text must be.
std::string StatementText(const File& file, const Node& node, const std::string& missing,
                          const std::string& what, const std::string& problem) {
  if (!node) file.Fail(node, missing);
  if (!node.IsScalar()) file.Fail(node, what + " must be SQL text");
  std::string sql = schema::OneStatement(node.Scalar());
  if (sql.empty()) file.Fail(node, what + " must be " + problem);
  return sql;
}

std::string ParseViewSql(const File& file, const Node& node) {
  return StatementText(file, node, "a view needs 'sql', its query", "a view's 'sql'",
                       "one query: it is empty, a ';' outside its strings starts a second statement, "
                       "a string or comment is left open, or it holds a -- comment (write /* ... */)");
}

schema::View ParseView(const File& file, const Node& node) {
  schema::View v;
  v.name = file.String(node, "name");
  NameFitsAt(file, node["name"], v.name);
  if (!node["sql"]) file.Fail(node, "view '" + v.name + "' needs 'sql', its query");
  v.sql = ParseViewSql(file, node["sql"]);
  v.materialized = file.OptBool(node, "materialized").value_or(false);
  std::optional<bool> with_data = file.OptBool(node, "with_data");
  if (with_data && !v.materialized) file.Fail(node["with_data"], "'with_data' is for a materialized view");
  v.with_data = with_data.value_or(true);
  if (Node indexes = node["indexes"]) {
    if (!v.materialized) file.Fail(indexes, "'indexes' are for a materialized view");
    file.RequireSequence(indexes, "'indexes'");
    for (const auto& item : indexes) {
      file.RequireMap(item, "an index");
      file.CheckKeys(item, "index", kIndexKeys);
      Index index = ParseIndex(file, item);
      index.name = file.String(item, "name");  // no table to name it after
      NameFitsAt(file, item["name"], index.name);
      for (const Index& other : v.indexes) {
        if (other.name == index.name) file.Fail(item, "view '" + v.name + "' has two indexes named '" + index.name + "'");
      }
      v.indexes.push_back(std::move(index));
    }
  }
  return v;
}

const std::vector<std::string_view> kExtensionKeys = {"name", "schema", "version"};

schema::Extension ParseExtension(const File& file, const Node& node) {
  schema::Extension x;
  // Names and versions are those of the server's extension control files:
  // letters, digits, '_' and '-' (and '.' in a version).
  auto plain = [](const std::string& text, bool dot) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](unsigned char c) {
      return std::isalnum(c) || c == '_' || c == '-' || (dot && c == '.');
    });
  };
  x.name = file.String(node, "name");
  if (!plain(x.name, false)) {
    file.Fail(node["name"], "an extension's name is its control file's: letters, digits, '_' and '-'");
  }
  NameFitsAt(file, node["name"], x.name);
  if (Node schema = node["schema"]) {
    x.schema = file.String(node, "schema");
    NameFitsAt(file, schema, x.schema);
  }
  if (Node version = node["version"]) {
    x.version = file.String(node, "version");
    if (!plain(x.version, true)) {
      file.Fail(version, "an extension's 'version' is one of its control file's versions (\"1.3\"): "
                         "letters, digits, '.', '_' and '-'");
    }
  }
  return x;
}

const std::vector<std::string_view> kFunctionKeys = {"name", "kind", "arguments", "definition"};

std::string ParseFunctionArguments(const File& file, const Node& node) {
  if (!node || node.IsNull()) return "";
  if (!node.IsScalar()) file.Fail(node, "a function's 'arguments' must be SQL text, as its signature lists them");
  std::string arguments = schema::OneStatement(node.Scalar());
  if (!node.Scalar().empty() && (arguments.empty() || !schema::BalancedParens(arguments) ||
                                  node.Scalar().find(';') != std::string::npos)) {
    file.Fail(node, "a function's 'arguments' must be its argument list (\"a integer, b text\"): "
                    "no ';', no -- comment, strings closed and parentheses balanced");
  }
  return arguments;
}

std::string ParseFunctionDefinition(const File& file, const Node& node) {
  return StatementText(file, node, "a function needs 'definition': what follows its signature (RETURNS ... AS ...)",
                       "a function's 'definition'",
                       "one statement's text: it is empty, a ';' outside its strings ($$ ... $$) starts a "
                       "second statement, a string or comment is left open, or it holds a -- comment "
                       "outside its body (write /* ... */)");
}

schema::Function ParseFunction(const File& file, const Node& node) {
  schema::Function f;
  f.name = file.String(node, "name");
  NameFitsAt(file, node["name"], f.name);
  if (std::optional<std::string> kind = file.OptString(node, "kind")) {
    if (*kind == "procedure") {
      f.kind = schema::Function::Kind::kProcedure;
    } else if (*kind == "aggregate") {
      f.kind = schema::Function::Kind::kAggregate;
    } else if (*kind != "function") {
      file.Fail(node["kind"], "unknown kind '" + *kind + "' (expected function, procedure or aggregate)");
    }
  }
  f.arguments = ParseFunctionArguments(file, node["arguments"]);
  if (!node["definition"]) {
    file.Fail(node, std::string(schema::FunctionKindName(f.kind)) + " '" + f.name +
                        "' needs 'definition': what follows its signature");
  }
  f.definition = ParseFunctionDefinition(file, node["definition"]);
  return f;
}

const std::vector<std::string_view> kTriggerKeys = {"name",    "table",   "timing",     "events",
                                                  "columns", "for_each", "when",      "execute",
                                                  "body",    "deferrable", "initially"};

schema::Trigger ParseTrigger(const File& file, const Node& node) {
  using schema::Trigger;
  Trigger t;
  t.name = file.String(node, "name");
  NameFitsAt(file, node["name"], t.name);
  t.table = file.String(node, "table");
  const std::string what = "trigger '" + t.name + "'";
  std::string timing = file.OptString(node, "timing").value_or("");
  if (timing == "before") {
    t.timing = Trigger::Timing::kBefore;
  } else if (timing == "after") {
    t.timing = Trigger::Timing::kAfter;
  } else if (timing == "instead_of" || timing == "instead of") {
    t.timing = Trigger::Timing::kInsteadOf;
  } else if (!node["timing"]) {
    file.Fail(node, what + " needs 'timing': before, after or instead_of");
  } else {
    file.Fail(node["timing"], "unknown timing '" + timing + "' (expected before, after or instead_of)");
  }
  std::vector<std::string> events = file.RequiredStrings(node, "events");
  static const std::vector<std::string> kEvents = {"insert", "update", "delete", "truncate"};
  for (const std::string& e : events) {
    if (std::find(kEvents.begin(), kEvents.end(), e) == kEvents.end()) {
      file.Fail(node["events"], "unknown event '" + e + "' (expected insert, update, delete or truncate)");
    }
    if (std::count(events.begin(), events.end(), e) > 1) file.Fail(node["events"], what + " lists '" + e + "' twice");
  }
  for (const std::string& e : kEvents) {
    if (std::find(events.begin(), events.end(), e) != events.end()) t.events.push_back(e);
  }
  t.columns = file.Strings(node, "columns");
  if (!t.columns.empty() && std::find(t.events.begin(), t.events.end(), "update") == t.events.end()) {
    file.Fail(node["columns"], what + ": 'columns' (UPDATE OF) needs the update event");
  }
  std::string each = file.OptString(node, "for_each").value_or("row");
  if (each != "row" && each != "statement") {
    file.Fail(node["for_each"], "unknown for_each '" + each + "' (expected row or statement)");
  }
  t.for_each_row = each == "row";
  if (t.timing == Trigger::Timing::kInsteadOf && !t.for_each_row) {
    file.Fail(node["for_each"], what + ": an instead_of trigger fires for each row");
  }
  if (Node when = node["when"]; when && !when.IsNull()) {
    if (!when.IsScalar()) file.Fail(when, "a trigger's 'when' must be an SQL expression");
    t.when = schema::OneStatement(when.Scalar());
    if (t.when.empty() || !schema::BalancedParens(t.when)) {
      file.Fail(when, "a trigger's 'when' must be one expression: no ';', no -- comment, strings "
                      "closed and parentheses balanced");
    }
  }
  if (node["execute"] && node["body"]) {
    file.Fail(node["body"], what + " gives both 'execute' (PostgreSQL: the function it calls) and "
                            "'body' (SQLite: its statements); give one");
  }
  if (Node execute = node["execute"]) {
    if (!execute.IsScalar()) file.Fail(execute, "a trigger's 'execute' must be a function call");
    t.execute = schema::OneStatement(execute.Scalar());
    if (t.execute.empty() || !schema::IsFunctionCall(t.execute)) {
      file.Fail(execute, "a trigger's 'execute' must be the call of the function it runs "
                         "(\"last_updated()\", \"audit('orders')\")");
    }
  } else if (Node body = node["body"]) {
    if (!body.IsScalar()) file.Fail(body, "a trigger's 'body' must be SQL text");
    t.body = schema::TriggerBody(body.Scalar());
    if (t.body.empty()) {
      file.Fail(body, "a trigger's 'body' must be its statements (between BEGIN and END): not empty, "
                      "no END that closes no CASE, no BEGIN, no -- comment, strings closed");
    }
  } else {
    file.Fail(node, what + " needs 'execute' (PostgreSQL: the function it calls) or 'body' (SQLite: "
                    "its statements)");
  }
  t.deferral = ParseDeferral(file, node);
  if (t.deferral.deferrable && (t.timing != Trigger::Timing::kAfter || !t.for_each_row)) {
    file.Fail(node["deferrable"] ? node["deferrable"] : node["initially"],
              what + ": a deferrable trigger fires after, for each row");
  }
  return t;
}

const std::vector<std::string_view> kSequenceKeys = {"name",     "type",     "start",   "increment",
                                                   "minvalue", "maxvalue", "cycle",   "owned_by"};

schema::Sequence ParseSequence(const File& file, const Node& node) {
  schema::Sequence q;
  q.name = file.String(node, "name");
  NameFitsAt(file, node["name"], q.name);
  if (Node t = node["type"]; t && !t.IsNull()) q.type = ParseTypeNode(file, t);
  q.start = file.OptInt(node, "start");
  q.increment = file.OptInt(node, "increment");
  q.minvalue = file.OptInt(node, "minvalue");
  q.maxvalue = file.OptInt(node, "maxvalue");
  q.cycle = file.OptBool(node, "cycle").value_or(false);
  q.owned_by = file.OptString(node, "owned_by").value_or("");
  if (!q.owned_by.empty()) {
    size_t dot = q.owned_by.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == q.owned_by.size()) {
      file.Fail(node["owned_by"], "'owned_by' must be table.column");
    }
  }
  std::string problem = schema::SequenceProblem(q);
  if (!problem.empty()) file.Fail(node, problem);
  return q;
}

const std::vector<std::string_view> kIndexKeys = {"name", "columns", "unique", "where", "using", "include"};

namespace {

// Trimmed, without pairs of parentheses around the whole: the model's form
// of an expression (rendering adds what the SQL needs).
std::string ExpressionText(const File& file, const Node& node, std::string_view what) {
  if (!node.IsScalar() || node.Scalar().find_first_not_of(" \t\r\n") == std::string::npos) {
    file.Fail(node, std::string(what) + " must be SQL text");
  }
  return schema::WithoutOuterParens(node.Scalar());
}

// A name written into SQL as it is (an operator class, an access method):
// letters, digits and '_', optionally qualified by a schema.
std::string SqlWord(const File& file, const Node& node, std::string_view what) {
  if (!node.IsScalar()) file.Fail(node, std::string(what) + " must be a name");
  const std::string& text = node.Scalar();
  bool ok = !text.empty() && !std::isdigit(static_cast<unsigned char>(text[0])) &&
            text.front() != '.' && text.back() != '.';
  for (char c : text) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  if (!ok) file.Fail(node, std::string(what) + " '" + text + "' is not a name (letters, digits, '_')");
  return text;
}

IndexEntry ParseIndexEntry(const File& file, const Node& node) {
  IndexEntry e;
  if (node.IsScalar()) {
    e.column = node.Scalar();
    if (e.column.empty()) file.Fail(node, "an index entry needs a column name");
    return e;
  }
  if (!node.IsMap()) file.Fail(node, "an index entry must be a column name or a map");
  file.CheckKeys(node, "index entry", {"column", "expr", "desc", "nulls", "opclass"});
  if (static_cast<bool>(node["column"]) == static_cast<bool>(node["expr"])) {
    file.Fail(node, "an index entry needs one of 'column' or 'expr'");
  }
  if (node["column"]) e.column = file.String(node, "column");
  if (node["expr"]) e.expr = ExpressionText(file, node["expr"], "'expr'");
  e.desc = file.OptBool(node, "desc").value_or(false);
  if (std::optional<std::string> nulls = file.OptString(node, "nulls")) {
    if (*nulls == "first") {
      e.nulls = IndexEntry::Nulls::kFirst;
    } else if (*nulls == "last") {
      e.nulls = IndexEntry::Nulls::kLast;
    } else {
      file.Fail(node["nulls"], "unknown 'nulls' '" + *nulls + "' (expected first or last)");
    }
  }
  if (e.nulls == (e.desc ? IndexEntry::Nulls::kFirst : IndexEntry::Nulls::kLast)) {
    e.nulls = IndexEntry::Nulls::kDefault;  // the default, said
  }
  if (node["opclass"]) e.opclass = SqlWord(file, node["opclass"], "operator class");
  return e;
}

}  // namespace

Index ParseIndex(const File& file, const Node& node) {
  Index index;
  Node columns = node["columns"];
  if (!columns) file.Fail(node, "an index needs 'columns'");
  file.RequireSequence(columns, "'columns'");
  for (const Node& item : columns) index.entries.push_back(ParseIndexEntry(file, item));
  if (index.entries.empty()) file.Fail(columns, "an index needs at least one column or expression");
  index.unique = file.OptBool(node, "unique").value_or(false);
  if (node["where"]) index.where = ExpressionText(file, node["where"], "'where'");
  if (node["using"]) {
    index.method = SqlWord(file, node["using"], "index method");
    for (char& c : index.method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (index.method == "btree") index.method.clear();  // the default, said
  }
  if (node["include"]) index.include = file.RequiredStrings(node, "include");
  return index;
}

ColumnSpec ParseColumn(const File& file, const Node& node) {
  const Node& m = node;
  for (const Node::Entry& entry : m.entries()) {
    if (entry.first.Scalar().ends_with(")")) {
      file.Fail(entry.first, "a type with a comma must be quoted inside {...}, "
                                "e.g. type: \"numeric(10,2)\"");
    }
  }
  file.CheckKeys(m, "column",
                 {"name", "type", "primary_key", "nullable", "server_default",
                  "unique", "index", "references", "on_delete", "on_update",
                  "autoincrement", "identity", "computed", "comment", "renamed_from"});
  ColumnSpec spec;
  spec.node = node;
  Column& c = spec.column;
  c.name = file.String(m, "name");
  NameFitsAt(file, m["name"], c.name);
  if (!m["type"]) file.Fail(node, "column '" + c.name + "' has no 'type'");
  c.type = ParseTypeNode(file, m["type"]);
  spec.primary_key = file.OptBool(m, "primary_key").value_or(false);
  std::optional<bool> nullable = file.OptBool(m, "nullable");
  if (spec.primary_key && nullable.value_or(false)) {
    file.Fail(m["nullable"], "primary key column '" + c.name + "' cannot be nullable");
  }
  c.nullable = nullable.value_or(!spec.primary_key);
  c.server_default = ParseDefault(file, m["server_default"]);
  // `unique` and `index`: true, or {name: ...} for a name of its own.
  auto flag = [&](const char* key, bool& on, std::string& name) {
    if (Node v = m[key]; v && v.IsMap()) {
      const Node& vm = v;
      file.CheckKeys(vm, key, {"name"});
      name = file.String(vm, "name");
      on = true;
    } else {
      on = file.OptBool(m, key).value_or(false);
    }
  };
  flag("unique", spec.unique, spec.unique_name);
  flag("index", spec.index, spec.index_name);
  c.autoincrement = file.OptBool(m, "autoincrement");
  if (Node v = m["identity"]) c.identity = ParseIdentity(file, v);
  if (Node v = m["computed"]) {
    if (!v.IsMap()) file.Fail(v, "'computed' must be {sql: ..., stored: true|false}");
    file.CheckKeys(v, "computed", {"sql", "stored"});
    if (!v["sql"]) file.Fail(v, "'computed' needs 'sql', the expression");
    c.computed = schema::Computed{ExpressionText(file, v["sql"], "'sql'"), file.OptBool(v, "stored")};
  }
  auto conflict = [&](const char* a, const char* b) {
    if (m[a] && m[b]) file.Fail(m[b], "column '" + c.name + "' cannot have both '" + a + "' and '" + b + "'");
  };
  conflict("computed", "server_default");
  conflict("computed", "identity");
  conflict("identity", "server_default");
  if (c.identity) {
    if (!c.type.IsInteger()) {
      file.Fail(m["identity"], "identity column '" + c.name + "' must be of an integer type");
    }
    if (c.autoincrement == false) {
      file.Fail(m["autoincrement"], "identity column '" + c.name + "' auto-increments: "
                                    "'autoincrement: false' contradicts it");
    }
    // NOT NULL, as the server makes it.
    if (nullable == true) file.Fail(m["nullable"], "identity column '" + c.name + "' cannot be nullable");
    c.nullable = false;
  }
  c.comment = file.OptString(m, "comment").value_or("");
  spec.renamed_from = file.OptString(m, "renamed_from").value_or("");
  // `references: table.column`, or `references: {column: table.column,
  // name: ...}` for a foreign key with a name of its own (SQLAlchemy's
  // ForeignKey("table.column", name=...)).
  std::optional<std::string> ref;
  std::string fk_name;
  schema::Deferral deferral;
  if (Node r = m["references"]; r && r.IsMap()) {
    const Node& rm = r;
    file.CheckKeys(rm, "references", {"column", "name", "deferrable", "initially"});
    ref = file.String(rm, "column");
    fk_name = file.OptString(rm, "name").value_or("");
    deferral = ParseDeferral(file, rm);
  } else {
    ref = file.OptString(m, "references");
  }
  if (ref) {
    size_t dot = ref->rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == ref->size()) {
      file.Fail(m["references"], "'references' must be table.column");
    }
    ForeignKey fk;
    fk.name = fk_name;
    fk.columns = {c.name};
    fk.referred_table = ref->substr(0, dot);
    fk.referred_columns = {ref->substr(dot + 1)};
    fk.on_delete = ParseActionAt(file, m, "on_delete");
    fk.on_update = ParseActionAt(file, m, "on_update");
    fk.deferral = deferral;
    spec.foreign_key = fk;
  } else if (m["on_delete"] || m["on_update"]) {
    file.Fail(node, "on_delete and on_update need 'references'");
  }
  return spec;
}

void AttachColumnShorthands(const File& file, const ColumnSpec& spec,
                            const NamingConvention& naming, Table& table) {
  const std::string& col = spec.column.name;
  if (spec.index) {
    Index index = Index::On("", {col}, spec.unique);
    index.name = NameAt(file, spec.node, naming, "ix", spec.index_name, {table.name, {col}, "", {}, ""}).name;
    table.indexes.push_back(index);
  } else if (spec.unique) {
    ChosenName name = NameAt(file, spec.node, naming, "uq", spec.unique_name, {table.name, {col}, "", {}, ""});
    table.uniques.push_back({name.name, {col}, name.implied});
  }
  if (spec.foreign_key) {
    ForeignKey fk = *spec.foreign_key;
    ChosenName name = NameAt(file, spec.node, naming, "fk", fk.name,
                             {table.name, fk.columns, fk.referred_table, fk.referred_columns, ""});
    fk.name = name.name;
    fk.implied = name.implied;
    table.foreign_keys.push_back(fk);
  }
}

Table ParseTable(const File& file, const Node& node,
                 const NamingConvention& naming, RenameHints* hints) {
  const Node& m = node;
  file.CheckKeys(m, "table",
                 {"name", "columns", "primary_key", "foreign_keys", "unique",
                  "checks", "indexes", "comment", "sqlite_autoincrement", "renamed_from"});
  Table t;
  t.name = file.String(m, "name");
  NameFitsAt(file, m["name"], t.name);
  auto rename_hint = [&](const Node& at, const std::string& old_name) {
    if (!hints) {
      file.Fail(at, "'renamed_from' belongs in schema files; a script renames with "
                    "rename_table or alter_column's new_name");
    }
    if (old_name.empty()) file.Fail(at, "'renamed_from' needs the old name");
  };
  if (std::optional<std::string> old_name = file.OptString(m, "renamed_from")) {
    rename_hint(m["renamed_from"], *old_name);
    if (*old_name == t.name) file.Fail(m["renamed_from"], "a table cannot be renamed from itself");
    hints->tables[t.name] = *old_name;
  }
  t.comment = file.OptString(m, "comment").value_or("");
  Node columns = m["columns"];
  if (!columns || !columns.IsSequence() || columns.size() == 0) {
    file.Fail(node, "table '" + t.name + "' needs a non-empty 'columns' list");
  }
  std::vector<ColumnSpec> specs;
  std::vector<std::string> pk_columns;
  for (const auto& item : columns) {
    ColumnSpec spec = ParseColumn(file, item);
    if (t.FindColumn(spec.column.name)) {
      file.Fail(item, "table '" + t.name + "' has two columns named '" +
                          spec.column.name + "'");
    }
    if (spec.primary_key) pk_columns.push_back(spec.column.name);
    if (!spec.renamed_from.empty() || item["renamed_from"]) {
      rename_hint(item["renamed_from"], spec.renamed_from);
      if (spec.renamed_from == spec.column.name) {
        file.Fail(item["renamed_from"], "a column cannot be renamed from itself");
      }
      hints->columns[{t.name, spec.column.name}] = spec.renamed_from;
    }
    t.columns.push_back(spec.column);
    specs.push_back(std::move(spec));
  }

  if (Node pk = m["primary_key"]) {
    if (!pk_columns.empty()) {
      file.Fail(pk, "primary key declared both on columns and on the table");
    }
    file.CheckKeys(pk, "primary_key", {"name", "columns", "deferrable", "initially"});
    PrimaryKey key{file.OptString(pk, "name").value_or(""),
                   file.RequiredStrings(pk, "columns")};
    key.deferral = ParseDeferral(file, pk);
    RequireColumns(file, pk, t, key.columns);
    for (const std::string& c : key.columns) t.FindColumn(c)->nullable = false;
    t.primary_key = key;
  } else if (!pk_columns.empty()) {
    t.primary_key = PrimaryKey{"", pk_columns};
  }
  t.sqlite_autoincrement = file.OptBool(m, "sqlite_autoincrement").value_or(false);
  if (std::string problem = schema::AutoincrementProblem(t); !problem.empty()) {
    file.Fail(m["sqlite_autoincrement"], problem);
  }
  if (t.primary_key) {
    ChosenName name = NameAt(file, node, naming, "pk", t.primary_key->name,
                             {t.name, t.primary_key->columns, "", {}, ""});
    t.primary_key->name = name.name;
    t.primary_key->implied = name.implied;
  }

  for (const ColumnSpec& spec : specs) AttachColumnShorthands(file, spec, naming, t);

  if (Node fks = m["foreign_keys"]) {
    file.RequireSequence(fks, "'foreign_keys'");
    for (const auto& item : fks) {
      ForeignKey fk = ParseForeignKey(file, item, t.name, naming);
      RequireColumns(file, item, t, fk.columns);
      t.foreign_keys.push_back(fk);
    }
  }
  if (Node uqs = m["unique"]) {
    file.RequireSequence(uqs, "'unique'");
    for (const auto& item : uqs) {
      file.CheckKeys(item, "unique constraint", {"name", "columns", "deferrable", "initially"});
      UniqueConstraint uq{"", file.RequiredStrings(item, "columns")};
      uq.deferral = ParseDeferral(file, item);
      RequireColumns(file, item, t, uq.columns);
      ChosenName name = NameAt(file, item, naming, "uq", file.OptString(item, "name").value_or(""),
                               {t.name, uq.columns, "", {}, ""});
      uq.name = name.name;
      uq.implied = name.implied;
      t.uniques.push_back(uq);
    }
  }
  if (Node checks = m["checks"]) {
    file.RequireSequence(checks, "'checks'");
    for (const auto& item : checks) {
      file.CheckKeys(item, "check constraint", {"name", "expr"});
      CheckConstraint ck{"", file.String(item, "expr")};
      ChosenName name = NameAt(file, item, naming, "ck", file.OptString(item, "name").value_or(""),
                               {t.name, {}, "", {}, ""});
      ck.name = name.name;
      ck.implied = name.implied;
      t.checks.push_back(ck);
    }
  }
  if (Node indexes = m["indexes"]) {
    file.RequireSequence(indexes, "'indexes'");
    for (const auto& item : indexes) {
      file.CheckKeys(item, "index", kIndexKeys);
      Index index = ParseIndex(file, item);
      for (const IndexEntry& e : index.entries) {
        if (e.expr.empty()) RequireColumns(file, item, t, {e.column});
      }
      RequireColumns(file, item, t, index.include);
      index.name = NameAt(file, item, naming, "ix", file.OptString(item, "name").value_or(""),
                          {t.name, index.KeyColumns(), "", {}, ""}).name;
      t.indexes.push_back(index);
    }
  }

  {
    // Implied names numbered among the table's own (NameImplied names them
    // again among a whole schema's).
    Schema alone;
    alone.tables.push_back(std::move(t));
    NameImplied(alone);
    t = std::move(alone.tables[0]);
  }
  std::set<std::string> names;
  auto unique_name = [&](const std::string& name) {
    if (!names.insert(name).second) {
      file.Fail(node, "table '" + t.name + "' has two constraints or indexes named '" +
                          name + "'");
    }
  };
  if (t.primary_key) unique_name(t.primary_key->name);
  for (const auto& x : t.foreign_keys) unique_name(x.name);
  for (const auto& x : t.uniques) unique_name(x.name);
  for (const auto& x : t.checks) unique_name(x.name);
  for (const auto& x : t.indexes) unique_name(x.name);
  return t;
}

NamingConvention ParseNamingConvention(const File& file, const Node& node) {
  file.CheckKeys(node, "naming_convention", {"pk", "fk", "uq", "ck", "ix"});
  NamingConvention convention;
  for (const Node::Entry& entry : node.entries()) {
    if (entry.second.IsNull()) {  // null: no template for this key
      convention.templates[entry.first.Scalar()] = "";
      continue;
    }
    if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
      file.Fail(entry.second, "a naming template must be a string, or null for none");
    }
    convention.templates[entry.first.Scalar()] = entry.second.Scalar();
  }
  return convention;
}

namespace {

// Each map of the list `key` of `root` (none when absent): `a_what` ("a
// view") names an entry that is no map, `what` ("view") the keys `keys`
// it may have; `read` takes each.
template <typename Read>
void EachListed(const File& file, const Node& root, const std::string& key, std::string_view a_what,
                std::string_view what, const std::vector<std::string_view>& keys, Read read) {
  Node list = root[key];
  if (!list) return;
  file.RequireSequence(list, "'" + key + "'");
  for (const auto& item : list) {
    file.RequireMap(item, a_what);
    file.CheckKeys(item, what, keys);
    read(item);
  }
}

void LoadInto(const File& file, const Node& root, Schema& schema,
              bool& has_naming, std::vector<std::pair<size_t, Location>>& locs) {
  if (!root || root.IsNull()) return;
  file.CheckKeys(root, "schema file", {"naming_convention", "extensions", "enums", "sequences", "tables", "views",
                                        "functions", "triggers"});
  if (Node naming = root["naming_convention"]) {
    NamingConvention convention = ParseNamingConvention(file, naming);
    if (has_naming && convention != schema.naming) {
      file.Fail(naming, "a second, different naming_convention; declare it once");
    }
    schema.naming = convention;
    has_naming = true;
  }
  EachListed(file, root, "extensions", "an extension", "extension", kExtensionKeys, [&](const Node& item) {
    schema::Extension x = ParseExtension(file, item);
    if (schema.FindExtension(x.name)) file.Fail(item, "extension '" + x.name + "' declared twice");
    schema.extensions.push_back(std::move(x));
  });
  if (Node enums = root["enums"]) {
    file.RequireMap(enums, "'enums'");
    for (const Node::Entry& entry : enums.entries()) {
      Enum e{entry.first.Scalar(), {}};
      NameFitsAt(file, entry.first, e.name);
      if (schema.FindEnum(e.name)) file.Fail(entry.first, "enum '" + e.name + "' declared twice");
      // `name: [values]`, or `name: {values: [...], create_constraint: false}`.
      Node values = entry.second;
      if (values.IsMap()) {
        file.CheckKeys(values, "enum", {"values", "create_constraint"});
        e.create_constraint = file.OptBool(values, "create_constraint").value_or(true);
        if (!values["values"]) file.Fail(values, "enum '" + e.name + "' needs 'values'");
        values = values["values"];
      }
      file.RequireSequence(values, "an enum's values");
      for (const auto& v : values) {
        if (!v.IsScalar()) file.Fail(v, "enum values must be strings");
        if (std::find(e.values.begin(), e.values.end(), v.Scalar()) != e.values.end()) {
          file.Fail(v, "enum '" + e.name + "' lists '" + v.Scalar() + "' twice");
        }
        e.values.push_back(v.Scalar());
      }
      if (e.values.empty()) file.Fail(values, "enum '" + e.name + "' has no values");
      schema.enums.push_back(e);
    }
  }
  EachListed(file, root, "sequences", "a sequence", "sequence", kSequenceKeys, [&](const Node& item) {
    schema::Sequence q = ParseSequence(file, item);
    if (schema.FindSequence(q.name)) file.Fail(item, "sequence '" + q.name + "' declared twice");
    schema.sequences.push_back(std::move(q));
    locs.emplace_back(schema.sequences.size() - 1, file.At(item));
  });
}

}  // namespace

static Schema LoadDocuments(const std::vector<std::pair<const File*, Node>>& docs) {
  Schema schema;
  bool has_naming = false;
  std::vector<std::pair<size_t, Location>> locs;
  // Conventions and enums first: tables in any file may use them.
  for (const auto& [file, root] : docs) LoadInto(*file, root, schema, has_naming, locs);
  NamingConvention naming = WithDefaults(schema.naming);
  std::vector<Location> where;
  for (const auto& [f, root] : docs) {
    const File& file = *f;
    if (!root || root.IsNull() || !root["tables"]) continue;
    Node tables = root["tables"];
    file.RequireSequence(tables, "'tables'");
    for (const auto& item : tables) {
      Table t = ParseTable(file, item, naming, &schema.renames);
      if (schema.FindTable(t.name)) file.Fail(item, "table '" + t.name + "' declared twice");
      schema.tables.push_back(std::move(t));
      where.push_back(file.At(item));
    }
  }
  for (const auto& [f, root] : docs) {
    const File& file = *f;
    if (!root || root.IsNull()) continue;
    EachListed(file, root, "views", "a view", "view", kViewKeys, [&](const Node& item) {
      schema::View v = ParseView(file, item);
      if (schema.FindView(v.name)) file.Fail(item, "view '" + v.name + "' declared twice");
      if (schema.FindTable(v.name) || schema.FindSequence(v.name)) {
        file.Fail(item, "view '" + v.name + "' takes the name of a table or sequence");
      }
      schema.views.push_back(std::move(v));
    });
  }
  for (const auto& [f, root] : docs) {
    const File& file = *f;
    if (!root || root.IsNull()) continue;
    EachListed(file, root, "functions", "a function", "function", kFunctionKeys, [&](const Node& item) {
      schema::Function fn = ParseFunction(file, item);
      if (schema.FindFunction(fn.Signature())) file.Fail(item, fn.Signature() + " declared twice");
      schema.functions.push_back(std::move(fn));
    });
  }
  for (const auto& [f, root] : docs) {
    const File& file = *f;
    if (!root || root.IsNull()) continue;
    EachListed(file, root, "triggers", "a trigger", "trigger", kTriggerKeys, [&](const Node& item) {
      schema::Trigger t = ParseTrigger(file, item);
      if (schema.FindTrigger(t.table, t.name)) {
        file.Fail(item, "trigger '" + t.name + "' on '" + t.table + "' declared twice");
      }
      const schema::Table* table = schema.FindTable(t.table);
      if (!table && !schema.FindView(t.table)) {
        file.Fail(item["table"], "trigger '" + t.name + "' is on '" + t.table + "', which is no declared table or view");
      }
      for (const std::string& c : t.columns) {
        if (table && !table->FindColumn(c)) {
          file.Fail(item["columns"], "table '" + t.table + "' has no column '" + c + "'");
        }
      }
      schema.triggers.push_back(std::move(t));
    });
  }
  std::vector<const File*> files;
  for (const auto& doc : docs) files.push_back(doc.first);
  File::ThrowDeferred(files);
  for (size_t i = 0; i < schema.tables.size(); ++i) {
    ValidateSchemaReferences(schema, schema.tables[i], where[i]);
  }
  for (const auto& [i, at] : locs) {
    const schema::Sequence& q = schema.sequences[i];
    if (schema.FindTable(q.name)) {
      throw Error(ErrorKind::kInput, "sequence '" + q.name + "' takes the name of a table", at);
    }
    if (q.owned_by.empty()) continue;
    const schema::Column* c = schema.FindOwner(q.owned_by);
    if (!c) {
      throw Error(ErrorKind::kInput,
                  "sequence '" + q.name + "' is owned by '" + q.owned_by + "', which does not exist", at);
    }
    if (c->server_default && c->server_default->kind == schema::Default::Kind::kSql &&
        schema::MentionsName(c->server_default->value, "nextval") &&
        c->server_default->value.find(q.name) != std::string::npos) {
      throw Error(ErrorKind::kInput,
                  "sequence '" + q.name + "' is owned by '" + q.owned_by + "', whose default takes "
                  "from it: that is a serial column; declare an auto-incrementing key or an "
                  "identity column instead", at);
    }
  }
  NameImplied(schema);
  return schema;
}

Schema LoadSchemaFiles(const std::vector<std::string>& paths) {
  std::vector<std::pair<File, Document>> read;
  read.reserve(paths.size());
  for (const std::string& path : paths) {
    File file(path);
    Document doc = file.Load();
    read.emplace_back(std::move(file), std::move(doc));
  }
  std::vector<std::pair<const File*, Node>> docs;
  for (const auto& [file, doc] : read) docs.emplace_back(&file, doc.root());
  return LoadDocuments(docs);
}

Schema LoadSchemaText(const std::string& text, const std::string& name) {
  return LoadSchemaTexts({{name, text}});
}

Schema LoadSchemaTexts(const std::vector<std::pair<std::string, std::string>>& sources) {
  std::vector<std::pair<File, Document>> read;
  read.reserve(sources.size());
  for (const auto& [name, text] : sources) {
    File file(name);
    Document doc = file.Parse(text);
    read.emplace_back(std::move(file), std::move(doc));
  }
  std::vector<std::pair<const File*, Node>> docs;
  for (const auto& [file, doc] : read) docs.emplace_back(&file, doc.root());
  return LoadDocuments(docs);
}

Schema LoadSchemaNode(const File& file, const Node& root) {
  return LoadDocuments({{&file, root}});
}

}  // namespace retort::format
