#include "crds/v1alpha1/secret_rotation.h"

#include <map>
#include <utility>

#include <absl/strings/str_cat.h>

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;

struct GeneratorTypeEntry {
  const char* name;
  GeneratorType type;
};
// In the CRD's enum order.
constexpr GeneratorTypeEntry kGeneratorTypes[] = {
    {"password", GeneratorType::kPassword}, {"hex", GeneratorType::kHex},
    {"base64", GeneratorType::kBase64},     {"uuid", GeneratorType::kUuid},
    {"hmac", GeneratorType::kHmac},         {"fernet", GeneratorType::kFernet},
    {"rsa", GeneratorType::kRsa},           {"ecdsa", GeneratorType::kEcdsa},
    {"ed25519", GeneratorType::kEd25519},   {"ssh-ed25519", GeneratorType::kSshEd25519},
};

GeneratorType GeneratorTypeFromName(std::string_view name) {
  for (const GeneratorTypeEntry& e : kGeneratorTypes) {
    if (name == e.name) return e.type;
  }
  return GeneratorType::kPassword;  // unreachable after Enum()
}

ByteEncoding ByteEncodingFromName(std::string_view name) {
  if (name == "base64url") return ByteEncoding::kBase64Url;
  if (name == "hex") return ByteEncoding::kHex;
  if (name == "raw") return ByteEncoding::kRaw;
  return ByteEncoding::kBase64;
}

// Reads an integer and checks it against the bounds the CRD states, for objects that did not
// pass through the API server (files, older stored versions).
std::optional<int64_t> BoundedInteger(FieldReader& r, std::string_view key, int64_t min,
                                      int64_t max) {
  std::optional<int64_t> v = r.Integer(key);
  if (v && (*v < min || *v > max)) {
    r.Invalid(key, *v, absl::StrCat("must be between ", min, " and ", max, ", inclusive"));
    return std::nullopt;
  }
  return v;
}

// A duration that must be longer than zero: a zero interval would rotate without pause.
std::optional<std::chrono::nanoseconds> PositiveDuration(FieldReader& r, std::string_view key) {
  std::optional<std::chrono::nanoseconds> d = r.Duration(key);
  if (d && d->count() == 0) {
    r.Invalid(key, *r.String(key), "must be greater than 0");
    return std::nullopt;
  }
  return d;
}

bool HasCharacterOutside(std::string_view alphabet, std::string_view excluded) {
  return alphabet.find_first_not_of(excluded) != std::string_view::npos;
}

GeneratorSpec ParseGenerator(FieldReader& g) {
  GeneratorSpec out;
  std::optional<std::string> type =
      g.Enum("type",
             {"password", "hex", "base64", "uuid", "hmac", "fernet", "rsa", "ecdsa", "ed25519",
              "ssh-ed25519"},
             Need::kRequired);
  // Every field is read whatever the type, so a field that does not fit is reported.
  std::optional<int64_t> length = BoundedInteger(g, "length", 8, 1024);
  std::optional<bool> symbols = g.Bool("symbols");
  std::optional<bool> digits = g.Bool("digits");
  std::optional<std::string> exclude = g.String("excludeCharacters");
  std::optional<int64_t> bytes = BoundedInteger(g, "bytes", 16, 1024);
  std::optional<std::string> encoding = g.Enum("encoding", {"base64", "base64url", "hex", "raw"});
  int rsa_bits = out.rsa_bits;
  if (std::optional<int64_t> size = g.Integer("size")) {
    if (*size == 2048 || *size == 3072 || *size == 4096) {
      rsa_bits = static_cast<int>(*size);
    } else {
      g.Invalid("size", *size, "must be 2048, 3072 or 4096");
    }
  }
  if (!type) return out;

  out.type = GeneratorTypeFromName(*type);
  const bool is_password = out.type == GeneratorType::kPassword;
  const bool is_random_bytes = out.type == GeneratorType::kHex ||
                               out.type == GeneratorType::kBase64 ||
                               out.type == GeneratorType::kHmac;
  const bool is_rsa = out.type == GeneratorType::kRsa;
  auto only_for = [&](const char* key, bool applies, const char* types) {
    if (g.Has(key) && !applies) {
      g.Forbidden(key, absl::StrCat("applies only to generator type ", types, ", not ", *type));
    }
  };
  only_for("length", is_password, "password");
  only_for("symbols", is_password, "password");
  only_for("digits", is_password, "password");
  only_for("excludeCharacters", is_password, "password");
  only_for("bytes", is_random_bytes, "hex, base64 or hmac");
  only_for("encoding", is_random_bytes, "hex, base64 or hmac");
  only_for("size", is_rsa, "rsa");

  out.length = static_cast<int>(length.value_or(out.length));
  out.symbols = symbols.value_or(false);
  out.digits = digits.value_or(true);
  out.exclude_characters = exclude.value_or("");
  out.bytes = static_cast<int>(bytes.value_or(out.bytes));
  out.encoding = ByteEncodingFromName(
      encoding.value_or(out.type == GeneratorType::kHex ? "hex" : "base64"));
  out.rsa_bits = rsa_bits;

  // The generator puts at least one character of every enabled class into a password.
  if (is_password && !out.exclude_characters.empty()) {
    std::string_view excluded = out.exclude_characters;
    const char* empty_class = nullptr;
    if (!HasCharacterOutside(kPasswordLetters, excluded)) {
      empty_class = "letters";
    } else if (out.digits && !HasCharacterOutside(kPasswordDigits, excluded)) {
      empty_class = "digits (or set digits: false)";
    } else if (out.symbols && !HasCharacterOutside(kPasswordSymbols, excluded)) {
      empty_class = "symbols (or set symbols: false)";
    }
    if (empty_class != nullptr) {
      g.Invalid("excludeCharacters", out.exclude_characters,
                absl::StrCat("excludes all ", empty_class));
    }
  }
  return out;
}

