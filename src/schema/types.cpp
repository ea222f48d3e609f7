#include "schema/types.h"

#include <charconv>
#include <string>
#include <utility>
#include <vector>

namespace retort::schema {
namespace {

struct Simple {
  std::string_view name;
  TypeKind kind;
};

constexpr Simple kSimple[] = {
    {"integer", TypeKind::kInteger}, {"smallint", TypeKind::kSmallInt},
    {"bigint", TypeKind::kBigInt},   {"float", TypeKind::kFloat},
    {"double", TypeKind::kDouble},   {"numeric", TypeKind::kNumeric},
    {"boolean", TypeKind::kBoolean}, {"string", TypeKind::kString},
    {"text", TypeKind::kText},       {"binary", TypeKind::kBinary},
    {"date", TypeKind::kDate},       {"time", TypeKind::kTime},
    {"datetime", TypeKind::kDateTime}, {"uuid", TypeKind::kUuid},
    {"json", TypeKind::kJson},       {"jsonb", TypeKind::kJsonb},
    {"enum", TypeKind::kEnum},       {"char", TypeKind::kChar},
    {"array", TypeKind::kArray},     {"interval", TypeKind::kInterval},
    {"inet", TypeKind::kInet},       {"cidr", TypeKind::kCidr},
    {"macaddr", TypeKind::kMacaddr}, {"tsvector", TypeKind::kTsvector},
};

// Other spellings of the portable types (SQL's and SQLAlchemy's names), read
// as the canonical name so that two files saying the same in different
// words never differ.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"int", "integer"},       {"int4", "integer"},     {"int2", "smallint"},
    {"int8", "bigint"},       {"bool", "boolean"},     {"real", "float"},
    {"float4", "float"},      {"float8", "double"},    {"decimal", "numeric"},
    {"varchar", "string"},    {"blob", "binary"},      {"bytes", "binary"},
    {"timestamp", "datetime"}, {"character", "char"},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::optional<int> ParseInt(std::string_view s) {
  s = Trim(s);
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> SplitArgs(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',') {
      out.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

std::optional<Type> ParseType(std::string_view text, std::string* error) {
  text = Trim(text);
  std::string_view name = text;
  std::optional<std::vector<std::string_view>> args;
  if (size_t open = text.find('('); open != std::string_view::npos) {
    if (text.back() != ')') {
      *error = "unbalanced parentheses in type '" + std::string(text) + "'";
      return std::nullopt;
    }
    name = Trim(text.substr(0, open));
    if (name == "array") {
      // Its element may have arguments of its own, commas included.
      std::optional<Type> element = ParseType(text.substr(open + 1, text.size() - open - 2), error);
      if (!element) return std::nullopt;
      if (element->kind == TypeKind::kArray) {
        *error = "type '" + std::string(text) + "': an array's elements cannot be arrays "
                 "(array(T) holds any number of dimensions)";
        return std::nullopt;
      }
      if (element->kind == TypeKind::kRaw) {
        *error = "type '" + std::string(text) + "': an array's element must be a portable type";
        return std::nullopt;
      }
      Type type{.kind = TypeKind::kArray};
      type.element.push_back(std::move(*element));
      return type;
    }
    args = SplitArgs(text.substr(open + 1, text.size() - open - 2));
  }
  for (const auto& [alias, canonical] : kAliases) {
    if (alias == name) name = canonical;
  }
  if (name == "timestamptz" && !args) return Type{.kind = TypeKind::kDateTime, .timezone = true};
  const Simple* found = nullptr;
  for (const Simple& s : kSimple) {
    if (s.name == name) found = &s;
  }
  if (found == nullptr) {
    *error = "unknown type '" + std::string(text) +
             "' (portable types: integer, smallint, bigint, float, double, "
             "numeric(p,s), boolean, string(n), text, binary, date, time, "
             "datetime, datetime(timezone), uuid, json, jsonb, enum(name), char(n), "
             "array(T), interval, inet, cidr, macaddr, tsvector; "
             "or a map of per-dialect spellings)";
    return std::nullopt;
  }
  Type type;
  type.kind = found->kind;
  auto bad_args = [&](std::string_view expected) {
    *error = "type '" + std::string(text) + "': expected " +
             std::string(expected);
    return std::nullopt;
  };
  switch (type.kind) {
    case TypeKind::kString:
      if (args) {
        if (args->size() != 1 || !(type.length = ParseInt((*args)[0]))) {
          return bad_args("string or string(n) with n > 0");
        }
      }
      break;
    case TypeKind::kChar:
      if (args) {
        if (args->size() != 1 || !(type.length = ParseInt((*args)[0]))) {
          return bad_args("char or char(n) with n > 0");
        }
      }
      break;
    case TypeKind::kArray:
      return bad_args("array(T) naming the element's type");
    case TypeKind::kNumeric:
      if (args) {
        if (args->empty() || args->size() > 2 ||
            !(type.precision = ParseInt((*args)[0]))) {
          return bad_args("numeric, numeric(p) or numeric(p,s)");
        }
        if (args->size() == 2) {
          int scale = -1;
          std::string_view s = (*args)[1];
          auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), scale);
          if (ec != std::errc() || end != s.data() + s.size() || scale < 0 ||
              scale > *type.precision) {
            return bad_args("numeric(p,s) with 0 <= s <= p");
          }
          type.scale = scale;
        }
      }
      break;
    case TypeKind::kDateTime:
    case TypeKind::kTime:
      if (args) {
        if (args->size() != 1 || (*args)[0] != "timezone") {
          return bad_args(type.kind == TypeKind::kTime
                              ? "time or time(timezone)"
                              : "datetime or datetime(timezone)");
        }
        type.timezone = true;
      }
      break;
    case TypeKind::kEnum:
      if (!args || args->size() != 1 || (*args)[0].empty()) {
        return bad_args("enum(name) naming an enum of the schema");
      }
      type.enum_name = std::string((*args)[0]);
      break;
    default:
      if (args) return bad_args(std::string(found->name) + " without arguments");
  }
  return type;
}

std::string FormatType(const Type& type) {
  std::string name;
  for (const Simple& s : kSimple) {
    if (s.kind == type.kind) name = std::string(s.name);
  }
  switch (type.kind) {
    case TypeKind::kString:
    case TypeKind::kChar:
      if (type.length) name += "(" + std::to_string(*type.length) + ")";
      break;
    case TypeKind::kArray:
      name += "(" + (type.element.empty() ? std::string("?") : FormatType(type.element[0])) + ")";
      break;
    case TypeKind::kNumeric:
      if (type.precision) {
        name += "(" + std::to_string(*type.precision);
        if (type.scale) name += "," + std::to_string(*type.scale);
        name += ")";
      }
      break;
    case TypeKind::kDateTime:
    case TypeKind::kTime:
      if (type.timezone) name += "(timezone)";
      break;
    case TypeKind::kEnum:
      name += "(" + type.enum_name + ")";
      break;
    case TypeKind::kRaw:
      name = "raw";
      break;
    default:
      break;
  }
  return name;
}

std::string DescribeType(const Type& type) {
  if (type.kind != TypeKind::kRaw) return FormatType(type);
  std::string out;
  for (const auto& [dialect, spelling] : type.raw) {
    out += (out.empty() ? "" : ", ") + dialect + ": " + spelling;
  }
  return "{" + out + "}";
}

}  // namespace retort::schema
