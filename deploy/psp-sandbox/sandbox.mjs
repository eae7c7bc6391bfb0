// The payment provider sandbox (DEVELOPMENT AND TESTS ONLY: never part of production, never linked
// into a service). It plays Stripe/Adyen — the outside world — for the payment service:
//
//   - a server API under /v1 (Bearer secret key): payment intents (create, get, confirm, capture,
//     cancel), refunds, card payment methods, Stripe-style idempotency (Idempotency-Key) on every POST;
//   - hosted pages for the shopper's browser (plain HTML forms, no JavaScript, so a test drives them
//     with plain HTTP): /pay/<id> (card form, bank choice, wallet), /3ds/<id> (3-D Secure challenge),
//     /bank/<id> (the bank's approval page); each needs the intent's client_secret;
//   - test cards with fixed behaviour (success, declines, 3-D Secure required / frictionless) and
//     asynchronous methods (online banking, wallet) that stay `processing` for a while, then settle;
//   - signed webhooks (Psp-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, Stripe's
//     scheme) delivered at least once with retries, and knobs under /_sandbox to make them late,
//     duplicated, reordered or missing, and to drop API answers (the client must retry with its key);
//   - everything it creates or changes is appended to $PSP_STATE_DIR/state.jsonl and replayed at
//     start, so a restart keeps intents, refunds, payment methods, idempotency records and events.
//
// Card numbers never leave this process except as last4 + a SHA-256 fingerprint (it is the PSP).
// The API, the test cards and the knobs are described in README.md next to this file.
//
// Environment: PSP_PORT (default STORE_PSP_PORT or 18190), PSP_HOST (127.0.0.1), PSP_PUBLIC_URL
// (the origin of the hosted pages; default http://HOST:PORT), PSP_SECRET_KEY, PSP_PUBLISHABLE_KEY,
// PSP_WEBHOOK_URL (empty: no webhooks), PSP_WEBHOOK_SECRET, PSP_STATE_DIR (default
// $STORE_STATE/psp-sandbox, else ./.state/psp-sandbox), PSP_SETTLE_DELAY_MS (1000),
// PSP_WEBHOOK_DELAY_MS (200). Node 20, standard library only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

const env = process.env;
const HOST = env.PSP_HOST || '127.0.0.1';
const PORT = Number(env.PSP_PORT || env.STORE_PSP_PORT || 18190);
const PUBLIC_URL = (env.PSP_PUBLIC_URL || `http://${HOST}:${PORT}`).replace(/\/+$/, '');
const SECRET_KEY = env.PSP_SECRET_KEY || 'sk_test_sandbox_dev_only';
const PUBLISHABLE_KEY = env.PSP_PUBLISHABLE_KEY || 'pk_test_sandbox_dev_only';
const WEBHOOK_SECRET = env.PSP_WEBHOOK_SECRET || 'whsec_sandbox_dev_only';
const STATE_DIR = env.PSP_STATE_DIR ||
  (env.STORE_STATE ? path.join(env.STORE_STATE, 'psp-sandbox') : path.resolve('.state/psp-sandbox'));
const STATE_FILE = path.join(STATE_DIR, 'state.jsonl');

const MAX_AMOUNT = 99999999;
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const API_BODY_LIMIT = 64 * 1024;
const FORM_BODY_LIMIT = 16 * 1024;
const WEBHOOK_MAX_ATTEMPTS = 12;
const WEBHOOK_FIRST_BACKOFF_MS = 250;
const WEBHOOK_MAX_BACKOFF_MS = 30000;
const WEBHOOK_ATTEMPT_TIMEOUT_MS = 10000;
const METHODS = ['card', 'online_banking', 'wallet'];
const BANKS = { sandbox_bank: 'Sandbox Bank', failing_bank: 'Failing Bank' };

// The knobs: start from the environment, changed at run time with POST /_sandbox/config (not persisted).
const config = {
  webhook_url: env.PSP_WEBHOOK_URL || '',
  webhook_delay_ms: intFromEnv('PSP_WEBHOOK_DELAY_MS', 200),
  settle_delay_ms: intFromEnv('PSP_SETTLE_DELAY_MS', 1000),
  duplicate: false,
  reverse: false,
  drop: false,
  drop_responses: 0,
};

function intFromEnv(name, fallback) {
  if (!env[name]) return fallback;
  const n = Number(env[name]);
  if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number of milliseconds`);
  return n;
}

function fail(message) {
  process.stderr.write(`psp-sandbox: ${message}\n`);
  process.exit(2);
}

function log(line) {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

// ---------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomChars(n = 24) {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUMERIC[crypto.randomInt(ALPHANUMERIC.length)];
  return s;
}
const newId = (prefix) => `${prefix}_${randomChars(24)}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const clone = (value) => structuredClone(value);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const given = (v) => v !== undefined && v !== null;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const toJson = (value) => JSON.stringify(value, null, 2) + '\n';

// Constant-time comparison of two strings of any length.
function sameSecret(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return crypto.timingSafeEqual(Buffer.from(sha256(a), 'hex'), Buffer.from(sha256(b), 'hex'));
}

// ---------------------------------------------------------------------------------------------------
// Errors: {"error":{"type","code","decline_code"?,"message","param"?,"payment_intent"?}}
// ---------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, type, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.extra = extra;
  }

  body() {
    const { decline_code, param, payment_intent } = this.extra;
    const error = { type: this.type, code: this.code };
    if (decline_code !== undefined) error.decline_code = decline_code;
    error.message = this.message;
    if (param !== undefined) error.param = param;
    if (payment_intent !== undefined) error.payment_intent = payment_intent;
    return { error };
  }
}

const invalid = (code, message, param) =>
  new ApiError(400, 'invalid_request_error', code, message, param === undefined ? {} : { param });
const noSuch = (what, id, param) =>
  new ApiError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param === undefined ? {} : { param });
const cardError = (code, message, param) => new ApiError(402, 'card_error', code, message, { param });

class BodyTooLarge extends Error {}

// ---------------------------------------------------------------------------------------------------
// State: in memory, every change appended to state.jsonl, replayed at start
// ---------------------------------------------------------------------------------------------------

const intents = new Map();        // pi_... -> PaymentIntent (exactly what the API shows)
const intentPrivate = new Map();  // pi_... -> { bank, settle_at, settle_outcome } (what only the PSP knows)
const refunds = new Map();        // re_... -> Refund
const paymentMethods = new Map(); // pm_... -> { pm, fingerprint, behaviour }
const idempotency = new Map();    // "<key hash>:<Idempotency-Key>" -> { method, path, body_sha256, status, body, created }
const events = [];                // { event, body, delivery } in creation order
const eventsById = new Map();

