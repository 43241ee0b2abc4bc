// Opens pages of the built site in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and
// prints one JSON object per page on stdout, one a line:
//   console messages of type error and warning, uncaught page errors, failed requests, responses with status >= 400,
//   requests that left the site's own origin (blocked: the site must need no CDN or external font),
//   <html lang>, the number of <main> landmarks and of <h1>, duplicate ids, what the first Tab focuses,
//   and whether the page still shows its heading and content with JavaScript off;
//   and per viewport width (WIDTHS) whether the page is wider than the viewport (page-level horizontal overflow),
//   with the elements that stick out past its right edge outside a scrolling box, and the axe-core violations there
//   (tags wcag2a, wcag2aa, wcag21aa, best-practice) with id, impact, help and node targets.
//
// Usage: node browser-check.mjs [LANG=]URL ...
//   LANG (da, en) is the language the page must declare; without it, a path segment "en" means English, else Danish.
// Environment: WIDTHS, the viewport widths in CSS pixels to check each page at (default "390,1280").
// Exits 0 whatever the pages hold (the caller judges the results); non-zero only when the browser cannot run.
// Environment: CHROMIUM overrides the browser executable (default /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { failWith, launchChromium, loadChromium } from "./chromium.mjs";

const require = createRequire(import.meta.url);

const WIDTHS = (process.env.WIDTHS || "390,1280")
  .split(",")
  .map((w) => Number.parseInt(w, 10))
  .filter((w) => w > 0);
// The width the page is loaded and checked at first (load, Tab, JavaScript off); then each of WIDTHS.
const MAIN_WIDTH = 1280;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"];
// Beside the flags of every check: no QUIC, no component updates, no sync (nothing but the site's own requests).
const EXTRA_ARGS = ["--disable-quic", "--disable-component-update", "--disable-sync"];

const fail = failWith("browser-check");

function parseTarget(arg) {
  const m = /^([a-z]{2,3})=(.+)$/.exec(arg);
  if (m) return { url: m[2], lang: m[1] };
  const segments = new URL(arg).pathname.split("/");
  return { url: arg, lang: segments.includes("en") ? "en" : "da" };
}

const chromium = await loadChromium(fail);
let axeSource;
try {
  axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
} catch (err) {
  fail(`the npm packages are missing (run tests/setup.sh): ${err.message}`);
}

const targets = process.argv.slice(2).map(parseTarget);
if (targets.length === 0) fail("usage: node browser-check.mjs [LANG=]URL ...");

const browser = await launchChromium(chromium, fail, EXTRA_ARGS);

/** Everything the page shows about itself, read in the page. */
function inspectPage() {
  const ids = new Map();
  for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  return {
    title: document.title,
    lang: document.documentElement.lang,
    mains: document.querySelectorAll("main, [role=main]").length,
    h1s: Array.from(document.querySelectorAll("h1")).map((h) => h.textContent.trim()),
    duplicateIds: Array.from(ids).filter(([, n]) => n > 1).map(([id]) => id),
    scripts: Array.from(document.querySelectorAll("script"))
      .filter((s) => s.type !== "application/ld+json")
      .map((s) => s.src || "(inline)"),
  };
}

/** How far the page is wider than the viewport, and the elements that stick out past its right edge without a
 * scrolling box of their own around them (the first few, described by tag, class and text). */
function measureOverflow() {
  const root = document.documentElement;
  const width = root.clientWidth;
  const scrolls = (el) => {
    const position = getComputedStyle(el).position;
    const escapes = position === "absolute" || position === "fixed";
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (escapes && a === el.offsetParent) return false;
      const style = getComputedStyle(a);
      if (style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden") {
        return a.getBoundingClientRect().right <= width + 0.5;
      }
    }
    return false;
  };
  const sticking = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5 && !scrolls(el)) {
      sticking.push({
        tag: el.tagName.toLowerCase(),
        className: typeof el.className === "string" ? el.className : "",
        text: (el.textContent || "").trim().slice(0, 60),
        right: Math.round(box.right),
      });
    }
  }
  return { viewport: width, scrollWidth: root.scrollWidth, sticking: sticking.slice(0, 8) };
}

async function runAxe(page) {
  // Evaluated through the DevTools protocol, not added as an inline script: the page's Content-Security-Policy
  // (script-src 'self') stays in force for the page's own scripts and does not apply to the checker.
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const axe = await page.evaluate(
    (tags) =>
      window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations", "incomplete"] }),
    AXE_TAGS,
  );
  const summarise = (items) =>
    items.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
  return {
    violations: summarise(axe.violations),
    incomplete: summarise(axe.incomplete).map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.length })),
  };
}

