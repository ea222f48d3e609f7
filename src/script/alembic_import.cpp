#include "script/alembic_import.h"

#include <functional>
#include <map>
#include <optional>
#include <set>

#include "format/python.h"
#include "format/writer.h"
#include "schema/dialect_keys.h"
#include "script/script_write.h"

namespace retort::script {
namespace {

using format::Writer;
using format::python::Expr;
using format::python::Statement;
using Kind = Expr::Kind;
using format::python::Block;
using format::python::ExprPtr;

// SQLAlchemy's types (sa.X and the dialect modules' X) as retort's
// portable types; "" for one with no portable spelling.
// An Enum sets `enum_name` and `enum_values` (none when create_type=False),
// and `enum_check` to whether it has a CHECK where enums are no types
// (create_constraint=True; SQLAlchemy's default since 1.4 is none).
std::string PortableType(const Expr& type, std::string* enum_name, std::vector<std::string>* enum_values,
                         std::string* problem, bool* enum_check = nullptr) {
  const Expr* call = type.kind == Kind::kCall ? &type : nullptr;
  // T.with_variant(V, "postgresql"): the portable type whose spellings
  // they are (CHAR(32) with UUID: uuid; JSON with JSONB: jsonb).
  if (call && call->object && call->object->kind == Kind::kAttribute && call->object->text == "with_variant") {
    if (call->items.size() != 2 || call->items[1]->kind != Kind::kString || !call->keywords.empty()) {
      *problem = "a with_variant(type, \"dialect\") this reader does not know";
      return "";
    }
    std::string unused_name;
    std::vector<std::string> unused_values;
    const std::string base = PortableType(*call->object->object, &unused_name, &unused_values, problem);
    if (base.empty()) return "";
    const std::string variant = PortableType(*call->items[0], &unused_name, &unused_values, problem);
    if (variant.empty()) return "";
    const std::string& dialect = call->items[1]->text;
    if (variant == base) return base;
    if (dialect == "postgresql" && variant == "uuid" && (base == "char(32)" || base == "string(32)")) return "uuid";
    if (dialect == "postgresql" && variant == "jsonb" && base == "json") return "jsonb";
    *problem = "the type " + base + " with the " + dialect + " variant " + variant +
               ", which is no one portable type (write its raw spellings by hand)";
    return "";
  }
  std::string name = type.DottedName();
  const size_t dot = name.rfind('.');
  const std::string base = dot == std::string::npos ? name : name.substr(dot + 1);
  // Argument i, or keyword `key` (sa.String(length=40) as autogenerate writes it).
  auto arg = [&](size_t i, const char* key) -> std::string {
    if (!call) return "";
    const Expr* e = call->Keyword(key);
    if (!e && i < call->items.size()) e = call->items[i].get();
    return e && e->kind == Kind::kNumber ? e->text : "";
  };
  auto keyword_true = [&](const char* key) {
    const Expr* k = call ? call->Keyword(key) : nullptr;
    return k && k->kind == Kind::kTrue;
  };
  if (base == "Integer" || base == "INTEGER" || base == "INT") return "integer";
  if (base == "BigInteger" || base == "BIGINT") return "bigint";
  if (base == "SmallInteger" || base == "SMALLINT") return "smallint";
  if (base == "Boolean" || base == "BOOLEAN") return "boolean";
  if (base == "Text" || base == "TEXT" || base == "UnicodeText") return "text";
  if (base == "String" || base == "VARCHAR" || base == "Unicode" || base == "NVARCHAR") {
    const std::string n = arg(0, "length");
    return n.empty() ? "string" : "string(" + n + ")";
  }
  if (base == "CHAR") return arg(0, "length").empty() ? "char(1)" : "char(" + arg(0, "length") + ")";
  if (base == "DateTime" || base == "DATETIME" || base == "TIMESTAMP") {
    return keyword_true("timezone") ? "datetime(timezone)" : "datetime";
  }
  if (base == "Date" || base == "DATE") return "date";
  if (base == "Time" || base == "TIME") return "time";
  if (base == "Float" || base == "FLOAT" || base == "REAL") return "float";
  if (base == "Double" || base == "DOUBLE_PRECISION" || base == "DOUBLE") return "double";
  if (base == "Numeric" || base == "NUMERIC" || base == "DECIMAL") {
    if (arg(0, "precision").empty()) return "numeric";
    return "numeric(" + arg(0, "precision") + (arg(1, "scale").empty() ? "" : "," + arg(1, "scale")) + ")";
  }
  if (base == "LargeBinary" || base == "BLOB" || base == "BYTEA") return "binary";
  if (base == "JSON") return "json";
  if (base == "JSONB") return "jsonb";
  if (base == "Uuid" || base == "UUID") return "uuid";
  if (base == "Interval" || base == "INTERVAL") return "interval";
  if (base == "INET") return "inet";
  if (base == "CIDR") return "cidr";
  if (base == "TSVECTOR") return "tsvector";
  if (base == "Enum" || base == "ENUM") {
    const Expr* n = call ? call->Keyword("name") : nullptr;
    if (!n || n->kind != Kind::kString) {
      *problem = "an Enum without a literal name= (retort's enums are named types)";
      return "";
    }
    for (const auto& v : call->items) {
      if (v->kind != Kind::kString) {
        *problem = "an Enum whose values are not string literals (an enum class?)";
        return "";
      }
      enum_values->push_back(v->text);
    }
    *enum_name = n->text;
    if (enum_check) *enum_check = keyword_true("create_constraint");
    const Expr* create = call->Keyword("create_type");
    if (create && create->kind == Kind::kFalse) enum_values->clear();  // made elsewhere
    return "enum(" + n->text + ")";
  }
  *problem = "the type " + (name.empty() ? std::string("written here") : name) + ", which has no portable spelling";
  return "";
}

// A string, or a tuple or list of strings; None for none.
std::optional<std::vector<std::string>> Strings(const Expr& e) {
  if (e.kind == Kind::kNone) return std::vector<std::string>{};
  if (e.kind == Kind::kString) return std::vector<std::string>{e.text};
  if (e.kind != Kind::kTuple && e.kind != Kind::kList) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : e.items) {
    if (item->kind != Kind::kString) return std::nullopt;
    out.push_back(item->text);
  }
  return out;
}

class Translator {
 public:
  Translator(const std::string& path, std::vector<Error>& problems) : path_(path), problems_(problems) {}

  // The operations of a def's body as YAML list items.
  std::string Body(const std::vector<Statement>& body) {
    items_.clear();
    tables_.clear();
    aliases_.clear();
    conditions_.clear();
    bindings_.clear();
    enums_dropped_.clear();
    size_t statements = 0;
    for (const Statement& s : body) statements += s.kind == Statement::Kind::kPass ? 0 : 1;
    whole_body_ = statements == 1;
    for (const Statement& s : body) Statement_(s, "");
    return Join();
  }
  // Whether an autocommit_block was the whole of a body.
  bool autocommit() const { return autocommit_; }
  // Enums the upgrade made, dropped at the end of the downgrade.
  // Enums the upgrade made, each with the dialects it was made on.
  using Made = std::vector<std::pair<std::string, std::vector<std::string>>>;
  const Made& enums_made() const { return enums_made_; }
  // Those the downgrade did not drop itself, dropped after it.
  void DropEnumsAtEnd(const Made& made, std::string& downgrade) {
    items_.clear();
    for (auto it = made.rbegin(); it != made.rend(); ++it) {
      if (enums_dropped_.count(it->first)) continue;
      mask_ = it->second;
      Item("drop_enum", [&](Writer& w) { Key(w, "name", it->first); });
    }
    mask_ = All();
    downgrade += Join();
  }

 private:
  void Problem(int line, int column, const std::string& what) {
    problems_.emplace_back(ErrorKind::kInput, "cannot import " + what,
                           Location{.file = path_, .line = line, .column = column});
  }
  void Problem(const Expr& e, const std::string& what) { Problem(e.line, e.column, what); }