function persist(record) {
  fs.appendFileSync(STATE_FILE, JSON.stringify(record) + '\n');
}

const saveIntent = (intent) => persist({ t: 'intent', v: intent, x: intentPrivate.get(intent.id) });
const saveRefund = (refund) => persist({ t: 'refund', v: refund });
const saveDelivery = (entry) => persist({ t: 'delivery', id: entry.event.id, v: entry.delivery });

function replayState() {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  if (!fs.existsSync(STATE_FILE)) return 0;
  const lines = fs.readFileSync(STATE_FILE, 'utf8').split('\n');
  let count = 0;
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let rec;
    try { rec = JSON.parse(line); } catch {
      log(`state: skipping unreadable line ${i + 1} of ${STATE_FILE}`);
      continue;
    }
    count++;
    switch (rec.t) {
      case 'intent': intents.set(rec.v.id, rec.v); intentPrivate.set(rec.v.id, rec.x); break;
      case 'refund': refunds.set(rec.v.id, rec.v); break;
      case 'pm': paymentMethods.set(rec.v.id, { pm: rec.v, ...rec.x }); break;
      case 'idem':
        if (Date.now() - rec.v.created < IDEMPOTENCY_TTL_MS) idempotency.set(rec.k, rec.v);
        break;
      case 'event': addEvent(rec.v); break;
      case 'delivery': { const e = eventsById.get(rec.id); if (e) e.delivery = rec.v; break; }
      default: log(`state: unknown record type ${rec.t} on line ${i + 1}`);
    }
  }
  return count;
}

function addEvent(event) {
  const entry = {
    event,
    body: JSON.stringify(event),
    delivery: { attempts: 0, delivered: false, last_status: null, pending: false, dropped: false },
  };
  events.push(entry);
  eventsById.set(event.id, entry);
  return entry;
}

// ---------------------------------------------------------------------------------------------------
// Test cards and payment methods
// ---------------------------------------------------------------------------------------------------

// What a card does at confirm; any other Luhn-valid number is authorised.
const CARD_BEHAVIOUR = {
  '4000000000000002': 'generic_decline',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
  '4000002760003184': 'three_d_secure_required',
  '4000000000003055': 'three_d_secure_frictionless',
};

const DECLINES = {
  generic_decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficient_funds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  expired_card: { code: 'expired_card', decline_code: null, message: 'Your card has expired.' },
  incorrect_cvc: { code: 'incorrect_cvc', decline_code: null, message: "Your card's security code is incorrect." },
};

const FAILURES = {
  authentication: {
    code: 'payment_intent_authentication_failure', decline_code: null,
    message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  },
  provider_decline: { code: 'payment_method_provider_decline', decline_code: null, message: 'The bank declined the payment.' },
  customer_decline: { code: 'payment_method_customer_decline', decline_code: null, message: 'The customer canceled the payment in the wallet.' },
};

// Predefined tokens, usable wherever a pm_ id is (made at start, not persisted).
const TEST_TOKENS = {
  pm_card_visa: '4242424242424242',
  pm_card_mastercard: '5555555555554444',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_threeDSecureRequired: '4000002760003184',
  pm_card_threeDSecureOptional: '4000000000003055',
};

function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

function cardBrand(digits) {
  if (digits.startsWith('4')) return 'visa';
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  return 'unknown';
}

// Validates raw card fields (strings or numbers) like a card network would; throws 402 card_error.
function validateCard({ number, exp_month, exp_year, cvc }) {
  const digits = String(number ?? '').replace(/ /g, '');
  if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) {
    throw cardError('incorrect_number', 'Your card number is incorrect.', 'number');
  }
  const monthText = String(exp_month ?? '').trim();
  const month = Number(monthText);
  if (!/^\d{1,2}$/.test(monthText) || month < 1 || month > 12) {
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
  }
  const yearText = String(exp_year ?? '').trim();
  if (!/^(\d{2}|\d{4})$/.test(yearText)) {
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'exp_year');
  }
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  const today = new Date();
  const thisYear = today.getUTCFullYear();
  if (year < thisYear || year > thisYear + 50) {
    throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", 'exp_year');
  }
  if (year === thisYear && month < today.getUTCMonth() + 1) {
    throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", 'exp_month');
  }
  if (!/^\d{3,4}$/.test(String(cvc ?? '').trim())) {
    throw cardError('invalid_cvc', "Your card's security code is invalid.", 'cvc');
  }
  return { digits, exp_month: month, exp_year: year };
}

// A payment method entry: the public object plus what only the PSP keeps (never the number).
function cardEntry(id, { digits, exp_month, exp_year }, created) {
  return {
    pm: {
      id, object: 'payment_method', type: 'card',
      card: { brand: cardBrand(digits), last4: digits.slice(-4), exp_month, exp_year },
      created,
    },
    fingerprint: sha256(digits),
    behaviour: CARD_BEHAVIOUR[digits] || 'authorise',
  };
}

function createPaymentMethod(fields) {
  const card = validateCard(fields);
  const entry = cardEntry(newId('pm'), card, nowSeconds());
  paymentMethods.set(entry.pm.id, entry);
  persist({ t: 'pm', v: entry.pm, x: { fingerprint: entry.fingerprint, behaviour: entry.behaviour } });
  return entry;
}

function installTestTokens() {
  const created = nowSeconds();
  const exp_year = new Date().getUTCFullYear() + 5;
  for (const [token, digits] of Object.entries(TEST_TOKENS)) {
    paymentMethods.set(token, cardEntry(token, { digits, exp_month: 12, exp_year }, created));
  }
}

// ---------------------------------------------------------------------------------------------------
// Events and webhook delivery
// ---------------------------------------------------------------------------------------------------

// Events made while one request or settlement runs are collected and dispatched together at its end.
let batch = null;

function inBatch(fn) {
  batch = [];
  try {
    return fn();
  } finally {
    const made = batch;
    batch = null;
    dispatch(made);
  }
}

function emit(type, object) {
  const event = { id: newId('evt'), object: 'event', type, created: nowSeconds(), data: { object: clone(object) } };
  const entry = addEvent(event);
  persist({ t: 'event', v: event });
  if (batch) batch.push(entry); else dispatch([entry]);
}

// With `reverse` on, dispatched events wait here for webhook_delay_ms (from the first one held),
// then the whole group goes out newest first, one after the other.
let held = [];
let heldTimer = null;

