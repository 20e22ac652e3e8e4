#include "crypto/internal/key_properties.h"

#include <string>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>

namespace upkeep::crypto::internal {
namespace {

absl::StatusOr<int> EcdsaSizeOf(const EVP_PKEY* key) {
  char group[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof(group), &length) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("EC key without a named curve is not supported");
  }
  switch (OBJ_sn2nid(group)) {
    case NID_X9_62_prime256v1:
      return 256;
    case NID_secp384r1:
      return 384;
    case NID_secp521r1:
      return 521;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("EC curve ", group, " is not supported; use P-256, P-384 or P-521"));
  }
}

}  // namespace

absl::StatusOr<KeySpec> KeySpecOf(const EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    return KeySpec{.algorithm = KeyAlgorithm::kRsa, .size = EVP_PKEY_get_bits(key)};
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    absl::StatusOr<int> size = EcdsaSizeOf(key);
    if (!size.ok()) return size.status();
    return KeySpec{.algorithm = KeyAlgorithm::kEcdsa, .size = *size};
  }
  if (EVP_PKEY_is_a(key, "ED25519")) return KeySpec{.algorithm = KeyAlgorithm::kEd25519, .size = 0};
  const char* name = EVP_PKEY_get0_type_name(key);
  return absl::InvalidArgumentError(absl::StrCat(name != nullptr ? name : "this kind of",
                                                 " key is not supported; use RSA, ECDSA or "
                                                 "Ed25519"));
}

const EVP_MD* SignatureDigestFor(const KeySpec& spec) {
  switch (spec.algorithm) {
    case KeyAlgorithm::kEd25519:
      return nullptr;
    case KeyAlgorithm::kEcdsa:
      if (spec.size == 384) return EVP_sha384();
      if (spec.size == 521) return EVP_sha512();
      return EVP_sha256();
    case KeyAlgorithm::kRsa:
      break;
  }
  return EVP_sha256();
}

}  // namespace upkeep::crypto::internal
