// Plays the reference puzzle site's page in Debian's headless chromium, as a person would: opens the play
// page, presses Start, and in each round clicks one image. Which image is not decided here: the images the
// page shows are sent to the parent process (the JUnit test) as one JSON line on stdout,
//   {"round":1,"images":["<base64 PNG>",…]}
// and the parent answers with one JSON line on stdin, {"click":3}, after reading the pixels. At the end it
// prints {"token":"…","status":"…"} (or {"error":"…"}) and exits.
//
// Usage: node play.mjs <play page URL> <screenshot directory>
// Every request the page makes must go to 127.0.0.1; anything else is aborted.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const [url, shots] = process.argv.slice(2);
if (!url || !shots) {
  console.error("usage: node play.mjs <play page URL> <screenshot directory>");
  process.exit(2);
}

const answers = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const profile = mkdtempSync(join(tmpdir(), "solvegate-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 820, height: 470 },
  });
  await context.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === "127.0.0.1" || route.request().url().startsWith("data:") ? route.continue() : route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.getByRole("button", { name: "Start" }).click();

  for (let round = 1; ; round++) {
    const status = page.locator("#status");
    const token = page.locator("#token");
    await page.waitForFunction((n) => {
      const s = document.getElementById("status").textContent;
      return s.startsWith("Round " + n + " ") || document.getElementById("token").textContent !== ""
        || document.getElementById("status").className === "error";
    }, round);
    if ((await token.textContent()) !== "" || (await status.getAttribute("class")) === "error") {
      break;
    }
    const images = page.locator("#grid img");
    await images.first().waitFor();
    const sources = await images.evaluateAll((imgs) => imgs.map((img) => img.src));
    if (round === 1) {
      await page.screenshot({ path: join(shots, "round-1.png") });
    }
    say({ round, images: sources.map((src) => src.replace(/^data:image\/png;base64,/, "")) });
    const reply = await answers.next();
    if (reply.done) {
      throw new Error("no answer from the parent for round " + round);
    }
    await images.nth(JSON.parse(reply.value).click).click();
  }
  await page.screenshot({ path: join(shots, "solved.png") });
  say({ token: await page.locator("#token").textContent(), status: await page.locator("#status").textContent() });
} catch (e) {
  say({ error: String(e && e.stack ? e.stack : e) });
  process.exitCode = 1;
} finally {
  if (context) {
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
  process.stdin.destroy();
}
