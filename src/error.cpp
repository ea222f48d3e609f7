#include "retort/error.h"

#include <fmt/format.h>

namespace retort {

Error::Error(ErrorKind kind, std::string message, Location where)
    : std::runtime_error(Format(message, where)),
      kind_(kind),
      message_(std::move(message)),
      where_(std::move(where)) {}

std::string Error::Format(const std::string& message, const Location& where) {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) {
      out += fmt::format(":{}", where.line);
      if (where.column > 0) out += fmt::format(":{}", where.column);
    }
    out += ": ";
  }
  if (!where.target.empty()) out += where.target + ": ";
  if (!where.revision.empty()) out += "revision " + where.revision + ": ";
  out += message;
  if (!where.statement.empty()) out += "\n  statement: " + where.statement;
  return out;
}

Error Error::WithContext(const Location& outer) const {
  Location merged = where_;
  if (merged.file.empty()) {
    merged.file = outer.file;
    merged.line = outer.line;
    merged.column = outer.column;
  }
  if (merged.revision.empty()) merged.revision = outer.revision;
  if (merged.target.empty()) merged.target = outer.target;
  if (merged.statement.empty()) merged.statement = outer.statement;
  return Error(kind_, message_, merged);
}

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kInput: return "input";
    case ErrorKind::kUnknownRevision: return "unknown_revision";
    case ErrorKind::kAmbiguousTarget: return "ambiguous_target";
    case ErrorKind::kMultipleHeads: return "multiple_heads";
    case ErrorKind::kRevisionCycle: return "revision_cycle";
    case ErrorKind::kDuplicateRevision: return "duplicate_revision";
    case ErrorKind::kIrreversible: return "irreversible";
    case ErrorKind::kRangeError: return "range";
    case ErrorKind::kDatabase: return "database";
  }
  return "?";
}

int Error::ExitCode() const {
  return kind_ == ErrorKind::kDatabase ? 3 : 2;
}

}  // namespace retort