  // A string argument: a literal, op.f("..."), or sa.text("...").
  std::optional<std::string> Text(const Expr* e) {
    if (!e) return std::nullopt;
    if (e->kind == Kind::kString) return e->text;
    if (e->kind == Kind::kCall && e->items.size() == 1 && e->items[0]->kind == Kind::kString) {
      const std::string n = e->DottedName();
      if (n == "op.f" || n == "sa.text" || n == "text" || n == "sqlalchemy.text") return e->items[0]->text;
    }
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> Texts(const Expr* e) {
    if (!e || (e->kind != Kind::kList && e->kind != Kind::kTuple)) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& item : e->items) {
      std::optional<std::string> t = Text(item.get());
      if (!t) return std::nullopt;
      out.push_back(*t);
    }
    return out;
  }
  // name= of a constraint: "" when None or absent (the database or the
  // convention names it).
  std::optional<std::string> ConstraintName(const Expr& call) {
    const Expr* n = call.Keyword("name");
    if (!n || n->kind == Kind::kNone) return std::string();
    return Text(n);
  }

  static void Key(Writer& w, const std::string& key, const std::string& value) {
    w.Key(key);
    w.Scalar(value);
  }
  static void Names(Writer& w, const std::string& key, const std::vector<std::string>& names) {
    w.Key(key);
    w.BeginSeq(true);
    for (const std::string& n : names) w.Scalar(n);
    w.EndSeq();
  }
  // One operation: `body` writes its keys; `dialect:` follows while the
  // statements being read are limited to some dialects (`limited`).
  void Item(const std::string& op, const std::function<void(Writer&)>& body, bool flow = true,
            bool limited = true) {
    Writer w;
    w.BeginMap(false);
    w.Key(op);
    w.BeginMap(flow);
    body(w);
    if (limited) {
      Finish(w);
      return;
    }
    w.EndMap();
    w.EndMap();
    items_.push_back(w.text());
  }
  // Ends the operation `w` holds (its one-key map, its body open) with
  // the dialects it is limited to, and adds it.
  void Finish(Writer& w) {
    if (mask_ != All()) {
      w.Key("dialect");
      if (mask_.size() == 1) {
        w.Scalar(mask_.front());
      } else {
        w.BeginSeq(true);
        for (const std::string& d : mask_) w.Scalar(d);
        w.EndSeq();
      }
    }
    w.EndMap();
    w.EndMap();
    items_.push_back(w.text());
  }
  // Every dialect retort runs, in the registry's order.
  static const std::vector<std::string>& All() { return schema::FileDialects(); }
  std::string Join() const {
    std::string out;
    for (const std::string& item : items_) out += AsListItem(item);
    return out;
  }

  // A server_default: sa.text("..."), a literal, sa.func.now(), sa.true().
  bool Default(Writer& w, const Expr& e) {
    const std::string n = e.DottedName();
    if (e.kind == Kind::kCall && (n == "sa.text" || n == "text")) {
      std::optional<std::string> sql = Text(&e);
      if (!sql) return false;
      w.Key("server_default");
      w.BeginMap(true);
      Key(w, "sql", *sql);
      w.EndMap();
      return true;
    }
    if (e.kind == Kind::kString) {
      Key(w, "server_default", e.text);
      return true;
    }
    if (e.kind == Kind::kCall && e.items.empty() &&
        (n == "sa.func.now" || n == "func.now" || n == "sa.func.current_timestamp")) {
      Key(w, "server_default", "now()");
      return true;
    }
    if (e.kind == Kind::kCall && e.items.empty() && (n == "sa.true" || n == "sa.false")) {
      w.Key("server_default");
      w.Bool(n == "sa.true");
      return true;
    }
    return false;
  }

  // A sa.Column(...) as a column map (create_table's, add_column's).
  bool Column(Writer& w, const Expr& col, std::vector<std::pair<std::string, std::vector<std::string>>>& enums) {
    if (col.kind != Kind::kCall || (col.DottedName() != "sa.Column" && col.DottedName() != "Column")) {
      Problem(col, "this column (not a sa.Column(...) call)");
      return false;
    }
    std::optional<std::string> name = col.items.empty() ? std::nullopt : Text(col.items[0].get());
    if (!name || col.items.size() < 2) {
      Problem(col, "a sa.Column without a literal name and type");
      return false;
    }
    std::string enum_name, problem;
    std::vector<std::string> values;
    bool check = false;
    const std::string type = PortableType(*col.items[1], &enum_name, &values, &problem, &check);
    if (!values.empty()) enum_checks_[enum_name] = check;
    if (type.empty()) {
      Problem(*col.items[1], problem);
      return false;
    }
    if (!enum_name.empty() && !values.empty()) enums.emplace_back(enum_name, values);
    w.BeginMap(true);
    Key(w, "name", *name);
    Key(w, "type", type);
    const Expr* pk = col.Keyword("primary_key");
    const Expr* nullable = col.Keyword("nullable");
    if (pk && pk->kind == Kind::kTrue) {
      w.Key("primary_key");
      w.Bool(true);
    }
    if (nullable && (nullable->kind == Kind::kFalse || nullable->kind == Kind::kTrue)) {
      w.Key("nullable");
      w.Bool(nullable->kind == Kind::kTrue);
    }
    for (size_t i = 2; i < col.items.size(); ++i) {
      const Expr& extra = *col.items[i];
      if (extra.kind != Kind::kCall || (extra.DottedName() != "sa.ForeignKey" && extra.DottedName() != "ForeignKey")) {
        Problem(extra, "this argument of sa.Column");
        w.EndMap();
        return false;
      }
      std::optional<std::string> target = extra.items.empty() ? std::nullopt : Text(extra.items[0].get());
      if (!target || target->find('.') == std::string::npos) {
        Problem(extra, "a sa.ForeignKey without a literal 'table.column'");
        w.EndMap();
        return false;
      }
      Key(w, "references", *target);
      for (const char* action : {"ondelete", "onupdate"}) {
        if (std::optional<std::string> a = Text(extra.Keyword(action))) {
          Key(w, std::string(action) == "ondelete" ? "on_delete" : "on_update", *a);
        }
      }
    }
    for (const auto& [key, value] : col.keywords) {
      if (key == "primary_key" || key == "nullable") continue;
      if (key == "server_default") {
        if (value->kind == Kind::kNone) continue;
        if (!Default(w, *value)) {
          Problem(*value, "this server_default");
          w.EndMap();
          return false;
        }
      } else if (key == "autoincrement" && (value->kind == Kind::kTrue || value->kind == Kind::kFalse)) {
        w.Key("autoincrement");
        w.Bool(value->kind == Kind::kTrue);
      } else if ((key == "unique" || key == "index") && (value->kind == Kind::kTrue || value->kind == Kind::kFalse)) {
        if (value->kind == Kind::kTrue) {
          w.Key(key);
          w.Bool(true);
        }
      } else if (key == "comment" && value->kind == Kind::kString) {
        Key(w, "comment", value->text);
      } else {
        Problem(*value, "the sa.Column argument " + key + "=");
        w.EndMap();
        return false;
      }
    }
    w.EndMap();
    return true;
  }

  void Enums(const std::vector<std::pair<std::string, std::vector<std::string>>>& enums) {
    for (const auto& entry : enums) {
      const std::string& name = entry.first;
      const std::vector<std::string>& values = entry.second;
      if (std::any_of(enums_made_.begin(), enums_made_.end(), [&](const auto& m) { return m.first == name; })) {
        continue;
      }
      enums_made_.emplace_back(name, mask_);
      std::string n = name;
      std::vector<std::string> v = values;
      const bool check = enum_checks_.count(n) && enum_checks_.at(n);
      Item("create_enum", [n, v, check](Writer& w) {
        Key(w, "name", n);
        Names(w, "values", v);
        if (!check) {
          w.Key("create_constraint");
          w.Bool(false);
        }
      });
    }
  }

