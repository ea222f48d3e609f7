// Text files retort reads (schema files, scripts, the config) must be UTF-8
// without NUL bytes: names must mean the same in the database and in what
// retort writes back, and parsers misread (or, toml++, misbehave on) other
// bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace retort::format {

// The offset of the first byte of `text` that is a NUL or starts no
// well-formed UTF-8 sequence (overlong forms, surrogates and code points past
// U+10FFFF are not), or npos.
size_t FirstNonUtf8Text(std::string_view text);

// Throws Error(kInput) at the file:line:column of the first such byte of
// `text` (the content of `path`): "malformed <format>: a NUL byte" or "...:
// not valid UTF-8".
void RequireUtf8Text(std::string_view text, const std::string& path, std::string_view format);

}  // namespace retort::format
