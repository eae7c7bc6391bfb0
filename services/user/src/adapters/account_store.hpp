// The AccountStore port on MariaDB (schema store_user, migrations/): users, email tokens,
// sessions and refresh tokens, addresses, social-login identities, the email-request audit rows,
// and the transactional outbox (libs/messaging Outbox, same transaction). SQL lives here only;
// values are always bound, never spliced. The blocking driver runs on the Database's own pool.
// Borrows the Database and the Clock (event occurred_at); thread-safe like the Database.
#pragma once

#include <string>

#include "app/ports.hpp"
#include "store/core/clock.hpp"
#include "store/db/db.hpp"

namespace store::user {

class MariaDbAccountStore final : public AccountStore {
 public:
  // `topic_prefix` is prepended to every topic written to the outbox (tests; shared clusters).
  MariaDbAccountStore(db::Database& db, const core::Clock& clock, std::string topic_prefix);

 protected:
  boost::asio::awaitable<core::Status> RunTransaction(const Work& work) override;
  boost::asio::awaitable<core::Status> RunOnce(const Work& work) override;

 private:
  db::Database& db_;
  const core::Clock& clock_;
  std::string topic_prefix_;
};

}  // namespace store::user
