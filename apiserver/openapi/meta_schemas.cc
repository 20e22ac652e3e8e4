#include "apiserver/openapi/meta_schemas.h"

#include <string>

namespace upkeep::apiserver::openapi_internal {
namespace {

constexpr char kTimeName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
constexpr char kOwnerReferenceName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference";
constexpr char kManagedFieldsEntryName[] =
    "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry";
constexpr char kFieldsV1Name[] = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
constexpr char kStatusDetailsName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails";
constexpr char kStatusCauseName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause";
constexpr char kPreconditionsName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions";
constexpr char kRawExtensionName[] = "io.k8s.apimachinery.pkg.runtime.RawExtension";
constexpr char kScaleSpecName[] = "io.k8s.api.autoscaling.v1.ScaleSpec";
constexpr char kScaleStatusName[] = "io.k8s.api.autoscaling.v1.ScaleStatus";

nlohmann::json StringMap(const std::string& description) {
  return {{"type", "object"},
          {"description", description},
          {"additionalProperties", {{"type", "string"}}}};
}

nlohmann::json StringList(const std::string& description) {
  return {{"type", "array"}, {"description", description}, {"items", {{"type", "string"}}}};
}

nlohmann::json ArrayOf(OpenApiDialect dialect, const std::string& name,
                       const std::string& description) {
  return {{"type", "array"},
          {"description", description},
          {"items", RefSchema(dialect, name)}};
}

nlohmann::json ObjectSchema(const std::string& description, nlohmann::json properties) {
  return {{"type", "object"}, {"description", description}, {"properties", std::move(properties)}};
}

nlohmann::json ObjectMeta(OpenApiDialect d) {
  return ObjectSchema(
      "ObjectMeta is the metadata every persisted object has: its name, namespace, labels, "
      "annotations, owners and the bookkeeping the server maintains.",
      {
          {"name", ScalarProperty("string",
                                  "Name is unique within a namespace (or the cluster for "
                                  "cluster-scoped kinds). Cannot be updated.")},
          {"generateName",
           ScalarProperty("string",
                          "GenerateName is a prefix the server completes with a random suffix "
                          "to form a unique name when name is not set.")},
          {"namespace", ScalarProperty("string",
                                       "Namespace is the space the name is unique in. Empty "
                                       "for cluster-scoped objects. Cannot be updated.")},
          {"selfLink", ScalarProperty("string", "Deprecated; the server leaves it empty.")},
          {"uid", ScalarProperty("string",
                                 "UID is the unique identity the server gives the object for "
                                 "its whole lifetime. Read-only.")},
          {"resourceVersion",
           ScalarProperty("string",
                          "ResourceVersion is an opaque value that changes on every write; "
                          "used for optimistic concurrency and watches. Read-only.")},
          {"generation", ScalarProperty("integer",
                                        "Generation counts changes to the desired state. "
                                        "Read-only.",
                                        "int64")},
          {"creationTimestamp",
           RefProperty(d, kTimeName, "CreationTimestamp is when the object was created. "
                                     "Read-only.")},
          {"deletionTimestamp",
           RefProperty(d, kTimeName,
                       "DeletionTimestamp is set when deletion was requested and the object "
                       "waits for its finalizers. Read-only.")},
          {"deletionGracePeriodSeconds",
           ScalarProperty("integer",
                          "Seconds allowed for graceful termination once deletion is "
                          "requested. Read-only.",
                          "int64")},
          {"labels", StringMap("Labels are key/value pairs used to organize and select "
                               "objects.")},
          {"annotations", StringMap("Annotations are key/value pairs for tools and "
                                    "extensions; not used for selection.")},
          {"ownerReferences",
           ArrayOf(d, kOwnerReferenceName,
                   "The objects this object depends on; when all owners are gone the object "
                   "is garbage collected.")},
          {"finalizers", StringList("Finalizers must all be removed before the object is "
                                    "deleted from storage.")},
          {"managedFields",
           ArrayOf(d, kManagedFieldsEntryName,
                   "ManagedFields records which manager owns which fields (server-side "
                   "apply). Maintained by the server.")},
      });
}

nlohmann::json OwnerReference() {
  nlohmann::json schema = ObjectSchema(
      "OwnerReference identifies an owner of an object in the same namespace.",
      {
          {"apiVersion", ScalarProperty("string", "API version of the owner.")},
          {"kind", ScalarProperty("string", "Kind of the owner.")},
          {"name", ScalarProperty("string", "Name of the owner.")},
          {"uid", ScalarProperty("string", "UID of the owner.")},
          {"controller", ScalarProperty("boolean", "True if the owner is the managing "
                                                   "controller.")},
          {"blockOwnerDeletion",
           ScalarProperty("boolean",
                          "If true, foreground deletion of the owner waits for this object.")},
      });
  schema["required"] = {"apiVersion", "kind", "name", "uid"};
  return schema;
}

nlohmann::json ManagedFieldsEntry(OpenApiDialect d) {
  return ObjectSchema(
      "ManagedFieldsEntry names a field manager, the operation it used and the fields it "
      "owns.",
      {
          {"manager", ScalarProperty("string", "Manager is the name of the field manager.")},
          {"operation", ScalarProperty("string", "Operation is 'Apply' or 'Update'.")},
          {"apiVersion", ScalarProperty("string", "The version the fields are described in.")},
          {"fieldsType", ScalarProperty("string", "The format of fieldsV1: 'FieldsV1'.")},
          {"fieldsV1", RefProperty(d, kFieldsV1Name, "The set of owned fields.")},
          {"subresource", ScalarProperty("string", "The subresource the manager wrote "
                                                   "through, if any.")},
          {"time", RefProperty(d, kTimeName, "When the entry last changed.")},
      });
}

nlohmann::json ListMeta() {
  return ObjectSchema(
      "ListMeta is the metadata of a list: its resource version and paging state.",
      {
          {"resourceVersion", ScalarProperty("string",
                                             "The resource version the list was read at; "
                                             "start a watch from it.")},
          {"continue", ScalarProperty("string",
                                      "Set when more items are available; pass it back to "
                                      "get the next page.")},
          {"remainingItemCount",
           ScalarProperty("integer", "Approximate number of items after this page.", "int64")},
          {"selfLink", ScalarProperty("string", "Deprecated; the server leaves it empty.")},
      });
}

nlohmann::json Status(OpenApiDialect d) {
  nlohmann::json properties = TypeMetaProperties();
  properties["metadata"] = RefProperty(d, kListMetaName, kListMetadataDescription);
  properties["status"] = ScalarProperty("string", "'Success' or 'Failure'.");
  properties["message"] = ScalarProperty("string", "A human-readable description.");
  properties["reason"] = ScalarProperty("string", "A machine-readable reason, e.g. NotFound.");
  properties["details"] =
      RefProperty(d, kStatusDetailsName, "Extra data about the reason, if any.");
  properties["code"] = ScalarProperty("integer", "The HTTP status code.", "int32");
  return ObjectSchema("Status is the result of an operation that returns no object.",
                      std::move(properties));
}

nlohmann::json StatusDetails(OpenApiDialect d) {
  return ObjectSchema(
      "StatusDetails identifies the object a Status is about and lists its causes.",
      {
          {"name", ScalarProperty("string", "Name of the object.")},
          {"group", ScalarProperty("string", "API group of the object.")},
          {"kind", ScalarProperty("string", "Kind of the object.")},
          {"uid", ScalarProperty("string", "UID of the object.")},
          {"causes", ArrayOf(d, kStatusCauseName, "The individual problems.")},
          {"retryAfterSeconds",
           ScalarProperty("integer", "Seconds the client should wait before retrying.",
                          "int32")},
      });
}

nlohmann::json StatusCause() {
  return ObjectSchema("StatusCause is one problem behind a failure.",
                      {
                          {"reason", ScalarProperty("string", "A machine-readable reason.")},
                          {"message", ScalarProperty("string", "A human-readable message.")},
                          {"field", ScalarProperty("string", "The field at fault, if any.")},
                      });
}

nlohmann::json DeleteOptions(OpenApiDialect d) {
  nlohmann::json properties = TypeMetaProperties();
  properties["dryRun"] = StringList("'All' to run every stage without persisting.");
  properties["gracePeriodSeconds"] =
      ScalarProperty("integer", "Seconds before the object is deleted.", "int64");
  properties["orphanDependents"] =
      ScalarProperty("boolean", "Deprecated: use propagationPolicy.");
  properties["preconditions"] =
      RefProperty(d, kPreconditionsName, "Must hold for the deletion to happen.");
  properties["propagationPolicy"] =
      ScalarProperty("string", "'Orphan', 'Background' or 'Foreground'.");
  return ObjectSchema("DeleteOptions may be sent with a delete request.",
                      std::move(properties));
}

nlohmann::json Preconditions() {
  return ObjectSchema("Preconditions must match the stored object for a delete to proceed.",
                      {
                          {"resourceVersion", ScalarProperty("string", "Expected "
                                                                       "resourceVersion.")},
                          {"uid", ScalarProperty("string", "Expected UID.")},
                      });
}

nlohmann::json WatchEvent(OpenApiDialect d) {
  nlohmann::json schema = ObjectSchema(
      "WatchEvent is one change seen by a watch.",
      {
          {"type", ScalarProperty("string", "ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.")},
          {"object", RefProperty(d, kRawExtensionName,
                                 "The object after the change, or a Status for ERROR.")},
      });
  schema["required"] = {"type", "object"};
  return schema;
}

}  // namespace

nlohmann::json TypeMetaProperties() {
  return {{"apiVersion", ScalarProperty("string", kApiVersionDescription)},
          {"kind", ScalarProperty("string", kKindDescription)}};
}

void AddMetaSchemas(OpenApiDialect dialect, nlohmann::json& schemas) {
  schemas[kObjectMetaName] = ObjectMeta(dialect);
  schemas[kOwnerReferenceName] = OwnerReference();
  schemas[kManagedFieldsEntryName] = ManagedFieldsEntry(dialect);
  schemas[kFieldsV1Name] = {
      {"type", "object"},
      {"description", "FieldsV1 is a set of field paths in a trie, as JSON."}};
  schemas[kTimeName] = {
      {"type", "string"},
      {"format", "date-time"},
      {"description", "Time is an RFC 3339 timestamp with second precision, as a string."}};
  schemas[kListMetaName] = ListMeta();
  schemas[kStatusName] = Status(dialect);
  schemas[kStatusDetailsName] = StatusDetails(dialect);
  schemas[kStatusCauseName] = StatusCause();
  schemas[kDeleteOptionsName] = DeleteOptions(dialect);
  schemas[kPreconditionsName] = Preconditions();
  schemas[kPatchName] = {
      {"type", "object"},
      {"description",
       "Patch is the body of a PATCH request, in the format its Content-Type names."}};
  schemas[kWatchEventName] = WatchEvent(dialect);
  schemas[kRawExtensionName] = {
      {"type", "object"},
      {"description", "RawExtension holds a complete object of any kind."}};
}

void AddScaleSchemas(OpenApiDialect dialect, nlohmann::json& schemas) {
  nlohmann::json properties = TypeMetaProperties();
  properties["metadata"] = RefProperty(dialect, kObjectMetaName, kObjectMetadataDescription);
  properties["spec"] = RefProperty(dialect, kScaleSpecName, "The desired scale.");
  properties["status"] = RefProperty(dialect, kScaleStatusName, "The observed scale.");
  nlohmann::json scale = ObjectSchema(
      "Scale is the scale subresource of a scalable resource.", std::move(properties));
  scale["x-kubernetes-group-version-kind"] = {
      {{"group", "autoscaling"}, {"kind", "Scale"}, {"version", "v1"}}};
  schemas[kScaleName] = std::move(scale);
  schemas[kScaleSpecName] = ObjectSchema(
      "ScaleSpec is the desired scale.",
      {{"replicas", ScalarProperty("integer", "The desired number of replicas.", "int32")}});
  nlohmann::json status = ObjectSchema(
      "ScaleStatus is the observed scale.",
      {{"replicas", ScalarProperty("integer", "The observed number of replicas.", "int32")},
       {"selector", ScalarProperty("string", "The label selector of the replicas, as a "
                                             "string.")}});
  status["required"] = {"replicas"};
  schemas[kScaleStatusName] = std::move(status);
}

}  // namespace upkeep::apiserver::openapi_internal
