// JSON Web Signatures (RFC 7515 compact form) and JSON Web Keys (RFC 7517) on OpenSSL 3.
//
// Three algorithms and nothing else: EdDSA (Ed25519, RFC 8037) for the shop's own tokens, and
// ES256 / RS256 so id_tokens of OpenID providers (Google and co.) can be verified. "none", the
// HMAC family and every other "alg" are refused by construction: a verifier names the algorithms
// it accepts, and a key is only ever used with the algorithm it was loaded for — so the classic
// "HS256 signed with the public key" forgery has no code path to succeed.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::auth {

enum class Alg { EdDSA, ES256, RS256 };
std::string_view NameOf(Alg alg);
std::optional<Alg> ParseAlg(std::string_view name);  // nullopt for anything but the three

std::string Base64UrlEncode(std::string_view bytes);                     // no padding
std::optional<std::string> Base64UrlDecode(std::string_view text);       // nullopt on bad input

// A verification key with its key id. Cheap to copy (shared, immutable).
class PublicKey {
 public:
  // From a JWK object: OKP/Ed25519, EC/P-256, RSA (≥ 2048 bits). "alg" in the JWK, when present,
  // must agree with the key type; "use", when present, must be "sig".
  static core::Result<PublicKey> FromJwk(const boost::json::object& jwk);
  const std::string& kid() const { return kid_; }
  Alg alg() const { return alg_; }
  boost::json::object ToJwk() const;
  bool Verify(std::string_view signing_input, std::string_view signature) const;

 private:
  friend class SigningKey;
  PublicKey(std::string kid, Alg alg, std::shared_ptr<void> pkey) : kid_(std::move(kid)), alg_(alg), pkey_(std::move(pkey)) {}
  std::string kid_;
  Alg alg_ = Alg::EdDSA;
  std::shared_ptr<void> pkey_;  // EVP_PKEY
};

// Public keys by kid (a JWKS document).
class KeySet {
 public:
  // {"keys":[...]}; keys of unsupported types are skipped, a malformed supported key is an error.
  static core::Result<KeySet> FromJwks(const boost::json::value& jwks);
  void Add(PublicKey key);  // replaces a key with the same kid
  const PublicKey* Find(std::string_view kid) const;
  std::size_t size() const { return keys_.size(); }
  boost::json::object ToJwks() const;

 private:
  std::vector<PublicKey> keys_;
};

// A private key with its kid, for issuing tokens.
class SigningKey {
 public:
  static SigningKey Generate(std::string kid, Alg alg = Alg::EdDSA);  // RSA: 2048 bits
  // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"): Ed25519, P-256 or RSA.
  static core::Result<SigningKey> FromPem(std::string kid, std::string_view pem);
  std::string ToPem() const;
  const std::string& kid() const { return kid_; }
  Alg alg() const { return alg_; }
  PublicKey Public() const;
  // Compact JWS with header {"alg", "typ":"JWT", "kid"}.
  std::string Sign(const boost::json::object& payload) const;
  // The raw signature of `signing_input` (tests build hostile tokens with it).
  std::string SignBytes(std::string_view signing_input) const;

 private:
  SigningKey(std::string kid, Alg alg, std::shared_ptr<void> pkey) : kid_(std::move(kid)), alg_(alg), pkey_(std::move(pkey)) {}
  std::string kid_;
  Alg alg_ = Alg::EdDSA;
  std::shared_ptr<void> pkey_;  // EVP_PKEY
};

// Verifies a compact JWS: three base64url parts, a JSON header whose "alg" is in `allowed` and
// whose "kid" names a key of `keys` with that same algorithm, a valid signature, a JSON object
// payload. Returns the payload. Every failure is Errc::unauthenticated with a short reason.
core::Result<boost::json::object> VerifyJws(std::string_view token, const KeySet& keys, std::span<const Alg> allowed);

// Unverified look at part 0 (header) or 1 (payload) of a compact JWS — logs and tests only.
core::Result<boost::json::object> DecodeJwsPart(std::string_view token, int part);

}  // namespace store::auth
