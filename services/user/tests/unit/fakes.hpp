// In-memory fakes of the user service's ports (src/app/ports.hpp), for unit tests of the use
// cases without engines. Single-threaded: a test drives one use case at a time.
// FakeAccountStore gives a unit of work the same all-or-nothing outcome as a transaction: it runs
// on a copy of the data that replaces the data only when the work succeeded.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/ports.hpp"

namespace usertest {

using namespace store::user;
using store::core::Errc;
using store::core::Fail;
using store::core::Result;
using store::core::Status;

struct StoredSession {
  Session session;
  std::optional<std::int64_t> revoked_at;
  std::string revoke_reason;
};

struct PublishedEvent {
  std::string topic;
  std::string key;
  boost::json::object data;
};

struct FakeData {
  std::map<std::string, User> users;  // by id
  std::map<std::string, EmailToken> email_tokens;  // by hash
  std::map<std::string, StoredSession> sessions;  // by id
  std::map<std::string, RefreshToken> refresh_tokens;  // by hash
  std::vector<std::pair<std::string, Address>> addresses;  // (user id, address), oldest first
  std::map<std::pair<std::string, std::string>, std::string> identities;  // (provider, subject) -> user id
  std::vector<std::string> email_requests;  // kinds, in order
  std::map<std::string, std::map<std::string, bool>> recovery_codes;  // user id -> hash -> used
  std::vector<PublishedEvent> events;
  std::string failing_topic;  // AddEvent of this topic fails (unavailable): a failed unit of work

  std::vector<PublishedEvent> Events(const std::string& topic) const {
    std::vector<PublishedEvent> out;
    for (const auto& e : events)
      if (e.topic == topic) out.push_back(e);
    return out;
  }
  const User* UserByEmail(const std::string& email) const {
    for (const auto& [id, u] : users)
      if (u.email == email) return &u;
    return nullptr;
  }
};

class FakeTransaction final : public AccountTransaction {
 public:
  explicit FakeTransaction(FakeData& d) : d_(d) {}

