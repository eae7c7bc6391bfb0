// store::docstore — a MongoDB wire-protocol document store (FerretDB locally, MongoDB in
// production) through libmongoc's client pool. Documents travel as Boost.JSON objects in
// relaxed Extended JSON: ObjectIds are {"$oid": "..."}, dates {"$date": ...}, numbers plain.
// Blocking driver calls run on the store's own BlockingPool behind awaitable functions.
//
//   store::docstore::DocStore docs(store::docstore::Options::Declare(cfg));
//   auto carts = docs.Collection("carts");
//   CO_TRY(id, co_await carts.InsertOne({{"_id", cart_id}, {"items", json::array()}}));
//   CO_TRY(cart, co_await carts.FindOne({{"_id", cart_id}}));   // std::optional<json::object>
//   CO_TRY(r, co_await carts.UpdateOne({{"_id", cart_id}, {"version", v}},
//                                      {{"$set", {{"items", items}, {"version", v + 1}}}}));
//
// Errors: server unreachable / no server selected / connection lost -> Errc::unavailable
// (libmongoc reconnects by itself on later calls); duplicate key (11000) -> Errc::conflict;
// other server errors (bad filter, ...) -> Errc::internal.
// There are no multi-document transactions (FerretDB has none): design for single-document
// atomic updates, e.g. a version field checked in the update filter.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/core/blocking_pool.hpp"
#include "store/core/result.hpp"

namespace store::config {
class Loader;
}

namespace store::docstore {

using store::core::Error;
using store::core::Errc;
using store::core::Result;
using store::core::Status;
using Document = boost::json::object;

struct Options {
  std::string uri = "mongodb://127.0.0.1:27017/";
  std::string database;
  std::size_t pool_size = 4;  // clients in the libmongoc pool, and BlockingPool threads
  // 0: writes (insert, update, replace, delete) share the pool with reads. N: at most N writes at
  // once, on N clients and threads of their own (reads keep the pool). A small N for a
  // single-writer store (FerretDB on SQLite): writes beyond what it takes at once only wait in
  // SQLite's busy handler, whose sleeps (1, 2, 5, 10 ms ...) become the writes' tail; queued here
  // they wait for each other only. 1 also keeps this process's updates from racing each other
  // (FerretDB 1.x runs an update as a query, then a write).
  std::size_t writers = 0;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds socket_timeout{10000};             // one operation, then unavailable
  std::chrono::milliseconds server_selection_timeout{2000};    // how long to wait for a server

  // Declares docstore.uri, docstore.database, docstore.pool_size, docstore.writers, docstore.connect_timeout,
  // docstore.socket_timeout, docstore.server_selection_timeout (under `prefix`).
  static Options Declare(store::config::Loader& cfg, const std::string& prefix = "docstore");
};

struct FindOptions {
  std::optional<Document> sort;        // {"created_at": -1}
  std::optional<Document> projection;  // {"items": 1}
  std::int64_t limit = 0;              // 0: no limit
  std::int64_t skip = 0;
};

struct UpdateResult {
  std::int64_t matched = 0;
  std::int64_t modified = 0;
  std::optional<boost::json::value> upserted_id;  // set when an upsert inserted a document
};

class DocStore;

// A handle on one collection. Cheap to copy; valid while its DocStore lives. Thread-safe.
// The awaitable calls are lvalue-only (`&`): a coroutine keeps `this`, so calling one on a
// temporary handle (`store.collection("c").Find(...)` handed to co_spawn) would dangle.
class Collection {
 public:
  // Returns the document's _id (a new ObjectId {"$oid": ...} is added when it has none).
  boost::asio::awaitable<Result<boost::json::value>> InsertOne(Document doc) &;
  boost::asio::awaitable<Result<std::vector<Document>>> Find(Document filter, FindOptions options = {}) &;
  boost::asio::awaitable<Result<std::optional<Document>>> FindOne(Document filter) &;
  // update: operators ({"$set": ...}, {"$inc": ...}). upsert inserts when nothing matches.
  boost::asio::awaitable<Result<UpdateResult>> UpdateOne(Document filter, Document update,
                                                         bool upsert = false) &;
  // Replaces the whole matched document (except _id) with `replacement`.
  boost::asio::awaitable<Result<UpdateResult>> ReplaceOne(Document filter, Document replacement,
                                                          bool upsert = false) &;
  // Documents deleted: 0 or 1.
  boost::asio::awaitable<Result<std::int64_t>> DeleteOne(Document filter) &;
  // Creates the index `name` on `keys` ({"kind": 1, "expires_at": 1}) unless it exists (the
  // createIndexes command: the same index again changes nothing).
  boost::asio::awaitable<Status> CreateIndex(Document keys, std::string name) &;

  const std::string& name() const { return name_; }

 private:
  friend class DocStore;
  Collection(DocStore* store, std::string name) : store_(store), name_(std::move(name)) {}
  DocStore* store_;
  std::string name_;
};

// Owns the libmongoc client pool (connections open lazily, reconnect by themselves) and the
// BlockingPool. Thread-safe; must outlive every Collection and call. The constructor throws
// std::invalid_argument on a malformed URI (a start-up configuration error).
class DocStore {
 public:
  explicit DocStore(Options options);
  ~DocStore();
  DocStore(const DocStore&) = delete;
  DocStore& operator=(const DocStore&) = delete;

  Collection collection(std::string name) { return Collection(this, std::move(name)); }
  boost::asio::awaitable<Status> Ping();
  // True when the server is FerretDB (its buildInfo names a ferretdbVersion). FerretDB 1.x differs
  // where it matters: an update or delete is a query, then a write by _id, so a filter beyond
  // {_id} is not atomic. (As released it also pushed an _id down to SQLite only when the filter
  // was {_id} alone; the install step's build pushes it down whenever the filter names one:
  // scripts/lib/install.sh.)
  boost::asio::awaitable<Result<bool>> IsFerretDb();
  // Drops the whole database (tests and tools).
  boost::asio::awaitable<Status> DropDatabase();

  const Options& options() const { return options_; }

  struct Impl;

 private:
  friend class Collection;
  Options options_;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<store::core::BlockingPool> blocking_;
  std::unique_ptr<store::core::BlockingPool> writes_;  // set when options_.writers > 0
  store::core::BlockingPool& WritePool() { return writes_ ? *writes_ : *blocking_; }
};

}  // namespace store::docstore
