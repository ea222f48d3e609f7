// SQLite introspection: the live database read back into the schema model,
// and Normalize, the declared schema as SQLite stores it.
//
// Contracts (what Inspect reads and Normalize produces, so that
// Inspect(db) == Normalize(schema) when `db` holds what SqliteDialect
// rendered for `schema`):
//  - a column's type is what its declared SQL type maps back to
//    (TypeFromDeclared); Normalize maps the SQL type ColumnDefinition writes
//    through the same function, so enums become string(n), jsonb json,
//    datetime(timezone) datetime, an auto-incrementing smallint/bigint
//    primary key integer, and a raw type the portable type its sqlite
//    spelling names (or raw with only that spelling);
//  - a column's default is what its DEFAULT clause's text reads back as
//    (DefaultFromSql: 'x' and numbers literals, CURRENT_TIMESTAMP now(),
//    (expr) {sql: expr}, NULL none); Normalize parses the text
//    ColumnDefinition writes;
//  - primary key columns are NOT NULL; autoincrement is unset; comments are
//    empty (SQLite has none); there are no enums; check expressions are the
//    text between the CHECK's parentheses, trimmed;
//  - constraint names come from the CREATE TABLE text; an unnamed
//    constraint is implied, named by schema::NameImplied (as PostgreSQL
//    would name it in this table as it is now), and Normalize names the
//    declared schema's implied constraints the same way;
//  - column-level CHECK constraints (an enum's labels) are checks of the
//    table;
//  - an index is what its CREATE INDEX text says: its entries (columns,
//    or expressions as written, ASC / DESC) and its WHERE predicate, both
//    without parentheses around the whole.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dialect/sql_text.h"
#include "dialect/sqlite/sqlite_connection.h"
#include "schema/naming.h"

namespace retort::dialect {
namespace {

using schema::Column;
using schema::Schema;
using schema::Table;
using schema::Type;
using schema::TypeKind;

bool SameName(std::string_view a, std::string_view b) { return ToUpper(a) == ToUpper(b); }

bool SameNames(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameName(a[i], b[i])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Types and defaults.

std::optional<int> ParseInt(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The portable type a declared SQL type stands for: the reverse of
// SqliteDialect::ColumnType (case and spacing aside); anything else is raw.
Type TypeFromDeclared(const std::string& declared) {
  // Upper case, spaces around parentheses and commas dropped, other runs of
  // spaces made one.
  std::string compact;
  std::string up = ToUpper(TrimSpace(declared));
  for (size_t i = 0; i < up.size(); ++i) {
    char c = up[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < up.size() && std::isspace(static_cast<unsigned char>(up[j]))) ++j;
      bool around = (!compact.empty() && (compact.back() == '(' || compact.back() == ',')) ||
                    (j < up.size() && (up[j] == '(' || up[j] == ')' || up[j] == ','));
      if (!around) compact += ' ';
      i = j - 1;
      continue;
    }
    compact += c;
  }
  Type t;
  auto simple = [&](TypeKind kind) {
    t.kind = kind;
    return t;
  };
  if (compact == "INTEGER") return simple(TypeKind::kInteger);
  if (compact == "SMALLINT") return simple(TypeKind::kSmallInt);
  if (compact == "BIGINT") return simple(TypeKind::kBigInt);
  if (compact == "FLOAT") return simple(TypeKind::kFloat);
  if (compact == "DOUBLE") return simple(TypeKind::kDouble);
  if (compact == "NUMERIC") return simple(TypeKind::kNumeric);
  if (compact == "BOOLEAN") return simple(TypeKind::kBoolean);
  if (compact == "VARCHAR") return simple(TypeKind::kString);
  if (compact == "TEXT") return simple(TypeKind::kText);
  if (compact == "BLOB") return simple(TypeKind::kBinary);
  if (compact == "DATE") return simple(TypeKind::kDate);
  if (compact == "TIME") return simple(TypeKind::kTime);
  if (compact == "DATETIME") return simple(TypeKind::kDateTime);
  if (compact == "CHAR(32)") return simple(TypeKind::kUuid);
  if (compact == "JSON") return simple(TypeKind::kJson);
  auto args = [&](std::string_view prefix) -> std::optional<std::vector<std::string>> {
    if (compact.size() <= prefix.size() + 1 || compact.compare(0, prefix.size(), prefix) != 0 ||
        compact[prefix.size()] != '(' || compact.back() != ')') {
      return std::nullopt;
    }
    std::vector<std::string> out(1);
    for (size_t i = prefix.size() + 1; i + 1 < compact.size(); ++i) {
      if (compact[i] == ',') {
        out.emplace_back();
      } else {
        out.back() += compact[i];
      }
    }
    return out;
  };
  if (auto a = args("VARCHAR"); a && a->size() == 1 && ParseInt((*a)[0])) {
    t.kind = TypeKind::kString;
    t.length = ParseInt((*a)[0]);
    return t;
  }
  if (compact == "CHAR") return simple(TypeKind::kChar);
  if (auto a = args("CHAR"); a && a->size() == 1 && ParseInt((*a)[0])) {
    t.kind = TypeKind::kChar;
    t.length = ParseInt((*a)[0]);
    return t;
  }
  if (auto a = args("NUMERIC"); a && a->size() <= 2 && ParseInt((*a)[0]) &&
                                (a->size() == 1 || ParseInt((*a)[1]))) {
    t.kind = TypeKind::kNumeric;
    t.precision = ParseInt((*a)[0]);
    if (a->size() == 2) t.scale = ParseInt((*a)[1]);
    return t;
  }
  t.kind = TypeKind::kRaw;
  t.raw["sqlite"] = declared;
  return t;
}

// True when `s` is one string literal '...'.
bool IsStringLiteral(std::string_view s, std::string* value) {
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return false;
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') {
      if (i + 2 < s.size() && s[i + 1] == '\'') {
        out += '\'';
        ++i;
        continue;
      }
      return false;  // the literal ends before the text does
    }
    out += s[i];
  }
  *value = out;
  return true;
}

// True when `s` is "( ... )" with the first parenthesis closing at the end.
bool IsParenthesized(std::string_view s) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;  // a doubled quote reopens at once
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '[') {
      quote = ']';
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0 && i + 1 != s.size()) return false;
    }
  }
  return depth == 0;
}