  // Positional argument i, or keyword `key`.
  static const Expr* Arg(const Expr& call, size_t i, const char* key) {
    if (const Expr* k = call.Keyword(key)) return k;
    return i < call.items.size() ? call.items[i].get() : nullptr;
  }
  bool OnlyKeywords(const Expr& call, const std::set<std::string>& known) {
    for (const auto& [key, value] : call.keywords) {
      if (!known.count(key)) {
        Problem(*value, "the argument " + key + "= of " + call.DottedName());
        return false;
      }
    }
    return true;
  }

  void Statement_(const Statement& statement, const std::string& batch_table) {
    if (++statements_ > kMaxStatements) {
      if (statements_ == kMaxStatements + 1) {
        Problem(statement.line, statement.column, "loops that unroll into more than 100000 statements");
      }
      return;
    }
    // The loop variables in scope, replaced by their literals.
    Statement substituted;
    if (!bindings_.empty() && statement.value) {
      substituted.kind = statement.kind;
      substituted.target = statement.target;
      substituted.targets = statement.targets;
      substituted.value = Substitute(statement.value);
      substituted.line = statement.line;
      substituted.column = statement.column;
    }
    const bool copied = substituted.value != nullptr;
    const Statement& s = copied ? substituted : statement;
    const Block& body = statement.body;
    switch (s.kind) {
      case Statement::Kind::kPass:
        return;
      case Statement::Kind::kIf: {
        // `if bind.dialect.name == "postgresql":` and the like: each branch
        // for the dialects it is taken on; a branch no dialect takes is
        // left out.
        std::optional<std::vector<std::string>> taken = Dialects(*s.value);
        if (!taken) {
          Problem(*s.value, "an if statement whose condition is not a test of the dialect's name (" +
                                Describe(*s.value) + ")");
          return;
        }
        const std::vector<std::string> outer = mask_;
        std::vector<std::string> yes, no;
        for (const std::string& d : outer) {
          (std::find(taken->begin(), taken->end(), d) != taken->end() ? yes : no).push_back(d);
        }
        for (const auto& [mask, branch] : {std::pair{yes, &body}, std::pair{no, &statement.orelse}}) {
          if (mask.empty()) continue;
          mask_ = mask;
          for (const Statement& inner : *branch) Statement_(inner, batch_table);
        }
        mask_ = outer;
        return;
      }
      case Statement::Kind::kFor: {
        // `for name in ("a", "b"):` over literals: the body once per item.
        const Expr& items = *s.value;
        if (items.kind != Kind::kTuple && items.kind != Kind::kList) {
          Problem(items, "a for statement over what is not a literal tuple or list (" + Describe(items) + ")");
          return;
        }
        const std::map<std::string, ExprPtr> outer = bindings_;
        for (const ExprPtr& item : items.items) {
          if (s.targets.size() == 1) {
            bindings_[s.targets[0]] = item;
          } else if ((item->kind == Kind::kTuple || item->kind == Kind::kList) &&
                     item->items.size() == s.targets.size()) {
            for (size_t i = 0; i < s.targets.size(); ++i) bindings_[s.targets[i]] = item->items[i];
          } else {
            Problem(*item, "a for statement's item that is not a tuple of " + std::to_string(s.targets.size()));
            break;
          }
          for (const Statement& inner : body) Statement_(inner, batch_table);
        }
        bindings_ = outer;
        return;
      }
      case Statement::Kind::kExpr:
        if (s.value->kind == Kind::kString) return;  // a docstring
        if (s.value->kind == Kind::kCall) {
          Call(*s.value, batch_table);
          return;
        }
        Problem(s.line, s.column, "this statement (" + (s.value->kind == Kind::kUnsupported ? s.value->text : "no call") + ")");
        return;
      case Statement::Kind::kWith: {
        const Expr& v = *s.value;
        if (batch_table.empty() && v.kind == Kind::kCall && v.DottedName() == "op.batch_alter_table" &&
            !s.target.empty()) {
          std::optional<std::string> table = Text(Arg(v, 0, "table_name"));
          if (!table) {
            Problem(v, "a batch_alter_table without a literal table name");
            return;
          }
          batch_target_ = s.target;
          for (const Statement& inner : body) Statement_(inner, *table);
          batch_target_.clear();
          return;
        }
        // `with op.get_context().autocommit_block():` around the whole
        // body: a script that runs outside a transaction.
        if (batch_table.empty() && v.kind == Kind::kCall && v.items.empty() && v.object &&
            v.object->kind == Kind::kAttribute && v.object->text == "autocommit_block" && v.object->object &&
            v.object->object->DottedName() == "op.get_context") {
          if (!whole_body_) {
            Problem(s.line, s.column,
                    "an autocommit_block beside other statements (retort runs a whole script outside a "
                    "transaction, or none of it)");
            return;
          }
          autocommit_ = true;
          for (const Statement& inner : body) Statement_(inner, "");
          return;
        }
        Problem(s.line, s.column,
                "this with block (only `with op.batch_alter_table(...) as batch_op:` and "
                "`with op.get_context().autocommit_block():` are imported)");
        return;
      }
      case Statement::Kind::kUnsupported:
        Problem(s.line, s.column, s.text);
        return;
      case Statement::Kind::kAssign:
        // `bind = op.get_bind()`, `dialect = bind.dialect.name`,
        // `is_sqlite = bind.dialect.name == "sqlite"`: names the tests of
        // the dialect read. Any other use of them is reported where it is.
        if (Bind(*s.value)) {
          aliases_[s.target] = "bind";
          return;
        }
        if (s.value->kind == Kind::kAttribute && s.value->text == "dialect" && Bind(*s.value->object)) {
          aliases_[s.target] = "dialect";
          return;
        }
        if (DialectName(*s.value)) {
          aliases_[s.target] = "name";
          return;
        }
        if (s.value->kind == Kind::kCompare || s.value->kind == Kind::kNot || s.value->kind == Kind::kAnd ||
            s.value->kind == Kind::kOr) {
          if (std::optional<std::vector<std::string>> taken = Dialects(*s.value)) {
            conditions_[s.target] = *taken;
            return;
          }
        }
        // `status = sa.Enum("a", "b", name="status")`: a name for what
        // SQLAlchemy makes of literals, read where it is used.
        if (Pure(*s.value)) bindings_[s.target] = s.value;
        // `roles = sa.table("roles", sa.column("id"), ...)`: a name for
        // bulk_insert's table.
        if (s.value->kind == Kind::kCall &&
            (s.value->DottedName() == "sa.table" || s.value->DottedName() == "table" ||
             s.value->DottedName() == "sa.sql.table")) {
          if (std::optional<std::string> t = Text(Arg(*s.value, 0, "name"))) {
            tables_[s.target] = *t;
            return;
          }
        }
        if (Pure(*s.value)) return;
        Problem(s.line, s.column, "an assignment ('" + s.target + " = ...')");
        return;
      default:
        Problem(s.line, s.column, s.kind == Statement::Kind::kDef ? "a nested def" : "an import inside the function");
    }
  }