function dispatch(entries) {
  if (entries.length === 0) return;
  if (config.drop) {
    for (const e of entries) { e.delivery.dropped = true; saveDelivery(e); }
    return;
  }
  if (!config.webhook_url) return;
  for (const e of entries) { e.delivery.pending = true; saveDelivery(e); }
  const copies = config.duplicate ? 2 : 1;
  if (config.reverse) {
    for (const e of entries) for (let c = 0; c < copies; c++) held.push(e);
    heldTimer ??= setTimeout(flushHeld, config.webhook_delay_ms);
    return;
  }
  for (const e of entries) {
    for (let c = 0; c < copies; c++) setTimeout(() => deliveryChain(e, 1), config.webhook_delay_ms);
  }
}

async function flushHeld() {
  const group = held.reverse();
  held = [];
  heldTimer = null;
  for (const e of group) {
    const result = await attemptDelivery(e);
    if (!result.delivered && !result.skipped) deliveryChain(e, 2);
    else finishChain(e);
  }
}

const backoff = (retry) => Math.min(WEBHOOK_FIRST_BACKOFF_MS * 2 ** (retry - 1), WEBHOOK_MAX_BACKOFF_MS);

// Attempts first..WEBHOOK_MAX_ATTEMPTS, with backoff before each retry, until one is a 2xx.
async function deliveryChain(entry, first) {
  for (let n = first; n <= WEBHOOK_MAX_ATTEMPTS; n++) {
    if (n > 1) await sleep(backoff(n - 1));
    const result = await attemptDelivery(entry);
    if (result.delivered || result.skipped) break;
  }
  finishChain(entry);
}

function finishChain(entry) {
  if (!entry.delivery.pending) return;
  entry.delivery.pending = false;
  saveDelivery(entry);
}