// A default as SQLite keeps it (the DEFAULT clause's text, dflt_value).
std::optional<schema::Default> DefaultFromSql(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::string s = TrimSpace(*text);
  std::string up = ToUpper(s);
  if (s.empty() || up == "NULL") return std::nullopt;
  using Kind = schema::Default::Kind;
  std::string value;
  if (IsStringLiteral(s, &value)) return schema::Default{Kind::kLiteral, value};
  if (IsNumberLiteral(s)) return schema::Default{Kind::kLiteral, s};
  if (up == "CURRENT_TIMESTAMP") return schema::Default{Kind::kNow, ""};
  if (up == "TRUE") return schema::Default{Kind::kLiteral, "1"};
  if (up == "FALSE") return schema::Default{Kind::kLiteral, "0"};
  // What others write in parentheses means the same bare: SQLAlchemy's
  // func.now() is DEFAULT (CURRENT_TIMESTAMP); (0) is 0, ('x') is 'x'.
  if (IsParenthesized(s)) return DefaultFromSql(TrimSpace(s.substr(1, s.size() - 2)));
  return schema::Default{Kind::kSql, s};
}

// ---------------------------------------------------------------------------
// A tolerant scanner for CREATE TABLE: the constraints' names.

struct Token {
  enum Kind { kWord, kQuoted, kString, kOpen, kClose, kComma, kOther } kind;
  std::string text;  // a word or quoted identifier: the name; else the source text
  size_t begin = 0, end = 0;
};

std::vector<Token> Tokenize(std::string_view sql) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = sql.size();
  auto quoted_until = [&](char close, size_t start) {
    // From after the opening quote; a doubled close quote is one character.
    std::string text;
    size_t j = start;
    while (j < n) {
      if (sql[j] == close) {
        if (close != ']' && j + 1 < n && sql[j + 1] == close) {
          text += close;
          j += 2;
          continue;
        }
        return std::pair{text, j + 1};
      }
      text += sql[j++];
    }
    return std::pair{text, n};
  };
  while (i < n) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t e = sql.find("*/", i + 2);
      i = e == std::string_view::npos ? n : e + 2;
    } else if (c == '"' || c == '`' || c == '[') {
      auto [text, e] = quoted_until(c == '[' ? ']' : c, i + 1);
      out.push_back({Token::kQuoted, text, i, e});
      i = e;
    } else if (c == '\'') {
      auto [text, e] = quoted_until('\'', i + 1);
      out.push_back({Token::kString, std::string(sql.substr(i, e - i)), i, e});
      i = e;
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '(' ? Token::kOpen : c == ')' ? Token::kClose : Token::kComma,
                     std::string(1, c), i, i + 1});
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      // A number: 1, 2.5, .5, 1.5e3, 1e-3, 0x1F.
      size_t e = i;
      while (e < n && (std::isalnum(static_cast<unsigned char>(sql[e])) || sql[e] == '.' ||
                       ((sql[e] == '-' || sql[e] == '+') && (sql[e - 1] == 'e' || sql[e - 1] == 'E')))) {
        ++e;
      }
      out.push_back({Token::kOther, std::string(sql.substr(i, e - i)), i, e});
      i = e;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               static_cast<unsigned char>(c) >= 0x80 || c == '$') {
      size_t e = i;
      while (e < n && (std::isalnum(static_cast<unsigned char>(sql[e])) || sql[e] == '_' ||
                       sql[e] == '$' || static_cast<unsigned char>(sql[e]) >= 0x80)) {
        ++e;
      }
      out.push_back({Token::kWord, std::string(sql.substr(i, e - i)), i, e});
      i = e;
    } else {
      out.push_back({Token::kOther, std::string(1, c), i, i + 1});
      ++i;
    }
  }
  return out;
}

