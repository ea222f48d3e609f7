#include "runtime/fleet.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace retort::runtime {

void RunEach(size_t count, int jobs, bool fail_fast, const std::function<bool(size_t)>& work,
             const std::function<void(size_t)>& done) {
  size_t workers = jobs > 0 ? static_cast<size_t>(jobs)
                            : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, count);
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex done_mutex;
  auto loop = [&] {
    for (;;) {
      if (stop) return;
      size_t i = next++;
      if (i >= count) return;
      bool ok = work(i);
      if (!ok && fail_fast) stop = true;
      std::lock_guard<std::mutex> lock(done_mutex);
      done(i);
    }
  };
  std::vector<std::jthread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(loop);
  if (workers > 0) loop();
}

}  // namespace retort::runtime
