// Starting headless Chromium for the checks of tests/js (browser-check, csp-check, search-check): Debian's
// /usr/bin/chromium (or the executable CHROMIUM names), driven by playwright-core.
//
// A check that cannot run ends with a message on stderr, prefixed with the check's name, and exit status 2; the
// callers tell that apart from results (exit 0 whatever the pages hold).

/** The executable the checks start: CHROMIUM from the environment, else Debian's package. */
export const EXECUTABLE = process.env.CHROMIUM || "/usr/bin/chromium";

/** The flags every check starts the browser with (a check may add more). */
export const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

/** A function that prints `name: message` on stderr and exits with status 2. */
export function failWith(name) {
  return (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
}

/** playwright-core's chromium, or the end of the check (through `fail`) when the npm packages are missing. */
export async function loadChromium(fail) {
  try {
    const { chromium } = await import("playwright-core");
    return chromium;
  } catch (err) {
    fail(`the npm packages are missing (run tests/setup.sh): ${err.message}`);
  }
}

/** The browser started headless with LAUNCH_ARGS and `extraArgs`, or the end of the check (through `fail`). */
export async function launchChromium(chromium, fail, extraArgs = []) {
  try {
    return await chromium.launch({ executablePath: EXECUTABLE, headless: true, args: [...LAUNCH_ARGS, ...extraArgs] });
  } catch (err) {
    fail(`cannot start ${EXECUTABLE}: ${err.message}`);
  }
}
