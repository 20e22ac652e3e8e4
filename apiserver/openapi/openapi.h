// OpenAPI documents for kubectl: the /openapi/v3 root, one OpenAPI 3.0 document per
// group-version (/openapi/v3/api/v1, /openapi/v3/apis/<group>/<version>) and the Swagger 2.0
// document at /openapi/v2, all built from the resources currently served.
//
// kubectl 1.32 reads them for two things, and the documents are shaped for exactly those:
//  - `kubectl explain` finds a resource's kind through the x-kubernetes-group-version-kind of
//    the operations on its paths, then the schema with the same extension in
//    components.schemas, and follows `$ref`s inside the same document.
//  - `kubectl apply/create/replace --validate=strict` sends fieldValidation=Strict (and skips
//    client-side validation) only when the PATCH operation carrying the kind's
//    x-kubernetes-group-version-kind lists a `fieldValidation` parameter.
// Custom resources carry their CRD's openAPIV3Schema; built-in kinds carry a short stub (the
// server, not kubectl, validates them).
//
// Pure functions of their input; thread-safe. Building is linear in the number of resources
// and their schemas' size; callers cache the results and rebuild when the served set changes.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver {

// The /openapi/v3 discovery document: {"paths": {"apis/apps/v1": {"serverRelativeURL":
// "/openapi/v3/apis/apps/v1?hash=<HASH>"}, ...}} with one entry per served group-version.
// HASH is OpenApiDocumentHash() of BuildOpenApiV3GroupVersion() for that group-version, so it
// changes whenever that document does (clients cache documents by URL).
nlohmann::json BuildOpenApiV3Root(const std::vector<ResourceInfo>& served);

// The OpenAPI 3.0 document for one group-version ("v1" or "apps/v1"): paths for the resources
// of that group-version only, and the component schemas they reference. A group-version with no
// served resource gives a document with empty paths.
nlohmann::json BuildOpenApiV3GroupVersion(const std::vector<ResourceInfo>& served,
                                          const std::string& group_version);

// The Swagger 2.0 document for everything served (/openapi/v2, JSON form).
nlohmann::json BuildOpenApiV2(const std::vector<ResourceInfo>& served);

// "v1" -> "api/v1", "apps/v1" -> "apis/apps/v1": the key of a group-version in the v3 root and
// the suffix of its URL after /openapi/v3/.
std::string OpenApiV3Path(const std::string& group_version);

// Uppercase hex SHA-512 of document.dump(), as kube-apiserver computes the ?hash= of a
// group-version URL. The HTTP layer should serve exactly document.dump() under that hash (and
// may use the hash as the ETag).
std::string OpenApiDocumentHash(const nlohmann::json& document);

}  // namespace upkeep::apiserver
