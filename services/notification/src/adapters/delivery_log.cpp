#include "adapters/delivery_log.hpp"

#include <boost/json.hpp>
#include <algorithm>
#include <thread>
#include <unordered_map>
#include <fmt/format.h>

#include "store/core/clock.hpp"
#include "store/messaging/envelope.hpp"
#include "store/log/log.hpp"
#include "store/messaging/outbox.hpp"

namespace store::notification {
using core::Errc;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// A delivery with the hand-over point of its attempt in flight, if any (a stale mark, of an
// attempt already recorded, does not match attempts + 1).
constexpr std::string_view kColumns =
    "id, event_id, event_type, template, channel, locale, recipient, subject, body_text, body_html, status, "
    "attempts, attempts_base, last_error, next_attempt_at, created_at, updated_at, sent_at, h.handed_over_at, source_topic, "
    "source_key, source_value";
constexpr std::string_view kFrom =
    "deliveries d LEFT JOIN delivery_handovers h ON h.delivery_id = d.id AND h.attempt = d.attempts + 1";

Delivery FromRow(const db::Row& r) {
  Delivery d;
  d.id = r.UInt("id");
  d.event_id = r.Text("event_id");
  d.event_type = r.Text("event_type");
  d.template_name = r.Text("template");
  d.channel = r.Text("channel");
  d.locale = r.Text("locale");
  d.recipient = r.Text("recipient");
  d.subject = r.Text("subject");
  d.text = r.Text("body_text");
  d.html = r.Text("body_html");
  d.status = r.Text("status");
  d.attempts = static_cast<int>(r.Int("attempts"));
  d.attempts_base = static_cast<int>(r.Int("attempts_base"));
  d.last_error = r.OptText("last_error");
  d.next_attempt_at = r.OptText("next_attempt_at");
  d.created_at = r.Text("created_at");
  d.updated_at = r.Text("updated_at");
  d.sent_at = r.OptText("sent_at");
  d.handed_over_at = r.OptText("handed_over_at");
  d.source_topic = r.Text("source_topic");
  d.source_key = r.OptText("source_key");
  d.source_value = r.Text("source_value");
  return d;
}

std::int64_t Micros(std::chrono::milliseconds d) { return d.count() * 1000; }


core::Status Finish(db::Connection& c, std::span<const Finished> done);

// One message of an event, to record.
struct NewRow {
  const Source* source;
  const Notification* n;
};

Delivery Recorded(std::uint64_t id, const NewRow& r) {
  Delivery d;
  d.id = id;
  d.event_id = r.source->event_id;
  d.event_type = r.source->event_type;
  d.template_name = r.n->template_name;
  d.channel = r.n->channel;
  d.locale = r.n->locale;
  d.recipient = r.n->recipient;
  d.subject = r.n->subject;
  d.text = r.n->text;
  d.html = r.n->html;
  d.status = "pending";
  d.source_topic = r.source->topic;
  d.source_key = r.source->key;
  d.source_value = r.source->value;
  return d;
}

constexpr std::string_view kInsertColumns =
    "INSERT INTO deliveries (event_id, event_type, template, channel, locale, recipient, subject, body_text, "
    "body_html, status, attempts, next_attempt_at, created_at, updated_at, source_topic, source_key, source_value) VALUES ";
constexpr std::string_view kInsertValues =
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, NOW(3) + INTERVAL ? MICROSECOND, NOW(3), NOW(3), ?, ?, ?)";

void AddInsertParams(std::vector<db::Param>& params, const NewRow& r, std::int64_t lease_us) {
  const Source& s = *r.source;
  const Notification& n = *r.n;
  for (db::Param p : {db::Param(s.event_id), db::Param(s.event_type), db::Param(n.template_name), db::Param(n.channel),
                      db::Param(n.locale), db::Param(n.recipient), db::Param(n.subject), db::Param(n.text),
                      db::Param(n.html), db::Param(lease_us), db::Param(s.topic), db::Param(s.key), db::Param(s.value)})
    params.push_back(p);
}

