// Drives both consoles in Debian's headless chromium, by their accessible names, as an operator and a customer
// would: sign-in with a wrong and the right credential, an account created and credited, a key created and shown
// once, a template saved, a task solved and seen by its customer, the live view, a suspension. Saves a
// screenshot of each page. Prints one JSON line at the end: {"ok":true,…} or {"error":"…"}.
//
// Usage: node console.mjs <screenshot directory>
// Environment: ADMIN_URL, PUBLIC_URL (http://127.0.0.1:port), ADMIN_TOKEN, OTHER_ACCOUNT (a name the customer
// must never see), PUBLIC_KEY (a site public key for the template). Every request must go to 127.0.0.1.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [shots] = process.argv.slice(2);
const { ADMIN_URL, PUBLIC_URL, ADMIN_TOKEN, OTHER_ACCOUNT, PUBLIC_KEY } = process.env;
if (!shots || !ADMIN_URL || !PUBLIC_URL || !ADMIN_TOKEN || !OTHER_ACCOUNT || !PUBLIC_KEY) {
  console.error("usage: ADMIN_URL=… PUBLIC_URL=… ADMIN_TOKEN=… OTHER_ACCOUNT=… PUBLIC_KEY=… node console.mjs <shots>");
  process.exit(2);
}
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const check = (cond, what) => {
  if (!cond) {
    throw new Error("check failed: " + what);
  }
};
const problems = [];
// refusals the test provokes: the browser logs their status as a console error, which is expected only for these
const expected = new Set();
const steps = [];

