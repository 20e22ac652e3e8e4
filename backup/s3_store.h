// S3Store: an ArtifactStore in an S3-compatible bucket (destination.s3). Layout, the same as
// DirectoryStore's with keys for paths:
//   <prefix><backup id>/<artifact>           one PUT when small, else a multipart upload
//   <prefix><backup id>/manifest.json        written last, after a HEAD of every artifact
//   <prefix><backup id>/verification.json    the latest restore test
// An artifact streams: the writer holds at most one part (part_size_bytes) in memory and
// uploads it with UploadPart as soon as it is full; Finish completes the upload, Abort (or
// destroying an unfinished writer) aborts it. Listing (ListObjectsV2, every page) lists
// only ids with a manifest; deleting removes the manifest first.
//
// Requests are signed with SigV4 (backup/sigv4.h) and sent with cpprestsdk. https is always
// verified (against ca_bundle_pem when given, else the system's CAs); http only to a loopback
// endpoint. A failed request is an absl::Status naming the operation and s3://bucket/key with
// S3's <Code> and <Message>; it never holds the secret key or a signature.
//
// Thread-compatible: one run or retention pass at a time per store.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "backup/artifact_store.h"
#include "backup/sigv4.h"
#include "crds/v1alpha1/backup_policy.h"

namespace web::http::client {
class http_client;
}  // namespace web::http::client

namespace upkeep::backup {

class S3ArtifactWriter;

using S3Credentials = sigv4::Credentials;

// S3's smallest part, except the last one of an upload.
inline constexpr size_t kS3MinPartBytes = 5 * 1024 * 1024;

struct S3StoreOptions {
  // "https://s3.example.com" or "http://127.0.0.1:9000" (http only for 127.0.0.1, localhost
  // or ::1); a path after the host is kept in front of every request's. Required.
  std::string endpoint;
  std::string bucket;  // required
  // Every key starts with it: "app/prod/db/". A '/' is appended when missing; "" = the
  // bucket's root. Default "".
  std::string prefix = "";
  std::string region = "us-east-1";
  // PEM certificates that replace the system's trusted CAs for https; "" = the system's.
  std::string ca_bundle_pem = "";
  // Path-style URLs (endpoint/bucket/key), what most S3-compatible servers need. false =
  // virtual-host style (bucket.endpoint/key). Default true.
  bool force_path_style = true;
  // Size of each multipart part, and the largest artifact sent as one PUT; at least
  // kS3MinPartBytes. Default 8 MiB.
  size_t part_size_bytes = 8 * 1024 * 1024;
  // Keys per ListObjectsV2 page (1..1000). Default 1000.
  int max_keys = 1000;
  // Bound on each request. Default 120 s.
  std::chrono::seconds request_timeout{120};
  // Tries of one request when the server answers 500, 502, 503 or 504 or the connection
  // fails (waiting 0.5 s, then 1 s, ...). Default 3.
  int max_attempts = 3;
  // The clock that dates each signature (S3 refuses one 15 minutes off).
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

class S3Store final : public ArtifactStore {
 public:
  // Checks the options and makes the HTTP client; sends nothing. InvalidArgument naming the
  // option that is wrong.
  static absl::StatusOr<std::unique_ptr<S3Store>> Open(S3StoreOptions options,
                                                       S3Credentials credentials);
  ~S3Store() override;
  S3Store(const S3Store&) = delete;
  S3Store& operator=(const S3Store&) = delete;

  // "s3://<bucket>/<prefix>".
  std::string Location() const override;
  absl::StatusOr<std::unique_ptr<ArtifactWriter>> CreateArtifact(
      const std::string& id, const std::string& name) override;
  absl::Status CommitManifest(const BackupManifest& manifest) override;
  absl::StatusOr<std::vector<BackupManifest>> ListBackups(
      std::vector<std::string>* problems) override;
  absl::Status ReadArtifact(const std::string& id, const std::string& name,
                            ByteSink& out) override;
  absl::Status RecordVerification(const std::string& id,
                                  const VerificationRecord& record) override;
  absl::Status DeleteBackup(const std::string& id) override;
  // Also aborts the multipart uploads left under the prefix (ListMultipartUploads) of ids
  // not in progress, where the server supports listing them.
  absl::StatusOr<std::vector<std::string>> RemoveIncomplete(
      const std::set<std::string>& in_progress) override;

  const S3StoreOptions& options() const { return options_; }

 private:
  friend class S3ArtifactWriter;
  // One S3 request (defined in s3_store.cc) and its answer.
  struct Call;
  struct Reply;

  S3Store(S3StoreOptions options, S3Credentials credentials);
  // Signs and sends `call`, retrying as options_.max_attempts says. Any answer the server
  // gives is a Reply (the caller decides what a 404 means); only a failure to get one is an
  // error.
  absl::StatusOr<Reply> Send(const Call& call);

  struct ObjectInfo {
    std::string key;
    uint64_t size = 0;
  };
  // Every object whose key starts with `key_prefix`, all pages.
  absl::StatusOr<std::vector<ObjectInfo>> ListObjects(const std::string& key_prefix);
  // Content-Length of `key`; NotFound when it is not there.
  absl::StatusOr<uint64_t> HeadObject(const std::string& key);
  absl::StatusOr<std::string> GetSmallObject(const std::string& key);
  absl::Status PutSmallObject(const std::string& key, std::string body);
  absl::Status DeleteObject(const std::string& key);
  // Aborts unfinished multipart uploads under the prefix whose id is not in `keep`; returns
  // the ids they belonged to. Nothing (and OK) when the server cannot list uploads.
  absl::StatusOr<std::set<std::string>> AbortStaleUploads(const std::set<std::string>& keep);
  std::string KeyOf(const std::string& id, const std::string& name) const;
  std::string UrlOf(const std::string& key) const;  // for messages: s3://bucket/key

  // Constant after Open.
  const S3StoreOptions options_;
  const S3Credentials credentials_;
  std::string host_header_;     // what cpprestsdk sends as Host: host[:port], port if given
  std::string base_path_;       // the endpoint's own path, "" or "/s3"
  std::unique_ptr<web::http::client::http_client> client_;
};

// destination.s3 of a BackupPolicy: the policy's backups are under
// <destination.prefix><folder>/ (folder "namespace/name", as for the other destinations).
absl::StatusOr<std::unique_ptr<S3Store>> OpenS3Destination(
    const api::v1alpha1::S3Destination& destination, S3Credentials credentials,
    std::string_view folder);

}  // namespace upkeep::backup
