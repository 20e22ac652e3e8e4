// Describes Kubernetes protobuf messages as data: for each field its number (from
// k8s.io/api's generated.proto), its JSON name and how its payload becomes JSON. Adding a
// kind means writing its table in the <group>_messages.cc file, not decoding code.
//
// Go's protobuf encoder for Kubernetes types writes every non-pointer field, zero or not,
// while the JSON encoder drops zero values of `omitempty` fields. A field therefore says
// whether its zero value is dropped (the default, for `omitempty` fields) or kept (Go pointer
// fields and fields without `omitempty`), so the decoded JSON is what the client would have
// sent as JSON.
//
// Descriptors are immutable and live in function-local statics; safe to share across threads.
#pragma once

#include <string_view>
#include <vector>

namespace upkeep::apiserver::protobuf {

struct MessageDescriptor;
// Descriptors refer to each other through functions so tables in different files can be
// defined in any order (and may be recursive) without static initialisation order issues.
using MessageRef = const MessageDescriptor& (*)();

enum class FieldType {
  kString,
  kInt,          // int32 / int64 varint, JSON number
  kBool,
  kBytes,        // JSON base64 string
  kMessage,      // nested message, JSON object
  kInline,       // nested message whose fields appear in the parent (Go embedded struct)
  kStringMap,    // map<string, string>
  kBytesMap,     // map<string, bytes>, values as base64
  kQuantityMap,  // map<string, resource.Quantity>
  kTime,         // meta/v1 Time {seconds, nanos}: RFC 3339 seconds, empty message -> null
  kMicroTime,    // meta/v1 MicroTime: RFC 3339 with microseconds, empty message -> null
  kIntOrString,  // intstr.IntOrString {type, intVal, strVal}: JSON number or string
  kQuantity,     // resource.Quantity {string}: JSON string
  kRawJson,      // meta/v1 FieldsV1 {Raw}: the raw bytes are JSON
};

struct FieldDescriptor {
  int number = 0;
  std::string_view json_name;
  FieldType type = FieldType::kString;
  MessageRef message = nullptr;  // kMessage and kInline
  bool repeated = false;
  bool keep_zero = false;  // false: a zero value on the wire is left out of the JSON
};

struct MessageDescriptor {
  std::vector<FieldDescriptor> fields;
  // Unknown fields with a non-zero payload are refused (data would be lost) unless this is
  // set; it is set for status messages, which servers ignore on writes.
  bool skip_unknown = false;

  const FieldDescriptor* Find(int number) const {
    for (const FieldDescriptor& f : fields) {
      if (f.number == number) return &f;
    }
    return nullptr;
  }
};

// Table-building helpers: String(1, "name"), KeepZero(Int(3, "containerPort")),
// Repeated(Message(6, "ports", &ContainerPortMessage)).
constexpr FieldDescriptor String(int n, std::string_view name) {
  return {n, name, FieldType::kString};
}
constexpr FieldDescriptor Int(int n, std::string_view name) { return {n, name, FieldType::kInt}; }
constexpr FieldDescriptor Bool(int n, std::string_view name) {
  return {n, name, FieldType::kBool};
}
constexpr FieldDescriptor Bytes(int n, std::string_view name) {
  return {n, name, FieldType::kBytes};
}
constexpr FieldDescriptor Message(int n, std::string_view name, MessageRef message) {
  return {n, name, FieldType::kMessage, message};
}
constexpr FieldDescriptor Inline(int n, MessageRef message) {
  return {n, "", FieldType::kInline, message};
}
constexpr FieldDescriptor StringMap(int n, std::string_view name) {
  return {n, name, FieldType::kStringMap};
}
constexpr FieldDescriptor BytesMap(int n, std::string_view name) {
  return {n, name, FieldType::kBytesMap};
}
constexpr FieldDescriptor QuantityMap(int n, std::string_view name) {
  return {n, name, FieldType::kQuantityMap};
}
constexpr FieldDescriptor Time(int n, std::string_view name) {
  return {n, name, FieldType::kTime};
}
constexpr FieldDescriptor MicroTime(int n, std::string_view name) {
  return {n, name, FieldType::kMicroTime};
}
constexpr FieldDescriptor IntOrString(int n, std::string_view name) {
  return {n, name, FieldType::kIntOrString};
}
constexpr FieldDescriptor Quantity(int n, std::string_view name) {
  return {n, name, FieldType::kQuantity};
}
constexpr FieldDescriptor RawJson(int n, std::string_view name) {
  return {n, name, FieldType::kRawJson};
}
constexpr FieldDescriptor Repeated(FieldDescriptor f) {
  f.repeated = true;
  return f;
}
// For Go pointer fields and fields without `omitempty`: present on the wire, present in JSON.
constexpr FieldDescriptor KeepZero(FieldDescriptor f) {
  f.keep_zero = true;
  return f;
}

}  // namespace upkeep::apiserver::protobuf