// One POST of the event to the current webhook URL, signed for this attempt.
async function attemptDelivery(entry) {
  const url = config.webhook_url;
  if (!url) return { skipped: true, delivered: false, status: null, error: 'no webhook_url configured' };
  const t = nowSeconds();
  const v1 = crypto.createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${entry.body}`).digest('hex');
  const { status, error } = await postJson(url, entry.body, { 'Psp-Signature': `t=${t},v1=${v1}` });
  const delivered = status !== null && status >= 200 && status < 300;
  const d = entry.delivery;
  d.attempts += 1;
  d.last_status = status;
  if (delivered) d.delivered = true;
  saveDelivery(entry);
  log(`webhook ${entry.event.id} ${entry.event.type} attempt ${d.attempts} -> ${status ?? error}`);
  return { skipped: false, delivered, status, error };
}

function postJson(urlString, body, headers) {
  return new Promise((resolve) => {
    let url;
    try { url = new URL(urlString); } catch { resolve({ status: null, error: 'invalid webhook_url' }); return; }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      timeout: WEBHOOK_ATTEMPT_TIMEOUT_MS,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': 'psp-sandbox/1',
        ...headers,
      },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, error: null }));
      res.on('error', (err) => resolve({ status: res.statusCode, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ status: null, error: err.message }));
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------------
// Payment intent state changes (each one persisted and announced by an event)
// ---------------------------------------------------------------------------------------------------

const payUrl = (intent) => `${PUBLIC_URL}/pay/${intent.id}?client_secret=${intent.client_secret}`;
const threeDsUrl = (intent) => `${PUBLIC_URL}/3ds/${intent.id}?client_secret=${intent.client_secret}`;
const bankUrl = (intent) => `${PUBLIC_URL}/bank/${intent.id}?client_secret=${intent.client_secret}`;

function setStatus(intent, status, eventType) {
  intent.status = status;
  saveIntent(intent);
  emit(eventType, intent);
}

function authorise(intent) {
  intent.next_action = null;
  intent.last_payment_error = null;
  if (intent.capture_method === 'automatic') {
    intent.amount_received = intent.amount;
    intent.amount_capturable = 0;
    setStatus(intent, 'succeeded', 'payment_intent.succeeded');
  } else {
    intent.amount_capturable = intent.amount;
    setStatus(intent, 'requires_capture', 'payment_intent.amount_capturable_updated');
  }
}

// A decline, a failed authentication, a bank or wallet refusal: back to requires_payment_method.
function paymentFailed(intent, failure) {
  intent.last_payment_error = { code: failure.code, decline_code: failure.decline_code ?? null, message: failure.message };
  intent.payment_method = null;
  intent.payment_method_details = null;
  intent.next_action = null;
  Object.assign(intentPrivate.get(intent.id), { bank: null, settle_at: null, settle_outcome: null });
  setStatus(intent, 'requires_payment_method', 'payment_intent.payment_failed');
}

function requireAction(intent, url) {
  intent.next_action = { type: 'redirect_to_url', redirect_to_url: { url, return_url: intent.return_url } };
  setStatus(intent, 'requires_action', 'payment_intent.requires_action');
}

// Online banking / wallet approved: `processing` until settle_delay_ms has passed.
function startProcessing(intent, outcome) {
  Object.assign(intentPrivate.get(intent.id), { settle_at: Date.now() + config.settle_delay_ms, settle_outcome: outcome });
  intent.next_action = null;
  intent.last_payment_error = null;
  setStatus(intent, 'processing', 'payment_intent.processing');
  scheduleSettlement(intent.id);
}

function scheduleSettlement(id) {
  const delay = Math.max(0, intentPrivate.get(id).settle_at - Date.now());
  setTimeout(() => settle(id), delay);
}

function settle(id) {
  const intent = intents.get(id);
  const priv = intentPrivate.get(id);
  if (!intent || intent.status !== 'processing') return;
  inBatch(() => {
    const outcome = priv.settle_outcome;
    Object.assign(priv, { settle_at: null, settle_outcome: null });
    if (outcome === 'authorise') authorise(intent);
    else paymentFailed(intent, FAILURES.provider_decline);
  });
  log(`settled ${id} -> ${intent.status}`);
}

// Confirms a card intent with a payment method entry; returns the failure when declined.
function confirmWithCard(intent, entry) {
  const { pm, behaviour } = entry;
  intent.last_payment_error = null;
  intent.payment_method = pm.id;
  intent.payment_method_details = { type: 'card', card: { ...pm.card, three_d_secure: null } };
  if (DECLINES[behaviour]) {
    paymentFailed(intent, DECLINES[behaviour]);
    return DECLINES[behaviour];
  }
  if (behaviour === 'three_d_secure_required') {
    requireAction(intent, threeDsUrl(intent));
    return null;
  }
  if (behaviour === 'three_d_secure_frictionless') intent.payment_method_details.card.three_d_secure = 'frictionless';
  authorise(intent);
  return null;
}

function cardDeclined(intent, failure) {
  return new ApiError(402, 'card_error', failure.code, failure.message,
    { decline_code: failure.decline_code ?? null, payment_intent: clone(intent) });
}

function unexpectedState(intent, action) {
  return new ApiError(400, 'invalid_request_error', 'payment_intent_unexpected_state',
    `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`,
    { payment_intent: clone(intent) });
}

// ---------------------------------------------------------------------------------------------------
// Parameter validation (400 invalid_request_error with `param`)
// ---------------------------------------------------------------------------------------------------

function onlyParams(body, allowed, prefix = '') {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalid('parameter_unknown', `Received unknown parameter: ${prefix}${key}`, prefix + key);
  }
}

function required(value, param) {
  if (!given(value)) throw invalid('parameter_missing', `Missing required param: ${param}.`, param);
  return value;
}

function amountParam(value, param, max = MAX_AMOUNT) {
  if (!Number.isInteger(value)) throw invalid('parameter_invalid_integer', `Invalid integer: ${param} must be a whole number of minor units.`, param);
  if (value < 1) throw invalid('amount_too_small', `${param} must be at least 1.`, param);
  if (value > max) throw invalid('amount_too_large', `${param} must be at most ${max}.`, param);
  return value;
}

function enumParam(value, param, allowed) {
  if (!allowed.includes(value)) throw invalid('parameter_invalid', `Invalid ${param}: must be one of ${allowed.join(', ')}.`, param);
  return value;
}

function stringParam(value, param, maxLength) {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw invalid('parameter_invalid', `Invalid ${param}: a string of 1 to ${maxLength} characters.`, param);
  }
  return value;
}

function currencyParam(value) {
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value)) {
    throw invalid('parameter_invalid', 'Invalid currency: a three-letter ISO code such as eur.', 'currency');
  }
  return value.toLowerCase();
}

function urlParam(value, param) {
  if (!given(value)) return null;
  let url = null;
  if (typeof value === 'string' && value.length <= 2048) { try { url = new URL(value); } catch { url = null; } }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw invalid('url_invalid', `Invalid ${param}: an absolute http(s) URL.`, param);
  }
  return value;
}

function metadataParam(value) {
  if (!given(value)) return {};
  if (!isObject(value)) throw invalid('parameter_invalid', 'Invalid metadata: an object of string values.', 'metadata');
  const keys = Object.keys(value);
  if (keys.length > 50) throw invalid('parameter_invalid', 'Invalid metadata: at most 50 keys.', 'metadata');
  for (const key of keys) {
    const param = `metadata[${key}]`;
    if (key.length === 0 || key.length > 40) throw invalid('parameter_invalid', 'Metadata keys have 1 to 40 characters.', param);
    if (typeof value[key] !== 'string' || value[key].length > 500) {
      throw invalid('parameter_invalid', 'Metadata values are strings of at most 500 characters.', param);
    }
  }
  return { ...value };
}

function findIntent(id, param) {
  const intent = intents.get(id);
  if (!intent) throw noSuch('payment_intent', id, param);
  return intent;
}

// ---------------------------------------------------------------------------------------------------
// The server API (/v1): each handler returns the answer's object (200) or throws an ApiError
// ---------------------------------------------------------------------------------------------------

function createIntent(body) {
  onlyParams(body, ['amount', 'currency', 'method', 'capture_method', 'return_url', 'metadata']);
  const amount = amountParam(required(body.amount, 'amount'), 'amount');
  const currency = currencyParam(required(body.currency, 'currency'));
  const method = enumParam(required(body.method, 'method'), 'method', METHODS);
  const capture_method = given(body.capture_method)
    ? enumParam(body.capture_method, 'capture_method', ['automatic', 'manual']) : 'automatic';
  const return_url = urlParam(body.return_url, 'return_url');
  const metadata = metadataParam(body.metadata);

  const id = newId('pi');
  const client_secret = `${id}_secret_${randomChars(24)}`;
  const intent = {
    id, object: 'payment_intent', amount, currency, method, capture_method,
    status: 'requires_payment_method',
    amount_capturable: 0, amount_received: 0, amount_refunded: 0,
    client_secret,
    hosted_url: `${PUBLIC_URL}/pay/${id}?client_secret=${client_secret}`,
    return_url, next_action: null, last_payment_error: null,
    payment_method: null, payment_method_details: null, cancellation_reason: null,
    metadata, created: nowSeconds(), livemode: false,
  };
  intents.set(id, intent);
  intentPrivate.set(id, { bank: null, settle_at: null, settle_outcome: null });
  saveIntent(intent);
  return intent;
}

function getIntent(_body, [id]) {
  return findIntent(id);
}

function confirmIntent(body, [id]) {
  const intent = findIntent(id);
  onlyParams(body, ['payment_method', 'return_url']);
  const returnUrl = given(body.return_url) ? urlParam(body.return_url, 'return_url') : undefined;
  if (intent.status !== 'requires_payment_method') throw unexpectedState(intent, 'confirm');

  if (intent.method === 'card') {
    const pmId = stringParam(required(body.payment_method, 'payment_method'), 'payment_method', 255);
    const entry = paymentMethods.get(pmId);
    if (!entry) throw noSuch('payment_method', pmId, 'payment_method');
    if (returnUrl !== undefined) intent.return_url = returnUrl;
    const failure = confirmWithCard(intent, entry);
    if (failure) throw cardDeclined(intent, failure);
    return intent;
  }
  if (given(body.payment_method)) {
    throw invalid('parameter_invalid',
      `A ${intent.method} PaymentIntent is confirmed without payment_method: the shopper chooses on the hosted page.`, 'payment_method');
  }
  if (returnUrl !== undefined) intent.return_url = returnUrl;
  intent.last_payment_error = null;
  requireAction(intent, payUrl(intent));
  return intent;
}

function captureIntent(body, [id]) {
  const intent = findIntent(id);
  onlyParams(body, ['amount_to_capture']);
  const wanted = given(body.amount_to_capture) ? amountParam(body.amount_to_capture, 'amount_to_capture') : null;
  if (intent.status !== 'requires_capture') throw unexpectedState(intent, 'capture');
  const amount = wanted ?? intent.amount_capturable;
  if (amount > intent.amount_capturable) {
    throw invalid('amount_too_large',
      `amount_to_capture (${amount}) is greater than amount_capturable (${intent.amount_capturable}).`, 'amount_to_capture');
  }
  intent.amount_received = amount;
  intent.amount_capturable = 0;
  setStatus(intent, 'succeeded', 'payment_intent.succeeded');
  return intent;
}

function cancelIntent(body, [id]) {
  const intent = findIntent(id);
  onlyParams(body, ['cancellation_reason']);
  const reason = given(body.cancellation_reason) ? stringParam(body.cancellation_reason, 'cancellation_reason', 500) : null;
  if (!['requires_payment_method', 'requires_action', 'requires_capture'].includes(intent.status)) {
    throw unexpectedState(intent, 'cancel');
  }
  intent.cancellation_reason = reason;
  intent.amount_capturable = 0;
  intent.next_action = null;
  setStatus(intent, 'canceled', 'payment_intent.canceled');
  return intent;
}

function createRefund(body) {
  onlyParams(body, ['payment_intent', 'amount', 'reason', 'metadata']);
  const intentId = stringParam(required(body.payment_intent, 'payment_intent'), 'payment_intent', 255);
  const wanted = given(body.amount) ? amountParam(body.amount, 'amount') : null;
  const reason = given(body.reason) ? stringParam(body.reason, 'reason', 500) : null;
  const metadata = metadataParam(body.metadata);
  const intent = findIntent(intentId, 'payment_intent');
  if (intent.status !== 'succeeded') throw unexpectedState(intent, 'refund');
  const left = intent.amount_received - intent.amount_refunded;
  if (wanted === null && left === 0) {
    throw invalid('charge_already_refunded', `PaymentIntent ${intent.id} has already been refunded in full.`, 'payment_intent');
  }
  const amount = wanted ?? left;
  if (amount > left) {
    throw invalid('amount_too_large', `Refund amount (${amount}) is greater than what is left to refund (${left}).`, 'amount');
  }
  const refund = {
    id: newId('re'), object: 'refund', payment_intent: intent.id, amount, currency: intent.currency,
    status: 'succeeded', reason, metadata, created: nowSeconds(),
  };
  refunds.set(refund.id, refund);
  saveRefund(refund);
  intent.amount_refunded += amount;
  saveIntent(intent);
  emit('refund.created', refund);
  return refund;
}

function getRefund(_body, [id]) {
  const refund = refunds.get(id);
  if (!refund) throw noSuch('refund', id);
  return refund;
}

// JSON {type:"card", card:{number, exp_month, exp_year, cvc}} or a form with the card's fields flat.
function createPaymentMethodRoute(body, _params, ctx) {
  let card;
  if (ctx.form) {
    onlyParams(body, ['type', 'number', 'exp_month', 'exp_year', 'cvc']);
    card = body;
  } else {
    onlyParams(body, ['type', 'card']);
    card = required(body.card, 'card');
    if (!isObject(card)) throw invalid('parameter_invalid', 'Invalid card: an object.', 'card');
    onlyParams(card, ['number', 'exp_month', 'exp_year', 'cvc'], 'card.');
  }
  if (given(body.type)) enumParam(body.type, 'type', ['card']);
  return createPaymentMethod(card).pm;
}

// ---------------------------------------------------------------------------------------------------
// The sandbox's own routes (/_sandbox): knobs and events
// ---------------------------------------------------------------------------------------------------

function publicConfig() {
  return { ...config };
}

function setConfig(body) {
  onlyParams(body, Object.keys(config));
  const next = {};
  if (given(body.webhook_url)) {
    next.webhook_url = body.webhook_url === '' ? '' : urlParam(body.webhook_url, 'webhook_url');
  }
  for (const key of ['webhook_delay_ms', 'settle_delay_ms']) {
    if (!given(body[key])) continue;
    if (!Number.isInteger(body[key]) || body[key] < 0 || body[key] > 3600000) {
      throw invalid('parameter_invalid_integer', `${key}: a whole number of milliseconds, 0 to 3600000.`, key);
    }
    next[key] = body[key];
  }
  for (const key of ['duplicate', 'reverse', 'drop']) {
    if (!given(body[key])) continue;
    if (typeof body[key] !== 'boolean') throw invalid('parameter_invalid', `${key}: true or false.`, key);
    next[key] = body[key];
  }
  if (given(body.drop_responses)) {
    if (!Number.isInteger(body.drop_responses) || body.drop_responses < 0 || body.drop_responses > 1000) {
      throw invalid('parameter_invalid_integer', 'drop_responses: a whole number, 0 to 1000.', 'drop_responses');
    }
    next.drop_responses = body.drop_responses;
  }
  Object.assign(config, next);
  log(`config ${JSON.stringify(config)}`);
  return publicConfig();
}

function eventView(entry) {
  const { attempts, delivered, last_status } = entry.delivery;
  return { ...entry.event, delivery: { attempts, delivered, last_status } };
}

function listEvents(_body, _params, ctx) {
  const intentId = ctx.query.get('payment_intent');
  const type = ctx.query.get('type');
  const about = (event) => {
    const o = event.data.object;
    return o.object === 'refund' ? o.payment_intent : o.id;
  };
  const data = events
    .filter((e) => !intentId || about(e.event) === intentId)
    .filter((e) => !type || e.event.type === type)
    .map(eventView);
  return { data };
}

async function redeliverEvent(_body, [id]) {
  const entry = eventsById.get(id);
  if (!entry) throw noSuch('event', id);
  if (!config.webhook_url) throw invalid('webhook_url_missing', 'No webhook_url is configured (PSP_WEBHOOK_URL or POST /_sandbox/config).');
  const result = await attemptDelivery(entry);
  return { id, status: result.status, delivered: result.delivered, error: result.error, delivery: eventView(entry).delivery };
}

// ---------------------------------------------------------------------------------------------------
// API plumbing: routing, authentication, idempotency, answers
// ---------------------------------------------------------------------------------------------------

const ID = '([A-Za-z0-9_]+)';
const API_ROUTES = [
  { method: 'POST', path: /^\/v1\/payment_intents$/, handler: createIntent },
  { method: 'GET', path: new RegExp(`^/v1/payment_intents/${ID}$`), handler: getIntent },
  { method: 'POST', path: new RegExp(`^/v1/payment_intents/${ID}/confirm$`), handler: confirmIntent },
  { method: 'POST', path: new RegExp(`^/v1/payment_intents/${ID}/capture$`), handler: captureIntent },
  { method: 'POST', path: new RegExp(`^/v1/payment_intents/${ID}/cancel$`), handler: cancelIntent },
  { method: 'POST', path: /^\/v1\/refunds$/, handler: createRefund },
  { method: 'GET', path: new RegExp(`^/v1/refunds/${ID}$`), handler: getRefund },
  { method: 'POST', path: /^\/v1\/payment_methods$/, handler: createPaymentMethodRoute, publishable: true, form: true },
  { method: 'GET', path: /^\/_sandbox\/config$/, handler: publicConfig },
  { method: 'POST', path: /^\/_sandbox\/config$/, handler: setConfig },
  { method: 'GET', path: /^\/_sandbox\/events$/, handler: listEvents },
  { method: 'POST', path: new RegExp(`^/_sandbox/events/${ID}/deliver$`), handler: redeliverEvent },
];

function matchRoute(method, pathname) {
  for (const route of API_ROUTES) {
    const m = route.path.exec(pathname);
    if (m && route.method === method) return { route, params: m.slice(1) };
  }
  return null;
}

// The API key of the request, or the 401 ApiError.
function authenticate(req, route) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization || '');
  const auth = (code, message) => new ApiError(401, 'authentication_error', code, message);
  if (!m) return { error: auth('api_key_missing', 'No API key provided: send Authorization: Bearer <secret key>.') };
  if (sameSecret(m[1], SECRET_KEY)) return { key: m[1] };
  if (sameSecret(m[1], PUBLISHABLE_KEY)) {
    if (route?.publishable) return { key: m[1] };
    return { error: auth('invalid_api_key', 'This API call cannot be made with a publishable API key.') };
  }
  return { error: auth('invalid_api_key', 'Invalid API key provided.') };
}

async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// A JSON object; a form body only where the route takes one (a body starting with "{" is JSON
// whatever its Content-Type says, so `curl -d '{...}'` works).
function parseBody(raw, contentType, allowForm) {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { body: {}, form: false };
  if (/^application\/x-www-form-urlencoded/i.test(contentType || '') && !text.trimStart().startsWith('{')) {
    if (!allowForm) throw invalid('parameter_invalid', 'This endpoint takes a JSON body (Content-Type: application/json).');
    return { body: Object.fromEntries(new URLSearchParams(text)), form: true };
  }
  let body;
  try { body = JSON.parse(text); } catch {
    throw invalid('parameter_invalid', 'The request body is not valid JSON.');
  }
  if (!isObject(body)) throw invalid('parameter_invalid', 'The request body must be a JSON object.');
  return { body, form: false };
}

const errorAnswer = (err) => ({ status: err.status, body: toJson(err.body()) });

// Runs a route's handler on the raw body: the answer { status, body } (never throws an ApiError).
async function runRoute(route, params, raw, req, ctx) {
  try {
    const { body, form } = parseBody(raw, req.headers['content-type'], route.form);
    let value = inBatch(() => route.handler(body, params, { ...ctx, form }));
    if (value instanceof Promise) value = await value;
    return { status: 200, body: toJson(value) };
  } catch (err) {
    if (err instanceof ApiError) return errorAnswer(err);
    throw err;
  }
}

function sendJson(res, answer, extraHeaders = {}) {
  res.writeHead(answer.status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(answer.body),
    ...extraHeaders,
  });
  res.end(answer.body);
}

// Sends a handler's (or a replayed) answer, unless the drop_responses knob eats it.
function finishApi(req, res, pathname, answer, replayed) {
  if (req.method === 'POST' && pathname.startsWith('/v1/') && config.drop_responses > 0) {
    config.drop_responses -= 1;
    log(`${req.method} ${pathname} ${answer.status} DROPPED (drop_responses left: ${config.drop_responses})`);
    res.dropped = true;
    req.socket.destroy();
    return;
  }
  sendJson(res, answer, replayed ? { 'Idempotent-Replayed': 'true' } : {});
}

const inFlight = new Set();

function liveIdempotencyRecord(scope) {
  const record = idempotency.get(scope);
  if (!record) return null;
  if (Date.now() - record.created >= IDEMPOTENCY_TTL_MS) { idempotency.delete(scope); return null; }
  return record;
}

async function handleApi(req, res, url) {
  const pathname = url.pathname;
  const found = matchRoute(req.method, pathname);
  const auth = authenticate(req, found?.route);
  if (auth.error) return sendJson(res, errorAnswer(auth.error));
  if (!found) {
    return sendJson(res, errorAnswer(new ApiError(404, 'invalid_request_error', 'unrecognized_request_url',
      `Unrecognized request URL (${req.method}: ${pathname}).`)));
  }
  const { route, params } = found;
  const ctx = { query: url.searchParams };
  const key = req.headers['idempotency-key'];
  if (req.method !== 'POST' || key === undefined) {
    const raw = req.method === 'POST' ? await readBody(req, API_BODY_LIMIT) : Buffer.alloc(0);
    return finishApi(req, res, pathname, await runRoute(route, params, raw, req, ctx), false);
  }

  if (key.length === 0 || key.length > 255) {
    return sendJson(res, errorAnswer(invalid('idempotency_key_invalid', 'The Idempotency-Key header must have 1 to 255 characters.')));
  }
  const scope = `${sha256(auth.key).slice(0, 16)}:${key}`;
  if (inFlight.has(scope)) {
    return sendJson(res, errorAnswer(new ApiError(409, 'idempotency_error', 'idempotency_key_in_use',
      'Another request with this Idempotency-Key is still in progress; retry it later.')));
  }
  inFlight.add(scope);
  try {
    const raw = await readBody(req, API_BODY_LIMIT);
    const request = { method: req.method, path: pathname, body_sha256: sha256(raw) };
    const stored = liveIdempotencyRecord(scope);
    if (stored) {
      if (stored.method !== request.method || stored.path !== request.path || stored.body_sha256 !== request.body_sha256) {
        return sendJson(res, errorAnswer(new ApiError(400, 'idempotency_error', 'idempotency_key_in_use',
          `Keys for idempotent requests can only be used with the same method, path and body they were first used with (this key was used for ${stored.method} ${stored.path}).`)));
      }
      return finishApi(req, res, pathname, { status: stored.status, body: stored.body }, true);
    }
    const answer = await runRoute(route, params, raw, req, ctx);
    if (answer.status < 500) {
      const record = { ...request, status: answer.status, body: answer.body, created: Date.now() };
      idempotency.set(scope, record);
      persist({ t: 'idem', k: scope, v: record });
    }
    return finishApi(req, res, pathname, answer, false);
  } finally {
    inFlight.delete(scope);
  }
}

// ---------------------------------------------------------------------------------------------------
// Hosted pages (the shopper's browser): plain HTML forms, no JavaScript
// ---------------------------------------------------------------------------------------------------

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function formatAmount(amount, currency) {
  try {
    const fmt = new Intl.NumberFormat('en-GB', { style: 'currency', currency: currency.toUpperCase() });
    return fmt.format(amount / 10 ** fmt.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${amount} ${currency.toUpperCase()} (minor units)`;
  }
}

