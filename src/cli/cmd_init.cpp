#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {

void AddInitCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a new project: retort.toml, schema/, migrations/versions/");
  auto directory = std::make_shared<std::string>(".");
  cmd->add_option("directory", *directory, "Where to create it (default: here)");
  cmd->add_flag("--json", ctx.json, "Print JSON: the files created");
  cmd->callback([&ctx, directory] {
    ctx.run = [&ctx, directory] {
      std::vector<std::string> created = Project::Init(*directory);
      if (ctx.json) {
        std::cout << nlohmann::json{{"created", created}}.dump(2) << "\n";
        return 0;
      }
      for (const std::string& path : created) {
        std::cout << "  Creating " << path << "\n";
      }
      std::cout << "Edit retort.toml (url) and schema/*.yaml, then `retort revision --autogenerate -m \"...\"`.\n";
      return 0;
    };
  });
}

}  // namespace retort::cli
