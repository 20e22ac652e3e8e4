#include "backup/s3_store.h"

#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <utility>

#include "controller/client/cpprest_thread_pool.h"

namespace upkeep::backup {
namespace {

namespace http = web::http;

constexpr size_t kMaxManifestBytes = 1 << 20;
constexpr int kMaxParts = 10000;
// The part size doubles after every this many parts, so an artifact far larger than
// 10000 × part_size still fits S3's part limit (8 MiB parts: up to ~496 GB, no part over
// 128 MiB).
constexpr int kPartsPerSize = 2000;
constexpr char kManifestName[] = "manifest.json";
constexpr char kVerificationName[] = "verification.json";

// --- A reader for the few flat XML documents S3 answers with --------------------------------

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    const size_t end = text.find(';', i);
    if (end == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    const std::string_view entity = text.substr(i + 1, end - i - 1);
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const unsigned long code = std::strtoul(
          std::string(entity.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      // UTF-8 of the code point.
      if (code < 0x80) {
        out.push_back(static_cast<char>(code));
      } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      }
    } else {
      out.append(text.substr(i, end - i + 1));
    }
    i = end;
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// The raw content of every <tag>…</tag> (or "" for <tag/>) in `xml`, in order. S3's answers
// are flat enough that a tag never nests inside itself.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    const size_t after_name = pos + open.size();
    if (after_name >= xml.size()) break;
    const char next = xml[after_name];
    if (next != '>' && next != ' ' && next != '/') {  // a longer name: <Keys> for <Key>
      pos = after_name;
      continue;
    }
    const size_t open_end = xml.find('>', after_name);
    if (open_end == std::string_view::npos) break;
    if (xml[open_end - 1] == '/') {
      out.emplace_back();
      pos = open_end + 1;
      continue;
    }
    const size_t close_at = xml.find(close, open_end + 1);
    if (close_at == std::string_view::npos) break;
    out.push_back(xml.substr(open_end + 1, close_at - open_end - 1));
    pos = close_at + close.size();
  }
  return out;
}

// The text of the first <tag>, unescaped; "" when there is none.
std::string XmlText(std::string_view xml, std::string_view tag) {
  auto elements = XmlElements(xml, tag);
  return elements.empty() ? "" : XmlUnescape(elements.front());
}

// --- Status mapping --------------------------------------------------------------------------

absl::Status StatusFor(int http_status, const std::string& code, const std::string& message) {
  if (code == "NoSuchKey" || code == "NoSuchBucket" || code == "NoSuchUpload" ||
      http_status == 404) {
    return absl::NotFoundError(message);
  }
  if (code == "EntityTooLarge" || code == "QuotaExceeded" || code == "StorageFull" ||
      http_status == 507) {
    return absl::ResourceExhaustedError(message);
  }
  if (http_status == 401 || http_status == 403) return absl::PermissionDeniedError(message);
  if (http_status == 409 || http_status == 412) return absl::FailedPreconditionError(message);
  if (http_status >= 500) return absl::UnavailableError(message);
  return absl::InvalidArgumentError(message);
}

bool IsLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};

}  // namespace

// --- Requests --------------------------------------------------------------------------------

struct S3Store::Call {
  const char* operation = "";  // "PutObject", for messages
  std::string method;
  std::string key;  // "" = the bucket itself
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // signed and sent
  std::string body;
  std::string content_type = "application/octet-stream";
};

struct S3Store::Reply {
  int status = 0;
  std::string body;
  std::string etag;
  uint64_t content_length = 0;

  bool ok() const { return status >= 200 && status < 300; }
};

namespace {

// The trusted CAs for https, parsed once; every new connection's SSL context gets them.
struct S3TlsTrust {
  std::vector<std::unique_ptr<X509, X509Free>> authorities;  // empty: the system's

