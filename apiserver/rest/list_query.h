// ListQuery: the options of a list or watch request (?labelSelector, fieldSelector, limit,
// continue, resourceVersion, resourceVersionMatch, timeoutSeconds, allowWatchBookmarks,
// sendInitialEvents), parsed and checked once, with the continue token in the format
// kube-apiserver uses (base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key>"}).
// Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "apiserver/http/http_server.h"
#include "apiserver/meta/field_selector.h"
#include "apiserver/meta/label_selector.h"
#include "apiserver/store/object_store.h"

namespace upkeep::apiserver {

struct ListQuery {
  std::optional<LabelSelector> label_selector;
  std::optional<FieldSelector> field_selector;
  int64_t limit = 0;
  std::string continue_key;            // store key to continue after
  uint64_t continue_resource_version = 0;
  std::string resource_version;        // as sent; "" = most recent, "0" = any
  std::string resource_version_match;  // "", "NotOlderThan", "Exact"
  int64_t timeout_seconds = 0;         // 0 = server default
  bool allow_watch_bookmarks = false;
  bool send_initial_events = false;

  // True when `object` passes both selectors. Parses the object only for field selectors
  // on fields outside metadata.
  bool Matches(const StoredObject& object) const;
};

absl::StatusOr<ListQuery> ParseListQuery(const HttpRequest& request);

std::string EncodeContinueToken(uint64_t resource_version, const std::string& start_key);

}  // namespace upkeep::apiserver