// Inserts `rows` one by one; a row already present (a redelivered event: the row is the
// idempotency record) is skipped. Appends those inserted now to `out`.
core::Status InsertOneByOne(db::Connection& c, std::span<const NewRow> rows, std::int64_t lease_us,
                            std::vector<Delivery>& out) {
  static const std::string sql = fmt::format("{}{}", kInsertColumns, kInsertValues);
  for (const auto& row : rows) {
    std::vector<db::Param> params;
    AddInsertParams(params, row, lease_us);
    auto r = c.ExecuteParams(sql, params);
    if (!r) {
      if (r.error().code == Errc::conflict) continue;
      return std::unexpected(std::move(r.error()));
    }
    out.push_back(Recorded(r->last_insert_id, row));
  }
  return {};
}

// Inserts `rows` with one statement and reads their ids back with another; when one of them is
// already present the statement fails as a whole and they go one by one. Inside a transaction.
core::Status InsertMany(db::Connection& c, std::span<const NewRow> rows, std::int64_t lease_us, std::vector<Delivery>& out) {
  if (rows.size() == 1) return InsertOneByOne(c, rows, lease_us, out);
  std::string sql(kInsertColumns);
  std::vector<db::Param> params;
  params.reserve(rows.size() * 13);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) sql += ", ";
    sql += kInsertValues;
    AddInsertParams(params, rows[i], lease_us);
  }
  auto inserted = c.ExecuteParams(sql, params);
  if (!inserted) {
    if (inserted.error().code == Errc::conflict) return InsertOneByOne(c, rows, lease_us, out);
    return std::unexpected(std::move(inserted.error()));
  }
  // The ids, by key (auto-increment values of one statement need not be consecutive).
  std::string marks;
  params.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    marks += i ? ",?" : "?";
    params.emplace_back(rows[i].source->event_id);
  }
  TRY(found, c.QueryParams(fmt::format("SELECT id, event_id, template, channel FROM deliveries WHERE event_id IN ({})", marks),
                           params));
  for (const auto& row : rows) {
    auto it = std::find_if(found.begin(), found.end(), [&](const db::Row& f) {
      return f.Text("event_id") == row.source->event_id && f.Text("template") == row.n->template_name &&
             f.Text("channel") == row.n->channel;
    });
    if (it == found.end()) return core::Fail(Errc::internal, "a delivery row just inserted was not found: " + row.source->event_id);
    out.push_back(Recorded(it->UInt("id"), row));
  }
  return {};
}

// Inserts the rows of these events; appends those inserted now to `out`. Statements hold 64, 16,
// 4 or 1 rows (a few prepared statements serve every batch size). Inside a transaction.
core::Status Record(db::Connection& c, std::span<const Recording> events, std::chrono::milliseconds lease,
                    std::vector<Delivery>& out) {
  std::vector<NewRow> rows;
  for (const auto& e : events)
    for (const auto& n : e.notifications) rows.push_back({&e.source, &n});
  const std::int64_t lease_us = Micros(lease);
  std::span<const NewRow> left(rows);
  while (!left.empty()) {
    std::size_t n = 1;
    for (std::size_t size : {64, 16, 4})
      if (left.size() >= size) {
        n = size;
        break;
      }
    TRY_STATUS(InsertMany(c, left.first(n), lease_us, out));
    left = left.subspan(n);
  }
  return {};
}

core::Status RecordUndeliverable(db::Connection& c, const Source& s, const std::string& template_name,
                                 const std::string& error) {
  auto r = c.Execute(
      "INSERT INTO deliveries (event_id, event_type, template, channel, locale, recipient, subject, body_text, "
      "body_html, status, attempts, last_error, created_at, updated_at, source_topic, source_key, source_value) "
      "VALUES (?, ?, ?, 'email', '', '', '', '', '', 'failed', 0, ?, NOW(3), NOW(3), ?, ?, ?)",
      s.event_id, s.event_type, template_name, error, s.topic, s.key, s.value);
  if (!r && r.error().code != Errc::conflict) return std::unexpected(std::move(r.error()));
  return {};
}

