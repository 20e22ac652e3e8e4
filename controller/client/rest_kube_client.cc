#include "controller/client/rest_kube_client.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <cpprest/uri.h>

#include "controller/client/api_error.h"
#include "controller/clock/clock.h"

namespace upkeep::controller {
namespace {

using nlohmann::json;

// A watch without timeoutSeconds ends when the server decides (kube-apiserver: 30 to 60
// minutes); cpprestsdk's timeout is an idle timeout on each read, so a quiet watch needs a
// longer one than requests do.
constexpr std::chrono::seconds kWatchIdleTimeout{30 * 60};
// Beyond timeoutSeconds, the grace for the server to end the watch itself.
constexpr std::chrono::seconds kWatchTimeoutGrace{30};

// "?a=1&b=x%20y", values percent-encoded; empty values are left out.
class QueryString {
 public:
  QueryString& Add(const char* key, std::string_view value) {
    if (value.empty()) return *this;
    text_ += text_.empty() ? '?' : '&';
    text_ += key;
    text_ += '=';
    text_ += web::uri::encode_data_string(std::string(value));
    return *this;
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// "configmaps default/a", "deployments.apps/status ns/web", "namespaces", for messages.
std::string Described(const ResourceType& type, std::string_view subresource,
                      std::string_view namespace_, std::string_view name) {
  std::string out = type.GroupResource();
  if (!subresource.empty()) {
    out += "/";
    out += subresource;
  }
  std::string where;
  if (type.namespaced && !namespace_.empty()) {
    where += namespace_;
    if (!name.empty()) where += "/";
  }
  where += name;
  if (!where.empty()) out += " " + where;
  return out;
}

std::string MetadataString(const json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto value = meta->find(field);
  return value != meta->end() && value->is_string() ? value->get<std::string>() : "";
}

const char* PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge: return "application/merge-patch+json";
    case PatchType::kJson: return "application/json-patch+json";
    case PatchType::kStrategicMerge: return "application/strategic-merge-patch+json";
    case PatchType::kApply: return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

// Sleeps for `d` unless `stop` is requested first; returns false if it was.
bool SleepFor(std::chrono::milliseconds d, std::stop_token stop) {
  if (d <= std::chrono::milliseconds::zero()) return !stop.stop_requested();
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  return !cv.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
}

}  // namespace

RestKubeClient::RestKubeClient(std::unique_ptr<HttpTransport> transport, ClientOptions options)
    : transport_(std::move(transport)),
      options_(std::move(options)),
      limiter_(options_.qps, options_.burst, RealClock::Get()) {}

void RestKubeClient::Record(const std::string& method, const HttpReply& reply) const {
  if (!options_.on_request) return;
  std::string code = reply.error.ok() ? std::to_string(reply.code) : "<error>";
  options_.on_request(method, code, transport_->host());
}

absl::Status RestKubeClient::AttemptStatus(const HttpReply& reply, const std::string& context) {
  if (!reply.error.ok()) {
    absl::Status s(reply.error.code(), context + ": " + std::string(reply.error.message()));
    reply.error.ForEachPayload(
        [&s](absl::string_view key, const absl::Cord& value) { s.SetPayload(key, value); });
    return s;
  }
  return ApiError(reply.code, reply.body, context);
}

bool RestKubeClient::ShouldRetry(const Call& call, int attempt, const HttpReply& reply,
                                 const absl::Status& status) const {
  if (attempt >= options_.max_retries) return false;
  if (!reply.error.ok()) {
    if (IsTlsError(status)) return false;
    return call.idempotent || !reply.request_sent;
  }
  // 429: the server refused before doing anything, so even a create is safe to repeat.
  if (reply.code == 429) return true;
  return call.idempotent && IsTransient(status);
}

std::chrono::milliseconds RestKubeClient::RetryDelay(int attempt, const HttpReply& reply) const {
  if (!reply.retry_after.empty()) {
    char* end = nullptr;
    long seconds = std::strtol(reply.retry_after.c_str(), &end, 10);
    if (end != reply.retry_after.c_str() && *end == '\0' && seconds >= 0) {
      return std::chrono::seconds(std::min<long>(seconds, 600));
    }
  }
  std::chrono::milliseconds delay = options_.initial_backoff;
  for (int i = 0; i < attempt && delay < options_.max_backoff; ++i) delay *= 2;
  return std::min(delay, options_.max_backoff);
}

absl::StatusOr<json> RestKubeClient::Send(const Call& call) {
  for (int attempt = 0;; ++attempt) {
    limiter_.Wait();
    HttpReply reply = transport_->Send(call.http);
    Record(call.http.method, reply);
    if (reply.error.ok() && reply.code / 100 == 2) {
      if (reply.body.empty()) return json::object();
      json body = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) {
        return absl::InternalError(call.context + ": the response is not JSON: " +
                                   reply.body.substr(0, 200));
      }
      return body;
    }
    absl::Status status = AttemptStatus(reply, call.context);
    if (!ShouldRetry(call, attempt, reply, status)) return status;
    SleepFor(RetryDelay(attempt, reply), {});
  }
}

absl::StatusOr<json> RestKubeClient::Get(const ResourceType& type, std::string_view namespace_,
                                         std::string_view name) {
  Call call;
  call.http.method = "GET";
  call.http.path_and_query = type.ObjectPath(namespace_, name);
  call.context = "get " + Described(type, "", namespace_, name);
  return Send(call);
}

absl::StatusOr<json> RestKubeClient::List(const ResourceType& type, std::string_view namespace_,
                                          const ListOptions& options) {
  QueryString query;
  query.Add("labelSelector", options.label_selector)
      .Add("fieldSelector", options.field_selector)
      .Add("limit", options.limit > 0 ? std::to_string(options.limit) : "")
      .Add("continue", options.continue_token)
      .Add("resourceVersion", options.resource_version)
      .Add("resourceVersionMatch", options.resource_version_match);
  Call call;
  call.http.method = "GET";
  call.http.path_and_query = type.CollectionPath(namespace_) + query.str();
  call.context = "list " + Described(type, "", namespace_, "");
  return Send(call);
}

absl::StatusOr<json> RestKubeClient::Create(const ResourceType& type,
                                            std::string_view namespace_, const json& object,
                                            const WriteOptions& options) {
  std::string ns(namespace_);
  if (ns.empty()) ns = MetadataString(object, "namespace");
  std::string name = MetadataString(object, "name");
  if (name.empty()) name = MetadataString(object, "generateName") + "*";
  QueryString query;
  query.Add("fieldManager", options_.field_manager).Add("dryRun", options.dry_run ? "All" : "");
  Call call;
  call.http.method = "POST";
  call.http.path_and_query =
      (options.subresource.empty() ? type.CollectionPath(ns)
                                   : type.ObjectPath(ns, MetadataString(object, "name"),
                                                     options.subresource)) +
      query.str();
  call.http.body = object.dump();
  call.http.content_type = "application/json";
  call.context = "create " + Described(type, options.subresource, ns, name);
  call.idempotent = false;
  return Send(call);
}

absl::StatusOr<json> RestKubeClient::Update(const ResourceType& type, const json& object,
                                            const WriteOptions& options) {
  std::string ns = MetadataString(object, "namespace");
  std::string name = MetadataString(object, "name");
  std::string context = "update " + Described(type, options.subresource, ns, name);
  if (name.empty()) return absl::InvalidArgumentError(context + ": the object has no name");
  QueryString query;
  query.Add("fieldManager", options_.field_manager).Add("dryRun", options.dry_run ? "All" : "");
  Call call;
  call.http.method = "PUT";
  call.http.path_and_query = type.ObjectPath(ns, name, options.subresource) + query.str();
  call.http.body = object.dump();
  call.http.content_type = "application/json";
  call.context = std::move(context);
  // With a resourceVersion a repeated PUT fails with 409 instead of applying twice.
  call.idempotent = !MetadataString(object, "resourceVersion").empty();
  return Send(call);
}

absl::StatusOr<json> RestKubeClient::Patch(const ResourceType& type, std::string_view namespace_,
                                           std::string_view name, PatchType patch_type,
                                           const json& patch, const WriteOptions& options) {
  QueryString query;
  query.Add("fieldManager", options_.field_manager)
      .Add("force", patch_type == PatchType::kApply && options.force ? "true" : "")
      .Add("dryRun", options.dry_run ? "All" : "");
  Call call;
  call.http.method = "PATCH";
  call.http.path_and_query = type.ObjectPath(namespace_, name, options.subresource) + query.str();
  call.http.body = patch.dump();  // JSON is valid YAML, so apply patches are sent as JSON too
  call.http.content_type = PatchContentType(patch_type);
  call.context = (patch_type == PatchType::kApply ? "apply " : "patch ") +
                 Described(type, options.subresource, namespace_, name);
  call.idempotent = patch_type == PatchType::kApply ||
                    (patch.is_object() && !MetadataString(patch, "resourceVersion").empty());
  return Send(call);
}

absl::Status RestKubeClient::Delete(const ResourceType& type, std::string_view namespace_,
                                    std::string_view name, const DeleteOptions& options) {
  Call call;
  call.http.method = "DELETE";
  call.http.path_and_query = type.ObjectPath(namespace_, name);
  call.context = "delete " + Described(type, "", namespace_, name);
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (body.size() > 2) {
    call.http.body = body.dump();
    call.http.content_type = "application/json";
  }
  return Send(call).status();
}

absl::Status RestKubeClient::Watch(const ResourceType& type, std::string_view namespace_,
                                   const WatchOptions& options,
                                   const std::function<bool(WatchEvent&&)>& on_event,
                                   std::stop_token stop) {
  QueryString query;
  query.Add("watch", "1")
      .Add("resourceVersion", options.resource_version)
      .Add("allowWatchBookmarks", options.allow_bookmarks ? "true" : "")
      .Add("timeoutSeconds",
           options.timeout_seconds > 0 ? std::to_string(options.timeout_seconds) : "")
      .Add("labelSelector", options.label_selector)
      .Add("fieldSelector", options.field_selector);
  if (options.send_initial_events) {
    query.Add("sendInitialEvents", "true").Add("resourceVersionMatch", "NotOlderThan");
  }
  Call call;
  call.http.method = "GET";
  call.http.path_and_query = type.CollectionPath(namespace_) + query.str();
  call.context = "watch " + Described(type, "", namespace_, "");
  const std::chrono::milliseconds idle_timeout =
      options.timeout_seconds > 0 ? std::chrono::seconds(options.timeout_seconds) +
                                        kWatchTimeoutGrace
                                  : std::chrono::milliseconds(kWatchIdleTimeout);

  for (int attempt = 0;; ++attempt) {
    if (!limiter_.Wait(stop)) return absl::OkStatus();
    pplx::cancellation_token_source cancel;
    // Registered before the request starts, so a stop at any point (opening or streaming)
    // aborts the connection.
    std::stop_callback abort(stop, [cancel] { cancel.cancel(); });
    HttpTransport::Opened opened = transport_->Open(call.http, idle_timeout, cancel);
    Record(call.http.method, opened.reply);
    if (stop.stop_requested()) return absl::OkStatus();
    if (opened.stream) return StreamEvents(*opened.stream, call.context, on_event, stop);
    absl::Status status = AttemptStatus(opened.reply, call.context);
    if (IsGone(status) || !ShouldRetry(call, attempt, opened.reply, status)) return status;
    if (!SleepFor(RetryDelay(attempt, opened.reply), stop)) return absl::OkStatus();
  }
}

absl::Status RestKubeClient::StreamEvents(HttpLineStream& stream, const std::string& context,
                                          const std::function<bool(WatchEvent&&)>& on_event,
                                          std::stop_token stop) {
  while (!stop.stop_requested()) {
    auto line = stream.ReadLine();
    if (stop.stop_requested()) break;
    if (!line.ok()) {
      return absl::Status(line.status().code(),
                          context + ": " + std::string(line.status().message()));
    }
    if (!line->has_value()) return absl::OkStatus();  // the server ended the watch
    if ((*line)->empty()) continue;
    json event = json::parse(**line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) {
      return absl::InternalError(context + ": undecodable watch event: " +
                                 (*line)->substr(0, 200));
    }
    WatchEvent e;
    e.type = event["type"].get<std::string>();
    e.object = std::move(event["object"]);
    if (e.type == "ERROR") {
      // A Status object; 410 (Expired/Gone) means resume with a new list.
      int code = e.object.is_object() ? e.object.value("code", 500) : 500;
      return ApiError(code, e.object.dump(), context);
    }
    if (!on_event(std::move(e))) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace upkeep::controller
