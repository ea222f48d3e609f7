// Running a command over many targets: progress on a terminal, then one
// line per target that needs reading (in target order) and a summary, or a
// JSON report.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {
namespace {

using Status = TargetResult::Status;

std::string Heads(const std::vector<std::string>& heads) {
  return heads.empty() ? "<base>" : Joined(heads);
}

// An error's first line, without the target it names (the line names it).
std::string FirstLine(const TargetResult& r) {
  std::string line = r.error.substr(0, r.error.find('\n'));
  size_t at = line.find(r.target + ": ");
  if (at != std::string::npos) line.erase(at, r.target.size() + 2);
  return line;
}

// The lines a target prints; none for one that is fine as it was.
std::string TargetLines(const TargetResult& r) {
  std::string out = r.target + ": ";
  switch (r.status) {
    case Status::kCurrent: return out + Heads(r.heads_after) + "\n";
    case Status::kNotAtHead:
      return out + Heads(r.heads_after) + " (not at head: " + Joined(r.missing_heads) +
             (r.missing_heads.size() == 1 ? " is" : " are") + " not applied)\n";
    case Status::kUpToDate:
    case Status::kClean:
      return "";
    case Status::kMigrated:
      return out + "migrated " + Heads(r.heads_before) + " -> " + Heads(r.heads_after) + " (" +
             std::to_string(r.steps.size()) + (r.steps.size() == 1 ? " step, " : " steps, ") +
             std::to_string(static_cast<int64_t>(r.duration_ms)) + " ms)\n";
    case Status::kWouldMigrate: {
      out += "would run " + std::to_string(r.steps.size()) + " from " + Heads(r.heads_before) + ":\n";
      for (const StepEvent& e : r.steps) {
        out += "  " + e.direction + " " + Heads(e.from) + " -> " + Heads(e.to) + ", " + e.message + "\n";
      }
      for (const std::string& sql : r.statements) {
        out += "    ";
        for (char c : sql) out += c == '\n' ? std::string("\n    ") : std::string(1, c);
        out += sql.starts_with("-- UNACKNOWLEDGED: ") ? "\n" : ";\n";
      }
      for (const std::string& u : r.unacknowledged) out += "  refused by a run: " + u + "\n";
      return out;
    }
    case Status::kStamped:
      return out + "stamped " + Heads(r.heads_before) + " -> " + Heads(r.heads_after) + "\n";
    case Status::kWouldStamp:
      return out + "would stamp " + Heads(r.heads_before) + " -> " + Heads(r.heads_after) + "\n";
    case Status::kKept:
      return out + "kept at " + Heads(r.heads_after) + " (already versioned)\n";
    case Status::kRepaired:
      out += "accepted " + std::to_string(r.changes.size()) +
             (r.changes.size() == 1 ? " changed script:\n" : " changed scripts:\n");
      for (const ScriptChange& c : r.changes) out += "  " + ChangeLine(c) + "\n";
      return out;
    case Status::kDrift:
      if (!r.changes.empty()) {
        out += std::to_string(r.changes.size()) +
               (r.changes.size() == 1 ? " applied script changed:\n" : " applied scripts changed:\n");
        for (const ScriptChange& c : r.changes) out += "  " + ChangeLine(c) + "\n";
        return out;
      }
      [[fallthrough]];
    case Status::kMismatch: {
      const size_t n = r.differences.size();
      out += r.status == Status::kDrift
                 ? std::to_string(n) + (n == 1 ? " difference" : " differences") + " from its revision:\n"
                 : "not stamped: the schema differs from that revision's in " + std::to_string(n) +
                       (n == 1 ? " way:\n" : " ways:\n");
      for (const SchemaDifference& d : r.differences) out += "  " + d.description + "\n";
      return out;
    }
    case Status::kFailed: return out + "failed: " + FirstLine(r) + "\n";
    case Status::kNotRun: return out + "not run (an earlier target failed)\n";
  }
  return "";
}

// What makes two targets' reports the same (their differences, or the
// scripts changed), for a drift or a mismatch; "" for any other.
std::string AlikeKey(const TargetResult& r) {
  if (r.status != Status::kDrift && r.status != Status::kMismatch && r.status != Status::kRepaired) return "";
  std::string key = StatusName(r.status);
  for (const SchemaDifference& d : r.differences) key += "\n" + d.description;
  for (const ScriptChange& c : r.changes) key += "\n" + ChangeLine(c);
  return key;
}

nlohmann::json ToJson(const TargetResult& r) {
  nlohmann::json steps = nlohmann::json::array();
  for (const StepEvent& e : r.steps) {
    steps.push_back({{"revision", e.revision}, {"direction", e.direction}, {"from", e.from},
                     {"to", e.to}, {"message", e.message}, {"duration_ms", e.duration_ms}});
  }
  nlohmann::json out = {{"target", r.target},
                        {"status", StatusName(r.status)},
                        {"heads_before", r.heads_before},
                        {"heads_after", r.heads_after},
                        {"steps", steps},
                        {"duration_ms", r.duration_ms}};
  if (!r.statements.empty()) out["statements"] = r.statements;
  if (r.status == Status::kNotAtHead) out["missing_heads"] = r.missing_heads;
  if (!r.unacknowledged.empty()) out["unacknowledged"] = r.unacknowledged;
  if (!r.differences.empty()) {
    nlohmann::json diffs = nlohmann::json::array();
    for (const SchemaDifference& d : r.differences) {
      diffs.push_back({{"kind", d.kind}, {"table", d.table}, {"object", d.object}, {"detail", d.detail}});
    }
    out["differences"] = diffs;
  }
  if (!r.changes.empty()) {
    nlohmann::json changes = nlohmann::json::array();
    for (const ScriptChange& c : r.changes) {
      changes.push_back({{"revision", c.revision}, {"change", c.change}, {"path", c.path},
                         {"recorded", c.recorded}, {"current", c.current}});
    }
    out["changes"] = changes;
  }
  if (r.status == Status::kFailed) {
    out["error"] = r.error;
    out["exit_code"] = r.exit_code;
  }
  return out;
}

}  // namespace

