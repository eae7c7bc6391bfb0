// The ports of the user service: what the use cases (Accounts, SocialLogin) need from the world
// outside the process, as abstract classes. src/adapters/ implements them (MariaDB, Redis,
// libcurl), src/service.cpp plugs those in, and the unit tests plug in fakes. Nothing in app/
// includes an adapter.
//
// Errors are core::Error values: unavailable / timeout when an engine is down or slow, conflict
// for a duplicate key (a concurrent twin insert), internal for a bug. Every port may be awaited
// from any I/O thread concurrently; the objects must outlive the use cases that borrow them.
#pragma once

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <cctype>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/model.hpp"
#include "store/core/blocking_pool.hpp"
#include "store/core/result.hpp"

namespace store::user {

template <class T>
using Task = boost::asio::awaitable<core::Result<T>>;

// ------------------------------------------------------------------ the account store
// Times are unix milliseconds; `now` is the use case's clock. Lookups "for update" lock the row
// until the unit of work ends (a MariaDB transaction serialises changes to one account).

// A verification, email-change or reset link, stored by the SHA-256 of its token.
struct EmailToken {
  std::string user_id;
  std::string purpose;  // verify | email_change | reset
  std::string email;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
};

// A refresh token, stored by its SHA-256; one family per session.
struct RefreshToken {
  std::string session_id;
  std::string user_id;
  std::optional<std::int64_t> used_at;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // `email` is normalised (lower case).
  virtual core::Result<std::optional<User>> UserByEmail(const std::string& email, bool for_update) = 0;
  virtual core::Result<std::optional<User>> UserById(const std::string& id, bool for_update) = 0;
  virtual core::Status InsertUser(const User& u, std::int64_t now) = 0;  // conflict when the email is taken
  // name, phone, locale, sms_opt_in.
  virtual core::Status UpdateProfile(const User& u, std::int64_t now) = 0;
  // nullopt drops the password (a social-only account).
  virtual core::Status SetPassword(const std::string& user_id, const std::optional<std::string>& hash, std::int64_t now) = 0;
  virtual core::Status SetEmailVerified(const std::string& user_id, std::int64_t now) = 0;
  virtual core::Status SetPendingEmail(const std::string& user_id, const std::optional<std::string>& email, std::int64_t now) = 0;
  // The new address, verified; the pending one cleared.
  virtual core::Status SetEmail(const std::string& user_id, const std::string& email, std::int64_t now) = 0;
  virtual core::Status SetDisabled(const std::string& user_id, bool disabled, std::int64_t now) = 0;
  virtual core::Status SetRoles(const std::string& user_id, const std::vector<std::string>& roles, std::int64_t now) = 0;
  // `q` matches a part of the email or the name literally, or the whole id; oldest first.
  virtual core::Result<std::vector<User>> SearchUsers(const std::string& q, std::int64_t limit, std::int64_t offset) = 0;
  // Social-login identities: (provider, subject) -> user id.
  virtual core::Result<std::optional<std::string>> UserIdOfIdentity(const std::string& provider, const std::string& subject) = 0;
  virtual core::Status InsertIdentity(const std::string& provider, const std::string& subject, const std::string& user_id,
                                      const std::string& email, std::int64_t now) = 0;
  // The audit row of a register/resend/reset request, written whether or not the address has an
  // account (so both cost the same commit).
  virtual core::Status RecordEmailRequest(const std::string& kind, const std::string& account_hash, const std::string& ip,
                                          std::int64_t now) = 0;
};

class EmailTokenRepository {
 public:
  virtual ~EmailTokenRepository() = default;
  virtual core::Status InsertEmailToken(const std::string& hash, const std::string& user_id, const std::string& purpose,
                                        const std::string& email, std::int64_t now, std::int64_t expires_at) = 0;
  virtual core::Result<std::optional<EmailToken>> EmailTokenByHash(const std::string& hash) = 0;  // for update
  virtual core::Status UseEmailToken(const std::string& hash, std::int64_t now) = 0;
  // Marks every unused token of the user with `purpose` used (a newer link replaces older ones).
  virtual core::Status RetireEmailTokens(const std::string& user_id, const std::string& purpose, std::int64_t now) = 0;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual core::Status InsertSession(const Session& s) = 0;
  // A session that was not ended (it may have expired), for update.
  virtual core::Result<std::optional<Session>> SessionById(const std::string& id) = 0;
  // Sessions not ended, not expired and (unless remember-me) used within `idle_ms`; newest first.
  virtual core::Result<std::vector<Session>> LiveSessions(const std::string& user_id, std::int64_t now, std::int64_t idle_ms) = 0;
  virtual core::Status TouchSession(const std::string& id, std::int64_t now) = 0;
  // Ends the user's sessions (only `only` when set, all but `except` when set); returns the ids
  // that were not ended yet (for the revocation list).
  virtual core::Result<std::vector<std::string>> RevokeSessions(const std::string& user_id, const std::optional<std::string>& only,
                                                                const std::optional<std::string>& except,
                                                                const std::string& reason, std::int64_t now) = 0;
  virtual core::Status InsertRefresh(const std::string& hash, const std::string& session_id, const std::string& user_id,
                                     std::int64_t now) = 0;
  virtual core::Result<std::optional<RefreshToken>> RefreshByHash(const std::string& hash) = 0;  // for update
  virtual core::Status UseRefresh(const std::string& hash, std::int64_t now) = 0;
};

class AddressRepository {
 public:
  virtual ~AddressRepository() = default;
  virtual core::Result<std::vector<Address>> Addresses(const std::string& user_id) = 0;  // oldest first
  virtual core::Result<std::optional<Address>> AddressById(const std::string& user_id, const std::string& id) = 0;
  virtual core::Status InsertAddress(const std::string& user_id, const Address& a, std::int64_t now) = 0;
  virtual core::Status UpdateAddress(const std::string& user_id, const Address& a, std::int64_t now) = 0;
  virtual core::Result<bool> DeleteAddress(const std::string& user_id, const std::string& id) = 0;  // false: none
  // Clears the default flags `a` sets on the user's other addresses.
  virtual core::Status ClearOtherDefaults(const std::string& user_id, const Address& a) = 0;
};

// The second factor (TOTP and recovery codes). Secrets arrive sealed (SecretBox); recovery codes
// as their SHA-256.
class SecondFactorRepository {
 public:
  virtual ~SecondFactorRepository() = default;
  // The secret of an enrolment not confirmed yet (nullopt clears it).
  virtual core::Status SetTotpPending(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t now) = 0;
  // Turns the second factor on with `sealed` (the pending secret cleared; `step`: the confirming
  // code's) or, with nullopt, off.
  virtual core::Status SetTotp(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t step,
                               std::int64_t now) = 0;
  virtual core::Status SetTotpLastStep(const std::string& user_id, std::int64_t step) = 0;
  // Replaces every recovery code of the account (empty: none left).
  virtual core::Status ReplaceRecoveryCodes(const std::string& user_id, const std::vector<std::string>& hashes,
                                            std::int64_t now) = 0;
  // Uses an unused code; false when the account has no such unused code.
  virtual core::Result<bool> UseRecoveryCode(const std::string& user_id, const std::string& hash, std::int64_t now) = 0;
  virtual core::Result<std::int64_t> RecoveryCodesLeft(const std::string& user_id) = 0;
  // The session passed the second factor (its next access tokens carry the admin role).
  virtual core::Status SetSessionMfa(const std::string& session_id) = 0;
};

// The transactional outbox: an event written in the same unit of work as the change it announces
// (the relay publishes it to Kafka later). `topic` is the contract's name (user.registered.v1);
// the adapter wraps `data` in the event envelope (event_id, occurred_at) and adds any topic prefix.
class EventOutbox {
 public:
  virtual ~EventOutbox() = default;
  virtual core::Status AddEvent(std::string_view topic, const std::string& key, boost::json::object data) = 0;
};

// Everything one unit of work may read and write. Not thread-safe: used by one use case at a time,
// inside AccountStore::Transaction / Run.
class AccountTransaction : public UserRepository,
                           public EmailTokenRepository,
                           public SessionRepository,
                           public AddressRepository,
                           public SecondFactorRepository,
                           public EventOutbox {};

// The accounts' storage. Transaction(fn) runs fn(AccountTransaction&) -> Result<T> atomically:
// committed when it returns a value, rolled back when it returns an error. fn may run more than
// once (a deadlock reruns it), so it must only touch the transaction and its own locals. Run(fn)
// is the same without a transaction (reads). fn runs off the I/O threads; pass a named lambda or
// one capturing by reference (core::CoAwaitSafeCallable).
class AccountStore {
 public:
  using Work = std::function<core::Status(AccountTransaction&)>;
  virtual ~AccountStore() = default;

