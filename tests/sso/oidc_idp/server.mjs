// An OpenID Connect identity provider for the SSO tests and the demo: panva's
// OpenID-certified `oidc-provider` on loopback, over plain http, with one confidential client
// and the accounts of a JSON file. Started by tests/sso/idp_oidc.py; see tests/sso/README.md.
//
//   node server.mjs CONFIG.json
//
// CONFIG.json: {"host", "port" (0: any free port), "require_pkce" (default true), "client": {"client_id", "client_secret",
// "redirect_uris", "post_logout_redirect_uris", "token_endpoint_auth_method"},
// "accounts": [{"sub", "email", "email_verified", "name", "password", "amr", "acr"}]}.
// Prints `ready <issuer>` on stdout once it listens.
//
// Only the protocol is oidc-provider's; what is ours is the sign-in page (a form with `login`
// and `password` that checks the configured passwords, so a wrong password is refused) and
// consent given in advance for the one configured client (no second screen).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(config.accounts.map((account) => [account.sub, account]));
const byLogin = new Map();
for (const account of config.accounts) {
  byLogin.set(account.sub.toLowerCase(), account);
  byLogin.set(account.email.toLowerCase(), account);
}

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body>
</html>`;
}

function loginPage(uid, { error = '', login = '' } = {}) {
  const message = error ? `<p role="alert" class="error">${escape(error)}</p>` : '';
  return page('Test-IdP: inloggen', `${message}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label for="login">Gebruikersnaam of e-mailadres</label>
  <input id="login" name="login" type="text" required value="${escape(login)}">
  <label for="password">Wachtwoord</label>
  <input id="password" name="password" type="password" required>
  <button type="submit">Inloggen</button>
</form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// The signing key is made at start: each run has its own, nothing is kept on disk.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

const { client } = config;
const authMethod = client.token_endpoint_auth_method || 'client_secret_basic';
const acrValues = [...new Set(config.accounts.map((a) => a.acr).filter(Boolean))];

const server = createServer();
server.listen(config.port || 0, config.host, () => {
  const { port } = server.address();
  const issuer = `http://${config.host}:${port}`;

  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.client_id,
      client_secret: client.client_secret,
      client_name: 'GLANS',
      redirect_uris: client.redirect_uris,
      post_logout_redirect_uris: client.post_logout_redirect_uris || [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
    }],
    // Discovery names only the method the client is registered with, so a relying party that
    // picks from the list (django-allauth does when not told) picks the one that works.
    clientAuthMethods: [authMethod],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      // How the person signed in (amr, acr) goes into every ID token, asked for or not.
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
    },
    acrValues,
    // PKCE (S256) required by default, as OAuth 2.1 asks; "require_pkce": false allows without.
    pkce: { methods: ['S256'], required: () => config.require_pkce !== false },
    // The ID token carries the e-mail address and name too, not only the userinfo endpoint.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The confirmation is submitted at once (the form also has a button, for a browser
        // without scripts and for clients that post it themselves).
        async logoutSource(ctx, form) {
          const confirm = form.replace(
            '</form>',
            '<input type="hidden" name="logout" value="yes"><button type="submit">Uitloggen</button></form>',
          );
          ctx.type = 'html';
          ctx.body = page('Test-IdP: uitloggen', `${confirm}
<script>document.getElementById('op.logoutForm').submit();</script>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = page('Test-IdP: uitgelogd', '<p>U bent uitgelogd bij de test-IdP.</p>');
        },
      },
    },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: account.email,
            email_verified: Boolean(account.email_verified),
            name: account.name,
          };
        },
      };
    },
    // Consent for the configured client is given in advance: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const grant = await ctx.oidc.provider.Grant.find(grantId);
        if (grant) {
          grant.addOIDCScope(ctx.oidc.params.scope);
          await grant.save();
          return grant;
        }
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const rows = Object.entries(out).map(([k, v]) => `<p><strong>${escape(k)}</strong>: ${escape(v)}</p>`);
      ctx.body = page('Test-IdP: fout', rows.join(''));
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  });

  // The sign-in page: GET shows the form, POST checks the password.
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    ctx.set('Cache-Control', 'no-store');
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const [, uid, submit] = match;
    if (ctx.method === 'GET' && !submit) {
      if (details.prompt.name === 'consent') {
        // Normally given in advance (loadExistingGrant); whatever is still missing is granted.
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        const missing = details.prompt.details;
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const consent = { grantId: await grant.save() };
        return provider.interactionFinished(ctx.req, ctx.res, { consent }, { mergeWithLastSubmission: true });
      }
      ctx.type = 'html';
      ctx.body = loginPage(uid, { login: details.params.login_hint || '' });
      return undefined;
    }
    if (ctx.method === 'POST' && submit) {
      const form = await readForm(ctx.req);
      const login = (form.get('login') || '').trim();
      const account = byLogin.get(login.toLowerCase());
      if (!account || account.password !== form.get('password')) {
        ctx.status = 200;
        ctx.type = 'html';
        ctx.body = loginPage(uid, { error: 'Onjuiste gebruikersnaam of wachtwoord.', login });
        return undefined;
      }
      const result = { login: { accountId: account.sub, amr: account.amr || ['pwd'] } };
      if (account.acr) result.login.acr = account.acr;
      return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    }
    ctx.status = 405;
    return undefined;
  });

  server.on('request', provider.callback());
  process.stdout.write(`ready ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
