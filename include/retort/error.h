// The one error type of retort. Every failure the library reports is a
// retort::Error carrying what happened (its kind) and where (a file
// position, a revision, a target, a statement). Thrown where the location is
// known; the command line catches it once and maps the kind to an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace retort {

enum class ErrorKind {
  kUsage,             // bad command line or API arguments
  kInput,             // malformed or invalid file content
  kUnknownRevision,   // a target or down_revision names no revision
  kAmbiguousTarget,   // a prefix or a target matches more than one revision
  kMultipleHeads,     // "head" asked for, but the graph has several
  kRevisionCycle,     // the graph has a cycle
  kDuplicateRevision, // two scripts declare the same revision id
  kIrreversible,      // downgrade asked through an operation with no inverse
  kRangeError,        // e.g. a downgrade below base, a relative step too far
  kDatabase,          // the database refused a statement or a connection
};

// "usage", "input", "unknown_revision", "ambiguous_target",
// "multiple_heads", "revision_cycle", "duplicate_revision", "irreversible",
// "range", "database": how `--json` names a kind.
const char* ErrorKindName(ErrorKind kind);

// Where an error happened. Every field is optional; what() joins the ones set.
struct Location {
  std::string file;   // a path
  int line = 0;       // 1-based; 0 when unknown
  int column = 0;     // 1-based; 0 when unknown
  std::string revision;
  std::string target;     // a database URL with its password masked
  std::string statement;  // the SQL that failed

  bool empty() const {
    return file.empty() && revision.empty() && target.empty() &&
           statement.empty();
  }
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, Location where = {});

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const Location& where() const { return where_; }

  // Returns a copy with the fields of `outer` filled in where this error's
  // own location leaves them empty (e.g. the revision around a statement).
  Error WithContext(const Location& outer) const;

  // The documented process exit code: 2 for usage and input errors, 3 for
  // database errors.
  int ExitCode() const;

 private:
  static std::string Format(const std::string& message, const Location& where);

  ErrorKind kind_;
  std::string message_;
  Location where_;
};

}  // namespace retort
