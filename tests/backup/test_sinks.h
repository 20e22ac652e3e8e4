// Pipeline ends for the backup engine's tests: a sink that keeps what reaches it, and one
// that breaks like a destination that fills up.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "backup/byte_sink.h"

namespace upkeep::backup::testing {

// Keeps every byte; `on_first_write` (if set) runs when the first bytes arrive, e.g. to
// kill a server mid-stream. Writing after Finish is an error, as it is for real stages.
class StringSink final : public ByteSink {
 public:
  absl::Status Write(std::string_view data) override {
    if (finished) return absl::FailedPreconditionError("write after finish");
    bytes.append(data);
    if (++writes == 1 && on_first_write) on_first_write();
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    finished = true;
    return absl::OkStatus();
  }
  std::string bytes;
  int writes = 0;
  bool finished = false;
  std::function<void()> on_first_write;
};

// Takes `limit` bytes, then fails every write with ResourceExhausted.
class FullSink final : public ByteSink {
 public:
  explicit FullSink(size_t limit) : limit_(limit) {}
  absl::Status Write(std::string_view data) override {
    seen_ += data.size();
    if (seen_ > limit_) return absl::ResourceExhaustedError("the destination is full");
    return absl::OkStatus();
  }
  absl::Status Finish() override { return absl::OkStatus(); }

 private:
  size_t limit_;
  size_t seen_ = 0;
};

// Every table of the public schema with an md5 of its ordered rows, as one line
// ("orders:<md5>,users:<md5>"): two databases with equal lines have the same contents.
inline constexpr char kTableChecksumsSql[] =
    "select string_agg(t.relname || ':' || t.sum, ',' order by t.relname) from ("
    " select c.relname, (xpath('/row/s/text()', query_to_xml("
    "   format('select md5(coalesce(string_agg(x::text, '''' order by x::text), '''')) as s "
    "           from %I x', c.relname), false, true, '')))[1]::text as sum"
    " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
    " where c.relkind = 'r' and n.nspname = 'public') t";

}  // namespace upkeep::backup::testing
