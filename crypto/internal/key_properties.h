// What the engine needs to know about an OpenSSL key: its KeySpec, and the digest its
// signatures use. Internal to crypto/.
//
// Thread safety: pure functions over keys that are only read; thread-safe.
#pragma once

#include <absl/status/statusor.h>
#include <openssl/evp.h>

#include "crypto/private_key.h"

namespace upkeep::crypto::internal {

// RSA of any size, ECDSA on P-256/P-384/P-521, Ed25519; InvalidArgument for anything else
// (DSA, RSA-PSS, Ed448, other curves), naming the algorithm or curve.
absl::StatusOr<KeySpec> KeySpecOf(const EVP_PKEY* key);

// The digest for signatures made with `key`, as Go's crypto/x509 (and so cert-manager) picks
// it: SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521; null for Ed25519, which
// hashes internally.
const EVP_MD* SignatureDigestFor(const KeySpec& spec);

}  // namespace upkeep::crypto::internal
