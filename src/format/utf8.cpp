#include "format/utf8.h"

#include <algorithm>

#include "retort/error.h"

namespace retort::format {

size_t FirstNonUtf8Text(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (c == 0) {
      return i;
    } else if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (text.size() - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

void RequireUtf8Text(std::string_view text, const std::string& path, std::string_view format) {
  const size_t at = FirstNonUtf8Text(text);
  if (at == std::string_view::npos) return;
  const size_t line_start = text.rfind('\n', at) + 1;  // 0 when none
  Location where{.file = path,
                 .line = static_cast<int>(std::count(text.begin(), text.begin() + at, '\n')) + 1,
                 .column = static_cast<int>(at - line_start) + 1};
  throw Error(ErrorKind::kInput,
              "malformed " + std::string(format) + ": " +
                  (text[at] == '\0' ? "a NUL byte" : "not valid UTF-8"),
              where);
}

}  // namespace retort::format