struct ScannedConstraint {
  enum Kind { kPrimaryKey, kUnique, kCheck, kForeignKey } kind;
  std::string name;
  std::vector<std::string> columns;  // a check: none
  std::string expr;                  // a check's expression
  std::string referred_table;        // a foreign key's
  schema::Deferral deferral;         // a foreign key's DEFERRABLE ...
};

// What the text of CREATE TABLE says: constraints with their names, and
// each column's DEFAULT clause as written (pragma_table_xinfo drops the
// parentheses of DEFAULT (expr), which tell an expression from a literal).
struct ScannedTable {
  std::vector<ScannedConstraint> constraints;
  std::vector<std::pair<std::string, std::string>> defaults;  // column, text
  // A generated column's expression: [GENERATED ALWAYS] AS (expr).
  std::vector<std::pair<std::string, std::string>> generated;  // column, expr
  bool autoincrement = false;  // PRIMARY KEY ... AUTOINCREMENT
};

class CreateTableScanner {
 public:
  explicit CreateTableScanner(std::string_view sql) : sql_(sql), tokens_(Tokenize(sql)) {}

  ScannedTable Scan() {
    // The body: from the first "(" to its match.
    size_t i = 0;
    while (i < tokens_.size() && tokens_[i].kind != Token::kOpen) ++i;
    if (i == tokens_.size()) return {};
    size_t end = Match(i);
    size_t start = i + 1;
    // Split at top-level commas.
    for (size_t j = start; j <= end && j < tokens_.size(); ++j) {
      if (j == end || tokens_[j].kind == Token::kComma) {
        if (j > start) Part(start, j);
        start = j + 1;
      } else if (tokens_[j].kind == Token::kOpen) {
        j = Match(j);
        if (j >= end) {
          if (j > start) Part(start, end);
          break;
        }
      }
    }
    return out_;
  }

 private:
  // The index of the ")" closing the "(" at `open` (tokens_.size() if none).
  size_t Match(size_t open) const {
    int depth = 0;
    for (size_t j = open; j < tokens_.size(); ++j) {
      if (tokens_[j].kind == Token::kOpen) ++depth;
      if (tokens_[j].kind == Token::kClose && --depth == 0) return j;
    }
    return tokens_.size();
  }

  bool Is(size_t j, size_t end, std::string_view keyword) const {
    return j < end && tokens_[j].kind == Token::kWord && ToUpper(tokens_[j].text) == keyword;
  }

  bool IsName(size_t j, size_t end) const {
    return j < end && (tokens_[j].kind == Token::kWord || tokens_[j].kind == Token::kQuoted ||
                       tokens_[j].kind == Token::kString);
  }

  std::string Name(size_t j) const {
    const Token& t = tokens_[j];
    if (t.kind != Token::kString) return t.text;
    std::string value;
    IsStringLiteral(t.text, &value);
    return value;
  }

  // The text between the "(" at `open` and its match, trimmed.
  std::string Inner(size_t open, size_t close) const {
    size_t b = tokens_[open].end;
    size_t e = close < tokens_.size() ? tokens_[close].begin : sql_.size();
    return TrimSpace(sql_.substr(b, e - b));
  }

  // The names listed in "( a, b COLLATE x DESC )" at `open`: each item's
  // first name.
  std::vector<std::string> Names(size_t open, size_t close) const {
    std::vector<std::string> out;
    bool first = true;
    for (size_t j = open + 1; j < close && j < tokens_.size(); ++j) {
      if (tokens_[j].kind == Token::kComma) {
        first = true;
      } else if (tokens_[j].kind == Token::kOpen) {
        j = Match(j);
        first = false;
      } else if (first) {
        if (IsName(j, close)) out.push_back(Name(j));
        first = false;
      }
    }
    return out;
  }

