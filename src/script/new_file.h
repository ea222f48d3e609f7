// Creating a file that must not exist yet, safely in a folder others may
// write to.
#pragma once

#include <string>

namespace retort::script {

// Creates `path` and writes `text` to it. Never follows a symbolic link at
// `path` (a dangling one included) and never replaces a file: returns false
// with `errno` set (EEXIST, ELOOP, ...) when the file cannot be created or
// written; a partly written file is removed.
bool WriteNewFile(const std::string& path, const std::string& text);

}  // namespace retort::script
