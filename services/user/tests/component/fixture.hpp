// The user service on port 0 against the real MariaDB (own database), Redis (own key prefix) and
// Kafka (own topic prefix), with a clock the test moves. Requests go through libcurl, as a
// client would send them.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/http_fetch.hpp"
#include "service.hpp"
#include "store/metrics/metrics.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/server.hpp"

namespace usertest {

namespace json = boost::json;

// A thread-safe clock the test moves forward (the server's threads read it).
class TestClock final : public store::core::Clock {
 public:
  TestClock() : ns_(std::chrono::system_clock::now().time_since_epoch().count()) {}
  time_point Now() const override { return time_point(time_point::duration(ns_.load())); }
  void Advance(std::chrono::nanoseconds d) {
    ns_ += std::chrono::duration_cast<time_point::duration>(d).count();
  }

 private:
  std::atomic<time_point::rep> ns_;
};

struct Reply {
  long status = 0;
  std::string body;
  store::user::FetchResponse raw;
  json::object Json() const;
  std::string Header(const std::string& name) const { return raw.Header(name); }
  std::vector<std::string> SetCookies() const;  // every Set-Cookie, in order
  // The Set-Cookie that sets (or clears) `name`; "" when none does.
  std::string SetCookie(const std::string& name) const;
};

struct OutboxRow {
  std::string topic;  // without the test's prefix
  std::string key;
  json::object event;  // the envelope
  const json::object& data() const { return event.at("data").as_object(); }
};

class UserFixture : public ::testing::Test {
 public:
  UserFixture();
  ~UserFixture() override;
  // (Re)builds the service and its server; `tweak` adjusts the settings first.
  void Start(const std::function<void(store::user::Settings&)>& tweak = {});

  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& token = "", const std::string& ip = "10.0.0.1",
             std::vector<std::pair<std::string, std::string>> headers = {});
  Reply Post(const std::string& path, const json::object& body, const std::string& token = "",
             const std::string& ip = "10.0.0.1");

  // Registers, verifies (with the token from the outbox) and returns the user id.
  std::string RegisterVerified(const std::string& email, const std::string& password);
  // 200 expected; the tokens answer.
  json::object Login(const std::string& email, const std::string& password, bool remember_me = false);
  std::vector<OutboxRow> Outbox(const std::string& topic = "");
  // The newest `token` in an event of `topic` for `email`.
  std::string LatestToken(const std::string& topic, const std::string& email);
  long Introspect(const std::string& access_token);
  // Turns the second factor on for the token's account (password, then a first code); returns the
  // raw secret and moves the clock one TOTP step on (the confirming code is used up).
  std::string EnrolTotp(const std::string& access_token, const std::string& password,
                        std::vector<std::string>* recovery_codes = nullptr);
  // The code an authenticator app with `secret` shows now.
  std::string TotpCode(const std::string& secret) const;
  std::string Scalar(const std::string& sql);  // first column of the first row ("" when none)

  store::testing::TempDatabase db_{"user"};
  store::testing::TempKeyspace keys_;
  TestClock clock_;
  std::string topic_prefix_;
  std::string key_file_;
  store::user::Settings settings_;
  std::unique_ptr<store::metrics::Registry> registry_;
  std::unique_ptr<store::metrics::Readiness> readiness_;
  std::unique_ptr<store::user::UserService> service_;
  std::unique_ptr<store::testing::TestServer> server_;
};

inline constexpr const char* kPassword = "correct horse battery staple";

}  // namespace usertest
