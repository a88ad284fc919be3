#pragma once
// CPU parallelism for batch work on the host (ground-truth evaluation, data preparation): plain
// std::threads over contiguous chunks, so results never depend on the thread count.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace nf {

// Calls body(begin, end) on disjoint chunks covering [0, n), on min(threads, n) threads (threads = 0: one
// per hardware thread). Returns when all are done; rethrows the first exception a chunk threw.
template <class Body>
void parallel_for(uint64_t n, unsigned threads, const Body& body) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<uint64_t>(threads, n));
  if (threads <= 1) {
    if (n > 0) body(uint64_t(0), n);
    return;
  }
  std::exception_ptr error;
  std::mutex mutex;
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    const uint64_t begin = n * t / threads, end = n * (t + 1) / threads;
    pool.emplace_back([&, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace nf
