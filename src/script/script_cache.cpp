#include "script/script_cache.h"

#include "script/new_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace retort::script {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "retort-script-cache 2";

// Escapes the separators of the format: tab, newline, '|' and '%'.
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\t': out += "%09"; break;
      case '\n': out += "%0A"; break;
      case '\r': out += "%0D"; break;
      case '|': out += "%7C"; break;
      default: out += c;
    }
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Thrown for text this cache could not have written: the cache is ignored.
struct DamagedCache {};

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) throw DamagedCache{};
    int hi = HexDigit(s[i + 1]), lo = HexDigit(s[i + 2]);
    if (hi < 0 || lo < 0) throw DamagedCache{};
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "|" : "") + Escape(items[i]);
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '|') {
      out.push_back(Unescape(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

struct Entry {
  std::string stamp;
  MigrationScript header;
};

std::string Line(const std::string& name, const Entry& e) {
  const MigrationScript& s = e.header;
  return Escape(name) + "\t" + e.stamp + "\t" + Escape(s.revision) + "\t" +
         JoinList(s.down_revisions) + "\t" + JoinList(s.branch_labels) + "\t" +
         JoinList(s.depends_on) + "\t" + Escape(s.message) + "\t" + Escape(s.create_date) +
         "\t" + (s.transactional ? "1" : "0") + "\t" + s.checksum() + "\n";
}

std::unordered_map<std::string, Entry> ReadCache(const fs::path& file, const std::string& naming_key) {
  std::unordered_map<std::string, Entry> entries;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line != kFormat) return entries;
  if (!std::getline(in, line) || line != "naming\t" + Escape(naming_key)) return entries;
  try {
    while (std::getline(in, line)) {
      std::vector<std::string> f = SplitTabs(line);
      if (f.size() != 10) throw DamagedCache{};
      Entry e;
      e.stamp = f[1];
      MigrationScript& s = e.header;
      s.revision = Unescape(f[2]);
      s.down_revisions = SplitList(f[3]);
      s.branch_labels = SplitList(f[4]);
      s.depends_on = SplitList(f[5]);
      s.message = Unescape(f[6]);
      s.create_date = Unescape(f[7]);
      s.transactional = f[8] == "1";
      s.set_checksum(f[9]);
      s.has_body = false;
      entries.emplace(Unescape(f[0]), std::move(e));
    }
  } catch (const DamagedCache&) {
    return {};
  }
  return entries;
}

void WriteCache(const fs::path& file, const std::string& naming_key,
                const std::vector<std::pair<std::string, Entry>>& entries) {
  fs::path tmp = file;
  tmp += ".tmp" + std::to_string(getpid());  // concurrent runs each write their own
  std::string text = std::string(kFormat) + "\n" + "naming\t" + Escape(naming_key) + "\n";
  for (const auto& [name, e] : entries) text += Line(name, e);
  // Never through a link someone left at the temporary name; a file left
  // there by a run that died (its pid now ours) goes first.
  unlink(tmp.c_str());
  if (!WriteNewFile(tmp.string(), text)) return;
  std::error_code ec;
  fs::rename(tmp, file, ec);
}

}  // namespace

std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

CachedSums ReadCachedChecksums(const std::string& dir, const std::vector<std::string>& paths,
                               const std::string& naming_key) {
  CachedSums out;
  out.stamps.reserve(paths.size());
  out.checksums.resize(paths.size());
  for (const std::string& path : paths) out.stamps.push_back(FileStamp(path));
  // Only the name, stamp and checksum of each line are needed: read
  // without building headers (the whole run waits for this).
  std::ifstream in(fs::path(dir) / kCacheFileName, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string head = std::string(kFormat) + "\n" + "naming\t" + Escape(naming_key) + "\n";
  if (text.compare(0, head.size(), head) != 0) return out;
  std::unordered_map<std::string, std::pair<std::string_view, std::string_view>> cached;  // name -> stamp, sum
  try {
    for (size_t at = head.size(); at < text.size();) {
      size_t end = text.find('\n', at);
      if (end == std::string::npos) throw DamagedCache{};
      const std::string_view line(text.data() + at, end - at);
      at = end + 1;
      std::string_view fields[10];
      size_t n = 0;
      for (size_t from = 0; n < 10; ++n) {
        const size_t tab = line.find('\t', from);
        fields[n] = line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from);
        if (tab == std::string_view::npos) {
          ++n;
          break;
        }
        from = tab + 1;
        if (n == 9) throw DamagedCache{};  // more than ten fields
      }
      if (n != 10) throw DamagedCache{};
      cached[Unescape(std::string(fields[0]))] = {fields[1], fields[9]};
    }
  } catch (const DamagedCache&) {
    return out;
  }
  out.complete = cached.size() == paths.size();
  for (size_t i = 0; i < paths.size(); ++i) {
    auto it = cached.find(fs::path(paths[i]).filename().string());
    const bool fresh = it != cached.end() && !out.stamps[i].empty() && it->second.first == out.stamps[i];
    if (fresh) out.checksums[i] = std::string(it->second.second);
    out.complete = out.complete && fresh;
  }
  return out;
}

void WriteCachedHeaders(const std::string& dir, const std::vector<MigrationScript>& scripts,
                        const std::vector<std::string>& stamps, const std::string& naming_key) {
  std::vector<std::pair<std::string, Entry>> entries;
  entries.reserve(scripts.size());
  for (size_t i = 0; i < scripts.size(); ++i) {
    Entry e;
    e.stamp = stamps[i];
    MigrationScript& h = e.header;
    const MigrationScript& s = scripts[i];
    h.revision = s.revision;
    h.down_revisions = s.down_revisions;
    h.branch_labels = s.branch_labels;
    h.depends_on = s.depends_on;
    h.message = s.message;
    h.create_date = s.create_date;
    h.transactional = s.transactional;
    h.set_checksum(s.checksum());
    h.has_body = false;
    entries.emplace_back(fs::path(s.path).filename().string(), std::move(e));
  }
  WriteCache(fs::path(dir) / kCacheFileName, naming_key, entries);
}

std::vector<MigrationScript> LoadHeaders(const std::string& dir,
                                         const std::vector<std::string>& paths,
                                         const NamingSource& naming, const std::string& naming_key) {
  fs::path cache_file = fs::path(dir) / kCacheFileName;
  std::unordered_map<std::string, Entry> cached = ReadCache(cache_file, naming_key);
  std::vector<MigrationScript> out;
  out.reserve(paths.size());
  // The common case, every entry fresh: the headers are moved out as they
  // are, and nothing is written.
  if (cached.size() == paths.size()) {
    std::vector<Entry*> found;
    found.reserve(paths.size());
    for (const std::string& path : paths) {
      auto it = cached.find(fs::path(path).filename().string());
      const std::string stamp = it == cached.end() ? "" : FileStamp(path);
      if (stamp.empty() || it->second.stamp != stamp) break;
      found.push_back(&it->second);
    }
    if (found.size() == paths.size()) {
      for (size_t i = 0; i < paths.size(); ++i) {
        found[i]->header.path = paths[i];
        out.push_back(std::move(found[i]->header));
      }
      return out;
    }
  }
  std::vector<std::pair<std::string, Entry>> fresh;
  bool changed = cached.size() != paths.size();
  for (const std::string& path : paths) {
    std::string name = fs::path(path).filename().string();
    std::string stamp = FileStamp(path);
    auto it = cached.find(name);
    Entry entry;
    if (it != cached.end() && !stamp.empty() && it->second.stamp == stamp) {
      entry = std::move(it->second);
    } else {
      changed = true;
      MigrationScript full = LoadScriptFile(path, naming());
      full.checksum();  // while it has its operations
      entry.stamp = stamp;
      entry.header = std::move(full);
      entry.header.upgrade.clear();
      entry.header.downgrade.reset();
      entry.header.has_body = false;
    }
    entry.header.path = path;
    out.push_back(entry.header);
    fresh.emplace_back(name, std::move(entry));
  }
  if (changed) WriteCache(cache_file, naming_key, fresh);
  return out;
}

}  // namespace retort::script
