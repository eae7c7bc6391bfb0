#include "app/dispatcher.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "adapters/delivery_log.hpp"
#include "store/log/log.hpp"
#include "store/messaging/message.hpp"

namespace store::notification {
using namespace std::chrono_literals;

Dispatcher::Dispatcher(db::Database& db, DispatcherOptions options, EmailSenderFactory email, SmsSenderFactory sms,
                       messaging::Producer* dlq, metrics::Registry* registry)
    : db_(db),
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
    owned_.clear();
  }
  // Release the leases of what was never attempted, so a restart sends it at once.
  for (std::uint64_t id : left) {
    (void)db_.RunSync([&](db::Connection& c) {
      return c.Execute("UPDATE deliveries SET next_attempt_at = NOW(3) WHERE id = ? AND status IN ('pending', 'retrying')",
                       id);
    });
  }
}

void Dispatcher::Enqueue(std::span<const std::uint64_t> ids) {
  std::unique_lock lock(mu_);
  for (std::uint64_t id : ids) {
    space_cv_.wait(lock, [&] { return stopping_ || queue_.size() < options_.queue_limit; });
    if (stopping_) return;
    if (!owned_.insert(id).second) continue;
    queue_.push_back(id);
    work_cv_.notify_one();
  }
}

std::size_t Dispatcher::QueueSize() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Dispatcher::WorkerLoop() {
  std::unique_ptr<EmailSender> email = email_factory_();
  std::unique_ptr<SmsSender> sms = sms_factory_ ? sms_factory_() : nullptr;
  for (;;) {
    std::uint64_t id;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      space_cv_.notify_one();
    }
    try {
      Process(id, *email, sms.get());
    } catch (const std::exception& e) {
      log::Error("delivery attempt threw", {{"delivery_id", id}, {"error", e.what()}});
    }
    std::lock_guard lock(mu_);
    owned_.erase(id);
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
    // Rows whose sender died after handing the message over were (probably) accepted: settle
    // them as sent rather than send them twice.
    auto settled = db_.RunSync([&](db::Connection& c) { return delivery_log::SettleHandedOver(c, options_.claim_batch); });
    if (!settled) log::Warn("settling handed-over deliveries failed", {{"error", settled.error().message}});
    else if (*settled > 0)
      log::Warn("deliveries settled as sent after a crash past their hand-over point",
                {{"count", static_cast<std::int64_t>(*settled)}});
    auto claimed = db_.RunSync([&](db::Connection& c) {
      return delivery_log::ClaimDue(c, options_.claim_batch, options_.lease);
    });
    if (!claimed) {
      log::Warn("claiming due deliveries failed", {{"error", claimed.error().message}});
      continue;
    }
    if (!claimed->empty()) Enqueue(*claimed);
  }
}

void Dispatcher::Process(std::uint64_t id, EmailSender& email, SmsSender* sms) {
  auto loaded = db_.RunSync([&](db::Connection& c) { return delivery_log::Load(c, id); });
  if (!loaded) {
    // The row stays claimed; its lease expires and the poller tries again.
    log::Warn("loading a delivery failed", {{"delivery_id", id}, {"error", loaded.error().message}});
    return;
  }
  if (!*loaded) return;
  const Delivery& d = **loaded;
  if (d.status != "pending" && d.status != "retrying") return;  // done meanwhile (another instance)
  if (d.handed_over_at) return;  // an earlier attempt may have been accepted: the poller settles it
  const int attempt = d.attempts + 1;
  const auto started = std::chrono::system_clock::now();

  core::Status st;
  if (d.channel == kEmail) {
    // The hand-over point is recorded on a connection held for the whole send: the UPDATE is
    // written (autocommit) right before the end-of-data mark, and its answer read afterwards, so
    // it costs no round trip between the two. Written before the mark, it is on the server even
    // if this process dies a microsecond later; the server commits a statement it received.
    st = db_.RunSync([&](db::Connection& c) -> core::Status {
      bool handing_over = false;
      HandOver hand_over = [&]() -> core::Status {
        TRY_STATUS(c.SendText(delivery_log::HandOverSql(d.id)));
        handing_over = true;
        return {};
      };
      core::Status sent = email.Send(Email{d.recipient, d.subject, d.text, d.html}, hand_over);
      if (handing_over) {
        auto marked = c.ReadSent();
        if (!marked || marked->affected_rows != 1)
          log::Warn("the hand-over point was not recorded (a crash now would send the message again)",
                    {{"delivery_id", d.id}, {"error", marked ? std::string("row not pending") : marked.error().message}});
      }
      return sent;
    });
  } else if (d.channel == kSms && sms) {
    st = sms->Send(d.recipient, d.text);
  } else {
    st = core::Fail(core::Errc::unprocessable, "no sender for channel " + d.channel);
  }

  Outcome outcome = Outcome::sent;
  std::string error;
  std::chrono::milliseconds retry_after{0};
  if (!st) {
    error = st.error().message;
    const int used = attempt - d.attempts_base;
    if (core::IsTransient(st.error().code) && used < options_.retry.attempts) {
      outcome = Outcome::transient;
      retry_after = options_.retry.Delay(used);
    } else {
      outcome = Outcome::permanent;
      if (core::IsTransient(st.error().code)) error = fmt::format("gave up after {} attempts: {}", used, error);
    }
  }
  core::Status finished;
  for (int i = 0; i < 3; ++i) {
    finished = db_.TransactionSync([&](db::Connection& c) {
      return delivery_log::Finish(c, d, attempt, started, outcome, error, retry_after);
    });
    if (finished) break;
    std::this_thread::sleep_for(200ms);
  }
  if (!finished) {
    // The message may be out; the row stays claimed and is attempted again after the lease
    // (at-least-once for this rare case).
    log::Error("recording a delivery attempt failed", {{"delivery_id", id}, {"error", finished.error().message}});
    return;
  }
  boost::json::object fields{{"delivery_id", id},         {"event_id", d.event_id}, {"template", d.template_name},
                             {"channel", d.channel},      {"attempt", attempt}};
  switch (outcome) {
    case Outcome::sent:
      if (sent_) sent_->Inc();
      break;
    case Outcome::transient:
      if (retried_) retried_->Inc();
      fields["error"] = error;
      fields["retry_in_ms"] = retry_after.count();
      log::Warn("delivery attempt failed, retrying", fields);
      break;
    case Outcome::permanent:
      if (failed_) failed_->Inc();
      fields["error"] = error;
      log::Error("delivery failed", fields);
      DeadLetter(d, error);
      break;
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
