// PostgreSQL introspection (PostgresConnection::Inspect) and the schema as
// PostgreSQL stores it (PostgresDialect::Normalize).
//
// Inspect reads the catalogs of the connection's schema: pg_class,
// pg_attribute, pg_attrdef, pg_type, pg_constraint, pg_index, pg_enum.
// Normalize turns a declared (replayed) schema into what Inspect reads back
// once the SQL PostgresDialect renders for it has run:
//  - float is double precision: both read back as double;
//  - numeric(p) is numeric(p,0);
//  - a raw type keeps only its postgresql spelling, lower-cased, with the
//    common aliases (int4, varchar, timestamptz, ...) resolved, and becomes
//    the portable type when it names one;
//  - autoincrement is true for a column whose values come from a sequence
//    it owns (a serial's nextval() default, which is not read as a default,
//    or an identity column), unset otherwise; Normalize sets it where
//    PostgresDialect writes a serial; a nextval() of a sequence of its own
//    is a {sql:} default;
//  - primary key columns are NOT NULL;
//  - literal defaults read back as PostgreSQL prints them: booleans as
//    true/false, numbers as the constant they parse to (an integer without
//    leading zeros, any other number as numeric prints it: 1.5e3 is 1500,
//    whatever the column's type, since the cast to it is implicit and not
//    printed), uuids lower-case;
//    an {sql:} default that is a literal, now() or CURRENT_TIMESTAMP reads
//    back as the literal or now;
//  - comments are read from obj_description and col_description;
// Check expressions, index expressions and index predicates read back as
// PostgreSQL prints them (pg_get_expr, pg_get_indexdef; pretty), without
// parentheses around the whole. PostgreSQL rewrites expressions (casts,
// parentheses inside, IN lists), which Normalize cannot know;
// CanonicalizeExpressions asks the server. An index's btree method reads
// back as none (the default), an operator class only when it is not the
// type's default.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "dialect/postgresql/postgresql_connection.h"
#include "dialect/sql_text.h"

namespace retort::dialect {
namespace {

using schema::Default;
using schema::Type;
using schema::TypeKind;

// The elements of a one-dimensional array's text form: {a,"b c",NULL},
// an unquoted NULL as nullopt.
std::vector<std::optional<std::string>> ParseArrayWithNulls(const std::optional<std::string>& text) {
  std::vector<std::optional<std::string>> out;
  if (!text || text->size() < 2 || (*text)[0] != '{') return out;
  const std::string& s = *text;
  size_t i = 1;
  if (s[i] == '}') return out;
  while (i < s.size()) {
    std::string item;
    bool quoted = s[i] == '"';
    if (quoted) {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        item += s[i++];
      }
      ++i;  // the closing quote
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '}') item += s[i++];
    }
    if (!quoted && item == "NULL") {
      out.push_back(std::nullopt);
    } else {
      out.push_back(item);
    }
    if (i >= s.size() || s[i] == '}') break;
    ++i;  // the comma
  }
  return out;
}

// The same, NULL read as the text "NULL".
std::vector<std::string> ParseArray(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  for (const std::optional<std::string>& item : ParseArrayWithNulls(text)) out.push_back(item.value_or("NULL"));
  return out;
}

using schema::WithoutOuterParens;

// True for "::type" repeated: the casts PostgreSQL prints after a constant.
// A type is words, dots, brackets, parentheses and commas, or a quoted name
// (which may hold any character, "" for a quote).
bool IsCastChain(std::string_view rest) {
  if (!rest.starts_with("::")) return false;
  size_t i = 0;
  while (i < rest.size()) {
    if (rest.substr(i).starts_with("::")) {
      i += 2;
      if (i == rest.size() || rest.substr(i).starts_with("::")) return false;  // no type
      continue;
    }
    const char c = rest[i];
    if (c == '"') {
      for (++i;; ++i) {
        if (i >= rest.size()) return false;
        if (rest[i] == '"') {
          if (i + 1 < rest.size() && rest[i + 1] == '"') {
            ++i;
            continue;
          }
          break;
        }
      }
      ++i;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ' ' || c == '.' ||
               c == '[' || c == ']' || c == '(' || c == ')' || c == ',') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

// A default expression as PostgreSQL prints it (pg_get_expr), or as a file
// writes it in {sql:}: kNow for now() and CURRENT_TIMESTAMP, a literal for
// a constant ('x'::type, 42, true), else kSql with the expression (a
// nextval() of a sequence of its own too; a serial's is no default, and
// Inspect leaves it out).
std::optional<Default> ParseDefaultExpression(const std::string& text) {
  std::string expr = TrimSpace(text);
  std::string lower = ToLower(expr);
  if (lower == "now()" || lower == "current_timestamp" || lower == "current_timestamp()") {
    return Default{Default::Kind::kNow, ""};
  }
  if (!expr.empty() && expr[0] == '\'') {
    std::string value;
    size_t i = 1;
    bool closed = false;
    while (i < expr.size()) {
      if (expr[i] == '\'') {
        if (i + 1 < expr.size() && expr[i + 1] == '\'') {
          value += '\'';
          i += 2;
          continue;
        }
        closed = true;
        ++i;
        break;
      }
      value += expr[i++];
    }
    std::string_view rest = std::string_view(expr).substr(i);
    if (closed && (rest.empty() || IsCastChain(rest))) {
      return Default{Default::Kind::kLiteral, value};
    }
    return Default{Default::Kind::kSql, expr};
  }
  std::string base = expr;
  if (size_t cast = expr.find("::"); cast != std::string::npos) {
    if (!IsCastChain(std::string_view(expr).substr(cast))) return Default{Default::Kind::kSql, expr};
    base = TrimSpace(expr.substr(0, cast));
  }
  if (IsNumberLiteral(base)) return Default{Default::Kind::kLiteral, base};
  std::string lower_base = ToLower(base);
  if (lower_base == "true" || lower_base == "false") {
    return Default{Default::Kind::kLiteral, lower_base};
  }
  return Default{Default::Kind::kSql, expr};
}

// A number literal as PostgreSQL's numeric prints it: scale `scale` when
// given (rounded half away from zero), else the scale the text implies.
std::string CanonicalNumeric(const std::string& text, std::optional<int> scale) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int int_len = 0, frac_len = 0;
  bool dot = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      dot = true;
      continue;
    }
    digits += text[i];
    (dot ? frac_len : int_len)++;
  }
  long exponent = 0;
  if (i < text.size()) exponent = std::strtol(text.c_str() + i + 1, nullptr, 10);
  long point = int_len + exponent;  // the decimal point's place in `digits`
  long target = scale ? *scale : std::max<long>(0, frac_len - exponent);
  if (point < 0) {
    digits.insert(0, static_cast<size_t>(-point), '0');
    point = 0;
  }
  if (point + target > static_cast<long>(digits.size())) {
    digits.append(static_cast<size_t>(point + target) - digits.size(), '0');
  }
  bool round_up = point + target < static_cast<long>(digits.size()) &&
                  digits[static_cast<size_t>(point + target)] >= '5';
  digits.resize(static_cast<size_t>(point + target));
  if (round_up) {
    long k = static_cast<long>(digits.size()) - 1;
    for (; k >= 0 && digits[static_cast<size_t>(k)] == '9'; --k) digits[static_cast<size_t>(k)] = '0';
    if (k >= 0) {
      digits[static_cast<size_t>(k)]++;
    } else {
      digits.insert(0, "1");
      ++point;
    }
  }
  std::string whole = digits.substr(0, static_cast<size_t>(point));
  std::string frac = digits.substr(static_cast<size_t>(point));
  size_t nz = whole.find_first_not_of('0');
  whole = nz == std::string::npos ? "0" : whole.substr(nz);
  bool zero = whole == "0" && frac.find_first_not_of('0') == std::string::npos;
  return (negative && !zero ? "-" : "") + whole + (frac.empty() ? "" : "." + frac);
}

