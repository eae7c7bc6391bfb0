// The local OpenID Connect provider for development and tests (DEV ONLY: never expose it).
//
// npm oidc-provider (a certified OP library) with:
//   - one confidential client for the user service (authorization code + PKCE S256,
//     client_secret_basic), redirect URIs from OIDC_REDIRECT_URIS;
//   - dev accounts: ANY email address in one of OIDC_DEV_DOMAINS (default "example.test") logs in
//     without a password; its email is verified (email_verified true); sub is a stable hash of the
//     address, so the same address is always the same account;
//   - a non-interactive login for tests: the authorization request lands on GET /interaction/<uid>
//     (a small HTML form); POST /interaction/<uid>/login with the form field `email` finishes the
//     login; consent is implied for the shop's own client (no second screen). A test drives this
//     with plain HTTP (cookies + redirects), no browser;
//   - dev-only knobs for the refusal tests: the id_token issued to an address whose local part
//     starts with one of these prefixes is re-signed (with the provider's own RS256 key, so its
//     signature is valid) with one claim broken:
//         wrong-nonce...@   nonce replaced
//         wrong-aud...@     aud = "some-other-client"
//         expired...@       iat 2 h ago, exp 1 h ago
//     and an address starting with `unverified` gets email_verified false.
//
// Environment: OIDC_PORT (default STORE_OIDC_PORT or 18090), OIDC_HOST (127.0.0.1), OIDC_ISSUER
// (default http://HOST:PORT), OIDC_REDIRECT_URIS, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
// OIDC_DEV_DOMAINS, OIDC_KEY_FILE (the RS256 private JWK; made on first start so a restart keeps
// the keys the user service may have cached; default: a fresh key per process).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// The packages live in deploy/node/node_modules (installed by ./store install from the lockfile).
const requireFromDeploy = createRequire(new URL('../node/package.json', import.meta.url));
const load = (name) => import(pathToFileURL(requireFromDeploy.resolve(name)).href);
const jose = await load('jose');
const { default: Provider } = await load('oidc-provider');

const env = process.env;
const host = env.OIDC_HOST || '127.0.0.1';
const port = Number(env.OIDC_PORT || env.STORE_OIDC_PORT || 18090);
const issuer = env.OIDC_ISSUER || `http://${host}:${port}`;
const gatewayPort = env.STORE_GATEWAY_PORT || 18080;
const userPort = env.STORE_USER_PORT || 18100;
const redirectUris = (env.OIDC_REDIRECT_URIS ||
  `http://127.0.0.1:${gatewayPort}/api/user/v1/auth/oidc/local/callback,` +
  `http://127.0.0.1:${userPort}/v1/auth/oidc/local/callback`).split(',').map((s) => s.trim()).filter(Boolean);
const clientId = env.OIDC_CLIENT_ID || 'store-user-dev';
const clientSecret = env.OIDC_CLIENT_SECRET || 'store-user-dev-secret';
const domains = (env.OIDC_DEV_DOMAINS || 'example.test').split(',').map((s) => s.trim().toLowerCase());

function log(msg, fields = {}) {
  process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), level: 'info', service: 'oidc-dev', msg, ...fields }) + '\n');
}

async function loadSigningKey() {
  const file = env.OIDC_KEY_FILE;
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const { privateKey } = await jose.generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  jwk.kid = await jose.calculateJwkThumbprint(jwk);
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
}

// A dev account from an email address, or undefined when the address is not a dev address.
function devAccount(email) {
  const e = String(email || '').trim().toLowerCase();
  const m = /^([^@\s]+)@([^@\s]+)$/.exec(e);
  if (!m || !domains.includes(m[2])) return undefined;
  const sub = crypto.createHash('sha256').update(e).digest('hex').slice(0, 24);
  return { sub, email: e, local: m[1] };
}
const accountsBySub = new Map();

const signingJwk = await loadSigningKey();
const signingKey = await jose.importJWK(signingJwk, 'RS256');
const cookieKey = crypto.createHash('sha256').update(JSON.stringify(signingJwk)).digest('base64url');

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [cookieKey] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  // email and email_verified in the id_token itself (the user service reads them from there).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AuthorizationCode: 120, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  async findAccount(ctx, sub) {
    const account = accountsBySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: account.email,
          email_verified: !account.local.startsWith('unverified'),
          name: account.local.split('+')[0],
        };
      },
    };
  },
  // The shop's own client: consent is implied (no consent screen).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.proxy = false;

// Dev-only knobs: break one claim of the id_token for the knob accounts (re-signed with the
// provider's own key, so only the broken claim is wrong).
provider.use(async (ctx, next) => {
  await next();
  if (ctx.method !== 'POST' || ctx.path !== '/token' || !ctx.body || typeof ctx.body.id_token !== 'string') return;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const account = accountsBySub.get(claims.sub);
  if (!account) return;
  const now = Math.floor(Date.now() / 1000);
  let knob;
  if (account.local.startsWith('wrong-nonce')) { knob = 'wrong-nonce'; claims.nonce = `not-${claims.nonce || 'the-nonce'}`; }
  else if (account.local.startsWith('wrong-aud')) { knob = 'wrong-aud'; claims.aud = 'some-other-client'; claims.azp = 'some-other-client'; }
  else if (account.local.startsWith('expired')) { knob = 'expired'; claims.iat = now - 7200; claims.exp = now - 3600; claims.auth_time = now - 7200; }
  if (!knob) return;
  ctx.body.id_token = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid }).sign(signingKey);
  log('dev knob: id_token re-signed with a broken claim', { knob, sub: claims.sub });
});

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16384) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

// GET /interaction/<uid>: the login form; POST /interaction/<uid>/login: email -> logged in.
async function interaction(req, res) {
  const url = new URL(req.url, issuer);
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
  if (!m) return send(res, 404, 'text/plain', 'not found\n');
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    return send(res, 400, 'text/plain', `interaction not found or expired: ${err.message}\n`);
  }
  if (details.uid !== m[1]) return send(res, 400, 'text/plain', 'interaction mismatch\n');
  if (req.method === 'GET' && !m[2]) {
    return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><html><head><title>Local OpenID provider (dev)</title></head><body>
<h1>Local OpenID provider (development only)</h1>
<p>Client <code>${escapeHtml(details.params.client_id)}</code> asks you to sign in. Any address @${escapeHtml(domains.join(', @'))} works, no password.</p>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<input type="email" name="email" placeholder="someone@${escapeHtml(domains[0])}" autofocus required>
<button type="submit">Sign in</button></form></body></html>\n`);
  }
  if (req.method === 'POST' && m[2]) {
    let form;
    try { form = await readForm(req); } catch { return send(res, 413, 'text/plain', 'too large\n'); }
    const account = devAccount(form.get('email'));
    if (!account) return send(res, 400, 'text/plain', `not a dev account (domains: ${domains.join(', ')})\n`);
    accountsBySub.set(account.sub, account);
    log('dev login', { email: account.email, sub: account.sub });
    return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }
  return send(res, 405, 'text/plain', 'method not allowed\n');
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      log('interaction failed', { error: err.message });
      if (!res.headersSent) send(res, 500, 'text/plain', 'interaction failed\n');
    });
    return;
  }
  if (req.url === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
  callback(req, res);
});

// Accounts are also known from a sub seen in a previous login of this process only; a restart
// forgets them (a new login recreates them), which is fine for development and tests.
server.listen(port, host, () => log('listening', { issuer, port, client_id: clientId, redirect_uris: redirectUris }));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
