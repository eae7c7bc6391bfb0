#include "store/auth/jws.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace store::auth {
namespace {

using core::Error;
using core::Errc;

Error Unauthenticated(std::string reason) { return Error{Errc::unauthenticated, std::move(reason)}; }

EVP_PKEY* Raw(const std::shared_ptr<void>& p) { return static_cast<EVP_PKEY*>(p.get()); }
std::shared_ptr<void> Own(EVP_PKEY* p) {
  return std::shared_ptr<void>(p, [](void* k) { EVP_PKEY_free(static_cast<EVP_PKEY*>(k)); });
}

struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };
struct CtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };
struct BldFree { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct SigFree { void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); } };
using Bn = std::unique_ptr<BIGNUM, BnFree>;

const EVP_MD* DigestOf(Alg alg) { return alg == Alg::EdDSA ? nullptr : EVP_sha256(); }

std::optional<std::string> StringField(const boost::json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::string BnBytes(const BIGNUM* bn, int width = 0) {
  int n = std::max(BN_num_bytes(bn), width);
  std::string out(static_cast<std::size_t>(n), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n);
  return out;
}

Bn BnFrom(std::string_view bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

std::optional<Alg> AlgOfKey(EVP_PKEY* pkey) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_ED25519: return Alg::EdDSA;
    case EVP_PKEY_RSA: return EVP_PKEY_get_bits(pkey) >= 2048 ? std::optional(Alg::RS256) : std::nullopt;
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) return std::nullopt;
      std::string_view g(group, len);
      if (g == "prime256v1" || g == "P-256") return Alg::ES256;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

EVP_PKEY* FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  return pkey;
}

// JOSE ECDSA signatures are r || s (32 bytes each); OpenSSL speaks DER.
std::optional<std::string> EcRawToDer(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  Bn r = BnFrom(raw.substr(0, 32)), s = BnFrom(raw.substr(32));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  (void)r.release();
  (void)s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string EcDerToRaw(std::string_view der) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return {};
  return BnBytes(ECDSA_SIG_get0_r(sig.get()), 32) + BnBytes(ECDSA_SIG_get0_s(sig.get()), 32);
}

core::Result<boost::json::object> ParseObject(std::string_view b64, const char* what) {
  auto bytes = Base64UrlDecode(b64);
  if (!bytes) return std::unexpected(Unauthenticated(std::string("token ") + what + " is not base64url"));
  boost::system::error_code ec;
  auto value = boost::json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::unexpected(Unauthenticated(std::string("token ") + what + " is not a JSON object"));
  return std::move(value.as_object());
}

}  // namespace

std::string_view NameOf(Alg alg) {
  switch (alg) {
    case Alg::EdDSA: return "EdDSA";
    case Alg::ES256: return "ES256";
    case Alg::RS256: return "RS256";
  }
  return "?";
}

std::optional<Alg> ParseAlg(std::string_view name) {
  if (name == "EdDSA") return Alg::EdDSA;
  if (name == "ES256") return Alg::ES256;
  if (name == "RS256") return Alg::RS256;
  return std::nullopt;
}

std::string Base64UrlEncode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kAlphabet[v >> 18 & 63]; out += kAlphabet[v >> 12 & 63]; out += kAlphabet[v >> 6 & 63]; out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    unsigned v = at(i) << 16;
    out += kAlphabet[v >> 18 & 63]; out += kAlphabet[v >> 12 & 63];
  } else if (bytes.size() - i == 2) {
    unsigned v = at(i) << 16 | at(i + 1) << 8;
    out += kAlphabet[v >> 18 & 63]; out += kAlphabet[v >> 12 & 63]; out += kAlphabet[v >> 6 & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
  };
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = acc << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  if (acc & ((1u << bits) - 1)) return std::nullopt;  // non-canonical trailing bits
  return out;
}

// ---- PublicKey ------------------------------------------------------------------------------

