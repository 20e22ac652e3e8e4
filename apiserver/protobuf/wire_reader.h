// A reader for the protocol buffers wire format, enough to walk Kubernetes' proto2 messages
// without a protobuf library: each call to Next() yields one field (number, wire type and its
// varint, fixed-width or length-delimited payload). Payloads are views into the input, which
// must outlive the reader. Malformed input (truncated varint, length past the end, groups,
// reserved wire types, field number 0) is an InvalidArgument status.
//
// Not thread-safe; a reader is a cursor. Use one per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::apiserver::protobuf {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

struct WireField {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t scalar = 0;     // kVarint, kFixed64, kFixed32
  std::string_view bytes;  // kLengthDelimited

  // True when the payload is the type's zero value: 0 or an empty byte string. Go's encoder
  // writes every non-pointer field, so zero payloads carry no information.
  bool IsZero() const { return type == WireType::kLengthDelimited ? bytes.empty() : scalar == 0; }
};

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool AtEnd() const { return pos_ >= data_.size(); }

  // Reads the next field. Call only when !AtEnd().
  absl::StatusOr<WireField> Next();

  // Reads one varint, as packed repeated fields hold them back to back.
  absl::StatusOr<uint64_t> NextVarint();

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace upkeep::apiserver::protobuf