  // REFERENCES t [(cols)]: the referred table; `j` at REFERENCES.
  std::string Referred(size_t j, size_t end) const {
    return IsName(j + 1, end) ? Name(j + 1) : std::string();
  }

  // One item of the body: a table constraint or a column definition.
  void Part(size_t begin, size_t end) {
    bool table_constraint = Is(begin, end, "CONSTRAINT") || Is(begin, end, "PRIMARY") ||
                            Is(begin, end, "UNIQUE") || Is(begin, end, "CHECK") ||
                            Is(begin, end, "FOREIGN");
    std::optional<std::string> column;
    const size_t first = out_.constraints.size();
    size_t j = begin;
    if (!table_constraint) {
      if (!IsName(begin, end)) return;
      column = Name(begin);
      j = begin + 1;
    }
    std::string name;
    while (j < end) {
      if (tokens_[j].kind == Token::kOpen) {
        j = Match(j) + 1;  // a type's arguments, a default's expression, ...
        continue;
      }
      if (column && Is(j, end, "DEFAULT") && j + 1 < end) {
        // ( expr ), a signed number, or one token.
        size_t first = j + 1, last = j + 1;
        if (tokens_[first].kind == Token::kOpen) {
          last = std::min(Match(first), end - 1);
        } else if (tokens_[first].kind == Token::kOther &&
                   (tokens_[first].text == "-" || tokens_[first].text == "+") && first + 1 < end) {
          last = first + 1;
        }
        out_.defaults.emplace_back(
            *column, std::string(sql_.substr(tokens_[first].begin, tokens_[last].end - tokens_[first].begin)));
        j = last + 1;
        name.clear();
        continue;
      }
      if (column && Is(j, end, "AS") && j + 1 < end && tokens_[j + 1].kind == Token::kOpen) {
        size_t close = Match(j + 1);
        out_.generated.emplace_back(*column, Inner(j + 1, close));
        j = close + 1;
        continue;
      }
      if (Is(j, end, "AUTOINCREMENT")) out_.autoincrement = true;
      // DEFERRABLE [INITIALLY DEFERRED] after a foreign key of this item.
      bool after_fk = out_.constraints.size() > first &&
                      out_.constraints.back().kind == ScannedConstraint::kForeignKey;
      if (after_fk && Is(j, end, "DEFERRABLE") && !(j > begin && Is(j - 1, end, "NOT"))) {
        out_.constraints.back().deferral.deferrable = true;
      }
      if (after_fk && Is(j, end, "INITIALLY") && Is(j + 1, end, "DEFERRED") &&
          out_.constraints.back().deferral.deferrable) {
        out_.constraints.back().deferral.initially_deferred = true;
      }
      if (Is(j, end, "CONSTRAINT")) {
        name = IsName(j + 1, end) ? Name(j + 1) : "";
        j += 2;
        continue;
      }
      auto paren_after = [&](size_t k) -> std::optional<std::pair<size_t, size_t>> {
        if (k < end && tokens_[k].kind == Token::kOpen) return std::pair{k, Match(k)};
        return std::nullopt;
      };
      bool primary = Is(j, end, "PRIMARY") && Is(j + 1, end, "KEY");
      if (primary || Is(j, end, "UNIQUE")) {
        ScannedConstraint c{primary ? ScannedConstraint::kPrimaryKey : ScannedConstraint::kUnique,
                            name, {}, "", ""};
        j += primary ? 2 : 1;
        if (column) {
          c.columns = {*column};
        } else if (auto p = paren_after(j)) {
          c.columns = Names(p->first, p->second);
          j = p->second + 1;
        }
        out_.constraints.push_back(c);
      } else if (Is(j, end, "CHECK")) {
        ScannedConstraint c{ScannedConstraint::kCheck, name, {}, "", ""};
        j += 1;
        if (auto p = paren_after(j)) {
          c.expr = Inner(p->first, p->second);
          j = p->second + 1;
        }
        out_.constraints.push_back(c);
      } else if (Is(j, end, "FOREIGN") && Is(j + 1, end, "KEY")) {
        ScannedConstraint c{ScannedConstraint::kForeignKey, name, {}, "", ""};
        j += 2;
        if (auto p = paren_after(j)) {
          c.columns = Names(p->first, p->second);
          j = p->second + 1;
        }
        if (Is(j, end, "REFERENCES")) {
          c.referred_table = Referred(j, end);
          j += 2;
        }
        out_.constraints.push_back(c);
      } else if (Is(j, end, "REFERENCES")) {
        ScannedConstraint c{ScannedConstraint::kForeignKey, name, {}, "", ""};
        if (column) c.columns = {*column};
        c.referred_table = Referred(j, end);
        j += 2;
        out_.constraints.push_back(c);
      } else {
        ++j;
        continue;  // NOT NULL, DEFAULT x, COLLATE y, a type's words...: keep the name
      }
      name.clear();
    }
  }

