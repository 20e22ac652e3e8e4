// TableConvertor: the meta.k8s.io/v1 Table that `kubectl get` asks for
// (Accept: application/json;as=Table;v=v1;g=meta.k8s.io): NAME, the kind's columns, AGE.
// Custom resources use their additionalPrinterColumns; built-in kinds the columns a real
// cluster shows. Thread-safe after construction.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver {

// What each row carries besides its cells (?includeObject=).
enum class IncludeObject { kNone, kMetadata, kObject };

struct TableOptions {
  IncludeObject include_object = IncludeObject::kMetadata;
  bool no_headers = false;  // watch events after the first carry no column definitions
  std::chrono::system_clock::time_point now;
};

// Builds a Table of `objects`; `list_metadata` (resourceVersion, continue) is copied in.
nlohmann::json ConvertToTable(const ResourceInfo& info, const std::vector<const nlohmann::json*>& objects,
                              const nlohmann::json& list_metadata, const TableOptions& options);

}  // namespace upkeep::apiserver