core::Result<PublicKey> PublicKey::FromJwk(const boost::json::object& jwk) {
  auto kty = StringField(jwk, "kty");
  auto kid = StringField(jwk, "kid").value_or("");
  auto bad = [&](std::string why) { return std::unexpected(Error::Invalid("JWK " + kid + ": " + why)); };
  if (auto use = StringField(jwk, "use"); use && *use != "sig") return bad("use is not sig");
  EVP_PKEY* pkey = nullptr;
  if (kty == "OKP") {
    auto x = Base64UrlDecode(StringField(jwk, "x").value_or(""));
    if (StringField(jwk, "crv") != "Ed25519" || !x || x->size() != 32) return bad("not an Ed25519 public key");
    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), 32);
  } else if (kty == "EC") {
    auto x = Base64UrlDecode(StringField(jwk, "x").value_or(""));
    auto y = Base64UrlDecode(StringField(jwk, "y").value_or(""));
    if (StringField(jwk, "crv") != "P-256" || !x || !y || x->size() != 32 || y->size() != 32) return bad("not a P-256 public key");
    std::string point = "\x04" + *x + *y;
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    pkey = FromParams("EC", bld.get());
  } else if (kty == "RSA") {
    auto n = Base64UrlDecode(StringField(jwk, "n").value_or(""));
    auto e = Base64UrlDecode(StringField(jwk, "e").value_or(""));
    if (!n || !e || n->empty() || e->empty()) return bad("not an RSA public key");
    Bn bn_n = BnFrom(*n), bn_e = BnFrom(*e);
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());
    pkey = FromParams("RSA", bld.get());
  } else {
    return std::unexpected(Error{Errc::unsupported_media_type, "JWK " + kid + ": unsupported kty"});
  }
  if (!pkey) return bad("OpenSSL refused the key");
  auto owned = Own(pkey);
  auto alg = AlgOfKey(pkey);
  if (!alg) return bad("unsupported key size or curve");
  if (auto named = StringField(jwk, "alg"); named && ParseAlg(*named) != alg) return bad("alg does not match the key");
  return PublicKey(kid, *alg, std::move(owned));
}

boost::json::object PublicKey::ToJwk() const {
  boost::json::object jwk;
  EVP_PKEY* pkey = Raw(pkey_);
  if (alg_ == Alg::EdDSA) {
    std::string x(32, '\0');
    size_t len = x.size();
    EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(x.data()), &len);
    jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(x)}};
  } else if (alg_ == Alg::ES256) {
    std::string point(65, '\0');
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, reinterpret_cast<unsigned char*>(point.data()),
                                    point.size(), &len);
    jwk = {{"kty", "EC"}, {"crv", "P-256"}, {"x", Base64UrlEncode(point.substr(1, 32))},
           {"y", Base64UrlEncode(point.substr(33, 32))}};
  } else {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e);
    Bn own_n(n), own_e(e);
    jwk = {{"kty", "RSA"}, {"n", Base64UrlEncode(BnBytes(n))}, {"e", Base64UrlEncode(BnBytes(e))}};
  }
  jwk["kid"] = kid_;
  jwk["alg"] = NameOf(alg_);
  jwk["use"] = "sig";
  return jwk;
}

bool PublicKey::Verify(std::string_view signing_input, std::string_view signature) const {
  std::string der;
  if (alg_ == Alg::ES256) {
    auto converted = EcRawToDer(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, DigestOf(alg_), nullptr, Raw(pkey_)) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

// ---- KeySet ---------------------------------------------------------------------------------

core::Result<KeySet> KeySet::FromJwks(const boost::json::value& jwks) {
  const auto* keys = jwks.is_object() ? jwks.as_object().if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return std::unexpected(Error::Invalid("JWKS has no keys array"));
  KeySet set;
  for (const auto& k : keys->as_array()) {
    if (!k.is_object()) return std::unexpected(Error::Invalid("JWKS entry is not an object"));
    auto key = PublicKey::FromJwk(k.as_object());
    if (!key) {
      if (key.error().code == Errc::unsupported_media_type) continue;  // e.g. an "enc" X25519 key
      return std::unexpected(key.error());
    }
    set.Add(std::move(*key));
  }
  return set;
}

void KeySet::Add(PublicKey key) {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const PublicKey& k) { return k.kid() == key.kid(); });
  if (it != keys_.end()) *it = std::move(key);
  else keys_.push_back(std::move(key));
}