/** The focused element, described. */
function describeFocus() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    className: typeof el.className === "string" ? el.className : "",
    href: el.getAttribute("href"),
    text: (el.textContent || "").trim(),
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0 && box.left < innerWidth,
  };
}

async function check(context, target) {
  const result = {
    url: target.url,
    expectedLang: target.lang,
    status: null,
    consoleErrors: [],
    consoleWarnings: [],
    pageErrors: [],
    failedRequests: [],
    badResponses: [],
    externalRequests: [],
  };
  const page = await context.newPage();
  const origin = new URL(target.url).origin;
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || new URL(url).origin === origin) return route.continue();
    result.externalRequests.push(url);
    return route.abort("blockedbyclient");
  });
  page.on("console", (msg) => {
    const where = msg.location();
    const text = `${msg.text()}${where && where.url ? ` (${where.url}:${where.lineNumber})` : ""}`;
    if (msg.type() === "error") result.consoleErrors.push(text);
    else if (msg.type() === "warning") result.consoleWarnings.push(text);
  });
  page.on("pageerror", (err) => result.pageErrors.push(String(err && err.message ? err.message : err)));
  page.on("requestfailed", (req) => {
    const failure = req.failure();
    if (failure && failure.errorText === "net::ERR_BLOCKED_BY_CLIENT") return; // counted as external
    result.failedRequests.push(`${req.method()} ${req.url()}: ${failure ? failure.errorText : "failed"}`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) result.badResponses.push(`${res.status()} ${res.url()}`);
  });
  try {
    const response = await page.goto(target.url, { waitUntil: "load", timeout: 15000 });
    result.status = response ? response.status() : null;
    result.finalUrl = page.url();
    Object.assign(result, await page.evaluate(inspectPage));

    await page.keyboard.press("Tab");
    result.firstTab = await page.evaluate(describeFocus);
    if (result.firstTab && result.firstTab.href && result.firstTab.href.startsWith("#")) {
      await page.keyboard.press("Enter");
      result.skipTargetFocused = await page.evaluate((id) => {
        const target = document.getElementById(id);
        return Boolean(target) && location.hash === `#${id}`;
      }, result.firstTab.href.slice(1));
    }
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    // Then the page at each width: its overflow and axe-core's violations (the viewport resized in place; the
    // page lays itself out again as it would have loaded at that width).
    result.widths = {};
    for (const width of [MAIN_WIDTH, ...WIDTHS.filter((w) => w !== MAIN_WIDTH)]) {
      if (!WIDTHS.includes(width)) continue;
      if (width !== page.viewportSize().width) {
        await page.setViewportSize({ width, height: 900 });
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      }
      const overflow = await page.evaluate(measureOverflow);
      const { violations } = await runAxe(page);
      result.widths[width] = { ...overflow, violations };
    }
  } catch (err) {
    result.error = String(err && err.message ? err.message : err);
  } finally {
    await page.close();
  }
  return result;
}

/** With JavaScript off the page must still show its heading and main content. */
async function checkWithoutScript(context, target) {
  const page = await context.newPage();
  try {
    await page.goto(target.url, { waitUntil: "load", timeout: 15000 });
    return await page.evaluate(() => {
      const main = document.querySelector("main");
      const h1 = document.querySelector("h1");
      return {
        h1Visible: Boolean(h1) && h1.getBoundingClientRect().height > 0,
        mainText: main ? main.innerText.trim().length : 0,
      };
    });
  } catch (err) {
    return { error: String(err && err.message ? err.message : err) };
  } finally {
    await page.close();
  }
}

try {
  const context = await browser.newContext({ viewport: { width: MAIN_WIDTH, height: 900 }, serviceWorkers: "block" });
  const noScript = await browser.newContext({ viewport: { width: MAIN_WIDTH, height: 900 }, javaScriptEnabled: false });
  for (const target of targets) {
    const result = await check(context, target);
    result.withoutJavaScript = await checkWithoutScript(noScript, target);
    process.stdout.write(JSON.stringify(result) + "\n");
  }
  await context.close();
  await noScript.close();
} catch (err) {
  await browser.close();
  fail(`the browser failed: ${err.message}`);
}
await browser.close();
