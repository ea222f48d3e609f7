// SQL text helpers shared by the dialects.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/schema.h"

namespace retort::dialect {

// 'it''s'
std::string QuoteLiteral(std::string_view text);

// True for text that is a plain SQL number (-1, 2.5, 1e3).
bool IsNumberLiteral(std::string_view text);

// true for true, yes, on, 1 and false for false, no, off, 0 (any case);
// nullopt for anything else.
std::optional<bool> BooleanValue(std::string_view text);

// True for a SQL keyword that cannot be used as a bare identifier.
bool IsReservedWord(std::string_view word);

// "x" unless `identifier` is a lower-case bare word that is not reserved.
std::string QuoteIdentifier(std::string_view identifier);

// Case and white-space helpers for reading SQL back.
std::string ToLower(std::string_view text);
std::string ToUpper(std::string_view text);
std::string TrimSpace(std::string_view text);

// Quote(a), Quote(b), ...
std::string QuotedList(const std::vector<std::string>& names);

}  // namespace retort::dialect
