// Portable column types: what a schema or migration file writes as `type:`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retort::schema {

enum class TypeKind {
  kInteger,
  kSmallInt,
  kBigInt,
  kFloat,
  kDouble,
  kNumeric,   // precision, scale optional
  kBoolean,
  kString,    // length optional
  kText,
  kBinary,
  kDate,
  kTime,
  kDateTime,  // timezone flag
  kUuid,
  kJson,
  kJsonb,
  kEnum,      // enum_name
  kChar,      // length optional: fixed-length, blank-padded
  kArray,     // element: one type, itself no array (PostgreSQL)
  kInterval,
  kInet,      // an IPv4 or IPv6 host address, with its subnet (PostgreSQL)
  kCidr,      // an IPv4 or IPv6 network (PostgreSQL)
  kMacaddr,   // a MAC address (PostgreSQL)
  kTsvector,  // a text search document (PostgreSQL)
  kRaw,       // per-dialect spellings
};

struct Type {
  TypeKind kind = TypeKind::kText;
  std::optional<int> length;     // string(n)
  std::optional<int> precision;  // numeric(p[,s])
  std::optional<int> scale;
  bool timezone = false;         // datetime(timezone)
  std::string enum_name;         // enum(name)
  std::vector<Type> element;     // array(T): T, the one entry
  std::map<std::string, std::string> raw;  // dialect name -> spelling

  bool operator==(const Type&) const = default;

  bool IsInteger() const {
    return kind == TypeKind::kInteger || kind == TypeKind::kSmallInt ||
           kind == TypeKind::kBigInt;
  }
  bool IsNumber() const {
    return IsInteger() || kind == TypeKind::kFloat ||
           kind == TypeKind::kDouble || kind == TypeKind::kNumeric;
  }
};

// Parses "string(255)", "numeric(10,2)", "datetime(timezone)",
// "enum(task_status)", "char(2)", "array(string(40))", ... Returns nullopt with `*error` set when the text
// names no portable type.
std::optional<Type> ParseType(std::string_view text, std::string* error);

// The portable spelling, the inverse of ParseType (raw types: "raw").
std::string FormatType(const Type& type);

// FormatType for messages: a raw type shows its spellings,
// "{postgresql: int8, sqlite: INTEGER}".
std::string DescribeType(const Type& type);

}  // namespace retort::schema