  std::string_view sql_;
  std::vector<Token> tokens_;
  ScannedTable out_;
};

int64_t ToInt(const Value& v) { return v ? std::stoll(*v) : 0; }

// The query of CREATE [TEMP] VIEW [IF NOT EXISTS] name [(columns)] AS query:
// the text after the first AS outside parentheses.
std::string ViewQuery(std::string_view sql) {
  std::vector<Token> tokens = Tokenize(sql);
  int depth = 0;
  for (const Token& t : tokens) {
    if (t.kind == Token::kOpen) ++depth;
    if (t.kind == Token::kClose) --depth;
    if (depth == 0 && t.kind == Token::kWord && ToUpper(t.text) == "AS") {
      return schema::OneStatement(std::string(sql.substr(t.end)));
    }
  }
  return std::string(sql);
}
std::string ToText(const Value& v) { return v.value_or(""); }

// A trigger as its CREATE TRIGGER text declares it: [BEFORE | AFTER |
// INSTEAD OF] (BEFORE when unsaid) DELETE | INSERT | UPDATE [OF columns] ON
// table [FOR EACH ROW] [WHEN expr] BEGIN body END.
schema::Trigger TriggerFromSql(const std::string& name, const std::string& table, std::string_view sql) {
  schema::Trigger x;
  x.name = name;
  x.table = table;
  std::vector<Token> tokens = Tokenize(sql);
  auto is = [&](size_t i, const char* word) {
    return i < tokens.size() && tokens[i].kind == Token::kWord && ToUpper(tokens[i].text) == word;
  };
  size_t i = 0;
  while (i < tokens.size() && !is(i, "TRIGGER")) ++i;
  // After the name: the first timing or event word.
  while (i < tokens.size() && !is(i, "BEFORE") && !is(i, "AFTER") && !is(i, "INSTEAD") && !is(i, "DELETE") &&
         !is(i, "INSERT") && !is(i, "UPDATE")) {
    ++i;
  }
  if (is(i, "AFTER")) x.timing = schema::Trigger::Timing::kAfter, ++i;
  else if (is(i, "BEFORE")) ++i;
  else if (is(i, "INSTEAD")) x.timing = schema::Trigger::Timing::kInsteadOf, i += 2;
  if (i < tokens.size()) x.events.push_back(ToLower(tokens[i].text)), ++i;
  if (is(i, "OF")) {
    for (++i; i < tokens.size() && !is(i, "ON"); ++i) {
      if (tokens[i].kind == Token::kWord || tokens[i].kind == Token::kQuoted) x.columns.push_back(tokens[i].text);
    }
  }
  while (i < tokens.size() && !is(i, "WHEN") && !is(i, "BEGIN")) ++i;
  size_t when = is(i, "WHEN") ? i : tokens.size();
  while (i < tokens.size() && !is(i, "BEGIN")) ++i;
  if (i >= tokens.size()) return x;
  if (when < i) x.when = TrimSpace(std::string(sql.substr(tokens[when].end, tokens[i].begin - tokens[when].end)));
  size_t end = tokens.size();
  while (end > i + 1 && !is(end - 1, "END")) --end;
  if (end <= i + 1) return x;
  x.body = schema::TriggerBody(std::string(sql.substr(tokens[i].end, tokens[end - 1].begin - tokens[i].end)));
  return x;
}

