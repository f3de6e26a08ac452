// harness.mjs - what the browser tests share: the real server on an ephemeral port with a fresh demo
// database, Debian's chromium driven by playwright-core (from web/node_modules; never a downloaded
// browser), screenshots, and a log of console errors to check at the end.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, mkdirSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const WEB_ROOT = join(ROOT, 'web/dist')
export const SCREENSHOTS = join(ROOT, 'tests/e2e/screenshots')
export const BIN = process.env.CASEBRIDGE_BIN || join(ROOT, 'casebridge')
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
export const PASSWORD = 'casebridge-demo'

// playwright-core is a dev dependency of web/ (one lock file for all JavaScript).
const require = createRequire(join(ROOT, 'web/package.json'))
const { chromium } = require('playwright-core')

// Start `casebridge serve` on 127.0.0.1:0 against a new demo database; resolves once it prints
// "listening on http://127.0.0.1:PORT".
export async function startServer() {
  if (!existsSync(BIN)) throw new Error(`server binary ${BIN} missing: run make (or set CASEBRIDGE_BIN)`)
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error('web/dist missing: run make web')
  const dir = mkdtempSync(join(tmpdir(), 'cb-e2e-'))
  const init = spawnSync(BIN, ['init', '--demo', '--data-dir', dir], { encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`init --demo failed: ${init.stderr || init.stdout}`)
  // the public routes' per-IP rate limit is off: every browser of the suite is 127.0.0.1
  const child = spawn(BIN, ['serve', '--data-dir', dir, '--listen', '127.0.0.1:0', '--web-root', WEB_ROOT, '--public-rate-per-minute', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stderr.on('data', (d) => (log += d))
  // If the test process ends without stop() (a crash, a cancelled run), the server must not outlive it.
  const reap = () => child.exitCode === null && child.kill('SIGKILL')
  process.once('exit', reap)
  const url = await new Promise((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}${log}`)), 20000)
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`server exited (${code}) before listening:\n${out}${log}`))
    })
  })
  return {
    url,
    dir,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      process.removeListener('exit', reap)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// Chromium with a fresh profile. Every page of the context shares one cookie jar.
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'cb-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1366, height: 860 },
    locale: 'zh-CN',
    // Not Beijing on purpose: the pages must show Asia/Shanghai times whatever the browser's zone.
    timezoneId: 'UTC',
    reducedMotion: 'reduce', // charts draw at once, so screenshots show final values
  })
  const problems = [] // uncaught errors and CSP violations, from every page
  const watch = (page) => {
    page.on('pageerror', (e) => problems.push(`${page.url()}: uncaught ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
        problems.push(`${page.url()}: ${m.text()}`)
    })
  }
  context.on('page', watch)
  context.pages().forEach(watch)
  return {
    context,
    problems,
    async newPage() {
      await context.clearCookies()
      const page = await context.newPage()
      return page
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

// The whole page, or with { fullPage: false } what is on screen (drawers and dialogs are fixed to the
// window and look wrong on a full-page capture).
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.waitForTimeout(350) // let transitions and charts settle
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage })
}

// Log in through the form.
export async function login(page, url, username, password = PASSWORD) {
  await page.goto(`${url}/login`)
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
}

// A page signed in as `username` (the context's cookies are cleared first: one user at a time).
export async function signedIn(browser, url, username) {
  const page = await browser.newPage()
  await login(page, url, username)
  await page.getByTestId('user-name').waitFor()
  return page
}

// An API session for set-up and checks made outside the browser: { token, get(path) }.
export async function apiSession(url, username, password = PASSWORD) {
  const r = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`)
  const { token } = await r.json()
  return {
    token,
    async get(path) {
      const res = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } })
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
      return res.json()
    },
  }
}

// Form fields on the page that have no accessible name (no <label>, aria-label or aria-labelledby):
// a list of short descriptions, empty when every visible field is labelled.
export async function unlabelledFields(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
      .filter((el) => el.offsetParent !== null || el.type === 'file')
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => `${el.tagName.toLowerCase()}#${el.id || '?'}.${el.className}`),
  )
}
