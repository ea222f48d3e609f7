#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"

namespace retort::cli {

void AddRevisionCommands(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<NewRevisionOptions>();
  auto heads = std::make_shared<std::string>("head");
  auto* rev = app.add_subcommand("revision", "Write a new migration script");
  rev->add_option("-m,--message", options->message, "What the revision does")->required();
  rev->add_option("--rev-id", options->rev_id, "The revision id (default: 12 random hex digits)");
  rev->add_option("--head", *heads,
                  "The revision to build on: head (default), base, label@head, or a revision with --splice");
  rev->add_option("--branch-label", options->branch_labels, "Label for a new branch")
      ->allow_extra_args(false);
  rev->add_option("--depends-on", options->depends_on, "Revisions this one depends on")
      ->allow_extra_args(false);
  rev->add_flag("--splice", options->splice, "Allow --head to name a revision that is not a head");
  rev->add_flag("--autogenerate", options->autogenerate,
                "Write the operations that bring the schema at --head to the declared schema "
                "(no database needed)");
  rev->add_flag("--compare-database", options->compare_database,
                "With --autogenerate: compare the declared schema with the live database "
                "(which must be at --head) instead of the scripts");
  rev->add_flag("--json", ctx.json, "Print JSON: the script written, its changes, what was left alone");
  rev->callback([&ctx, options, heads] {
    if (options->compare_database && !options->autogenerate) {
      throw CLI::ValidationError("--compare-database", "needs --autogenerate");
    }
    ctx.run = [&ctx, options, heads] {
      Project project = ctx.OpenProject();
      options->head = {*heads};
      NewRevisionResult result = project.NewRevision(*options);
      if (ctx.json) {
        nlohmann::json changes = nlohmann::json::array();
        for (const SchemaChange& c : result.changes) {
          changes.push_back({{"operation", c.operation}, {"description", c.description}, {"risk", c.risk}});
        }
        std::cout << nlohmann::json{{"path", result.path.empty() ? nlohmann::json() : nlohmann::json(result.path)},
                                    {"changes", changes},
                                    {"left_alone", result.left_alone}}
                         .dump(2)
                  << "\n";
        return 0;
      }
      for (const std::string& what : result.left_alone) {
        std::cout << "  ! " << what
                  << ": the database holds it, but no script made it and the schema does not "
                     "declare it; left as it is (drop it by hand, or declare it)\n";
      }
      if (options->autogenerate && result.changes.empty()) {
        std::cout << "  No changes: the declared schema matches "
                  << (options->compare_database ? "the database" : "the scripts")
                  << "; no script written\n";
        return 0;
      }
      size_t risky = 0;
      for (const SchemaChange& change : result.changes) {
        std::cout << "  " << change.description << "\n";
        if (!change.risk.empty()) {
          std::cout << "      DESTRUCTIVE: " << change.risk << "\n";
          ++risky;
        }
      }
      std::cout << "  Generating " << result.path << " ... done\n";
      if (risky) {
        std::cout << "  " << risky << (risky == 1 ? " change is" : " changes are")
                  << " destructive: review the script and set acknowledged: true where "
                     "intended; upgrade refuses them until then\n";
      }
      return 0;
    };
  });

  auto revisions = std::make_shared<std::vector<std::string>>();
  auto message = std::make_shared<std::string>();
  auto rev_id = std::make_shared<std::string>();
  auto* merge = app.add_subcommand("merge", "Write a script merging two or more revisions");
  merge->add_option("revisions", *revisions, "Revisions to merge (e.g. heads)")->required();
  merge->add_option("-m,--message", *message, "Message (default: merge)");
  merge->add_option("--rev-id", *rev_id, "The revision id");
  merge->add_flag("--json", ctx.json, "Print JSON: the script written");
  merge->callback([&ctx, revisions, message, rev_id] {
    ctx.run = [&ctx, revisions, message, rev_id] {
      Project project = ctx.OpenProject();
      std::string path = project.Merge(*revisions, *message, *rev_id);
      if (ctx.json) {
        std::cout << nlohmann::json{{"path", path}}.dump(2) << "\n";
        return 0;
      }
      std::cout << "  Generating " << path << " ... done\n";
      return 0;
    };
  });
}

}  // namespace retort::cli
