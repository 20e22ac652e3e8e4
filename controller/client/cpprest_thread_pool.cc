// pplx/threadpool.h still names boost::asio::io_service, which BOOST_ASIO_NO_DEPRECATED
// (set project-wide) hides; this file is the one place that includes it.
#undef BOOST_ASIO_NO_DEPRECATED

#include "controller/client/cpprest_thread_pool.h"

#include <mutex>
#include <utility>  // before Boost.Asio, whose awaitable.hpp uses std::exchange

#include <pplx/threadpool.h>

namespace upkeep::controller {

void InitializeCpprestThreadPool() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      crossplat::threadpool::initialize_with_threads(kCpprestIoThreads);
    } catch (const std::exception&) {
      // The pool was made first (by another library in this process); use it as it is.
    }
  });
}

}  // namespace upkeep::controller
