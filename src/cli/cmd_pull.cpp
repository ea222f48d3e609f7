#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {

void AddPullCommand(CLI::App& app, Context& ctx) {
  auto* pull = app.add_subcommand(
      "pull", "Write the schema file that declares the live database (exit 1 when something is left out)");
  struct Options {
    std::string out;
    bool force = false;
    std::vector<std::string> tables;
  };
  auto options = std::make_shared<Options>();
  pull->add_option("--out", options->out, "The schema file to write (default: the config's first schema file)");
  pull->add_flag("--force", options->force, "Overwrite the file when it exists");
  pull->add_option("--tables", options->tables, "Only these tables (comma-separated)")->delimiter(',');
  pull->add_flag("--json", ctx.json, "Print JSON");
  pull->callback([&ctx, options] {
    ctx.run = [&ctx, options] {
      Project project = ctx.OpenProject();
      const std::string path = options->out.empty() ? project.DefaultSchemaFile() : options->out;
      if (std::filesystem::exists(path) && !options->force) {
        throw Error(ErrorKind::kUsage, path + " exists: give --force to overwrite it, or --out another file");
      }
      PullResult pulled = project.Pull({.tables = options->tables});
      {
        std::filesystem::path parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << pulled.text;
        if (!file.flush()) throw Error(ErrorKind::kUsage, "cannot write " + path);
      }
      for (const LeftOut& x : pulled.left_out) {
        std::cerr << "left out: " << x.kind << " " << x.name << ": " << x.sql << "\n";
      }
      if (ctx.json) {
        nlohmann::json out = {{"path", path},       {"tables", pulled.tables},
                              {"views", pulled.views}, {"functions", pulled.functions},
                              {"triggers", pulled.triggers}, {"naming_convention", nlohmann::json::object()},
                              {"left_out", nlohmann::json::array()}};
        for (const auto& [key, value] : pulled.naming) {
          out["naming_convention"][key] = value.empty() ? nlohmann::json() : nlohmann::json(value);
        }
        for (const LeftOut& x : pulled.left_out) {
          out["left_out"].push_back({{"kind", x.kind}, {"name", x.name}, {"sql", x.sql}});
        }
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << "Wrote " << path << ": " << pulled.tables << " tables, " << pulled.views << " views, "
                  << pulled.functions << " functions, " << pulled.triggers << " triggers";
        if (!pulled.left_out.empty()) std::cout << "; " << pulled.left_out.size() << " objects left out (see above)";
        std::cout << ".\n";
      }
      return pulled.left_out.empty() ? 0 : 1;
    };
  });
}

}  // namespace retort::cli