// An index as its CREATE INDEX text declares it (sqlite_master.sql, kept
// as written): the entries between the parentheses after ON table, each a
// column or an expression with ASC / DESC, and the predicate after WHERE.
// A COLLATE stays inside the entry's expression.
void ReadIndexSql(std::string_view sql, schema::Index& index) {
  std::vector<Token> tokens = Tokenize(sql);
  size_t i = 0;
  while (i < tokens.size() && !(tokens[i].kind == Token::kWord && ToUpper(tokens[i].text) == "ON")) ++i;
  while (i < tokens.size() && tokens[i].kind != Token::kOpen) ++i;
  if (i == tokens.size()) return;
  size_t open = i, close = i;
  for (int depth = 0; close < tokens.size(); ++close) {
    if (tokens[close].kind == Token::kOpen) ++depth;
    if (tokens[close].kind == Token::kClose && --depth == 0) break;
  }
  if (close == tokens.size()) return;
  auto entry = [&](size_t b, size_t e) {  // tokens [b, e)
    schema::IndexEntry out;
    if (e > b && tokens[e - 1].kind == Token::kWord &&
        (ToUpper(tokens[e - 1].text) == "DESC" || ToUpper(tokens[e - 1].text) == "ASC")) {
      out.desc = ToUpper(tokens[e - 1].text) == "DESC";
      --e;
    }
    if (e == b) return;
    if (e == b + 1 && (tokens[b].kind == Token::kWord || tokens[b].kind == Token::kQuoted)) {
      out.column = tokens[b].text;
    } else {
      out.expr = schema::WithoutOuterParens(
          std::string(sql.substr(tokens[b].begin, tokens[e - 1].end - tokens[b].begin)));
    }
    index.entries.push_back(std::move(out));
  };
  size_t start = open + 1;
  for (size_t j = open + 1, depth = 0; j <= close; ++j) {
    if (tokens[j].kind == Token::kOpen) ++depth;
    if (tokens[j].kind == Token::kClose && j != close) --depth;
    if (j == close || (depth == 0 && tokens[j].kind == Token::kComma)) {
      entry(start, j);
      start = j + 1;
    }
  }
  if (close + 1 < tokens.size() && tokens[close + 1].kind == Token::kWord &&
      ToUpper(tokens[close + 1].text) == "WHERE" && close + 2 < tokens.size()) {
    size_t b = tokens[close + 2].begin;
    size_t e = tokens.back().end;
    if (tokens.back().kind == Token::kOther && tokens.back().text == ";") e = tokens.back().begin;
    index.where = schema::WithoutOuterParens(std::string(sql.substr(b, e - b)));
  }
}

}  // namespace

