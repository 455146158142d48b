import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

/**
 * Options of `useRecoveryCodeReveal()`.
 * @publicApi
 */
export interface RecoveryCodeRevealOptions {
  /** Name of the downloaded file. Default: `'recovery-codes.txt'`. */
  fileName?: string;
  /** First line of the downloaded and printed text, for example your app and the account. Default: `'Recovery codes'`. */
  title?: string;
}

/**
 * The show-once state of freshly generated codes, and the ways to save them.
 * @publicApi
 */
export interface RecoveryCodeReveal {
  /** The codes to show; empty once acknowledged (or before `show()`). */
  readonly codes: readonly string[];
  /** Whether there are codes on screen. */
  readonly isRevealed: boolean;
  /** Whether the codes were copied since `show()`. */
  readonly copied: boolean;
  /** Whether the codes were downloaded since `show()`. */
  readonly downloaded: boolean;
  /** Whether the codes were printed since `show()`. */
  readonly printed: boolean;
  /** Shows freshly generated codes: one (`{ code }`) or a set (`{ codes }`). */
  show(codes: string | readonly string[]): void;
  /**
   * Shows the `replacement` of a redeem or reset result (the server's `replaceOnUse`) once, like a
   * new code. Returns whether a code is now shown: `false` without one (no `replaceOnUse`), or when
   * it is `null` because the server could not issue it (offer to generate a new set then).
   */
  showReplacement(result: { readonly replacement?: string | null }): boolean;
  /** "I've saved it": drops the codes from memory; they cannot be shown again. */
  acknowledge(): void;
  /** Copies the codes, one a line, with `navigator.clipboard`. Resolves `false` when refused. */
  copyAll(): Promise<boolean>;
  /** Downloads the codes as a `.txt` file. */
  download(): void;
  /** Prints the codes alone, from a hidden frame, so the rest of the page stays off the paper. */
  print(): void;
}

const DEFAULT_FILE_NAME = 'recovery-codes.txt';
const DEFAULT_TITLE = 'Recovery codes';
/** Long enough for the browser to start the download, short enough not to keep codes around. */
const OBJECT_URL_LIFETIME_MS = 1_000;
/** Browsers without `afterprint` still get the print frame removed. */
const PRINT_FRAME_LIFETIME_MS = 60_000;

interface Shown {
  codes: readonly string[];
  at: Date;
}

/**
 * Headless show-once state for recovery codes. Codes live only in this component's memory: never
 * in storage, never in the URL. `acknowledge()` (and unmounting) drops them, and with them any
 * object URL or print frame that held them.
 * @example
 * const reveal = useRecoveryCodeReveal({ title: 'Example app — alice' });
 * const onGenerate = async () => reveal.show((await generateRecoveryCodes(10)).codes);
 * // render reveal.codes, and buttons for reveal.copyAll, reveal.download, reveal.print, reveal.acknowledge
 * @publicApi
 */
export function useRecoveryCodeReveal(options: RecoveryCodeRevealOptions = {}): RecoveryCodeReveal {
  const fileName = options.fileName ?? DEFAULT_FILE_NAME;
  const title = options.title ?? DEFAULT_TITLE;
  const [shown, setShown] = useState<Shown | null>(null);
  const [copied, setCopied] = useState(false);
  const [downloaded, setDownloaded] = useState(false);
  const [printed, setPrinted] = useState(false);
  // Everything outside React state that holds codes, so acknowledge() can drop it.
  const leftovers = useRef(new Set<() => void>());

  const dropLeftovers = useCallback(() => {
    for (const drop of [...leftovers.current]) drop();
    leftovers.current.clear();
  }, []);

  useEffect(() => dropLeftovers, [dropLeftovers]);

  const show = useCallback(
    (codes: string | readonly string[]) => {
      dropLeftovers();
      setShown({ codes: typeof codes === 'string' ? [codes] : [...codes], at: new Date() });
      setCopied(false);
      setDownloaded(false);
      setPrinted(false);
    },
    [dropLeftovers],
  );

  const showReplacement = useCallback(
    (result: { readonly replacement?: string | null }) => {
      if (typeof result.replacement !== 'string') return false;
      show(result.replacement);
      return true;
    },
    [show],
  );

  const acknowledge = useCallback(() => {
    dropLeftovers();
    setShown(null);
    setCopied(false);
    setDownloaded(false);
    setPrinted(false);
  }, [dropLeftovers]);

  const copyAll = useCallback(async () => {
    if (!shown || typeof navigator === 'undefined' || !navigator.clipboard) return false;
    try {
      await navigator.clipboard.writeText(shown.codes.join('\n'));
      setCopied(true);
      return true;
    } catch {
      return false;
    }
  }, [shown]);

  const download = useCallback(() => {
    if (!shown) return;
    const url = URL.createObjectURL(
      new Blob([formatText(title, shown)], { type: 'text/plain;charset=utf-8' }),
    );
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = fileName;
    anchor.rel = 'noopener';
    anchor.style.display = 'none';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    const revoke = () => {
      clearTimeout(timer);
      leftovers.current.delete(revoke);
      URL.revokeObjectURL(url);
    };
    const timer = setTimeout(revoke, OBJECT_URL_LIFETIME_MS);
    leftovers.current.add(revoke);
    setDownloaded(true);
  }, [shown, fileName, title]);

  const print = useCallback(() => {
    if (!shown) return;
    const frame = document.createElement('iframe');
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    Object.assign(frame.style, {
      position: 'fixed',
      right: '0',
      bottom: '0',
      width: '0',
      height: '0',
      border: '0',
      visibility: 'hidden',
    });
    document.body.append(frame);
    const frameWindow = frame.contentWindow;
    const doc = frame.contentDocument;
    if (!frameWindow || !doc) {
      frame.remove();
      return;
    }
    // Built with DOM nodes, not HTML strings: nothing in the title can become markup.
    doc.title = title;
    const heading = doc.createElement('h1');
    heading.textContent = title;
    const note = doc.createElement('p');
    note.textContent = `Generated ${shown.at.toLocaleString()}. Each code works once. Keep this page somewhere safe.`;
    const list = doc.createElement('pre');
    list.style.fontSize = '14pt';
    list.style.lineHeight = '1.6';
    list.textContent = shown.codes.join('\n');
    doc.body.append(heading, note, list);

    const remove = () => {
      clearTimeout(timer);
      leftovers.current.delete(remove);
      frame.remove();
    };
    const timer = setTimeout(remove, PRINT_FRAME_LIFETIME_MS);
    leftovers.current.add(remove);
    frameWindow.addEventListener('afterprint', remove, { once: true });
    frameWindow.focus();
    frameWindow.print();
    setPrinted(true);
  }, [shown, title]);

  return useMemo(
    () => ({
      codes: shown?.codes ?? [],
      isRevealed: shown !== null,
      copied,
      downloaded,
      printed,
      show,
      showReplacement,
      acknowledge,
      copyAll,
      download,
      print,
    }),
    [
      shown,
      copied,
      downloaded,
      printed,
      show,
      showReplacement,
      acknowledge,
      copyAll,
      download,
      print,
    ],
  );
}

function formatText(title: string, shown: Shown): string {
  return [
    title,
    `Generated ${shown.at.toISOString()}`,
    'Each code works once. Keep this file somewhere safe, and do not email it.',
    '',
    ...shown.codes,
    '',
  ].join('\n');
}