  // Whether `e` is the migration's connection or context: op.get_bind(),
  // op.get_context(), context.get_context(), or a name assigned one.
  bool Bind(const Expr& e) const {
    if (e.kind == Kind::kName) {
      auto a = aliases_.find(e.text);
      return a != aliases_.end() && a->second == "bind";
    }
    if (e.kind != Kind::kCall || !e.items.empty() || !e.keywords.empty()) return false;
    const std::string n = e.DottedName();
    return n == "op.get_bind" || n == "op.get_context" || n == "context.get_context" || n == "context.get_bind";
  }
  // Whether `e` is the dialect's name: <bind>.dialect.name,
  // <bind>.engine.name, or a name assigned either.
  bool DialectName(const Expr& e) const {
    if (e.kind == Kind::kName) {
      auto a = aliases_.find(e.text);
      return a != aliases_.end() && a->second == "name";
    }
    if (e.kind != Kind::kAttribute || e.text != "name" || !e.object) return false;
    const Expr& o = *e.object;
    if (o.kind == Kind::kName) {
      auto a = aliases_.find(o.text);
      return a != aliases_.end() && a->second == "dialect";
    }
    return o.kind == Kind::kAttribute && (o.text == "dialect" || o.text == "engine") && o.object && Bind(*o.object);
  }
  // The dialects on which `e`, a test of the dialect's name (==, !=, in,
  // not in, not, and, or; literals compared with each other), is true;
  // nullopt for any other expression.
  std::optional<std::vector<std::string>> Dialects(const Expr& e) const {
    auto only = [](const std::function<bool(const std::string&)>& keep) {
      std::vector<std::string> out;
      for (const std::string& d : All()) {
        if (keep(d)) out.push_back(d);
      }
      return out;
    };
    switch (e.kind) {
      case Kind::kTrue: return All();
      case Kind::kFalse: return std::vector<std::string>{};
      case Kind::kName: {
        auto c = conditions_.find(e.text);
        if (c == conditions_.end()) return std::nullopt;
        return c->second;
      }
      case Kind::kNot: {
        std::optional<std::vector<std::string>> inner = Dialects(*e.object);
        if (!inner) return std::nullopt;
        return only([&](const std::string& d) { return std::find(inner->begin(), inner->end(), d) == inner->end(); });
      }
      case Kind::kAnd:
      case Kind::kOr: {
        std::vector<std::vector<std::string>> parts;
        for (const ExprPtr& item : e.items) {
          std::optional<std::vector<std::string>> p = Dialects(*item);
          if (!p) return std::nullopt;
          parts.push_back(*p);
        }
        const bool all = e.kind == Kind::kAnd;
        return only([&](const std::string& d) {
          for (const auto& p : parts) {
            if ((std::find(p.begin(), p.end(), d) != p.end()) != all) return !all;
          }
          return all;
        });
      }
      case Kind::kCompare: {
        const std::string& op = e.text;
        const Expr* left = e.object.get();
        const Expr* right = e.items[0].get();
        // The names compared with: a string, or (for in) a tuple or list of them.
        auto names = [](const Expr& x) { return Strings(x); };
        const bool equality = op == "==" || op == "!=";
        const bool membership = op == "in" || op == "not in";
        if (!equality && !membership) return std::nullopt;
        const bool negated = op == "!=" || op == "not in";
        if (equality && DialectName(*right)) std::swap(left, right);
        if (!DialectName(*left)) {
          // Two literals (a loop's item against a string, say).
          if (left->kind != Kind::kString) return std::nullopt;
          std::optional<std::vector<std::string>> r = names(*right);
          if (!r || (equality && right->kind != Kind::kString)) return std::nullopt;
          const bool holds = (std::find(r->begin(), r->end(), left->text) != r->end()) != negated;
          return holds ? All() : std::vector<std::string>{};
        }
        std::optional<std::vector<std::string>> r = names(*right);
        if (!r || (equality && right->kind != Kind::kString)) return std::nullopt;
        return only([&](const std::string& d) {
          // SQLAlchemy's dialect names: "postgresql", "sqlite".
          return (std::find(r->begin(), r->end(), d) != r->end()) != negated;
        });
      }
      default:
        return std::nullopt;
    }
  }
  // Whether `e` is made of literals and calls of SQLAlchemy's constructors
  // (sa.*, sqlalchemy.*, the dialect modules' types): nothing it does
  // touches a database or the application.
  static bool Pure(const Expr& e) {
    switch (e.kind) {
      case Kind::kString: case Kind::kNumber: case Kind::kTrue: case Kind::kFalse: case Kind::kNone:
        return true;
      case Kind::kNegative:
        return Pure(*e.object);
      case Kind::kTuple: case Kind::kList: case Kind::kDict:
        for (const auto& list : {&e.items, &e.keys}) {
          for (const ExprPtr& item : *list) {
            if (!Pure(*item)) return false;
          }
        }
        return true;
      case Kind::kAttribute:
      case Kind::kCall: {
        const std::string n = e.DottedName();
        bool known = false;
        for (const char* prefix : {"sa.", "sqlalchemy.", "postgresql.", "sqlite.", "mysql.", "op.f"}) {
          known = known || n.rfind(prefix, 0) == 0;
        }
        if (!known) return false;
        if (e.kind == Kind::kAttribute) return true;
        for (const ExprPtr& item : e.items) {
          if (!Pure(*item)) return false;
        }
        for (const auto& [key, value] : e.keywords) {
          if (!Pure(*value)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  // A few words for what an expression is, for messages.
  static std::string Describe(const Expr& e) {
    switch (e.kind) {
      case Kind::kCompare: return "a comparison with '" + e.text + "'";
      case Kind::kNot: return "a not";
      case Kind::kAnd: return "an and";
      case Kind::kOr: return "an or";
      case Kind::kFString: return "an f-string";
      case Kind::kCall:
        if (!e.DottedName().empty()) return "the call " + e.DottedName() + "(...)";
        if (e.object && e.object->kind == Kind::kAttribute) return "the method call ." + e.object->text + "(...)";
        return "a call";
      case Kind::kName: return "the name " + e.text;
      case Kind::kAttribute: return e.DottedName().empty() ? "an attribute" : e.DottedName();
      case Kind::kUnsupported: return e.text;
      default: return "a literal";
    }
  }
  // `e` with the loop variables in scope replaced by their items, and an
  // f-string whose fields are all such variables (holding strings or
  // numbers) replaced by the string it makes.
  ExprPtr Substitute(const ExprPtr& e) const {
    if (e->kind == Kind::kName) {
      auto b = bindings_.find(e->text);
      return b == bindings_.end() ? e : b->second;
    }
    if (e->kind == Kind::kFString) {
      std::string out;
      const std::string& t = e->text;
      for (size_t i = 0; i < t.size(); ++i) {
        if ((t[i] == '{' || t[i] == '}') && i + 1 < t.size() && t[i + 1] == t[i]) {
          out += t[i++];
          continue;
        }
        if (t[i] == '}') return e;
        if (t[i] != '{') {
          out += t[i];
          continue;
        }
        const size_t end = t.find('}', i);
        if (end == std::string::npos) return e;
        auto b = bindings_.find(t.substr(i + 1, end - i - 1));
        if (b == bindings_.end() || (b->second->kind != Kind::kString && b->second->kind != Kind::kNumber)) return e;
        out += b->second->text;
        i = end;
      }
      return std::make_shared<const Expr>(Expr{.kind = Kind::kString, .text = out, .line = e->line, .column = e->column});
    }
    if (!e->object && e->items.empty() && e->keys.empty() && e->keywords.empty()) return e;
    Expr copy = *e;
    if (copy.object) copy.object = Substitute(copy.object);
    for (ExprPtr& item : copy.items) item = Substitute(item);
    for (ExprPtr& key : copy.keys) key = Substitute(key);
    for (auto& [key, value] : copy.keywords) value = Substitute(value);
    return std::make_shared<const Expr>(std::move(copy));
  }

  // An execute of `sql`, on the dialects being read.
  void Execute(const std::string& sql) {
    if (mask_ == All()) {
      Writer w;
      w.BeginMap(false);
      w.Key("execute");
      w.Scalar(sql);
      w.EndMap();
      items_.push_back(w.text());
      return;
    }
    // On some dialects: the same SQL for each of them.
    Item("execute", [&](Writer& w) {
      w.Key("sql");
      w.BeginMap(false);
      for (const std::string& d : mask_) Key(w, d, sql);
      w.EndMap();
    }, false, false);
  }

  // The first expression outside the reader's subset within `e`.
  static const Expr* FirstUnsupported(const Expr& e) {
    if (e.kind == Kind::kUnsupported || e.kind == Kind::kFString || e.kind == Kind::kCompare ||
        e.kind == Kind::kNot || e.kind == Kind::kAnd || e.kind == Kind::kOr) {
      return &e;
    }
    if (e.object) {
      if (const Expr* u = FirstUnsupported(*e.object)) return u;
    }
    for (const auto& list : {&e.items, &e.keys}) {
      for (const auto& item : *list) {
        if (const Expr* u = FirstUnsupported(*item)) return u;
      }
    }
    for (const auto& [key, value] : e.keywords) {
      if (const Expr* u = FirstUnsupported(*value)) return u;
    }
    return nullptr;
  }

  void Call(const Expr& call, const std::string& batch_table) {
    if (const Expr* u = FirstUnsupported(call)) return Problem(*u, Describe(*u));
    std::string name = call.DottedName();
    if (call.object && call.object->kind == Kind::kAttribute && call.object->object) {
      const std::string& method = call.object->text;
      const Expr& on = *call.object->object;
      // `sa.Enum("a", "b", name="s").create(bind, checkfirst=True)` and
      // `postgresql.ENUM(name="s").drop(bind)`: the type on its own. A
      // retort enum is on every dialect (SQLite keeps it as a check), so
      // it is made and dropped on all of them, whichever branch says so.
      if ((method == "create" || method == "drop") && on.kind == Kind::kCall && !call.items.empty() &&
          Bind(*call.items[0])) {
        std::string enum_name, problem;
        std::vector<std::string> values;
        bool check = false;
        PortableType(on, &enum_name, &values, &problem, &check);
        if (!values.empty()) enum_checks_[enum_name] = check;
        if (enum_name.empty()) return Problem(on, problem.empty() ? "this type's " + method : problem);
        const std::vector<std::string> outer = mask_;
        mask_ = All();
        if (method == "create") {
          if (values.empty()) {
            mask_ = outer;
            return Problem(on, "an enum made without its values");
          }
          Enums({{enum_name, values}});
        } else {
          enums_dropped_.insert(enum_name);
          enums_made_.erase(std::remove_if(enums_made_.begin(), enums_made_.end(),
                                           [&](const auto& m) { return m.first == enum_name; }),
                            enums_made_.end());
          Item("drop_enum", [&](Writer& w) { Key(w, "name", enum_name); });
        }
        mask_ = outer;
        return;
      }
      // `bind.execute(sa.text("..."))`: as op.execute.
      if (method == "execute" && Bind(on) && call.items.size() == 1 && call.keywords.empty()) {
        if (std::optional<std::string> sql = Text(call.items[0].get())) return Execute(*sql);
      }
    }
    // Inside a batch block: batch_op.X(...) on its table.
    const bool batch = !batch_table.empty();
    const std::string prefix = batch ? batch_target_ + "." : "op.";
    if (name.rfind(prefix, 0) != 0) {
      Problem(call, "the call " + (name.empty() ? std::string("written here") : name + "(...)") +
                        " (only " + prefix + "* operations are imported)");
      return;
    }
    const std::string op = name.substr(prefix.size());
    // The table an operation names: the batch's, or its first argument.
    size_t first = 0;
    std::optional<std::string> table;
    auto take_table = [&](size_t i, const char* key) {
      if (batch) {
        table = batch_table;
        first = i;
      } else {
        table = Text(Arg(call, i, key));
        first = i + 1;
      }
      if (!table) Problem(call, op + " without a literal table name");
      return table.has_value();
    };
    std::vector<std::pair<std::string, std::vector<std::string>>> enums;
    if (op == "create_table" && !batch) {
      std::optional<std::string> t = Text(Arg(call, 0, "table_name"));
      if (!t || !OnlyKeywords(call, {"comment"})) {
        if (!t) Problem(call, "create_table without a literal table name");
        return;
      }
      const Expr* comment = call.Keyword("comment");
      if (comment && comment->kind != Kind::kString && comment->kind != Kind::kNone) {
        return Problem(*comment, "a table comment that is not a literal");
      }
      Writer w;
      w.BeginMap(false);
      w.Key("create_table");
      w.BeginMap(false);
      Key(w, "name", *t);
      if (comment && comment->kind == Kind::kString) Key(w, "comment", comment->text);
      w.Key("columns");
      w.BeginSeq(false);
      std::vector<const Expr*> constraints;
      for (size_t i = 1; i < call.items.size(); ++i) {
        const Expr& item = *call.items[i];
        const std::string n = item.DottedName();
        if (n == "sa.Column" || n == "Column") {
          if (!Column(w, item, enums)) return;
        } else {
          constraints.push_back(&item);
        }
      }
      w.EndSeq();
      std::vector<std::function<void(Writer&)>> fks, uqs, cks;
      for (const Expr* c : constraints) {
        const std::string n = c->DottedName();
        std::optional<std::string> cname = ConstraintName(*c);
        if (!cname) {
          Problem(*c, "a constraint whose name= is not a literal");
          return;
        }
        if (n == "sa.PrimaryKeyConstraint") {
          std::vector<std::string> cols;
          for (const auto& a : c->items) {
            std::optional<std::string> col = Text(a.get());
            if (!col) return Problem(*a, "a primary key column that is not a literal");
            cols.push_back(*col);
          }
          w.Key("primary_key");
          w.BeginMap(true);
          if (!cname->empty()) Key(w, "name", *cname);
          Names(w, "columns", cols);
          w.EndMap();
        } else if (n == "sa.ForeignKeyConstraint") {
          std::optional<std::vector<std::string>> cols = Texts(Arg(*c, 0, "columns"));
          std::optional<std::vector<std::string>> refs = Texts(Arg(*c, 1, "refcolumns"));
          if (!cols || !refs || refs->empty() || refs->size() != cols->size()) {
            return Problem(*c, "a sa.ForeignKeyConstraint without literal column lists");
          }
          std::string ref_table = refs->front().substr(0, refs->front().rfind('.'));
          std::vector<std::string> ref_cols;
          for (const std::string& r : *refs) {
            if (r.find('.') == std::string::npos || r.substr(0, r.rfind('.')) != ref_table) {
              return Problem(*c, "a sa.ForeignKeyConstraint whose columns are not all table.column of one table");
            }
            ref_cols.push_back(r.substr(r.rfind('.') + 1));
          }
          std::optional<std::string> on_delete = Text(c->Keyword("ondelete")), on_update = Text(c->Keyword("onupdate"));
          std::string nm = *cname;
          fks.push_back([=](Writer& w2) {
            w2.BeginMap(true);
            if (!nm.empty()) Key(w2, "name", nm);
            Names(w2, "columns", *cols);
            Key(w2, "referred_table", ref_table);
            Names(w2, "referred_columns", ref_cols);
            if (on_delete) Key(w2, "on_delete", *on_delete);
            if (on_update) Key(w2, "on_update", *on_update);
            w2.EndMap();
          });
        } else if (n == "sa.UniqueConstraint") {
          std::vector<std::string> cols;
          for (const auto& a : c->items) {
            std::optional<std::string> col = Text(a.get());
            if (!col) return Problem(*a, "a unique constraint column that is not a literal");
            cols.push_back(*col);
          }
          std::string nm = *cname;
          uqs.push_back([=](Writer& w2) {
            w2.BeginMap(true);
            if (!nm.empty()) Key(w2, "name", nm);
            Names(w2, "columns", cols);
            w2.EndMap();
          });
        } else if (n == "sa.CheckConstraint") {
          std::optional<std::string> expr = Text(Arg(*c, 0, "sqltext"));
          if (!expr) return Problem(*c, "a sa.CheckConstraint whose condition is not a literal");
          std::string nm = *cname;
          cks.push_back([=](Writer& w2) {
            w2.BeginMap(true);
            if (!nm.empty()) Key(w2, "name", nm);
            Key(w2, "expr", *expr);
            w2.EndMap();
          });
        } else {
          return Problem(*c, "this argument of create_table (" + (n.empty() ? std::string("not a call") : n) + ")");
        }
      }
      auto list = [&](const char* key, const std::vector<std::function<void(Writer&)>>& items) {
        if (items.empty()) return;
        w.Key(key);
        w.BeginSeq(false);
        for (const auto& item : items) item(w);
        w.EndSeq();
      };
      list("foreign_keys", fks);
      list("unique", uqs);
      list("checks", cks);
      Enums(enums);
      return Finish(w);
    }
    if (op == "drop_table" && !batch) {
      std::optional<std::string> t = Text(Arg(call, 0, "table_name"));
      if (!t) return Problem(call, "drop_table without a literal table name");
      return Item("drop_table", [&](Writer& w) { Key(w, "name", *t); });
    }
    if (op == "rename_table" && !batch) {
      std::optional<std::string> a = Text(Arg(call, 0, "old_table_name")), b = Text(Arg(call, 1, "new_table_name"));
      if (!a || !b) return Problem(call, "rename_table without literal names");
      return Item("rename_table", [&](Writer& w) {
        Key(w, "name", *a);
        Key(w, "new_name", *b);
      });
    }
    if (op == "execute" && !batch) {
      std::optional<std::string> sql = Text(Arg(call, 0, "sqltext"));
      if (!sql || !call.keywords.empty()) return Problem(call, "an execute whose SQL is not a literal");
      return Execute(*sql);
    }
    if (op == "bulk_insert" && !batch) {
      // bulk_insert(table, [{column: literal, ...}, ...]): the table a
      // sa.table(...) names, inline or by a name assigned above.
      const Expr* target = Arg(call, 0, "table");
      std::optional<std::string> t;
      if (target && target->kind == Kind::kName && tables_.count(target->text)) {
        t = tables_.at(target->text);
      } else if (target && target->kind == Kind::kCall &&
                 (target->DottedName() == "sa.table" || target->DottedName() == "table")) {
        t = Text(Arg(*target, 0, "name"));
      }
      if (!t) return Problem(call, "a bulk_insert whose table is no sa.table(...) with a literal name");
      const Expr* rows = Arg(call, 1, "rows");
      if (!rows || rows->kind != Kind::kList || !OnlyKeywords(call, {"table", "rows", "multiinsert"})) {
        return Problem(call, "a bulk_insert whose rows are not a literal list");
      }
      for (const auto& row : rows->items) {
        if (row->kind != Kind::kDict) return Problem(*row, "a bulk_insert row that is not a literal dict");
        for (size_t k = 0; k < row->keys.size(); ++k) {
          const Expr& v = *row->items[k];
          const bool literal = v.kind == Kind::kString || v.kind == Kind::kNumber || v.kind == Kind::kTrue ||
                               v.kind == Kind::kFalse || v.kind == Kind::kNone ||
                               (v.kind == Kind::kNegative && v.object && v.object->kind == Kind::kNumber);
          if (row->keys[k]->kind != Kind::kString || !literal) {
            return Problem(v, "a bulk_insert value that is not a literal (a string, a number, True, False, None)");
          }
        }
      }
      Writer w;
      w.BeginMap(false);
      w.Key("bulk_insert");
      w.BeginMap(false);
      Key(w, "table", *t);
      w.Key("rows");
      w.BeginSeq(false);
      for (const auto& row : rows->items) {
        w.BeginMap(true);
        for (size_t k = 0; k < row->keys.size(); ++k) {
          const Expr& v = *row->items[k];
          w.Key(row->keys[k]->text);
          switch (v.kind) {
            case Kind::kNone: w.Null(); break;
            case Kind::kTrue: w.Scalar("true"); break;
            case Kind::kFalse: w.Scalar("false"); break;
            case Kind::kNegative: w.Scalar("-" + v.object->text); break;
            default: w.Scalar(v.text, v.kind == Kind::kString);
          }
        }
        w.EndMap();
      }
      w.EndSeq();
      return Finish(w);
    }
    if (op == "add_column") {
      if (!take_table(0, "table_name") || !OnlyKeywords(call, {"table_name", "column"})) return;
      const Expr* col = Arg(call, first, "column");
      if (!col) return Problem(call, "add_column without a column");
      Writer w;
      w.BeginMap(false);
      w.Key("add_column");
      w.BeginMap(true);
      Key(w, "table", *table);
      w.Key("column");
      if (!Column(w, *col, enums)) return;
      Enums(enums);
      return Finish(w);
    }
    if (op == "drop_column") {
      if (!take_table(0, "table_name") || !OnlyKeywords(call, {"table_name", "column_name"})) return;
      std::optional<std::string> c = Text(Arg(call, first, "column_name"));
      if (!c) return Problem(call, "drop_column without a literal column name");
      return Item("drop_column", [&](Writer& w) {
        Key(w, "table", *table);
        Key(w, "column", *c);
      });
    }
    if (op == "alter_column") {
      if (!take_table(0, "table_name")) return;
      if (!OnlyKeywords(call, {"table_name", "column_name", "nullable", "type_", "existing_type", "server_default",
                               "existing_server_default", "existing_nullable", "new_column_name",
                               "existing_comment", "comment"})) {
        return;
      }
      const Expr* comment = call.Keyword("comment");
      if (comment && comment->kind != Kind::kString && comment->kind != Kind::kNone) {
        return Problem(*comment, "a column comment that is not a literal");
      }
      std::optional<std::string> c = Text(Arg(call, first, "column_name"));
      if (!c) return Problem(call, "alter_column without a literal column name");
      std::string type;
      if (const Expr* t = call.Keyword("type_")) {
        std::string enum_name, problem;
        std::vector<std::string> values;
        bool check = false;
        type = PortableType(*t, &enum_name, &values, &problem, &check);
        if (!values.empty()) enum_checks_[enum_name] = check;
        if (type.empty()) return Problem(*t, problem);
        if (!enum_name.empty() && !values.empty()) enums.emplace_back(enum_name, values);
      }
      const Expr* nullable = call.Keyword("nullable");
      const Expr* def = call.Keyword("server_default");
      std::optional<std::string> new_name = Text(call.Keyword("new_column_name"));
      if (call.Keyword("new_column_name") && !new_name) return Problem(call, "a new_column_name that is not a literal");
      bool ok = true;
      Writer w;
      w.BeginMap(false);
      w.Key("alter_column");
      w.BeginMap(true);
      Key(w, "table", *table);
      Key(w, "column", *c);
      if (!type.empty()) Key(w, "type", type);
      if (nullable && (nullable->kind == Kind::kTrue || nullable->kind == Kind::kFalse)) {
        w.Key("nullable");
        w.Bool(nullable->kind == Kind::kTrue);
      }
      if (def) {
        if (def->kind == Kind::kNone) {
          w.Key("server_default");
          w.Null();
        } else if (!Default(w, *def)) {
          ok = false;
        }
      }
      if (comment) {
        w.Key("comment");
        if (comment->kind == Kind::kString) {
          w.Scalar(comment->text);
        } else {
          w.Null();
        }
      }
      if (new_name) Key(w, "new_name", *new_name);
      if (!ok) return Problem(*def, "this server_default");
      if (type.empty() && !nullable && !def && !new_name && !comment) return;  // existing_* only: nothing changes
      Enums(enums);
      return Finish(w);
    }
    if (op == "create_index") {
      std::optional<std::string> n = Text(Arg(call, 0, "index_name"));
      if (!n) return Problem(call, "create_index without a literal name");
      if (batch) {
        table = batch_table;
        first = 1;
      } else {
        table = Text(Arg(call, 1, "table_name"));
        first = 2;
        if (!table) return Problem(call, "create_index without a literal table name");
      }
      if (!OnlyKeywords(call, {"index_name", "table_name", "columns", "unique", "postgresql_using",
                               "postgresql_where", "sqlite_where", "postgresql_include",
                               "postgresql_concurrently"})) {
        return;
      }
      const Expr* cols = Arg(call, first, "columns");
      if (!cols || (cols->kind != Kind::kList && cols->kind != Kind::kTuple)) {
        return Problem(call, "create_index without a literal column list");
      }
      std::vector<std::pair<bool, std::string>> entries;  // (expression, text)
      for (const auto& c : cols->items) {
        if (c->kind == Kind::kString) {
          entries.emplace_back(false, c->text);
        } else if (std::optional<std::string> e = Text(c.get())) {
          entries.emplace_back(true, *e);
        } else {
          return Problem(*c, "an index column that is not a literal");
        }
      }
      // What SQLAlchemy's <dialect>_where, _using and _include say for one
      // dialect (the others ignore them).
      struct Variant {
        std::optional<std::string> where, method;
        std::vector<std::string> include;
        bool operator==(const Variant&) const = default;
      };
      std::vector<Variant> variants;
      for (const std::string& d : mask_) {
        Variant v;
        const Expr* where = call.Keyword(d + "_where");
        const Expr* method = call.Keyword(d + "_using");
        const Expr* include = call.Keyword(d + "_include");
        v.where = Text(where);
        v.method = Text(method);
        if ((where && !v.where) || (method && !v.method)) return Problem(call, "an index option that is not a literal");
        if (include) {
          std::optional<std::vector<std::string>> names = Texts(include);
          if (!names) return Problem(*include, "an index's include that is not a literal list");
          v.include = *names;
        }
        variants.push_back(std::move(v));
      }
      if (variants.empty()) variants.emplace_back();  // no dialect known: none's options
      const Expr* unique = call.Keyword("unique");
      auto write = [&](const Variant& v) {
        Item("create_index", [&](Writer& w) {
          Key(w, "table", *table);
          Key(w, "name", *n);
          w.Key("columns");
          w.BeginSeq(true);
          for (const auto& [expr, text] : entries) {
            if (!expr) {
              w.Scalar(text);
              continue;
            }
            w.BeginMap(true);
            Key(w, "expr", text);
            w.EndMap();
          }
          w.EndSeq();
          if (unique && unique->kind == Kind::kTrue) {
            w.Key("unique");
            w.Bool(true);
          }
          if (v.method) Key(w, "using", *v.method);
          if (!v.include.empty()) Names(w, "include", v.include);
          if (v.where) Key(w, "where", *v.where);
          if (const Expr* c = call.Keyword("postgresql_concurrently"); c && c->kind == Kind::kTrue) {
            w.Key("concurrently");
            w.Bool(true);
          }
        });
      };
      // One index where every dialect builds the same, else one per
      // dialect, limited to it.
      if (std::all_of(variants.begin(), variants.end(), [&](const Variant& v) { return v == variants.front(); })) {
        write(variants.front());
        return;
      }
      const std::vector<std::string> outer = mask_;
      for (size_t i = 0; i < outer.size(); ++i) {
        mask_ = {outer[i]};
        write(variants[i]);
      }
      mask_ = outer;
      return;
    }
    if (op == "drop_index") {
      std::optional<std::string> n = Text(Arg(call, 0, "index_name"));
      if (!n) return Problem(call, "drop_index without a literal name");
      table = batch ? std::optional<std::string>(batch_table) : Text(Arg(call, 1, "table_name"));
      if (!table) return Problem(call, "drop_index without table_name= (retort names an index's table)");
      if (!OnlyKeywords(call, {"index_name", "table_name", "postgresql_concurrently"})) return;
      return Item("drop_index", [&](Writer& w) {
        Key(w, "table", *table);
        Key(w, "name", *n);
        if (const Expr* c = call.Keyword("postgresql_concurrently"); c && c->kind == Kind::kTrue) {
          w.Key("concurrently");
          w.Bool(true);
        }
      });
    }
    if (op == "create_unique_constraint" || op == "create_primary_key") {
      std::optional<std::string> n = Arg(call, 0, "constraint_name") && Arg(call, 0, "constraint_name")->kind == Kind::kNone
                                         ? std::string()
                                         : Text(Arg(call, 0, "constraint_name"));
      if (!n) return Problem(call, op + " whose name is not a literal");
      std::optional<std::vector<std::string>> cols;
      if (batch) {
        table = batch_table;
        cols = Texts(Arg(call, 1, "columns"));
      } else {
        table = Text(Arg(call, 1, "table_name"));
        cols = Texts(Arg(call, 2, "columns"));
      }
      if (!table || !cols) return Problem(call, op + " without a literal table and column list");
      if (!OnlyKeywords(call, {"constraint_name", "table_name", "columns"})) return;
      return Item(op, [&](Writer& w) {
        Key(w, "table", *table);
        if (!n->empty()) Key(w, "name", *n);
        Names(w, "columns", *cols);
      });
    }
    if (op == "create_foreign_key") {
      const Expr* name_arg = Arg(call, 0, "constraint_name");
      std::optional<std::string> n = name_arg && name_arg->kind == Kind::kNone ? std::string() : Text(name_arg);
      std::optional<std::string> referent;
      std::optional<std::vector<std::string>> local, remote;
      if (batch) {
        table = batch_table;
        referent = Text(Arg(call, 1, "referent_table"));
        local = Texts(Arg(call, 2, "local_cols"));
        remote = Texts(Arg(call, 3, "remote_cols"));
      } else {
        table = Text(Arg(call, 1, "source_table"));
        referent = Text(Arg(call, 2, "referent_table"));
        local = Texts(Arg(call, 3, "local_cols"));
        remote = Texts(Arg(call, 4, "remote_cols"));
      }
      if (!n || !table || !referent || !local || !remote) {
        return Problem(call, "create_foreign_key whose name, tables or columns are not literals");
      }
      if (!OnlyKeywords(call, {"constraint_name", "source_table", "referent_table", "local_cols", "remote_cols",
                               "ondelete", "onupdate"})) {
        return;
      }
      std::optional<std::string> on_delete = Text(call.Keyword("ondelete")), on_update = Text(call.Keyword("onupdate"));
      return Item("create_foreign_key", [&](Writer& w) {
        Key(w, "table", *table);
        if (!n->empty()) Key(w, "name", *n);
        Names(w, "columns", *local);
        Key(w, "referred_table", *referent);
        Names(w, "referred_columns", *remote);
        if (on_delete) Key(w, "on_delete", *on_delete);
        if (on_update) Key(w, "on_update", *on_update);
      });
    }
    if (op == "create_check_constraint") {
      const Expr* name_arg = Arg(call, 0, "constraint_name");
      std::optional<std::string> n = name_arg && name_arg->kind == Kind::kNone ? std::string() : Text(name_arg);
      std::optional<std::string> expr;
      if (batch) {
        table = batch_table;
        expr = Text(Arg(call, 1, "condition"));
      } else {
        table = Text(Arg(call, 1, "table_name"));
        expr = Text(Arg(call, 2, "condition"));
      }
      if (!n || !table || !expr) return Problem(call, "create_check_constraint whose name, table or condition is not a literal");
      if (!OnlyKeywords(call, {"constraint_name", "table_name", "condition"})) return;
      return Item("create_check_constraint", [&](Writer& w) {
        Key(w, "table", *table);
        if (!n->empty()) Key(w, "name", *n);
        Key(w, "expr", *expr);
      });
    }
    if (op == "create_table_comment" || op == "drop_table_comment") {
      if (!take_table(0, "table_name")) return;
      if (!OnlyKeywords(call, {"table_name", "comment", "existing_comment"})) return;
      if (op == "drop_table_comment") return Item(op, [&](Writer& w) { Key(w, "table", *table); });
      const Expr* comment = Arg(call, first, "comment");
      if (!comment || comment->kind != Kind::kString) return Problem(call, "a table comment that is not a literal");
      return Item(op, [&](Writer& w) {
        Key(w, "table", *table);
        Key(w, "comment", comment->text);
      });
    }
    if (op == "drop_constraint") {
      std::optional<std::string> n = Text(Arg(call, 0, "constraint_name"));
      if (!n) return Problem(call, "drop_constraint without a literal name (a constraint the database named?)");
      table = batch ? std::optional<std::string>(batch_table) : Text(Arg(call, 1, "table_name"));
      if (!table) return Problem(call, "drop_constraint without a literal table name");
      if (!OnlyKeywords(call, {"constraint_name", "table_name", "type_"})) return;
      return Item("drop_constraint", [&](Writer& w) {
        Key(w, "table", *table);
        Key(w, "name", *n);
      });
    }
    Problem(call, name + "(...) (no translation yet)");
  }

  const std::string& path_;
  std::vector<Error>& problems_;
  std::vector<std::string> items_;
  Made enums_made_;
  std::set<std::string> enums_dropped_;  // by the body being read
  std::map<std::string, bool> enum_checks_;  // an enum's create_constraint
  std::string batch_target_;
  std::map<std::string, std::string> tables_;  // a name assigned sa.table("t", ...) -> t
  bool whole_body_ = false, autocommit_ = false;
  // The dialects the statements being read run on (an if's branch).
  std::vector<std::string> mask_ = All();
  std::map<std::string, ExprPtr> bindings_;  // loop variables -> their items
  std::map<std::string, std::string> aliases_;  // bind, dialect, name
  std::map<std::string, std::vector<std::string>> conditions_;  // a test assigned a name
  static constexpr size_t kMaxStatements = 100000;
  size_t statements_ = 0;
};

}  // namespace

std::optional<FoundConvention> FindNamingConvention(const std::string& text, const std::string& path) {
  format::python::Module m = format::python::Parse(text, path);
  std::map<std::string, const Expr*> dicts;  // module-level names of dict literals
  for (const Statement& s : m.body) {
    if (s.kind == Statement::Kind::kAssign && s.value->kind == Kind::kDict) dicts[s.target] = s.value.get();
  }
  const Expr* found = nullptr;
  // naming_convention=... anywhere: in calls, in nested blocks.
  std::function<void(const Expr&)> in_expr = [&](const Expr& e) {
    if (found) return;
    if (e.kind == Kind::kCall) {
      if (const Expr* k = e.Keyword("naming_convention")) {
        if (k->kind == Kind::kDict) found = k;
        if (k->kind == Kind::kName && dicts.count(k->text)) found = dicts.at(k->text);
        if (found) return;
      }
    }
    if (e.object) in_expr(*e.object);
    for (const ExprPtr& item : e.items) in_expr(*item);
    for (const auto& keyword : e.keywords) in_expr(*keyword.second);
  };
  std::function<void(const Block&)> in_block = [&](const Block& block) {
    for (const Statement& s : block) {
      if (s.value) in_expr(*s.value);
      in_block(s.body);
      in_block(s.orelse);
    }
  };
  in_block(m.body);
  if (!found) {
    for (const auto& named : dicts) {
      std::string lower = named.first;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find("convention") != std::string::npos) {
        found = named.second;
        break;
      }
    }
  }
  if (!found) return std::nullopt;
  FoundConvention out{{}, Location{.file = path, .line = found->line, .column = found->column}};
  for (size_t i = 0; i < found->keys.size(); ++i) {
    const Expr& key = *found->keys[i];
    const Expr& value = *found->items[i];
    static const std::set<std::string> kKeys = {"pk", "fk", "uq", "ck", "ix"};
    if (key.kind != Kind::kString || !kKeys.count(key.text)) {
      throw Error(ErrorKind::kInput,
                  "a naming convention key retort cannot read (it reads the templates pk, fk, uq, ck and ix)",
                  Location{.file = path, .line = key.line, .column = key.column});
    }
    if (value.kind != Kind::kString || value.text.empty()) {
      throw Error(ErrorKind::kInput, "a naming template that is not a string literal",
                  Location{.file = path, .line = value.line, .column = value.column});
    }
    out.convention.templates[key.text] = value.text;
  }
  return out;
}

AlembicRevision TranslateAlembicRevision(const std::string& text, const std::string& path) {
  AlembicRevision out;
  out.path = path;
  format::python::Module m = format::python::Parse(text, path);
  auto problem = [&](int line, int column, const std::string& what) {
    out.problems.emplace_back(ErrorKind::kInput, "cannot import " + what,
                              Location{.file = path, .line = line, .column = column});
  };
  // The docstring: the message first, "Create Date: ..." among the rest.
  const std::string& doc = m.docstring;
  out.script.message = doc.substr(0, doc.find('\n'));
  while (!out.script.message.empty() && std::isspace(static_cast<unsigned char>(out.script.message.back()))) {
    out.script.message.pop_back();
  }
  if (size_t at = doc.find("Create Date:"); at != std::string::npos) {
    std::string date = doc.substr(at + 12, doc.find('\n', at) == std::string::npos ? std::string::npos
                                                                                    : doc.find('\n', at) - at - 12);
    while (!date.empty() && std::isspace(static_cast<unsigned char>(date.front()))) date.erase(date.begin());
    while (!date.empty() && std::isspace(static_cast<unsigned char>(date.back()))) date.pop_back();
    out.script.create_date = date.substr(0, 19);  // without the microseconds
  }
  bool has_revision = false;
  const Statement* upgrade = nullptr;
  const Statement* downgrade = nullptr;
  for (const Statement& s : m.body) {
    if (s.kind == Statement::Kind::kAssign) {
      std::optional<std::vector<std::string>> values = Strings(*s.value);
      auto need = [&](bool ok) {
        if (!ok) problem(s.line, s.column, "the value of " + s.target + " (a string, a tuple of strings or None)");
        return ok;
      };
      if (s.target == "revision") {
        if (need(values && values->size() == 1)) {
          out.script.revision = values->front();
          has_revision = true;
        }
      } else if (s.target == "down_revision") {
        if (need(values.has_value())) out.script.down_revisions = *values;
      } else if (s.target == "branch_labels") {
        if (need(values.has_value())) out.script.branch_labels = *values;
      } else if (s.target == "depends_on") {
        if (need(values.has_value())) out.script.depends_on = *values;
      }
      continue;  // other module-level names are read by nothing imported
    }
    if (s.kind == Statement::Kind::kDef) {
      if (s.target == "upgrade") upgrade = &s;
      if (s.target == "downgrade") downgrade = &s;
      continue;  // a helper is reported where it is called
    }
    if (s.kind == Statement::Kind::kImport || s.kind == Statement::Kind::kPass) continue;
    if (s.kind == Statement::Kind::kExpr && s.value->kind == Kind::kString) continue;
    problem(s.line, s.column, s.kind == Statement::Kind::kUnsupported ? s.text : "this module-level statement");
  }
  if (!has_revision) problem(1, 1, "a file without a `revision = \"...\"` assignment");
  if (!upgrade) problem(1, 1, "a revision without def upgrade()");
  Translator t(path, out.problems);
  if (upgrade) out.script.upgrade = t.Body(upgrade->body);
  const Translator::Made enums = t.enums_made();
  if (downgrade) {
    out.script.downgrade = t.Body(downgrade->body);
    // The enum types the upgrade made go with the downgrade.
    t.DropEnumsAtEnd(enums, out.script.downgrade);
  } else {
    problem(1, 1, "a revision without def downgrade()");
  }
  if (t.autocommit()) out.script.transactional = false;
  if (out.script.upgrade.empty() && !out.script.downgrade.empty()) {
    out.script.upgrade = "  []\n";  // an upgrade that does nothing, and an explicit downgrade
  }
  return out;
}

}  // namespace retort::script
