// No oversell, on real MariaDB over real HTTP: concurrent clients reserve through
// POST /v1/reservations while a sampler checks the stock invariants in the database.
#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <random>
#include <thread>

#include "fixture.hpp"

namespace store::catalog::testing {
namespace {

using http::Verb;

struct Invariants {
  std::atomic<int> samples{0}, violations{0};
  std::string first_violation;
  std::mutex mu;
  void Fail(const std::string& why) {
    std::lock_guard lock(mu);
    if (violations++ == 0) first_violation = why;
  }
};

// One consistent snapshot (a single statement: the server runs READ COMMITTED, where each
// statement reads one snapshot): for every SKU, available >= 0, reserved equals the units of the
// open reservations, and on_hand + committed units equals the initial stock.
void Sample(CatalogFixture& f, Invariants& inv, std::int64_t initial) {
  auto fn = [&](db::Connection& c) {
    return c.Query(
        "SELECT s.sku, s.on_hand, s.reserved, "
        "COALESCE(SUM(CASE WHEN r.status = 'reserved' THEN l.quantity END), 0) AS open_units, "
        "COALESCE(SUM(CASE WHEN r.status = 'committed' THEN l.quantity END), 0) AS committed_units "
        "FROM stock s LEFT JOIN reservation_lines l ON l.sku = s.sku LEFT JOIN reservations r ON r.order_id = l.order_id "
        "GROUP BY s.sku, s.on_hand, s.reserved");
  };
  auto rows = f.db().RunSync(fn);
  if (!rows) {
    inv.Fail("sample failed: " + rows.error().message);
    return;
  }
  for (auto& s : *rows) {
    auto sku = s.Text("sku");
    std::int64_t on_hand = s.Int("on_hand"), reserved = s.Int("reserved"), open = s.Int("open_units"), committed = s.Int("committed_units");
    if (on_hand - reserved < 0) inv.Fail(sku + ": negative available");
    if (reserved != open) inv.Fail(sku + ": reserved " + std::to_string(reserved) + " != open lines " + std::to_string(open));
    if (on_hand + committed != initial) inv.Fail(sku + ": on_hand + committed != " + std::to_string(initial));
  }
  ++inv.samples;
}

TEST(NoOversell, TwoHundredClientsOneHundredUnits) {
  CatalogFixture f;
  const auto service = f.Service();  // the order service's token (reservations need the service role)
  Caller admin(f.Url());
  auto s = SeedShop(f, admin);
  MakePhone(f, admin, s.smartphones, "Hot Phone", 99900, {{"HOT-1", 100}});

  Invariants inv;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done) {
      Sample(f, inv, 100);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  constexpr int kClients = 200;
  std::vector<int> status(kClients, 0);
  std::barrier start(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] {
      Caller c(f.Url());
      start.arrive_and_wait();
      status[i] = c.Send(Verb::post, "/v1/reservations",
                         R"({"order_id":"hot-)" + std::to_string(i) + R"(","lines":[{"sku":"HOT-1","quantity":1}]})", service)
                      .status;
    });
  for (auto& t : clients) t.join();
  int created = 0, refused = 0, other = 0;
  for (int st : status) (st == 201 ? created : st == 409 ? refused : other)++;
  EXPECT_EQ(created, 100);
  EXPECT_EQ(refused, 100);
  EXPECT_EQ(other, 0);
  auto row = f.Query("SELECT on_hand, reserved FROM stock WHERE sku = 'HOT-1'")[0];
  EXPECT_EQ(row.Int("reserved"), 100);
  EXPECT_EQ(f.Query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'reserved'")[0].Int("n"), 100);

  // Commit every reservation concurrently: exactly 100 units leave, none more.
  clients.clear();
  std::atomic<int> committed{0};
  for (int w = 0; w < 20; ++w)
    clients.emplace_back([&, w] {
      Caller c(f.Url());
      for (int i = w; i < kClients; i += 20)
        if (status[i] == 201 && c.Send(Verb::post, "/v1/reservations/hot-" + std::to_string(i) + "/commit", "", service).status == 200) ++committed;
    });
  for (auto& t : clients) t.join();
  done = true;
  sampler.join();
  EXPECT_EQ(committed.load(), 100);
  row = f.Query("SELECT on_hand, reserved FROM stock WHERE sku = 'HOT-1'")[0];
  EXPECT_EQ(row.Int("on_hand"), 0);
  EXPECT_EQ(row.Int("reserved"), 0);
  Sample(f, inv, 100);
  EXPECT_GT(inv.samples.load(), 3);
  EXPECT_EQ(inv.violations.load(), 0) << inv.first_violation;
  // One more customer finds nothing left.
  EXPECT_EQ(admin.Send(Verb::post, "/v1/reservations", R"({"order_id":"late","lines":[{"sku":"HOT-1","quantity":1}]})", service).status, 409);
}

TEST(NoOversell, MixedTenSkusWithReleasesAndExpiries) {
  CatalogFixture f(std::chrono::milliseconds(50));  // the service's own expiry task, every 50 ms
  const auto service = f.Service();  // the order service's token (reservations need the service role)
  Caller admin(f.Url());
  auto s = SeedShop(f, admin);
  std::vector<std::string> skus;
  for (int p = 0; p < 5; ++p) {
    std::string a = "MIX-" + std::to_string(p) + "A", b = "MIX-" + std::to_string(p) + "B";
    MakePhone(f, admin, s.smartphones, "Mix Phone " + std::to_string(p), 1000, {{a, 100}, {b, 100}});
    skus.push_back(a);
    skus.push_back(b);
  }
  Invariants inv;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done) {
      Sample(f, inv, 100);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  constexpr int kClients = 200, kRounds = 4;
  std::atomic<int> reserved{0}, refused{0}, commits{0}, releases{0}, left{0}, errors{0};
  std::barrier start(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] {
      Caller c(f.Url());
      std::mt19937 rng(static_cast<unsigned>(i) * 7919u + 1);
      start.arrive_and_wait();
      for (int round = 0; round < kRounds; ++round) {
        std::string order = "mix-" + std::to_string(i) + "-" + std::to_string(round);
        std::vector<std::string> pick = skus;
        std::shuffle(pick.begin(), pick.end(), rng);
        int n = 1 + static_cast<int>(rng() % 3);
        int fate = static_cast<int>(rng() % 3);  // 0 commit, 1 release, 2 let it expire
        json::array lines;
        for (int k = 0; k < n; ++k) lines.push_back(json::object{{"sku", pick[static_cast<std::size_t>(k)]}, {"quantity", 1 + static_cast<int>(rng() % 5)}});
        json::object body{{"order_id", order}, {"lines", lines}};
        if (fate == 2) body["ttl_seconds"] = 1;
        auto r = c.Send(Verb::post, "/v1/reservations", json::serialize(body), service);
        if (r.status == 409) {
          ++refused;
          continue;
        }
        if (r.status != 201) {
          ++errors;
          continue;
        }
        ++reserved;
        if (fate == 0) {
          if (c.Send(Verb::post, "/v1/reservations/" + order + "/commit", "", service).status == 200) ++commits;
          else ++errors;
        } else if (fate == 1) {
          if (c.Send(Verb::post, "/v1/reservations/" + order + "/release", "", service).status == 200) ++releases;
          else ++errors;
        } else {
          ++left;
        }
      }
    });
  for (auto& t : clients) t.join();
  // The expiring ones (ttl 1 s) are released by the service itself.
  bool drained = false;
  for (int i = 0; i < 200 && !drained; ++i) {
    drained = f.Query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'reserved'")[0].Int("n") == 0;
    if (!drained) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  done = true;
  sampler.join();
  EXPECT_TRUE(drained) << "expired reservations were not released";
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(reserved.load(), 100);
  EXPECT_GT(refused.load(), 0) << "the run should exhaust some SKUs";
  EXPECT_GT(left.load(), 0);
  EXPECT_EQ(f.Query("SELECT COUNT(*) AS n FROM reservations WHERE status = 'released' AND reason = 'expired'")[0].Int("n"), left.load());
  Sample(f, inv, 100);
  EXPECT_EQ(inv.violations.load(), 0) << inv.first_violation;
  EXPECT_GT(inv.samples.load(), 5);
  for (auto& r : f.Query("SELECT sku, on_hand, reserved FROM stock")) {
    EXPECT_EQ(r.Int("reserved"), 0) << r.Text("sku");
    EXPECT_GE(r.Int("on_hand"), 0) << r.Text("sku");
  }
}

}  // namespace
}  // namespace store::catalog::testing
