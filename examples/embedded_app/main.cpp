// notes_app DATABASE: opens (or creates) a SQLite database and brings it to
// the newest schema before using it, the way a desktop program or a device
// would at start-up. The migrations are compiled in (notes.h is generated
// by retort_embed_migrations).
#include <iostream>

#include <retort/retort.h>

#include "notes.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: notes_app DATABASE\n";
    return 2;
  }
  try {
    retort::Project project = retort::Project::Open({
        .config_path = "",  // no config file: everything is compiled in
        .scripts = notes_scripts(),
        .schema_files = notes_schema(),
        .url = std::string("sqlite:///") + argv[1],
    });
    retort::RunResult result = project.Upgrade("head", [](const retort::StepEvent& step) {
      std::cout << "migrated to " << step.revision << ": " << step.message << "\n";
    });
    if (result.steps.empty()) std::cout << "up to date\n";
    for (const std::string& head : project.Current()) std::cout << "at " << head << "\n";
    // The database is what the application declares.
    for (const retort::SchemaDifference& d : project.CompareWithDeclared()) {
      std::cout << "differs: " << d.description << "\n";
      return 1;
    }
  } catch (const retort::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.ExitCode();
  }
  return 0;
}
