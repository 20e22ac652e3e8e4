// The apimachinery schemas every group-version document refers to (ObjectMeta, ListMeta,
// Status, DeleteOptions, Patch, WatchEvent, ...) and autoscaling/v1 Scale, written for this
// server with short descriptions. Internal to the openapi component. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "apiserver/openapi/schema_ref.h"

namespace upkeep::apiserver::openapi_internal {

inline constexpr char kObjectMetaName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
inline constexpr char kListMetaName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
inline constexpr char kStatusName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
inline constexpr char kDeleteOptionsName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
inline constexpr char kPatchName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
inline constexpr char kWatchEventName[] = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
inline constexpr char kScaleName[] = "io.k8s.api.autoscaling.v1.Scale";

// The descriptions Kubernetes gives the type-meta fields and metadata of every object.
inline constexpr char kApiVersionDescription[] =
    "APIVersion defines the versioned schema of this representation of an object. Servers "
    "should convert recognized schemas to the latest internal value, and may reject "
    "unrecognized values. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#resources";
inline constexpr char kKindDescription[] =
    "Kind is a string value representing the REST resource this object represents. Servers "
    "may infer this from the endpoint the client submits requests to. Cannot be updated. In "
    "CamelCase. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#types-kinds";
inline constexpr char kObjectMetadataDescription[] =
    "Standard object's metadata. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata";
inline constexpr char kListMetadataDescription[] =
    "Standard list metadata. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata";

// Adds the apimachinery schemas (ObjectMeta and everything it refers to, ListMeta, Status,
// DeleteOptions, Patch, WatchEvent) to `schemas`, an object keyed by definition name.
void AddMetaSchemas(OpenApiDialect dialect, nlohmann::json& schemas);

// Adds autoscaling/v1 Scale and its spec/status, for resources with a scale subresource.
void AddScaleSchemas(OpenApiDialect dialect, nlohmann::json& schemas);

// {"apiVersion": ..., "kind": ...} properties with the standard descriptions.
nlohmann::json TypeMetaProperties();

}  // namespace upkeep::apiserver::openapi_internal
