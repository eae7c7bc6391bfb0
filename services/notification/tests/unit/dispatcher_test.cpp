// The sender workers' rules on in-memory fakes of the delivery log and the email sender: the
// hand-over mark goes out right after the server accepted each message, a group's outcomes are
// recorded together, and failures become retries or give-ups by the retry policy.
#include <gtest/gtest.h>

#include <condition_variable>
#include <algorithm>
#include <map>
#include <mutex>

#include "app/dispatcher.hpp"

namespace n = store::notification;
using store::core::Errc;
using namespace std::chrono_literals;

namespace {

// What happened, in order, across the fakes.
struct Journal {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> lines;
  std::vector<n::Finished> finished;
  int finishes = 0;

  void Add(std::string line) {
    std::lock_guard lock(mu);
    lines.push_back(std::move(line));
  }
  bool WaitFinished(std::size_t count) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 10s, [&] { return finished.size() >= count; });
  }
};

class FakeLog final : public n::DeliveryLog {
 public:
  explicit FakeLog(Journal& j) : j_(j) {}
  std::map<std::uint64_t, n::Delivery> rows;

  store::core::Result<std::vector<n::Delivery>> Record(std::span<const n::Recording>, std::chrono::milliseconds) override {
    return std::vector<n::Delivery>{};
  }
  store::core::Status RecordUndeliverable(const n::Source&, const std::string&, const std::string&) override { return {}; }
  store::core::Status WithSession(const std::function<store::core::Status(n::SendSession&)>& work) override {
    Session s(*this);
    return work(s);
  }
  store::core::Result<std::vector<std::uint64_t>> ClaimDue(int, std::chrono::milliseconds) override {
    return std::vector<std::uint64_t>{};
  }
  store::core::Result<std::size_t> SettleHandedOver(int) override { return std::size_t{0}; }
  store::core::Status Release(std::uint64_t id) override {
    j_.Add("release " + std::to_string(id));
    return {};
  }
  n::Task<std::vector<n::Delivery>> List(n::DeliveryFilter) override { co_return store::core::Fail(Errc::internal, "unused"); }
  n::Task<std::optional<std::pair<n::Delivery, std::vector<n::Attempt>>>> Find(std::uint64_t) override {
    co_return store::core::Fail(Errc::internal, "unused");
  }
  n::Task<n::Delivery> Resend(std::uint64_t) override { co_return store::core::Fail(Errc::internal, "unused"); }

 private:
  class Session final : public n::SendSession {
   public:
    explicit Session(FakeLog& log) : log_(log) {}
    store::core::Result<std::vector<n::Delivery>> Load(const std::vector<std::uint64_t>& ids) override {
      std::string line = "load";
      for (auto id : ids) line += " " + std::to_string(id);
      log_.j_.Add(line);
      std::vector<n::Delivery> out;
      for (auto id : ids)
        if (auto it = log_.rows.find(id); it != log_.rows.end()) out.push_back(it->second);
      return out;
    }
    store::core::Status BeginHandOver(std::uint64_t id, int attempt) override {
      log_.j_.Add("mark " + std::to_string(id) + "/" + std::to_string(attempt));
      return {};
    }
    store::core::Status EndHandOver() override {
      log_.j_.Add("mark answered");
      return {};
    }
    store::core::Status Finish(std::span<const n::Finished> done) override {
      std::lock_guard lock(log_.j_.mu);
      log_.j_.lines.push_back("finish " + std::to_string(done.size()));
      log_.j_.finished.insert(log_.j_.finished.end(), done.begin(), done.end());
      ++log_.j_.finishes;
      log_.j_.cv.notify_all();
      return {};
    }

   private:
    FakeLog& log_;
  };
  Journal& j_;
};

// Fails the recipients it is told to (the server refuses the message), sends the others.
class FakeEmail final : public n::EmailSender {
 public:
  FakeEmail(Journal& j, std::map<std::string, Errc> failures) : j_(j), failures_(std::move(failures)) {}
  store::core::Status Send(const n::Email& email) override {
    j_.Add("data " + email.to);
    if (auto f = failures_.find(email.to); f != failures_.end()) return store::core::Fail(f->second, "refused");
    j_.Add("accepted " + email.to);
    return {};
  }

 private:
  Journal& j_;
  std::map<std::string, Errc> failures_;
};

n::Delivery Row(std::uint64_t id, std::string to, std::string status = "pending", int attempts = 0) {
  n::Delivery d;
  d.id = id;
  d.channel = "email";
  d.recipient = std::move(to);
  d.status = std::move(status);
  d.attempts = attempts;
  return d;
}

struct Senders {
  Journal journal;
  FakeLog log{journal};
  std::map<std::string, Errc> failures;

  // Queues `ids` (claimed rows, loaded by the worker) and `recorded` (rows as the consumer
  // recorded them) before the one worker starts, so it takes them as one group.
  void Send(const std::vector<std::uint64_t>& ids, std::size_t expect_finished, n::RetryPolicy retry = {},
            std::vector<n::Delivery> recorded = {}) {
    n::DispatcherOptions o;
    o.workers = 1;
    o.poll_interval = 1h;
    o.retry = retry;
    n::Dispatcher d(log, o, [this] { return std::make_unique<FakeEmail>(journal, failures); }, {}, nullptr, nullptr);
    d.Enqueue(ids);
    d.Enqueue(std::move(recorded));
    d.Start();
    ASSERT_TRUE(journal.WaitFinished(expect_finished));
    d.Stop();
  }
};

}  // namespace

