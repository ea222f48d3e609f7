#include <iostream>

#include "cli/cli.h"

namespace retort::cli {

void AddInitCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a new project: retort.toml, schema/, migrations/versions/");
  auto directory = std::make_shared<std::string>(".");
  cmd->add_option("directory", *directory, "Where to create it (default: here)");
  cmd->callback([&ctx, directory] {
    ctx.run = [directory] {
      for (const std::string& path : Project::Init(*directory)) {
        std::cout << "  Creating " << path << "\n";
      }
      std::cout << "Edit retort.toml (url) and schema/*.yaml, then `retort revision --autogenerate -m \"...\"`.\n";
      return 0;
    };
  });
}

}  // namespace retort::cli