// A uuid as PostgreSQL prints it: lower case, 8-4-4-4-12.
std::string CanonicalUuid(const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (c != '-' && c != '{' && c != '}') {
      return text;
    }
  }
  if (hex.size() != 32) return text;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// A literal default's value as it reads back from a column of `type`.
std::string CanonicalLiteral(const Type& type, const std::string& value) {
  switch (type.kind) {
    case TypeKind::kBoolean:
      if (std::optional<bool> b = BooleanValue(value)) return *b ? "true" : "false";
      return value;
    case TypeKind::kInteger:
    case TypeKind::kSmallInt:
    case TypeKind::kBigInt:
    case TypeKind::kNumeric:
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      // Rendered bare, the number is a constant of its own type, cast to
      // the column's implicitly (which pg_get_expr leaves out): an integer
      // prints as it is, any other number as numeric prints it.
      if (!IsNumberLiteral(value)) return value;
      if (value.find_first_of(".eE") == std::string::npos) return CanonicalNumeric(value, 0);
      return CanonicalNumeric(value, std::nullopt);
    case TypeKind::kUuid: return CanonicalUuid(value);
    default: return value;
  }
}

// The portable type for a type as format_type prints it (`enum_name` set
// when the type is an enum of the schema).
Type TypeFromCatalog(const std::string& formatted, const std::string& enum_name) {
  Type t;
  auto simple = [&](TypeKind kind) {
    t.kind = kind;
    return t;
  };
  if (!enum_name.empty() && !formatted.ends_with("[]")) {
    t.kind = TypeKind::kEnum;
    t.enum_name = enum_name;
    return t;
  }
  if (formatted == "integer") return simple(TypeKind::kInteger);
  if (formatted == "smallint") return simple(TypeKind::kSmallInt);
  if (formatted == "bigint") return simple(TypeKind::kBigInt);
  if (formatted == "double precision") return simple(TypeKind::kDouble);
  if (formatted == "numeric") return simple(TypeKind::kNumeric);
  if (formatted == "boolean") return simple(TypeKind::kBoolean);
  if (formatted == "character varying") return simple(TypeKind::kString);
  if (formatted == "text") return simple(TypeKind::kText);
  if (formatted == "bytea") return simple(TypeKind::kBinary);
  if (formatted == "date") return simple(TypeKind::kDate);
  if (formatted == "time without time zone") return simple(TypeKind::kTime);
  if (formatted == "timestamp without time zone") return simple(TypeKind::kDateTime);
  if (formatted == "uuid") return simple(TypeKind::kUuid);
  if (formatted == "json") return simple(TypeKind::kJson);
  if (formatted == "jsonb") return simple(TypeKind::kJsonb);
  if (formatted == "interval") return simple(TypeKind::kInterval);
  if (formatted == "inet") return simple(TypeKind::kInet);
  if (formatted == "cidr") return simple(TypeKind::kCidr);
  if (formatted == "macaddr") return simple(TypeKind::kMacaddr);
  if (formatted == "tsvector") return simple(TypeKind::kTsvector);
  if (formatted.size() > 2 && formatted.ends_with("[]")) {
    // format_type prints one [] whatever the dimensions.
    Type element = TypeFromCatalog(formatted.substr(0, formatted.size() - 2), enum_name);
    if (element.kind != TypeKind::kRaw) {
      t.kind = TypeKind::kArray;
      t.element.push_back(std::move(element));
      return t;
    }
  }
  if (formatted == "time with time zone" || formatted == "timestamp with time zone") {
    t.kind = formatted[4] == ' ' ? TypeKind::kTime : TypeKind::kDateTime;
    t.timezone = true;
    return t;
  }
  int a = 0, b = 0, used = 0;
  if (std::sscanf(formatted.c_str(), "character varying(%d)%n", &a, &used) == 1 &&
      used == static_cast<int>(formatted.size())) {
    t.kind = TypeKind::kString;
    t.length = a;
    return t;
  }
  if (std::sscanf(formatted.c_str(), "character(%d)%n", &a, &used) == 1 &&
      used == static_cast<int>(formatted.size())) {
    t.kind = TypeKind::kChar;
    t.length = a;
    return t;
  }
  if (std::sscanf(formatted.c_str(), "numeric(%d,%d)%n", &a, &b, &used) == 2 &&
      used == static_cast<int>(formatted.size())) {
    t.kind = TypeKind::kNumeric;
    t.precision = a;
    t.scale = b;
    return t;
  }
  t.kind = TypeKind::kRaw;
  t.raw["postgresql"] = formatted;
  return t;
}

// A raw postgresql spelling as format_type would print it, for the common
// spellings (aliases resolved, lower case, typmods without spaces).
std::string FormatTypeSpelling(const std::string& spelling) {
  std::string s = ToLower(TrimSpace(spelling));
  std::string base = s, args;
  if (size_t open = s.find('('); open != std::string::npos && s.back() == ')' &&
                                 s.find(')') == s.size() - 1) {
    base = TrimSpace(s.substr(0, open));
    for (char c : s.substr(open)) {
      if (c != ' ') args += c;
    }
  } else if (s.find('(') != std::string::npos) {
    return s;
  }
  static const std::map<std::string, std::string> kAliases = {
      {"int", "integer"},          {"int4", "integer"},
      {"int2", "smallint"},        {"int8", "bigint"},
      {"float8", "double precision"}, {"float", "double precision"},
      {"float4", "real"},          {"bool", "boolean"},
      {"varchar", "character varying"}, {"char", "character"},
      {"bpchar", "character"},     {"decimal", "numeric"},
      {"timestamp", "timestamp without time zone"},
      {"timestamptz", "timestamp with time zone"},
      {"time", "time without time zone"},
      {"timetz", "time with time zone"},
  };
  if (auto it = kAliases.find(base); it != kAliases.end()) base = it->second;
  if (args.empty()) return base;
  if (base == "numeric" && args.find(',') == std::string::npos) {
    args.insert(args.size() - 1, ",0");
  }
  // time(3) without time zone: the precision goes after the word.
  for (const char* word : {"timestamp", "time"}) {
    std::string w = word;
    if (base.starts_with(w + " ")) return w + args + base.substr(w.size());
  }
  return base + args;
}

