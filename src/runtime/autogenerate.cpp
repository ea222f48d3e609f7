#include "runtime/autogenerate.h"

#include "autogen/lint.h"
#include "ops/replay.h"
#include "script/script_write.h"

namespace retort::runtime {

GeneratedScript GenerateScript(const schema::Schema& from, const schema::Schema& to,
                               const autogen::DiffOptions& options) {
  GeneratedScript out;
  std::vector<script::WrittenOp> upgrade;
  std::vector<ops::OpAt> located;
  schema::Schema before = from;
  for (ops::Operation& op : autogen::Diff(from, to, options)) {
    SchemaChange change{ops::OperationName(op), autogen::Describe(op, before), ""};
    script::WrittenOp written{op, {}, false};
    if (std::optional<std::string> risk = autogen::Risk(op, before)) {
      change.risk = *risk;
      written.comments = {"DESTRUCTIVE: " + *risk + ".",
                          "Review, then set acknowledged: true; upgrade refuses it until then."};
      written.needs_acknowledgement = true;
    }
    ops::Apply(ops::OpAt{op, {}}, before);
    located.push_back(ops::OpAt{std::move(op), {}});
    upgrade.push_back(std::move(written));
    out.changes.push_back(std::move(change));
  }
  if (located.empty()) return out;
  std::vector<script::WrittenOp> downgrade;
  for (ops::OpAt& undo : ops::DeriveDowngrade(located, from)) {
    downgrade.push_back({std::move(undo.op), {}, false});
  }
  out.upgrade = script::WriteOperations(upgrade);
  out.downgrade = script::WriteOperations(downgrade);
  return out;
}

}  // namespace retort::runtime
