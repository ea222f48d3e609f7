#include "format/writer.h"

#include <stdexcept>

#include "format/document.h"

namespace retort::format {
namespace {

constexpr std::string_view kNoPlainStart = ",[]{}#&*!|>'\"%@`";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsBreakAt(std::string_view s, size_t i) {
  return i < s.size() && (s[i] == '\n' || s[i] == '\r');
}

bool IsBlankOrBreakAt(std::string_view s, size_t i) {
  return (i < s.size() && IsBlank(s[i])) || IsBreakAt(s, i);
}

// Not c-printable: C0 controls but tab and line breaks, DEL, C1 controls
// but NEL.
bool IsNotPrintableAt(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c <= 0x08 || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F) || c == 0x7F) return true;
  if (c == 0xC2 && i + 1 < s.size()) {
    const auto d = static_cast<unsigned char>(s[i + 1]);
    return (d >= 0x80 && d <= 0x84) || (d >= 0x86 && d <= 0x9F);
  }
  return false;
}

// True when `s` may be written without quotes: YAML reads it back as the
// same string, never as null, and it holds no character that ends or
// breaks a plain scalar in its context.
bool IsPlain(std::string_view s, bool flow) {
  if (IsYamlNullText(s)) return false;
  const char c = s[0];
  if (IsBlankOrBreakAt(s, 0)) return false;
  if (kNoPlainStart.find(c) != std::string_view::npos) return false;
  const bool at_end = s.size() == 1;
  if (flow) {
    // A ':' first is a value indicator to a reader in flow context, text
    // after it or not.
    if (c == '?' || c == ':') return false;
    if (c == '-' && (at_end || IsBlank(s[1]))) return false;
  } else if ((c == '-' || c == '?' || c == ':') && (at_end || IsBlankOrBreakAt(s, 1))) {
    return false;
  }
  if (s.back() == ' ') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const bool last = i + 1 == s.size();
    if (ch == ':' && (last || IsBlankOrBreakAt(s, i + 1) ||
                      (flow && (s[i + 1] == ',' || s[i + 1] == ']' || s[i + 1] == '}')))) {
      return false;
    }
    if (flow && std::string_view(",?[]{}").find(ch) != std::string_view::npos) return false;
    if (IsBlank(ch) && !last && s[i + 1] == '#') return false;
    // Breaks (a lone CR, NEL, U+2028 and U+2029 too, which a reader takes
    // for one in plain text), tabs and what YAML cannot print.
    if (ch == '\n' || ch == '\r' || ch == '\t' || IsNotPrintableAt(s, i)) return false;
    if (s.compare(i, 2, "\xC2\x85") == 0 || s.compare(i, 3, "\xE2\x80\xA8") == 0 ||
        s.compare(i, 3, "\xE2\x80\xA9") == 0) {
      return false;
    }
    if (s.compare(i, 3, "\xEF\xBB\xBF") == 0) return false;
  }
  return true;
}

// The next code point of UTF-8 `s` at `i` (advanced past it); U+FFFD for
// a malformed sequence and for code points YAML does not allow.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  constexpr char32_t kReplacement = 0xFFFD;
  const auto lead = static_cast<unsigned char>(s[i++]);
  int more = lead < 0x80 ? 0 : (lead >> 5) == 6 ? 1 : (lead >> 4) == 14 ? 2 : (lead >> 4) == 15 ? 3 : -1;
  if (more < 0) return kReplacement;
  if (more == 0) return lead;
  char32_t cp = lead & (0xFF >> (more + 2));
  for (; more > 0; --more) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return kReplacement;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (cp & 0xFFFE) == 0xFFFE ||
      (cp >= 0xFDD0 && cp <= 0xFDEF)) {
    return kReplacement;
  }
  return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp <= 0x7F) {
    out += static_cast<char>(cp);
  } else if (cp <= 0x7FF) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp <= 0xFFFF) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string YamlDoubleQuoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    const char32_t cp = NextCodePoint(s, i);
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        // Controls (DEL too: a reader refuses it raw) and the no-break space.
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0)) {
          out += "\\x";
          out += kHex[(cp >> 4) & 0xF];
          out += kHex[cp & 0xF];
        } else if (cp == 0xFEFF) {
          out += "\\ufeff";
        } else if (cp == 0x2028 || cp == 0x2029) {  // a reader folds white space before them
          out += cp == 0x2028 ? "\\u2028" : "\\u2029";

        } else {
          AppendUtf8(out, cp);
        }
    }
  }
  return out + "\"";
}

std::string YamlScalar(std::string_view text, bool flow) {
  return IsPlain(text, flow) ? std::string(text) : YamlDoubleQuoted(text);
}

bool Writer::InFlow() const { return !open_.empty() && open_.back().flow; }

