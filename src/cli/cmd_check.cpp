#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {
namespace {

// Prints the differences; exit 1 when there are any.
int Report(const Context& ctx, const std::vector<SchemaDifference>& differences,
           const std::string& clean) {
  if (ctx.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const SchemaDifference& d : differences) {
      out.push_back({{"kind", d.kind}, {"table", d.table}, {"object", d.object}, {"detail", d.detail}});
    }
    std::cout << out.dump(2) << "\n";
  } else if (differences.empty()) {
    std::cout << clean << "\n";
  } else {
    for (const SchemaDifference& d : differences) std::cout << d.description << "\n";
  }
  return differences.empty() ? 0 : 1;
}

}  // namespace

std::string ChangeLine(const ScriptChange& c) {
  if (c.change == "missing") return "revision " + c.revision + ": ran, and its script is gone";
  return "revision " + c.revision + " (" + c.path + "): edited after it ran (checksum " +
         c.recorded.substr(0, 12) + "... recorded, " + c.current.substr(0, 12) + "... now)";
}

namespace {

nlohmann::json ChangesJson(const std::vector<ScriptChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const ScriptChange& c : changes) {
    out.push_back({{"revision", c.revision}, {"change", c.change}, {"path", c.path},
                   {"recorded", c.recorded}, {"current", c.current}});
  }
  return out;
}

}  // namespace

void AddCheckCommands(CLI::App& app, Context& ctx) {
  auto* check = app.add_subcommand(
      "check", "Compare the declared schema with the head of the scripts (exit 1 on differences)");
  check->add_flag("--json", ctx.json, "Print JSON");
  check->callback([&ctx] {
    ctx.run = [&ctx] {
      Project project = ctx.OpenProject();
      return Report(ctx, project.Check(), "No differences: the declared schema matches the scripts.");
    };
  });

  auto* verify = app.add_subcommand(
      "verify",
      "Compare the live database with the schema expected at its revision (exit 1 on drift)");
  verify->add_flag("--json", ctx.json, "Print JSON");
  verify->callback([&ctx] {
    ctx.run = [&ctx] {
      Project project = ctx.OpenProject();
      if (ctx.ManyTargets(project)) {
        return RunFleet(ctx, project, {.kind = FleetCommand::Kind::kVerify});
      }
      return Report(ctx, project.Verify(), "No differences: the database matches its revision.");
    };
  });

  auto* validate = app.add_subcommand(
      "validate",
      "Compare the applied scripts with the checksums the history table recorded (exit 1 on "
      "edited or missing scripts)");
  validate->add_flag("--json", ctx.json, "Print JSON");
  validate->callback([&ctx] {
    ctx.run = [&ctx] {
      Project project = ctx.OpenProject();
      if (ctx.ManyTargets(project)) {
        return RunFleet(ctx, project, {.kind = FleetCommand::Kind::kValidate});
      }
      std::vector<ScriptChange> changes = project.Validate();
      if (ctx.json) {
        std::cout << ChangesJson(changes).dump(2) << "\n";
      } else if (changes.empty()) {
        std::cout << "No differences: every applied script matches its record.\n";
      } else {
        for (const ScriptChange& c : changes) std::cout << ChangeLine(c) << "\n";
      }
      return changes.empty() ? 0 : 1;
    };
  });

  auto* repair = app.add_subcommand(
      "repair", "Accept the edited or missing applied scripts validate reports, in the history table");
  repair->add_flag("--json", ctx.json, "Print JSON");
  repair->callback([&ctx] {
    ctx.run = [&ctx] {
      Project project = ctx.OpenProject();
      if (ctx.ManyTargets(project)) return RunFleet(ctx, project, {.kind = FleetCommand::Kind::kRepair});
      std::vector<ScriptChange> changes = project.Repair();
      if (ctx.json) {
        std::cout << ChangesJson(changes).dump(2) << "\n";
      } else if (changes.empty()) {
        std::cout << "Nothing to repair: every applied script matches its record.\n";
      } else {
        for (const ScriptChange& c : changes) std::cout << "accepted: " << ChangeLine(c) << "\n";
      }
      return 0;
    };
  });
}

}  // namespace retort::cli
