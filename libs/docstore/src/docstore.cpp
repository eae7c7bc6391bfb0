#include "store/docstore/docstore.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <mutex>
#include <utility>
#include <stdexcept>

#include "store/config/config.hpp"

namespace store::docstore {
namespace {

std::once_flag init_once;

Error MapError(const bson_error_t& e, std::string_view what) {
  std::string text = fmt::format("{}: {} (domain {}, code {})", what, e.message, e.domain, e.code);
  if (e.code == 11000 || e.code == 11001) return Error{Errc::conflict, std::move(text)};
  if (e.domain == MONGOC_ERROR_STREAM || e.domain == MONGOC_ERROR_SERVER_SELECTION)
    return Error{Errc::unavailable, std::move(text)};
  return Error{Errc::internal, std::move(text)};
}

// Owns a heap bson_t. (Not unique_ptr<bson_t>: bson_t's alignment attribute makes g++ warn.)
class BsonPtr {
 public:
  explicit BsonPtr(bson_t* b) : b_(b) {}
  BsonPtr(BsonPtr&& other) noexcept : b_(std::exchange(other.b_, nullptr)) {}
  BsonPtr& operator=(BsonPtr&&) = delete;
  ~BsonPtr() {
    if (b_) bson_destroy(b_);
  }
  bson_t* get() const { return b_; }

 private:
  bson_t* b_;
};

// Boost.JSON -> BSON through (extended) JSON text: the one conversion libbson offers for free.
Result<BsonPtr> ToBson(const Document& doc) {
  const std::string text = boost::json::serialize(doc);
  bson_error_t error;
  bson_t* b = bson_new_from_json(reinterpret_cast<const uint8_t*>(text.data()),
                                 static_cast<ssize_t>(text.size()), &error);
  if (!b) return std::unexpected(Error::Invalid(fmt::format("not a valid document: {}", error.message)));
  return BsonPtr(b);
}

Result<Document> ToDocument(const bson_t* b) {
  std::size_t length = 0;
  char* text = bson_as_relaxed_extended_json(b, &length);
  if (!text) return std::unexpected(Error::Internal("BSON document cannot be written as JSON"));
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(std::string_view(text, length), ec);
  bson_free(text);
  if (ec || !v.is_object())
    return std::unexpected(Error::Internal("BSON document did not convert to a JSON object"));
  return std::move(v.as_object());
}

std::int64_t IntField(const Document& d, std::string_view key) {
  auto it = d.find(key);
  if (it == d.end()) return 0;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<std::int64_t>(it->value().as_double());
  return 0;
}

}  // namespace

Options Options::Declare(store::config::Loader& cfg, const std::string& prefix) {
  Options o;
  auto key = [&](const char* k) { return prefix + "." + k; };
  o.uri = cfg.String(key("uri"), o.uri, "MongoDB connection string (mongodb://host:port/)");
  o.database = cfg.String(key("database"), o.database, "database of this service");
  o.pool_size = static_cast<std::size_t>(cfg.Int(
      key("pool_size"), static_cast<std::int64_t>(o.pool_size),
      "most MongoDB clients at once (also the threads running driver calls)", 1, 1024));
  o.writers = static_cast<std::size_t>(cfg.Int(
      key("writers"), static_cast<std::int64_t>(o.writers),
      "most writes at once, on clients of their own (0: writes share the pool; a small number for FerretDB on SQLite)", 0, 1024));
  o.connect_timeout = cfg.Duration(key("connect_timeout"), o.connect_timeout,
                                   "give up opening a MongoDB connection after this long");
  o.socket_timeout = cfg.Duration(key("socket_timeout"), o.socket_timeout,
                                  "an operation slower than this fails with 503");
  o.server_selection_timeout =
      cfg.Duration(key("server_selection_timeout"), o.server_selection_timeout,
                   "wait this long for a reachable server, then fail with 503");
  return o;
}

// ---------------------------------------------------------------------------------------------

struct DocStore::Impl {
  mongoc_uri_t* uri = nullptr;
  mongoc_client_pool_t* pool = nullptr;