  Result<std::optional<User>> UserByEmail(const std::string& email, bool) override {
    const User* u = d_.UserByEmail(email);
    return u ? std::optional<User>(*u) : std::nullopt;
  }
  Result<std::optional<User>> UserById(const std::string& id, bool) override {
    auto it = d_.users.find(id);
    return it == d_.users.end() ? std::nullopt : std::optional<User>(it->second);
  }
  Status InsertUser(const User& u, std::int64_t now) override {
    if (d_.users.contains(u.id) || d_.UserByEmail(u.email)) return Fail(Errc::conflict, "duplicate");
    d_.users[u.id] = u;
    d_.users[u.id].created_at = now;
    return {};
  }
  Status UpdateProfile(const User& u, std::int64_t) override {
    auto& stored = d_.users.at(u.id);
    stored.name = u.name;
    stored.phone = u.phone;
    stored.locale = u.locale;
    stored.sms_opt_in = u.sms_opt_in;
    return {};
  }
  Status SetPassword(const std::string& user_id, const std::optional<std::string>& hash, std::int64_t) override {
    d_.users.at(user_id).password_hash = hash;
    return {};
  }
  Status SetEmailVerified(const std::string& user_id, std::int64_t) override {
    d_.users.at(user_id).email_verified = true;
    return {};
  }
  Status SetPendingEmail(const std::string& user_id, const std::optional<std::string>& email, std::int64_t) override {
    d_.users.at(user_id).pending_email = email;
    return {};
  }
  Status SetEmail(const std::string& user_id, const std::string& email, std::int64_t) override {
    auto& u = d_.users.at(user_id);
    u.email = email;
    u.email_verified = true;
    u.pending_email.reset();
    return {};
  }
  Status SetDisabled(const std::string& user_id, bool disabled, std::int64_t) override {
    d_.users.at(user_id).disabled = disabled;
    return {};
  }
  Status SetRoles(const std::string& user_id, const std::vector<std::string>& roles, std::int64_t now) override {
    auto& u = d_.users.at(user_id);
    u.roles = roles;
    if (!u.HasRole("admin")) u.admin_since.reset();
    else if (!u.admin_since) u.admin_since = now;
    return {};
  }
  Result<std::vector<User>> SearchUsers(const std::string& q, std::int64_t limit, std::int64_t offset) override {
    std::vector<User> out;
    for (const auto& [id, u] : d_.users)
      if (u.email.find(q) != std::string::npos || u.name.find(q) != std::string::npos || u.id == q) out.push_back(u);
    auto first = std::min<std::size_t>(out.size(), static_cast<std::size_t>(offset));
    auto last = std::min<std::size_t>(out.size(), first + static_cast<std::size_t>(limit));
    return std::vector<User>(out.begin() + first, out.begin() + last);
  }
  Result<std::optional<std::string>> UserIdOfIdentity(const std::string& provider, const std::string& subject) override {
    auto it = d_.identities.find({provider, subject});
    return it == d_.identities.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  Status InsertIdentity(const std::string& provider, const std::string& subject, const std::string& user_id,
                        const std::string&, std::int64_t) override {
    d_.identities[{provider, subject}] = user_id;
    return {};
  }
  Status RecordEmailRequest(const std::string& kind, const std::string&, const std::string&, std::int64_t) override {
    d_.email_requests.push_back(kind);
    return {};
  }

  Status InsertEmailToken(const std::string& hash, const std::string& user_id, const std::string& purpose,
                          const std::string& email, std::int64_t, std::int64_t expires_at) override {
    d_.email_tokens[hash] = EmailToken{user_id, purpose, email, expires_at, std::nullopt};
    return {};
  }
  Result<std::optional<EmailToken>> EmailTokenByHash(const std::string& hash) override {
    auto it = d_.email_tokens.find(hash);
    return it == d_.email_tokens.end() ? std::nullopt : std::optional<EmailToken>(it->second);
  }
  Status UseEmailToken(const std::string& hash, std::int64_t now) override {
    d_.email_tokens.at(hash).used_at = now;
    return {};
  }
  Status RetireEmailTokens(const std::string& user_id, const std::string& purpose, std::int64_t now) override {
    for (auto& [hash, t] : d_.email_tokens)
      if (t.user_id == user_id && t.purpose == purpose && !t.used_at) t.used_at = now;
    return {};
  }

  Status InsertSession(const Session& s) override {
    d_.sessions[s.id] = StoredSession{s, std::nullopt, ""};
    return {};
  }
  Result<std::optional<Session>> SessionById(const std::string& id) override {
    auto it = d_.sessions.find(id);
    if (it == d_.sessions.end() || it->second.revoked_at) return std::optional<Session>{};
    return std::optional<Session>(it->second.session);
  }
  Result<std::vector<Session>> LiveSessions(const std::string& user_id, std::int64_t now, std::int64_t idle_ms) override {
    std::vector<Session> out;
    for (const auto& [id, s] : d_.sessions)
      if (s.session.user_id == user_id && !s.revoked_at && s.session.expires_at > now &&
          (s.session.remember_me || s.session.last_used_at > now - idle_ms))
        out.push_back(s.session);
    return out;
  }
  Status TouchSession(const std::string& id, std::int64_t now) override {
    d_.sessions.at(id).session.last_used_at = now;
    return {};
  }
  Result<std::vector<std::string>> RevokeSessions(const std::string& user_id, const std::optional<std::string>& only,
                                                  const std::optional<std::string>& except, const std::string& reason,
                                                  std::int64_t now) override {
    std::vector<std::string> ids;
    for (auto& [id, s] : d_.sessions) {
      if (s.session.user_id != user_id || s.revoked_at || (only && id != *only) || (except && id == *except)) continue;
      s.revoked_at = now;
      s.revoke_reason = reason;
      ids.push_back(id);
    }
    return ids;
  }
  Status InsertRefresh(const std::string& hash, const std::string& session_id, const std::string& user_id,
                       std::int64_t) override {
    d_.refresh_tokens[hash] = RefreshToken{session_id, user_id, std::nullopt};
    return {};
  }
  Result<std::optional<RefreshToken>> RefreshByHash(const std::string& hash) override {
    auto it = d_.refresh_tokens.find(hash);
    return it == d_.refresh_tokens.end() ? std::nullopt : std::optional<RefreshToken>(it->second);
  }
  Status UseRefresh(const std::string& hash, std::int64_t now) override {
    d_.refresh_tokens.at(hash).used_at = now;
    return {};
  }

  Result<std::vector<Address>> Addresses(const std::string& user_id) override {
    std::vector<Address> out;
    for (const auto& [owner, a] : d_.addresses)
      if (owner == user_id) out.push_back(a);
    return out;
  }
  Result<std::optional<Address>> AddressById(const std::string& user_id, const std::string& id) override {
    for (const auto& [owner, a] : d_.addresses)
      if (owner == user_id && a.id == id) return std::optional<Address>(a);
    return std::optional<Address>{};
  }
  Status InsertAddress(const std::string& user_id, const Address& a, std::int64_t) override {
    d_.addresses.emplace_back(user_id, a);
    return {};
  }
  Status UpdateAddress(const std::string& user_id, const Address& a, std::int64_t) override {
    for (auto& [owner, stored] : d_.addresses)
      if (owner == user_id && stored.id == a.id) stored = a;
    return {};
  }
  Result<bool> DeleteAddress(const std::string& user_id, const std::string& id) override {
    auto before = d_.addresses.size();
    std::erase_if(d_.addresses, [&](const auto& e) { return e.first == user_id && e.second.id == id; });
    return d_.addresses.size() < before;
  }
  Status ClearOtherDefaults(const std::string& user_id, const Address& a) override {
    for (auto& [owner, stored] : d_.addresses) {
      if (owner != user_id || stored.id == a.id) continue;
      if (a.default_shipping) stored.default_shipping = false;
      if (a.default_billing) stored.default_billing = false;
    }
    return {};
  }

  Status SetTotpPending(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t) override {
    d_.users.at(user_id).totp_pending = sealed;
    return {};
  }
  Status SetTotp(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t step,
                 std::int64_t now) override {
    auto& u = d_.users.at(user_id);
    u.totp_secret = sealed;
    u.totp_pending.reset();
    u.totp_enabled_at = sealed ? std::optional<std::int64_t>(now) : std::nullopt;
    u.totp_last_step = step;
    return {};
  }
  Status SetTotpLastStep(const std::string& user_id, std::int64_t step) override {
    d_.users.at(user_id).totp_last_step = step;
    return {};
  }
  Status ReplaceRecoveryCodes(const std::string& user_id, const std::vector<std::string>& hashes, std::int64_t) override {
    auto& codes = d_.recovery_codes[user_id];
    codes.clear();
    for (const auto& h : hashes) codes[h] = false;
    return {};
  }
  Result<bool> UseRecoveryCode(const std::string& user_id, const std::string& hash, std::int64_t) override {
    auto& codes = d_.recovery_codes[user_id];
    auto it = codes.find(hash);
    if (it == codes.end() || it->second) return false;
    it->second = true;
    return true;
  }
  Result<std::int64_t> RecoveryCodesLeft(const std::string& user_id) override {
    std::int64_t n = 0;
    for (const auto& [hash, used] : d_.recovery_codes[user_id]) n += used ? 0 : 1;
    return n;
  }
  Status SetSessionMfa(const std::string& session_id) override {
    d_.sessions.at(session_id).session.mfa = true;
    return {};
  }

  Status AddEvent(std::string_view topic, const std::string& key, boost::json::object data) override {
    if (topic == d_.failing_topic) return Fail(Errc::unavailable, "outbox down");
    d_.events.push_back(PublishedEvent{std::string(topic), key, std::move(data)});
    return {};
  }

 private:
  FakeData& d_;
};

class FakeAccountStore final : public AccountStore {
 public:
  FakeData data;
  int units_of_work = 0;

