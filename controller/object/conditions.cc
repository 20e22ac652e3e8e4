#include "controller/object/conditions.h"

#include "controller/object/json_fields.h"
#include "controller/object/kube_time.h"

namespace upkeep::controller {
namespace {

using nlohmann::json;
using object_internal::FieldOrNull;
using object_internal::MutableArrayField;
using object_internal::MutableObjectField;
using object_internal::StringField;

const json* ConditionsOrNull(const json& object) {
  const json* status = FieldOrNull(object, "status");
  if (status == nullptr) return nullptr;
  const json* conditions = FieldOrNull(*status, "conditions");
  return conditions != nullptr && conditions->is_array() ? conditions : nullptr;
}

bool IsConditionOfType(const json& entry, std::string_view type) {
  return entry.is_object() && StringField(entry, "type") == type;
}

int64_t IntegerField(const json& obj, std::string_view key) {
  const json* v = FieldOrNull(obj, key);
  return v != nullptr && v->is_number_integer() ? v->get<int64_t>() : 0;
}

// Writes a string field when it differs; true if it did.
bool Update(json& entry, const char* key, const std::string& value) {
  const json* current = FieldOrNull(entry, key);
  if (current != nullptr && current->is_string() &&
      current->get_ref<const std::string&>() == value) {
    return false;
  }
  entry[key] = value;
  return true;
}

}  // namespace

bool SetCondition(json& object, const Condition& c, Clock::TimePoint now) {
  if (!object.is_object()) object = json::object();
  json& conditions = MutableArrayField(MutableObjectField(object, "status"), "conditions");
  for (json& entry : conditions) {
    if (!IsConditionOfType(entry, c.type)) continue;
    bool changed = false;
    if (StringField(entry, "status") != c.status) {
      entry["status"] = c.status;
      entry["lastTransitionTime"] = FormatRfc3339(now);
      changed = true;
    }
    changed |= Update(entry, "reason", c.reason);
    changed |= Update(entry, "message", c.message);
    if (IntegerField(entry, "observedGeneration") != c.observed_generation) {
      if (c.observed_generation == 0) {
        entry.erase("observedGeneration");
      } else {
        entry["observedGeneration"] = c.observed_generation;
      }
      changed = true;
    }
    return changed;
  }
  json entry = {{"type", c.type},
                {"status", c.status},
                {"reason", c.reason},
                {"message", c.message},
                {"lastTransitionTime", FormatRfc3339(now)}};
  if (c.observed_generation != 0) entry["observedGeneration"] = c.observed_generation;
  conditions.push_back(std::move(entry));
  return true;
}

std::optional<Condition> FindCondition(const json& object, std::string_view type) {
  const json* conditions = ConditionsOrNull(object);
  if (conditions == nullptr) return std::nullopt;
  for (const json& entry : *conditions) {
    if (!IsConditionOfType(entry, type)) continue;
    Condition c;
    c.type = std::string(type);
    c.status = StringField(entry, "status");
    c.reason = StringField(entry, "reason");
    c.message = StringField(entry, "message");
    c.observed_generation = IntegerField(entry, "observedGeneration");
    c.last_transition_time = StringField(entry, "lastTransitionTime");
    return c;
  }
  return std::nullopt;
}

bool IsConditionTrue(const json& object, std::string_view type) {
  std::optional<Condition> c = FindCondition(object, type);
  return c.has_value() && c->status == kConditionTrue;
}

bool RemoveCondition(json& object, std::string_view type) {
  if (ConditionsOrNull(object) == nullptr) return false;
  json& conditions = object["status"]["conditions"];
  bool removed = false;
  for (auto it = conditions.begin(); it != conditions.end();) {
    if (IsConditionOfType(*it, type)) {
      it = conditions.erase(it);
      removed = true;
    } else {
      ++it;
    }
  }
  return removed;
}

bool SetObservedGeneration(json& object) {
  const json* metadata = FieldOrNull(object, "metadata");
  const json* generation = metadata == nullptr ? nullptr : FieldOrNull(*metadata, "generation");
  if (generation == nullptr || !generation->is_number_integer()) return false;
  const int64_t value = generation->get<int64_t>();
  json& status = MutableObjectField(object, "status");
  const json* current = FieldOrNull(status, "observedGeneration");
  if (current != nullptr && current->is_number_integer() && current->get<int64_t>() == value) {
    return false;
  }
  status["observedGeneration"] = value;
  return true;
}

}  // namespace upkeep::controller
