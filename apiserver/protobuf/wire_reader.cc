#include "apiserver/protobuf/wire_reader.h"

#include <string>

#include <absl/status/status.h>

namespace upkeep::apiserver::protobuf {

absl::StatusOr<uint64_t> WireReader::NextVarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) {
      return absl::InvalidArgumentError("truncated varint at offset " + std::to_string(pos_));
    }
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return absl::InvalidArgumentError("varint longer than 10 bytes at offset " +
                                    std::to_string(pos_));
}

absl::StatusOr<WireField> WireReader::Next() {
  const size_t start = pos_;
  absl::StatusOr<uint64_t> tag = NextVarint();
  if (!tag.ok()) return tag.status();
  WireField field;
  field.type = static_cast<WireType>(*tag & 0x7);
  if ((*tag >> 3) == 0 || (*tag >> 3) > 0x1fffffff) {
    return absl::InvalidArgumentError("invalid field number at offset " + std::to_string(start));
  }
  field.number = static_cast<uint32_t>(*tag >> 3);
  auto take = [&](size_t n) -> absl::Status {
    if (n > data_.size() - pos_) {
      return absl::InvalidArgumentError("field " + std::to_string(field.number) + " at offset " +
                                        std::to_string(start) + " runs past the end");
    }
    return absl::OkStatus();
  };
  switch (field.type) {
    case WireType::kVarint: {
      absl::StatusOr<uint64_t> v = NextVarint();
      if (!v.ok()) return v.status();
      field.scalar = *v;
      return field;
    }
    case WireType::kFixed64:
    case WireType::kFixed32: {
      const size_t width = field.type == WireType::kFixed64 ? 8 : 4;
      if (absl::Status s = take(width); !s.ok()) return s;
      for (size_t i = 0; i < width; ++i) {
        field.scalar |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
      }
      pos_ += width;
      return field;
    }
    case WireType::kLengthDelimited: {
      absl::StatusOr<uint64_t> length = NextVarint();
      if (!length.ok()) return length.status();
      if (absl::Status s = take(*length); !s.ok()) return s;
      field.bytes = data_.substr(pos_, *length);
      pos_ += *length;
      return field;
    }
    default:
      return absl::InvalidArgumentError("unsupported wire type " +
                                        std::to_string(static_cast<int>(field.type)) +
                                        " at offset " + std::to_string(start));
  }
}

}  // namespace upkeep::apiserver::protobuf
