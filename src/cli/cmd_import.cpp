#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {

void AddImportCommand(CLI::App& app, Context& ctx) {
  auto* import = app.add_subcommand("import", "Translate another tool's migration history into retort scripts");
  import->require_subcommand(1);
  auto* alembic = import->add_subcommand(
      "alembic", "Translate an Alembic versions folder: the same ids, parents, labels and messages (exit 1 when a "
                 "revision could not be translated)");
  auto directory = std::make_shared<std::string>();
  alembic->add_option("directory", *directory, "The Alembic versions folder (its *.py revision files)")->required();
  auto naming = std::make_shared<std::string>();
  alembic->add_option("--naming-convention", *naming,
                      "A YAML file with the Alembic project's `naming_convention:` map, when its env.py has none")
      ->check(CLI::ExistingFile);
  alembic->add_flag("--json", ctx.json, "Print JSON");
  alembic->callback([&ctx, directory, naming] {
    ctx.run = [&ctx, directory, naming] {
      Project project = ctx.OpenProject();
      std::vector<ImportedRevision> revisions = project.ImportAlembic(*directory, *naming);
      size_t imported = 0;
      for (const ImportedRevision& r : revisions) imported += r.path.empty() ? 0 : 1;
      if (ctx.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const ImportedRevision& r : revisions) {
          out.push_back({{"source", r.source},
                         {"revision", r.revision},
                         {"path", r.path.empty() ? nlohmann::json() : nlohmann::json(r.path)},
                         {"problems", r.problems}});
        }
        std::cout << out.dump(2) << "\n";
      } else {
        for (const ImportedRevision& r : revisions) {
          if (!r.path.empty()) {
            std::cout << "  imported " << r.revision << ": " << r.path << "\n";
            continue;
          }
          std::cout << "  not imported " << (r.revision.empty() ? r.source : r.revision) << ":\n";
          for (const std::string& p : r.problems) std::cout << "    " << p << "\n";
        }
        std::cout << revisions.size() << (revisions.size() == 1 ? " revision: " : " revisions: ") << imported
                  << " imported, " << revisions.size() - imported << " not";
        if (imported < revisions.size()) std::cout << " (write those by hand as retort scripts, then import again)";
        std::cout << ".\n";
      }
      return imported == revisions.size() ? 0 : 1;
    };
  });
}

}  // namespace retort::cli