  void Apply(boost::asio::ssl::context& ctx) const {
    ctx.set_options(boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                    boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    if (authorities.empty()) return;  // cpprestsdk loaded the system's default paths
    // The bundle replaces the system roots: a private CA's clients trust only it.
    X509_STORE* store = X509_STORE_new();
    for (const auto& ca : authorities) X509_STORE_add_cert(store, ca.get());
    SSL_CTX_set_cert_store(ctx.native_handle(), store);  // takes ownership
  }
};

// The error an answer that is not 2xx stands for: S3's <Code> and <Message>, the operation
// and the object. Never the request's headers (the signature) nor the secret.
absl::Status ErrorFromReply(const char* operation, const std::string& url, int status,
                            const std::string& body) {
  std::string code = XmlText(body, "Code");
  std::string text = XmlText(body, "Message");
  std::string message = "S3 " + std::string(operation) + " " + url + ": ";
  if (!code.empty()) {
    message += code;
    if (!text.empty()) message += ": " + text;
    message += " (HTTP " + std::to_string(status) + ")";
  } else {
    message += "HTTP " + std::to_string(status);
  }
  if (code == "NoSuchBucket") message += "; check destination.s3.bucket";
  if (code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId") {
    message += "; check the credentials Secret (accessKeyID, secretAccessKey)";
  }
  return StatusFor(status, code, message);
}

}  // namespace

S3Store::S3Store(S3StoreOptions options, S3Credentials credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {}

S3Store::~S3Store() = default;

absl::StatusOr<std::unique_ptr<S3Store>> S3Store::Open(S3StoreOptions options,
                                                       S3Credentials credentials) {
  const std::string what = "the S3 destination";
  if (options.bucket.empty()) return absl::InvalidArgumentError(what + " has no bucket");
  if (options.region.empty()) return absl::InvalidArgumentError(what + " has no region");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::InvalidArgumentError(what + " " + options.bucket +
                                      " has an empty access key id or secret access key");
  }
  if (options.part_size_bytes < kS3MinPartBytes) {
    return absl::InvalidArgumentError("S3 part size " + std::to_string(options.part_size_bytes) +
                                      " is below S3's minimum of 5 MiB");
  }
  if (options.max_keys < 1 || options.max_keys > 1000) {
    return absl::InvalidArgumentError("S3 max keys per page must be 1..1000");
  }
  if (options.max_attempts < 1) options.max_attempts = 1;
  if (!options.prefix.empty() && options.prefix.front() == '/') {
    return absl::InvalidArgumentError("S3 prefix \"" + options.prefix +
                                      "\" must not start with '/'");
  }
  if (!options.prefix.empty() && options.prefix.back() != '/') options.prefix += '/';

  web::uri uri;
  try {
    uri = web::uri(options.endpoint);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError("S3 endpoint \"" + options.endpoint +
                                      "\" is not a valid URL: " + e.what());
  }
  if (uri.scheme() != "https" && uri.scheme() != "http") {
    return absl::InvalidArgumentError("S3 endpoint \"" + options.endpoint +
                                      "\" must start with https://");
  }
  if (uri.scheme() == "http" && !IsLoopbackHost(uri.host())) {
    return absl::InvalidArgumentError("S3 endpoint \"" + options.endpoint +
                                      "\" must use https (http only for 127.0.0.1, localhost "
                                      "or ::1)");
  }
  if (uri.host().empty() || !uri.query().empty()) {
    return absl::InvalidArgumentError("S3 endpoint \"" + options.endpoint +
                                      "\" must be scheme://host[:port][/path]");
  }

  auto trust = std::make_shared<S3TlsTrust>();
  if (!options.ca_bundle_pem.empty()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(options.ca_bundle_pem.data(),
                        static_cast<int>(options.ca_bundle_pem.size())),
        &BIO_free);
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      trust->authorities.emplace_back(x);
    }
    ERR_clear_error();  // the loop ends on a "no start line" error
    if (trust->authorities.empty()) {
      return absl::InvalidArgumentError("the S3 caBundle holds no PEM certificate");
    }
  }

  std::string host = uri.host();
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  if (!options.force_path_style) host = options.bucket + "." + host;
  std::string authority = host;
  if (!uri.is_port_default()) authority += ":" + std::to_string(uri.port());
  std::string base_path = uri.path();
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();

  std::unique_ptr<S3Store> store(new S3Store(std::move(options), std::move(credentials)));
  store->host_header_ = authority;
  store->base_path_ = base_path;
  controller::InitializeCpprestThreadPool();
  http::client::http_client_config cfg;
  cfg.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(
      store->options_.request_timeout));
  cfg.set_validate_certificates(true);
  std::shared_ptr<const S3TlsTrust> shared_trust = std::move(trust);
  cfg.set_ssl_context_callback(
      [shared_trust](boost::asio::ssl::context& ctx) { shared_trust->Apply(ctx); });
  try {
    store->client_ = std::make_unique<http::client::http_client>(
        web::uri(uri.scheme() + "://" + authority), cfg);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError("cannot make an HTTP client for S3 endpoint " +
                                      store->options_.endpoint + ": " + e.what());
  }
  return store;
}