Type NormalizeType(const Type& type) {
  Type t = type;
  switch (t.kind) {
    case TypeKind::kFloat: t.kind = TypeKind::kDouble; break;
    case TypeKind::kNumeric:
      if (t.precision && !t.scale) t.scale = 0;
      if (!t.precision) t.scale.reset();
      break;
    case TypeKind::kRaw: {
      auto it = type.raw.find("postgresql");
      if (it == type.raw.end()) return t;  // not renderable here anyway
      return TypeFromCatalog(FormatTypeSpelling(it->second), "");
    }
    case TypeKind::kChar:
      if (!t.length) t.length = 1;  // CHAR is CHAR(1)
      break;
    case TypeKind::kArray:
      if (!t.element.empty()) t.element[0] = NormalizeType(t.element[0]);
      break;
    default: break;
  }
  if (t.kind != TypeKind::kArray) t.element.clear();
  if (t.kind != TypeKind::kString && t.kind != TypeKind::kChar) t.length.reset();
  if (t.kind != TypeKind::kTime && t.kind != TypeKind::kDateTime) t.timezone = false;
  if (t.kind != TypeKind::kEnum) t.enum_name.clear();
  t.raw.clear();
  return t;
}

std::optional<Default> NormalizeDefault(const Type& type, const Default& d) {
  switch (d.kind) {
    case Default::Kind::kPerDialect: {
      std::optional<Default> mine = d.For("postgresql");
      return mine ? NormalizeDefault(type, *mine) : std::nullopt;
    }
    case Default::Kind::kNow: return d;
    case Default::Kind::kLiteral: return Default{d.kind, CanonicalLiteral(type, d.value)};
    case Default::Kind::kSql: {
      std::optional<Default> parsed = ParseDefaultExpression(d.value);
      if (!parsed || parsed->kind != Default::Kind::kLiteral) return parsed;
      return Default{parsed->kind, CanonicalLiteral(type, parsed->value)};
    }
  }
  return d;
}

std::optional<schema::Action> ActionFromCode(const std::optional<std::string>& code) {
  char c = code && !code->empty() ? (*code)[0] : 'a';
  switch (c) {
    case 'r': return schema::Action::kRestrict;
    case 'c': return schema::Action::kCascade;
    case 'n': return schema::Action::kSetNull;
    case 'd': return schema::Action::kSetDefault;
    default: return schema::Action::kNoAction;
  }
}

const std::string& Text(const Value& v) {
  static const std::string kEmpty;
  return v ? *v : kEmpty;
}

// What a row of pg_proc `p` says of a function: its name, kind, arguments
// and definition as the server prints them (pg_get_functiondef, its first
// line the signature; an aggregate's parts from pg_aggregate).
constexpr const char* kFunctionColumns =
    "p.proname, p.prokind, pg_catalog.pg_get_function_arguments(p.oid), "
    "CASE WHEN p.prokind = 'a' THEN (SELECT '(SFUNC = ' || a.aggtransfn::text || ', STYPE = ' || "
    "pg_catalog.format_type(a.aggtranstype, NULL) || "
    "CASE WHEN a.aggfinalfn::oid <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::text ELSE '' END || "
    "CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || pg_catalog.quote_literal(a.agginitval) "
    "ELSE '' END || ')' FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid) "
    "ELSE pg_catalog.pg_get_functiondef(p.oid) END";

schema::Function FunctionFromRow(const Row& row) {
  schema::Function f;
  f.name = Text(row[0]);
  std::string kind = Text(row[1]);
  f.kind = kind == "p" ? schema::Function::Kind::kProcedure
           : kind == "a" ? schema::Function::Kind::kAggregate
                         : schema::Function::Kind::kFunction;
  f.arguments = Text(row[2]);
  std::string definition = Text(row[3]);
  if (f.kind != schema::Function::Kind::kAggregate) {
    size_t line = definition.find('\n');
    definition = line == std::string::npos ? "" : definition.substr(line + 1);
  }
  f.definition = schema::OneStatement(definition);
  if (f.definition.empty()) f.definition = definition;  // as printed, compared as such
  return f;
}

// What a row of pg_trigger `t` (on pg_class `c`) says: its name, table,
// tgtype bits, UPDATE OF columns, pg_get_triggerdef and its deferral.
constexpr const char* kTriggerColumns =
    "t.tgname, c.relname, t.tgtype, "
    "ARRAY(SELECT a.attname FROM unnest(t.tgattr::int2[]) WITH ORDINALITY u(k, o) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = u.k ORDER BY u.o)::text, "
    "pg_catalog.pg_get_triggerdef(t.oid, true), t.tgconstraint <> 0 AND t.tgdeferrable, t.tginitdeferred";

schema::Trigger TriggerFromRow(const Row& row) {
  schema::Trigger x;
  x.name = Text(row[0]);
  x.table = Text(row[1]);
  const int type = std::atoi(Text(row[2]).c_str());
  x.for_each_row = (type & 1) != 0;
  x.timing = (type & 64) ? schema::Trigger::Timing::kInsteadOf
             : (type & 2) ? schema::Trigger::Timing::kBefore
                          : schema::Trigger::Timing::kAfter;
  if (type & 4) x.events.push_back("insert");
  if (type & 16) x.events.push_back("update");
  if (type & 8) x.events.push_back("delete");
  if (type & 32) x.events.push_back("truncate");
  x.columns = ParseArray(row[3]);
  // ... FOR EACH ROW [WHEN (expr)] EXECUTE FUNCTION call
  const std::string def = Text(row[4]);
  const std::string kExecute = " EXECUTE FUNCTION ";
  size_t exec = def.rfind(kExecute);
  if (exec != std::string::npos) x.execute = def.substr(exec + kExecute.size());
  size_t each = def.find(x.for_each_row ? " FOR EACH ROW" : " FOR EACH STATEMENT");
  if (each != std::string::npos && exec != std::string::npos) {
    size_t when = def.find(" WHEN ", each);
    if (when != std::string::npos && when < exec) {
      x.when = WithoutOuterParens(def.substr(when + 6, exec - when - 6));
    }
  }
  x.deferral.deferrable = Text(row[5]) == "t";
  x.deferral.initially_deferred = x.deferral.deferrable && Text(row[6]) == "t";
  return x;
}

}  // namespace

// Rows of the pg_class alias c (or the pg_type alias t) that an extension
// made are the extension's: not read.
constexpr const char* kClassOfNoExtension =
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_class'::regclass "
    "AND x.objid = c.oid AND x.deptype = 'e') ";
