#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {

std::string Joined(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

namespace {

std::string Marks(const RevisionInfo& r) {
  std::string out;
  if (!r.branch_names.empty()) out += " (" + Joined(r.branch_names) + ")";
  if (r.is_head) out += r.is_effective_head ? " (effective head)" : " (head)";
  if (r.is_branch_point) out += " (branchpoint)";
  if (r.is_merge_point) out += " (mergepoint)";
  return out;
}

std::string Parents(const RevisionInfo& r) {
  std::string out = r.down_revisions.empty() ? "<base>" : Joined(r.down_revisions);
  if (!r.depends_on.empty()) out += " (" + Joined(r.depends_on) + ")";
  return out;
}

}  // namespace

// Alembic's formats: "0001 -> 0002 (head), message", or its verbose block.
std::string RevisionLine(const RevisionInfo& r, bool verbose, bool current) {
  const std::string marks = Marks(r) + (current ? " (current)" : "");
  if (!verbose) return Parents(r) + " -> " + r.revision + marks + ", " + r.message;
  // Alembic's log entry: no names on the first line, any head a head.
  std::string out = "Rev: " + r.revision + (r.is_head ? " (head)" : "") + (r.is_branch_point ? " (branchpoint)" : "") +
                    (r.is_merge_point ? " (mergepoint)" : "") + (current ? " (current)" : "") + "\n";
  out += (r.down_revisions.size() > 1 ? "Merges: " : "Parent: ") +
         (r.down_revisions.empty() ? std::string("<base>") : Joined(r.down_revisions)) + "\n";
  if (!r.depends_on.empty()) out += "Also depends on: " + Joined(r.depends_on) + "\n";
  if (r.is_branch_point) out += "Branches into: " + Joined(r.next_revisions) + "\n";
  if (!r.branch_names.empty()) out += "Branch names: " + Joined(r.branch_names) + "\n";
  out += "Path: " + r.path + "\n\n";
  out += "    " + r.message + "\n\n";
  out += "    Revision ID: " + r.revision + "\n";
  out += "    Revises: " + Joined(r.down_revisions) + "\n";
  out += "    Create Date: " + r.create_date + "\n";
  return out;
}

std::string RevisionJson(const std::vector<RevisionInfo>& infos) {
  nlohmann::json out = nlohmann::json::array();
  for (const RevisionInfo& r : infos) {
    out.push_back({{"revision", r.revision},
                   {"down_revisions", r.down_revisions},
                   {"message", r.message},
                   {"branch_labels", r.branch_labels},
                   {"branch_names", r.branch_names},
                   {"depends_on", r.depends_on},
                   {"create_date", r.create_date},
                   {"path", r.path},
                   {"checksum", r.checksum},
                   {"is_head", r.is_head},
                   {"is_effective_head", r.is_effective_head},
                   {"is_base", r.is_base},
                   {"is_branch_point", r.is_branch_point},
                   {"is_merge_point", r.is_merge_point},
                   {"next_revisions", r.next_revisions}});
  }
  return out.dump(2);
}

}  // namespace retort::cli
