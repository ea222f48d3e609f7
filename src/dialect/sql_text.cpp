#include "dialect/sql_text.h"

#include <algorithm>
#include <cctype>

namespace retort::dialect {

std::string QuoteLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (size_t from = 0;;) {
    const size_t quote = text.find('\'', from);
    out.append(text.substr(from, quote == std::string_view::npos ? std::string_view::npos : quote + 1 - from));
    if (quote == std::string_view::npos) break;
    out += '\'';
    from = quote + 1;
  }
  out += '\'';
  return out;
}

bool IsNumberLiteral(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool digits = false, dot = false, exp = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits && !exp) {
      exp = true;
      digits = false;
      if (i + 1 < s.size() && (s[i + 1] == '-' || s[i + 1] == '+')) ++i;
    } else {
      return false;
    }
  }
  return digits;
}

std::optional<bool> BooleanValue(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return true;
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

bool IsReservedWord(std::string_view word) {
  // Keywords of SQLite and PostgreSQL that cannot stand as bare names.
  static constexpr std::string_view kWords[] = {
      "abort", "action", "add", "all", "alter", "analyse", "analyze", "and", "any",
      "array", "as", "asc", "asymmetric", "attach", "authorization",
      "autoincrement", "before", "begin", "between", "binary", "both", "by",
      "cascade", "case", "cast", "check", "collate", "collation", "column",
      "commit", "concurrently", "conflict", "constraint", "create", "cross",
      "current", "current_catalog", "current_date", "current_role",
      "current_schema", "current_time", "current_timestamp", "current_user",
      "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct",
      "do", "drop", "each", "else", "end", "escape", "except", "exclusive",
      "exists", "explain", "fail", "false", "fetch", "for", "foreign", "freeze",
      "from", "full", "glob", "grant", "group", "having", "if", "ignore", "ilike",
      "immediate", "in", "index", "initially", "inner", "insert", "instead",
      "intersect", "into", "is", "isnull", "join", "key", "lateral", "leading",
      "left", "like", "limit", "localtime", "localtimestamp", "match", "natural",
      "no", "not", "notnull", "null", "of", "offset", "on", "only", "or", "order",
      "outer", "overlaps", "placing", "primary", "references", "returning",
      "right", "rowid", "select", "session_user", "set", "similar", "some",
      "symmetric", "system_user", "table", "tablesample", "then", "to",
      "trailing", "transaction", "trigger", "true", "union", "unique", "update",
      "user", "using", "values", "variadic", "verbose", "view", "virtual", "when",
      "where", "window", "with", "without"};
  // Sorted: a binary search, without allocating (identifiers are quoted by
  // the thousand).
  if (word.size() > 17) return false;  // longer than any of them
  char lower[18];
  for (size_t i = 0; i < word.size(); ++i) lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(word[i])));
  return std::binary_search(std::begin(kWords), std::end(kWords), std::string_view(lower, word.size()));
}

std::string QuoteIdentifier(std::string_view identifier) {
  bool bare = !identifier.empty() &&
              !std::isdigit(static_cast<unsigned char>(identifier[0])) &&
              std::all_of(identifier.begin(), identifier.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
              }) &&
              !IsReservedWord(identifier);
  if (bare) return std::string(identifier);
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ToUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string TrimSpace(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
  return std::string(text.substr(b, e - b));
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += QuoteIdentifier(n);
  }
  return out;
}

}  // namespace retort::dialect