constexpr const char* kTypeOfNoExtension =
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_type'::regclass "
    "AND x.objid = t.oid AND x.deptype = 'e') ";

schema::Schema PostgresConnection::Inspect(const std::vector<std::string>& skip_tables) {
  schema::Schema out;
  const std::set<std::string> skip(skip_tables.begin(), skip_tables.end());
  const std::vector<Value> params = {schema_};
  // The schema's tables, keyed by oid.
  std::map<std::string, size_t> table_at;
  for (const Row& row : Query(
           std::string("SELECT c.oid, c.relname, pg_catalog.obj_description(c.oid, 'pg_class') "
                       "FROM pg_catalog.pg_class c "
                       "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition") +
               kClassOfNoExtension + "ORDER BY c.oid",
           params)) {
    if (skip.count(Text(row[1]))) continue;
    table_at[Text(row[0])] = out.tables.size();
    out.tables.push_back(schema::Table{.name = Text(row[1]), .comment = Text(row[2])});
  }
  auto table_for = [&](const Value& oid) -> schema::Table* {
    auto it = table_at.find(Text(oid));
    return it == table_at.end() ? nullptr : &out.tables[it->second];
  };

  for (const Row& row : Query(
           // A domain's column reads as its base type (the domain itself is
           // left out: ListUnmodeled names it).
           "SELECT a.attrelid, a.attname, CASE WHEN t.typtype = 'd' THEN "
           "pg_catalog.format_type(t.typbasetype, t.typtypmod) "
           "ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END, "
           "a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
           "CASE WHEN t.typtype = 'e' AND tn.nspname = $1 THEN t.typname "
           "WHEN et.typtype = 'e' AND etn.nspname = $1 THEN et.typname END, "
           "a.attidentity, a.attgenerated, "
           "CASE WHEN a.attidentity <> '' THEN (SELECT s.seqstart || ' ' || s.seqincrement "
           "FROM pg_catalog.pg_sequence s WHERE s.seqrelid = pg_catalog.pg_get_serial_sequence("
           "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
           "a.attname)::regclass) END, pg_catalog.col_description(a.attrelid, a.attnum), "
           "CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_depend dd "
           "WHERE dd.classid = 'pg_catalog.pg_attrdef'::regclass AND dd.objid = d.oid "
           "AND dd.refobjid = pg_catalog.pg_get_serial_sequence(pg_catalog.quote_ident(n.nspname) "
           "|| '.' || pg_catalog.quote_ident(c.relname), a.attname)::regclass) THEN 't' END "
           "FROM pg_catalog.pg_attribute a "
           "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
           "JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace "
           "LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' "
           "LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace "
           "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
           "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
           "AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum",
           params)) {
    schema::Table* table = table_for(row[0]);
    if (!table) continue;
    schema::Column column;
    column.name = Text(row[1]);
    column.type = TypeFromCatalog(Text(row[2]), Text(row[5]));
    column.nullable = Text(row[3]) != "t";
    // Identity and generated columns have no default of their own.
    bool identity = !Text(row[6]).empty(), generated = !Text(row[7]).empty();
    // A serial's nextval() (of the sequence the column owns, which its
    // default takes from) is no default.
    const bool serial = row[4] && row[10];
    if (row[4] && !identity && !generated && !serial) column.server_default = ParseDefaultExpression(*row[4]);
    if (identity) {
      schema::Identity id{.always = Text(row[6]) == "a"};
      std::istringstream numbers(Text(row[8]));
      int64_t start = 1, increment = 1;
      if (numbers >> start >> increment) {
        id.start = start;
        id.increment = increment;
      }
      column.identity = id;
    }
    column.comment = Text(row[9]);
    if (generated && row[4]) column.computed = schema::Computed{WithoutOuterParens(*row[4]), true};
    if (identity || serial) column.autoincrement = true;
    table->columns.push_back(std::move(column));
  }

  for (const Row& row : Query(
           "SELECT con.conrelid, con.conname, con.contype, "
           "ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, i) "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num "
           "ORDER BY k.i)::text, "
           "CASE WHEN rn.nspname = $1 THEN rc.relname ELSE rn.nspname || '.' || rc.relname END, "
           "ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i) "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num "
           "ORDER BY k.i)::text, "
           "con.confdeltype, con.confupdtype, "
           "pg_catalog.pg_get_expr(con.conbin, con.conrelid, true), "
           "con.condeferrable, con.condeferred "
           "FROM pg_catalog.pg_constraint con "
           "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
           "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
           "WHERE n.nspname = $1 AND con.contype IN ('p', 'f', 'u', 'c') "
           "ORDER BY con.conrelid, con.conname",
           params)) {
    schema::Table* table = table_for(row[0]);
    if (!table) continue;
    const std::string& name = Text(row[1]);
    std::vector<std::string> columns = ParseArray(row[3]);
    const schema::Deferral deferral{Text(row[9]) == "t", Text(row[10]) == "t"};
    switch (Text(row[2]).empty() ? ' ' : Text(row[2])[0]) {
      case 'p':
        table->primary_key = schema::PrimaryKey{name, columns};
        table->primary_key->deferral = deferral;
        break;
      case 'u':
        table->uniques.push_back({name, columns});
        table->uniques.back().deferral = deferral;
        break;
      case 'f':
        table->foreign_keys.push_back({name, columns, Text(row[4]), ParseArray(row[5]),
                                       *ActionFromCode(row[6]), *ActionFromCode(row[7])});
        table->foreign_keys.back().deferral = deferral;
        break;
      case 'c': table->checks.push_back({name, WithoutOuterParens(Text(row[8]))}); break;
      default: break;
    }
  }

  std::map<std::string, std::vector<schema::Index>> view_indexes;  // by the view's oid
  // Indexes of their own: not those backing a primary key, unique or
  // exclusion constraint. Per key entry: its column (NULL for an
  // expression), its text as the catalog prints it, its indoption bits (1
  // DESC, 2 NULLS FIRST) and its operator class unless the type's default;
  // then the INCLUDE columns, the method and the predicate.
  for (const Row& row : Query(
           "SELECT i.indrelid, ic.relname, i.indisunique, "
           "ARRAY(SELECT CASE WHEN i.indkey[k - 1] <> 0 THEN a.attname::text END "
           "FROM generate_series(1, i.indnkeyatts) k LEFT JOIN pg_catalog.pg_attribute a "
           "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] ORDER BY k)::text, "
           "ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) "
           "FROM generate_series(1, i.indnkeyatts) k ORDER BY k)::text, "
           "ARRAY(SELECT i.indoption[k - 1] FROM generate_series(1, i.indnkeyatts) k ORDER BY k)::text, "
           "ARRAY(SELECT CASE WHEN oc.opcdefault THEN '' ELSE oc.opcname::text END "
           "FROM generate_series(1, i.indnkeyatts) k "
           "JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[k - 1] ORDER BY k)::text, "
           "ARRAY(SELECT a.attname::text FROM generate_series(i.indnkeyatts + 1, i.indnatts) k "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] "
           "ORDER BY k)::text, "
           "am.amname, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) "
           "FROM pg_catalog.pg_index i "
           "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
           "JOIN pg_catalog.pg_am am ON am.oid = ic.relam "
           "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con "
           "WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
           "AND con.contype IN ('p', 'u', 'x')) "
           "ORDER BY i.indrelid, ic.relname",
           params)) {
    schema::Table* table = table_for(row[0]);
    // A materialized view's, kept for it until the views are read.
    schema::Index index;
    index.name = Text(row[1]);
    index.unique = Text(row[2]) == "t";
    std::vector<std::optional<std::string>> columns = ParseArrayWithNulls(row[3]);
    std::vector<std::string> texts = ParseArray(row[4]);
    std::vector<std::string> options = ParseArray(row[5]);
    std::vector<std::string> opclasses = ParseArray(row[6]);
    for (size_t k = 0; k < texts.size(); ++k) {
      schema::IndexEntry e;
      if (k < columns.size() && columns[k]) {
        e.column = *columns[k];
      } else {
        e.expr = WithoutOuterParens(texts[k]);
      }
      int option = k < options.size() ? std::atoi(options[k].c_str()) : 0;
      e.desc = (option & 1) != 0;
      bool nulls_first = (option & 2) != 0;
      if (nulls_first != e.desc) {
        e.nulls = nulls_first ? schema::IndexEntry::Nulls::kFirst : schema::IndexEntry::Nulls::kLast;
      }
      if (k < opclasses.size()) e.opclass = opclasses[k];
      index.entries.push_back(std::move(e));
    }
    index.include = ParseArray(row[7]);
    index.method = Text(row[8]) == "btree" ? "" : Text(row[8]);
    if (row[9]) index.where = WithoutOuterParens(*row[9]);
    (table ? table->indexes : view_indexes[Text(row[0])]).push_back(std::move(index));
  }

  for (const Row& row : Query(
           "SELECT t.typname, ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e "
           "WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text "
           "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
           "WHERE n.nspname = $1 AND t.typtype = 'e'" + std::string(kTypeOfNoExtension) + "ORDER BY t.oid",
           params)) {
    out.enums.push_back({Text(row[0]), ParseArray(row[1])});
  }

  // Views and materialized views, their queries as the server prints them.
  for (const Row& row : Query(
           "SELECT c.relname, c.relkind, pg_catalog.pg_get_viewdef(c.oid, true), c.relispopulated, c.oid "
           "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')" + std::string(kClassOfNoExtension) + "ORDER BY c.oid",
           params)) {
    if (skip.count(Text(row[0]))) continue;
    schema::View v;
    v.name = Text(row[0]);
    v.materialized = Text(row[1]) == "m";
    v.sql = schema::OneStatement(Text(row[2]));
    v.with_data = !v.materialized || Text(row[3]) == "t";
    if (auto it = view_indexes.find(Text(row[4])); it != view_indexes.end()) v.indexes = std::move(it->second);
    out.views.push_back(std::move(v));
  }

  // Triggers of the tables and views, not the server's own (a foreign
  // key's).
  for (const Row& row : Query(
           std::string("SELECT ") + kTriggerColumns +
               " FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
               "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
               "WHERE n.nspname = $1 AND NOT t.tgisinternal" + kClassOfNoExtension + "ORDER BY t.oid",
           params)) {
    if (skip.count(Text(row[1]))) continue;
    out.triggers.push_back(TriggerFromRow(row));
  }

  // Functions, procedures and aggregates, but not an extension's.
  for (const Row& row : Query(
           std::string("SELECT ") + kFunctionColumns +
               " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
               "WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
               "WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') "
               "ORDER BY p.oid",
           params)) {
    out.functions.push_back(FunctionFromRow(row));
  }

  // Extensions (not plpgsql, which every database has), in the order they
  // were made; one in another schema says which.
  for (const Row& row : Query(
           "SELECT e.extname, n.nspname, e.extversion FROM pg_catalog.pg_extension e "
           "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
           "WHERE e.extname <> 'plpgsql' ORDER BY e.oid")) {
    out.extensions.push_back({Text(row[0]), Text(row[1]) == schema_ ? "" : Text(row[1]), Text(row[2])});
  }

  // Sequences of their own: not an identity column's, nor a serial's (owned
  // by a column whose default takes its values from it).
  for (const Row& row : Query(
           "SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, "
           "s.seqincrement, s.seqmin, s.seqmax, s.seqcycle, "
           "(SELECT tc.relname || '.' || a.attname FROM pg_catalog.pg_depend d "
           "JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid "
           "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
           "WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid "
           "AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'a' LIMIT 1) "
           "FROM pg_catalog.pg_sequence s "
           "JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid "
           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1" + std::string(kClassOfNoExtension) +
           "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
           "'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i') "
           "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
           "JOIN pg_catalog.pg_depend dd ON dd.refobjid = c.oid "
           "AND dd.classid = 'pg_catalog.pg_attrdef'::regclass "
           "JOIN pg_catalog.pg_attrdef ad ON ad.oid = dd.objid "
           "AND ad.adrelid = d.refobjid AND ad.adnum = d.refobjsubid "
           "WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a') "
           "ORDER BY c.relname",
           params)) {
    if (skip.count(Text(row[0]))) continue;
    schema::Sequence q;
    q.name = Text(row[0]);
    q.type = TypeFromCatalog(Text(row[1]), "");
    q.start = std::stoll(Text(row[2]));
    q.increment = std::stoll(Text(row[3]));
    q.minvalue = std::stoll(Text(row[4]));
    q.maxvalue = std::stoll(Text(row[5]));
    q.cycle = Text(row[6]) == "t";
    q.owned_by = Text(row[7]);
    out.sequences.push_back(std::move(q));
  }
  return out;
}