std::string S3Store::Location() const {
  return "s3://" + options_.bucket + "/" + options_.prefix;
}

std::string S3Store::KeyOf(const std::string& id, const std::string& name) const {
  return options_.prefix + id + "/" + name;
}

std::string S3Store::UrlOf(const std::string& key) const {
  return "s3://" + options_.bucket + "/" + key;
}

absl::StatusOr<S3Store::Reply> S3Store::Send(const Call& call) {
  std::string path = base_path_;
  if (options_.force_path_style) path += "/" + sigv4::UriEncode(options_.bucket, true);
  if (!call.key.empty()) {
    path += "/" + sigv4::UriEncode(call.key, false);
  } else if (path.empty()) {
    path = "/";
  }
  const std::string query = sigv4::CanonicalQueryString(call.query);
  const std::string payload_hash = sigv4::Sha256Hex(call.body);
  const std::string url = UrlOf(call.key);

  absl::Status last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500) * (1 << (attempt - 2)));
    }
    sigv4::Request signing;
    signing.method = call.method;
    signing.canonical_uri = path;
    signing.query = call.query;
    signing.headers = call.headers;
    signing.headers.emplace_back("host", host_header_);
    signing.payload_hash = payload_hash;
    const std::string authorization =
        sigv4::Sign(signing, credentials_, options_.region, options_.now());
    try {
      http::http_request request(call.method);
      request.set_request_uri(web::uri(query.empty() ? path : path + "?" + query));
      // cpprestsdk writes the Host header itself, as host_header_ is made; one set here would
      // also become the name the server's certificate is checked against, port and all.
      for (const auto& [name, value] : signing.headers) {
        if (name != "host") request.headers().add(name, value);
      }
      request.headers().add("Authorization", authorization);
      if (!call.body.empty()) {
        request.set_body(call.body, call.content_type);
      } else if (call.method == "PUT" || call.method == "POST") {
        request.headers().set_content_length(0);
      }
      http::http_response response = client_->request(request).get();
      Reply reply;
      reply.status = response.status_code();
      if (call.method != "HEAD") {
        std::vector<unsigned char> body = response.extract_vector().get();
        reply.body.assign(body.begin(), body.end());
      }
      auto etag = response.headers().find("ETag");
      if (etag != response.headers().end()) reply.etag = etag->second;
      reply.content_length = response.headers().content_length();
      if (reply.status >= 500 && reply.status <= 504 && reply.status != 501 &&
          attempt < options_.max_attempts) {
        last = ErrorFromReply(call.operation, url, reply.status, reply.body);
        continue;
      }
      return reply;
    } catch (const std::exception& e) {
      std::string detail = e.what();
      if (detail.find("SSL") != std::string::npos ||
          detail.find("certificate") != std::string::npos ||
          detail.find("handshake") != std::string::npos) {
        detail += options_.ca_bundle_pem.empty()
                      ? " (the server's certificate was checked against the system's CAs)"
                      : " (the server's certificate was checked against the caBundle)";
      }
      last = absl::UnavailableError("S3 " + std::string(call.operation) + " " + url + " at " +
                                    options_.endpoint + ": " + detail);
    }
  }
  return last;
}

// --- Small objects ---------------------------------------------------------------------------