 protected:
  boost::asio::awaitable<Status> RunTransaction(const Work& work) override {
    ++units_of_work;
    FakeData copy = data;
    FakeTransaction tx(copy);
    auto done = work(tx);
    if (done) data = std::move(copy);  // commit; otherwise the copy (rollback) is dropped
    co_return done;
  }
  boost::asio::awaitable<Status> RunOnce(const Work& work) override {
    ++units_of_work;
    FakeTransaction tx(data);
    co_return work(tx);
  }
};

// Fixed-window counting like Redis, with a scripted lockout.
class FakeRateLimiter final : public RateLimiter {
 public:
  std::map<std::string, std::int64_t> hits;  // "<action>:<kind>:<subject>" -> attempts
  std::optional<std::chrono::seconds> locked;  // what Locked() answers for every account
  std::vector<std::string> failed, succeeded;  // accounts, in order

  Task<std::optional<std::chrono::seconds>> Hit(const std::string& action, const std::string& kind, const std::string& subject,
                                                std::int64_t limit, std::chrono::milliseconds window) override {
    auto n = ++hits[action + ":" + kind + ":" + subject];
    if (n <= limit) co_return std::optional<std::chrono::seconds>{};
    co_return std::optional<std::chrono::seconds>{std::chrono::duration_cast<std::chrono::seconds>(window)};
  }
  Task<std::optional<std::chrono::seconds>> Locked(const std::string&) override { co_return locked; }
  Task<void> Failed(const std::string& account, const LockoutPolicy&) override {
    failed.push_back(account);
    co_return Status{};
  }
  Task<void> Succeeded(const std::string& account) override {
    succeeded.push_back(account);
    co_return Status{};
  }
};

class FakeRevocations final : public SessionRevocations {
 public:
  std::vector<std::pair<std::string, std::chrono::seconds>> revoked;
  Task<void> Revoke(const std::string& session_id, std::chrono::seconds ttl) override {
    revoked.emplace_back(session_id, ttl);
    co_return Status{};
  }
};

class FakeOneTimeStates final : public OneTimeStates {
 public:
  std::map<std::string, std::string> values;
  Task<void> Put(const std::string& state_hash, const std::string& value, std::chrono::milliseconds) override {
    values[state_hash] = value;
    co_return Status{};
  }
  Task<std::optional<std::string>> Take(const std::string& state_hash) override {
    auto it = values.find(state_hash);
    if (it == values.end()) co_return std::optional<std::string>{};
    std::string value = std::move(it->second);
    values.erase(it);
    co_return std::optional<std::string>{std::move(value)};
  }
};

// Answers from a table of URL -> response; counts calls.
class FakeHttp final : public HttpFetcher {
 public:
  std::map<std::string, FetchResponse> answers;
  std::vector<std::string> calls;
  Task<FetchResponse> Fetch(const FetchRequest& request) override {
    calls.push_back(request.url);
    auto it = answers.find(request.url);
    if (it == answers.end()) co_return Fail(Errc::unavailable, "unreachable: " + request.url);
    co_return it->second;
  }
};

}  // namespace usertest