std::vector<Unmodeled> PostgresConnection::ListUnmodeled(const std::vector<std::string>& skip_tables) {
  std::vector<Unmodeled> out;
  const std::set<std::string> skip(skip_tables.begin(), skip_tables.end());
  const std::vector<Value> params = {schema_};
  // Each query gives kind, name, SQL and the table it belongs to (NULL for
  // none), extensions' own objects left out.
  const std::string kNamespace = "n.nspname = $1";
  const std::vector<std::string> queries = {
      // Partitions, and the partitioning of a partitioned table.
      "SELECT 'partition', c.relname, 'CREATE TABLE ' || quote_ident(c.relname) || ' PARTITION OF ' || "
      "quote_ident(p.relname) || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid), p.relname "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
      "WHERE " + kNamespace + " AND c.relispartition AND c.relkind IN ('r', 'p')" + kClassOfNoExtension +
          "ORDER BY c.oid",
      "SELECT 'partitioning', c.relname, 'CREATE TABLE ' || quote_ident(c.relname) || ' (...) PARTITION BY ' || "
      "pg_catalog.pg_get_partkeydef(c.oid), c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + kNamespace +
          " AND c.relkind = 'p'" + kClassOfNoExtension + "ORDER BY c.oid",
      // Inheritance that is no partition's.
      "SELECT 'inheritance', c.relname, 'ALTER TABLE ' || quote_ident(c.relname) || ' INHERIT ' || "
      "quote_ident(p.relname), c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid JOIN pg_catalog.pg_class p ON p.oid = i.inhparent "
      "WHERE " + kNamespace + " AND NOT c.relispartition AND c.relkind IN ('r', 'p')" + kClassOfNoExtension +
          "ORDER BY c.oid",
      // Foreign tables; unlogged tables; row level security; storage
      // parameters.
      "SELECT 'foreign table', c.relname, 'CREATE FOREIGN TABLE ' || quote_ident(c.relname) || ' (...) SERVER ' || "
      "quote_ident(s.srvname), c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_foreign_table f ON f.ftrelid = c.oid JOIN pg_catalog.pg_foreign_server s ON s.oid = f.ftserver "
      "WHERE " + kNamespace + kClassOfNoExtension + "ORDER BY c.oid",
      "SELECT 'table option UNLOGGED', c.relname, 'ALTER TABLE ' || quote_ident(c.relname) || ' SET UNLOGGED', "
      "c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE " + kNamespace + " AND c.relkind IN ('r', 'p') AND c.relpersistence = 'u'" + kClassOfNoExtension +
          "ORDER BY c.oid",
      "SELECT 'row level security', c.relname, 'ALTER TABLE ' || quote_ident(c.relname) || ' ENABLE ROW LEVEL "
      "SECURITY' || CASE WHEN c.relforcerowsecurity THEN '; ALTER TABLE ' || quote_ident(c.relname) || "
      "' FORCE ROW LEVEL SECURITY' ELSE '' END, c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + kNamespace +
          " AND c.relrowsecurity" + kClassOfNoExtension + "ORDER BY c.oid",
      "SELECT 'storage parameters', c.relname, 'ALTER ' || CASE WHEN c.relkind = 'i' THEN 'INDEX ' "
      "WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW ' ELSE 'TABLE ' END || quote_ident(c.relname) || "
      "' SET (' || array_to_string(c.reloptions, ', ') || ')', COALESCE(tc.relname, c.relname) "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_index ix ON ix.indexrelid = c.oid LEFT JOIN pg_catalog.pg_class tc ON tc.oid = ix.indrelid "
      "WHERE " + kNamespace + " AND c.reloptions IS NOT NULL AND c.relkind IN ('r', 'p', 'i', 'm')" +
          kClassOfNoExtension + "ORDER BY c.oid",
      // An identity or serial column's sequence under another name than
      // the one PostgreSQL gives it (a table renamed since).
      "SELECT 'sequence name', c.relname || '.' || a.attname, 'ALTER SEQUENCE ' || quote_ident(c.relname || '_' || "
      "a.attname || '_seq') || ' RENAME TO ' || quote_ident(sq.relname), c.relname "
      "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_depend d ON d.refobjid = c.oid AND d.refobjsubid = a.attnum "
      "AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i') "
      "JOIN pg_catalog.pg_class sq ON sq.oid = d.objid AND sq.relkind = 'S' "
      "WHERE " + kNamespace + " AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
      "AND octet_length(c.relname || '_' || a.attname || '_seq') <= 63 "
      "AND sq.relname <> c.relname || '_' || a.attname || '_seq'" + kClassOfNoExtension + "ORDER BY c.oid, a.attnum",
      // Exclusion constraints.
      "SELECT 'exclusion constraint', c.relname || '.' || con.conname, 'ALTER TABLE ' || quote_ident(c.relname) || "
      "' ADD CONSTRAINT ' || quote_ident(con.conname) || ' ' || pg_catalog.pg_get_constraintdef(con.oid), c.relname "
      "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + kNamespace +
          " AND con.contype = 'x'" + kClassOfNoExtension + "ORDER BY con.oid",
      // Column collations other than their type's.
      "SELECT 'column collation', c.relname || '.' || a.attname, 'ALTER TABLE ' || quote_ident(c.relname) || "
      "' ALTER COLUMN ' || quote_ident(a.attname) || ' TYPE ' || pg_catalog.format_type(a.atttypid, a.atttypmod) || "
      "' COLLATE ' || quote_ident(co.collname), c.relname FROM pg_catalog.pg_attribute a "
      "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
      "WHERE " + kNamespace + " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
      "AND a.attcollation <> ty.typcollation" + kClassOfNoExtension + "ORDER BY c.oid, a.attnum",
      // Rules (not a view's own) and policies.
      "SELECT 'rule', r.tablename || '.' || r.rulename, r.definition, r.tablename FROM pg_catalog.pg_rules r "
      "WHERE r.schemaname = $1 ORDER BY r.tablename, r.rulename",
      "SELECT 'policy', p.tablename || '.' || p.policyname, 'CREATE POLICY ' || quote_ident(p.policyname) || ' ON ' || "
      "quote_ident(p.tablename) || ' AS ' || p.permissive || ' FOR ' || p.cmd || ' TO ' || "
      "array_to_string(p.roles, ', ') || COALESCE(' USING (' || p.qual || ')', '') || "
      "COALESCE(' WITH CHECK (' || p.with_check || ')', ''), p.tablename FROM pg_catalog.pg_policies p "
      "WHERE p.schemaname = $1 ORDER BY p.tablename, p.policyname",
      // Types other than enums: domains, composite and range types, base
      // types.
      "SELECT 'domain', t.typname, 'CREATE DOMAIN ' || quote_ident(t.typname) || ' AS ' || "
      "pg_catalog.format_type(t.typbasetype, t.typtypmod) || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || "
      "COALESCE(' DEFAULT ' || t.typdefault, '') || COALESCE((SELECT string_agg(' CONSTRAINT ' || "
      "quote_ident(d.conname) || ' ' || pg_catalog.pg_get_constraintdef(d.oid), '' ORDER BY d.conname) "
      "FROM pg_catalog.pg_constraint d WHERE d.contypid = t.oid), ''), NULL FROM pg_catalog.pg_type t "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE " + kNamespace + " AND t.typtype = 'd'" +
          kTypeOfNoExtension + "ORDER BY t.oid",
      "SELECT 'type', t.typname, 'CREATE TYPE ' || quote_ident(t.typname) || ' AS (' || COALESCE((SELECT string_agg("
      "quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) "
      "FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')', "
      "NULL FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
      "JOIN pg_catalog.pg_class c ON c.oid = t.typrelid WHERE " + kNamespace + " AND t.typtype = 'c' AND c.relkind = 'c'" +
          kTypeOfNoExtension + "ORDER BY t.oid",
      "SELECT 'type', t.typname, 'CREATE TYPE ' || quote_ident(t.typname) || ' AS RANGE (SUBTYPE = ' || "
      "pg_catalog.format_type(r.rngsubtype, NULL) || ')', NULL FROM pg_catalog.pg_type t "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid "
      "WHERE " + kNamespace + kTypeOfNoExtension + "ORDER BY t.oid",
      "SELECT 'type', t.typname, 'CREATE TYPE ' || quote_ident(t.typname) || ' (INPUT = ' || t.typinput::text || "
      "', OUTPUT = ' || t.typoutput::text || ')', NULL FROM pg_catalog.pg_type t "
      "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE " + kNamespace +
          " AND t.typtype = 'b' AND t.typelem = 0" + kTypeOfNoExtension + "ORDER BY t.oid",
      // Operators, collations and extended statistics of the schema.
      "SELECT 'operator', o.oprname || '(' || pg_catalog.format_type(o.oprleft, NULL) || ', ' || "
      "pg_catalog.format_type(o.oprright, NULL) || ')', 'CREATE OPERATOR ' || o.oprname || ' (FUNCTION = ' || "
      "o.oprcode::text || COALESCE(', LEFTARG = ' || pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), '') || "
      "COALESCE(', RIGHTARG = ' || pg_catalog.format_type(NULLIF(o.oprright, 0), NULL), '') || ')', NULL "
      "FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE " + kNamespace +
          " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_operator'::regclass "
          "AND x.objid = o.oid AND x.deptype = 'e') ORDER BY o.oid",
      "SELECT 'collation', co.collname, 'CREATE COLLATION ' || quote_ident(co.collname) || ' (PROVIDER = ' || "
      "CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' ELSE 'default' END || ', LOCALE = ' || "
      "quote_literal(COALESCE(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale', co.collcollate, "
      "'')) || ')', NULL "
      "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace WHERE " +
          kNamespace +
          " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = 'pg_catalog.pg_collation'::regclass "
          "AND x.objid = co.oid AND x.deptype = 'e') ORDER BY co.oid",
      "SELECT 'statistics', s.stxname, pg_catalog.pg_get_statisticsobjdef(s.oid), c.relname "
      "FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace "
      "JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid WHERE " + kNamespace + " ORDER BY s.oid",
  };
  for (const std::string& sql : queries) {
    for (const Row& row : Query(sql, params)) {
      if (row[3] && skip.count(Text(row[3]))) continue;
      out.push_back({Text(row[0]), Text(row[1]), Text(row[2]), Text(row[3])});
    }
  }
  return out;
}

