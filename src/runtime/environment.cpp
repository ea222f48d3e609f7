#include "runtime/environment.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

namespace retort::runtime {

std::optional<std::string> Variable(const Environment& env, const std::string& name) {
  if (env.variable) return env.variable(name);
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

std::chrono::system_clock::time_point Now(const Environment& env) {
  return env.now ? env.now() : std::chrono::system_clock::now();
}

uint64_t Random(const Environment& env) {
  if (env.random) return env.random();
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

std::string User(const Environment& env) {
  if (env.user) return env.user();
  if (std::optional<std::string> user = Variable(env, "USER"); user && !user->empty()) return *user;
  // The password database, read once: a run records the user per step.
  static const std::string account = [] {
    passwd* pw = getpwuid(getuid());
    return std::string(pw ? pw->pw_name : "");
  }();
  return account;
}

std::string Host(const Environment& env) {
  if (env.host) return env.host();
  static const std::string host = [] {
    char buf[256] = {};
    return std::string(gethostname(buf, sizeof buf - 1) == 0 ? buf : "");
  }();
  return host;
}

const Environment& ProcessEnvironment() {
  static const Environment process;
  return process;
}

}  // namespace retort::runtime