TEST(Dispatcher, MarksEachHandOverRightAfterTheServerAcceptedReadsItsAnswerLaterAndRecordsTheGroupOnce) {
  Senders run;
  run.log.rows = {{1, Row(1, "a@x.test")}, {2, Row(2, "b@x.test", "retrying", 2)}, {3, Row(3, "refused@x.test")}};
  run.failures = {{"refused@x.test", Errc::unavailable}};
  run.Send({1, 2, 3}, 3);
  // Each mark's answer is read when the next mark is due, or before the outcomes are recorded;
  // a message the server did not accept gets no mark (it is sent again).
  std::vector<std::string> want = {"load 1 2 3",          "data a@x.test", "accepted a@x.test", "mark 1/1",
                                   "data b@x.test",       "accepted b@x.test", "mark answered", "mark 2/3",
                                   "data refused@x.test", "mark answered",     "finish 3"};
  EXPECT_EQ(run.journal.lines, want);
  ASSERT_EQ(run.journal.finished.size(), 3u);
  EXPECT_EQ(run.journal.finished[0].outcome, n::Outcome::sent);
  EXPECT_EQ(run.journal.finished[1].attempt, 3);
  EXPECT_EQ(run.journal.finished[2].outcome, n::Outcome::transient);
}

TEST(Dispatcher, SendsRecordedRowsAsTheyAreAndLoadsOnlyClaimedOnes) {
  Senders run;
  run.log.rows = {{7, Row(7, "claimed@x.test", "retrying", 1)}};
  run.Send({7}, 3, {}, {Row(8, "fresh-a@x.test"), Row(9, "fresh-b@x.test")});
  ASSERT_FALSE(run.journal.lines.empty());
  EXPECT_EQ(run.journal.lines.front(), "load 7");  // 8 and 9 are not in the log's rows: never loaded
  std::vector<std::uint64_t> sent;
  for (const auto& f : run.journal.finished) {
    EXPECT_EQ(f.outcome, n::Outcome::sent);
    sent.push_back(f.d.id);
  }
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ(sent, (std::vector<std::uint64_t>{7, 8, 9}));
  EXPECT_EQ(run.journal.finishes, 1);
}

TEST(Dispatcher, SkipsRowsDoneMeanwhileOrHandedOverByAnEarlierAttempt) {
  Senders run;
  n::Delivery handed = Row(3, "c@x.test");
  handed.handed_over_at = "2026-12-06 10:00:00.000";
  run.log.rows = {{1, Row(1, "a@x.test", "sent", 1)}, {2, Row(2, "b@x.test")}, {3, handed}};
  run.Send({1, 2, 3}, 1);
  ASSERT_EQ(run.journal.finished.size(), 1u);
  EXPECT_EQ(run.journal.finished[0].d.id, 2u);
  for (const auto& line : run.journal.lines) EXPECT_EQ(line.find("c@x.test"), std::string::npos) << line;
}

TEST(Dispatcher, TransientFailuresRetryWithBackoffUntilTheBudgetIsSpentPermanentOnesNever) {
  Senders run;
  run.failures = {{"later@x.test", Errc::unavailable}, {"spent@x.test", Errc::unavailable}, {"never@x.test", Errc::unprocessable}};
  n::Delivery spent = Row(2, "spent@x.test", "retrying", 4);
  spent.attempts_base = 1;  // resent once after one attempt: attempt 5 is the 4th of this budget
  run.log.rows = {{1, Row(1, "later@x.test")}, {2, spent}, {3, Row(3, "never@x.test")}};
  run.Send({1, 2, 3}, 3, n::RetryPolicy{1000ms, 60s, 4});
  ASSERT_EQ(run.journal.finished.size(), 3u);
  const auto& later = run.journal.finished[0];
  EXPECT_EQ(later.outcome, n::Outcome::transient);
  EXPECT_GE(later.retry_after, 500ms);
  EXPECT_LE(later.retry_after, 1000ms);
  const auto& gave_up = run.journal.finished[1];
  EXPECT_EQ(gave_up.outcome, n::Outcome::permanent);
  EXPECT_EQ(gave_up.error, "gave up after 4 attempts: refused");
  const auto& never = run.journal.finished[2];
  EXPECT_EQ(never.outcome, n::Outcome::permanent);
  EXPECT_EQ(never.error, "refused");
  for (const auto& line : run.journal.lines) EXPECT_EQ(line.find("mark"), std::string::npos) << line;  // none reached the end
}

TEST(Dispatcher, StopReleasesTheLeasesOfWhatWasNeverAttempted) {
  Senders run;
  run.log.rows = {{1, Row(1, "a@x.test")}};
  n::DispatcherOptions o;
  o.workers = 1;
  n::Dispatcher d(run.log, o, [&] { return std::make_unique<FakeEmail>(run.journal, run.failures); }, {}, nullptr, nullptr);
  d.Enqueue(std::vector<std::uint64_t>{1, 2});  // not started: both stay queued
  d.Stop();
  std::vector<std::string> want = {"release 1", "release 2"};
  EXPECT_EQ(run.journal.lines, want);
}