void Writer::BeforeValue(bool block_group) {
  if (open_.empty()) return;
  Group& g = open_.back();
  if (g.map) {
    if (!g.expecting_value) throw std::logic_error("YAML writer: a map's value without its key");
    if (g.flow || !block_group) out_ += ' ';
  } else if (g.flow) {
    if (g.count) out_ += ", ";
    ++g.count;
  } else {
    if (g.count || !g.inline_first) {
      if (!out_.empty() && out_.back() != '\n') out_ += '\n';
      out_.append(static_cast<size_t>(g.indent), ' ');
    }
    out_ += "- ";
    ++g.count;
  }
}

void Writer::AfterValue() {
  if (!open_.empty() && open_.back().map) open_.back().expecting_value = false;
}

void Writer::Atom(const std::string& text) {
  out_ += text;
  AfterValue();
}

void Writer::BeginMap(bool flow) {
  flow = flow || InFlow();
  const bool in_block_seq = !open_.empty() && !open_.back().map && !open_.back().flow;
  BeforeValue(!flow);
  const int indent = open_.empty() ? 0 : open_.back().indent + 2;
  if (flow) out_ += '{';
  open_.push_back(Group{.map = true, .flow = flow, .indent = indent, .inline_first = in_block_seq || open_.empty()});
}

void Writer::BeginSeq(bool flow) {
  flow = flow || InFlow();
  const bool in_block_seq = !open_.empty() && !open_.back().map && !open_.back().flow;
  if (!flow && in_block_seq) throw std::logic_error("YAML writer: a block list in a block list");
  BeforeValue(!flow);
  const int indent = open_.empty() ? 0 : open_.back().indent + 2;
  if (flow) out_ += '[';
  open_.push_back(Group{.map = false, .flow = flow, .indent = indent, .inline_first = open_.empty()});
}

void Writer::EndMap() { End(); }

void Writer::EndSeq() { End(); }

void Writer::End() {
  Group g = open_.back();
  open_.pop_back();
  if (g.flow) {
    out_ += g.map ? '}' : ']';
  } else if (g.count == 0) {
    // An empty block map or list is written in flow style, on a line of
    // its own under its key.
    if (!g.inline_first) {
      out_ += '\n';
      out_.append(static_cast<size_t>(g.indent), ' ');
    }
    out_ += g.map ? "{}" : "[]";
  }
  AfterValue();
}

void Writer::Key(std::string_view key) {
  Group& g = open_.back();
  if (!g.map || g.expecting_value) throw std::logic_error("YAML writer: a key where a value goes");
  if (g.flow) {
    if (g.count) out_ += ", ";
  } else if (g.count || !g.inline_first) {
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    out_.append(static_cast<size_t>(g.indent), ' ');
  }
  out_ += YamlScalar(key, g.flow);
  out_ += ':';
  ++g.count;
  g.expecting_value = true;
}

void Writer::Scalar(std::string_view text, bool quoted) {
  BeforeValue(false);
  Atom(quoted ? YamlDoubleQuoted(text) : YamlScalar(text, InFlow()));
}

namespace {

bool FitsLiteral(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  std::string_view body = s;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  if (body.empty() || body.back() == '\n') return false;
  // The first line that holds something sets the block's indent: it may
  // not begin with a blank (a later one may, which is kept).
  const size_t first = body.find_first_not_of('\n');
  if (first == std::string_view::npos || IsBlank(body[first])) return false;
  for (size_t i = 0; i < body.size(); ++i) {
    const bool line_end = i + 1 == body.size() || body[i + 1] == '\n';
    if (IsBlank(body[i]) && line_end) return false;
    if (body[i] == '\r' || IsNotPrintableAt(body, i)) return false;
    for (const char* odd : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF"}) {
      if (body.compare(i, std::string_view(odd).size(), odd) == 0) return false;
    }
  }
  return true;
}

}  // namespace

void Writer::Literal(std::string_view text) {
  if (open_.empty() || !open_.back().map || open_.back().flow || !FitsLiteral(text)) {
    Scalar(text);
    return;
  }
  BeforeValue(false);
  const bool ends_in_break = text.back() == '\n';
  if (ends_in_break) text.remove_suffix(1);
  std::string out = ends_in_break ? "|" : "|-";
  const std::string indent(static_cast<size_t>(open_.back().indent + 2), ' ');
  for (size_t at = 0; at <= text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    out += '\n';
    if (end > at) out += indent;  // an empty line has no indent
    out.append(text.substr(at, end - at));
    at = end + 1;
  }
  Atom(out);
}

void Writer::Bool(bool value) {
  BeforeValue(false);
  Atom(value ? "true" : "false");
}

void Writer::Null() {
  BeforeValue(false);
  Atom("null");
}

}  // namespace retort::format
