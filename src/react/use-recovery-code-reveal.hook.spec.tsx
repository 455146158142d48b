/** @jest-environment jsdom */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FakeNestAuthServer } from './testing/fake-nest-auth-server.js';
import { NestAuthProvider, useNestAuth, useRecoveryCodeReveal } from './index.js';

/** A minimal show-once panel on top of the headless hook, as an app would write it. */
function RecoveryCodesPanel() {
  const { generateRecoveryCodes } = useNestAuth();
  const reveal = useRecoveryCodeReveal({ title: 'Example app — alice', fileName: 'example.txt' });
  if (!reveal.isRevealed) {
    return (
      <button onClick={async () => reveal.show((await generateRecoveryCodes(10)).codes)}>
        Generate ten codes
      </button>
    );
  }
  return (
    <section aria-label="New recovery codes">
      <ol>
        {reveal.codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <button onClick={() => void reveal.copyAll()}>Copy all</button>
      <button onClick={reveal.download}>Download .txt</button>
      <button onClick={reveal.print}>Print</button>
      <button onClick={reveal.acknowledge}>I've saved it</button>
      <p>
        {[reveal.copied && 'copied', reveal.downloaded && 'downloaded', reveal.printed && 'printed']
          .filter(Boolean)
          .join(', ')}
      </p>
    </section>
  );
}

/** jsdom's Blob has no `text()`; FileReader reads it. */
function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('useRecoveryCodeReveal', () => {
  let server: FakeNestAuthServer;
  let clipboard: string[];
  let blobs: Map<string, Blob>;
  let revoked: string[];

  const renderPanel = () =>
    render(
      <NestAuthProvider client={server.client}>
        <RecoveryCodesPanel />
      </NestAuthProvider>,
    );

  const generate = async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Generate ten codes' }));
    await screen.findByRole('region', { name: 'New recovery codes' });
    return screen.getAllByRole('listitem').map((item) => item.textContent ?? '');
  };

  beforeEach(() => {
    server = new FakeNestAuthServer();
    clipboard = [];
    blobs = new Map();
    revoked = [];
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void clipboard.push(text) },
    });
    // jsdom has no object URLs; these stand in for the browser's.
    URL.createObjectURL = (blob: Blob) => {
      const url = `blob:test/${blobs.size}`;
      blobs.set(url, blob);
      return url;
    };
    URL.revokeObjectURL = (url: string) => void revoked.push(url);
  });

  afterEach(() => {
    cleanup();
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('shows the ten generated codes until "I\'ve saved it", then drops them for good', async () => {
    renderPanel();
    const codes = await generate();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    fireEvent.click(screen.getByRole('button', { name: "I've saved it" }));
    expect(screen.queryByRole('region', { name: 'New recovery codes' })).toBeNull();
    for (const code of codes) expect(document.body.innerHTML).not.toContain(code);
    expect(screen.getByRole('button', { name: 'Generate ten codes' })).toBeTruthy();
  });

  it('never writes the codes to localStorage or sessionStorage', async () => {
    renderPanel();
    await generate();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
  });

  it('copies every code, one a line', async () => {
    renderPanel();
    const codes = await generate();
    fireEvent.click(screen.getByRole('button', { name: 'Copy all' }));
    await screen.findByText('copied');
    expect(clipboard).toEqual([codes.join('\n')]);
  });

  it('reports a refused clipboard as not copied', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async () => Promise.reject(new Error('denied')) },
    });
    renderPanel();
    await generate();
    fireEvent.click(screen.getByRole('button', { name: 'Copy all' }));
    await act(async () => undefined);
    expect(screen.queryByText('copied')).toBeNull();
  });

  it('downloads a .txt file holding the title and every code, and frees its URL', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    const clicked: HTMLAnchorElement[] = [];
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this);
    });
    renderPanel();
    const codes = await generate();
    fireEvent.click(screen.getByRole('button', { name: 'Download .txt' }));

    expect(clicked).toHaveLength(1);
    expect(clicked[0]!.download).toBe('example.txt');
    expect(clicked[0]!.isConnected).toBe(false);
    const blob = blobs.get(clicked[0]!.href)!;
    expect(blob.type).toBe('text/plain;charset=utf-8');
    const text = await readText(blob);
    expect(text.split('\n')[0]).toBe('Example app — alice');
    for (const code of codes) expect(text).toContain(`\n${code}\n`);
    expect(screen.getByText('downloaded')).toBeTruthy();

    act(() => void jest.advanceTimersByTime(1_000));
    expect(revoked).toEqual([clicked[0]!.href]);
  });

  it('frees a pending download URL when the codes are acknowledged', async () => {
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderPanel();
    await generate();
    fireEvent.click(screen.getByRole('button', { name: 'Download .txt' }));
    fireEvent.click(screen.getByRole('button', { name: "I've saved it" }));
    expect(revoked).toEqual(['blob:test/0']);
  });

  it('prints only the codes, from a hidden frame that goes away after printing', async () => {
    const printed: string[] = [];
    // jsdom cannot print: record what the frame would put on paper instead.
    const contentWindow = Object.getOwnPropertyDescriptor(
      HTMLIFrameElement.prototype,
      'contentWindow',
    )!;
    jest.spyOn(HTMLIFrameElement.prototype, 'contentWindow', 'get').mockImplementation(function (
      this: HTMLIFrameElement,
    ) {
      const win = contentWindow.get!.call(this) as (Window & typeof globalThis) | null;
      if (win) {
        win.focus = () => undefined;
        win.print = () => {
          printed.push(win.document.body.textContent ?? '');
          win.dispatchEvent(new win.Event('afterprint'));
        };
      }
      return win;
    });
    renderPanel();
    const codes = await generate();
    fireEvent.click(screen.getByRole('button', { name: 'Print' }));

    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('Example app — alice');
    for (const code of codes) expect(printed[0]).toContain(code);
    expect(document.querySelector('iframe')).toBeNull();
    await waitFor(() => expect(screen.getByText('printed')).toBeTruthy());
  });

  it('shows a single code from the product page generate call', async () => {
    let reveal: ReturnType<typeof useRecoveryCodeReveal> | undefined;
    function Single() {
      reveal = useRecoveryCodeReveal();
      return <pre>{reveal.codes.join(' ')}</pre>;
    }
    render(<Single />);
    act(() => reveal!.show('a1b2c3d4-e5f6-7890-abcd'));
    expect(reveal!.codes).toEqual(['a1b2c3d4-e5f6-7890-abcd']);
    expect(screen.getByText('a1b2c3d4-e5f6-7890-abcd')).toBeTruthy();
    act(() => reveal!.acknowledge());
    expect(reveal!.isRevealed).toBe(false);
    expect(document.body.textContent).not.toContain('a1b2c3d4');
  });
});
