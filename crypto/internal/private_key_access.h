// The OpenSSL key inside a PrivateKey, for the engine's own files (CSR, issuer, parser) and
// nobody else: callers outside crypto/ never handle EVP_PKEY.
//
// Thread safety: the key is only read (signing, comparing), which OpenSSL allows from several
// threads at once.
#pragma once

#include <openssl/evp.h>

#include "crypto/private_key.h"

namespace upkeep::crypto::internal {

struct PrivateKeyAccess {
  static EVP_PKEY* Native(const PrivateKey& key) { return key.key_; }
};

}  // namespace upkeep::crypto::internal
