import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCREENSHOTS = `${ROOT}test-results/`;
const CHROMIUM = '/usr/bin/chromium';
const HEX_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/;
const WRONG_CODE = '00000000-0000-0000-0000';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts the built demo on `port` and resolves once it prints its URL. */
function startDemo(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['demo/dist/demo/server/main.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve(child);
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

describe('the demo in a real browser (Chromium)', () => {
  let demo: ChildProcess | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let codes: string[] = [];
  const pageErrors: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: `${SCREENSHOTS}demo-${name}.png`, fullPage: true });
  const remaining = () => page.getByTestId('remaining').textContent();
  const resetWith = async (code: string) => {
    await page.getByRole('textbox', { name: 'Recovery code', exact: true }).fill(code);
    await page.getByRole('button', { name: 'Reset MFA' }).click();
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: run \`apt-get install chromium\` (.ci/run does).`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The same build as `npm run demo`: the server with tsc, the page with Vite.
    execFileSync('npm', ['run', 'demo:build'], { cwd: ROOT, stdio: 'pipe' });
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    demo = await startDemo(port);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
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
      viewport: { width: 1000, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    page = await context.newPage();
    // Fail fast: every step here takes well under a second.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // Chromium logs every 4xx response; the error paths below cause them on purpose.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(message.text());
      }
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo?.once('exit', resolve));
      demo.kill('SIGTERM');
      await exited;
    }
  });

  it('signs in with the demo sign-in, with no codes yet', async () => {
    await page.goto(baseUrl);
    await page.getByText('Demo only.').waitFor();
    await page.getByLabel('Your name (demo only, no password)').fill('Alice');
    await page.getByRole('button', { name: 'Sign in (demo)' }).click();
    await page.getByText('Signed in as').waitFor();
    expect(await page.getByTestId('mfa-state').textContent()).toBe('MFA is on.');
    await page.getByTestId('remaining').filter({ hasText: '0' }).waitFor();
    await shot('01-signed-in-no-codes');
  });

  it('shows ten new codes once, in the panel with the warning', async () => {
    await page.getByRole('button', { name: 'Generate 10 recovery codes' }).click();
    const panel = page.getByRole('region', { name: 'Save this code somewhere safe' });
    await panel.waitFor();
    expect(await panel.textContent()).toContain(
      "This is the only time you'll see it. Lose it, and you may lose access if your authenticator is unavailable.",
    );
    codes = await page.getByTestId('recovery-code').allTextContents();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(HEX_CODE);
    await page.getByTestId('remaining').filter({ hasText: '10' }).waitFor();
    await shot('02-show-once-panel-with-ten-codes');
  });

  it('copies every code to the clipboard', async () => {
    await page.getByRole('button', { name: 'Copy all' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
  });

  it('downloads a .txt file that holds the codes', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('recovery-codes.txt');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text.split('\n')[0]).toBe('@nest-auth/mfa demo — Alice');
    for (const code of codes) expect(text).toContain(`\n${code}\n`);
  });

  it('opens printing without leaving the page', async () => {
    await page.getByRole('button', { name: 'Print' }).click();
    await page.getByText('Sent to the print dialog.').waitFor();
    await shot('03-after-copy-download-print');
  });

  it('drops the codes after "I\'ve saved it", and a reload cannot bring them back', async () => {
    await page.getByRole('button', { name: "I've saved it" }).click();
    await page.getByText('They will not be shown again.').waitFor();
    const afterAck = await page.content();
    for (const code of codes) expect(afterAck).not.toContain(code);
    expect(await page.locator('iframe').count()).toBe(0);
    await shot('04-acknowledged-codes-gone');

    await page.reload();
    await page.getByText('Signed in as').waitFor();
    await page.getByTestId('remaining').filter({ hasText: '10' }).waitFor();
    const afterReload = await page.content();
    for (const code of codes) expect(afterReload).not.toContain(code);
    expect(await page.getByTestId('recovery-code').count()).toBe(0);
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    for (const code of codes) expect(stored).not.toContain(code);
    await shot('05-after-reload-no-codes');
  });

  it('resets MFA with one code, and refuses the same code again', async () => {
    await resetWith(codes[0]!);
    await page.getByText('MFA is reset and that code is used up.').waitFor();
    // The page refreshes the account after the reset answers; wait for it rather than race it.
    await page.getByTestId('mfa-state').filter({ hasText: 'MFA is off.' }).waitFor();
    expect(await page.getByTestId('mfa-state').textContent()).toBe('MFA is off.');
    await page.getByTestId('remaining').filter({ hasText: '9' }).waitFor();
    await shot('06-reset-succeeded');

    await resetWith(codes[0]!);
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'That code is wrong or has already been used.' }).waitFor();
    expect(await remaining()).toBe('9');
    await shot('07-reused-code-refused');
  });

  it('explains input that cannot be a recovery code', async () => {
    await resetWith('code ü');
    await page
      .getByRole('alert')
      .filter({ hasText: "That doesn't look like a recovery code." })
      .waitFor();
    await shot('08-bad-input-message');
  });

  it('locks out after too many wrong codes, even for a valid one', async () => {
    // One failure so far (the reused code); the lockout comes after five.
    for (let i = 0; i < 4; i++) {
      await resetWith(WRONG_CODE);
      await page.getByRole('button', { name: 'Reset MFA' }).and(page.locator(':enabled')).waitFor();
      await page.getByRole('alert').filter({ hasText: 'wrong or has already been used' }).waitFor();
    }
    await resetWith(codes[1]!);
    await page
      .getByRole('alert')
      .filter({
        hasText: 'Too many attempts: you are locked out for now. Try again in 15 minutes.',
      })
      .waitFor();
    expect(await remaining()).toBe('9');
    await shot('09-locked-out-message');
  });

  it('logged no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
