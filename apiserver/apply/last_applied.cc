#include "apiserver/apply/last_applied.h"

#include "apiserver/apply/field_set_of.h"
#include "apiserver/apply/object_compare.h"

namespace upkeep::apiserver {
namespace {

// apimachinery's TotalAnnotationSizeLimitB.
constexpr size_t kTotalAnnotationSizeLimit = 256 * 1024;

const nlohmann::json* LastAppliedOf(const nlohmann::json& object) {
  if (!object.is_object()) return nullptr;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return nullptr;
  auto annotations = metadata->find("annotations");
  if (annotations == metadata->end() || !annotations->is_object()) return nullptr;
  auto value = annotations->find(kLastAppliedAnnotation);
  if (value == annotations->end() || !value->is_string() || value->get<std::string>().empty()) {
    return nullptr;
  }
  return &*value;
}

}  // namespace

FieldSet FieldsStillAsLastApplied(const nlohmann::json& live, const std::string& api_version,
                                  const MergeSemantics& semantics) {
  const nlohmann::json* annotation = LastAppliedOf(live);
  if (annotation == nullptr) return {};
  nlohmann::json last_applied =
      nlohmann::json::parse(annotation->get<std::string>(), nullptr, /*allow_exceptions=*/false);
  if (!last_applied.is_object()) return {};
  auto version = last_applied.find("apiVersion");
  if (version == last_applied.end() || *version != api_version) return {};
  absl::StatusOr<FieldSet> fields = FieldSetOf(last_applied, semantics, DuplicateItems::kReject);
  absl::StatusOr<Comparison> diff = CompareObjects(last_applied, live, semantics);
  if (!fields.ok() || !diff.ok()) return {};
  return fields->Difference(diff->modified).Difference(diff->added).Difference(diff->removed);
}

void SyncLastApplied(nlohmann::json& object, const nlohmann::json& applied) {
  if (LastAppliedOf(object) == nullptr) return;
  nlohmann::json config = applied;
  if (config.contains("metadata") && config["metadata"].is_object() &&
      config["metadata"].contains("annotations") && config["metadata"]["annotations"].is_object()) {
    config["metadata"]["annotations"].erase(kLastAppliedAnnotation);
  }
  nlohmann::json& annotations = object["metadata"]["annotations"];
  // Go's JSON encoder, which kubectl's annotation comes from, ends with a newline.
  annotations[kLastAppliedAnnotation] = config.dump() + "\n";
  size_t total = 0;
  for (const auto& [key, value] : annotations.items()) {
    total += key.size() + (value.is_string() ? value.get<std::string>().size() : 0);
  }
  if (total > kTotalAnnotationSizeLimit) annotations.erase(kLastAppliedAnnotation);
}

}  // namespace upkeep::apiserver