int RunFleet(const Context& ctx, Project& project, const FleetCommand& command) {
  bool bar = !ctx.json && isatty(STDERR_FILENO);
  size_t failed = 0;
  auto start = std::chrono::steady_clock::now();
  FleetReport report = project.Fleet(
      command, ctx.Fleet(), [&](const TargetResult& r, size_t done, size_t total) {
        if (r.status == Status::kFailed) ++failed;
        if (bar) {
          constexpr size_t kWidth = 30;
          size_t filled = kWidth * done / total;
          std::cerr << "  [" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
                    << done << "/" << total << " targets"
                    << (failed ? ", " + std::to_string(failed) + " failed" : "") << std::flush;
          if (done == total) std::cerr << "\r\033[K" << std::flush;
        }
      });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::map<std::string, size_t> counts;
  for (const TargetResult& r : report.targets) ++counts[StatusName(r.status)];
  if (ctx.json) {
    nlohmann::json targets = nlohmann::json::array();
    for (const TargetResult& r : report.targets) targets.push_back(ToJson(r));
    nlohmann::json summary = {{"targets", report.targets.size()}, {"seconds", seconds}};
    for (const auto& [status, n] : counts) summary[status] = n;
    std::cout << nlohmann::json{{"targets", targets}, {"summary", summary},
                                {"exit_code", report.ExitCode()}}
                     .dump(2)
              << "\n";
    return report.ExitCode();
  }
  // In target order, whatever order they finished in; targets that differ
  // alike are printed once, together, where the first of them comes.
  std::map<std::string, std::vector<const TargetResult*>> alike;
  for (const TargetResult& r : report.targets) {
    if (std::string key = AlikeKey(r); !key.empty()) alike[key].push_back(&r);
  }
  for (const TargetResult& r : report.targets) {
    const std::string key = AlikeKey(r);
    const auto group = key.empty() ? alike.end() : alike.find(key);
    if (group == alike.end() || group->second.size() < 2) {
      std::cout << TargetLines(r);
      continue;
    }
    if (group->second.front() != &r) continue;
    std::string lines = TargetLines(r);
    std::string names;
    for (const TargetResult* t : group->second) names += (names.empty() ? "" : ", ") + t->target;
    // "<target>: <what>" becomes "<n> targets: <what>", then which.
    std::cout << std::to_string(group->second.size()) + " targets: " + lines.substr(r.target.size() + 2)
              << "  on " << names << "\n";
  }
  std::string summary;
  for (const auto& [status, n] : counts) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  char took[32];
  std::snprintf(took, sizeof took, "%.1f s", seconds);
  std::cout << report.targets.size() << (report.targets.size() == 1 ? " target: " : " targets: ")
            << summary << " (" << took << ")\n";
  if (failed) {
    std::cout << "failed:\n";
    for (const TargetResult& r : report.targets) {
      if (r.status == Status::kFailed) std::cout << "  " << r.target << ": " << FirstLine(r) << "\n";
    }
  }
  return report.ExitCode();
}

}  // namespace retort::cli