core::Result<std::optional<Delivery>> Load(db::Connection& c, std::uint64_t id) {
  TRY(row, c.QueryOne(fmt::format("SELECT {} FROM {} WHERE d.id = ?", kColumns, kFrom), id));
  if (!row) return std::optional<Delivery>{};
  return std::optional<Delivery>{FromRow(*row)};
}

// The rows of `ids` that exist, in id order (one statement per 16 ids).
core::Result<std::vector<Delivery>> LoadMany(db::Connection& c, const std::vector<std::uint64_t>& ids) {
  // A fixed number of placeholders (unused ones repeat the first id), so one prepared statement
  // serves every call.
  constexpr std::size_t kPerStatement = 16;
  static const std::string sql = [] {
    std::string marks;
    for (std::size_t i = 0; i < kPerStatement; ++i) marks += i ? ",?" : "?";
    return fmt::format("SELECT {} FROM {} WHERE d.id IN ({}) ORDER BY d.id", kColumns, kFrom, marks);
  }();
  std::vector<Delivery> out;
  for (std::size_t at = 0; at < ids.size(); at += kPerStatement) {
    std::vector<db::Param> params;
    for (std::size_t i = 0; i < kPerStatement; ++i) params.emplace_back(at + i < ids.size() ? ids[at + i] : ids[at]);
    TRY(rows, c.QueryParams(sql, params));
    for (const auto& r : rows) out.push_back(FromRow(r));
  }
  return out;
}

core::Result<std::vector<std::uint64_t>> ClaimDue(db::Connection& c, int limit, std::chrono::milliseconds lease) {
  return c.Transaction([&](db::Connection& t) -> core::Result<std::vector<std::uint64_t>> {
    // Locking reads touch InnoDB only; the hand-over marks (MEMORY) of the rows found are read apart.
    TRY(rows, t.Query("SELECT id, attempts FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at <= NOW(3) "
                      "ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED",
                      limit));
    if (rows.empty()) return std::vector<std::uint64_t>{};
    std::string found;
    for (const auto& r : rows) found += fmt::format("{}{}", found.empty() ? "" : ",", r.UInt("id"));
    TRY(marks, t.Query(fmt::format("SELECT delivery_id, attempt FROM delivery_handovers WHERE delivery_id IN ({})", found)));
    std::unordered_map<std::uint64_t, std::int64_t> handed_over;
    for (const auto& m : marks) handed_over[m.UInt("delivery_id")] = m.Int("attempt");
    std::vector<std::uint64_t> ids;
    std::string claimed;
    for (const auto& r : rows) {
      std::uint64_t id = r.UInt("id");
      auto mark = handed_over.find(id);
      if (mark != handed_over.end() && mark->second == r.Int("attempts") + 1) continue;  // SettleHandedOver's
      ids.push_back(id);
      claimed += fmt::format("{}{}", claimed.empty() ? "" : ",", id);
    }
    if (!ids.empty())
      TRY_STATUS(t.Execute(fmt::format("UPDATE deliveries SET next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND WHERE id IN ({})",
                                       claimed),
                           Micros(lease)));
    return ids;
  });
}

// Autocommit; MEMORY table (no log flush).
std::string HandOverSql(std::span<const HandOverMark> marks) {
  std::string values;
  for (const auto& m : marks) values += fmt::format("{}({}, {}, NOW(3))", values.empty() ? "" : ",", m.delivery_id, m.attempt);
  return "INSERT INTO delivery_handovers (delivery_id, attempt, handed_over_at) VALUES " + values +
         " ON DUPLICATE KEY UPDATE attempt = VALUES(attempt), handed_over_at = VALUES(handed_over_at)";
}