  template <class F>
    requires core::CoAwaitSafeCallable<F>
  boost::asio::awaitable<std::invoke_result_t<F&, AccountTransaction&>> Transaction(F&& fn) {
    co_return co_await Typed(fn, true);
  }
  template <class F>
    requires core::CoAwaitSafeCallable<F>
  boost::asio::awaitable<std::invoke_result_t<F&, AccountTransaction&>> Run(F&& fn) {
    co_return co_await Typed(fn, false);
  }

 protected:
  // `work` returns Status; the typed result travels through Typed's local.
  virtual boost::asio::awaitable<core::Status> RunTransaction(const Work& work) = 0;
  virtual boost::asio::awaitable<core::Status> RunOnce(const Work& work) = 0;

 private:
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, AccountTransaction&>> Typed(F& fn, bool transaction) {
    using R = std::invoke_result_t<F&, AccountTransaction&>;
    std::optional<R> out;
    const Work work = [&](AccountTransaction& tx) -> core::Status {
      out.emplace(fn(tx));  // a rerun replaces the earlier attempt's result
      if (!*out) return std::unexpected(out->error());
      return {};
    };
    core::Status done;
    if (transaction) done = co_await RunTransaction(work);
    else done = co_await RunOnce(work);
    if (!done) co_return std::unexpected(std::move(done.error()));  // also a failed commit
    co_return std::move(*out);
  }
};

// ------------------------------------------------------------------ Redis-backed state

// Login lockout: after `threshold` consecutive failures the account locks for `base`, doubling
// per further failure up to `max`; `per_window` failures in `window` lock it until the window ends.
struct LockoutPolicy {
  std::int64_t threshold = 5;
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds max{std::chrono::minutes(15)};
  std::int64_t per_window = 100;
  std::chrono::milliseconds window{std::chrono::hours(1)};
};

// Abuse counters: fixed-window attempt limits and the login lockout. A `std::nullopt` wait means
// "go ahead"; otherwise it is the Retry-After (at least 1 s). String parameters are references:
// callers pass named strings, never temporaries, inside co_await (g++ 12 destroys those twice).
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Counts one attempt of `action` by `subject` (of `kind` "ip" or "acct"); a wait once more than
  // `limit` were made in the current `window`.
  virtual Task<std::optional<std::chrono::seconds>> Hit(const std::string& action, const std::string& kind,
                                                        const std::string& subject, std::int64_t limit,
                                                        std::chrono::milliseconds window) = 0;
  // The time left on the account's lockout.
  virtual Task<std::optional<std::chrono::seconds>> Locked(const std::string& account) = 0;
  // A failed login: counts it and locks the account when the policy says so.
  virtual Task<void> Failed(const std::string& account, const LockoutPolicy& policy) = 0;
  // A successful login clears the consecutive-failure count.
  virtual Task<void> Succeeded(const std::string& account) = 0;
};

