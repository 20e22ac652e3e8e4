// AWS Signature Version 4 for S3 requests (the Authorization header form), as pure functions:
// the canonical request, the string to sign, the signing key and the header. No I/O and no
// clock: the caller passes the time, so every step is checked against AWS's published
// examples. The secret access key only ever enters SigningKey; nothing here returns or
// formats it.
//
// Thread-safe (no state).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace upkeep::backup::sigv4 {

// The access key pair a request is signed with. The secret is never logged or put in an
// error; keep it out of copies that outlive the store.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

// x-amz-content-sha256 for a body that is not hashed (only the headers are signed).
inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";
// x-amz-content-sha256 of an empty body.
inline constexpr char kEmptyPayloadSha256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// One HTTP request as it is signed.
struct Request {
  std::string method;  // "GET", "PUT", ...
  // The path exactly as sent, already URI-encoded (see UriEncode): "/bucket/a%24b".
  std::string canonical_uri = "/";
  // Query parameters, neither name nor value encoded; a flag such as "?uploads" has "".
  std::vector<std::pair<std::string, std::string>> query;
  // Every header to sign, names in any case; must include host (and, once Sign adds them,
  // x-amz-date and x-amz-content-sha256).
  std::vector<std::pair<std::string, std::string>> headers;
  // Lowercase hex SHA-256 of the body, or kUnsignedPayload.
  std::string payload_hash = kEmptyPayloadSha256;
};

// RFC 3986 percent-encoding as SigV4 wants it: A-Z a-z 0-9 - . _ ~ stay, every other byte
// becomes %XX (uppercase hex); '/' stays unless `encode_slash`.
std::string UriEncode(std::string_view text, bool encode_slash);

// Lowercase hex SHA-256 of `data`: a payload hash.
std::string Sha256Hex(std::string_view data);
// Raw HMAC-SHA256 (32 bytes).
std::string HmacSha256(std::string_view key, std::string_view data);

// "20130524T000000Z" (UTC, seconds).
std::string AmzDate(std::chrono::system_clock::time_point time);

// Sorted by encoded name then value, each "name=value" encoded, joined by '&'.
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

// "host;range;x-amz-content-sha256;x-amz-date": the lowercase names of request.headers.
std::string SignedHeaders(const Request& request);

// Method, URI, query, headers (lowercase names, trimmed values, inner runs of spaces made
// one), signed header names and payload hash, one a line.
std::string CanonicalRequest(const Request& request);

// "<date>/<region>/<service>/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex SHA-256 of the canonical request>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// HMAC chain "AWS4"+secret → date (YYYYMMDD) → region → service → "aws4_request"; raw bytes.
std::string SigningKey(std::string_view secret_access_key, std::string_view date,
                       std::string_view region, std::string_view service);

// Lowercase hex HMAC-SHA256 of the string to sign with the signing key.
std::string Signature(std::string_view signing_key, std::string_view string_to_sign);

// The Authorization header value for `request` as it is (the caller has put x-amz-date and
// x-amz-content-sha256 among its headers when they are to be signed).
std::string AuthorizationHeader(const Request& request, const Credentials& credentials,
                                std::string_view region, std::string_view service,
                                std::chrono::system_clock::time_point time);

// Adds x-amz-date and x-amz-content-sha256 (request.payload_hash) to request.headers and
// returns the Authorization header value: what an S3 request carries.
std::string Sign(Request& request, const Credentials& credentials, std::string_view region,
                 std::chrono::system_clock::time_point time, std::string_view service = "s3");

}  // namespace upkeep::backup::sigv4