absl::StatusOr<uint64_t> S3Store::HeadObject(const std::string& key) {
  Call call;
  call.operation = "HeadObject";
  call.method = "HEAD";
  call.key = key;
  auto reply = Send(call);
  if (!reply.ok()) return reply.status();
  if (reply->status == 404) return absl::NotFoundError(UrlOf(key) + " does not exist");
  if (!reply->ok()) {
    // A HEAD answer has no body to say why; one byte of the object, asked with GET, has.
    Call get;
    get.operation = "GetObject";
    get.method = "GET";
    get.key = key;
    get.headers = {{"range", "bytes=0-0"}};
    auto explained = Send(get);
    if (explained.ok() && !explained->ok() && !explained->body.empty()) {
      return ErrorFromReply(call.operation, UrlOf(key), explained->status, explained->body);
    }
    return ErrorFromReply(call.operation, UrlOf(key), reply->status, "");
  }
  return reply->content_length;
}

absl::StatusOr<std::string> S3Store::GetSmallObject(const std::string& key) {
  Call call;
  call.operation = "GetObject";
  call.method = "GET";
  call.key = key;
  auto reply = Send(call);
  if (!reply.ok()) return reply.status();
  if (!reply->ok()) return ErrorFromReply(call.operation, UrlOf(key), reply->status, reply->body);
  return std::move(reply->body);
}

absl::Status S3Store::PutSmallObject(const std::string& key, std::string body) {
  Call call;
  call.operation = "PutObject";
  call.method = "PUT";
  call.key = key;
  call.body = std::move(body);
  call.content_type = "application/json";
  auto reply = Send(call);
  if (!reply.ok()) return reply.status();
  if (!reply->ok()) return ErrorFromReply(call.operation, UrlOf(key), reply->status, reply->body);
  return absl::OkStatus();
}

