#include "app/dispatcher.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "store/log/log.hpp"
#include "store/messaging/message.hpp"

namespace store::notification {
using namespace std::chrono_literals;

Dispatcher::Dispatcher(DeliveryLog& log, DispatcherOptions options, EmailSenderFactory email, SmsSenderFactory sms,
                       messaging::Producer* dlq, metrics::Registry* registry)
    : log_(log),
      options_(std::move(options)),
      email_factory_(std::move(email)),
      sms_factory_(std::move(sms)),
      dlq_(dlq),
      registry_(registry) {
  if (registry_) {
    sent_ = &registry_->GetCounter("notification_sent_total", "Messages accepted by the SMTP server / SMS provider");
    retried_ = &registry_->GetCounter("notification_retries_total", "Attempts that failed transiently (retried later)");
    failed_ = &registry_->GetCounter("notification_failed_total", "Deliveries given up (permanent failure or budget spent)");
    registry_->SetGauge("notification_send_queue", "Deliveries queued for the sender workers", {},
                        [this] { return static_cast<double>(QueueSize()); });
  }
}

Dispatcher::~Dispatcher() {
  Stop();
  if (registry_) registry_->SetGauge("notification_send_queue", "Deliveries queued for the sender workers", {}, [] { return 0.0; });
}

void Dispatcher::Start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { PollLoop(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  poll_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::deque<std::uint64_t> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
    recorded_.clear();
    owned_.clear();
    again_.clear();
  }
  // Release the leases of what was never attempted, so a restart sends it at once.
  for (std::uint64_t id : left)
    if (auto released = log_.Release(id); !released)
      log::Warn("releasing a queued delivery failed (it is sent after its lease)", {{"delivery_id", id}, {"error", released.error().message}});
}

void Dispatcher::Enqueue(std::span<const std::uint64_t> ids) {
  std::unique_lock lock(mu_);
  for (std::uint64_t id : ids)
    if (!EnqueueLocked(lock, id, nullptr)) return;
}

void Dispatcher::Enqueue(std::vector<Delivery> recorded) {
  std::unique_lock lock(mu_);
  for (Delivery& d : recorded)
    if (!EnqueueLocked(lock, d.id, &d)) return;
}

bool Dispatcher::EnqueueLocked(std::unique_lock<std::mutex>& lock, std::uint64_t id, Delivery* recorded) {
  space_cv_.wait(lock, [&] { return stopping_ || queue_.size() < options_.queue_limit; });
  if (stopping_) return false;
  if (!owned_.insert(id).second) {
    // Queued or in a worker's hands: if a worker has it, its outcome may have committed just
    // now (a retry due again); dropping it would leave it claimed until its lease ran out.
    again_.insert(id);
    return true;
  }
  if (recorded) recorded_.emplace(id, std::move(*recorded));
  queue_.push_back(id);
  work_cv_.notify_one();
  return true;
}

std::size_t Dispatcher::QueueSize() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Dispatcher::WorkerLoop() {
  std::unique_ptr<EmailSender> email = email_factory_();
  std::unique_ptr<SmsSender> sms = sms_factory_ ? sms_factory_() : nullptr;
  for (;;) {
    std::vector<std::uint64_t> ids;
    std::vector<Delivery> recorded;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      while (!queue_.empty() && ids.size() < static_cast<std::size_t>(options_.send_group)) {
        ids.push_back(queue_.front());
        queue_.pop_front();
        again_.erase(ids.back());  // taken now: its row is read after this
        if (auto row = recorded_.extract(ids.back())) recorded.push_back(std::move(row.mapped()));
      }
      space_cv_.notify_all();
    }
    try {
      Process(ids, std::move(recorded), *email, sms.get());
    } catch (const std::exception& e) {
      log::Error("delivery attempts threw", {{"first_delivery_id", ids.front()}, {"error", e.what()}});
    }
    std::lock_guard lock(mu_);
    for (std::uint64_t id : ids) {
      if (again_.erase(id) && !stopping_) {
        queue_.push_back(id);  // still owned; may go past queue_limit by the few re-queued
        work_cv_.notify_one();
      } else {
        owned_.erase(id);
      }
    }
  }
}

void Dispatcher::PollLoop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      poll_cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_; });
      if (stopping_) return;
      if (queue_.size() >= options_.queue_limit) continue;  // busy: claim nothing now
    }
    // Rows whose sender died after the SMTP server accepted the message: settle them as sent
    // rather than send them twice.
    auto settled = log_.SettleHandedOver(options_.claim_batch);
    if (!settled) log::Warn("settling handed-over deliveries failed", {{"error", settled.error().message}});
    else if (*settled > 0)
      log::Warn("deliveries settled as sent after a crash past their hand-over point",
                {{"count", static_cast<std::int64_t>(*settled)}});
    auto claimed = log_.ClaimDue(options_.claim_batch, options_.lease);
    if (!claimed) {
      log::Warn("claiming due deliveries failed", {{"error", claimed.error().message}});
      continue;
    }
    if (!claimed->empty()) Enqueue(*claimed);
  }
}

