// The schemas of served kinds and their list kinds, named the way kube-apiserver names them
// ("io.k8s.api.apps.v1.Deployment", "dev.upkeep.v1alpha1.BackupPolicy"). Internal to the
// openapi component. Free functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/openapi/schema_ref.h"
#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver::openapi_internal {

// The definition name of `kind` in the resource's group-version. Built-in groups follow
// Kubernetes' Go packages (io.k8s.api.<group>.<version>.<Kind>); custom groups are reversed
// like apiextensions-apiserver does ("upkeep.dev" -> "dev.upkeep.<version>.<Kind>").
std::string DefinitionName(const ResourceInfo& resource, const std::string& kind);

// The resource's list kind, "<Kind>List" when the registry left it empty.
std::string ListKindOf(const ResourceInfo& resource);

// {"group": ..., "kind": ..., "version": ...}: the x-kubernetes-group-version-kind value of an
// operation. Schemas carry an array of these. kubectl compares them with reflect.DeepEqual, so
// they must have exactly these three keys.
nlohmann::json GroupVersionKind(const ResourceInfo& resource, const std::string& kind);

// The schema of the resource's kind.
//  - OpenAPI 3, custom resource: the CRD's openAPIV3Schema with apiVersion/kind added and
//    metadata replaced by a reference to ObjectMeta (also inside
//    x-kubernetes-embedded-resource objects), as apiextensions-apiserver publishes it.
//  - OpenAPI 3, built-in kind (or a CRD without a schema): apiVersion, kind and metadata plus
//    x-kubernetes-preserve-unknown-fields; this server does not ship Kubernetes' schemas.
//  - Swagger 2: {"type": "object"} with a description. kubectl validates against v2 only when
//    server-side validation is unavailable and treats listed properties as closed, so like
//    kube-apiserver for schemaless CRDs we list none rather than reject valid fields.
// Every form carries the kind's x-kubernetes-group-version-kind.
nlohmann::json KindSchema(const ResourceInfo& resource, OpenApiDialect dialect);

// The schema of the resource's list kind: items referencing the kind, metadata ListMeta.
nlohmann::json ListSchema(const ResourceInfo& resource, OpenApiDialect dialect);

}  // namespace upkeep::apiserver::openapi_internal