GeneratedKeySpec ParseGeneratedKey(FieldReader& item) {
  GeneratedKeySpec key;
  key.name = item.String("name", Need::kRequired).value_or("");
  FieldReader generator = item.Object("generator", Need::kRequired);
  key.generator = ParseGenerator(generator);
  key.rotation_interval = PositiveDuration(item, "rotationInterval");
  return key;
}

// Key names are unique, and with keepPrevious none may be another key's KEY_PREVIOUS.
void CheckKeyNames(FieldReader& spec, const std::vector<GeneratedKeySpec>& keys,
                   bool keep_previous) {
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i].name.empty()) index_of.emplace(keys[i].name, i);
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& name = keys[i].name;
    if (name.empty()) continue;
    std::string path = absl::StrCat("keys[", i, "].name");
    if (size_t first = index_of.at(name); first != i) {
      spec.Invalid(path, name, absl::StrCat("duplicate of keys[", first, "].name"));
      continue;
    }
    std::string_view suffix = kPreviousValueSuffix;
    if (!keep_previous || name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    std::string base = name.substr(0, name.size() - suffix.size());
    if (auto it = index_of.find(base); it != index_of.end()) {
      spec.Invalid(path, name,
                   absl::StrCat("with keepPrevious, keys[", it->second,
                                "] keeps its previous value under this name"));
    }
  }
}

PostgresRoleRotation ParsePostgres(FieldReader& pg, const std::vector<GeneratedKeySpec>& keys) {
  PostgresRoleRotation out;
  out.host = pg.String("host", Need::kRequired).value_or("");
  if (auto port = BoundedInteger(pg, "port", 1, 65535)) out.port = *port;
  out.database = pg.String("database").value_or("postgres");
  out.ssl_mode = pg.Enum("sslMode", {"disable", "allow", "prefer", "require", "verify-ca",
                                     "verify-full"})
                     .value_or("prefer");
  out.role = pg.String("role", Need::kRequired).value_or("");
  out.password_key = pg.String("passwordKey", Need::kRequired).value_or("");
  FieldReader admin = pg.Object("adminSecretRef");
  PostgresAdminSecretRef ref;
  ref.name = admin.String("name", Need::kRequired).value_or("");
  ref.user_key = admin.String("userKey").value_or("user");
  ref.password_key = admin.String("passwordKey").value_or("password");
  if (admin.present()) out.admin_secret_ref = std::move(ref);

  if (!out.password_key.empty()) {
    const GeneratedKeySpec* key = nullptr;
    for (const GeneratedKeySpec& k : keys) {
      if (k.name == out.password_key) {
        key = &k;
        break;  // a duplicate name is reported on its own
      }
    }
    if (key == nullptr) {
      pg.Invalid("passwordKey", out.password_key, "must be the name of an entry in spec.keys");
    } else if (key->generator.type != GeneratorType::kPassword) {
      pg.Invalid("passwordKey", out.password_key,
                 absl::StrCat("must name a key whose generator type is password, not ",
                              std::string(GeneratorTypeName(key->generator.type))));
    }
  }
  return out;
}

}  // namespace

std::string_view GeneratorTypeName(GeneratorType type) {
  for (const GeneratorTypeEntry& e : kGeneratorTypes) {
    if (e.type == type) return e.name;
  }
  return "password";
}

