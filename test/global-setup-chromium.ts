/**
 * Chromium for the browser test (test/examples/browser.test.ts): Debian's `chromium` package,
 * driven by playwright-core. When it is missing and the tests run as root, it is installed with
 * `apt-get install -y chromium` — only when the run includes a file with "browser" in its path,
 * so that running other files alone installs nothing. Otherwise the browser test fails with what
 * to do (it is never skipped). The rest of the suite runs either way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

export type ChromiumBrowser = { readonly path: string } | { readonly error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumBrowser;
  }
}

const apt = (args: string[]) =>
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: 'pipe',
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });

const tail = (error: unknown) => {
  const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message?: string };
  return String(stderr || stdout || message || error)
    .trim()
    .split('\n')
    .slice(-5)
    .join('\n');
};

/** Whether the run selected the browser test (when vitest's file filters cannot be read: yes). */
async function runNeedsChromium(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: unknown }).filenamePattern;
  if (!Array.isArray(filters) || filters.length === 0) return true;
  try {
    const specifications = await project.vitest.getRelevantTestSpecifications(filters as string[]);
    return specifications.some((specification) => /browser/i.test(specification.moduleId));
  } catch {
    return true;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const path = process.env['TOUCHLOG_CHROMIUM'] || '/usr/bin/chromium';
  if (existsSync(path)) {
    project.provide('chromium', { path });
    return;
  }
  if (!(await runNeedsChromium(project))) {
    project.provide('chromium', { error: `Chromium is not installed (${path}) and this run selected no file with "browser" in its path` });
    return;
  }
  if (process.getuid?.() !== 0) {
    project.provide('chromium', {
      error: `Chromium is not installed (${path}). Install the Debian package: sudo apt-get install -y chromium, or set TOUCHLOG_CHROMIUM to a Chromium binary.`,
    });
    return;
  }
  try {
    try {
      apt(['install', '-y', 'chromium']);
    } catch {
      apt(['update']); // a fresh machine may have no package lists yet
      apt(['install', '-y', 'chromium']);
    }
  } catch (error) {
    project.provide('chromium', { error: `Chromium is not installed and "apt-get install -y chromium" failed:\n${tail(error)}` });
    return;
  }
  project.provide('chromium', existsSync(path) ? { path } : { error: `"apt-get install -y chromium" ran, but there is no ${path}` });
}
