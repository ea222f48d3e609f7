// Running one piece of work on many targets, a few at a time.
#pragma once

#include <cstddef>
#include <functional>

namespace retort::runtime {

// Calls work(i) for every i in [0, count), starting them in order, on `jobs`
// threads (0: the machine's cores; never more than count). `work` returns
// false when its item failed; with fail_fast no item starts after that.
// `done(i)` follows each finished item, one call at a time. `work` must not
// throw.
void RunEach(size_t count, int jobs, bool fail_fast, const std::function<bool(size_t)>& work,
             const std::function<void(size_t)>& done);

}  // namespace retort::runtime
