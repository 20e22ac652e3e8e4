// SigV4 signing against the worked examples in AWS's S3 documentation ("Signature
// Calculations for the Authorization Header: Transferring Payload in a Single Chunk") and
// the signing-key example of the general SigV4 documentation: every intermediate value the
// documentation prints is checked, not only the final signature.
#include "backup/sigv4.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::backup::sigv4 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"};
const std::chrono::system_clock::time_point kMay24 =
    std::chrono::system_clock::from_time_t(1369353600);  // 2013-05-24T00:00:00Z
constexpr char kHost[] = "examplebucket.s3.amazonaws.com";

std::string SignatureOf(const std::string& authorization) {
  return authorization.substr(authorization.find("Signature=") + 10);
}

TEST(SigV4Test, GetObjectExampleMatchesEveryDocumentedStep) {
  Request request;
  request.method = "GET";
  request.canonical_uri = "/test.txt";
  request.headers = {{"Host", kHost}, {"Range", "bytes=0-9"}};
  request.payload_hash = kEmptyPayloadSha256;
  const std::string authorization = Sign(request, kExample, "us-east-1", kMay24);

  EXPECT_EQ(CanonicalRequest(request),
            "GET\n/test.txt\n\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "range:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\n"
            "host;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign("20130524T000000Z", CredentialScope("20130524", "us-east-1", "s3"),
                         CanonicalRequest(request)),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_THAT(authorization, Not(HasSubstr(kExample.secret_access_key)));
}

TEST(SigV4Test, PutObjectExampleSignsThePayloadAndEncodesTheKey) {
  const std::string body = "Welcome to Amazon S3.";
  EXPECT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  Request request;
  request.method = "PUT";
  request.canonical_uri = "/" + UriEncode("test$file.text", false);
  EXPECT_EQ(request.canonical_uri, "/test%24file.text");
  request.headers = {{"Host", kHost},
                     {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  request.payload_hash = Sha256Hex(body);
  const std::string authorization = Sign(request, kExample, "us-east-1", kMay24);
  EXPECT_THAT(authorization, HasSubstr("SignedHeaders=date;host;x-amz-content-sha256;"
                                       "x-amz-date;x-amz-storage-class,"));
  EXPECT_EQ(SignatureOf(authorization),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, BucketExamplesCanonicalizeTheQuery) {
  struct Row {
    const char* what;
    std::vector<std::pair<std::string, std::string>> query;
    const char* canonical_query;
    const char* signature;
  };
  const std::vector<Row> rows = {
      {"GET Bucket Lifecycle: a flag", {{"lifecycle", ""}}, "lifecycle=",
       "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
      {"List Objects: sorted by name", {{"prefix", "J"}, {"max-keys", "2"}},
       "max-keys=2&prefix=J",
       "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
  };
  for (const Row& row : rows) {
    Request request;
    request.method = "GET";
    request.canonical_uri = "/";
    request.query = row.query;
    request.headers = {{"Host", kHost}};
    EXPECT_EQ(CanonicalQueryString(row.query), row.canonical_query) << row.what;
    EXPECT_EQ(SignatureOf(Sign(request, kExample, "us-east-1", kMay24)), row.signature)
        << row.what;
  }
}

TEST(SigV4Test, SigningKeyMatchesTheGeneralDocumentationExample) {
  const std::string key =
      SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  // The documented key, as hex.
  std::string hex;
  for (unsigned char c : key) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xf];
  }
  EXPECT_EQ(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

TEST(SigV4Test, UriEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("a-b_c.d~e/f", false), "a-b_c.d~e/f");
  EXPECT_EQ(UriEncode("a-b_c.d~e/f", true), "a-b_c.d~e%2Ff");
  EXPECT_EQ(UriEncode("a b+c=d&é", true), "a%20b%2Bc%3Dd%26%C3%A9");
  EXPECT_EQ(CanonicalQueryString({{"continuation-token", "1/a+b="}, {"list-type", "2"}}),
            "continuation-token=1%2Fa%2Bb%3D&list-type=2");
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndRepeatedHeadersJoined) {
  Request request;
  request.method = "GET";
  request.headers = {{"Host", "h"}, {"X-Amz-Meta-A", "  one   two  "}, {"x-amz-meta-a", "3"}};
  EXPECT_THAT(CanonicalRequest(request), HasSubstr("\nx-amz-meta-a:one two,3\n"));
  EXPECT_EQ(SignedHeaders(request), "host;x-amz-meta-a");
}

TEST(SigV4Test, AmzDateIsUtcToTheSecond) {
  EXPECT_EQ(AmzDate(kMay24 + std::chrono::seconds(3723) + std::chrono::milliseconds(900)),
            "20130524T010203Z");
}

}  // namespace
}  // namespace upkeep::backup::sigv4
