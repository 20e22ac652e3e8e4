#include "apiserver/protobuf/message_to_json.h"

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include <absl/status/status.h>

#include "apiserver/api/base64.h"
#include "apiserver/protobuf/wire_reader.h"

namespace upkeep::apiserver::protobuf {
namespace {

using nlohmann::json;

// Bounds the look inside unknown fields (IsZeroPayload); known fields follow the descriptors,
// which are not recursive.
constexpr int kMaxZeroCheckDepth = 16;

std::string Join(std::string_view path, std::string_view name) {
  std::string out(path);
  if (!name.empty()) {
    if (!out.empty()) out += '.';
    out += name;
  }
  return out;
}

absl::Status Malformed(std::string_view path, const std::string& what) {
  return absl::InvalidArgumentError(std::string(path) + ": " + what);
}


absl::StatusOr<json> Utf8String(std::string_view bytes, std::string_view path) {
  json value = std::string(bytes);
  try {
    (void)value.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    return Malformed(path, "string is not valid UTF-8");
  }
  return value;
}

// True when a field holds nothing: a zero scalar, an empty string, or a message whose fields
// are all zero (Go writes non-pointer structs even when empty).
bool IsZeroPayload(const WireField& field, int depth) {
  if (field.IsZero()) return true;
  if (field.type != WireType::kLengthDelimited || depth >= kMaxZeroCheckDepth) return false;
  WireReader reader(field.bytes);
  while (!reader.AtEnd()) {
    absl::StatusOr<WireField> inner = reader.Next();
    if (!inner.ok() || !IsZeroPayload(*inner, depth + 1)) return false;
  }
  return true;
}

// Calls `visit` for each field of a small well-known message (Time, IntOrString, ...).
template <typename Visit>
absl::Status ForEachField(std::string_view bytes, std::string_view path, Visit visit) {
  WireReader reader(bytes);
  while (!reader.AtEnd()) {
    absl::StatusOr<WireField> field = reader.Next();
    if (!field.ok()) return Malformed(path, std::string(field.status().message()));
    if (absl::Status s = visit(*field); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Expect(const WireField& field, WireType type, std::string_view path) {
  if (field.type == type) return absl::OkStatus();
  return Malformed(path, "field " + std::to_string(field.number) + " has wire type " +
                             std::to_string(static_cast<int>(field.type)) + ", want " +
                             std::to_string(static_cast<int>(type)));
}

absl::StatusOr<json> DecodeTime(std::string_view bytes, bool micro, std::string_view path) {
  if (bytes.empty()) return json(nullptr);  // Go's zero time.Time, which JSON writes as null
  int64_t seconds = 0;
  int64_t nanos = 0;
  absl::Status s = ForEachField(bytes, path, [&](const WireField& f) -> absl::Status {
    if (f.number != 1 && f.number != 2) return absl::OkStatus();
    if (absl::Status e = Expect(f, WireType::kVarint, path); !e.ok()) return e;
    (f.number == 1 ? seconds : nanos) = static_cast<int64_t>(f.scalar);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  nanos = static_cast<int32_t>(nanos);
  if (nanos < 0 || nanos >= 1'000'000'000) return Malformed(path, "nanos out of range");
  const time_t t = static_cast<time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
    return Malformed(path, "time out of range");
  }
  char buf[48];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (micro) {
    // Go's MicroTime keeps nanos and writes microseconds; Time drops the fraction.
    std::snprintf(buf, sizeof(buf), ".%06d", static_cast<int>(nanos / 1000));
    out += buf;
  }
  return json(out + "Z");
}

absl::StatusOr<json> DecodeIntOrString(std::string_view bytes, std::string_view path) {
  int64_t type = 0;
  int64_t int_val = 0;
  std::string_view str_val;
  absl::Status s = ForEachField(bytes, path, [&](const WireField& f) -> absl::Status {
    if (f.number == 1 || f.number == 2) {
      if (absl::Status e = Expect(f, WireType::kVarint, path); !e.ok()) return e;
      (f.number == 1 ? type : int_val) = static_cast<int64_t>(f.scalar);
    } else if (f.number == 3) {
      if (absl::Status e = Expect(f, WireType::kLengthDelimited, path); !e.ok()) return e;
      str_val = f.bytes;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (type == 1) return Utf8String(str_val, path);
  return json(static_cast<int32_t>(int_val));
}

// resource.Quantity {string = 1} and meta/v1 FieldsV1 {Raw = 1}: one length-delimited field.
absl::StatusOr<std::string_view> SingleBytesField(std::string_view bytes, std::string_view path) {
  std::string_view value;
  absl::Status s = ForEachField(bytes, path, [&](const WireField& f) -> absl::Status {
    if (f.number != 1) return absl::OkStatus();
    if (absl::Status e = Expect(f, WireType::kLengthDelimited, path); !e.ok()) return e;
    value = f.bytes;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return value;
}

absl::Status AppendFields(std::string_view bytes, const MessageDescriptor& descriptor,
                          std::string_view path, json& out);

// Decodes one occurrence of a non-map field.
absl::StatusOr<json> DecodeValue(const WireField& f, const FieldDescriptor& fd,
                                 std::string_view path) {
  switch (fd.type) {
    case FieldType::kString:
      return Utf8String(f.bytes, path);
    case FieldType::kInt:
      return json(static_cast<int64_t>(f.scalar));
    case FieldType::kBool:
      return json(f.scalar != 0);
    case FieldType::kBytes:
      return json(Base64Encode(f.bytes));
    case FieldType::kMessage: {
      json object = json::object();
      if (absl::Status s = AppendFields(f.bytes, fd.message(), path, object); !s.ok()) return s;
      return object;
    }
    case FieldType::kTime:
    case FieldType::kMicroTime:
      return DecodeTime(f.bytes, fd.type == FieldType::kMicroTime, path);
    case FieldType::kIntOrString:
      return DecodeIntOrString(f.bytes, path);
    case FieldType::kQuantity: {
      absl::StatusOr<std::string_view> q = SingleBytesField(f.bytes, path);
      if (!q.ok()) return q.status();
      return Utf8String(*q, path);
    }
    case FieldType::kRawJson: {
      absl::StatusOr<std::string_view> raw = SingleBytesField(f.bytes, path);
      if (!raw.ok()) return raw.status();
      if (raw->empty()) return json(nullptr);
      json parsed = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) return Malformed(path, "raw field is not JSON");
      return parsed;
    }
    default:
      return absl::InternalError(std::string(path) + ": field type has no single value");
  }
}

// One map entry {key = 1, value = 2} into out[key].
absl::Status AppendMapEntry(const WireField& f, const FieldDescriptor& fd, std::string_view path,
                            json& out) {
  std::string_view key;
  std::string_view value;
  absl::Status s = ForEachField(f.bytes, path, [&](const WireField& e) -> absl::Status {
    if (e.number != 1 && e.number != 2) return absl::OkStatus();
    if (absl::Status x = Expect(e, WireType::kLengthDelimited, path); !x.ok()) return x;
    (e.number == 1 ? key : value) = e.bytes;
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  absl::StatusOr<json> key_json = Utf8String(key, path);
  if (!key_json.ok()) return key_json.status();
  absl::StatusOr<json> value_json;
  switch (fd.type) {
    case FieldType::kStringMap:
      value_json = Utf8String(value, path);
      break;
    case FieldType::kBytesMap:
      value_json = json(Base64Encode(value));
      break;
    default: {  // kQuantityMap
      absl::StatusOr<std::string_view> q = SingleBytesField(value, path);
      if (!q.ok()) return q.status();
      value_json = Utf8String(*q, path);
    }
  }
  if (!value_json.ok()) return value_json.status();
  out[key_json->get<std::string>()] = *std::move(value_json);
  return absl::OkStatus();
}

bool IsMap(FieldType t) {
  return t == FieldType::kStringMap || t == FieldType::kBytesMap || t == FieldType::kQuantityMap;
}

bool IsScalar(FieldType t) {
  return t == FieldType::kString || t == FieldType::kInt || t == FieldType::kBool ||
         t == FieldType::kBytes;
}

WireType WireTypeOf(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kBool ? WireType::kVarint
                                                        : WireType::kLengthDelimited;
}

absl::Status AppendFields(std::string_view bytes, const MessageDescriptor& descriptor,
                          std::string_view path, json& out) {
  WireReader reader(bytes);
  while (!reader.AtEnd()) {
    absl::StatusOr<WireField> field = reader.Next();
    if (!field.ok()) return Malformed(path, std::string(field.status().message()));
    const WireField& f = *field;
    const FieldDescriptor* fd = descriptor.Find(static_cast<int>(f.number));
    if (fd == nullptr) {
      if (descriptor.skip_unknown || IsZeroPayload(f, 0)) continue;
      return absl::UnimplementedError(std::string(path) + ": field " +
                                      std::to_string(f.number) + " is not supported");
    }
    const std::string child = Join(path, fd->json_name);
    // Packed repeated varints (proto3 style); Kubernetes' proto2 encoder does not pack, but
    // accepting both costs nothing.
    if (fd->repeated && WireTypeOf(fd->type) == WireType::kVarint &&
        f.type == WireType::kLengthDelimited) {
      json& list = out[std::string(fd->json_name)];
      if (!list.is_array()) list = json::array();
      WireReader packed(f.bytes);
      while (!packed.AtEnd()) {
        absl::StatusOr<uint64_t> v = packed.NextVarint();
        if (!v.ok()) return Malformed(child, std::string(v.status().message()));
        list.push_back(fd->type == FieldType::kBool ? json(*v != 0)
                                                     : json(static_cast<int64_t>(*v)));
      }
      continue;
    }
    if (absl::Status s = Expect(f, WireTypeOf(fd->type), child); !s.ok()) return s;
    if (fd->type == FieldType::kInline) {
      if (absl::Status s = AppendFields(f.bytes, fd->message(), path, out); !s.ok()) return s;
      continue;
    }
    if (IsMap(fd->type)) {
      json& map = out[std::string(fd->json_name)];
      if (!map.is_object()) map = json::object();
      if (absl::Status s = AppendMapEntry(f, *fd, child, map); !s.ok()) return s;
      continue;
    }
    if (!fd->repeated && !fd->keep_zero && IsScalar(fd->type) && f.IsZero()) continue;
    absl::StatusOr<json> value = DecodeValue(f, *fd, child);
    if (!value.ok()) return value.status();
    if (fd->repeated) {
      json& list = out[std::string(fd->json_name)];
      if (!list.is_array()) list = json::array();
      list.push_back(*std::move(value));
    } else {
      out[std::string(fd->json_name)] = *std::move(value);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<json> MessageToJson(std::string_view bytes, const MessageDescriptor& descriptor,
                                   std::string_view path) {
  json out = json::object();
  if (absl::Status s = AppendFields(bytes, descriptor, path, out); !s.ok()) return s;
  return out;
}

}  // namespace upkeep::apiserver::protobuf
