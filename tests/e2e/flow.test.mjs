// flow.test.mjs - a criminal matter played through the web pages by four users of three units, in a
// real browser against the real server: the police handler files it with the 立案 form (live ID
// checks, a server field error mapped onto its row), uploads a dossier file (with progress) and
// transfers it for prosecution; the procuratorate accepts it on its workbench and returns it for
// supplementary investigation; the police accepts the return and transfers it again; the
// procuratorate accepts and indicts (普通程序); the court accepts and judges. Then the league's committee
// finds it counted on the dashboard, a visitor proves the uploaded file registered (the proof checked in
// the browser), one timeline step is verified, and the signed head and the period calculator are
// checked. Screenshots of every main page go to tests/e2e/screenshots/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { startServer, startBrowser, screenshot, signedIn, apiSession, unlabelledFields } from './harness.mjs'

let server, browser, url
let openBefore // the committee's open count for 正镶白旗 before the matter is filed

before(async () => {
  server = await startServer()
  url = server.url
  browser = await startBrowser()
  const committee = await apiSession(url, 'xlgl.committee')
  openBefore = (await committee.get('/api/v1/supervision')).rows.find((r) => r.area_code === '152529').open
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

const SUMMARY = '巴图涉嫌盗窃牲畜案（浏览器流程测试）'
// A dossier file of about 2 MB, so the upload reports progress along the way.
const DOSSIER = Buffer.from('讯问笔录：巴图对盗窃牲畜的事实供认不讳。\n'.repeat(40000))
const DOSSIER_SHA = createHash('sha256').update(DOSSIER).digest('hex')
let matterPath = null // /matters/ID
let matterNumber = null

// The matter page's step dialog: open it by the action's button, fill, submit, wait for it to close.
async function step(page, action, { reason, note, procedure } = {}) {
  await page.locator(`[data-action="${action}"]`).click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  if (procedure) await dialog.locator('label.el-radio', { hasText: procedure }).click()
  if (reason !== undefined) await dialog.locator('#step-reason').fill(reason)
  if (note !== undefined) await dialog.locator('#step-note').fill(note)
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
}

// Choose an option of an Element Plus select (its input is hidden until the select opens).
async function pick(page, inputSelector, option) {
  await page.locator(inputSelector).locator('xpath=ancestor::div[contains(@class,"el-select__wrapper")]').click()
  await page.locator('.el-select-dropdown:visible').getByRole('option', { name: option, exact: true }).click()
}

async function openMatter(page) {
  await page.goto(url + matterPath)
  await page.getByTestId('matter-number').waitFor()
}

// Accept the transfer of our matter in the workbench's inbox.
async function acceptOnWorkbench(page, screenshotName) {
  await page.goto(`${url}/workbench`)
  const row = page.getByTestId('inbox').locator('.el-table__row', { hasText: matterNumber })
  await row.waitFor()
  if (screenshotName) {
    assert.deepEqual(await unlabelledFields(page), [])
    // a time-limit badge gives its legal basis to keyboard users too
    await page.getByTestId('my-matters').getByTestId('deadline-badge').first().focus()
    await page.getByRole('tooltip').getByText(/依据：.*刑事诉讼法/).waitFor()
    await screenshot(page, screenshotName)
  }
  await row.getByRole('button', { name: '签收' }).click()
  await page.getByText(`已签收：${matterNumber}`).waitFor()
  await row.waitFor({ state: 'detached' })
  // the page shows the answer at once: the matter is now among ours
  await page.getByTestId('my-matters').getByText(matterNumber).waitFor()
}

test('1. police: the 立案 form checks ID numbers as typed, maps a server field error, files the matter', async () => {
  const page = await signedIn(browser, url, 'zxbq.police.handler')
  await page.locator('nav[aria-label="主菜单"]').getByRole('link', { name: '立案' }).click()
  await page.getByRole('heading', { name: '立案' }).waitFor()
  await page.getByLabel('案情摘要').fill(SUMMARY) // fields are found by their visible labels

  await page.getByTestId('party-0').getByLabel('姓名').fill('巴图')
  await page.locator('#party-id-0').fill('150927198902266131') // the check character is wrong
  await page.getByTestId('party-id-msg-0').getByText('校验位错误：按前17位应为0，实际为1').waitFor()
  await page.locator('#party-id-0').fill('150927198902306130') // 30 February
  await page.getByTestId('party-id-msg-0').getByText('出生日期1989年02月30日不存在').waitFor()
  await page.locator('#party-id-0').fill('150927198902266130')
  await page.getByTestId('party-id-msg-0').getByText('校验通过：男，出生于 1989-02-26').waitFor()

  await page.getByRole('button', { name: '添加当事人' }).click()
  await page.locator('#party-name-1').fill('其木格')
  await pick(page, '#party-role-1', '被害人')
  // a second row added and removed again leaves the form as it was
  await page.getByRole('button', { name: '添加当事人' }).click()
  await page.getByRole('button', { name: /删除当事人 3/ }).click()
  assert.equal(await page.locator('fieldset.party').count(), 2)

  // an error the server finds in a row lands under that row's field (answered once by a fixture)
  let first = true
  await page.route('**/api/v1/matters', (route) => {
    if (route.request().method() === 'POST' && first) {
      first = false
      return route.fulfill({
        status: 400,
        json: { error: { code: 'invalid', message: '同一案件中当事人姓名重复，请核对', field: 'parties[1].name', request_id: 'test' } },
      })
    }
    return route.fallback()
  })
  await page.getByTestId('file-submit').click()
  const nameItem = page.getByTestId('party-1').locator('.el-form-item.is-error')
  await nameItem.getByText('同一案件中当事人姓名重复，请核对').waitFor()
  assert.deepEqual(await unlabelledFields(page), [], 'every field of the form is labelled')
  await screenshot(page, 'matter-new')
  await page.unroute('**/api/v1/matters')

  await page.getByTestId('file-submit').click()
  await page.waitForURL(/\/matters\/\d+$/)
  matterPath = new URL(page.url()).pathname
  await page.getByTestId('matter-number').waitFor()
  matterNumber = (await page.getByTestId('matter-number').innerText()).trim()
  assert.match(matterNumber, /^NM-152529-\d{4}-\d{6}$/)
  assert.equal(await page.getByTestId('matter-stage').innerText(), '侦查')
  assert.match(await page.getByTestId('deadline-basis').innerText(), /刑事诉讼法\(2018\)第79条/)
  const parties = await page.getByTestId('parties').innerText()
  assert.match(parties, /巴图/)
  assert.match(parties, /150927198902266130/, 'the handler sees the full ID number')
  assert.match(parties, /被害人\s+其木格/)
  await page.close()
})

test('2. police: uploads a dossier file with progress, and transfers the matter for prosecution', async () => {
  const page = await signedIn(browser, url, 'zxbq.police.handler')
  await openMatter(page)
  await page.locator('#dossier-file').setInputFiles({ name: '讯问笔录.txt', mimeType: 'text/plain', buffer: DOSSIER })
  const progress = page.getByTestId('upload-progress')
  await progress.waitFor()
  await page.locator('[data-testid="upload-progress"][data-state="done"]').waitFor()
  assert.ok(Number(await progress.getAttribute('data-events')) >= 1, 'the upload reported progress')
  assert.match(await progress.innerText(), /100%/)
  assert.match(await progress.innerText(), /上传完成，已登记存证/)
  const fileRow = page.getByTestId('dossier').locator('.el-table__row', { hasText: '讯问笔录.txt' })
  await fileRow.waitFor()
  assert.equal(await fileRow.getByTestId('file-link').getAttribute('href'), `/api/v1/matters/${matterPath.split('/').pop()}/files/${DOSSIER_SHA}`)
  // the timeline grew without a reload
  await page.locator('[data-testid="timeline-step"][data-type="dossier.file_added"]').waitFor()

  await page.locator('[data-action="transfer_for_prosecution"]').click()
  const dialog = page.getByRole('dialog')
  assert.match(await dialog.getByTestId('receiver').innerText(), /接收单位：正镶白旗人民检察院/)
  await dialog.locator('#step-note').fill('侦查终结，移送审查起诉')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByText('已移送审查起诉，等待正镶白旗人民检察院签收').waitFor()
  const pending = page.getByTestId('pending-transfer')
  await pending.waitFor()
  assert.match(await pending.innerText(), /正镶白旗人民检察院/)
  assert.ok(await pending.getByRole('button', { name: '撤回移送' }).isVisible(), 'the sender may withdraw')
  await page.getByTestId('no-actions').getByText('案件移送中').waitFor()
  await page.close()
})

test('3. procuratorate: accepts on its workbench, then returns it for supplementary investigation', async () => {
  const page = await signedIn(browser, url, 'zxbq.procuratorate.handler')
  await acceptOnWorkbench(page, 'workbench')
  await openMatter(page)
  assert.equal(await page.getByTestId('matter-stage').innerText(), '审查起诉')
  assert.match(await page.getByTestId('deadline-basis').innerText(), /第172条/)
  // the reason is required: the dialog says so without asking the server
  await page.locator('[data-action="return_supplementary"]').click()
  const dialog = page.getByRole('dialog')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.getByText('请填写理由').waitFor()
  await dialog.locator('#step-reason').fill('证据不足，需补充价格鉴定意见')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('pending-transfer').getByText('正镶白旗公安局').waitFor()
  await page.close()
})

test('4. police: accepts the return on the matter page and transfers it again', async () => {
  const page = await signedIn(browser, url, 'zxbq.police.handler')
  await openMatter(page)
  const pending = page.getByTestId('pending-transfer')
  await pending.getByRole('button', { name: '签收' }).click()
  await page.getByTestId('matter-stage').getByText('退回补充侦查').waitFor()
  assert.equal(await page.getByTestId('matter-holder').innerText(), '正镶白旗公安局')
  await step(page, 'retransfer_for_prosecution', { note: '补充鉴定意见已附卷' })
  await page.getByTestId('pending-transfer').getByText('正镶白旗人民检察院').waitFor()
  await page.close()
})

test('5. procuratorate: accepts and indicts under the ordinary procedure', async () => {
  const page = await signedIn(browser, url, 'zxbq.procuratorate.handler')
  await acceptOnWorkbench(page)
  await openMatter(page)
  await page.locator('[data-action="indict"]').click()
  const dialog = page.getByRole('dialog')
  assert.match(await dialog.getByTestId('receiver').innerText(), /正镶白旗人民法院/)
  await dialog.getByTestId('dialog-submit').click()
  await dialog.getByText('请选择审理程序').waitFor()
  await dialog.locator('label.el-radio', { hasText: '普通程序' }).click()
  assert.ok(await dialog.getByRole('radio', { name: '普通程序' }).isChecked())
  await screenshot(page, 'matter-step-dialog', { fullPage: false })
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('pending-transfer').getByText('正镶白旗人民法院').waitFor()
  await page.close()
})

test('6. court: accepts, judges; the timeline names every unit and a 核验 passes in the browser', async () => {
  const page = await signedIn(browser, url, 'zxbq.court.handler')
  await acceptOnWorkbench(page)
  await openMatter(page)
  assert.equal(await page.getByTestId('matter-stage').innerText(), '一审')
  assert.ok((await page.getByTestId('case-number').allInnerTexts()).some((t) => /内2529刑初\d+号/.test(t)), 'the court numbered it')
  // keyboard only: the step's button, the dialog's note field has focus, Tab to 确定, Enter
  await page.locator('[data-action="judge"]').focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'step-note')
  assert.deepEqual(await unlabelledFields(page), [], 'the dialog and the page behind it are labelled')
  await page.keyboard.type('当庭宣判')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  assert.match(await page.evaluate(() => document.activeElement.textContent), /确定宣判/)
  await page.keyboard.press('Enter')
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('matter-stage').getByText('上诉期').waitFor()
  assert.match(await page.getByTestId('deadline-basis').innerText(), /第230条/)

  const timeline = page.getByTestId('timeline')
  await timeline.locator('[data-type="matter.judge"]').waitFor()
  const text = await timeline.innerText()
  for (const unit of ['正镶白旗公安局', '正镶白旗人民检察院', '正镶白旗人民法院']) assert.match(text, new RegExp(unit))
  assert.match(text, /正镶白旗公安承办人/, 'who did it')
  assert.match(text, /办案阶段\s+审查起诉 → 退回补充侦查/, 'what changed, in Chinese')
  assert.match(text, /证据不足，需补充价格鉴定意见/)
  assert.match(text, /审理程序\s+普通程序/)

  // verify one step: the proof is fetched and checked here, against the latest signed head
  const filed = timeline.locator('[data-testid="timeline-step"][data-type="matter.filed"]')
  await filed.getByRole('button', { name: /核验/ }).click()
  const checks = filed.getByTestId('proof-checks')
  await checks.waitFor()
  assert.equal(await checks.getAttribute('data-verdict'), 'pass', await checks.innerText())
  assert.match(await checks.innerText(), /包含证明（RFC 9162）/)
  assert.match(await checks.innerText(), /树头签名（Ed25519）/)
  await screenshot(page, 'matter')
  await page.close()
})

test('6b. court: an extension asked by the handler, approved by the reviewer; the reviewer stops and restarts the clock', async () => {
  const handler = await apiSession(url, 'zxbq.court.handler')
  const rows = (await handler.get('/api/v1/matters?stage=first_instance&status=open&unit=152529.court&per_page=50')).matters
  let target = null
  for (const r of rows) {
    const full = await handler.get(`/api/v1/matters/${r.id}`)
    if (full.can.request_extension) {
      target = full
      break
    }
  }
  assert.ok(target, 'a first-instance matter of the court that may be extended')
  let page = await signedIn(browser, url, 'zxbq.court.handler')
  await page.goto(`${url}/matters/${target.id}`)
  await page.getByTestId('deadline-card').getByRole('button', { name: '申请延长' }).click()
  let dialog = page.getByRole('dialog')
  await dialog.getByLabel('申请理由').fill('案情复杂，需调取补充证据')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('deadline-card').getByText('待审批').waitFor()
  await page.close()

  page = await signedIn(browser, url, 'zxbq.court.reviewer')
  await page.goto(`${url}/matters/${target.id}`)
  const card = page.getByTestId('deadline-card')
  await card.getByRole('button', { name: '批准', exact: true }).click()
  dialog = page.getByRole('dialog')
  await dialog.getByLabel('审批意见（可选）').fill('同意延长')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await card.getByText('已批准').waitFor()
  const due = await card.getByTestId('due-date').innerText()
  assert.ok(due > target.deadline.due, `the due date moved: ${target.deadline.due} → ${due}`)
  assert.match(await card.innerText(), /已延长 1 次/)

  await card.getByRole('button', { name: '中止计算' }).click()
  dialog = page.getByRole('dialog')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.getByText('请填写理由').waitFor()
  await dialog.getByLabel('中止理由').fill('当事人下落不明')
  await dialog.getByLabel('法律依据').fill('民事诉讼法第153条')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await card.locator('[data-testid="deadline-badge"][data-status="suspended"]').waitFor()
  await page.getByTestId('no-actions').getByText('期限中止期间').waitFor()
  await card.getByRole('button', { name: '恢复计算' }).click()
  await card.locator('[data-testid="deadline-badge"]:not([data-status="suspended"])').waitFor()
  const steps = await page.getByTestId('timeline').innerText()
  for (const t of ['申请延长期限', '批准延长期限', '中止计算期限', '恢复计算期限']) assert.match(steps, new RegExp(t))
  await page.close()
})

test('7. the league committee: the dashboard counts the matter; drill down and open a list', async () => {
  const page = await signedIn(browser, url, 'xlgl.committee')
  await page.goto(`${url}/supervision`)
  const table = page.getByTestId('sup-table')
  const row = table.locator('.el-table__body .el-table__row', { hasText: '正镶白旗' })
  await row.waitFor()
  assert.equal(await row.locator('[data-metric="open"]').innerText(), String(openBefore + 1), 'the new matter is counted as open')
  await page.getByTestId('league-map').locator('canvas').waitFor()
  assert.ok(await table.getByText('本级').isVisible(), 'the league’s own units have their row')
  assert.deepEqual(await unlabelledFields(page), [])
  await screenshot(page, 'supervision')

  // drill down to the banner's units; the court holds the matter now
  await row.getByRole('button', { name: '下钻：正镶白旗' }).click()
  await page.getByTestId('sup-area').getByText('正镶白旗').waitFor()
  const court = table.locator('.el-table__body .el-table__row', { hasText: '正镶白旗人民法院' })
  await court.waitFor()
  assert.ok(Number(await court.locator('[data-metric="open"]').innerText()) >= 1)
  // the list behind a number
  const overdue = court.locator('button[data-metric="overdue"]')
  const n = Number(await overdue.innerText())
  await overdue.click()
  const drawer = page.getByTestId('sup-list')
  await drawer.getByText(`共 ${n} 件案件`).waitFor()
  assert.equal(await drawer.getByTestId('deadline-badge').count(), n)
  for (const s of await drawer.getByTestId('deadline-badge').evaluateAll((els) => els.map((e) => e.dataset.status))) assert.equal(s, 'overdue')
  await screenshot(page, 'supervision-list', { fullPage: false })
  await page.close()
})

test('8. a visitor proves the uploaded file registered; the proof and signature are checked in the browser', async () => {
  const page = await browser.newPage() // no session
  await page.goto(`${url}/verify`)
  await page.locator('#evidence-file').setInputFiles({ name: '讯问笔录.txt', mimeType: 'text/plain', buffer: DOSSIER })
  const result = page.getByTestId('verify-result')
  await result.getByTestId('proof-checks').waitFor({ timeout: 20000 })
  assert.equal(await result.getByTestId('sha256').innerText(), DOSSIER_SHA)
  assert.equal(await result.getByTestId('verify-registered').getAttribute('data-verdict'), 'pass')
  const text = await result.innerText()
  assert.match(text, /已登记：文件与存证时一致/)
  assert.match(text, /日志条目/)
  assert.match(text, /登记对象/)
  assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}（北京时间）/)
  assert.deepEqual(await unlabelledFields(page), [])
  await screenshot(page, 'evidence')
  await page.close()
})

