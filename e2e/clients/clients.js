// Runs real npm clients of the anti-captcha family, unmodified, against a solvegate node, and prints one JSON
// object with what each returned or threw. Only their documented knobs are used to point them at the node:
// capmonstercloud-client's serviceUrl, node-capmonster's CapmonsterClient.hostUrl, anticaptcha's apisauce
// baseURL; @antiadmin/anticaptchaofficial has no such knob (it posts to https://api.anti-captcha.com), so an
// axios request interceptor rewrites that one origin to the node's. Every request goes to 127.0.0.1.
//
// usage: node clients.js <base URL> <key of an account in mode 200> <key of an account in mode seed>
//                        <public key: token template> <public key: unsolvable template>
'use strict';
const [base, compatKey, seedKey, tokenPk, unsolvablePk] = process.argv.slice(2);
if (!base || !base.startsWith('http://127.0.0.1:')) {
  console.error('the node must be on 127.0.0.1');
  process.exit(2);
}
const task = (pk) => ({
  websiteURL: 'https://example.org/login',
  websitePublicKey: pk,
  funcaptchaApiJSSubdomain: 'challenge.example.org',
});
// a documentation address: the guard allows it, and the test solver never dials it
const proxy = { proxyType: 'http', proxyAddress: '203.0.113.7', proxyPort: 8080, proxyLogin: 'user', proxyPassword: 'pass' };
const out = {};
const describe = (e) => (e && (e.errorCode || (e.response && e.response.status && 'HTTP ' + e.response.status)))
  || (e && e.message) || String(e);

async function capmonstercloud() {
  const { CapMonsterCloudClientFactory, ClientOptions, FunCaptchaRequest } =
    require('@zennolab_com/capmonstercloud-client');
  const r = {};
  const client = CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey: compatKey, serviceUrl: base }));
  r.balance = (await client.getBalance()).balance;
  const solved = await client.Solve(new FunCaptchaRequest({ ...task(tokenPk), proxy }));
  r.token = solved.solution && solved.solution.token;
  const failed = await client.Solve(new FunCaptchaRequest({ ...task(unsolvablePk), proxy }));
  r.unsolvable = failed.error;
  const wrong = CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey: 'no-such-key', serviceUrl: base }));
  try { await wrong.getBalance(); r.wrongKey = 'no error'; } catch (e) { r.wrongKey = e.message || String(e); }
  // the same client with a key of an account in seed mode: the catalogue's 404 is all it can tell
  const seed = CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey: seedKey, serviceUrl: base + '/' }));
  try {
    const s = await seed.Solve(new FunCaptchaRequest({ ...task('00000000-0000-4000-8000-000000000404'), proxy }));
    r.seedTemplateMissing = s.error || 'solved';
  } catch (e) { r.seedTemplateMissing = e.message || String(e); }
  return r;
}

async function nodeCapmonster() {
  const { CapmonsterClient } = require('node-capmonster/dist/capmonster');
  CapmonsterClient.hostUrl = base;
  const { FuncaptchaTask } = require('node-capmonster');
  const r = {};
  const client = new FuncaptchaTask(seedKey);
  client.setGlobalProxy(proxy);
  r.balance = await client.getBalance();
  const id = await client.createWithTask(task(tokenPk));
  r.token = (await client.joinTaskResult(id, 20)).token;
  const failedId = await client.createWithTask(task(unsolvablePk));
  for (let i = 0; i < 40; i++) {
    try {
      const s = await client.getTaskResult(failedId);
      if (s !== null) { r.unsolvable = 'solved'; break; }
    } catch (e) { r.unsolvable = describe(e); break; }
    await new Promise((res) => setTimeout(res, 250));
  }
  try { await new FuncaptchaTask('no-such-key').getBalance(); r.wrongKey = 'no error'; } catch (e) { r.wrongKey = describe(e); }
  return r;
}

async function anticaptcha() {
  const { AntiCaptcha } = require('anticaptcha');
  const r = {};
  const client = new AntiCaptcha(compatKey);
  client.api.setBaseURL(base);
  r.balance = await client.getBalance();
  const id = await client.createTask({ type: 'FunCaptchaTask', ...task(tokenPk), ...proxy });
  r.token = (await client.getTaskResult(id, 40, 250)).solution.token;
  const stats = await client.getQueueStats('7');
  r.queueTotal = stats.total;
  r.queueBid = stats.bid;
  try {
    await client.createTask({ type: 'FunCaptchaTask', ...task(tokenPk), ...proxy, proxyPort: 70000 });
    r.badPort = 'accepted';
  } catch (e) { r.badPort = e.code || e.errorCode || e.message; }
  // with a key of an account in seed mode: a failed task's 403 loses its code
  const seed = new AntiCaptcha(seedKey);
  seed.api.setBaseURL(base);
  const failedId = await seed.createTask({ type: 'FunCaptchaTask', ...task(unsolvablePk), ...proxy });
  try { await seed.getTaskResult(failedId, 40, 250); r.seedUnsolvable = 'solved'; } catch (e) {
    r.seedUnsolvable = (e.code ? e.code + ': ' : '') + e.message;
  }
  return r;
}

async function anticaptchaOfficial() {
  const axios = require('axios');
  axios.interceptors.request.use((config) => {
    if (config.url && config.url.startsWith('https://api.anti-captcha.com/')) {
      config.url = base + '/' + config.url.substring('https://api.anti-captcha.com/'.length);
    }
    return config;
  });
  const ac = require('@antiadmin/anticaptchaofficial');
  const r = {};
  ac.setAPIKey(compatKey);
  ac.shutUp();
  ac.settings.firstAttemptWaitingInterval = 0.2;
  ac.settings.normalWaitingInterval = 0.2;
  ac.settings.funcaptchaApiJSSubdomain = 'challenge.example.org';
  r.balance = await ac.getBalance();
  // it sends "data":"" when no data blob is set
  r.token = await ac.solveFunCaptchaProxyOn('https://example.org/login', tokenPk, proxy.proxyType,
    proxy.proxyAddress, proxy.proxyPort, proxy.proxyLogin, proxy.proxyPassword, 'Mozilla/5.0', '');
  try {
    await ac.solveFunCaptchaProxyOn('https://example.org/login', unsolvablePk, proxy.proxyType,
      proxy.proxyAddress, proxy.proxyPort, proxy.proxyLogin, proxy.proxyPassword, 'Mozilla/5.0', '');
    r.unsolvable = 'solved';
  } catch (e) { r.unsolvable = describe(e); }
  ac.setAPIKey(seedKey);
  try {
    await ac.solveFunCaptchaProxyOn('https://example.org/login', unsolvablePk, proxy.proxyType,
      proxy.proxyAddress, proxy.proxyPort, proxy.proxyLogin, proxy.proxyPassword, 'Mozilla/5.0', '');
    r.seedUnsolvable = 'solved';
  } catch (e) { r.seedUnsolvable = typeof e === 'string' ? e : e.message; }
  return r;
}

(async () => {
  for (const [name, run] of [['capmonstercloud-client', capmonstercloud], ['node-capmonster', nodeCapmonster],
    ['anticaptcha', anticaptcha], ['anticaptchaofficial', anticaptchaOfficial]]) {
    try { out[name] = await run(); } catch (e) { out[name] = { thrown: describe(e) }; }
  }
  console.log(JSON.stringify(out));
  process.exit(0); // the clients' keep-alive agents would hold the process open
})();
