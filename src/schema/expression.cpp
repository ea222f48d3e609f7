#include "schema/expression.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace retort::schema {
namespace {

bool IsWord(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

struct Token {
  enum class Kind { kWord, kQuoted, kString, kOther };
  Kind kind;
  size_t begin, end;  // the token's text in the expression
  std::string name;   // a word's or quoted identifier's name
};

// The expression's tokens: words, "quoted" identifiers, 'string' literals
// ('' inside; E'...' with backslash escapes, $tag$...$tag$), comments (as
// strings: opaque), and every other character on its own (spaces
// included). `*unterminated` (when given) is set when a string, quoted
// name or comment runs to the end.
std::vector<Token> Tokens(const std::string& expr, bool* unterminated = nullptr) {
  std::vector<Token> out;
  size_t i = 0;
  auto opaque_until = [&](size_t from, const std::string& close) {
    size_t end = expr.find(close, from);
    if (end == std::string::npos) {
      if (unterminated) *unterminated = true;
      return expr.size();
    }
    return end + close.size();
  };
  while (i < expr.size()) {
    char c = expr[i];
    if (c == '-' && i + 1 < expr.size() && expr[i + 1] == '-') {
      size_t j = expr.find('\n', i);
      j = j == std::string::npos ? expr.size() : j;
      out.push_back({Token::Kind::kString, i, j, ""});
      i = j;
    } else if (c == '/' && i + 1 < expr.size() && expr[i + 1] == '*') {
      size_t j = opaque_until(i + 2, "*/");
      out.push_back({Token::Kind::kString, i, j, ""});
      i = j;
    } else if ((c == 'E' || c == 'e') && i + 1 < expr.size() && expr[i + 1] == '\'' &&
               (i == 0 || !IsWord(expr[i - 1]))) {
      // E'...': a backslash escapes the next character.
      size_t j = i + 2;
      while (j < expr.size() && expr[j] != '\'') j += expr[j] == '\\' ? 2 : 1;
      if (j >= expr.size()) {
        if (unterminated) *unterminated = true;
        j = expr.size();
      } else {
        ++j;
      }
      out.push_back({Token::Kind::kString, i, j, ""});
      i = j;
    } else if (c == '$' && (i == 0 || !IsWord(expr[i - 1]))) {
      // $tag$ ... $tag$ (a tag of word characters, or none).
      size_t j = i + 1;
      while (j < expr.size() && IsWord(expr[j]) && !std::isdigit(static_cast<unsigned char>(expr[i + 1]))) ++j;
      if (j < expr.size() && expr[j] == '$') {
        std::string tag = expr.substr(i, j - i + 1);
        size_t end = opaque_until(j + 1, tag);
        out.push_back({Token::Kind::kString, i, end, ""});
        i = end;
      } else {
        out.push_back({Token::Kind::kOther, i, i + 1, ""});
        ++i;
      }
    } else if (c == '\'') {
      size_t j = i + 1;
      while (j < expr.size() && !(expr[j] == '\'' && (j + 1 >= expr.size() || expr[j + 1] != '\''))) {
        j += expr[j] == '\'' ? 2 : 1;
      }
      if (j >= expr.size() && unterminated) *unterminated = true;
      j = std::min(j + 1, expr.size());
      out.push_back({Token::Kind::kString, i, j, ""});
      i = j;
    } else if (c == '"') {
      size_t j = i + 1;
      std::string name;
      while (j < expr.size()) {
        if (expr[j] == '"' && j + 1 < expr.size() && expr[j + 1] == '"') {
          name += '"';
          j += 2;
        } else if (expr[j] == '"') {
          break;
        } else {
          name += expr[j++];
        }
      }
      if (j >= expr.size() && unterminated) *unterminated = true;
      j = std::min(j + 1, expr.size());
      out.push_back({Token::Kind::kQuoted, i, j, name});
      i = j;
    } else if (IsWord(c)) {
      size_t j = i;
      while (j < expr.size() && IsWord(expr[j])) ++j;
      out.push_back({Token::Kind::kWord, i, j, expr.substr(i, j - i)});
      i = j;
    } else {
      out.push_back({Token::Kind::kOther, i, i + 1, ""});
      ++i;
    }
  }
  return out;
}

std::string ToLowerWord(const std::string& word) {
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Words that are SQL, not names, in the expressions indexes and checks hold.
bool IsKeyword(const std::string& word) {
  static constexpr std::string_view kWords[] = {
      "all",     "and",     "any",     "array",   "as",       "asc",       "between",
      "both",    "case",    "cast",    "collate", "current_date", "current_time",
      "current_timestamp", "desc", "distinct", "else", "end", "escape", "false",
      "first",   "from",    "ilike",   "in",      "is",       "isnull",    "last",
      "leading", "like",    "not",     "notnull", "null",     "nulls",     "or",
      "similar", "some",    "then",    "trailing", "true",    "when"};
  return std::find(std::begin(kWords), std::end(kWords), ToLowerWord(word)) != std::end(kWords);
}

}  // namespace

std::string RenameIdentifier(const std::string& expr, const std::string& from,
                             const std::string& to, bool always_quote) {
  bool bare_ok = !always_quote && !to.empty() && !std::isdigit(static_cast<unsigned char>(to[0])) &&
                 std::all_of(to.begin(), to.end(), [&](char c) { return IsWord(c); });
  std::string quoted_to = "\"";
  for (char c : to) quoted_to += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted_to += "\"";
  std::string out;
  for (const Token& t : Tokens(expr)) {
    if (t.kind == Token::Kind::kQuoted && t.name == from) {
      out += quoted_to;
    } else if (t.kind == Token::Kind::kWord && t.name == from) {
      out += bare_ok ? to : quoted_to;
    } else {
      out += expr.substr(t.begin, t.end - t.begin);
    }
  }
  return out;
}

std::string RenameColumnInQuery(const std::string& sql, const std::string& from, const std::string& to) {
  std::vector<Token> tokens = Tokens(sql);
  auto significant = [&](size_t j) {
    return tokens[j].kind != Token::Kind::kOther || !std::isspace(static_cast<unsigned char>(sql[tokens[j].begin]));
  };
  auto prev = [&](size_t i) -> long {
    for (long j = static_cast<long>(i) - 1; j >= 0; --j) {
      if (significant(static_cast<size_t>(j))) return j;
    }
    return -1;
  };
  auto next = [&](size_t i) -> size_t {
    for (size_t j = i + 1; j < tokens.size(); ++j) {
      if (significant(j)) return j;
    }
    return tokens.size();
  };
  auto is_char = [&](long j, char c) {
    return j >= 0 && static_cast<size_t>(j) < tokens.size() && tokens[j].kind == Token::Kind::kOther &&
           sql[tokens[j].begin] == c;
  };
  auto is_word = [&](long j, const char* word) {
    return j >= 0 && static_cast<size_t>(j) < tokens.size() && tokens[j].kind == Token::Kind::kWord &&
           ToLowerWord(tokens[j].name) == word;
  };
  const bool bare_from = !from.empty() && !std::isdigit(static_cast<unsigned char>(from[0])) &&
                         std::all_of(from.begin(), from.end(), [](char c) {
                           return IsWord(c) && !std::isupper(static_cast<unsigned char>(c));
                         }) && !IsKeyword(from);
  std::string quoted_from = "\"";
  for (char c : from) quoted_from += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted_from += "\"";
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    bool match = (t.kind == Token::Kind::kQuoted || t.kind == Token::Kind::kWord) && t.name == from;
    if (!match) {
      out += sql.substr(t.begin, t.end - t.begin);
      continue;
    }
    out += RenameIdentifier(sql.substr(t.begin, t.end - t.begin), from, to, true);
    // "to AS to" (renamed back) says no more than "to".
    size_t as = next(i);
    if (is_word(static_cast<long>(as), "as")) {
      size_t alias = next(as);
      if (alias < tokens.size() && (tokens[alias].kind == Token::Kind::kWord || tokens[alias].kind == Token::Kind::kQuoted) &&
          tokens[alias].name == to) {
        i = alias;
        continue;
      }
    }
    // A whole select-list item (perhaps table.column): it keeps its name.
    long start = static_cast<long>(i);
    while (is_char(prev(static_cast<size_t>(start)), '.')) {
      long q = prev(static_cast<size_t>(prev(static_cast<size_t>(start))));
      if (q < 0 || (tokens[q].kind != Token::Kind::kWord && tokens[q].kind != Token::Kind::kQuoted)) break;
      start = q;
    }
    long before = prev(static_cast<size_t>(start));
    size_t after = next(i);
    bool item_start = is_char(before, ',') || is_word(before, "select") || is_word(before, "distinct") ||
                      is_word(before, "all");
    bool item_end = after == tokens.size() || is_char(static_cast<long>(after), ',') ||
                    is_word(static_cast<long>(after), "from");
    if (item_start && item_end) {
      out += " AS " + (bare_from ? from : quoted_from);
    }
  }
  return out;
}

std::vector<std::string> ExpressionColumns(const std::string& expr) {
  std::vector<Token> tokens = Tokens(expr);
  // The next token that is not a space.
  auto next = [&](size_t i) -> const Token* {
    for (size_t j = i + 1; j < tokens.size(); ++j) {
      if (tokens[j].kind != Token::Kind::kOther || !std::isspace(static_cast<unsigned char>(expr[tokens[j].begin]))) {
        return &tokens[j];
      }
    }
    return nullptr;
  };
  std::vector<std::string> out;
  bool in_type = false;  // after "::", the words of a type name
  bool after_collate = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind == Token::Kind::kOther) {
      char c = expr[t.begin];
      if (c == ':' && i + 1 < tokens.size() && tokens[i + 1].kind == Token::Kind::kOther &&
          expr[tokens[i + 1].begin] == ':') {
        in_type = true;
        ++i;
      } else if (!std::isspace(static_cast<unsigned char>(c))) {
        in_type = false;
      }
      continue;
    }
    if (t.kind == Token::Kind::kString || in_type) continue;
    if (after_collate) {  // a collation's name
      after_collate = false;
      continue;
    }
    if (t.kind == Token::Kind::kWord &&
        (std::isdigit(static_cast<unsigned char>(t.name[0])) || IsKeyword(t.name))) {
      after_collate = ToLowerWord(t.name) == "collate";
      continue;
    }
    const Token* after = next(i);
    if (after && after->kind == Token::Kind::kOther &&
        (expr[after->begin] == '(' || expr[after->begin] == '.')) {
      continue;
    }
    if (std::find(out.begin(), out.end(), t.name) == out.end()) out.push_back(t.name);
  }
  return out;
}

