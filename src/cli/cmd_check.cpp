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
}

}  // namespace retort::cli
