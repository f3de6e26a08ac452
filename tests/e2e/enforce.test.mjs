// enforce.test.mjs - the enforcement pages against the real server and the demo data: the police officer
// answers an item of a demo assistance request (协查) and sees the overdue one marked; a police person check
// (人员核查) finds the demo detention order, the basis required first; an anonymous visitor finds a listed
// demo debtor by name on 失信被执行人名单, with the ID number masked; the fund officer sees the case-fund
// balances in yuan (案款) and a reviewer sees the disbursement waiting for approval.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, startBrowser, screenshot, signedIn, unlabelledFields, apiSession } from './harness.mjs'

let server, browser, url
const problems = []

before(async () => {
  server = await startServer()
  url = server.url
  browser = await startBrowser()
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

function watch(page) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && problems.push(`console: ${m.text()}`))
  return page
}

test('the police officer answers an item of a demo request; the overdue item is marked', async () => {
  const page = watch(await signedIn(browser, url, 'zxbq.police.handler'))
  const menu = (await page.locator('nav[aria-label="主菜单"] a').allInnerTexts()).map((s) => s.trim())
  assert.ok(menu.includes('协查') && menu.includes('人员核查') && !menu.includes('案款'), menu.join(','))
  await page.locator('nav[aria-label="主菜单"] a', { hasText: '协查' }).click()
  await page.getByRole('heading', { name: '协查', exact: true }).waitFor()
  await page.getByTestId('assist-list').waitFor()

  // the demo request with an overdue item
  await page.getByRole('button', { name: '查看协查请求 1' }).click()
  const detail = page.getByTestId('assist-detail')
  await detail.getByTestId('overdue').first().waitFor()
  await screenshot(page, 'assist-overdue')

  // the detention request: answer its 查找下落 item
  await page.getByRole('button', { name: '查看协查请求 2' }).click()
  await detail.getByText('协查请求 2').waitFor()
  await page.getByRole('button', { name: '答复第 1 项：查找下落' }).click()
  const form = page.getByTestId('answer-form')
  await form.waitFor()
  // found without findings is refused in the page, under the field
  await form.getByRole('button', { name: '提交答复' }).click()
  await form.getByText('查到的，请填写查明情况').waitFor()
  await page.getByLabel('查明情况').fill('被执行人现居正镶白旗明安图镇某嘎查，2026年11月20日见到本人')
  assert.deepEqual(await unlabelledFields(page), [])
  await screenshot(page, 'assist-answer')
  await form.getByRole('button', { name: '提交答复' }).click()
  await form.waitFor({ state: 'detached' })
  const items = page.getByTestId('assist-items')
  await items.getByText('查明情况：被执行人现居正镶白旗明安图镇某嘎查').waitFor()
  await items.getByText('查到', { exact: true }).first().waitFor()

  // the server holds the answer
  const police = await apiSession(url, 'zxbq.police.handler')
  const req = await police.get('/api/v1/assistance-requests/2')
  const item = req.items.find((i) => i.ord === 1)
  assert.equal(item.status, 'answered')
  assert.equal(item.found, true)
  assert.match(item.findings.note, /明安图镇/)

  // the detention item needs the action taken: the server's message lands under the field
  await page.getByRole('button', { name: '答复第 2 项：协助司法拘留' }).click()
  await page.getByLabel('查明情况').fill('已找到被执行人')
  await form.getByRole('button', { name: '提交答复' }).click()
  await form.getByText(/请填写采取的措施/).waitFor()
  await screenshot(page, 'assist-action-required')
  await page.close()
})

test('a police person check needs a basis, finds the demo detention order, and says it is logged', async () => {
  const police = await apiSession(url, 'zxbq.police.handler')
  const req = await police.get('/api/v1/assistance-requests/2')
  const idNumber = req.items[0].id_number
  const page = watch(await signedIn(browser, url, 'zxbq.police.handler'))
  await page.goto(`${url}/person-check`)
  await page.getByRole('heading', { name: '人员核查' }).waitFor()
  await page.getByText('每次核查都记入查询日志').waitFor()
  await page.getByLabel('身份证号码').fill(idNumber)
  await page.getByLabel('核查事由').fill('路面盘查')
  await page.getByLabel('核查事由').press('Enter')
  // no basis: the server's message under 法律依据
  await page.getByText(/核查须有法律依据，请填写/).waitFor()
  assert.equal(await page.getByTestId('pc-result').count(), 0)
  await page.getByLabel('法律依据').fill('《人民警察法》第九条')
  await page.getByLabel('法律依据').press('Enter')
  const result = page.getByTestId('pc-result')
  await result.waitFor()
  await result.getByText('司法拘留', { exact: true }).waitFor()
  await result.getByText('（2026）内2529司惩1号').waitFor()
  assert.match(await page.getByTestId('pc-advice').innerText(), /司法拘留/)
  assert.match(await result.innerText(), /1525291997\*\*\*\*0523/)
  assert.match(await result.innerText(), /已记入查询日志/)
  assert.deepEqual(await unlabelledFields(page), [])
  await screenshot(page, 'person-check')
  await page.close()
})