function page(title, content) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · PSP sandbox</title>
<style>
body{font:16px/1.4 system-ui,sans-serif;max-width:30rem;margin:1.5rem auto;padding:0 1rem;color:#222}
.banner{background:#fd3;padding:.3rem .6rem;font-size:.85rem}
label{display:block;margin:.6rem 0}
input,select{display:block;width:100%;padding:.4rem;font:inherit;box-sizing:border-box}
button{margin:.8rem .5rem 0 0;padding:.5rem 1.1rem;font:inherit}
.error{color:#a00;font-weight:bold}.small{color:#666;font-size:.85rem}
</style></head>
<body><p class="banner">PSP sandbox: test mode, no real money moves.</p>
<h1>${esc(title)}</h1>
${content}
</body></html>
`;
}

const summary = (intent) =>
  `<p>Amount: <strong>${esc(formatAmount(intent.amount, intent.currency))}</strong> (${esc(intent.currency.toUpperCase())})<br>` +
  `<span class="small">Payment ${esc(intent.id)}</span></p>`;
const errorLine = (message) => (message ? `<p class="error" role="alert">${esc(message)}</p>` : '');
const secretField = (intent) => `<input type="hidden" name="client_secret" value="${esc(intent.client_secret)}">`;
const html = (status, title, content) => ({ status, html: page(title, content) });

function cardForm(intent, status = 200, message = '') {
  const cards = Object.entries(CARD_BEHAVIOUR).map(([n, b]) => `${n} ${b.replaceAll('_', ' ')}`);
  return html(status, 'Pay by card', `${summary(intent)}${errorLine(message)}
<form method="post" action="/pay/${esc(intent.id)}">${secretField(intent)}
<label>Card number <input name="number" inputmode="numeric" autocomplete="cc-number" required></label>
<label>Expiry month (1-12) <input name="exp_month" inputmode="numeric" autocomplete="cc-exp-month" required></label>
<label>Expiry year <input name="exp_year" inputmode="numeric" autocomplete="cc-exp-year" required></label>
<label>CVC <input name="cvc" inputmode="numeric" autocomplete="cc-csc" required></label>
<button type="submit">Pay ${esc(formatAmount(intent.amount, intent.currency))}</button>
</form>
<p class="small">Test cards: 4242 4242 4242 4242 succeeds; ${esc(cards.join('; '))}. Any future expiry, any CVC.</p>`);
}

function bankChoiceForm(intent, status = 200, message = '') {
  const options = Object.entries(BANKS).map(([value, name]) => `<option value="${value}">${esc(name)}</option>`).join('');
  return html(status, 'Pay by online banking', `${summary(intent)}${errorLine(message)}
<form method="post" action="/pay/${esc(intent.id)}">${secretField(intent)}
<label>Your bank <select name="bank">${options}</select></label>
<button type="submit">Continue to your bank</button>
</form>`);
}

function bankApprovalPage(intent) {
  const bank = BANKS[intentPrivate.get(intent.id).bank];
  return html(200, `${bank}: approve the payment`, `${summary(intent)}
<p>${esc(bank)} asks you to approve a payment of ${esc(formatAmount(intent.amount, intent.currency))}.</p>
<form method="post" action="/bank/${esc(intent.id)}">${secretField(intent)}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="reject">Reject</button>
</form>`);
}

function walletForm(intent, status = 200, message = '') {
  return html(status, 'Pay with the sandbox wallet', `${summary(intent)}${errorLine(message)}
<form method="post" action="/pay/${esc(intent.id)}">${secretField(intent)}
<label>Wallet account (email) <input type="email" name="payer_email" autocomplete="email"></label>
<button type="submit" name="decision" value="approve">Approve payment</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`);
}

function challengePage(intent) {
  return html(200, 'Sandbox 3-D Secure', `${summary(intent)}
<p>Sandbox 3-D Secure: approve this payment of ${esc(formatAmount(intent.amount, intent.currency))}?</p>
<form method="post" action="/3ds/${esc(intent.id)}">${secretField(intent)}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="fail">Fail authentication</button>
</form>`);
}

// redirect_status for a return_url: succeeded, processing or failed.
function redirectStatusOf(intent) {
  if (intent.status === 'succeeded' || intent.status === 'requires_capture') return 'succeeded';
  if (intent.status === 'processing') return 'processing';
  return 'failed';
}

function returnLink(intent, redirectStatus) {
  const url = new URL(intent.return_url);
  url.searchParams.set('payment_intent', intent.id);
  url.searchParams.set('redirect_status', redirectStatus);
  return url.href;
}

// The end of a hosted flow: back to the shop's return_url, or a small result page without one.
function finish(intent, redirectStatus) {
  if (intent.return_url) return { redirect: returnLink(intent, redirectStatus) };
  const titles = { succeeded: 'Payment complete', processing: 'Payment processing', failed: 'Payment failed' };
  const detail = intent.last_payment_error ? errorLine(intent.last_payment_error.message) : '';
  return html(200, titles[redirectStatus], `${summary(intent)}${detail}<p>Status: <strong>${esc(intent.status)}</strong>. You can close this page.</p>`);
}

// A hosted page opened while the intent is not in the state that page is for.
function statusPage(intent) {
  const parts = [`${summary(intent)}<p>This payment's status is <strong>${esc(intent.status)}</strong>.</p>`];
  if (intent.last_payment_error) parts.push(errorLine(intent.last_payment_error.message));
  if (intent.status === 'requires_action' && intent.next_action) {
    parts.push(`<p><a href="${esc(intent.next_action.redirect_to_url.url)}">Continue the payment</a></p>`);
  }
  if (intent.return_url) parts.push(`<p><a href="${esc(returnLink(intent, redirectStatusOf(intent)))}">Back to the shop</a></p>`);
  return html(200, 'Payment status', parts.join('\n'));
}

const redirectable = ['requires_payment_method', 'requires_action'];

function payGet(intent) {
  if (intent.method === 'card') return intent.status === 'requires_payment_method' ? cardForm(intent) : statusPage(intent);
  if (!redirectable.includes(intent.status)) return statusPage(intent);
  return intent.method === 'online_banking' ? bankChoiceForm(intent) : walletForm(intent);
}

function payPost(intent, form) {
  if (intent.method === 'card') {
    if (intent.status !== 'requires_payment_method') return statusPage(intent);
    let entry;
    try {
      entry = createPaymentMethod(Object.fromEntries(['number', 'exp_month', 'exp_year', 'cvc'].map((f) => [f, form.get(f)])));
    } catch (err) {
      if (err instanceof ApiError) return cardForm(intent, 402, err.message);
      throw err;
    }
    const failure = confirmWithCard(intent, entry);
    if (failure) return cardForm(intent, 402, failure.message);
    if (intent.status === 'requires_action') return { redirect: threeDsUrl(intent) };
    return finish(intent, 'succeeded');
  }
  if (!redirectable.includes(intent.status)) return statusPage(intent);
  if (intent.method === 'online_banking') {
    const bank = form.get('bank');
    if (!Object.hasOwn(BANKS, bank ?? '')) return bankChoiceForm(intent, 400, 'Choose a bank.');
    intentPrivate.get(intent.id).bank = bank;
    intent.payment_method_details = { type: 'online_banking', online_banking: { bank } };
    intent.last_payment_error = null;
    if (intent.status === 'requires_payment_method') requireAction(intent, payUrl(intent));
    else saveIntent(intent);
    return { redirect: bankUrl(intent) };
  }
  // wallet
  const decision = form.get('decision');
  if (decision === 'cancel') {
    paymentFailed(intent, FAILURES.customer_decline);
    return finish(intent, 'failed');
  }
  if (decision !== 'approve') return walletForm(intent, 400, 'Approve or cancel the payment.');
  const email = (form.get('payer_email') || '').trim();
  if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 254) return walletForm(intent, 400, 'Enter the email address of your wallet account.');
  intent.payment_method_details = { type: 'wallet', wallet: { payer_email: email } };
  startProcessing(intent, 'authorise');
  return finish(intent, 'processing');
}

function bankGet(intent) {
  const ready = intent.status === 'requires_action' && intentPrivate.get(intent.id).bank;
  return ready ? bankApprovalPage(intent) : statusPage(intent);
}

function bankPost(intent, form) {
  const bank = intentPrivate.get(intent.id).bank;
  if (intent.status !== 'requires_action' || !bank) return statusPage(intent);
  const decision = form.get('decision');
  if (decision === 'approve') {
    startProcessing(intent, bank === 'sandbox_bank' ? 'authorise' : 'provider_decline');
    return finish(intent, 'processing');
  }
  if (decision === 'reject') {
    paymentFailed(intent, FAILURES.provider_decline);
    return finish(intent, 'failed');
  }
  return { ...bankApprovalPage(intent), status: 400 };
}

function threeDsGet(intent) {
  return intent.status === 'requires_action' ? challengePage(intent) : statusPage(intent);
}

function threeDsPost(intent, form) {
  if (intent.status !== 'requires_action') return statusPage(intent);
  const decision = form.get('decision');
  if (decision === 'approve') {
    intent.payment_method_details.card.three_d_secure = 'authenticated';
    authorise(intent);
    return finish(intent, 'succeeded');
  }
  if (decision === 'fail') {
    paymentFailed(intent, FAILURES.authentication);
    return finish(intent, 'failed');
  }
  return { ...challengePage(intent), status: 400 };
}

const HOSTED = {
  pay: { methods: METHODS, GET: payGet, POST: payPost },
  bank: { methods: ['online_banking'], GET: bankGet, POST: bankPost },
  '3ds': { methods: ['card'], GET: threeDsGet, POST: threeDsPost },
};

function hostedHeaders(intent) {
  const origins = intent?.return_url ? ` ${new URL(intent.return_url).origin}` : '';
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${origins}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  };
}