void Dispatcher::Process(const std::vector<std::uint64_t>& ids, std::vector<Delivery> rows, EmailSender& email,
                         SmsSender* sms) {
  std::vector<Finished> done;
  // One session (connection) for the group: the rows not in hand are loaded at once, each
  // message's hand-over mark (accepted by the server) is handed to the log's writer, and the
  // outcomes are recorded in one transaction.
  auto recorded = log_.WithSession([&](SendSession& session) -> core::Status {
    if (rows.size() < ids.size()) {
      std::vector<std::uint64_t> missing;
      for (std::uint64_t id : ids)
        if (std::none_of(rows.begin(), rows.end(), [&](const Delivery& d) { return d.id == id; })) missing.push_back(id);
      TRY(loaded, session.Load(missing));
      std::move(loaded.begin(), loaded.end(), std::back_inserter(rows));
    }
    // The answer to the last hand-over mark is read when the next mark is due (or before the
    // outcomes are recorded): by then a whole SMTP exchange has passed and it has long arrived,
    // so waiting for MariaDB is never on the worker's path. Until it is read, a failed mark is
    // only logged later.
    std::optional<std::uint64_t> unanswered;
    auto read_mark = [&] {
      if (!unanswered) return;
      if (auto marked = session.EndHandOver(); !marked)
        log::Warn("the hand-over point was not recorded (a crash now would send the message again)",
                  {{"delivery_id", *unanswered}, {"error", marked.error().message}});
      unanswered.reset();
    };
    for (Delivery& d : rows) {
      if (d.status != "pending" && d.status != "retrying") continue;  // done meanwhile (another instance)
      if (d.handed_over_at) continue;  // an earlier attempt may have been accepted: the poller settles it
      Finished a{std::move(d), 0, std::chrono::system_clock::now(), Outcome::sent, {}, std::chrono::milliseconds(0)};
      a.attempt = a.d.attempts + 1;
      core::Status st;
      if (a.d.channel == kEmail) {
        st = email.Send(Email{a.d.recipient, a.d.subject, a.d.text, a.d.html});
        // Accepted by the SMTP server: the hand-over mark goes out at once (the last mark's
        // answer, which arrived during this SMTP exchange, is taken first: one mark in flight);
        // its own answer is read later. A crash before it is out sends the message again.
        if (st) {
          read_mark();
          if (auto marked = session.BeginHandOver(a.d.id, a.attempt); marked)
            unanswered = a.d.id;
          else
            log::Warn("the hand-over point was not recorded (a crash now would send the message again)",
                      {{"delivery_id", a.d.id}, {"error", marked.error().message}});
        }
      } else if (a.d.channel == kSms && sms) {
        st = sms->Send(a.d.recipient, a.d.text);
      } else {
        st = core::Fail(core::Errc::unprocessable, "no sender for channel " + a.d.channel);
      }
      if (!st) {
        a.error = st.error().message;
        const int used = a.attempt - a.d.attempts_base;
        if (core::IsTransient(st.error().code) && used < options_.retry.attempts) {
          a.outcome = Outcome::transient;
          a.retry_after = options_.retry.Delay(used);
        } else {
          a.outcome = Outcome::permanent;
          if (core::IsTransient(st.error().code)) a.error = fmt::format("gave up after {} attempts: {}", used, a.error);
        }
      }
      done.push_back(std::move(a));
    }
    read_mark();
    return session.Finish(done);
  });
  if (!recorded) {
    // The messages may be out; the rows stay claimed. After the lease the poller settles those
    // past their hand-over point as sent and attempts the others again.
    log::Error("loading or recording delivery attempts failed",
               {{"first_delivery_id", ids.front()}, {"deliveries", static_cast<std::int64_t>(ids.size())},
                {"error", recorded.error().message}});
    return;
  }
  for (const auto& a : done) {
    const Delivery& d = a.d;
    boost::json::object fields{{"delivery_id", d.id},  {"event_id", d.event_id}, {"template", d.template_name},
                               {"channel", d.channel}, {"attempt", a.attempt}};
    switch (a.outcome) {
      case Outcome::sent:
        if (sent_) sent_->Inc();
        break;
      case Outcome::transient:
        if (retried_) retried_->Inc();
        fields["error"] = a.error;
        fields["retry_in_ms"] = a.retry_after.count();
        log::Warn("delivery attempt failed, retrying", fields);
        break;
      case Outcome::permanent:
        if (failed_) failed_->Inc();
        fields["error"] = a.error;
        log::Error("delivery failed", fields);
        DeadLetter(d, a.error);
        break;
    }
  }
}

void Dispatcher::DeadLetter(const Delivery& d, const std::string& reason) {
  if (!dlq_) return;
  messaging::OutgoingMessage m;
  m.topic = d.source_topic + ".dlq";
  m.key = d.source_key.value_or("");
  m.value = d.source_value;
  m.headers = {{std::string(messaging::kEventIdHeader), d.event_id},
               {std::string(messaging::kDlqReasonHeader), reason},
               {std::string(messaging::kDlqErrorCodeHeader), "unprocessable"},
               {std::string(messaging::kDlqTopicHeader), d.source_topic},
               {std::string(messaging::kDlqGroupHeader), options_.consumer_group},
               {"notification.delivery_id", std::to_string(d.id)}};
  if (auto st = dlq_->Produce(m); !st)
    log::Error("dead-lettering a failed delivery failed", {{"delivery_id", d.id}, {"error", st.error().message}});
}

}  // namespace store::notification
