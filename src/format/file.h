// Reading a parsed file with precise error locations: every failure throws
// Error(kInput) naming file:line:column of the offending node.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "format/document.h"
#include "retort/error.h"

namespace retort::format {

class File {
 public:
  explicit File(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Parses `text` (the content of path()) as one YAML document (ParseYaml).
  Document Parse(const std::string& text) const;
  // Reads and parses path(). Throws when the file cannot be read.
  Document Load() const;

  Location At(const Node& node) const;
  [[noreturn]] void Fail(const Node& node, const std::string& message) const;

  // REQUIRES: node is a map. Fails on any key not in `allowed`, naming it.
  void CheckKeys(const Node& node, std::string_view what,
                 std::initializer_list<std::string_view> allowed) const;
  void CheckKeys(const Node& node, std::string_view what,
                 const std::vector<std::string_view>& allowed) const;
  void RequireMap(const Node& node, std::string_view what) const;
  void RequireSequence(const Node& node, std::string_view what) const;

  // The scalar at `key` of map `node`; fails when missing or not a scalar.
  std::string String(const Node& node, std::string_view key) const;
  std::optional<std::string> OptString(const Node& node, std::string_view key) const;
  // true/false, yes/no, on/off, y/n, in lower, UPPER or Capitalized case.
  std::optional<bool> OptBool(const Node& node, std::string_view key) const;
  // A whole number (optionally signed) that fits 64 bits.
  std::optional<int64_t> OptInt(const Node& node, std::string_view key) const;
  // A scalar or a sequence of scalars ("a" or [a, b]); empty when missing or
  // null.
  std::vector<std::string> Strings(const Node& node, std::string_view key) const;
  // Like Strings, but fails when the list is missing or empty.
  std::vector<std::string> RequiredStrings(const Node& node, std::string_view key) const;

  // An error that does not stop the reading, so that every one of its kind
  // is reported at once (names too long): kept, with its place, for
  // ThrowDeferred. Copies of this file keep them together.
  void Defer(const Node& node, const std::string& message) const;
  // Throws Error(kInput) with every error deferred in `files` (the first at
  // its place, each listed at its file:line:column); nothing when none.
  static void ThrowDeferred(const std::vector<const File*>& files);

 private:
  std::string path_;
  std::shared_ptr<std::vector<std::pair<Location, std::string>>> deferred_ =
      std::make_shared<std::vector<std::pair<Location, std::string>>>();
};

// Reads a whole file as bytes; throws Error(kInput) naming it when it cannot.
std::string ReadText(const std::string& path);

}  // namespace retort::format
