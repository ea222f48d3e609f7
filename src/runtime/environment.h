// The one place the library reads the world around it (retort::Environment):
// each falls back on the process's own when the environment gives none.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "retort/retort.h"

namespace retort::runtime {

std::optional<std::string> Variable(const Environment& env, const std::string& name);
std::chrono::system_clock::time_point Now(const Environment& env);
uint64_t Random(const Environment& env);
std::string User(const Environment& env);
std::string Host(const Environment& env);

// The process's own.
const Environment& ProcessEnvironment();

}  // namespace retort::runtime
