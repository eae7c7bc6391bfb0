// The cart's events as the outbox holds them and Kafka carries them: the libs/messaging envelope
// around the data of contracts/events/cart.*.v1.schema.json, keyed by the cart's id.
#pragma once

#include "app/events.hpp"
#include "app/ports.hpp"

namespace store::cart {

// The topic of an event (its type): cart.item_added.v1, ...
std::string TopicOf(const CartEvent& event);
// A new event id, the envelope's JSON, the cart's id as the key. `version`: the cart version the
// change made; `topic_prefix` goes before the topic (events.topic_prefix: a benchmark's own topics).
PendingEvent EncodeEvent(const CartEvent& event, const CartKey& key, std::int64_t version, TimePoint at,
                         const std::string& topic_prefix = "");

}  // namespace store::cart