namespace {

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e + 1 - b);
}

// The index of the token closing the "(" at tokens[open] (tokens.size(): none).
size_t Closing(const std::string& expr, const std::vector<Token>& tokens, size_t open) {
  int depth = 0;
  for (size_t j = open; j < tokens.size(); ++j) {
    if (tokens[j].kind != Token::Kind::kOther) continue;
    char c = expr[tokens[j].begin];
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return j;
  }
  return tokens.size();
}

}  // namespace

std::string WithoutOuterParens(const std::string& expr) {
  std::string out = Trimmed(expr);
  while (out.size() >= 2 && out.front() == '(' && out.back() == ')') {
    std::vector<Token> tokens = Tokens(out);
    if (Closing(out, tokens, 0) != tokens.size() - 1) break;
    out = Trimmed(out.substr(1, out.size() - 2));
  }
  return out;
}

bool IsFunctionCall(const std::string& expr) {
  std::string text = Trimmed(expr);
  std::vector<Token> tokens = Tokens(text);
  size_t i = 0;
  // A name, perhaps qualified: word or "quoted", '.' between.
  while (i < tokens.size()) {
    if (tokens[i].kind != Token::Kind::kWord && tokens[i].kind != Token::Kind::kQuoted) return false;
    if (tokens[i].kind == Token::Kind::kWord && IsKeyword(tokens[i].name)) return false;
    ++i;
    if (i < tokens.size() && tokens[i].kind == Token::Kind::kOther && text[tokens[i].begin] == '.') {
      ++i;
      continue;
    }
    break;
  }
  if (i == 0 || i >= tokens.size() || tokens[i].kind != Token::Kind::kOther || text[tokens[i].begin] != '(') {
    return false;
  }
  return Closing(text, tokens, i) == tokens.size() - 1;
}