async function handleHosted(req, res, url, kind, id) {
  const intent = intents.get(id);
  const send = (view) => {
    if (view.redirect) {
      res.writeHead(303, { ...hostedHeaders(intent), Location: view.redirect, 'Content-Type': 'text/plain' });
      res.end(`See ${view.redirect}\n`);
      return;
    }
    res.writeHead(view.status, { ...hostedHeaders(intent), 'Content-Type': 'text/html; charset=utf-8' });
    res.end(view.html);
  };
  const routes = HOSTED[kind];
  if (req.method !== 'GET' && req.method !== 'POST') return send(html(405, 'Method not allowed', '<p>Use GET or POST.</p>'));
  if (!intent || !routes.methods.includes(intent.method)) return send(html(404, 'Not found', '<p>There is no such payment page.</p>'));
  const form = req.method === 'POST' ? new URLSearchParams((await readBody(req, FORM_BODY_LIMIT)).toString('utf8')) : null;
  const secret = form?.get('client_secret') ?? url.searchParams.get('client_secret');
  if (!sameSecret(secret, intent.client_secret)) {
    return send(html(403, 'Forbidden', '<p>This payment link is not valid (wrong or missing client_secret).</p>'));
  }
  send(inBatch(() => routes[req.method](intent, form)));
}

