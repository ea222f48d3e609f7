// Reading TOML (retort.toml) into the document model: a table is a map, an
// array a sequence, a value a scalar whose style is its TOML type
// (kString, kInteger, kFloat, kBoolean, kDate) and whose text is its value
// (a string's characters; an integer in decimal; a float as the shortest
// text that reads back as it; true or false; a date or time as written in
// RFC 3339). Every node has the line and column of its value.
#pragma once

#include <string>

#include "format/document.h"

namespace retort::format {

// Parses `text`, the content of `path`. Throws Error(kInput) at
// file:line:column on text that is not UTF-8 or not TOML, or a character
// that is not ASCII outside a "..." string or a comment.
Document ParseToml(const std::string& text, const std::string& path);

}  // namespace retort::format
