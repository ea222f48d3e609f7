#include "runtime/checksums.h"

#include <map>
#include <set>

namespace retort::runtime {

std::vector<ScriptChange> ChangedScripts(const script::ScriptSet& scripts,
                                         const std::vector<HistoryRecord>& history,
                                         const std::vector<std::string>& heads) {
  // The latest row of each revision says whether it is applied, and with
  // which checksum.
  std::map<std::string, const HistoryRecord*> latest;
  for (const HistoryRecord& row : history) latest[row.revision] = &row;
  auto applied = [](const HistoryRecord& row) {
    return row.direction == "upgrade" || row.direction == "stamp" || row.direction == "repair";
  };
  std::vector<ScriptChange> out;
  std::vector<std::string> known;  // a row no script declares is found missing below
  for (const std::string& head : heads) {
    if (scripts.graph().Find(head)) known.push_back(head);
  }
  for (const std::string& revision : scripts.graph().Ancestors(known)) {
    auto it = latest.find(revision);
    if (it == latest.end() || !applied(*it->second) || it->second->checksum.empty()) continue;
    const script::MigrationScript& s = scripts.Get(revision);
    // Checksums are versioned ("2:..."); one with no version was recorded by
    // an earlier retort over the script's YAML, and is judged that way.
    const std::string& recorded = it->second->checksum;
    const std::string now = recorded.find(':') == std::string::npos ? s.legacy_checksum() : s.checksum();
    if (now != recorded) out.push_back({revision, "edited", s.path, recorded, now});
  }
  for (const auto& [revision, row] : latest) {
    // A repair without a checksum accepted the script's removal.
    bool accepted = row->direction == "repair" && row->checksum.empty();
    if (applied(*row) && !accepted && !scripts.graph().Find(revision)) {
      out.push_back({revision, "missing", "", row->checksum, ""});
    }
  }
  return out;
}

void RefuseChangedScripts(const std::vector<ScriptChange>& changes, const std::string& target_label) {
  if (changes.empty()) return;
  const ScriptChange& c = changes.front();
  std::string what = c.change == "edited"
                         ? "was edited after it ran (checksum " + c.recorded.substr(0, 12) +
                               "... recorded, " + c.current.substr(0, 12) + "... now)"
                         : "ran, and its script is gone";
  std::string more = changes.size() > 1
                         ? " (and " + std::to_string(changes.size() - 1) + " more: retort validate lists them)"
                         : "";
  throw Error(ErrorKind::kInput,
              "applied revision " + c.revision + " " + what + more +
                  "; restore it, or accept the change with retort repair",
              Location{.file = c.path, .target = target_label});
}

}  // namespace retort::runtime