std::vector<Unmodeled> SqliteConnection::ListUnmodeled(const std::vector<std::string>& skip_tables) {
  std::vector<Unmodeled> out;
  // A virtual table (its shadow tables are its own), and the table options
  // the model has no key for (pragma_table_list, SQLite 3.37's; without it
  // the virtual tables alone).
  std::vector<Row> tables;
  try {
    tables = Query("SELECT l.name, l.type, l.wr, l.strict, m.sql FROM pragma_table_list l "
                              "JOIN sqlite_master m ON m.name = l.name AND m.type = 'table' "
                              "WHERE l.schema = 'main' AND l.type IN ('table', 'virtual') ORDER BY m.rowid");
  } catch (const Error&) {
    tables = Query("SELECT name, CASE WHEN sql LIKE 'CREATE VIRTUAL%' THEN 'virtual' ELSE 'table' END, 0, 0, sql "
                   "FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
  }
  for (const Row& row : tables) {
    const std::string name = ToText(row[0]);
    if (std::find(skip_tables.begin(), skip_tables.end(), name) != skip_tables.end()) continue;
    if (ToUpper(name).rfind("SQLITE_", 0) == 0 || name.rfind("_retort_", 0) == 0) continue;
    if (ToText(row[1]) == "virtual") {
      out.push_back({"virtual table", name, ToText(row[4]), name});
      continue;
    }
    if (ToInt(row[2]) != 0) out.push_back({"table option WITHOUT ROWID", name, ToText(row[4]), name});
    if (ToInt(row[3]) != 0) out.push_back({"table option STRICT", name, ToText(row[4]), name});
    // A column's collation other than BINARY (the model has none).
    for (const Row& c : Query("SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden IN (0, 2, 3) ORDER BY cid",
                              {name})) {
      const std::string column = ToText(c[0]);
      const char* collation = nullptr;
      if (sqlite3_table_column_metadata(db_, "main", name.c_str(), column.c_str(), nullptr, &collation, nullptr,
                                        nullptr, nullptr) == SQLITE_OK &&
          collation && ToUpper(collation) != "BINARY") {
        out.push_back({"column collation", name + "." + column,
                       "(in CREATE TABLE) " + dialect_.Quote(column) + " " + ToText(c[1]) + " COLLATE " + collation,
                       name});
      }
    }
  }
  return out;
}

schema::Schema SqliteConnection::Inspect(const std::vector<std::string>& skip_tables) {
  Schema out;
  // A virtual table and its shadow tables are the model's to leave alone
  // (ListUnmodeled names them).
  std::set<std::string> virtual_tables;
  // pragma_table_list is SQLite 3.37's: the virtual tables' own read from
  // sqlite_master where it is not there (their shadow tables then read as
  // tables).
  try {
    for (const Row& row :
         Query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('virtual', 'shadow')")) {
      virtual_tables.insert(ToText(row[0]));
    }
  } catch (const Error&) {
    for (const Row& row : Query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")) {
      virtual_tables.insert(ToText(row[0]));
    }
  }
  auto skipped = [&](const std::string& name) {
    std::string up = ToUpper(name);
    if (up.rfind("SQLITE_", 0) == 0 || name.rfind("_retort_", 0) == 0) return true;
    if (virtual_tables.count(name)) return true;
    return std::find(skip_tables.begin(), skip_tables.end(), name) != skip_tables.end();
  };
  std::vector<Row> tables =
      Query("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
  for (const Row& row : tables) {
    const std::string name = ToText(row[0]);
    if (skipped(name)) continue;
    Table t;
    t.name = name;
    const ScannedTable text = CreateTableScanner(ToText(row[1])).Scan();
    std::vector<ScannedConstraint> scanned = text.constraints;  // those not matched yet
    auto take = [&](ScannedConstraint::Kind kind, const std::vector<std::string>& columns,
                    const std::string& referred) -> std::optional<ScannedConstraint> {
      for (auto it = scanned.begin(); it != scanned.end(); ++it) {
        if (it->kind == kind && SameNames(it->columns, columns) &&
            (kind != ScannedConstraint::kForeignKey || SameName(it->referred_table, referred))) {
          ScannedConstraint c = *it;
          scanned.erase(it);
          return c;
        }
      }
      return std::nullopt;
    };

    // Columns, and the primary key in its order.
    std::vector<std::pair<int64_t, std::string>> pk;
    t.sqlite_autoincrement = text.autoincrement;
    // hidden: 0 a column, 2 a virtual generated one, 3 a stored one.
    for (const Row& c : Query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM "
                              "pragma_table_xinfo(?) WHERE hidden IN (0, 2, 3) ORDER BY cid",
                              {name})) {
      Column column;
      column.name = ToText(c[0]);
      column.type = TypeFromDeclared(ToText(c[1]));
      column.nullable = ToInt(c[2]) == 0;
      Value default_text = c[3];
      for (const auto& [col, sql] : text.defaults) {
        if (SameName(col, column.name)) default_text = sql;
      }
      column.server_default = DefaultFromSql(default_text);
      if (int64_t hidden = ToInt(c[5]); hidden != 0) {
        column.computed = schema::Computed{"", hidden == 3};
        for (const auto& [col, sql] : text.generated) {
          if (SameName(col, column.name)) column.computed->sql = schema::WithoutOuterParens(sql);
        }
      }
      if (ToInt(c[4]) > 0) {
        pk.emplace_back(ToInt(c[4]), column.name);
        column.nullable = false;
      }
      t.columns.push_back(std::move(column));
    }
    if (!pk.empty()) {
      std::sort(pk.begin(), pk.end());
      schema::PrimaryKey key;
      for (const auto& [_, column] : pk) key.columns.push_back(column);
      if (auto c = take(ScannedConstraint::kPrimaryKey, key.columns, "")) key.name = c->name;
      t.primary_key = std::move(key);
    }

    // Foreign keys: pragma_foreign_key_list numbers them last declared first.
    std::vector<Row> fk_rows =
        Query("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete FROM "
              "pragma_foreign_key_list(?) ORDER BY id DESC, seq",
              {name});
    for (size_t i = 0; i < fk_rows.size();) {
      schema::ForeignKey fk;
      int64_t id = ToInt(fk_rows[i][0]);
      fk.referred_table = ToText(fk_rows[i][2]);
      fk.on_update = schema::ParseAction(ToText(fk_rows[i][5])).value_or(schema::Action::kNoAction);
      fk.on_delete = schema::ParseAction(ToText(fk_rows[i][6])).value_or(schema::Action::kNoAction);
      bool implicit = false;  // REFERENCES t without columns: t's primary key
      for (; i < fk_rows.size() && ToInt(fk_rows[i][0]) == id; ++i) {
        fk.columns.push_back(ToText(fk_rows[i][3]));
        if (!fk_rows[i][4]) implicit = true;
        fk.referred_columns.push_back(ToText(fk_rows[i][4]));
      }
      if (implicit) {
        std::vector<std::pair<int64_t, std::string>> parent;
        for (const Row& c : Query("SELECT pk, name FROM pragma_table_info(?) WHERE pk > 0", {fk.referred_table})) {
          parent.emplace_back(ToInt(c[0]), ToText(c[1]));
        }
        std::sort(parent.begin(), parent.end());
        fk.referred_columns.clear();
        for (const auto& [_, column] : parent) fk.referred_columns.push_back(column);
      }
      if (auto c = take(ScannedConstraint::kForeignKey, fk.columns, fk.referred_table)) {
        fk.name = c->name;
        fk.deferral = c->deferral;
      }
      t.foreign_keys.push_back(std::move(fk));
    }

    // Unique constraints and indexes.
    for (const Row& ix : Query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) "
                               "ORDER BY seq DESC",
                               {name})) {
      std::string origin = ToText(ix[2]);
      if (origin == "pk") continue;
      if (origin == "u") {
        schema::UniqueConstraint uq;
        for (const Row& c : Query("SELECT name FROM pragma_index_info(?) ORDER BY seqno", {ToText(ix[0])})) {
          uq.columns.push_back(ToText(c[0]));
        }
        if (auto c = take(ScannedConstraint::kUnique, uq.columns, "")) uq.name = c->name;
        t.uniques.push_back(std::move(uq));
      } else {
        schema::Index index;
        index.name = ToText(ix[0]);
        index.unique = ToInt(ix[1]) != 0;
        for (const Row& sql : Query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                                    {index.name})) {
          ReadIndexSql(ToText(sql[0]), index);
        }
        t.indexes.push_back(std::move(index));
      }
    }
    // SQLite makes no index for a UNIQUE the primary key or another UNIQUE
    // already covers: the text still declares it.
    for (const ScannedConstraint& c : scanned) {
      if (c.kind == ScannedConstraint::kUnique) t.uniques.push_back({c.name, c.columns});
    }
    for (const ScannedConstraint& c : text.constraints) {
      if (c.kind == ScannedConstraint::kCheck) t.checks.push_back({c.name, c.expr});
    }
    auto implied = [](auto& c) { c.implied = c.name.empty(); };
    if (t.primary_key) implied(*t.primary_key);
    for (auto& x : t.foreign_keys) implied(x);
    for (auto& x : t.uniques) implied(x);
    for (auto& x : t.checks) implied(x);
    out.tables.push_back(std::move(t));
  }
  // Views: the query of their CREATE VIEW text, as written.
  for (const Row& row : Query("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid")) {
    const std::string name = ToText(row[0]);
    if (skipped(name)) continue;
    out.views.push_back({name, ViewQuery(ToText(row[1]))});
  }
  for (const Row& row : Query("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY rowid")) {
    const std::string table = ToText(row[1]);
    if (skipped(table)) continue;
    out.triggers.push_back(TriggerFromSql(ToText(row[0]), table, ToText(row[2])));
  }
  schema::NameImplied(out);
  return out;
}

