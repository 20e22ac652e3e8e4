#include "acme/resources.h"

#include <utility>

#include "controller/object/kube_time.h"

namespace upkeep::acme {
namespace {

// Reads the members of one resource; the first wrong member is remembered with its name.
class MemberReader {
 public:
  MemberReader(const nlohmann::json& json, std::string what, std::string url)
      : json_(json), what_(std::move(what)), url_(std::move(url)) {
    if (!json_.is_object()) Fail("", "is not a JSON object");
  }

  std::string String(const char* key, bool required) {
    const nlohmann::json* v = Find(key, required);
    if (v == nullptr) return "";
    if (!v->is_string()) {
      Fail(key, "is not a string");
      return "";
    }
    return v->get<std::string>();
  }

  std::vector<std::string> Strings(const char* key, bool required) {
    std::vector<std::string> out;
    const nlohmann::json* v = Find(key, required);
    if (v == nullptr) return out;
    if (!v->is_array()) {
      Fail(key, "is not an array");
      return out;
    }
    for (const auto& item : *v) {
      if (!item.is_string()) {
        Fail(key, "holds a value that is not a string");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  bool Bool(const char* key) {
    const nlohmann::json* v = Find(key, false);
    if (v == nullptr) return false;
    if (!v->is_boolean()) Fail(key, "is not a boolean");
    return v->is_boolean() && v->get<bool>();
  }

  std::optional<TimePoint> Time(const char* key, bool required) {
    std::string text = String(key, required);
    if (text.empty()) return std::nullopt;
    auto t = controller::ParseRfc3339(text);
    if (!t.ok()) {
      Fail(key, "\"" + text + "\" is not an RFC 3339 time");
      return std::nullopt;
    }
    return *t;
  }

  std::optional<Problem> Error(const char* key) {
    const nlohmann::json* v = Find(key, false);
    return v == nullptr ? std::nullopt : ParseProblem(*v);
  }

  Identifier Ident(const char* key, const nlohmann::json* value = nullptr) {
    const nlohmann::json* v = value != nullptr ? value : Find(key, true);
    if (v == nullptr) return {};
    if (!v->is_object() || !v->contains("type") || !v->contains("value") ||
        !(*v)["type"].is_string() || !(*v)["value"].is_string()) {
      Fail(key, "is not an identifier {type, value}");
      return {};
    }
    return {(*v)["type"].get<std::string>(), (*v)["value"].get<std::string>()};
  }

  template <typename Enum, size_t N>
  Enum Status(const std::pair<const char*, Enum> (&names)[N]) {
    std::string text = String("status", true);
    for (const auto& [name, value] : names) {
      if (text == name) return value;
    }
    if (!text.empty()) Fail("status", "\"" + text + "\" is not a known status");
    return names[0].second;
  }

  const nlohmann::json* Find(const char* key, bool required) {
    if (!json_.is_object()) return nullptr;
    auto it = json_.find(key);
    if (it == json_.end() || it->is_null()) {
      if (required) Fail(key, "is missing");
      return nullptr;
    }
    return &*it;
  }

  void Fail(const std::string& key, const std::string& why) {
    if (!status_.ok()) return;
    std::string member = key.empty() ? "" : " member \"" + key + "\"";
    status_ = absl::InternalError("the ACME server sent a malformed " + what_ + " from " + url_ +
                                  ":" + member + " " + why);
  }

  const absl::Status& status() const { return status_; }

 private:
  const nlohmann::json& json_;
  std::string what_;
  std::string url_;
  absl::Status status_;
};

constexpr std::pair<const char*, OrderStatus> kOrderStatuses[] = {
    {"pending", OrderStatus::kPending},
    {"ready", OrderStatus::kReady},
    {"processing", OrderStatus::kProcessing},
    {"valid", OrderStatus::kValid},
    {"invalid", OrderStatus::kInvalid}};
constexpr std::pair<const char*, AuthorizationStatus> kAuthorizationStatuses[] = {
    {"pending", AuthorizationStatus::kPending}, {"valid", AuthorizationStatus::kValid},
    {"invalid", AuthorizationStatus::kInvalid}, {"deactivated", AuthorizationStatus::kDeactivated},
    {"expired", AuthorizationStatus::kExpired}, {"revoked", AuthorizationStatus::kRevoked}};
constexpr std::pair<const char*, ChallengeStatus> kChallengeStatuses[] = {
    {"pending", ChallengeStatus::kPending},
    {"processing", ChallengeStatus::kProcessing},
    {"valid", ChallengeStatus::kValid},
    {"invalid", ChallengeStatus::kInvalid}};

template <typename Enum, size_t N>
const char* NameOf(const std::pair<const char*, Enum> (&names)[N], Enum value) {
  for (const auto& [name, v] : names) {
    if (v == value) return name;
  }
  return "unknown";
}

}  // namespace

const char* ToString(OrderStatus status) { return NameOf(kOrderStatuses, status); }
const char* ToString(AuthorizationStatus status) { return NameOf(kAuthorizationStatuses, status); }
const char* ToString(ChallengeStatus status) { return NameOf(kChallengeStatuses, status); }

const Challenge* Authorization::FindChallenge(const std::string& type) const {
  for (const Challenge& c : challenges) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

absl::StatusOr<Directory> ParseDirectory(const nlohmann::json& json, const std::string& url) {
  MemberReader r(json, "directory", url);
  Directory d;
  d.url = url;
  d.new_nonce = r.String("newNonce", true);
  d.new_account = r.String("newAccount", true);
  d.new_order = r.String("newOrder", true);
  d.revoke_cert = r.String("revokeCert", false);
  d.key_change = r.String("keyChange", false);
  d.renewal_info = r.String("renewalInfo", false);
  if (const nlohmann::json* meta = r.Find("meta", false)) {
    MemberReader m(*meta, "directory meta", url);
    d.terms_of_service = m.String("termsOfService", false);
    d.website = m.String("website", false);
    d.caa_identities = m.Strings("caaIdentities", false);
    d.external_account_required = m.Bool("externalAccountRequired");
    if (!m.status().ok()) return m.status();
  }
  if (!r.status().ok()) return r.status();
  return d;
}

absl::StatusOr<Order> ParseOrder(const nlohmann::json& json, const std::string& url) {
  MemberReader r(json, "order", url);
  Order o;
  o.url = url;
  o.status = r.Status(kOrderStatuses);
  if (const nlohmann::json* ids = r.Find("identifiers", true)) {
    if (!ids->is_array()) {
      r.Fail("identifiers", "is not an array");
    } else {
      for (const auto& id : *ids) o.identifiers.push_back(r.Ident("identifiers", &id));
    }
  }
  o.authorization_urls = r.Strings("authorizations", true);
  o.finalize_url = r.String("finalize", true);
  o.certificate_url = r.String("certificate", false);
  o.expires = r.Time("expires", false);
  o.error = r.Error("error");
  if (!r.status().ok()) return r.status();
  return o;
}

absl::StatusOr<Challenge> ParseChallenge(const nlohmann::json& json, const std::string& url) {
  MemberReader r(json, "challenge", url);
  Challenge c;
  c.type = r.String("type", true);
  c.url = r.String("url", true);
  c.token = r.String("token", false);  // every type this client answers has one
  c.status = r.Status(kChallengeStatuses);
  c.validated = r.Time("validated", false);
  c.error = r.Error("error");
  if (!r.status().ok()) return r.status();
  return c;
}

absl::StatusOr<Authorization> ParseAuthorization(const nlohmann::json& json,
                                                 const std::string& url) {
  MemberReader r(json, "authorization", url);
  Authorization a;
  a.url = url;
  a.identifier = r.Ident("identifier");
  a.status = r.Status(kAuthorizationStatuses);
  a.expires = r.Time("expires", false);
  a.wildcard = r.Bool("wildcard");
  if (const nlohmann::json* challenges = r.Find("challenges", true)) {
    if (!challenges->is_array()) {
      r.Fail("challenges", "is not an array");
    } else {
      for (const auto& item : *challenges) {
        auto c = ParseChallenge(item, url);
        if (!c.ok()) return c.status();
        a.challenges.push_back(std::move(*c));
      }
    }
  }
  if (!r.status().ok()) return r.status();
  return a;
}

absl::StatusOr<RenewalInfo> ParseRenewalInfo(const nlohmann::json& json, const std::string& url) {
  MemberReader r(json, "renewal information", url);
  RenewalInfo info;
  if (const nlohmann::json* window = r.Find("suggestedWindow", true)) {
    MemberReader w(*window, "renewal information suggestedWindow", url);
    auto start = w.Time("start", true);
    auto end = w.Time("end", true);
    if (!w.status().ok()) return w.status();
    if (*end < *start) {
      return absl::InternalError("the ACME server sent a renewal window from " + url +
                                 " that ends before it starts");
    }
    info.window_start = *start;
    info.window_end = *end;
  }
  info.explanation_url = r.String("explanationURL", false);
  if (!r.status().ok()) return r.status();
  return info;
}

}  // namespace upkeep::acme
