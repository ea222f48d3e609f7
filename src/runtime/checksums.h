// Applied scripts against the history table: a script edited or deleted
// after it ran is found before the next run builds on it.
#pragma once

#include <string>
#include <vector>

#include "retort/retort.h"
#include "runtime/version_store.h"
#include "script/script_set.h"

namespace retort::runtime {

// The applied scripts that changed since the history table recorded them:
// edited (a revision the version rows `heads` rest on, whose latest
// upgrade, stamp or repair row records another checksum) or missing (a
// revision the history says is applied, which no script declares).
// Revisions without a recorded checksum (a database adopted from Alembic)
// are not judged. A recorded checksum without a version ("2:") is compared
// with the script's legacy one, as the retort that recorded it computed it.
// REQUIRES: `scripts` parsed in full (legacy checksums are not cached).
std::vector<ScriptChange> ChangedScripts(const script::ScriptSet& scripts,
                                         const std::vector<HistoryRecord>& history,
                                         const std::vector<std::string>& heads);

// Throws Error(kInput) naming the first change (and how many more) when
// there is any: a run refuses to build on scripts that changed.
void RefuseChangedScripts(const std::vector<ScriptChange>& changes, const std::string& target_label);

}  // namespace retort::runtime