bool ExpressionUses(const std::string& expr, const std::string& column) {
  std::vector<std::string> used = ExpressionColumns(expr);
  return std::find(used.begin(), used.end(), column) != used.end();
}

std::string CanonicalQuery(const std::string& sql) {
  std::string out;
  bool space = false;
  for (const Token& t : Tokens(sql)) {
    std::string text = sql.substr(t.begin, t.end - t.begin);
    if (t.kind == Token::Kind::kOther && std::isspace(static_cast<unsigned char>(text[0]))) {
      space = true;
      continue;
    }
    // Bare names and keywords in any case are the same; a quoted name is
    // the same bare only when it is in lower case already.
    if (t.kind == Token::Kind::kWord) text = ToLowerWord(text);
    if (t.kind == Token::Kind::kQuoted && !t.name.empty() &&
        !std::isdigit(static_cast<unsigned char>(t.name[0])) &&
        std::all_of(t.name.begin(), t.name.end(),
                    [](char c) { return IsWord(c) && !std::isupper(static_cast<unsigned char>(c)); })) {
      text = t.name;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += text;
  }
  return out;
}

bool MentionsName(const std::string& sql, const std::string& name) {
  for (const Token& t : Tokens(sql)) {
    if (t.kind == Token::Kind::kQuoted && t.name == name) return true;
    if (t.kind == Token::Kind::kWord && ToLowerWord(t.name) == ToLowerWord(name)) return true;
  }
  return false;
}

bool BalancedParens(const std::string& sql) {
  int depth = 0;
  for (const Token& t : Tokens(sql)) {
    if (t.kind != Token::Kind::kOther) continue;
    if (sql[t.begin] == '(') ++depth;
    if (sql[t.begin] == ')' && --depth < 0) return false;
  }
  return depth == 0;
}

std::string TriggerBody(const std::string& sql) {
  std::string text = Trimmed(sql);
  while (!text.empty() && text.back() == ';') text = Trimmed(text.substr(0, text.size() - 1));
  if (text.empty()) return "";
  bool unterminated = false;
  int cases = 0;
  for (const Token& t : Tokens(text, &unterminated)) {
    if (t.kind == Token::Kind::kString && text.compare(t.begin, 2, "--") == 0) return "";
    if (t.kind != Token::Kind::kWord) continue;
    std::string word = ToLowerWord(t.name);
    if (word == "case") ++cases;
    if (word == "end" && --cases < 0) return "";  // it would end the trigger
    if (word == "begin") return "";
  }
  if (unterminated || cases != 0) return "";
  return text;
}

std::string OneStatement(const std::string& sql) {
  std::string text = sql;
  auto trim = [](std::string& t) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    size_t b = 0;
    while (b < t.size() && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
    t.erase(0, b);
  };
  trim(text);
  if (!text.empty() && text.back() == ';') {
    text.pop_back();
    trim(text);
  }
  bool unterminated = false;
  for (const Token& t : Tokens(text, &unterminated)) {
    if (t.kind == Token::Kind::kOther && text[t.begin] == ';') return "";
    // A -- comment would hide what is written after the text (a ';').
    if (t.kind == Token::Kind::kString && text.compare(t.begin, 2, "--") == 0) return "";
  }
  if (unterminated) return "";
  return text;
}

}  // namespace retort::schema
