/**
 * What the dashboard's browser tests share: a real `patchbay up` (test/gateway/helpers/up-process.ts)
 * on a project with the given servers, a login URL from `patchbay ui --print`, an API session that
 * keeps every answer's text (so a test can look for secrets in all of them), and Debian's chromium
 * through playwright-core (never a downloaded browser).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { makeProject, startUp, type UpProcess } from '../gateway/helpers/up-process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'dashboard');

export interface DashboardHub {
  up: UpProcess;
  /** http://127.0.0.1:PORT */
  base: string;
  /** A fresh one-time login URL, as `patchbay ui --print` prints it. */
  login(): Promise<string>;
  /** The hub's token (`patchbay token`), for SDK clients and the model proxy. */
  token(): Promise<string>;
  stop(): Promise<number | null>;
}

export async function startDashboardHub(servers: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): Promise<DashboardHub> {
  const up = await startUp(makeProject(servers), [], env);
  const base = `http://127.0.0.1:${up.port}`;
  return {
    up,
    base,
    login: async () => (await runCli(['ui', '--print', '--port', String(up.port)], { cwd: up.project })).stdout.trim(),
    token: async () => (await runCli(['token'], { cwd: up.project })).stdout.trim(),
    stop: () => up.stop(),
  };
}

export interface ApiSession {
  get(path: string): Promise<Record<string, any>>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, any> }>;
  /** The text of every answer so far. */
  answers: string[];
}

/** Logs in with a one-time code and calls /ui/api/ as the page does (cookie, and its own Origin on changes). */
export async function apiSession(hub: DashboardHub): Promise<ApiSession> {
  const first = await fetch(await hub.login(), { redirect: 'manual' });
  const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
  const answers: string[] = [];
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${hub.base}/ui/api/${path}`, { ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, body: JSON.parse(text) as Record<string, any> };
  };
  return {
    answers,
    get: async (path) => (await call(path)).body,
    post: (path, body) => call(path, { method: 'POST', headers: { origin: hub.base, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Opens a page from the navigation and waits for its heading. */
export async function openPage(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { level: 2 }).first().waitFor();
}
