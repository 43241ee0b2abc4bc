// Opens pages of a site served with its security headers in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core), without bypassing the Content-Security-Policy, and prints one JSON object per page on stdout:
//   the response's Content-Security-Policy header, console errors, uncaught page errors, CSP violations
//   (securitypolicyviolation events), dialogs (alert, confirm, prompt: what injected script would open), whether
//   the page set window.__planlodPwned (what a payload sets), and for the query page: the status line, the rows of
//   the result table, the hrefs of the links in the results, and the error and warning messages shown.
//
// Usage: node csp-check.mjs URL ...
//   A URL of the query page with ?query=... is loaded and the query runs by itself, as the page does.
// Exits 0 whatever the pages hold (the caller judges the results); non-zero only when the browser cannot run.
// Environment: CHROMIUM overrides the browser executable (default /usr/bin/chromium).
import { failWith, launchChromium, loadChromium } from "./chromium.mjs";

const fail = failWith("csp-check");
const chromium = await loadChromium(fail);

const urls = process.argv.slice(2);
if (urls.length === 0) fail("usage: node csp-check.mjs URL ...");

const browser = await launchChromium(chromium, fail);

// Installed through the DevTools protocol before any script of the page: it is not page script, so the policy
// does not apply to it. It records violations, and turns the dialogs a payload would open into a record too.
function watch() {
  window.__planlodViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__planlodViolations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`);
  });
}

async function check(context, url) {
  const page = await context.newPage();
  const result = { url, consoleErrors: [], pageErrors: [], dialogs: [] };
  const started = Date.now();
  page.on("console", (msg) => {
    if (msg.type() === "error") result.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => result.pageErrors.push(String(err)));
  page.on("dialog", async (dialog) => {
    result.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  try {
    await page.addInitScript(watch);
    const response = await page.goto(url, { waitUntil: "load", timeout: 30000 });
    result.status = response ? response.status() : null;
    result.csp = response ? (await response.allHeaders())["content-security-policy"] || null : null;
    if (await page.$("#query-form")) {
      const given = new URL(url).searchParams.get("query");
      if (given) {
        await page.waitForFunction(
          () => {
            const status = document.getElementById("query-status");
            const results = document.getElementById("query-results");
            return results && results.childElementCount > 0 && status && !/…/.test(status.textContent);
          },
          null,
          { timeout: 20000 },
        );
      }
      Object.assign(
        result,
        await page.evaluate(() => ({
          queryStatus: document.getElementById("query-status").textContent,
          rows: document.querySelectorAll("#query-results tbody tr").length,
          resultLinks: Array.from(document.querySelectorAll("#query-results a")).map((a) => a.getAttribute("href")),
          messages: Array.from(document.querySelectorAll("#query-results p")).map((p) => p.textContent),
          textarea: document.getElementById("query").value,
        })),
      );
    }
    result.violations = await page.evaluate(() => window.__planlodViolations || []);
    result.pwned = await page.evaluate(() => Boolean(window.__planlodPwned));
    // Follow the links the results hold, as a reader would: a javascript: link would run here, in this page
    // (a dialog, or the marker); a web link leaves the page, and is noted.
    result.followed = [];
    const count = (await page.$$("#query-results a")).length;
    for (let n = 0; n < count; n++) {
      const link = (await page.$$("#query-results a"))[n];
      if (!link) break;
      await link.click({ noWaitAfter: true, timeout: 2000 }).catch(() => {});
      await page.waitForTimeout(100);
      if (page.url() !== url) {
        result.followed.push(page.url());
        break;
      }
      result.pwned = result.pwned || (await page.evaluate(() => Boolean(window.__planlodPwned)));
    }
  } catch (err) {
    result.error = String(err);
  } finally {
    result.ms = Date.now() - started;
    await page.close();
  }
  return result;
}

// A page whose check has not ended in this time is closed with its context and checked once more in a fresh one
// (a browser under heavy load can stall an evaluation); a second stall is reported as the page's error.
const PAGE_LIMIT_MS = 90000;
const CONTEXT_OPTIONS = { bypassCSP: false, javaScriptEnabled: true };

function within(ms, promise, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

try {
  let context = await browser.newContext(CONTEXT_OPTIONS);
  for (const url of urls) {
    let result;
    for (let attempt = 1; attempt <= 2 && result === undefined; attempt++) {
      try {
        result = await within(PAGE_LIMIT_MS, check(context, url), url);
      } catch (err) {
        await within(10000, context.close(), "closing the stalled page").catch(() => {});
        context = await browser.newContext(CONTEXT_OPTIONS);
        if (attempt === 2) result = { url, error: String(err) };
      }
    }
    process.stdout.write(JSON.stringify(result) + "\n");
  }
} finally {
  await within(10000, browser.close(), "closing the browser").catch(() => {});
}
// Leave even when a stalled browser did not close (stdout to a pipe is written synchronously on Linux).
process.exit(0);