// Removes these marks (once their attempts are recorded; a newer attempt's mark stays).
core::Status ForgetHandOvers(db::Connection& c, const std::vector<HandOverMark>& marks) {
  if (marks.empty()) return {};
  // By (delivery, attempt): a mark of a newer attempt of the same delivery stays.
  std::string list;
  for (const auto& m : marks) list += fmt::format("{}({}, {})", list.empty() ? "" : ",", m.delivery_id, m.attempt);
  TRY_STATUS(c.Execute(fmt::format("DELETE FROM delivery_handovers WHERE (delivery_id, attempt) IN ({})", list)));
  return {};
}

core::Result<std::size_t> SettleHandedOver(db::Connection& c, int limit) {
  // A plain (consistent, lock-free) read of the marks and their deliveries' recorded attempts.
  TRY(marks, c.Query("SELECT h.delivery_id, h.attempt, d.attempts FROM delivery_handovers h "
                     "JOIN deliveries d ON d.id = h.delivery_id LIMIT ?",
                     limit));
  std::vector<HandOverMark> stale, in_flight;
  for (const auto& m : marks) {
    HandOverMark mark{m.UInt("delivery_id"), static_cast<int>(m.Int("attempt"))};
    (mark.attempt <= m.Int("attempts") ? stale : in_flight).push_back(mark);
  }
  std::vector<HandOverMark> settled;
  if (!in_flight.empty()) {
    TRY_STATUS(c.Transaction([&](db::Connection& t) -> core::Status {
      settled.clear();
      for (const auto& m : in_flight) {
        // Still in flight (its attempt not recorded), lease expired, not being handled elsewhere.
        TRY(row, t.QueryOne("SELECT id FROM deliveries WHERE id = ? AND status IN ('pending', 'retrying') "
                            "AND attempts + 1 = ? AND next_attempt_at <= NOW(3) FOR UPDATE SKIP LOCKED",
                            m.delivery_id, m.attempt));
        if (!row) continue;
        TRY(loaded, t.QueryOne(fmt::format("SELECT {} FROM {} WHERE d.id = ?", kColumns, kFrom), m.delivery_id));
        if (!loaded) continue;
        Delivery d = FromRow(*loaded);
        std::string why = "assumed sent: the sender stopped after handing the message over to the SMTP server "
                          "(handed over at " + d.handed_over_at.value_or("?") + ")";
        const Finished f{std::move(d), m.attempt, std::chrono::system_clock::now(), Outcome::sent, std::move(why),
                         std::chrono::milliseconds(0)};
        TRY_STATUS(Finish(t, std::span<const Finished>(&f, 1)));
        settled.push_back(m);
      }
      return {};
    }));
  }
  stale.insert(stale.end(), settled.begin(), settled.end());
  TRY_STATUS(ForgetHandOvers(c, stale));
  return settled.size();
}

