#include "crypto/internal/pem_blocks.h"

#include <climits>
#include <memory>
#include <string>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"

namespace upkeep::crypto::internal {
namespace {

// PEM_read_bio_ex with PEM_FLAG_SECURE allocates all three outputs from the secure heap (or
// wipes them on free when there is none), since the body may be a private key.
struct SecureBuffers {
  ~SecureBuffers() {
    OPENSSL_secure_free(name);
    OPENSSL_secure_free(header);
    if (data != nullptr) OPENSSL_secure_clear_free(data, static_cast<size_t>(length));
  }
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
};

bool IsEndOfInput(unsigned long error) {
  return ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
}

}  // namespace

PemBlock::~PemBlock() { OPENSSL_cleanse(der.data(), der.size()); }

absl::StatusOr<std::vector<PemBlock>> ReadPemBlocks(std::string_view text, std::string_view what) {
  if (text.size() > INT_MAX)
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " is too large"));
  BioPtr bio{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
  if (!bio) return OpenSslInternalError("allocating a memory BIO");
  ERR_clear_error();
  std::vector<PemBlock> blocks;
  for (;;) {
    SecureBuffers buffers;
    if (PEM_read_bio_ex(bio.get(), &buffers.name, &buffers.header, &buffers.data, &buffers.length,
                        PEM_FLAG_SECURE | PEM_FLAG_EAY_COMPATIBLE) != 1) {
      if (IsEndOfInput(ERR_peek_last_error())) {
        ERR_clear_error();
        return blocks;
      }
      return OpenSslInvalidArgument(
          absl::StrCat(std::string(what), ": PEM block ", blocks.size() + 1, " is damaged"));
    }
    if (buffers.header != nullptr && buffers.header[0] != '\0') {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), ": PEM block ", blocks.size() + 1, " (", buffers.name,
                       ") has PEM headers; encrypted PEM is not supported"));
    }
    blocks.emplace_back(buffers.name, std::string(reinterpret_cast<const char*>(buffers.data),
                                                  static_cast<size_t>(buffers.length)));
  }
}

absl::StatusOr<std::string> WritePemBlock(std::string_view type, std::string_view der) {
  if (der.size() > LONG_MAX) return absl::InvalidArgumentError("DER too large for PEM");
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio) return OpenSslInternalError("allocating a memory BIO");
  const std::string name(type);
  if (PEM_write_bio(bio.get(), name.c_str(), "", reinterpret_cast<const unsigned char*>(der.data()),
                    static_cast<long>(der.size())) <= 0) {
    return OpenSslInternalError(absl::StrCat("writing PEM block ", std::string(type)));
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(length));
  // The memory BIO may hold a private key; wipe it before BIO_free returns it to the heap.
  OPENSSL_cleanse(data, static_cast<size_t>(length));
  return pem;
}

}  // namespace upkeep::crypto::internal
