#include "apiserver/schema/schema_validator.h"

#include "apiserver/schema/embedded_resource_validation.h"
#include "apiserver/schema/list_type_validation.h"

namespace upkeep::apiserver {

// The order of customResourceStrategy.Validate: schema, embedded resources, list types.
FieldErrors ValidateAgainstSchema(const nlohmann::json& schema, const nlohmann::json& object) {
  FieldErrors errors = ValidateValueAgainstSchema(schema, object, "");
  FieldErrors embedded = schema::ValidateEmbeddedResources(schema, object, "", false);
  errors.insert(errors.end(), embedded.begin(), embedded.end());
  FieldErrors lists = schema::ValidateListSetsAndMaps(schema, object, "");
  errors.insert(errors.end(), lists.begin(), lists.end());
  return errors;
}

}  // namespace upkeep::apiserver