// Ends attempts: locks their rows (id order), writes their attempt rows (one statement) and new
// statuses (the sent ones with one statement), plus the outbox events (one statement). Inside a
// transaction.
core::Status Finish(db::Connection& c, std::span<const Finished> done) {
  if (done.empty()) return {};
  const auto now = std::chrono::system_clock::now();
  const std::string now_text = db::ToDbTime(now);
  auto marks = [](std::size_t n, std::string_view one) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) (out += i ? ", " : "") += one;
    return out;
  };
  // The delivery rows are locked for update FIRST (in id order), as Resend locks its row.
  // Inserting an attempt first took a shared lock on the row (the foreign key check) and the
  // UPDATE below then upgraded it: a resend waiting for the row in between made a deadlock, and
  // the resend answered 504.
  std::vector<std::uint64_t> ids;
  for (const auto& f : done) ids.push_back(f.d.id);
  std::sort(ids.begin(), ids.end());
  std::vector<db::Param> params(ids.begin(), ids.end());
  TRY_STATUS(c.QueryParams(fmt::format("SELECT id FROM deliveries WHERE id IN ({}) ORDER BY id FOR UPDATE", marks(ids.size(), "?")),
                           params));

  // Every attempt row with one statement.
  std::vector<std::string> started(done.size());
  params.clear();
  for (std::size_t i = 0; i < done.size(); ++i) {
    const auto& f = done[i];
    started[i] = db::ToDbTime(f.started);
    params.emplace_back(f.d.id);
    params.emplace_back(f.attempt);
    params.emplace_back(std::string_view(started[i]));
    params.emplace_back(std::string_view(now_text));
    params.emplace_back(f.outcome == Outcome::sent ? "sent" : f.outcome == Outcome::transient ? "transient" : "permanent");
    if (f.error.empty()) params.emplace_back(nullptr);
    else params.emplace_back(std::string_view(f.error));
  }
  TRY_STATUS(c.ExecuteParams(fmt::format("INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, "
                                         "error) VALUES {}",
                                         marks(done.size(), "(?, ?, ?, ?, ?, ?)")),
                             params));

  // The sent ones (the common case) with one UPDATE; the others one by one.
  std::vector<messaging::Event> events;
  events.reserve(done.size());
  std::string attempts_case;
  std::vector<db::Param> sent_params, sent_ids;
  for (const auto& f : done) {
    json::object data{{"delivery_id", f.d.id},          {"event_id", f.d.event_id}, {"event_type", f.d.event_type},
                      {"template", f.d.template_name}, {"channel", f.d.channel},   {"recipient", f.d.recipient},
                      {"attempts", f.attempt}};
    switch (f.outcome) {
      case Outcome::sent:
        attempts_case += " WHEN ? THEN ?";
        sent_params.emplace_back(f.d.id);
        sent_params.emplace_back(f.attempt);
        sent_ids.emplace_back(f.d.id);
        data["sent_at"] = core::FormatTimestamp(now);
        events.push_back(messaging::NewEvent("notification.sent.v1", data, now));
        break;
      case Outcome::transient:
        TRY_STATUS(c.Execute("UPDATE deliveries SET status = 'retrying', attempts = ?, last_error = ?, "
                             "next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND, updated_at = NOW(3) WHERE id = ?",
                             f.attempt, f.error, Micros(f.retry_after), f.d.id));
        break;
      case Outcome::permanent:
        TRY_STATUS(c.Execute("UPDATE deliveries SET status = 'failed', attempts = ?, last_error = ?, next_attempt_at = NULL, "
                             "updated_at = NOW(3) WHERE id = ?",
                             f.attempt, f.error, f.d.id));
        data["error"] = f.error;
        events.push_back(messaging::NewEvent("notification.failed.v1", data, now));
        break;
    }
  }
  if (!sent_ids.empty()) {
    const std::size_t n = sent_ids.size();
    sent_params.insert(sent_params.end(), sent_ids.begin(), sent_ids.end());
    TRY_STATUS(c.ExecuteParams(fmt::format("UPDATE deliveries SET status = 'sent', attempts = CASE id{} END, last_error = NULL, "
                                           "next_attempt_at = NULL, sent_at = NOW(3), updated_at = NOW(3) WHERE id IN ({})",
                                           attempts_case, marks(n, "?")),
                               sent_params));
  }
  // notification.sent.v1 / notification.failed.v1 (topic = type), keyed by the event that caused
  // the message; `events` holds them in the order of `done` (transient outcomes have none).
  std::vector<messaging::Outbox::Record> records;
  auto event = events.begin();
  for (const auto& f : done)
    if (f.outcome != Outcome::transient) records.push_back({event->type, f.d.event_id, &*event++, std::nullopt});
  return messaging::Outbox::AddMany(c, records);
}

