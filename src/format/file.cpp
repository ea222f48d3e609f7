#include "format/file.h"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace retort::format {
namespace {

bool IsLower(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}
bool IsUpper(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// YAML 1.1's booleans, in the cases a reader of YAML takes them in.
std::optional<bool> ParseBool(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (!IsLower(s) && !(IsUpper(s.substr(0, 1)) && (IsLower(s.substr(1)) || IsUpper(s.substr(1))))) {
    return std::nullopt;
  }
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view t : {"y", "yes", "true", "on"}) {
    if (lower == t) return true;
  }
  for (std::string_view f : {"n", "no", "false", "off"}) {
    if (lower == f) return false;
  }
  return std::nullopt;
}

}  // namespace

std::string ReadText(const std::string& path) {
  // One read of the file's size (streams cost more than the parse of a
  // small script).
  auto fail = [&](const std::string& why) {
    throw Error(ErrorKind::kInput, "cannot read file: " + why, Location{.file = path});
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail(S_ISDIR(st.st_mode) ? "a directory" : std::strerror(errno));
  }
  // What retort reads is text a person writes: a file past this is a
  // mistake (or a device that never ends), not a schema.
  constexpr size_t kMaxBytes = size_t{256} << 20;
  // A regular file is read to the size it has; anything else to its end.
  const bool sized = S_ISREG(st.st_mode) && st.st_size > 0;
  if (sized && static_cast<size_t>(st.st_size) > kMaxBytes) {
    ::close(fd);
    fail("larger than 256 MiB");
  }
  std::string text;
  text.resize(sized ? static_cast<size_t>(st.st_size) : 4096);
  size_t got = 0;
  while (!(sized && got == text.size())) {
    if (got == text.size()) {
      if (text.size() >= kMaxBytes) {
        ::close(fd);
        fail("larger than 256 MiB");
      }
      text.resize(text.size() * 2);
    }
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      fail(std::strerror(error));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  return text;
}

Document File::Parse(const std::string& text) const { return ParseYaml(text, path_); }

Document File::Load() const { return Parse(ReadText(path_)); }

Location File::At(const Node& node) const {
  return Location{.file = path_, .line = node.line(), .column = node.column()};
}

void File::Fail(const Node& node, const std::string& message) const {
  throw Error(ErrorKind::kInput, message, At(node));
}

void File::RequireMap(const Node& node, std::string_view what) const {
  if (!node.IsMap()) Fail(node, std::string(what) + " must be a map");
}

void File::RequireSequence(const Node& node, std::string_view what) const {
  if (!node.IsSequence()) Fail(node, std::string(what) + " must be a list");
}

void File::CheckKeys(const Node& node, std::string_view what,
                     std::initializer_list<std::string_view> allowed) const {
  CheckKeys(node, what, std::vector<std::string_view>(allowed));
}

void File::CheckKeys(const Node& node, std::string_view what,
                     const std::vector<std::string_view>& allowed) const {
  RequireMap(node, what);
  for (const Node::Entry& entry : node.entries()) {
    const std::string& key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Fail(entry.first, "unknown key '" + key + "' in " + std::string(what) +
                            " (expected one of: " + list + ")");
    }
  }
}

std::optional<std::string> File::OptString(const Node& node, std::string_view key) const {
  Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) Fail(value, "'" + std::string(key) + "' must be a scalar");
  return value.Scalar();
}

std::string File::String(const Node& node, std::string_view key) const {
  std::optional<std::string> value = OptString(node, key);
  if (!value) Fail(node, "missing '" + std::string(key) + "'");
  if (value->empty()) Fail(node[key], "'" + std::string(key) + "' is empty");
  return *value;
}

std::optional<bool> File::OptBool(const Node& node, std::string_view key) const {
  Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  std::optional<bool> result;
  if (value.IsScalar()) result = ParseBool(value.Scalar());
  if (!result) Fail(value, "'" + std::string(key) + "' must be true or false");
  return result;
}

std::optional<int64_t> File::OptInt(const Node& node, std::string_view key) const {
  Node value = node[key];
  if (!value || value.IsNull()) return std::nullopt;
  int64_t n = 0;
  bool ok = value.IsScalar();
  if (ok) {
    std::string_view text = value.Scalar();
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    ok = !text.empty() && ec == std::errc() && end == text.data() + text.size();
  }
  if (!ok) Fail(value, "'" + std::string(key) + "' must be a whole number of at most 64 bits");
  return n;
}

std::vector<std::string> File::Strings(const Node& node, std::string_view key) const {
  Node value = node[key];
  std::vector<std::string> out;
  if (!value || value.IsNull()) return out;
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence()) {
    Fail(value, "'" + std::string(key) + "' must be a name or a list of names");
  }
  out.reserve(value.size());
  for (const Node item : value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      Fail(item, "'" + std::string(key) + "' entries must be names");
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::vector<std::string> File::RequiredStrings(const Node& node, std::string_view key) const {
  std::vector<std::string> out = Strings(node, key);
  if (out.empty()) Fail(node, "missing '" + std::string(key) + "'");
  return out;
}

void File::Defer(const Node& node, const std::string& message) const {
  deferred_->emplace_back(At(node), message);
}

void File::ThrowDeferred(const std::vector<const File*>& files) {
  std::vector<std::pair<Location, std::string>> all;
  for (const File* f : files) all.insert(all.end(), f->deferred_->begin(), f->deferred_->end());
  if (all.empty()) return;
  if (all.size() == 1) throw Error(ErrorKind::kInput, all[0].second, all[0].first);
  std::string message = std::to_string(all.size()) + " errors:";
  for (const auto& [where, text] : all) {
    message += "\n  " + where.file + ":" + std::to_string(where.line) + ":" +
               std::to_string(where.column) + ": " + text;
  }
  throw Error(ErrorKind::kInput, message, all[0].first);
}

}  // namespace retort::format