void PostgresConnection::CanonicalizeExpressions(schema::Schema& expected) {
  // Each table with an expression is created again as a temporary table,
  // with its columns' types, its {sql:} defaults, its checks and the
  // indexes that have expressions or a predicate, and read back as Inspect
  // reads; the savepoint then drops it. A table whose
  // expressions do not build (a type or function missing) keeps them as
  // written.
  // An extension declared in the target's own schema is read back as in
  // none; one declared without a version has the one installed, else the
  // one CREATE EXTENSION would install.
  for (schema::Extension& x : expected.extensions) {
    if (x.schema == schema_) x.schema.clear();
    if (!x.version.empty()) continue;
    for (const Row& row : Query("SELECT COALESCE((SELECT e.extversion FROM pg_catalog.pg_extension e "
                                "WHERE e.extname = $1), (SELECT a.default_version FROM "
                                "pg_catalog.pg_available_extensions a WHERE a.name = $1))",
                                {x.name})) {
      x.version = Text(row[0]);
    }
  }
  bool own = pq_.transactionStatus(conn_) == PQTRANS_IDLE;
  if (own) Execute("BEGIN");
  const std::string probe = "_retort_probe";
  // Each of `indexes` with an expression or a predicate, built on `on`
  // under a probe name (`prefix` and its place) and printed back as
  // Inspect reads it; the savepoint around drops it.
  auto print_indexes_back = [&](std::vector<schema::Index>& indexes, const std::string& on,
                                const std::string& prefix) {
    for (size_t n = 0; n < indexes.size(); ++n) {
      schema::Index& ix = indexes[n];
      if (ix.where.empty() && ix.PlainColumns()) continue;
      schema::Index copy = ix;
      copy.name = prefix + std::to_string(n);
      Execute(dialect_.CreateIndexSql(on, copy));
      for (const Row& row : Query(
               "SELECT ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) "
               "FROM generate_series(1, i.indnkeyatts) k ORDER BY k)::text, "
               "pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) FROM pg_catalog.pg_index i "
               "WHERE i.indexrelid = '" + copy.name + "'::regclass")) {
        std::vector<std::string> texts = ParseArray(row[0]);
        for (size_t k = 0; k < texts.size() && k < ix.entries.size(); ++k) {
          if (!ix.entries[k].expr.empty()) ix.entries[k].expr = WithoutOuterParens(texts[k]);
        }
        if (row[1]) ix.where = WithoutOuterParens(*row[1]);
      }
    }
  };
  for (schema::Table& table : expected.tables) {
    bool has_expression = !table.checks.empty();
    for (const schema::Column& c : table.columns) {
      if (c.server_default && c.server_default->kind == Default::Kind::kSql) has_expression = true;
      if (c.computed) has_expression = true;
    }
    for (const schema::Index& ix : table.indexes) {
      if (!ix.where.empty() || !ix.PlainColumns()) has_expression = true;
    }
    for (const schema::Trigger& x : expected.triggers) {
      if (x.table == table.name && !x.when.empty()) has_expression = true;
    }
    if (!has_expression) continue;
    Execute("SAVEPOINT retort_probe");
    try {
      std::string sql = "CREATE TEMPORARY TABLE " + probe + " (";
      for (size_t i = 0; i < table.columns.size(); ++i) {
        const schema::Column& c = table.columns[i];
        sql += (i ? ", " : "") + dialect_.Quote(c.name) + " " + dialect_.ColumnType(c.type, expected);
        if (c.server_default && c.server_default->kind == Default::Kind::kSql) {
          sql += " DEFAULT " + c.server_default->value;
        }
        if (c.computed) sql += " GENERATED ALWAYS AS (" + c.computed->sql + ") STORED";
      }
      for (const schema::CheckConstraint& ck : table.checks) {
        sql += ", CONSTRAINT " + dialect_.Quote(ck.name) + " CHECK (" + ck.expr + ")";
      }
      Execute(sql + ")");
      for (const Row& row : Query(
               "SELECT con.conname, pg_catalog.pg_get_expr(con.conbin, con.conrelid, true) "
               "FROM pg_catalog.pg_constraint con "
               "WHERE con.conrelid = 'pg_temp." + probe + "'::regclass AND con.contype = 'c'")) {
        for (schema::CheckConstraint& ck : table.checks) {
          if (ck.name == Text(row[0])) ck.expr = WithoutOuterParens(Text(row[1]));
        }
      }
      for (const Row& row : Query(
               "SELECT a.attname, pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
               "FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a "
               "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
               "WHERE d.adrelid = 'pg_temp." + probe + "'::regclass")) {
        schema::Column* c = table.FindColumn(Text(row[0]));
        if (c && c->server_default && c->server_default->kind == Default::Kind::kSql && row[1]) {
          c->server_default = ParseDefaultExpression(*row[1]);
        }
        if (c && c->computed && row[1]) c->computed->sql = WithoutOuterParens(*row[1]);
      }
      // Indexes with expressions or a predicate, built on the probe.
      print_indexes_back(table.indexes, probe, probe + "_ix");
      // Triggers with a WHEN, on the probe, calling a function that does
      // nothing.
      bool made_function = false;
      for (size_t n = 0; n < expected.triggers.size(); ++n) {
        schema::Trigger& x = expected.triggers[n];
        if (x.table != table.name || x.when.empty() || x.timing == schema::Trigger::Timing::kInsteadOf) continue;
        if (!made_function) {
          Execute("CREATE FUNCTION pg_temp." + probe + "_tf() RETURNS trigger LANGUAGE plpgsql AS "
                  "'BEGIN RETURN NULL; END'");
          made_function = true;
        }
        schema::Trigger copy = x;
        copy.name = probe + "_tr" + std::to_string(n);
        copy.table = probe;
        copy.execute = "pg_temp." + probe + "_tf()";
        copy.body.clear();
        Execute(dialect_.CreateTriggerSql(copy));
        for (const Row& row : Query(std::string("SELECT ") + kTriggerColumns +
                                    " FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
                                    "WHERE t.tgrelid = 'pg_temp." + probe + "'::regclass AND t.tgname = '" +
                                    copy.name + "'")) {
          x.when = TriggerFromRow(row).when;
        }
      }
    } catch (const Error&) {
      // Compared as written.
    }
    Execute("ROLLBACK TO SAVEPOINT retort_probe");
  }
  // Views: each query made a temporary view and printed back; a
  // materialized one's indexes with expressions or a predicate built on a
  // materialized copy, left empty (there are no temporary ones).
  for (schema::View& v : expected.views) {
    Execute("SAVEPOINT retort_probe");
    try {
      Execute("CREATE TEMPORARY VIEW " + probe + "_view AS " + v.sql);
      for (const Row& row : Query("SELECT pg_catalog.pg_get_viewdef('pg_temp." + probe +
                                  "_view'::regclass, true)")) {
        v.sql = schema::OneStatement(Text(row[0]));
      }
      bool has_expression = std::any_of(v.indexes.begin(), v.indexes.end(), [](const schema::Index& ix) {
        return !ix.where.empty() || !ix.PlainColumns();
      });
      if (v.materialized && has_expression) {
        const std::string copy_name = probe + "_matview";
        Execute("CREATE MATERIALIZED VIEW " + dialect_.Quote(copy_name) + " AS " + v.sql + " WITH NO DATA");
        print_indexes_back(v.indexes, copy_name, probe + "_mix");
      }
    } catch (const Error&) {
      // Compared as written.
    }
    Execute("ROLLBACK TO SAVEPOINT retort_probe");
  }
  // Functions: each made again in pg_temp, its body not checked (the
  // tables it reads may not be there), and printed back.
  for (schema::Function& f : expected.functions) {
    Execute("SAVEPOINT retort_probe");
    try {
      Execute("SET LOCAL check_function_bodies = off");
      schema::Function copy = f;
      copy.name = probe + "_fn";
      Execute(std::string("CREATE ") + PostgresDialect::FunctionKeyword(f.kind) + " pg_temp." +
              dialect_.Quote(copy.name) + "(" + f.arguments + ") " + f.definition);
      for (const Row& row : Query(std::string("SELECT ") + kFunctionColumns +
                                  " FROM pg_catalog.pg_proc p WHERE p.pronamespace = pg_catalog.pg_my_temp_schema() "
                                  "AND p.proname = '" + copy.name + "'")) {
        schema::Function printed = FunctionFromRow(row);
        f.arguments = printed.arguments;
        f.definition = printed.definition;
      }
    } catch (const Error&) {
      // Compared as written.
    }
    Execute("ROLLBACK TO SAVEPOINT retort_probe");
  }
  if (own) Execute("ROLLBACK");
}

