#include "crypto/internal/serial_number.h"

#include <absl/status/status.h>
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <openssl/rand.h>

#include "crypto/internal/openssl_error.h"

namespace upkeep::crypto::internal {
namespace {

constexpr int kRandomSerialBytes = 16;
constexpr int kMaxSerialBytes = 20;  // RFC 5280 section 4.1.2.2

}  // namespace

absl::StatusOr<BignumPtr> RandomSerialNumber() {
  unsigned char bytes[kRandomSerialBytes];
  BignumPtr serial;
  do {
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
      return OpenSslInternalError("drawing a random serial number");
    }
    serial.reset(BN_bin2bn(bytes, sizeof(bytes), nullptr));
    if (!serial) return OpenSslInternalError("allocating a serial number");
  } while (BN_is_zero(serial.get()));  // zero is not positive; one chance in 2^128
  return serial;
}

absl::StatusOr<BignumPtr> ParseSerialNumber(std::string_view hex) {
  const auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("serial number \"", std::string(hex), "\" ", std::string(why)));
  };
  if (hex.empty()) return invalid("is empty");
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return invalid("is not hexadecimal");
  }
  if (hex.size() > 2 * kMaxSerialBytes + 2) return invalid("is longer than 20 octets");
  BIGNUM* parsed = nullptr;
  const std::string text(hex);
  if (BN_hex2bn(&parsed, text.c_str()) != static_cast<int>(text.size())) {
    BN_free(parsed);
    return OpenSslInvalidArgument(absl::StrCat("parsing serial number \"", text, "\""));
  }
  BignumPtr serial{parsed};
  if (BN_is_zero(serial.get())) return invalid("is zero; RFC 5280 requires a positive number");
  // DER adds a zero octet when the top bit is set; 20 octets is the limit including it.
  if (BN_num_bits(serial.get()) > 8 * kMaxSerialBytes - 1) {
    return invalid("is longer than 20 octets");
  }
  return serial;
}

absl::StatusOr<std::string> FormatSerialNumber(const ASN1_INTEGER* serial) {
  BignumPtr number{ASN1_INTEGER_to_BN(serial, nullptr)};
  if (!number) return OpenSslInvalidArgument("malformed certificate serial number");
  if (BN_is_zero(number.get())) return std::string("00");
  const bool negative = BN_is_negative(number.get());
  BN_set_negative(number.get(), 0);
  // BN_bn2hex writes whole octets in upper case with no leading zero octets.
  char* hex = BN_bn2hex(number.get());
  if (hex == nullptr) return OpenSslInternalError("formatting a serial number");
  std::string text = absl::AsciiStrToLower(hex);
  OPENSSL_free(hex);
  return negative ? "-" + text : text;
}

}  // namespace upkeep::crypto::internal
