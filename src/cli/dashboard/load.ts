// Loads ink and react only when the dashboard draws, so no other command pays for them (test/cli/dashboard-tty
// .test.ts checks that `berth ps` does not load them while attached `up` does).
import { createRequire } from 'node:module';

import type * as InkModule from 'ink';
import type * as ReactNamespace from 'react';

export type Ink = typeof InkModule;
export type ReactModule = typeof ReactNamespace;

// Set by the bundle's banner (scripts/bundle.mjs); undefined when the CLI runs from its ES modules (tests).
declare const __berthModuleUrl: string | undefined;

export async function loadInk(): Promise<{ ink: Ink; react: ReactModule }> {
  if (typeof __berthModuleUrl === 'string') {
    // In dist/berth.cjs: through bin/import-esm.js (why: there). ink and react stay outside the bundle, so the one
    // react ink renders with is the one the view's elements come from.
    const { importEsm } = createRequire(__berthModuleUrl)('../bin/import-esm.js') as {
      importEsm: <T>(specifier: string) => Promise<T>;
    };
    const [ink, react] = await Promise.all([importEsm<Ink>('ink'), importEsm<{ default: ReactModule }>('react')]);
    return { ink, react: react.default };
  }
  const [ink, react] = await Promise.all([import('ink'), import('react')]);
  return { ink, react: react.default as ReactModule };
}
