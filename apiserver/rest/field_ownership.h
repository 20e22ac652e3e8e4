// How the REST layer feeds the apply engine (apiserver/apply): the merge rules of a
// resource (CRD schema list/map types, or the built-in merge keys strategic merge patch also
// uses), the fields an endpoint resets, and the field manager of a request.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"
#include "apiserver/http/http_server.h"
#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver {

struct MergeRules {
  ListSemanticsResolver lists;
  MapTypeResolver maps;
};

MergeRules MergeRulesFor(const ResourceInfo& info);

// {status} on the main endpoint of a kind with a status subresource; everything but status
// on /status; nothing otherwise.
FieldSet IgnoredFieldsFor(const ResourceInfo& info, const std::string& subresource);

// ?fieldManager, else what kube derives from the User-Agent ("kubectl" from
// "kubectl/v1.32.4 (linux/amd64)"), at most 128 characters.
std::string FieldManagerOf(const HttpRequest& request);

}  // namespace upkeep::apiserver
