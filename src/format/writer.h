// Writing YAML: maps and lists, in block or flow style, with scalars plain
// where YAML reads them back as the same text and double-quoted otherwise.
// The layout is the one retort has always written (indent 2, block lists
// indented under their key, an empty block list or map written as [] or {}
// on a line of its own), byte for byte: checksums are taken over it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace retort::format {

class Writer {
 public:
  // A map or list: block style (one entry per line) or flow ({a: b}, [a]).
  // Inside a flow one, everything is flow.
  void BeginMap(bool flow);
  void EndMap();
  void BeginSeq(bool flow);
  void EndSeq();
  // A map's key (then its value: a scalar, or a map or list begun).
  void Key(std::string_view key);
  // A scalar: plain when it reads back as the same text, else
  // double-quoted; always double-quoted with `quoted`.
  void Scalar(std::string_view text, bool quoted = false);
  // A block map's value written as a literal block (`|`, `|-`) when it
  // has line breaks and reads back so (printable, the first line not
  // beginning with a blank, no line ending in one, at most one break at
  // the end); else Scalar.
  void Literal(std::string_view text);
  void Bool(bool value);
  void Null();

  // The text written so far (complete once every map and list is ended).
  const std::string& text() const { return out_; }

 private:
  struct Group {
    bool map;
    bool flow;
    int indent;      // of a block group's entries
    bool inline_first;  // its first entry goes on the line already begun
    size_t count = 0;   // entries (a map's keys) written
    bool expecting_value = false;
  };
  // Where a value (scalar or group) goes: after "key:", after "- ", or in
  // a flow group.
  void BeforeValue(bool block_group);
  void AfterValue();
  void End();
  bool InFlow() const;
  void Atom(const std::string& text);

  std::string out_;
  std::vector<Group> open_;
};

// `text` as YAML writes it in a flow (inside {} or []) or a block context:
// plain when YAML reads it back as the same text, else double-quoted.
std::string YamlScalar(std::string_view text, bool flow);

// `text` double-quoted, escaped as YAML requires.
std::string YamlDoubleQuoted(std::string_view text);

}  // namespace retort::format
