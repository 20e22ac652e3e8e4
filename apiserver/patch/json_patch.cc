#include "apiserver/patch/json_patch.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apiserver/api/api_status.h"
#include "apiserver/patch/go_value_text.h"
#include "apiserver/patch/patch_errors.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using patch::PatchRejectedError;

// The member or element a JSON pointer ends at: `parent` holds it under `token`.
struct PointerTarget {
  json* parent;
  std::string token;
};

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// RFC 6901: "~1" stands for "/" and "~0" for "~".
std::string UnescapeToken(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

// An array index as Go's strconv.Atoi reads it: optional sign, then digits.
std::optional<long long> ParseIndex(std::string_view token) {
  std::size_t i = 0;
  bool negative = false;
  if (!token.empty() && (token[0] == '+' || token[0] == '-')) {
    negative = token[0] == '-';
    i = 1;
  }
  if (i == token.size() || token.size() - i > 18) return std::nullopt;
  long long value = 0;
  for (; i < token.size(); ++i) {
    if (token[i] < '0' || token[i] > '9') return std::nullopt;
    value = value * 10 + (token[i] - '0');
  }
  return negative ? -value : value;
}

// Position of an existing element: negative indexes count from the end.
std::optional<std::size_t> ExistingPosition(const json& array, std::string_view token) {
  std::optional<long long> index = ParseIndex(token);
  long long size = static_cast<long long>(array.size());
  if (!index || *index >= size || *index < -size) return std::nullopt;
  return static_cast<std::size_t>(*index < 0 ? *index + size : *index);
}

absl::StatusOr<PointerTarget> FindTarget(json& document, std::string_view path,
                                         std::string_view op) {
  auto missing = [&] {
    return PatchRejectedError(std::string(op) +
                              " operation does not apply: doc is missing path: " + Quoted(path));
  };
  if (path.empty() || path[0] != '/') return missing();
  std::vector<std::string> tokens;
  std::size_t start = 1;
  while (true) {
    std::size_t slash = path.find('/', start);
    tokens.push_back(UnescapeToken(path.substr(start, slash - start)));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  json* node = &document;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    json* next = nullptr;
    if (node->is_object()) {
      auto it = node->find(tokens[i]);
      if (it != node->end()) next = &*it;
    } else if (node->is_array()) {
      if (auto position = ExistingPosition(*node, tokens[i])) next = &(*node)[*position];
    }
    if (next == nullptr || !(next->is_object() || next->is_array())) return missing();
    node = next;
  }
  if (!node->is_object() && !node->is_array()) return missing();
  return PointerTarget{node, tokens.back()};
}

absl::Status InvalidIndexError(std::string_view op, std::string_view path, std::string_view token) {
  return PatchRejectedError("error in " + std::string(op) + " for path: '" + std::string(path) +
                            "': Unable to access invalid index: " + std::string(token) +
                            ": invalid index referenced");
}

absl::Status Add(json& document, std::string_view path, json value, std::string_view op) {
  absl::StatusOr<PointerTarget> target = FindTarget(document, path, op);
  if (!target.ok()) return target.status();
  json& parent = *target->parent;
  if (parent.is_object()) {
    parent[target->token] = std::move(value);
    return absl::OkStatus();
  }
  if (target->token == "-") {
    parent.push_back(std::move(value));
    return absl::OkStatus();
  }
  std::optional<long long> index = ParseIndex(target->token);
  if (!index) {
    return PatchRejectedError("error in " + std::string(op) + " for path: '" + std::string(path) +
                              "': value was not a proper array index: '" + target->token + "'");
  }
  // Inserting may also address one past the end; negative indexes count from that end.
  long long slots = static_cast<long long>(parent.size()) + 1;
  if (*index >= slots || *index < -slots) return InvalidIndexError(op, path, target->token);
  long long position = *index < 0 ? *index + slots : *index;
  parent.insert(parent.begin() + position, std::move(value));
  return absl::OkStatus();
}

absl::Status Remove(json& document, std::string_view path, std::string_view op) {
  absl::StatusOr<PointerTarget> target = FindTarget(document, path, op);
  if (!target.ok()) return target.status();
  json& parent = *target->parent;
  if (parent.is_object()) {
    if (parent.erase(target->token) == 0) {
      return PatchRejectedError("error in " + std::string(op) + " for path: '" + std::string(path) +
                                "': Unable to remove nonexistent key: " + target->token +
                                ": missing value");
    }
    return absl::OkStatus();
  }
  std::optional<std::size_t> position = ExistingPosition(parent, target->token);
  if (!position) return InvalidIndexError(op, path, target->token);
  parent.erase(*position);
  return absl::OkStatus();
}

absl::Status Replace(json& document, std::string_view path, json value) {
  absl::StatusOr<PointerTarget> target = FindTarget(document, path, "replace");
  if (!target.ok()) return target.status();
  json& parent = *target->parent;
  if (parent.is_object()) {
    // evanphx/json-patch v4 sets object members without checking they exist.
    parent[target->token] = std::move(value);
    return absl::OkStatus();
  }
  std::optional<std::size_t> position = ExistingPosition(parent, target->token);
  if (!position) {
    return PatchRejectedError("replace operation does not apply: doc is missing key: " +
                              std::string(path));
  }
  parent[*position] = std::move(value);
  return absl::OkStatus();
}

// The value at `path`; nullopt when an object member is absent.
absl::StatusOr<std::optional<json>> ValueAt(json& document, std::string_view path,
                                            std::string_view op) {
  absl::StatusOr<PointerTarget> target = FindTarget(document, path, op);
  if (!target.ok()) return target.status();
  json& parent = *target->parent;
  if (parent.is_object()) {
    auto it = parent.find(target->token);
    if (it == parent.end()) return std::optional<json>();
    return std::optional<json>(*it);
  }
  std::optional<std::size_t> position = ExistingPosition(parent, target->token);
  if (!position) return InvalidIndexError(op, path, target->token);
  return std::optional<json>(parent[*position]);
}

// Reads a string member of an operation, as Operation.Path()/From() do.
std::optional<std::string> StringMember(const json& operation, const char* name) {
  auto it = operation.find(name);
  if (it == operation.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

absl::Status ApplyOperation(json& document, const json& operation) {
  std::string op = "unknown";
  if (operation.is_object()) op = StringMember(operation, "op").value_or("unknown");
  if (op != "add" && op != "remove" && op != "replace" && op != "move" && op != "copy" &&
      op != "test") {
    return PatchRejectedError("Unexpected kind: " + op);
  }
  std::optional<std::string> path = StringMember(operation, "path");
  if (!path) return PatchRejectedError(op + " operation failed to decode path");
  // An operation without "value" carries null, as the Go decoder leaves it.
  json value = operation.contains("value") ? operation["value"] : json(nullptr);

  if (op == "add") return Add(document, *path, std::move(value), op);
  if (op == "remove") return Remove(document, *path, op);
  if (op == "replace") return Replace(document, *path, std::move(value));
  if (op == "test") {
    absl::StatusOr<std::optional<json>> actual = ValueAt(document, *path, op);
    if (!actual.ok()) return actual.status();
    if (actual->value_or(json(nullptr)) != value) {
      return PatchRejectedError("testing value " + *path + " failed: test failed");
    }
    return absl::OkStatus();
  }
  std::optional<std::string> from = StringMember(operation, "from");
  if (!from) return PatchRejectedError(op + " operation failed to decode from");
  absl::StatusOr<std::optional<json>> source = ValueAt(document, *from, op);
  if (!source.ok()) return source.status();
  if (op == "move") {
    // Removing first reports a missing source the way kube does.
    if (absl::Status removed = Remove(document, *from, op); !removed.ok()) return removed;
  } else if (!source->has_value()) {
    return PatchRejectedError("copy operation does not apply: doc is missing from path: " + *from);
  }
  return Add(document, *path, std::move(**source), op);
}

}  // namespace

absl::StatusOr<json> ApplyJsonPatch(const json& document, const json& patch) {
  // A null body decodes to an empty patch in Go.
  if (patch.is_null()) return document;
  if (!patch.is_array()) {
    return BadRequestError("json: cannot unmarshal " + patch::GoJsonKindName(patch) +
                           " into Go value of type jsonpatch.Patch");
  }
  for (const json& operation : patch) {
    if (!operation.is_object() && !operation.is_null()) {
      return BadRequestError("json: cannot unmarshal " + patch::GoJsonKindName(operation) +
                             " into Go value of type jsonpatch.Operation");
    }
  }
  if (patch.size() > patch::kMaxJsonPatchOperations) {
    return patch::TooManyPatchOperationsError(patch.size());
  }
  json result = document;
  for (const json& operation : patch) {
    if (absl::Status applied = ApplyOperation(result, operation); !applied.ok()) return applied;
  }
  return result;
}

}  // namespace upkeep::apiserver