// ---------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------

async function handle(req, res, url) {
  const pathname = url.pathname;
  if (pathname === '/healthz' && req.method === 'GET') {
    return sendJson(res, { status: 200, body: toJson({ status: 'ok' }) });
  }
  if (pathname.startsWith('/v1/') || pathname.startsWith('/_sandbox/')) return handleApi(req, res, url);
  const hosted = /^\/(pay|3ds|bank)\/(pi_[A-Za-z0-9]+)$/.exec(pathname);
  if (hosted) return handleHosted(req, res, url, hosted[1], hosted[2]);
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
  res.end('not found\n');
}

const server = http.createServer((req, res) => {
  const started = Date.now();
  let url;
  try { url = new URL(req.url, 'http://sandbox.invalid'); } catch { url = new URL('http://sandbox.invalid/'); }
  // The path only: query strings carry client secrets.
  res.on('finish', () => log(`${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms`));
  handle(req, res, url).catch((err) => {
    if (res.dropped || res.headersSent) { if (!res.writableEnded) res.destroy(); return; }
    if (err instanceof BodyTooLarge) {
      sendJson(res, errorAnswer(new ApiError(413, 'invalid_request_error', 'body_too_large', 'The request body is too large.')),
        { Connection: 'close' });
      return;
    }
    log(`error on ${req.method} ${url.pathname}: ${err.stack || err}`);
    sendJson(res, errorAnswer(new ApiError(500, 'api_error', 'internal_error', 'The sandbox failed; see its log.')));
  });
});

function start() {
  try { new URL(PUBLIC_URL); } catch { fail(`PSP_PUBLIC_URL is not a URL: ${PUBLIC_URL}`); }
  if (config.webhook_url) {
    try { urlParam(config.webhook_url, 'PSP_WEBHOOK_URL'); } catch { fail(`PSP_WEBHOOK_URL is not an http(s) URL: ${config.webhook_url}`); }
  }
  const records = replayState();
  installTestTokens();
  log(`state: ${records} records replayed from ${STATE_FILE} (${intents.size} intents, ${refunds.size} refunds, ${events.length} events)`);

  // Work a restart interrupted: settlements still due, webhooks not delivered yet.
  for (const intent of intents.values()) {
    if (intent.status === 'processing' && intentPrivate.get(intent.id)?.settle_at) scheduleSettlement(intent.id);
  }
  for (const entry of events) {
    const d = entry.delivery;
    if (d.pending && !d.delivered && !d.dropped) setTimeout(() => deliveryChain(entry, 1), config.webhook_delay_ms);
  }

  server.listen(PORT, HOST, () => process.stdout.write(`psp-sandbox listening on http://${HOST}:${PORT}\n`));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

start();