test('9. the signed tree head and the period calculator', async () => {
  const page = await browser.newPage()
  await page.goto(`${url}/log/sth`)
  const checks = page.getByTestId('sth-checks')
  await checks.waitFor()
  assert.equal(await checks.getAttribute('data-verdict'), 'pass', await checks.innerText())
  await screenshot(page, 'sth')

  await page.goto(`${url}/deadline`)
  const start = page.locator('#deadline-start')
  await start.fill('2024-09-27')
  await start.press('Enter')
  await page.locator('#deadline-n').fill('7')
  await page.getByRole('button', { name: '计算到期日' }).click()
  await page.getByTestId('due-date').waitFor()
  assert.equal(await page.getByTestId('due-date').innerText(), '2024-10-08')
  assert.match(await page.getByTestId('deadline-result').innerText(), /2024-10-04 是国庆节 → 顺延至 2024-10-08/)
  await screenshot(page, 'deadline')
  await page.close()
})

test('10. 案件查询 finds the matter by a party name and by its court case number', async () => {
  const page = await signedIn(browser, url, 'zxbq.court.handler')
  await page.goto(`${url}/matters`)
  await page.locator('#q-party').fill('巴图')
  await page.getByRole('button', { name: '查询', exact: true }).click()
  await page.waitForURL(/party=/)
  await page.getByTestId('matter-table').getByText(matterNumber).waitFor()
  assert.deepEqual(await unlabelledFields(page), [])
  await screenshot(page, 'matters')
  // by a case number, through the address (reload keeps the search)
  await page.goto(`${url}/matters?number=${encodeURIComponent(matterNumber)}`)
  await page.getByTestId('matter-total').getByText('共 1 件').waitFor()
  await page.getByTestId('matter-link').click()
  await page.waitForURL(url + matterPath)
  await page.close()
})

test('11. no page threw or broke the Content-Security-Policy', () => {
  assert.deepEqual(browser.problems, [])
})