SecretRotationSpec ParseSecretRotationSpec(FieldReader& spec) {
  SecretRotationSpec out;
  out.secret_name = spec.String("secretName", Need::kRequired).value_or("");
  FieldReader secret_template = spec.Object("secretTemplate");
  out.secret_template = ParseObjectMetaTemplate(secret_template);

  out.rotation_interval = PositiveDuration(spec, "rotationInterval");
  if (std::optional<std::string> text = spec.String("schedule")) {
    absl::StatusOr<Schedule> schedule = ParseSchedule(*text);
    if (schedule.ok()) {
      out.schedule = *std::move(schedule);
    } else {
      spec.Invalid("schedule", *text, std::string(schedule.status().message()));
    }
  }
  out.time_zone = spec.TimeZone("timeZone").value_or("UTC");
  // Both set is an error; neither means the default interval.
  spec.AtMostOneOf({"rotationInterval", "schedule"});
  if (!spec.Has("rotationInterval") && !spec.Has("schedule")) {
    out.rotation_interval = kDefaultRotationInterval;
  }

  if (auto on_existing = spec.Enum("onExisting", {"Adopt", "Regenerate"})) {
    out.on_existing = *on_existing == "Regenerate" ? OnExisting::kRegenerate : OnExisting::kAdopt;
  }
  spec.ObjectList(
      "keys", [&](FieldReader& item) { out.keys.push_back(ParseGeneratedKey(item)); },
      Need::kRequired);
  out.keep_previous = spec.Bool("keepPrevious").value_or(true);
  CheckKeyNames(spec, out.keys, out.keep_previous);
  if (auto grace = spec.Duration("gracePeriod")) out.grace_period = *grace;

  out.restart_targets = ParseWorkloadReferences(spec, "restartTargets");
  out.auto_restart = spec.Bool("autoRestart").value_or(false);
  FieldReader gate = spec.Object("healthGateRef");
  LocalObjectReference gate_ref = ParseLocalObjectReference(gate);
  if (gate.present()) out.health_gate_ref = std::move(gate_ref);

  FieldReader postgres = spec.Object("postgres");
  PostgresRoleRotation pg = ParsePostgres(postgres, out.keys);
  if (postgres.present()) out.postgres = std::move(pg);
  return out;
}

SecretRotationStatus ParseSecretRotationStatus(FieldReader& status) {
  SecretRotationStatus out;
  out.version = status.Integer("version").value_or(0);
  out.last_rotation_time = status.Timestamp("lastRotationTime");
  out.next_rotation_time = status.Timestamp("nextRotationTime");
  out.previous_expires_at = status.Timestamp("previousExpiresAt");
  status.ObjectList("restarted", [&](FieldReader& item) {
    RestartedWorkload w;
    w.kind = item.String("kind").value_or("");
    w.name = item.String("name").value_or("");
    w.time = item.Timestamp("time");
    out.restarted.push_back(std::move(w));
  });
  status.ObjectList("keys", [&](FieldReader& item) {
    KeyRotationStatus k;
    k.name = item.String("name").value_or("");
    k.last_rotation_time = item.Timestamp("lastRotationTime");
    out.keys.push_back(std::move(k));
  });
  out.common = ParseCommonStatus(status);
  return out;
}

json SecretRotationStatusToJson(const SecretRotationStatus& status) {
  json out = json::object();
  if (status.version != 0) out["version"] = status.version;
  WriteTimestamp(out, "lastRotationTime", status.last_rotation_time);
  WriteTimestamp(out, "nextRotationTime", status.next_rotation_time);
  WriteTimestamp(out, "previousExpiresAt", status.previous_expires_at);
  if (!status.restarted.empty()) {
    json& list = out["restarted"] = json::array();
    for (const RestartedWorkload& w : status.restarted) {
      json item = {{"kind", w.kind}, {"name", w.name}};
      WriteTimestamp(item, "time", w.time);
      list.push_back(std::move(item));
    }
  }
  if (!status.keys.empty()) {
    json& list = out["keys"] = json::array();
    for (const KeyRotationStatus& k : status.keys) {
      json item = {{"name", k.name}};
      WriteTimestamp(item, "lastRotationTime", k.last_rotation_time);
      list.push_back(std::move(item));
    }
  }
  WriteCommonStatus(status.common, out);
  return out;
}

absl::StatusOr<SecretRotation> ParseSecretRotation(const json& object) {
  ParseReport report;
  SecretRotation out;
  out.metadata = ParseObjectMetadata(object);
  {
    FieldReader root(&object, "", report);
    FieldReader spec = root.Object("spec", Need::kRequired);
    out.spec = ParseSecretRotationSpec(spec);
    FieldReader status = root.Object("status");
    out.status = ParseSecretRotationStatus(status);
  }
  if (!report.ok()) return report.ToStatus();
  return out;
}

}  // namespace upkeep::api::v1alpha1
