#include "apiserver/protobuf/protobuf_decoding.h"

#include <cctype>
#include <string>

#include <absl/status/status.h>

#include "apiserver/api/api_status.h"
#include "apiserver/protobuf/kind_registry.h"
#include "apiserver/protobuf/message_to_json.h"
#include "apiserver/protobuf/wire_reader.h"

namespace upkeep::apiserver {
namespace {

using protobuf::WireField;
using protobuf::WireReader;
using protobuf::WireType;

constexpr std::string_view kMagic("k8s\0", 4);

struct Unknown {
  std::string_view api_version;
  std::string_view kind;
  std::string_view raw;
  std::string_view content_encoding;
};

absl::Status Malformed(std::string_view what) {
  return BadRequestError("unable to decode protobuf request body: " + std::string(what));
}

// Reads the length-delimited fields of a small envelope message into `slots` (index = field
// number - 1); other fields are ignored, as a real server's decoder would.
absl::Status ReadStrings(std::string_view bytes, std::string_view* const* slots, size_t count,
                         std::string_view what) {
  WireReader reader(bytes);
  while (!reader.AtEnd()) {
    absl::StatusOr<WireField> f = reader.Next();
    if (!f.ok()) return Malformed(std::string(what) + ": " + std::string(f.status().message()));
    if (f->number > count) continue;
    if (f->type != WireType::kLengthDelimited) {
      return Malformed(std::string(what) + ": field " + std::to_string(f->number) +
                       " is not length-delimited");
    }
    *slots[f->number - 1] = f->bytes;
  }
  return absl::OkStatus();
}

absl::StatusOr<Unknown> ReadUnknown(std::string_view body) {
  if (body.substr(0, kMagic.size()) != kMagic) {
    return Malformed("body does not start with the k8s\\0 magic prefix");
  }
  Unknown u;
  std::string_view type_meta;
  std::string_view content_type;
  std::string_view* const unknown_slots[] = {&type_meta, &u.raw, &u.content_encoding,
                                             &content_type};
  if (absl::Status s = ReadStrings(body.substr(kMagic.size()), unknown_slots, 4, "Unknown");
      !s.ok()) {
    return s;
  }
  std::string_view* const type_meta_slots[] = {&u.api_version, &u.kind};
  if (absl::Status s = ReadStrings(type_meta, type_meta_slots, 2, "TypeMeta"); !s.ok()) return s;
  return u;
}

std::string Describe(const Unknown& u) {
  return std::string(kKubernetesProtobufMediaType) + " for " + std::string(u.api_version) +
         ", Kind=" + std::string(u.kind);
}

}  // namespace

bool IsKubernetesProtobuf(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.front()))) {
    media.remove_prefix(1);
  }
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.back()))) {
    media.remove_suffix(1);
  }
  if (media.size() != kKubernetesProtobufMediaType.size()) return false;
  for (size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kKubernetesProtobufMediaType[i]) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<nlohmann::json> DecodeKubernetesProtobuf(std::string_view body) {
  absl::StatusOr<Unknown> unknown = ReadUnknown(body);
  if (!unknown.ok()) return unknown.status();
  if (unknown->kind.empty() || unknown->api_version.empty()) {
    return Malformed("the object has no apiVersion or kind");
  }
  if (!unknown->content_encoding.empty()) {
    return UnsupportedMediaTypeError(Describe(*unknown) + " with content encoding " +
                                     std::string(unknown->content_encoding));
  }
  const protobuf::MessageDescriptor* message =
      protobuf::FindKindMessage(unknown->api_version, unknown->kind);
  if (message == nullptr) return UnsupportedMediaTypeError(Describe(*unknown));

  absl::StatusOr<nlohmann::json> object =
      protobuf::MessageToJson(unknown->raw, *message, unknown->kind);
  if (!object.ok()) {
    const std::string detail(object.status().message());
    if (object.status().code() == absl::StatusCode::kUnimplemented) {
      return UnsupportedMediaTypeError(Describe(*unknown) + " (" + detail + ")");
    }
    return Malformed(detail);
  }
  (*object)["apiVersion"] = std::string(unknown->api_version);
  (*object)["kind"] = std::string(unknown->kind);
  return object;
}

}  // namespace upkeep::apiserver
