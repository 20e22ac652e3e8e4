#include "apiserver/rest/list_query.h"

#include "apiserver/api/api_status.h"
#include "apiserver/api/base64.h"

namespace upkeep::apiserver {
namespace {

bool ParseInt(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

}  // namespace

bool ListQuery::Matches(const StoredObject& object) const {
  if (label_selector && !label_selector->Matches(object.Meta("labels"))) return false;
  if (field_selector) {
    bool metadata_only = true;
    for (const auto& r : field_selector->requirements()) {
      metadata_only = metadata_only && r.field.rfind("metadata.", 0) == 0;
    }
    if (metadata_only) {
      nlohmann::json view = {{"metadata", *object.metadata}};
      return field_selector->Matches(view);
    }
    return field_selector->Matches(object.Object());
  }
  return true;
}

std::string EncodeContinueToken(uint64_t resource_version, const std::string& start_key) {
  nlohmann::json token = {{"v", "meta.k8s.io/v1"},
                          {"rv", resource_version},
                          {"start", start_key + std::string(1, '\0')}};
  return Base64Encode(token.dump());
}

absl::StatusOr<ListQuery> ParseListQuery(const HttpRequest& request) {
  ListQuery q;
  if (const std::string& s = request.Query("labelSelector"); !s.empty()) {
    auto sel = LabelSelector::Parse(s);
    if (!sel.ok()) return sel.status();
    q.label_selector = std::move(*sel);
  }
  if (const std::string& s = request.Query("fieldSelector"); !s.empty()) {
    auto sel = FieldSelector::Parse(s);
    if (!sel.ok()) return sel.status();
    q.field_selector = std::move(*sel);
  }
  if (const std::string& s = request.Query("limit"); !s.empty()) {
    if (!ParseInt(s, &q.limit) || q.limit < 0) {
      return BadRequestError("invalid value for limit: \"" + s + "\"");
    }
  }
  if (const std::string& s = request.Query("timeoutSeconds"); !s.empty()) {
    if (!ParseInt(s, &q.timeout_seconds) || q.timeout_seconds < 0) {
      return BadRequestError("invalid value for timeoutSeconds: \"" + s + "\"");
    }
  }
  q.resource_version = request.Query("resourceVersion");
  if (!q.resource_version.empty()) {
    int64_t rv;
    if (!ParseInt(q.resource_version, &rv) || rv < 0) {
      return BadRequestError("resourceVersion: Invalid value: \"" + q.resource_version +
                             "\": must be a valid resource version");
    }
  }
  q.resource_version_match = request.Query("resourceVersionMatch");
  if (!q.resource_version_match.empty() && q.resource_version_match != "NotOlderThan" &&
      q.resource_version_match != "Exact") {
    return BadRequestError("resourceVersionMatch: Unsupported value: \"" +
                           q.resource_version_match +
                           "\": supported values: \"Exact\", \"NotOlderThan\"");
  }
  q.allow_watch_bookmarks = request.QueryFlag("allowWatchBookmarks");
  q.send_initial_events = request.QueryFlag("sendInitialEvents");
  if (const std::string& s = request.Query("continue"); !s.empty()) {
    auto decoded = Base64Decode(s);
    nlohmann::json token =
        decoded ? nlohmann::json::parse(*decoded, nullptr, false) : nlohmann::json();
    if (token.is_discarded() || !token.is_object() || token.value("v", "") != "meta.k8s.io/v1" ||
        !token.contains("rv") || !token.contains("start")) {
      return BadRequestError("continue key is not valid: incorrect encoded start " +
                             std::string("resourceVersion (version meta.k8s.io/v1)"));
    }
    q.continue_resource_version = token["rv"].get<uint64_t>();
    q.continue_key = token["start"].get<std::string>();
    if (!q.continue_key.empty() && q.continue_key.back() == '\0') q.continue_key.pop_back();
  }
  return q;
}

}  // namespace upkeep::apiserver
