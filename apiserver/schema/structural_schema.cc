#include "apiserver/schema/structural_schema.h"

#include "apiserver/schema/crd_schema_rules.h"
#include "apiserver/schema/default_value_validation.h"
#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"
#include "apiserver/schema/structural_invariants.h"

namespace upkeep::apiserver {

FieldErrors ValidateStructuralSchema(const nlohmann::json& schema, const std::string& field_path) {
  FieldErrors errors;
  if (!schema.is_object()) {
    errors.push_back(schema::InvalidError(field_path, schema, "must be an object"));
    return errors;
  }
  if (schema::SchemaFlag(schema, "nullable")) {
    errors.push_back(schema::ForbiddenError(schema::ChildPath(field_path, "nullable"),
                                            "nullable cannot be true at the root"));
  }
  bool uses_unsupported_keywords = false;
  FieldErrors rules =
      schema::ValidateCrdSchemaRules(schema, field_path, &uses_unsupported_keywords);
  errors.insert(errors.end(), rules.begin(), rules.end());
  if (uses_unsupported_keywords) return errors;

  FieldErrors structural = schema::ValidateStructuralInvariants(schema, field_path);
  if (!structural.empty()) {
    errors.insert(errors.end(), structural.begin(), structural.end());
    return errors;
  }
  FieldErrors defaults = schema::ValidateSchemaDefaults(schema, field_path);
  errors.insert(errors.end(), defaults.begin(), defaults.end());
  return errors;
}

}  // namespace upkeep::apiserver