schema::Schema PostgresDialect::Normalize(const schema::Schema& schema) const {
  schema::Schema out = schema;
  for (schema::Enum& e : out.enums) e.create_constraint = true;  // native: no check either way
  for (schema::Sequence& q : out.sequences) q = schema::ResolvedSequence(q);
  for (schema::View& v : out.views) v.sql = schema::OneStatement(v.sql);
  for (schema::Table& table : out.tables) {
    table.sqlite_autoincrement = false;
    // Which columns are serials, decided before normalizing changes them.
    std::vector<bool> serial;
    for (const schema::Column& column : table.columns) serial.push_back(AutoIncrements(table, column));
    for (size_t i = 0; i < table.columns.size(); ++i) {
      schema::Column& column = table.columns[i];
      column.autoincrement.reset();
      if (serial[i]) column.autoincrement = true;
      if (column.identity) {
        // The server's defaults, as the catalog shows them.
        schema::Identity& id = *column.identity;
        if (!id.increment) id.increment = 1;
        if (!id.start) id.start = *id.increment < 0 ? -1 : 1;
        column.autoincrement = true;
        column.nullable = false;
      }
      if (column.computed) column.computed->stored = true;
      column.type = NormalizeType(column.type);
      if (column.server_default) {
        column.server_default = NormalizeDefault(column.type, *column.server_default);
      }
      if (table.primary_key &&
          std::find(table.primary_key->columns.begin(), table.primary_key->columns.end(),
                    column.name) != table.primary_key->columns.end()) {
        column.nullable = false;
      }
    }
    for (schema::CheckConstraint& check : table.checks) check.expr = WithoutOuterParens(check.expr);
    // Names as stored: a convention's long name shortened. An implied
    // constraint stays marked so: comparisons match it by its definition
    // where the server named it otherwise (a table renamed since).
    auto stored = [&](auto& c) { c.name = StoredName(c.name); };
    if (table.primary_key) stored(*table.primary_key);
    for (auto& x : table.foreign_keys) stored(x);
    for (auto& x : table.uniques) stored(x);
    for (auto& x : table.checks) stored(x);
    for (auto& x : table.indexes) x.name = StoredName(x.name);
  }
  return out;
}

}  // namespace retort::dialect
