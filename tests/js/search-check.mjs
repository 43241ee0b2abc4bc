// Runs the site search in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), under the
// security headers the server sends (the Content-Security-Policy is not bypassed), and prints one JSON object per
// search on stdout: the search page's address, the words typed, the status line, the results (text, kind, href
// resolved against the page, the snippet), console errors, page errors, failed requests and the
// Content-Security-Policy violations the page reported.
//
// Usage: node search-check.mjs URL=WORDS ...
//   URL is a search page (soeg/ or soeg/en/); WORDS are typed into its search field and sent with Enter.
//   A URL that already holds ?q=… (and no =WORDS) is loaded as it is: the search runs from the address.
// Exits 0 whatever the pages hold (the caller judges the results); non-zero only when the browser cannot run.
// Environment: CHROMIUM overrides the browser executable (default /usr/bin/chromium).
import { failWith, launchChromium, loadChromium } from "./chromium.mjs";

const fail = failWith("search-check");
const chromium = await loadChromium(fail);

const targets = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf("=", arg.indexOf("://") + 3);
  const query = arg.indexOf("?");
  if (at < 0 || (query >= 0 && query < at)) return { url: arg, words: null };
  return { url: arg.slice(0, at), words: arg.slice(at + 1) };
});
if (targets.length === 0) fail("usage: node search-check.mjs URL=WORDS ...");

const browser = await launchChromium(chromium, fail);

// Installed through the DevTools protocol before any script of the page (so the policy does not apply to it).
function watch() {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI || "inline"}`),
  );
}

async function check(context, target) {
  const result = { url: target.url, words: target.words, consoleErrors: [], pageErrors: [], failedRequests: [] };
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") result.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => result.pageErrors.push(String(err && err.message ? err.message : err)));
  page.on("requestfailed", (req) => result.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
  try {
    const response = await page.goto(target.url, { waitUntil: "load", timeout: 15000 });
    result.status = response ? response.status() : null;
    result.csp = response ? (await response.allHeaders())["content-security-policy"] || "" : "";
    if (target.words !== null) {
      await page.fill("#search-q", target.words);
      await page.press("#search-q", "Enter");
    }
    await page.waitForFunction(() => document.getElementById("search-status")?.textContent.trim(), null, {
      timeout: 15000,
    });
    Object.assign(
      result,
      await page.evaluate(() => ({
        finalUrl: location.href,
        statusText: document.getElementById("search-status").textContent.trim(),
        results: Array.from(document.querySelectorAll("#search-results > li")).map((li) => ({
          text: li.querySelector("a").textContent,
          href: li.querySelector("a").href,
          kind: li.querySelector(".kind")?.textContent.replace(/^ · /, "") || "",
          snippet: li.querySelector(".snippet")?.textContent || "",
        })),
        violations: window.__violations,
      })),
    );
  } catch (err) {
    result.error = String(err && err.message ? err.message : err);
  } finally {
    await page.close();
  }
  return result;
}

try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await context.addInitScript(watch);
  for (const target of targets) process.stdout.write(JSON.stringify(await check(context, target)) + "\n");
  await context.close();
} catch (err) {
  await browser.close();
  fail(`the browser failed: ${err.message}`);
}
await browser.close();
