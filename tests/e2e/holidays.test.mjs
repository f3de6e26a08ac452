// holidays.test.mjs - the holiday calendar page: everyone reads the official arrangement by year; an
// administrator imports the next year's notice (a bad file is refused whole, naming the line), after
// which the period calculator counts that year's holidays instead of saying they are not loaded.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, startBrowser, screenshot, login } from './harness.mjs'

let server, browser, url

before(async () => {
  server = await startServer()
  url = server.url
  browser = await startBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('a supervisor reads the calendar by year and cannot import', async () => {
  const page = await browser.newPage()
  await login(page, url, 'xlgl.committee')
  await page.goto(`${url}/holidays`)
  await page.getByRole('heading', { name: '节假日安排' }).waitFor()
  await page.getByText('2024-10-01（星期二）').or(page.getByRole('radio', { name: '2024 年' })).first().waitFor()
  await page.getByRole('radio', { name: '2024 年' }).click({ force: true })
  await page.getByText('2024-10-01（星期二）').waitFor()
  assert.equal(await page.getByText('导入下一年度的通知').count(), 0, 'only administrators import')
  await screenshot(page, 'holidays')
  await page.close()
})

test('an administrator imports next year; a bad file changes nothing; the calculator then counts it', async () => {
  const page = await browser.newPage()
  await login(page, url, 'nmg.admin')
  await page.getByTestId('user-name').filter({ hasText: /./ }).waitFor() // signed in before leaving the login page
  await page.goto(`${url}/holidays`)
  const box = page.getByLabel('通知 CSV 内容')
  await box.waitFor()
  // 2027-01-05 is a Tuesday: an adjusted working day must be a weekend day
  await box.fill('date,kind,name,source\n2027-01-01,holiday,元旦,测试通知\n2027-01-05,workday,调休,测试通知\n')
  await page.getByRole('button', { name: '导入' }).click()
  await page.getByText(/第3行/).first().waitFor()
  const before = await (await fetch(`${url}/api/v1/calendar/holidays`)).json()
  assert.equal(before.last_year, 2026, 'the refused file wrote nothing')
  await box.fill('date,kind,name,source\n2027-01-01,holiday,元旦,测试通知\n2027-01-02,holiday,元旦,测试通知\n2027-01-03,holiday,元旦,测试通知\n')
  await page.getByRole('button', { name: '导入' }).click()
  await page.getByRole('radio', { name: '2027 年' }).waitFor()
  await screenshot(page, 'holidays-imported')
  const after = await (await fetch(`${url}/api/v1/calendar/holidays`)).json()
  assert.equal(after.last_year, 2027)
  // Thu 2026-12-24 + 8 days = Fri 2027-01-01 (元旦) → the next working day is Mon 2027-01-04
  const due = await (await fetch(`${url}/api/v1/calendar/due?start=2026-12-24&days=8`)).json()
  assert.equal(due.due, '2027-01-04')
  assert.equal(due.beyond_calendar, false)
  await page.close()
})