// The revocation list every service checks: a revoked session's access tokens are refused at
// once (until `ttl`, when they have expired anyway).
class SessionRevocations {
 public:
  virtual ~SessionRevocations() = default;
  virtual Task<void> Revoke(const std::string& session_id, std::chrono::seconds ttl) = 0;
};

// Short-lived state under the SHA-256 of a secret the client holds, taken back at most once: a
// social login between start and callback (the state parameter), a sign-in waiting for its second
// factor (the challenge token).
class OneTimeStates {
 public:
  virtual ~OneTimeStates() = default;
  virtual Task<void> Put(const std::string& state_hash, const std::string& value, std::chrono::milliseconds ttl) = 0;
  // The value, removed; nullopt when unknown, used or expired.
  virtual Task<std::optional<std::string>> Take(const std::string& state_hash) = 0;
};

// ------------------------------------------------------------------ OpenID providers over HTTP(S)

struct FetchRequest {
  std::string method = "GET";  // any verb; a body is sent when not empty
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string basic_user;  // HTTP Basic when non-empty (client_secret_basic)
  std::string basic_password;
  std::chrono::milliseconds timeout{5000};
};

struct FetchResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  // The first header `name` (any case); "" when absent.
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k.size() == name.size() &&
          std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
        return v;
    return "";
  }
};

// Calls to a provider (discovery, token endpoint, JWKS). Any HTTP status is a response;
// unavailable when the provider cannot be reached, timeout when it is too slow.
class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  virtual Task<FetchResponse> Fetch(const FetchRequest& request) = 0;
};

}  // namespace store::user