core::Result<std::vector<Delivery>> List(db::Connection& c, const DeliveryFilter& f) {
  std::optional<std::string> since;
  if (f.since) since = db::ToDbTime(*f.since);
  std::string sql = fmt::format(
      "SELECT {} FROM {} WHERE (? IS NULL OR status = ?) AND (? IS NULL OR template = ?) "
      "AND (? IS NULL OR recipient = ?) AND (? IS NULL OR channel = ?) AND (? IS NULL OR created_at >= ?) "
      "AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
      kColumns, kFrom);
  TRY(rows, c.Query(sql, f.status, f.status, f.template_name, f.template_name, f.recipient, f.recipient, f.channel,
                    f.channel, since, since, f.before_id, f.before_id, f.limit));
  std::vector<Delivery> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

core::Result<std::vector<Attempt>> Attempts(db::Connection& c, std::uint64_t id) {
  TRY(rows, c.Query("SELECT attempt, started_at, finished_at, outcome, error FROM delivery_attempts "
                    "WHERE delivery_id = ? ORDER BY attempt",
                    id));
  std::vector<Attempt> out;
  for (const auto& r : rows)
    out.push_back(Attempt{static_cast<int>(r.Int("attempt")), r.Text("started_at"), r.Text("finished_at"),
                          r.Text("outcome"), r.OptText("error")});
  return out;
}

core::Status Resend(db::Connection& c, std::uint64_t id) {
  return c.Transaction([&](db::Connection& t) -> core::Status {
    TRY(row, t.QueryOne("SELECT status, recipient FROM deliveries WHERE id = ? FOR UPDATE", id));
    if (!row) return core::Fail(Errc::not_found, "no such delivery");
    std::string status = row->Text("status");
    if (status == "pending" || status == "retrying")
      return core::Fail(Errc::conflict, "an attempt for this delivery is already " + status);
    if (row->Text("recipient").empty())
      return core::Fail(Errc::unprocessable, "this delivery has no message to send (its event was undeliverable)");
    TRY_STATUS(t.Execute("UPDATE deliveries SET status = 'pending', attempts_base = attempts, next_attempt_at = NOW(3), "
                         "last_error = NULL, updated_at = NOW(3) WHERE id = ?",
                         id));
    return {};
  });
}

}  // namespace

// ---------------------------------------------------------------------------- the port

namespace {

class MariaDbSendSession final : public SendSession {
 public:
  MariaDbSendSession(db::Connection& c, HandOverWriter& writer) : c_(c), writer_(writer) {}

  core::Result<std::vector<Delivery>> Load(const std::vector<std::uint64_t>& ids) override { return LoadMany(c_, ids); }

  core::Status BeginHandOver(std::uint64_t id, int attempt) override {
    const HandOverMark mark{id, attempt};
    pending_ = std::pair{mark, writer_.Add(mark)};
    return {};
  }

  core::Status EndHandOver() override {
    if (!pending_) return core::Fail(Errc::internal, "no hand-over mark in flight");
    const auto [mark, ticket] = *pending_;
    pending_.reset();
    TRY_STATUS(writer_.Wait(ticket));
    marks_.push_back(mark);
    return {};
  }

  core::Status Finish(std::span<const Finished> done) override {
    if (done.empty()) return {};
    core::Status finished;
    for (int i = 0; i < 3; ++i) {  // a deadlock with a resend, a lock wait: the outcomes are worth a retry
      finished = c_.Transaction([&](db::Connection& t) { return notification::Finish(t, done); });
      if (finished || c_.broken()) break;
      std::this_thread::sleep_for(200ms);
    }
    TRY_STATUS(finished);
    // Recorded: the marks are stale now (a failure here only leaves them for the poller).
    if (auto forgot = ForgetHandOvers(c_, marks_); !forgot)
      log::Debug("removing hand-over marks failed", {{"error", forgot.error().message}});
    marks_.clear();
    return {};
  }

 private:
  db::Connection& c_;
  HandOverWriter& writer_;
  std::optional<std::pair<HandOverMark, std::uint64_t>> pending_;  // the mark in flight, its ticket
  std::vector<HandOverMark> marks_;
};

}  // namespace

HandOverWriter::~HandOverWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queued_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t HandOverWriter::Add(HandOverMark mark) {
  std::uint64_t ticket;
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
    queued_.push_back(mark);
    ticket = next_ticket_++;
  }
  queued_cv_.notify_one();
  return ticket;
}

