#include "adapters/key_files.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "domain/secrets.hpp"
#include "domain/totp.hpp"
#include "store/auth/jws.hpp"
#include "store/log/log.hpp"
#include "store/auth/secrets.hpp"

namespace store::user {

namespace {
std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `content` to a new file only its owner can read (creating its directory).
void WritePrivateFile(const std::string& path, const std::string& content) {
  auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir);
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << content;
  }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
}

auth::SigningKey WithThumbprintKid(const std::string& pem, const std::string& origin) {
  auto probe = auth::SigningKey::FromPem("probe", pem);
  if (!probe) throw std::runtime_error(origin + ": not a usable private key: " + probe.error().message);
  if (probe->alg() != auth::Alg::EdDSA) throw std::runtime_error(origin + ": the access-token key must be Ed25519");
  auto kid = JwkThumbprint(probe->Public().ToJwk());
  auto key = auth::SigningKey::FromPem(kid, pem);
  if (!key) throw std::runtime_error(origin + ": " + key.error().message);
  return std::move(*key);
}
}  // namespace

std::string JwkThumbprint(const boost::json::object& jwk) {
  auto str = [&](const char* k) -> std::string {
    auto it = jwk.find(k);
    return it != jwk.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
  };
  std::string kty = str("kty");
  std::string text;
  if (kty == "OKP") text = R"({"crv":")" + str("crv") + R"(","kty":"OKP","x":")" + str("x") + R"("})";
  else if (kty == "EC") text = R"({"crv":")" + str("crv") + R"(","kty":"EC","x":")" + str("x") + R"(","y":")" + str("y") + R"("})";
  else text = R"({"e":")" + str("e") + R"(","kty":"RSA","n":")" + str("n") + R"("})";
  return auth::Base64UrlEncode(auth::Sha256(text));
}

KeyRing LoadKeyRing(const Settings& settings) {
  std::optional<auth::SigningKey> current;
  if (!settings.signing_key_file.empty()) {
    current = WithThumbprintKid(ReadFile(settings.signing_key_file), settings.signing_key_file);
  } else if (settings.generate_dev_key) {
    const auto& path = settings.dev_key_file;
    if (std::filesystem::exists(path)) {
      current = WithThumbprintKid(ReadFile(path), path);
    } else {
      auto fresh = auth::SigningKey::Generate("new", auth::Alg::EdDSA);
      auto pem = fresh.ToPem();
      WritePrivateFile(path, pem);
      current = WithThumbprintKid(pem, path);
      log::Warn("generated a development signing key", {{"file", path}, {"kid", current->kid()}});
    }
  } else {
    throw std::runtime_error("auth.signing_key_file is not set and auth.generate_dev_key is false");
  }
  KeyRing ring{std::move(*current), {}};
  ring.public_keys.Add(ring.current.Public());
  if (!settings.previous_keys_file.empty()) {
    boost::system::error_code ec;
    auto jwks = boost::json::parse(ReadFile(settings.previous_keys_file), ec);
    if (ec) throw std::runtime_error(settings.previous_keys_file + ": not JSON");
    auto previous = auth::KeySet::FromJwks(jwks);
    if (!previous) throw std::runtime_error(settings.previous_keys_file + ": " + previous.error().message);
    // Add every previous key that is not the current one.
    auto all = previous->ToJwks();
    for (const auto& k : all.at("keys").as_array()) {
      auto kid = k.as_object().at("kid").as_string();
      if (auto* pk = previous->Find(std::string_view(kid.data(), kid.size())); pk && pk->kid() != ring.current.kid())
        ring.public_keys.Add(*pk);
    }
  }
  log::Info("access-token signing key", {{"kid", ring.current.kid()}});
  return ring;
}

std::string LoadMfaKey(const Settings& settings) {
  std::string path = settings.mfa_key_file;
  if (path.empty()) {
    if (!settings.generate_dev_key) throw std::runtime_error("mfa.key_file is not set and auth.generate_dev_key is false");
    path = settings.mfa_dev_key_file;
    if (!std::filesystem::exists(path)) {
      WritePrivateFile(path, auth::Base64UrlEncode(auth::RandomBytes(SecretBox::kKeyBytes)) + "\n");
      log::Warn("generated a development key sealing TOTP secrets", {{"file", path}});
    }
  }
  std::string text = ReadFile(path);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  auto key = auth::Base64UrlDecode(text);
  if (!key) {  // standard base64 too (openssl rand -base64 32)
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    key = auth::Base64UrlDecode(text);
  }
  if (!key || key->size() != SecretBox::kKeyBytes) throw std::runtime_error(path + ": not 32 bytes in base64 (mfa.key_file)");
  return std::move(*key);
}

std::vector<ServiceClient> LoadServiceClients(const Settings& settings) {
  std::vector<ServiceClient> clients;
  for (const auto& c : settings.service_clients) {
    const auto& path = c.secret_file;
    if (!std::filesystem::exists(path)) {
      if (!settings.generate_dev_key)
        throw std::runtime_error("oauth.client." + c.id + ".secret_file: " + path + " does not exist and auth.generate_dev_key is false");
      WritePrivateFile(path, auth::NewSecretToken() + "\n");
      log::Warn("generated a development secret of a service client", {{"client", c.id}, {"file", path}});
    }
    std::string secret = ReadFile(path);
    while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
    if (secret.size() < 32) throw std::runtime_error(path + ": a client secret has at least 32 characters (oauth.client." + c.id + ".secret_file)");
    clients.push_back({c.id, std::move(secret)});
  }
  return clients;
}

}  // namespace store::user
