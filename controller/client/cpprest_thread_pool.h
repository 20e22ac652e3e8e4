// The size of cpprestsdk's process-wide I/O thread pool. Its default is 40 threads; the
// client blocks its callers' threads and needs the pool only for socket I/O, so a few are
// plenty and keep the idle footprint small. Thread-safe.
#pragma once

namespace upkeep::controller {

// Makes the pool with kCpprestIoThreads threads unless it exists already (the first HTTP
// client or listener made it, or an earlier call). Call before creating any http_client.
void InitializeCpprestThreadPool();

inline constexpr int kCpprestIoThreads = 4;

}  // namespace upkeep::controller