const PublicKey* KeySet::Find(std::string_view kid) const {
  for (const auto& k : keys_)
    if (k.kid() == kid) return &k;
  return nullptr;
}

boost::json::object KeySet::ToJwks() const {
  boost::json::array keys;
  for (const auto& k : keys_) keys.push_back(k.ToJwk());
  return {{"keys", std::move(keys)}};
}

// ---- SigningKey -----------------------------------------------------------------------------

SigningKey SigningKey::Generate(std::string kid, Alg alg) {
  EVP_PKEY* pkey = nullptr;
  switch (alg) {
    case Alg::EdDSA: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case Alg::ES256: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case Alg::RS256: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)); break;
  }
  if (!pkey) throw std::runtime_error("OpenSSL could not generate a key");
  return SigningKey(std::move(kid), alg, Own(pkey));
}

core::Result<SigningKey> SigningKey::FromPem(std::string kid, std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!pkey) return std::unexpected(Error::Invalid("not a PEM private key"));
  auto owned = Own(pkey);
  auto alg = AlgOfKey(pkey);
  if (!alg) return std::unexpected(Error::Invalid("unsupported private key type (Ed25519, P-256 or RSA ≥ 2048)"));
  return SigningKey(std::move(kid), *alg, std::move(owned));
}

std::string SigningKey::ToPem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), Raw(pkey_), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

PublicKey SigningKey::Public() const { return PublicKey(kid_, alg_, pkey_); }

std::string SigningKey::SignBytes(std::string_view input) const {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, DigestOf(alg_), nullptr, Raw(pkey_)) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("OpenSSL could not sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("OpenSSL could not sign");
  sig.resize(len);
  return alg_ == Alg::ES256 ? EcDerToRaw(sig) : sig;
}

std::string SigningKey::Sign(const boost::json::object& payload) const {
  boost::json::object header{{"alg", NameOf(alg_)}, {"typ", "JWT"}, {"kid", kid_}};
  std::string input = Base64UrlEncode(boost::json::serialize(header)) + "." + Base64UrlEncode(boost::json::serialize(payload));
  std::string sig = SignBytes(input);
  return input + "." + Base64UrlEncode(sig);
}

// ---- verification ---------------------------------------------------------------------------

core::Result<boost::json::object> DecodeJwsPart(std::string_view token, int part) {
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::unexpected(Unauthenticated("token is not a compact JWS"));
  if (part == 0) return ParseObject(token.substr(0, first), "header");
  return ParseObject(token.substr(first + 1, second - first - 1), "payload");
}

core::Result<boost::json::object> VerifyJws(std::string_view token, const KeySet& keys, std::span<const Alg> allowed) {
  if (token.size() > 16 * 1024) return std::unexpected(Unauthenticated("token too long"));
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::unexpected(Unauthenticated("token is not a compact JWS"));
  auto header = ParseObject(token.substr(0, first), "header");
  if (!header) return std::unexpected(header.error());
  auto alg_name = StringField(*header, "alg");
  auto alg = alg_name ? ParseAlg(*alg_name) : std::nullopt;
  if (!alg || std::find(allowed.begin(), allowed.end(), *alg) == allowed.end())
    return std::unexpected(Unauthenticated("token algorithm not allowed"));
  if (header->contains("crit")) return std::unexpected(Unauthenticated("token has critical header parameters"));
  auto kid = StringField(*header, "kid");
  const PublicKey* key = kid ? keys.Find(*kid) : nullptr;
  if (!key) return std::unexpected(Unauthenticated("token signed by an unknown key"));
  if (key->alg() != *alg) return std::unexpected(Unauthenticated("token algorithm does not match its key"));
  auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!signature || !key->Verify(token.substr(0, second), *signature))
    return std::unexpected(Unauthenticated("token signature is invalid"));
  return ParseObject(token.substr(first + 1, second - first - 1), "payload");
}

}  // namespace store::auth
