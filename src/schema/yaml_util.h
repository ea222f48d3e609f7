// Small helpers for reading YAML files with precise error locations. Every
// failure throws Error(kInput) naming file:line:column of the offending node.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "retort/error.h"

namespace retort::schema {

// A map's entries, read once for repeated lookups: yaml-cpp's operator[]
// walks the map and converts every key it passes, which made lookups most
// of a large file's load time. Converts implicitly from a node, so helpers
// taking one accept either; hot paths build one per map and reuse it.
class MapView {
 public:
  MapView(const YAML::Node& node);  // NOLINT: implicit on purpose

  const YAML::Node& node() const { return node_; }
  // The value at `key`: an undefined node (!node) when absent, or when
  // this is no map.
  YAML::Node operator[](std::string_view key) const;

  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  YAML::Node node_;
  std::vector<Entry> entries_;
};

class YamlFile {
 public:
  explicit YamlFile(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Parses `text` (the content of path()), one document. Throws
  // Error(kInput) at file:line:column on malformed YAML, a second document,
  // a duplicate map key, a quote never closed, a NUL character (as a byte
  // or decoded from an escape) anywhere, or aliases that expand it hugely.
  YAML::Node Parse(const std::string& text) const;
  // Reads and parses path(). Throws when the file cannot be read.
  YAML::Node Load() const;

  Location At(const YAML::Node& node) const;
  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const;
  [[noreturn]] void Fail(const MapView& map, const std::string& message) const {
    Fail(map.node(), message);
  }

  // REQUIRES: node is a map. Fails on any key not in `allowed`, naming it.
  void CheckKeys(const MapView& node, std::string_view what,
                 std::initializer_list<std::string_view> allowed) const;
  void CheckKeys(const MapView& node, std::string_view what,
                 const std::vector<std::string_view>& allowed) const;
  void RequireMap(const YAML::Node& node, std::string_view what) const;
  void RequireSequence(const YAML::Node& node, std::string_view what) const;

  // The scalar at `key` of map `node`; fails when missing or not a scalar.
  std::string String(const MapView& node, std::string_view key) const;
  std::optional<std::string> OptString(const MapView& node,
                                       std::string_view key) const;
  std::optional<bool> OptBool(const MapView& node, std::string_view key) const;
  // A scalar or a sequence of scalars ("a" or [a, b]); empty when missing or
  // null.
  std::vector<std::string> Strings(const MapView& node,
                                   std::string_view key) const;
  // Like Strings, but fails when the list is missing or empty.
  std::vector<std::string> RequiredStrings(const MapView& node,
                                           std::string_view key) const;

  // An error that does not stop the reading, so that every one of its kind
  // is reported at once (names too long): kept, with its place, for
  // ThrowDeferred. Copies of this file keep them together.
  void Defer(const YAML::Node& node, const std::string& message) const;
  // Throws Error(kInput) with every error deferred in `files` (the first at
  // its place, each listed at its file:line:column); nothing when none.
  static void ThrowDeferred(const std::vector<const YamlFile*>& files);

 private:
  void CheckOneDocument(const std::string& text) const;
  struct CheckState {
    size_t budget = 0;                     // nodes still to visit
    std::unordered_set<int> scalars_seen;  // by position in the text
  };
  void CheckDocument(const std::string& text, const YAML::Node& node, CheckState& state) const;

  std::string path_;
  std::shared_ptr<std::vector<std::pair<Location, std::string>>> deferred_ =
      std::make_shared<std::vector<std::pair<Location, std::string>>>();
};

}  // namespace retort::schema