const profile = mkdtempSync(join(tmpdir(), "solvegate-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1200, height: 900 },
  });
  await context.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === "127.0.0.1" ? route.continue() : route.abort();
  });
  const watch = (page, who) => {
    page.on("console", (m) => {
      const url = m.location().url || "";
      if (m.text().startsWith("Failed to load resource") && [...expected].some((e) => url.startsWith(e))) {
        return;
      }
      if (m.type() === "error") {
        problems.push(who + " console error: " + m.text());
      }
    });
    page.on("pageerror", (e) => problems.push(who + " page error: " + String(e)));
    page.setDefaultTimeout(15000);
  };
  const shot = (page, name, opts) => page.screenshot({ path: join(shots, name + ".png"), fullPage: true, ...opts });
  const button = (page, name) => page.getByRole("button", { name, exact: true });

  // ---- the operator ----
  const op = context.pages()[0] ?? (await context.newPage());
  watch(op, "operator");
  await op.goto(ADMIN_URL + "/console/");
  await shot(op, "operator-signin");
  expected.add(ADMIN_URL + "/console/signin");
  await op.getByLabel("Admin token", { exact: true }).fill("not-the-admin-token");
  await button(op, "Sign in").click();
  await op.getByRole("alert").waitFor();
  check((await op.getByRole("alert").textContent()).includes("not the admin token"), "a wrong token is told so");
  check((await op.locator("table").count()) === 0, "a wrong token shows no table");
  check(!(await op.content()).includes(OTHER_ACCOUNT), "a wrong token shows no account");
  steps.push("operator: wrong token refused");

  await op.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  await op.keyboard.press("Enter");
  await op.getByRole("heading", { name: "Accounts", exact: true }).waitFor();
  steps.push("operator: signed in");

  await op.getByLabel("Name", { exact: true }).fill("Acme Widgets");
  await button(op, "Create account").click();
  await op.waitForURL(/\/console\/accounts\/\d+$/);
  const accountId = Number(op.url().split("/").pop());
  await op.getByRole("heading", { name: /Acme Widgets/ }).waitFor();
  steps.push("operator: account " + accountId + " created");

  await op.getByLabel("Amount", { exact: true }).fill("10");
  await op.getByLabel("Reason", { exact: true }).fill("first payment by wire");
  await button(op, "Credit").click();
  const ledger = op.getByRole("region", { name: "Ledger table" });
  await ledger.getByRole("cell", { name: "first payment by wire" }).waitFor();
  check((await ledger.textContent()).includes("10.000000"), "the credit's amount is in the ledger");
  check((await op.getByRole("status").first().textContent()).includes("ledger"), "the credit is confirmed");
  steps.push("operator: credited");

  expected.add(ADMIN_URL + "/admin/accounts/" + accountId + "/credits");
  await op.getByLabel("Amount", { exact: true }).fill("abc");
  await op.getByLabel("Reason", { exact: true }).fill("typo");
  await button(op, "Credit").click();
  const refused = op.locator('form[data-api$="/credits"] [role="alert"]');
  await refused.waitFor();
  check((await refused.textContent()).includes("amount"), "a bad amount is refused naming the field");
  steps.push("operator: bad amount refused");

  await button(op, "Create key").click();
  const secretBox = op.getByLabel("New client key", { exact: true });
  await secretBox.waitFor();
  const clientKey = await secretBox.inputValue();
  check(/^[0-9a-f]{32}$/.test(clientKey), "a new key is shown: " + clientKey.length + " characters");
  await shot(op, "operator-key-shown-once", { mask: [secretBox] });
  await button(op, "Done").click();
  await op.getByRole("region", { name: "Keys table" }).waitFor();
  const afterReload = await op.content();
  check(!afterReload.includes(clientKey), "the key is not shown again");
  check(afterReload.includes(clientKey.substring(0, 6) + "…"), "the key is listed by its prefix");
  steps.push("operator: key created and shown once");

  await op.getByRole("link", { name: "Templates", exact: true }).click();
  await op.getByRole("heading", { name: "Templates", exact: true }).waitFor();
  await op.getByLabel("Public key", { exact: true }).fill(PUBLIC_KEY);
  await op.getByLabel("Solver", { exact: true }).selectOption("test");
  await op.getByLabel("Settings (a JSON object)", { exact: true }).fill("{not json");
  await button(op, "Save template").click();
  const tplAlert = op.locator('form[data-method="PUT"] [role="alert"]');
  await tplAlert.waitFor();
  check((await tplAlert.textContent()).includes("not JSON"), "bad settings are refused");
  await op.getByLabel("Settings (a JSON object)", { exact: true }).fill('{"outcome":"token","delayMs":300}');
  await button(op, "Save template").click();
  await op.getByRole("region", { name: "Templates table" }).getByText(PUBLIC_KEY).waitFor();
  await shot(op, "operator-templates");
  steps.push("operator: template saved");

  // ---- the customer ----
  const cu = await context.newPage();
  watch(cu, "customer");
  await cu.goto(PUBLIC_URL + "/console/");
  await shot(cu, "customer-signin");
  expected.add(PUBLIC_URL + "/console/signin");
  await cu.getByLabel("Client key", { exact: true }).fill("0123456789abcdef0123456789abcdef");
  await button(cu, "Sign in").click();
  await cu.getByRole("alert").waitFor();
  check((await cu.getByRole("alert").textContent()).includes("not known"), "a wrong key is told so");
  check((await cu.locator("table").count()) === 0, "a wrong key shows no table");
  steps.push("customer: wrong key refused");

  await cu.getByLabel("Client key", { exact: true }).focus();
  await cu.keyboard.type(clientKey);
  await cu.keyboard.press("Enter");
  await cu.getByRole("heading", { name: "Your account", exact: true }).waitFor();
  check((await cu.content()).includes("10.000000"), "the customer sees the credited balance");
  check(!(await cu.content()).includes(clientKey), "the page never shows the key");
  steps.push("customer: signed in with the keyboard");

  const created = await context.request.post(PUBLIC_URL + "/createTask", {
    data: { clientKey, task: { type: "FunCaptchaTask", websiteURL: "https://example.org/login",
      websitePublicKey: PUBLIC_KEY, websiteSubdomain: "challenge.example.org",
      proxy: "http://user:pass@203.0.113.7:8080" } },
  });
  const taskId = (await created.json()).taskId;
  check(Number.isInteger(taskId), "createTask accepted: " + (await created.text()));
  for (let i = 0; ; i++) {
    const r = await (await context.request.post(PUBLIC_URL + "/getTaskResult", { data: { clientKey, taskId } })).json();
    if (r.status === "ready") {
      break;
    }
    check(i < 100 && r.errorId === 0, "task " + taskId + " became ready: " + JSON.stringify(r));
    await new Promise((ok) => setTimeout(ok, 100));
  }
  await cu.reload();
  const tasks = cu.getByRole("region", { name: "Recent tasks table" });
  const taskRow = tasks.getByRole("row").filter({ has: cu.getByRole("cell", { name: String(taskId), exact: true }) });
  await taskRow.waitFor();
  const rowText = await taskRow.textContent();
  check(rowText.includes("ready") && rowText.includes("0.000750"), "the customer sees the task ready at its cost: " + rowText);
  const spendingRows = await cu.getByRole("region", { name: "Spending per day table" }).textContent();
  check(spendingRows.includes("0.000750"), "today's spending shows the charge");
  check(!(await cu.content()).includes(OTHER_ACCOUNT), "the customer sees no other account");
  await cu.locator('[data-chart="spending"] canvas').first().waitFor();
  await shot(cu, "customer-home");
  steps.push("customer: saw task " + taskId);

  await cu.setViewportSize({ width: 390, height: 844 });
  await cu.reload();
  await cu.locator('[data-chart="spending"] canvas').first().waitFor();
  const overflow = await cu.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, "the phone-sized page does not scroll sideways: " + overflow + " px too wide");
  await shot(cu, "customer-phone");
  steps.push("customer: phone-sized page fits");

  // ---- the operator watches and acts ----
  await op.getByRole("link", { name: "Service", exact: true }).click();
  await op.getByRole("heading", { name: "Live", exact: true }).waitFor();
  await op.waitForFunction(() => Number(document.getElementById("live").dataset.polled || 0) >= 1);
  await op.waitForFunction(() => document.querySelectorAll("#live canvas").length >= 4);
  const liveText = await op.locator("#live").textContent();
  check(/1 ready/.test(liveText) || /\b1\b/.test(liveText), "the live view counts the ready task");
  await shot(op, "operator-service");
  steps.push("operator: live view");

  await op.goto(ADMIN_URL + "/console/accounts/" + accountId);
  const opTasks = op.getByRole("region", { name: "Recent tasks table" });
  const opRow = opTasks.getByRole("row").filter({ has: op.getByRole("cell", { name: String(taskId), exact: true }) });
  await opRow.waitFor();
  check((await opRow.textContent()).includes("test"), "the operator sees the task's solver");
  await op.getByRole("region", { name: "Ledger table" }).getByRole("cell", { name: "task " + taskId }).waitFor();
  await shot(op, "operator-account");

  await button(op, "Suspend account").click();
  await button(op, "Activate account").waitFor();
  check((await op.locator("h1 .badge").textContent()).trim() === "suspended", "the account is suspended");
  steps.push("operator: suspended");
  expected.add(PUBLIC_URL + "/console/");
  await cu.reload();
  await cu.getByRole("alert").waitFor();
  check((await cu.getByRole("alert").textContent()).includes("suspended"), "the customer is told the account is suspended");
  check((await cu.locator("table").count()) === 0, "a suspended account's page shows nothing");
  steps.push("customer: suspension seen");

  await op.goto(ADMIN_URL + "/console/?q=acme");
  await op.getByRole("region", { name: "Accounts table" }).getByRole("link", { name: "Acme Widgets" }).waitFor();
  check(!(await op.getByRole("region", { name: "Accounts table" }).textContent()).includes(OTHER_ACCOUNT), "search shows matches only");
  await shot(op, "operator-accounts");
  await button(op, "Sign out").click();
  await op.getByLabel("Admin token", { exact: true }).waitFor();
  steps.push("operator: signed out");

  const stored = await op.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
  check(!stored.includes(clientKey) && !stored.includes(ADMIN_TOKEN), "no credential in web storage");
  const cookies = await context.cookies();
  check(cookies.every((c) => c.httpOnly && c.sameSite === "Strict"), "every cookie is HttpOnly and SameSite=Strict");
  check(cookies.every((c) => !c.value.includes(clientKey) && !c.value.includes(ADMIN_TOKEN)), "no credential in a cookie");

  check(problems.length === 0, "no script errors: " + problems.join(" | "));
  say({ ok: true, accountId, clientKey, taskId, steps });
} catch (e) {
  say({ error: String(e && e.stack ? e.stack : e), steps, problems });
  process.exitCode = 1;
} finally {
  if (context) {
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
}
