// ByteSink: one stage of the backup runner's streaming pipeline (dump → compress → encrypt →
// hash → destination). Each stage takes bytes as they come and passes its output on, so no
// stage ever holds a whole dump. Finish flushes and finishes the stage and the stages after
// it; nothing may be written after it.
//
// Thread-compatible: one writer at a time.
#pragma once

#include <string_view>

#include <absl/status/status.h>

namespace upkeep::backup {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Write(std::string_view data) = 0;
  virtual absl::Status Finish() = 0;
};

}  // namespace upkeep::backup
