#include "format/toml.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>
#include <string>

#include <toml++/toml.h>

#include "format/utf8.h"
#include "retort/error.h"

namespace retort::format {
namespace {


// toml++ 3.3 reaches code it marks unreachable (undefined behaviour) when it
// asks whether a character that is not ASCII is white space, which it does
// outside strings and, reading a malformed value, inside what would be
// one. So it is given ASCII only: in a "..." string each such character
// becomes its \uXXXX escape (the same string), in a comment a '?'; outside
// strings and comments TOML allows none, and in a '...' string (where no
// escape exists) one is refused, at its place. Columns toml++ reports after
// an escaped character on the same line are off by the escape's length.
std::string AsciiForToml(const std::string& text, const std::string& path) {
  enum class In { kValue, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral } in = In::kValue;
  std::string out;
  out.reserve(text.size());
  int line = 1, column = 1;
  auto at = [&](size_t i, std::string_view s) { return text.compare(i, s.size(), s) == 0; };
  auto fail = [&](const std::string& message) {
    throw Error(ErrorKind::kInput, message, Location{.file = path, .line = line, .column = column});
  };
  // A byte-order mark may start the file; the reader is given none.
  for (size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0; i < text.size(); ++column) {
    const auto c = static_cast<unsigned char>(text[i]);
    // REQUIRES: valid UTF-8 (checked before).
    size_t width = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c == '\n') {
      ++line;
      column = 0;
      if (in == In::kComment || in == In::kBasic || in == In::kLiteral) in = In::kValue;
    }
    if (c >= 0x80) {
      char32_t cp = width == 2 ? c & 0x1F : width == 3 ? c & 0x0F : c & 0x07;
      for (size_t k = 1; k < width; ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
      switch (in) {
        case In::kComment: out += '?'; break;
        case In::kBasic:
        case In::kMultiBasic:
          out += cp > 0xFFFF ? fmt::format("\\U{:08X}", static_cast<uint32_t>(cp))
                             : fmt::format("\\u{:04X}", static_cast<uint32_t>(cp));
          break;
        case In::kLiteral:
        case In::kMultiLiteral:
          fail("a character that is not ASCII in a '...' string cannot be read here (the TOML "
               "reader misreads it); write the string in \"...\"");
          break;
        case In::kValue:
          fail("a character that is not ASCII outside a string or a comment (TOML allows none "
               "there)");
          break;
      }
      i += width;
      continue;
    }
    switch (in) {
      case In::kValue:
        if (c == '#') {
          in = In::kComment;
        } else if (at(i, "\"\"\"")) {
          in = In::kMultiBasic;
          width = 3;
        } else if (at(i, "'''")) {
          in = In::kMultiLiteral;
          width = 3;
        } else if (c == '"') {
          in = In::kBasic;
        } else if (c == '\'') {
          in = In::kLiteral;
        }
        break;
      case In::kComment: break;
      case In::kBasic:
      case In::kMultiBasic:
        if (c == '\\' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80) {
          fail("an escape of a character that is not ASCII (TOML has none)");
        } else if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
          width = 2;  // an escape: the next character is not the end
        } else if (in == In::kBasic && c == '"') {
          in = In::kValue;
        } else if (in == In::kMultiBasic && at(i, "\"\"\"")) {
          in = In::kValue;
          width = 3;
          while (width < 5 && at(i + width, "\"")) ++width;  // """a"""" ends in a quote
        }
        break;
      case In::kLiteral:
        if (c == '\'') in = In::kValue;
        break;
      case In::kMultiLiteral:
        if (at(i, "'''")) {
          in = In::kValue;
          width = 3;
          while (width < 5 && at(i + width, "'")) ++width;
        }
        break;
    }
    out.append(text, i, width);
    column += static_cast<int>(width) - 1;  // quotes or an escape at once
    i += width;
  }
  return out;
}


void SetMark(NodeData& n, const toml::node& node) {
  n.line = static_cast<int>(node.source().begin.line);
  n.column = static_cast<int>(node.source().begin.column);
}

const NodeData* Convert(Document& doc, const toml::node& node) {
  NodeData& n = doc.Add();
  SetMark(n, node);
  if (const toml::table* table = node.as_table()) {
    n.kind = NodeKind::kMap;
    // In file order (toml++ keeps a table's keys sorted).
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, value] : *table) entries.emplace_back(&key, &value);
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      const toml::source_position& x = a.first->source().begin;
      const toml::source_position& y = b.first->source().begin;
      return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    for (const auto& [key_at, value_at] : entries) {
      const toml::key& key = *key_at;
      const toml::node& value = *value_at;
      NodeData& k = doc.Add();
      k.kind = NodeKind::kScalar;
      k.style = ScalarStyle::kString;
      k.text = std::string(key.str());
      k.line = static_cast<int>(key.source().begin.line);
      k.column = static_cast<int>(key.source().begin.column);
      n.children.push_back(&k);
      n.children.push_back(Convert(doc, value));
    }
    return &n;
  }
  if (const toml::array* array = node.as_array()) {
    n.kind = NodeKind::kSequence;
    for (const toml::node& item : *array) n.children.push_back(Convert(doc, item));
    return &n;
  }
  n.kind = NodeKind::kScalar;
  if (const auto* s = node.as_string()) {
    n.style = ScalarStyle::kString;
    n.text = s->get();
  } else if (const auto* i = node.as_integer()) {
    n.style = ScalarStyle::kInteger;
    n.text = std::to_string(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    n.style = ScalarStyle::kFloat;
    n.text = fmt::format("{}", f->get());
  } else if (const auto* b = node.as_boolean()) {
    n.style = ScalarStyle::kBoolean;
    n.text = b->get() ? "true" : "false";
  } else {
    n.style = ScalarStyle::kDate;
    std::ostringstream text;
    node.visit([&](const auto& v) { text << v; });
    n.text = text.str();
  }
  return &n;
}

}  // namespace

Document ParseToml(const std::string& text, const std::string& path) {
  // toml++ misbehaves on bytes that are not UTF-8 (it reaches code it marks
  // unreachable): they are refused first, as in every file retort reads.
  RequireUtf8Text(text, path, "TOML");
  const std::string ascii = AsciiForToml(text, path);
  toml::table table;
  try {
    table = toml::parse(ascii, path);
  } catch (const toml::parse_error& e) {
    throw Error(ErrorKind::kInput, "malformed TOML: " + std::string(e.description()),
                Location{.file = path, .line = static_cast<int>(e.source().begin.line),
                         .column = static_cast<int>(e.source().begin.column)});
  }
  Document doc;
  doc.set_root(Convert(doc, table));
  return doc;
}

}  // namespace retort::format