  ~Impl() {
    if (pool) mongoc_client_pool_destroy(pool);
    if (uri) mongoc_uri_destroy(uri);
  }

  // A client popped from the pool for one call, pushed back at scope end.
  class Client {
   public:
    explicit Client(mongoc_client_pool_t* pool) : pool_(pool), client_(mongoc_client_pool_pop(pool)) {}
    ~Client() { mongoc_client_pool_push(pool_, client_); }
    mongoc_client_t* get() const { return client_; }

   private:
    mongoc_client_pool_t* pool_;
    mongoc_client_t* client_;
  };

  struct CollectionHandle {
    Client client;
    mongoc_collection_t* coll;
    CollectionHandle(Impl& impl, const std::string& db, const std::string& name)
        : client(impl.pool), coll(mongoc_client_get_collection(client.get(), db.c_str(), name.c_str())) {}
    ~CollectionHandle() { mongoc_collection_destroy(coll); }
  };
};

DocStore::DocStore(Options options) : options_(std::move(options)) {
  std::call_once(init_once, [] { mongoc_init(); });
  if (options_.database.empty()) throw std::invalid_argument("docstore: no database configured");
  impl_ = std::make_unique<Impl>();
  bson_error_t error;
  impl_->uri = mongoc_uri_new_with_error(options_.uri.c_str(), &error);
  if (!impl_->uri)
    throw std::invalid_argument(fmt::format("docstore: bad URI '{}': {}", options_.uri, error.message));
  mongoc_uri_set_option_as_int32(impl_->uri, MONGOC_URI_CONNECTTIMEOUTMS,
                                 static_cast<int32_t>(options_.connect_timeout.count()));
  mongoc_uri_set_option_as_int32(impl_->uri, MONGOC_URI_SOCKETTIMEOUTMS,
                                 static_cast<int32_t>(options_.socket_timeout.count()));
  mongoc_uri_set_option_as_int32(impl_->uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
                                 static_cast<int32_t>(options_.server_selection_timeout.count()));
  mongoc_uri_set_option_as_int32(impl_->uri, MONGOC_URI_MAXPOOLSIZE,
                                 static_cast<int32_t>(options_.pool_size + options_.writers));
  impl_->pool = mongoc_client_pool_new(impl_->uri);
  if (!impl_->pool) throw std::invalid_argument("docstore: cannot create the client pool");
  // Error API 2: server errors carry the server's code (11000 for a duplicate key).
  mongoc_client_pool_set_error_api(impl_->pool, MONGOC_ERROR_API_VERSION_2);
  mongoc_client_pool_set_appname(impl_->pool, "store");
  // As many threads as clients: a thread never waits in mongoc_client_pool_pop.
  blocking_ = std::make_unique<store::core::BlockingPool>(options_.pool_size);
  if (options_.writers > 0) writes_ = std::make_unique<store::core::BlockingPool>(options_.writers);
}

// The thread pools are reset first so in-flight calls finish while the client pool still exists.
DocStore::~DocStore() {
  writes_.reset();
  blocking_.reset();
}

boost::asio::awaitable<Status> DocStore::Ping() {
  co_return co_await blocking_->Run([this]() -> Status {
    Impl::Client client(impl_->pool);
    BsonPtr command(BCON_NEW("ping", BCON_INT32(1)));
    bson_error_t error;
    if (!mongoc_client_command_simple(client.get(), "admin", command.get(), nullptr, nullptr, &error))
      return std::unexpected(MapError(error, "ping"));
    return {};
  });
}

boost::asio::awaitable<Result<bool>> DocStore::IsFerretDb() {
  co_return co_await blocking_->Run([this]() -> Result<bool> {
    Impl::Client client(impl_->pool);
    BsonPtr command(BCON_NEW("buildInfo", BCON_INT32(1)));
    bson_t reply;
    bson_error_t error;
    bool ok = mongoc_client_command_simple(client.get(), "admin", command.get(), nullptr, &reply, &error);
    bool ferret = ok && bson_has_field(&reply, "ferretdbVersion");
    bson_destroy(&reply);
    if (!ok) return std::unexpected(MapError(error, "buildInfo"));
    return ferret;
  });
}

boost::asio::awaitable<Status> DocStore::DropDatabase() {
  co_return co_await blocking_->Run([this]() -> Status {
    Impl::Client client(impl_->pool);
    mongoc_database_t* db = mongoc_client_get_database(client.get(), options_.database.c_str());
    bson_error_t error;
    bool ok = mongoc_database_drop(db, &error);
    mongoc_database_destroy(db);
    if (!ok) return std::unexpected(MapError(error, "dropDatabase"));
    return {};
  });
}

// ---------------------------------------------------------------------------------------------

// Every lambda handed to the BlockingPool captures by reference: the arguments live in this
// coroutine's frame until the call is done, and g++ 12 destroys a lambda with non-trivial
// by-value captures twice when it is written inside a co_await expression.

boost::asio::awaitable<Result<boost::json::value>> Collection::InsertOne(Document doc) & {
  if (!doc.contains("_id")) {
    bson_oid_t oid;
    bson_oid_init(&oid, nullptr);
    char hex[25];
    bson_oid_to_string(&oid, hex);
    doc["_id"] = {{"$oid", hex}};
  }
  co_return co_await store_->WritePool().Run(
      [this, &doc]() -> Result<boost::json::value> {
        TRY(bson, ToBson(doc));
        DocStore::Impl::CollectionHandle h(*store_->impl_, store_->options_.database, name_);
        bson_error_t error;
        if (!mongoc_collection_insert_one(h.coll, bson.get(), nullptr, nullptr, &error))
          return std::unexpected(MapError(error, "insert into " + name_));
        return doc.at("_id");
      });
}

boost::asio::awaitable<Result<std::vector<Document>>> Collection::Find(Document filter,
                                                                       FindOptions options) & {
  co_return co_await store_->blocking_->Run(
      [this, &filter, &options]() -> Result<std::vector<Document>> {
        Document opts;
        if (options.sort) opts["sort"] = *options.sort;
        if (options.projection) opts["projection"] = *options.projection;
        if (options.limit > 0) opts["limit"] = options.limit;
        if (options.skip > 0) opts["skip"] = options.skip;
        TRY(filter_bson, ToBson(filter));
        TRY(opts_bson, ToBson(opts));
        DocStore::Impl::CollectionHandle h(*store_->impl_, store_->options_.database, name_);
        mongoc_cursor_t* cursor =
            mongoc_collection_find_with_opts(h.coll, filter_bson.get(), opts_bson.get(), nullptr);
        std::vector<Document> docs;
        const bson_t* doc = nullptr;
        while (mongoc_cursor_next(cursor, &doc)) {
          auto converted = ToDocument(doc);
          if (!converted) {
            mongoc_cursor_destroy(cursor);
            return std::unexpected(std::move(converted.error()));
          }
          docs.push_back(std::move(*converted));
        }
        bson_error_t error;
        const bool failed = mongoc_cursor_error(cursor, &error);
        mongoc_cursor_destroy(cursor);
        if (failed) return std::unexpected(MapError(error, "find in " + name_));
        return docs;
      });
}

boost::asio::awaitable<Result<std::optional<Document>>> Collection::FindOne(Document filter) & {
  FindOptions options;
  options.limit = 1;
  CO_TRY(docs, co_await Find(std::move(filter), std::move(options)));
  if (docs.empty()) co_return std::optional<Document>();
  co_return std::optional<Document>(std::move(docs.front()));
}

namespace {
Result<UpdateResult> ReadUpdateReply(const bson_t* reply) {
  TRY(r, ToDocument(reply));
  UpdateResult out;
  out.matched = IntField(r, "matchedCount");
  out.modified = IntField(r, "modifiedCount");
  if (auto it = r.find("upsertedId"); it != r.end()) out.upserted_id = it->value();
  return out;
}
}  // namespace

boost::asio::awaitable<Result<UpdateResult>> Collection::UpdateOne(Document filter, Document update,
                                                                   bool upsert) & {
  co_return co_await store_->WritePool().Run(
      [this, &filter, &update, upsert]() -> Result<UpdateResult> {
        TRY(filter_bson, ToBson(filter));
        TRY(update_bson, ToBson(update));
        TRY(opts_bson, ToBson(Document{{"upsert", upsert}}));
        DocStore::Impl::CollectionHandle h(*store_->impl_, store_->options_.database, name_);
        bson_t reply;
        bson_error_t error;
        const bool ok = mongoc_collection_update_one(h.coll, filter_bson.get(), update_bson.get(),
                                                     opts_bson.get(), &reply, &error);
        // libmongoc initialises `reply` on success and on failure alike.
        Result<UpdateResult> result = ok ? ReadUpdateReply(&reply)
                                         : std::unexpected(MapError(error, "update in " + name_));
        bson_destroy(&reply);
        return result;
      });
}

boost::asio::awaitable<Result<UpdateResult>> Collection::ReplaceOne(Document filter,
                                                                    Document replacement, bool upsert) & {
  co_return co_await store_->WritePool().Run(
      [this, &filter, &replacement, upsert]() -> Result<UpdateResult> {
        TRY(filter_bson, ToBson(filter));
        TRY(replacement_bson, ToBson(replacement));
        TRY(opts_bson, ToBson(Document{{"upsert", upsert}}));
        DocStore::Impl::CollectionHandle h(*store_->impl_, store_->options_.database, name_);
        bson_t reply;
        bson_error_t error;
        const bool ok = mongoc_collection_replace_one(h.coll, filter_bson.get(), replacement_bson.get(),
                                                      opts_bson.get(), &reply, &error);
        Result<UpdateResult> result = ok ? ReadUpdateReply(&reply)
                                         : std::unexpected(MapError(error, "replace in " + name_));
        bson_destroy(&reply);
        return result;
      });
}

boost::asio::awaitable<Result<std::int64_t>> Collection::DeleteOne(Document filter) & {
  co_return co_await store_->WritePool().Run([this, &filter]() -> Result<std::int64_t> {
    TRY(filter_bson, ToBson(filter));
    DocStore::Impl::CollectionHandle h(*store_->impl_, store_->options_.database, name_);
    bson_t reply;
    bson_error_t error;
    const bool ok = mongoc_collection_delete_one(h.coll, filter_bson.get(), nullptr, &reply, &error);
    Result<std::int64_t> result = 0;
    if (!ok) {
      result = std::unexpected(MapError(error, "delete in " + name_));
    } else if (auto r = ToDocument(&reply)) {
      result = IntField(*r, "deletedCount");
    } else {
      result = std::unexpected(std::move(r.error()));
    }
    bson_destroy(&reply);
    return result;
  });
}

boost::asio::awaitable<Status> Collection::CreateIndex(Document keys, std::string name) & {
  co_return co_await store_->WritePool().Run([this, &keys, &name]() -> Status {
    Document command{{"createIndexes", name_}, {"indexes", boost::json::array{Document{{"key", keys}, {"name", name}}}}};
    TRY(command_bson, ToBson(command));
    DocStore::Impl::CollectionHandle h(*store_->impl_, store_->options_.database, name_);
    bson_t reply;
    bson_error_t error;
    const bool ok = mongoc_collection_write_command_with_opts(h.coll, command_bson.get(), nullptr, &reply, &error);
    bson_destroy(&reply);
    if (!ok) return std::unexpected(MapError(error, "createIndexes on " + name_));
    return {};
  });
}

}  // namespace store::docstore