test('an anonymous visitor finds a listed demo debtor by name, the ID number masked', async () => {
  const page = watch(await browser.newPage())
  await page.context().clearCookies()
  await page.goto(`${url}/`)
  await page.locator('nav[aria-label="主菜单"] a', { hasText: '失信被执行人名单' }).click()
  await page.getByRole('heading', { name: '失信被执行人名单' }).waitFor()
  await page.getByTestId('dl-removals').getByText(/没有删除的记录|删除日期/).first().waitFor()
  // nothing typed: asked for a name or number
  await page.getByRole('button', { name: '查询' }).click()
  await page.getByText('请输入姓名（名称）或证件号码').waitFor()
  await page.getByLabel('姓名或名称').fill('曹玲')
  await page.getByLabel('姓名或名称').press('Enter')
  const rows = page.getByTestId('dl-rows')
  await rows.waitFor()
  const text = await rows.innerText()
  assert.match(text, /曹玲/)
  assert.match(text, /1525291988\*\*\*\*2504/)
  assert.ok(!text.includes('152529198812092504'), 'the full number is not shown')
  assert.match(text, /正镶白旗人民法院/)
  assert.match(text, /部分未履行/)
  assert.deepEqual(await unlabelledFields(page), [])
  await screenshot(page, 'debtor-list')
  await page.close()
})

test('the fund officer sees account balances in yuan; a reviewer sees the disbursement waiting', async () => {
  const page = watch(await signedIn(browser, url, 'zxbq.court.fund'))
  await page.locator('nav[aria-label="主菜单"] a', { hasText: '案款' }).click()
  await page.getByRole('heading', { name: '案款', exact: true }).waitFor()
  const accounts = page.getByTestId('accounts')
  await accounts.waitFor()
  const balances = await accounts.getByTestId('balance').allInnerTexts()
  assert.ok(balances.includes('20,000.00 元'), balances.join(' | '))
  assert.ok(balances.includes('31,500.00 元'), balances.join(' | '))
  assert.ok(balances.every((b) => /^-?[\d,]+\.\d\d 元$/.test(b)), balances.join(' | '))
  await page.getByTestId('unidentified').getByText('3,000.00 元').first().waitFor()
  // the demo receipt held past its time to pay out is marked
  await page.getByTestId('held').getByTestId('receipt-overdue').first().waitFor()
  // the fund officer requests, so does not approve
  await page.getByTestId('disbursements').getByText('8,000.00 元').waitFor()
  assert.equal(await page.getByRole('button', { name: /批准发放/ }).count(), 0)
  await page.getByRole('button', { name: /查看明细：案款账户（一案一账户） 1$/ }).click()
  const entries = page.getByTestId('entries')
  await entries.getByText('10,000.00 元').first().waitFor()
  await entries.getByText('20,000.00 元').first().waitFor()
  await screenshot(page, 'ledger-fund')
  await page.close()

  // a court handler holds police.act by role, but 人员核查 is for police units: not in the menu, 无权访问
  const judge = watch(await signedIn(browser, url, 'zxbq.court.handler'))
  const jm = (await judge.locator('nav[aria-label="主菜单"] a').allInnerTexts()).map((s) => s.trim())
  assert.ok(jm.includes('协查') && !jm.includes('人员核查') && !jm.includes('案款'), jm.join(','))
  await judge.goto(`${url}/person-check`)
  await judge.getByTestId('forbidden').waitFor()
  await judge.close()

  const rev = watch(await signedIn(browser, url, 'zxbq.court.reviewer'))
  await rev.goto(`${url}/ledger`)
  await rev.getByRole('button', { name: '退回发放 2' }).click()
  await rev.getByTestId('decision').getByRole('button', { name: '确定' }).click()
  await rev.getByText('退回须写明理由').waitFor()
  await rev.getByRole('button', { name: '批准发放 2' }).click()
  await rev.getByLabel('审批意见').fill('核对无误')
  await rev.getByTestId('decision').getByRole('button', { name: '确定' }).click()
  await rev.getByTestId('disbursements').getByText('没有待审批的发放。').waitFor()
  await screenshot(rev, 'ledger-approved')
  await rev.close()
  assert.deepEqual(problems, [])
})
