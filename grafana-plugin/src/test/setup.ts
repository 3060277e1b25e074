// jsdom lacks what @grafana/ui touches on import and on render (NOTES.md, "Grafana app plugin").
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { TextDecoder, TextEncoder } from 'node:util';
import { afterEach } from 'vitest';

afterEach(cleanup);

Object.assign(globalThis, { TextEncoder, TextDecoder });

// Files that opt into the node environment (the build test) have no window to patch.
if (typeof window !== 'undefined') {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }),
  });

  // Only text measuring is used (Combobox sizes its menu with it); a fixed width per character is enough.
  HTMLCanvasElement.prototype.getContext = (() => ({
    font: '',
    measureText: (text: string) => ({ width: text.length * 7 }),
  })) as unknown as HTMLCanvasElement['getContext'];

  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;

  // jsdom lays nothing out, so has nothing to scroll; tests spy on the call.
  Element.prototype.scrollIntoView ??= () => {};

  // Grafana resolves times' zone from the user's preference, as set at its startup; the tests' user prefers UTC,
  // whatever the machine's zone. Imported here: Grafana's packages need a window.
  const { setTimeZoneResolver } = await import('@grafana/data');
  const { config } = await import('@grafana/runtime');
  config.bootData.user.timezone = 'utc';
  setTimeZoneResolver(() => config.bootData.user.timezone);
}
