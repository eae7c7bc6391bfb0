// The local OpenID provider on its own (ctest oidc_dev_provider_test, label e2e): starts
// deploy/oidc/dev-provider.mjs on a free port, checks discovery and JWKS, drives a full
// authorization code + PKCE flow over plain HTTP (cookies and redirects by hand, no browser),
// verifies the id_token against the JWKS like a relying party, and checks each dev knob breaks
// exactly the claim it names.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const requireFromDeploy = createRequire(new URL('../../deploy/node/package.json', import.meta.url));
const jose = await import(pathToFileURL(requireFromDeploy.resolve('jose')).href);

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = 'http://127.0.0.1:9/callback';  // never called: the test reads the code from the redirect
const script = fileURLToPath(new URL('../../deploy/oidc/dev-provider.mjs', import.meta.url));
const child = spawn(process.execPath, [script], {
  env: { ...process.env, OIDC_PORT: String(port), OIDC_REDIRECT_URIS: redirectUri },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (d) => { output += d; });
child.stderr.on('data', (d) => { output += d; });
const stop = () => { try { child.kill('SIGTERM'); } catch { /* gone */ } };
process.on('exit', stop);

async function waitReady() {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${issuer}/healthz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`provider did not start:\n${output}`);
}

// A tiny cookie jar + manual redirects, so each hop is visible.
function jar() {
  const cookies = new Map();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    store(res) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
    },
  };
}

async function go(cookies, url, init = {}) {
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers || {}), cookie: cookies.header() } });
  cookies.store(res);
  return res;
}

// Runs the code flow for `email`; returns the token endpoint's JSON and the nonce sent.
async function codeFlow(discovery, email) {
  const cookies = jar();
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const state = crypto.randomBytes(16).toString('base64url');
  const nonce = crypto.randomBytes(16).toString('base64url');
  const auth = new URL(discovery.authorization_endpoint);
  Object.entries({ client_id: 'store-user-dev', response_type: 'code', scope: 'openid email profile', redirect_uri: redirectUri,
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256' }).forEach(([k, v]) => auth.searchParams.set(k, v));
  let res = await go(cookies, auth);
  assert.equal(res.status, 303, 'authorization request redirects to the interaction');
  const interaction = new URL(res.headers.get('location'), issuer);
  res = await go(cookies, interaction);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<form method="post"/);
  res = await go(cookies, new URL(`${interaction.pathname}/login`, issuer), {
    method: 'POST', body: new URLSearchParams({ email }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  // login finished -> resume the authorization -> (consent implied) -> redirect to the client
  let location = res.headers.get('location');
  for (let hops = 0; hops < 5 && location && !location.startsWith(redirectUri); hops++) {
    res = await go(cookies, new URL(location, issuer));
    location = res.headers.get('location');
  }
  assert.ok(location && location.startsWith(redirectUri), `ends at the client's redirect_uri (got ${res.status} ${location})`);
  const back = new URL(location);
  assert.equal(back.searchParams.get('state'), state);
  assert.equal(back.searchParams.get('iss'), issuer);
  const code = back.searchParams.get('code');
  assert.ok(code);
  const basic = Buffer.from('store-user-dev:store-user-dev-secret').toString('base64');
  const tokenRes = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const tokens = await tokenRes.json();
  assert.equal(tokenRes.status, 200, JSON.stringify(tokens));
  // the code is single use
  const again = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  assert.equal(again.status, 400, 'a code is single use');
  return { tokens, nonce };
}

let failures = 0;
async function check(name, fn) {
  try { await fn(); console.log(`ok   ${name}`); } catch (err) { failures++; console.log(`FAIL ${name}\n     ${err.stack}`); }
}

try {
  await waitReady();
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const jwks = jose.createLocalJWKSet(await (await fetch(discovery.jwks_uri)).json());
  const verify = (token, nonce) => jose.jwtVerify(token, jwks, { issuer, audience: 'store-user-dev', algorithms: ['RS256'] })
    .then(({ payload }) => { if (payload.nonce !== nonce) throw new Error('nonce mismatch'); return payload; });

  await check('discovery names the endpoints, S256 PKCE and RS256', async () => {
    assert.equal(discovery.issuer, issuer);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
    assert.ok(discovery.token_endpoint && discovery.jwks_uri && discovery.authorization_endpoint);
  });
  await check('a dev account logs in: code + PKCE -> a valid id_token with a verified email', async () => {
    const { tokens, nonce } = await codeFlow(discovery, 'alice@example.test');
    const claims = await verify(tokens.id_token, nonce);
    assert.equal(claims.email, 'alice@example.test');
    assert.equal(claims.email_verified, true);
    assert.match(claims.sub, /^[0-9a-f]{24}$/);
    const again = await codeFlow(discovery, 'Alice@Example.test');
    assert.equal((await verify(again.tokens.id_token, again.nonce)).sub, claims.sub, 'same address, same sub');
  });
  await check('an address outside the dev domains cannot log in', async () => {
    const cookies = jar();
    const auth = new URL(discovery.authorization_endpoint);
    Object.entries({ client_id: 'store-user-dev', response_type: 'code', scope: 'openid email', redirect_uri: redirectUri,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).forEach(([k, v]) => auth.searchParams.set(k, v));
    const res = await go(cookies, auth);
    const interaction = new URL(res.headers.get('location'), issuer);
    const login = await go(cookies, new URL(`${interaction.pathname}/login`, issuer), {
      method: 'POST', body: new URLSearchParams({ email: 'mallory@gmail.com' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(login.status, 400);
  });
  await check('an authorization request without PKCE is refused', async () => {
    const auth = new URL(discovery.authorization_endpoint);
    Object.entries({ client_id: 'store-user-dev', response_type: 'code', scope: 'openid', redirect_uri: redirectUri }).forEach(([k, v]) => auth.searchParams.set(k, v));
    const res = await fetch(auth, { redirect: 'manual' });
    const location = new URL(res.headers.get('location'));
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });
  for (const [email, expect] of [
    ['wrong-nonce@example.test', /nonce mismatch/],
    ['wrong-aud@example.test', /unexpected "aud" claim value/],
    ['expired@example.test', /"exp" claim timestamp check failed/],
  ]) {
    await check(`dev knob ${email}: a validly signed id_token with that claim broken, refused by a relying party`, async () => {
      const { tokens, nonce } = await codeFlow(discovery, email);
      await assert.rejects(verify(tokens.id_token, nonce), expect);
      // the signature itself is the provider's: only the claim is wrong
      const { payload } = await jose.compactVerify(tokens.id_token, jwks);
      assert.equal(JSON.parse(new TextDecoder().decode(payload)).email, email);
    });
  }
  await check('dev knob unverified@: email_verified false', async () => {
    const { tokens, nonce } = await codeFlow(discovery, 'unverified@example.test');
    assert.equal((await verify(tokens.id_token, nonce)).email_verified, false);
  });
} catch (err) {
  failures++;
  console.log(`FAIL ${err.stack}\n${output}`);
} finally {
  stop();
}
console.log(failures ? `${failures} FAILED` : 'all passed');
process.exit(failures ? 1 : 0);