core::Status HandOverWriter::Wait(std::uint64_t ticket) {
  std::unique_lock lock(mu_);
  written_cv_.wait(lock, [&] { return answered_ >= ticket || stopping_; });
  if (answered_ < ticket) return core::Fail(Errc::unavailable, "the hand-over writer stopped");
  for (const auto& [first, last, error] : failed_)
    if (first <= ticket && ticket <= last) return std::unexpected(error);
  return {};
}

void HandOverWriter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    queued_cv_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) return;  // stopping, nothing left to write
    std::vector<HandOverMark> batch;
    batch.swap(queued_);
    const std::uint64_t last = next_ticket_ - 1, first = last + 1 - batch.size();
    lock.unlock();
    auto written = db_.RunSync([&](db::Connection& c) -> core::Status {
      TRY_STATUS(c.SendText(HandOverSql(batch)));
      TRY_STATUS(c.ReadSent());
      return {};
    });
    lock.lock();
    if (!written) {
      failed_.emplace_back(first, last, written.error());
      if (failed_.size() > 16) failed_.erase(failed_.begin());
    }
    answered_ = last;
    written_cv_.notify_all();
  }
}

core::Result<std::vector<Delivery>> MariaDbDeliveryLog::Record(std::span<const Recording> events,
                                                               std::chrono::milliseconds lease) {
  return db_.TransactionSync([&](db::Connection& c) -> core::Result<std::vector<Delivery>> {
    std::vector<Delivery> rows;
    TRY_STATUS(notification::Record(c, events, lease, rows));
    return rows;
  });
}

core::Status MariaDbDeliveryLog::RecordUndeliverable(const Source& source, const std::string& template_name,
                                                     const std::string& error) {
  return db_.TransactionSync(
      [&](db::Connection& c) { return notification::RecordUndeliverable(c, source, template_name, error); });
}

core::Status MariaDbDeliveryLog::WithSession(const std::function<core::Status(SendSession&)>& work) {
  return db_.RunSync([&](db::Connection& c) {
    MariaDbSendSession session(c, marks_);
    return work(session);
  });
}

core::Result<std::vector<std::uint64_t>> MariaDbDeliveryLog::ClaimDue(int limit, std::chrono::milliseconds lease) {
  return db_.RunSync([&](db::Connection& c) { return notification::ClaimDue(c, limit, lease); });
}

core::Result<std::size_t> MariaDbDeliveryLog::SettleHandedOver(int limit) {
  return db_.RunSync([&](db::Connection& c) { return notification::SettleHandedOver(c, limit); });
}

core::Status MariaDbDeliveryLog::Release(std::uint64_t id) {
  return db_.RunSync([&](db::Connection& c) -> core::Status {
    TRY_STATUS(c.Execute("UPDATE deliveries SET next_attempt_at = NOW(3) WHERE id = ? AND status IN ('pending', 'retrying')", id));
    return {};
  });
}

Task<std::vector<Delivery>> MariaDbDeliveryLog::List(DeliveryFilter filter) {
  auto list = [&](db::Connection& c) { return notification::List(c, filter); };
  co_return co_await db_.Run(list);
}

Task<std::optional<std::pair<Delivery, std::vector<Attempt>>>> MariaDbDeliveryLog::Find(std::uint64_t id) {
  using Found = std::optional<std::pair<Delivery, std::vector<Attempt>>>;
  auto find = [&](db::Connection& c) -> core::Result<Found> {
    TRY(d, Load(c, id));
    if (!d) return Found{};
    TRY(attempts, Attempts(c, id));
    return Found{std::pair{std::move(*d), std::move(attempts)}};
  };
  co_return co_await db_.Run(find);
}

Task<Delivery> MariaDbDeliveryLog::Resend(std::uint64_t id) {
  auto resend = [&](db::Connection& c) -> core::Result<Delivery> {
    TRY_STATUS(notification::Resend(c, id));
    TRY(d, Load(c, id));
    if (!d) return core::Fail(Errc::not_found, "no such delivery");
    return std::move(*d);
  };
  co_return co_await db_.Run(resend);
}

}  // namespace store::notification
