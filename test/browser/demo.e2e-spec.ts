import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';
import { findChromium } from './find-chromium.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = `${ROOT}test-results/`;
const MAIN = 'demo/dist/demo/server/main.js';
const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const WRONG_CODE = '00000000-0000-0000-0000';
const PASSWORD = 'correct horse battery';
// Short enough for the test to watch a lockout end; the demo's default is the library's 15 min.
const LOCKOUT_MS = 10_000;

const chromiumFound = findChromium();

/** Listens on a free loopback port and resolves the server, to hold the port or to learn one. */
function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

async function freePort(): Promise<number> {
  const server = await listenOnFreePort();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the built demo as `npm run demo` does, after its build step. */
function runDemo(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves once the demo prints its URL. */
function started(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${output}`));
    });
  });
}

/** Everything the process printed, and how it ended. */
function finished(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(() => {
  // The same build as `npm run demo`: the server with tsc, the page with Vite.
  execFileSync('npm', ['run', 'demo:build'], { cwd: ROOT, stdio: 'pipe' });
}, 180_000);

describe('npm run demo', () => {
  it('exits with one line, and no stack trace, when the port is taken', async () => {
    const holder = await listenOnFreePort();
    const port = portOf(holder);
    try {
      const { code, output } = await finished(runDemo({ PORT: String(port) }));
      expect(code).toBe(1);
      expect(output).toBe(
        `port ${port} is in use: set PORT=… to a free one, for example PORT=${port + 1} npm run demo\n`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

if ('missing' in chromiumFound) {
  process.stderr.write(`Browser test of the demo skipped: ${chromiumFound.missing}.\n`);
}

// A missing browser skips the walk-through (with the line above); CI installs Chromium.
const describeInBrowser = 'path' in chromiumFound ? describe : describe.skip;

describeInBrowser('the demo in a real browser (Chromium)', () => {
  let demo: ChildProcess | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let codes: string[] = [];
  let secondSet: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: { text: string; url: string }[] = [];
  // The HTTP answers the test provokes on purpose; Chromium logs each as a console error.
  const provoked: { status: number; method: string; path: string }[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}demo-${name}.png`, fullPage: true });
  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const heading = (name: string) => page.getByRole('heading', { name, exact: true });
  const alertWith = (text: string) => page.getByRole('alert').filter({ hasText: text });
  const isFocused = (locator: ReturnType<Page['getByRole']>) =>
    locator.evaluate((element) => element === document.activeElement);
  const mailbox = () => page.getByRole('complementary').getByRole('region', { name: 'Mailbox' });
  /** The newest message with this subject. */
  const mail = (subject: string) =>
    mailbox()
      .getByRole('listitem')
      .filter({ has: page.getByText(subject, { exact: true }) })
      .first();
  const field = (name: string) => page.getByRole('textbox', { name, exact: true });

  /** Declares an HTTP error the next step provokes, and waits for its response. */
  async function provoking(status: number, method: string, path: string, act: () => Promise<void>) {
    provoked.push({ status, method, path });
    const answered = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === path &&
        response.request().method() === method &&
        response.status() === status,
    );
    await act();
    await answered;
  }

  /** The code the phone shows for `account` now. */
  async function phoneCode(account: string): Promise<string> {
    const code = page.locator(`[data-testid="phone-code"][data-account="${account}"]`);
    await code.filter({ hasText: /^\d{6}$/ }).waitFor();
    return (await code.textContent()) ?? '';
  }

  async function signInWithPassword(name: string, password = PASSWORD) {
    await heading('Sign in').waitFor();
    await field('Name').fill(name);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await button('Sign in').click();
  }

  async function signOut() {
    await button('Sign out').click();
    await heading('Sign in').waitFor();
  }

  async function enrolAuthenticator(name: string) {
    await heading('Set up your authenticator').waitFor();
    await page.getByTestId('totp-secret').waitFor();
    await button('Add it to the phone (demo)').click();
    await field('Code from your authenticator').fill(await phoneCode(name));
    await button('Turn on two-step sign-in').click();
    await heading('Your account').waitFor();
  }

  /** Generates ten codes, checks focus and the announcement, and returns them. */
  async function generateAndSave(step: string): Promise<string[]> {
    const generate = button('Generate 10 recovery codes');
    await generate.waitFor();
    // Right after enrolment the page puts you on the button that comes next.
    expect(await isFocused(generate)).toBe(true);
    await generate.click();
    const panelHeading = heading('Save these codes somewhere safe');
    await panelHeading.waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^10 recovery codes generated$/ })
      .waitFor();
    expect(await page.getByTestId('announcer').getAttribute('aria-live')).toBe('polite');
    expect(await isFocused(panelHeading)).toBe(true);
    const panel = page.getByRole('region', { name: 'Save these codes somewhere safe' });
    expect(await panel.textContent()).toContain(
      "This is the only time you'll see them. Lose them, and you may lose access if your authenticator is unavailable.",
    );
    const shown = await page.getByTestId('recovery-code').allTextContents();
    expect(shown).toHaveLength(10);
    expect(new Set(shown).size).toBe(10);
    for (const code of shown) expect(code).toMatch(HEX_CODE);
    await shot(`${step}-codes-shown-once`);

    await button("I've saved them").click();
    await page.getByText('They will not be shown again.').waitFor();
    expect(await isFocused(button('Sign out'))).toBe(true);
    await page.getByTestId('remaining').filter({ hasText: /^10$/ }).waitFor();
    const html = await page.content();
    for (const code of shown) expect(html).not.toContain(code);
    await mail('New recovery codes').waitFor();
    return shown;
  }

  beforeAll(async () => {
    if (!('path' in chromiumFound)) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    demo = runDemo({ PORT: String(port), DEMO_ATTEMPT_WINDOW_MS: String(LOCKOUT_MS) });
    await started(demo, port);
    browser = await chromium.launch({
      executablePath: chromiumFound.path,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1100, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    page = await context.newPage();
    // Fail fast: every step here takes well under a second.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') {
        consoleErrors.push({ text: message.text(), url: message.location().url });
      }
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stop(demo);
  });

  it('signs up with a name and a password, then enrols an authenticator', async () => {
    await page.goto(baseUrl);
    await button('Create an account').click();
    await heading('Create an account').waitFor();
    await field('Name').fill('Alice');
    await provoking(400, 'POST', '/demo/accounts', async () => {
      await page.getByLabel('Password', { exact: true }).fill('short');
      await button('Create account').click();
    });
    await alertWith('Choose a password of at least 8 characters.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await button('Create account').click();

    await heading('Set up your authenticator').waitFor();
    expect(await page.getByTestId('totp-secret').textContent()).toMatch(
      /^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/,
    );
    await shot('01-enrol-authenticator');
    await enrolAuthenticator('Alice');
  });

  it('asks for recovery codes next, and shows them once with the focus on them', async () => {
    await page
      .getByText('If you lose your authenticator, a recovery code still gets you in.')
      .waitFor();
    const generate = button('Generate 10 recovery codes');
    await generate.click();
    const panelHeading = heading('Save these codes somewhere safe');
    await panelHeading.waitFor();
    expect(await isFocused(panelHeading)).toBe(true);
    await page
      .getByTestId('announcer')
      .filter({ hasText: /^10 recovery codes generated$/ })
      .waitFor();
    codes = await page.getByTestId('recovery-code').allTextContents();
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(HEX_CODE);
    await shot('02-codes-shown-once');
  });

  it('copies, downloads and prints the codes', async () => {
    await button('Copy all').click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      button('Download .txt').click(),
    ]);
    expect(download.suggestedFilename()).toBe('recovery-codes.txt');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.split('\n')[0]).toBe('@nest-auth/mfa demo — Alice');
    for (const code of codes) expect(text).toContain(`\n${code}\n`);
    await button('Print').click();
    await page.getByText('Sent to the print dialog.').waitFor();
  });

  it('drops the codes after "I\'ve saved them" and moves the focus to the next step', async () => {
    await button("I've saved them").click();
    await page.getByText('They will not be shown again.').waitFor();
    expect(await isFocused(button('Sign out'))).toBe(true);
    const html = await page.content();
    for (const code of codes) expect(html).not.toContain(code);
    await page.getByTestId('remaining').filter({ hasText: /^10$/ }).waitFor();
    await mail('New recovery codes').waitFor();
    await shot('03-codes-saved');

    await page.reload();
    await heading('Your account').waitFor();
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    for (const code of codes) expect(stored).not.toContain(code);
    expect(await page.getByTestId('recovery-code').count()).toBe(0);
  });

  it('path 1: password, then the authenticator code, gives a full session', async () => {
    await signOut();
    await provoking(401, 'POST', '/demo/session', () =>
      signInWithPassword('Alice', 'wrong password'),
    );
    await alertWith(
      "That name and password don't match an account. Check both and try again.",
    ).waitFor();
    await signInWithPassword('Alice');
    await heading('Two-step sign-in').waitFor();

    // The password alone cannot mint a code (and then spend it on a reset).
    let minted: { status: number; error: unknown } | undefined;
    await provoking(401, 'POST', '/me/mfa/recovery-codes', async () => {
      minted = await page.evaluate(async () => {
        const response = await fetch('/me/mfa/recovery-codes', { method: 'POST' });
        return {
          status: response.status,
          error: ((await response.json()) as { error?: unknown }).error,
        };
      });
    });
    expect(minted).toEqual({ status: 401, error: 'mfa_required' });

    await provoking(401, 'POST', '/demo/session/totp', async () => {
      await field('Authentication code').fill('000000');
      await button('Verify').click();
    });
    await alertWith("That code doesn't match.").waitFor();
    await field('Authentication code').fill(await phoneCode('Alice'));
    await button('Verify').click();
    await heading('Your account').waitFor();
    await page.getByTestId('remaining').filter({ hasText: /^10$/ }).waitFor();
    await shot('04-signed-in-with-authenticator');
  });

  it('path 2: password, then a recovery code, signs in once and shows what is left', async () => {
    await signOut();
    await signInWithPassword('Alice');
    await button('Lost your authenticator? Use a recovery code').click();
    const title = heading('Sign in with a recovery code');
    await title.waitFor();
    expect(await isFocused(title)).toBe(true);
    await field('Recovery code').fill(codes[0]!.toUpperCase().replace(/-/g, ' '));
    await button('Sign in').click();
    await heading('Your account').waitFor();
    await page
      .getByText('You signed in with a recovery code. You have 9 recovery codes left.')
      .waitFor();
    await page.getByTestId('remaining').filter({ hasText: /^9$/ }).waitFor();
    await mail('A recovery code was used to sign in').waitFor();
    await shot('05-signed-in-with-recovery-code');

    // A spent code does not sign in again.
    await signOut();
    await signInWithPassword('Alice');
    await button('Lost your authenticator? Use a recovery code').click();
    await provoking(401, 'POST', '/me/mfa/recovery-codes/redeem', async () => {
      await field('Recovery code').fill(codes[0]!);
      await button('Sign in').click();
    });
    await alertWith('That code is wrong or has already been used.').waitFor();
    await provoking(400, 'POST', '/me/mfa/recovery-codes/redeem', async () => {
      await field('Recovery code').fill('code ü');
      await button('Sign in').click();
    });
    await alertWith("That doesn't look like a recovery code.").waitFor();
  });

  it('path 3: password, then "Reset MFA with a code", turns MFA off and asks to enrol again', async () => {
    await button('Reset MFA with a code').click();
    await heading('Reset MFA with a recovery code').waitFor();
    await field('Recovery code').fill(codes[1]!);
    await button('Reset MFA').click();
    await heading('Set up your authenticator').waitFor();
    await page.getByText('Two-step sign-in is off, and that recovery code is used up.').waitFor();
    await mail('Two-step sign-in was turned off').waitFor();
    await shot('06-reset-then-enrol-again');

    await enrolAuthenticator('Alice');
    secondSet = await generateAndSave('07');
    for (const code of secondSet) expect(codes).not.toContain(code);
  });

  it('locks recovery codes after too many wrong ones, with a countdown and the button disabled', async () => {
    await signOut();
    await signInWithPassword('Alice');
    await button('Lost your authenticator? Use a recovery code').click();
    const submit = button('Sign in');
    for (let i = 0; i < 5; i++) {
      await provoking(401, 'POST', '/me/mfa/recovery-codes/redeem', async () => {
        await field('Recovery code').fill(WRONG_CODE);
        await submit.click();
      });
      await alertWith('That code is wrong or has already been used.').waitFor();
    }
    await provoking(429, 'POST', '/me/mfa/recovery-codes/redeem', async () => {
      await field('Recovery code').fill(secondSet[0]!);
      await submit.click();
    });
    await alertWith(
      'Too many wrong codes. For your safety, recovery codes are locked for',
    ).waitFor();
    const countdown = page.getByTestId('lockout-countdown');
    expect(await countdown.textContent()).toMatch(/^You can try again in 0:(0\d|10)\.$/);
    expect(await submit.isDisabled()).toBe(true);
    await mail('Too many wrong recovery codes').waitFor();
    await shot('08-locked-out-countdown');

    // The button comes back when the countdown ends, and the valid code then works.
    await submit.and(page.locator(':enabled')).waitFor({ timeout: LOCKOUT_MS + 5_000 });
    expect(await countdown.count()).toBe(0);
    await page
      .getByTestId('announcer')
      .filter({ hasText: 'You can try a recovery code again now.' })
      .waitFor();
    await submit.click();
    await page.getByText('You have 9 recovery codes left.').waitFor();
  }, 60_000);

  it('never shows a code in the mailbox', async () => {
    const text = (await mailbox().textContent()) ?? '';
    expect(text).toContain('A recovery code was used to sign in');
    for (const code of [...codes, ...secondSet]) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(code.slice(0, 8));
    }
    await shot('09-mailbox');
  });

  it('logged no console errors but the HTTP answers it provoked, and no page errors', () => {
    expect(pageErrors).toEqual([]);
    const unexpected = consoleErrors.filter(({ text, url }) => {
      const status =
        /^Failed to load resource: the server responded with a status of (\d{3}) /.exec(text)?.[1];
      const path = url ? new URL(url).pathname : '';
      return !provoked.some((p) => String(p.status) === status && p.path === path);
    });
    expect(unexpected).toEqual([]);
    // Each provoked answer showed up as exactly the error Chromium logs for it.
    expect(consoleErrors.length).toBe(provoked.length);
  });
});