absl::Status S3Store::DeleteObject(const std::string& key) {
  Call call;
  call.operation = "DeleteObject";
  call.method = "DELETE";
  call.key = key;
  auto reply = Send(call);
  if (!reply.ok()) return reply.status();
  if (!reply->ok() && reply->status != 404) {
    return ErrorFromReply(call.operation, UrlOf(key), reply->status, reply->body);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<S3Store::ObjectInfo>> S3Store::ListObjects(
    const std::string& key_prefix) {
  std::vector<ObjectInfo> objects;
  std::string token;
  for (;;) {
    Call call;
    call.operation = "ListObjectsV2";
    call.method = "GET";
    call.query = {{"list-type", "2"},
                  {"prefix", key_prefix},
                  {"max-keys", std::to_string(options_.max_keys)}};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    auto reply = Send(call);
    if (!reply.ok()) return reply.status();
    if (!reply->ok()) {
      return ErrorFromReply(call.operation, UrlOf(key_prefix), reply->status, reply->body);
    }
    for (std::string_view contents : XmlElements(reply->body, "Contents")) {
      ObjectInfo info;
      info.key = XmlText(contents, "Key");
      info.size = std::strtoull(XmlText(contents, "Size").c_str(), nullptr, 10);
      if (info.key.rfind(key_prefix, 0) == 0) objects.push_back(std::move(info));
    }
    if (XmlText(reply->body, "IsTruncated") != "true") break;
    std::string next = XmlText(reply->body, "NextContinuationToken");
    if (next.empty() || next == token) {
      return absl::DataLossError("S3 ListObjectsV2 " + UrlOf(key_prefix) +
                                 ": a truncated page without a new continuation token");
    }
    token = std::move(next);
  }
  return objects;
}

// --- Artifacts -------------------------------------------------------------------------------

// Streams one artifact: parts of part_size_bytes (growing, see kPartsPerSize) go up as they
// fill; only the part being filled is in memory.
class S3ArtifactWriter final : public ArtifactWriter {
 public:
  S3ArtifactWriter(S3Store& store, std::string key)
      : store_(store), key_(std::move(key)), url_(store.UrlOf(key_)) {}
  ~S3ArtifactWriter() override {
    if (state_ == State::kOpen) Abort();
  }

  absl::Status Write(std::string_view data) override {
    if (state_ != State::kOpen) {
      return absl::FailedPreconditionError("write to a closed artifact " + url_);
    }
    while (!data.empty()) {
      const size_t part_size = PartSize();
      if (buffer_.capacity() < part_size) buffer_.reserve(part_size);
      const size_t take = std::min(data.size(), part_size - buffer_.size());
      buffer_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (buffer_.size() == part_size) {
        if (absl::Status sent = UploadBufferedPart(); !sent.ok()) {
          Abort();
          return sent;
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    if (state_ != State::kOpen) {
      return absl::FailedPreconditionError("finish of a closed artifact " + url_);
    }
    absl::Status status = upload_id_.empty() ? PutWhole() : CompleteUpload();
    if (!status.ok()) {
      Abort();
      return status;
    }
    state_ = State::kFinished;
    std::string().swap(buffer_);
    return absl::OkStatus();
  }

  void Abort() override {
    if (state_ == State::kAborted) return;
    if (state_ == State::kFinished) {
      (void)store_.DeleteObject(key_);
    } else if (!upload_id_.empty()) {
      // Best effort: what is left is removed by RemoveIncomplete or the bucket's lifecycle
      // rule for incomplete uploads.
      S3Store::Call call;
      call.operation = "AbortMultipartUpload";
      call.method = "DELETE";
      call.key = key_;
      call.query = {{"uploadId", upload_id_}};
      (void)store_.Send(call);
    }
    state_ = State::kAborted;
    std::string().swap(buffer_);
  }

 private:
  enum class State { kOpen, kFinished, kAborted };

  size_t PartSize() const {
    const int doublings = std::min(static_cast<int>(parts_.size()) / kPartsPerSize, 4);
    return store_.options_.part_size_bytes << doublings;
  }

  absl::Status PutWhole() {
    S3Store::Call call;
    call.operation = "PutObject";
    call.method = "PUT";
    call.key = key_;
    call.body = std::move(buffer_);
    buffer_.clear();
    auto reply = store_.Send(call);
    if (!reply.ok()) return reply.status();
    if (!reply->ok()) return ErrorFromReply(call.operation, url_, reply->status, reply->body);
    return absl::OkStatus();
  }

  absl::Status CreateUpload() {
    S3Store::Call call;
    call.operation = "CreateMultipartUpload";
    call.method = "POST";
    call.key = key_;
    call.query = {{"uploads", ""}};
    auto reply = store_.Send(call);
    if (!reply.ok()) return reply.status();
    if (!reply->ok()) return ErrorFromReply(call.operation, url_, reply->status, reply->body);
    upload_id_ = XmlText(reply->body, "UploadId");
    if (upload_id_.empty()) {
      return absl::DataLossError("S3 CreateMultipartUpload " + url_ + ": no UploadId in the answer");
    }
    return absl::OkStatus();
  }

  absl::Status UploadBufferedPart() {
    if (upload_id_.empty()) {
      if (absl::Status created = CreateUpload(); !created.ok()) return created;
    }
    const int number = static_cast<int>(parts_.size()) + 1;
    if (number > kMaxParts) {
      return absl::ResourceExhaustedError("artifact " + url_ + " is larger than S3's 10000 parts");
    }
    S3Store::Call call;
    call.operation = "UploadPart";
    call.method = "PUT";
    call.key = key_;
    call.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}};
    call.body.swap(buffer_);  // the buffer's memory goes with the request, then comes back
    auto reply = store_.Send(call);
    buffer_.swap(call.body);
    buffer_.clear();
    if (!reply.ok()) return reply.status();
    if (!reply->ok()) return ErrorFromReply(call.operation, url_, reply->status, reply->body);
    if (reply->etag.empty()) {
      return absl::DataLossError("S3 UploadPart " + url_ + ": no ETag for part " +
                                 std::to_string(number));
    }
    parts_.push_back(reply->etag);
    return absl::OkStatus();
  }

  absl::Status CompleteUpload() {
    if (!buffer_.empty()) {
      if (absl::Status sent = UploadBufferedPart(); !sent.ok()) return sent;
    }
    S3Store::Call call;
    call.operation = "CompleteMultipartUpload";
    call.method = "POST";
    call.key = key_;
    call.query = {{"uploadId", upload_id_}};
    call.content_type = "application/xml";
    call.body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < parts_.size(); ++i) {
      call.body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
                   XmlEscape(parts_[i]) + "</ETag></Part>";
    }
    call.body += "</CompleteMultipartUpload>";
    auto reply = store_.Send(call);
    if (!reply.ok()) return reply.status();
    // S3 may answer 200 and still fail the completion, with an <Error> body.
    if (!reply->ok() || reply->body.find("<Error>") != std::string::npos) {
      return ErrorFromReply(call.operation, url_, reply->ok() ? 500 : reply->status,
                            reply->body);
    }
    upload_id_.clear();
    return absl::OkStatus();
  }

  S3Store& store_;
  const std::string key_;
  const std::string url_;
  State state_ = State::kOpen;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> parts_;  // ETag of part i + 1
};

absl::StatusOr<std::unique_ptr<ArtifactWriter>> S3Store::CreateArtifact(const std::string& id,
                                                                        const std::string& name) {
  if (!IsSafeName(id) || !IsSafeName(name) || name == kManifestName ||
      name == kVerificationName) {
    return absl::InvalidArgumentError("unsafe backup id or artifact name: \"" + id + "/" +
                                      name + "\"");
  }
  const std::string key = KeyOf(id, name);
  auto existing = HeadObject(key);
  if (existing.ok()) return absl::AlreadyExistsError("artifact " + UrlOf(key) + " already exists");
  if (!absl::IsNotFound(existing.status())) return existing.status();
  return std::unique_ptr<ArtifactWriter>(new S3ArtifactWriter(*this, key));
}

absl::Status S3Store::CommitManifest(const BackupManifest& manifest) {
  if (!IsSafeName(manifest.id)) {
    return absl::InvalidArgumentError("unsafe backup id \"" + manifest.id + "\"");
  }
  for (const ArtifactRecord& artifact : manifest.artifacts) {
    if (!IsSafeName(artifact.name)) {
      return absl::InvalidArgumentError("unsafe artifact name \"" + artifact.name + "\"");
    }
    const std::string key = KeyOf(manifest.id, artifact.name);
    auto size = HeadObject(key);
    if (absl::IsNotFound(size.status())) {
      return absl::NotFoundError("artifact " + UrlOf(key) + " is missing");
    }
    if (!size.ok()) return size.status();
    if (*size != artifact.size_bytes) {
      return absl::DataLossError("artifact " + UrlOf(key) + " holds " + std::to_string(*size) +
                                 " bytes, the manifest says " +
                                 std::to_string(artifact.size_bytes));
    }
  }
  return PutSmallObject(KeyOf(manifest.id, kManifestName),
                        ManifestToJson(manifest).dump(2) + "\n");
}

absl::StatusOr<std::vector<BackupManifest>> S3Store::ListBackups(
    std::vector<std::string>* problems) {
  auto objects = ListObjects(options_.prefix);
  if (!objects.ok()) return objects.status();
  // id → the sizes of its manifest and verification record, when there.
  struct Found {
    std::optional<uint64_t> manifest;
    std::optional<uint64_t> verification;
  };
  std::map<std::string, Found> ids;
  for (const ObjectInfo& object : *objects) {
    const std::string rest = object.key.substr(options_.prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) continue;
    const std::string id = rest.substr(0, slash);
    const std::string name = rest.substr(slash + 1);
    if (!IsSafeName(id)) continue;
    if (name == kManifestName) ids[id].manifest = object.size;
    if (name == kVerificationName) ids[id].verification = object.size;
  }
  auto note = [&](const std::string& key, const std::string& problem) {
    if (problems) problems->push_back(UrlOf(key) + ": " + problem);
  };
  // A small JSON object; nullopt (and a problem noted) when it cannot be used.
  auto read_json = [&](const std::string& key, uint64_t size) -> std::optional<nlohmann::json> {
    if (size > kMaxManifestBytes) {
      note(key, "larger than 1 MiB");
      return std::nullopt;
    }
    auto text = GetSmallObject(key);
    if (!text.ok()) {
      note(key, std::string(text.status().message()));
      return std::nullopt;
    }
    nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
      note(key, "not valid JSON");
      return std::nullopt;
    }
    return json;
  };

  std::vector<BackupManifest> backups;
  for (const auto& [id, found] : ids) {
    if (!found.manifest) continue;  // no manifest: not a backup (yet)
    const std::string key = KeyOf(id, kManifestName);
    std::optional<nlohmann::json> json = read_json(key, *found.manifest);
    if (!json) continue;
    auto manifest = ManifestFromJson(*json);
    if (!manifest.ok()) {
      note(key, std::string(manifest.status().message()));
      continue;
    }
    if (manifest->id != id) {
      note(key, "its id \"" + manifest->id + "\" is not its folder's name");
      continue;
    }
    if (found.verification) {
      const std::string verification_key = KeyOf(id, kVerificationName);
      if (auto verification = read_json(verification_key, *found.verification)) {
        auto record = VerificationFromJson(*verification);
        if (record.ok()) {
          manifest->verification = std::move(*record);
        } else {
          note(verification_key, std::string(record.status().message()));
        }
      }
    }
    backups.push_back(std::move(*manifest));
  }
  std::sort(backups.begin(), backups.end(), [](const BackupManifest& a, const BackupManifest& b) {
    return std::tie(a.completion_time, a.id) < std::tie(b.completion_time, b.id);
  });
  return backups;
}

absl::Status S3Store::ReadArtifact(const std::string& id, const std::string& name,
                                   ByteSink& out) {
  if (!IsSafeName(id) || !IsSafeName(name)) {
    return absl::InvalidArgumentError("unsafe backup id or artifact name: \"" + id + "/" +
                                      name + "\"");
  }
  const std::string key = KeyOf(id, name);
  auto size = HeadObject(key);
  if (!size.ok()) return size.status();
  // Ranged GETs of one part each: cpprestsdk would hold a whole answer in memory.
  const uint64_t block = options_.part_size_bytes;
  for (uint64_t offset = 0; offset < *size; offset += block) {
    const uint64_t last = std::min(*size, offset + block) - 1;
    Call call;
    call.operation = "GetObject";
    call.method = "GET";
    call.key = key;
    call.headers = {{"range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last)}};
    auto reply = Send(call);
    if (!reply.ok()) return reply.status();
    if (!reply->ok()) return ErrorFromReply(call.operation, UrlOf(key), reply->status, reply->body);
    std::string_view bytes = reply->body;
    if (reply->status == 200 && offset == 0 && bytes.size() == *size) {
      // The server ignored the range and sent the whole object.
      if (absl::Status written = out.Write(bytes); !written.ok()) return written;
      break;
    }
    if (reply->status != 206 || bytes.size() != last - offset + 1) {
      return absl::DataLossError("S3 GetObject " + UrlOf(key) + ": asked for bytes " +
                                 std::to_string(offset) + "-" + std::to_string(last) + ", got " +
                                 std::to_string(bytes.size()) + " (HTTP " +
                                 std::to_string(reply->status) + ")");
    }
    if (absl::Status written = out.Write(bytes); !written.ok()) return written;
  }
  return out.Finish();
}

absl::Status S3Store::RecordVerification(const std::string& id,
                                         const VerificationRecord& record) {
  if (!IsSafeName(id)) return absl::InvalidArgumentError("unsafe backup id \"" + id + "\"");
  auto manifest = HeadObject(KeyOf(id, kManifestName));
  if (absl::IsNotFound(manifest.status())) {
    return absl::NotFoundError("backup " + id + " is not at " + Location());
  }
  if (!manifest.ok()) return manifest.status();
  return PutSmallObject(KeyOf(id, kVerificationName), VerificationToJson(record).dump(2) + "\n");
}

absl::Status S3Store::DeleteBackup(const std::string& id) {
  if (!IsSafeName(id)) return absl::InvalidArgumentError("unsafe backup id \"" + id + "\"");
  const std::string manifest = KeyOf(id, kManifestName);
  auto there = HeadObject(manifest);
  if (absl::IsNotFound(there.status())) {
    return absl::NotFoundError("backup " + id + " is not at " + Location());
  }
  if (!there.ok()) return there.status();
  // The manifest first: from now on the backup is not listed, whatever happens next.
  if (absl::Status deleted = DeleteObject(manifest); !deleted.ok()) return deleted;
  auto objects = ListObjects(options_.prefix + id + "/");
  if (!objects.ok()) return objects.status();
  for (const ObjectInfo& object : *objects) {
    if (absl::Status deleted = DeleteObject(object.key); !deleted.ok()) return deleted;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::set<std::string>> S3Store::AbortStaleUploads(
    const std::set<std::string>& keep) {
  std::set<std::string> ids;
  std::string key_marker;
  std::string upload_id_marker;
  for (;;) {
    Call call;
    call.operation = "ListMultipartUploads";
    call.method = "GET";
    call.query = {{"uploads", ""}, {"prefix", options_.prefix}};
    if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
    if (!upload_id_marker.empty()) call.query.emplace_back("upload-id-marker", upload_id_marker);
    auto reply = Send(call);
    if (!reply.ok()) return reply.status();
    if (reply->status == 501 || XmlText(reply->body, "Code") == "NotImplemented") {
      return ids;  // the server keeps no listable uploads (s3rver): nothing to do
    }
    if (!reply->ok()) {
      return ErrorFromReply(call.operation, UrlOf(options_.prefix), reply->status, reply->body);
    }
    for (std::string_view upload : XmlElements(reply->body, "Upload")) {
      const std::string key = XmlText(upload, "Key");
      const std::string upload_id = XmlText(upload, "UploadId");
      if (key.rfind(options_.prefix, 0) != 0 || upload_id.empty()) continue;
      const std::string rest = key.substr(options_.prefix.size());
      const size_t slash = rest.find('/');
      if (slash == std::string::npos) continue;
      const std::string id = rest.substr(0, slash);
      if (!IsSafeName(id) || keep.contains(id)) continue;
      Call abort;
      abort.operation = "AbortMultipartUpload";
      abort.method = "DELETE";
      abort.key = key;
      abort.query = {{"uploadId", upload_id}};
      auto aborted = Send(abort);
      if (!aborted.ok()) return aborted.status();
      if (!aborted->ok() && aborted->status != 404) {
        return ErrorFromReply(abort.operation, UrlOf(key), aborted->status, aborted->body);
      }
      ids.insert(id);
    }
    if (XmlText(reply->body, "IsTruncated") != "true") break;
    std::string next_key = XmlText(reply->body, "NextKeyMarker");
    std::string next_upload = XmlText(reply->body, "NextUploadIdMarker");
    if (next_key == key_marker && next_upload == upload_id_marker) break;
    key_marker = std::move(next_key);
    upload_id_marker = std::move(next_upload);
  }
  return ids;
}

absl::StatusOr<std::vector<std::string>> S3Store::RemoveIncomplete(
    const std::set<std::string>& in_progress) {
  auto objects = ListObjects(options_.prefix);
  if (!objects.ok()) return objects.status();
  std::map<std::string, std::vector<std::string>> keys_by_id;
  std::set<std::string> committed;
  for (const ObjectInfo& object : *objects) {
    const std::string rest = object.key.substr(options_.prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) continue;
    const std::string id = rest.substr(0, slash);
    if (!IsSafeName(id) || in_progress.contains(id)) continue;
    if (rest.substr(slash + 1) == kManifestName) committed.insert(id);
    keys_by_id[id].push_back(object.key);
  }
  std::set<std::string> removed;
  for (const auto& [id, keys] : keys_by_id) {
    if (committed.contains(id)) continue;
    for (const std::string& key : keys) {
      if (absl::Status deleted = DeleteObject(key); !deleted.ok()) return deleted;
    }
    removed.insert(id);
  }
  auto aborted = AbortStaleUploads(in_progress);
  if (!aborted.ok()) return aborted.status();
  for (const std::string& id : *aborted) {
    if (!committed.contains(id)) removed.insert(id);
  }
  return std::vector<std::string>(removed.begin(), removed.end());
}

absl::StatusOr<std::unique_ptr<S3Store>> OpenS3Destination(
    const api::v1alpha1::S3Destination& destination, S3Credentials credentials,
    std::string_view folder) {
  S3StoreOptions options;
  options.endpoint = destination.endpoint;
  options.bucket = destination.bucket;
  options.prefix = destination.prefix;
  if (!options.prefix.empty() && options.prefix.back() != '/') options.prefix += '/';
  if (!folder.empty()) options.prefix += std::string(folder) + "/";
  options.region = destination.region.empty() ? "us-east-1" : destination.region;
  options.ca_bundle_pem = destination.ca_bundle;
  options.force_path_style = destination.force_path_style;
  return S3Store::Open(std::move(options), std::move(credentials));
}

}  // namespace upkeep::backup