schema::Schema SqliteDialect::Normalize(const schema::Schema& schema) const {
  Schema out;
  out.naming = schema.naming;
  for (const Table& declared : schema.tables) {
    Table t = declared;
    t.comment.clear();
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const Column& d = declared.columns[i];
      Column& c = t.columns[i];
      // The SQL type and DEFAULT as ColumnDefinition writes them, read back.
      bool auto_increments = d.type.IsInteger() && declared.IsSolePrimaryKey(d.name) &&
                             d.autoincrement.value_or(true);
      c.type = TypeFromDeclared(auto_increments ? "INTEGER" : ColumnType(d.type, schema));
      c.server_default.reset();
      if (std::optional<schema::Default> mine = schema::DefaultFor(d.server_default, name())) {
        const schema::Default& def = *mine;
        switch (def.kind) {
          case schema::Default::Kind::kPerDialect: break;  // resolved above
          case schema::Default::Kind::kNow: c.server_default = DefaultFromSql("(CURRENT_TIMESTAMP)"); break;
          case schema::Default::Kind::kSql: c.server_default = DefaultFromSql("(" + def.value + ")"); break;
          case schema::Default::Kind::kLiteral:
            c.server_default = DefaultFromSql(Literal(d.type, def.value));
            break;
        }
      }
      c.autoincrement.reset();
      c.identity.reset();  // the rowid, or refused by ColumnDefinition
      if (c.computed) c.computed->stored = d.computed->stored.value_or(false);
      c.comment.clear();
      if (declared.primary_key &&
          std::find(declared.primary_key->columns.begin(), declared.primary_key->columns.end(),
                    d.name) != declared.primary_key->columns.end()) {
        c.nullable = false;
      }
      if (d.type.kind == TypeKind::kEnum && HasEnumCheck(d, schema)) {
        t.checks.push_back(EnumCheck(declared, d, schema));
      }
    }
    for (schema::CheckConstraint& ck : t.checks) ck.expr = TrimSpace(ck.expr);
    out.tables.push_back(std::move(t));
  }
  out.views = schema.views;  // their query as written is what SQLite keeps
  out.triggers = schema.triggers;  // likewise
  schema::NameImplied(out);
  return out;
}

}  // namespace retort::dialect
