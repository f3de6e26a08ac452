// web.test.mjs - the web front end in a real browser (Debian's chromium via playwright-core) against the
// real server on an ephemeral port with a fresh demo database. Every page leaves a screenshot in
// tests/e2e/screenshots/. The dashboard, calculator, signed head and evidence pages are checked against
// the real server, and with answers changed in the browser (a forged proof or head must fail the
// browser's own checks). The case flow itself is in flow.test.mjs.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { startServer, startBrowser, screenshot, login, apiSession, PASSWORD } from './harness.mjs'

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

async function signedIn(username) {
  const page = await browser.newPage()
  await login(page, url, username)
  await page.getByTestId('user-name').waitFor()
  return page
}

describe('serving', () => {
  test('hashed assets are immutable, index.html and deep links are no-cache HTML', async () => {
    const index = await fetch(`${url}/`)
    assert.equal(index.status, 200)
    assert.equal(index.headers.get('cache-control'), 'no-cache')
    assert.match(index.headers.get('content-type'), /text\/html/)
    const html = await index.text()
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
    assert.ok(assets.length >= 2, 'index.html links hashed assets')
    for (const a of assets) {
      assert.match(a, /-[A-Za-z0-9_-]{8}\.(js|css)$/, `${a} carries a content hash`)
      const r = await fetch(url + a)
      assert.equal(r.status, 200, a)
      assert.match(r.headers.get('cache-control'), /immutable/, a)
      assert.match(r.headers.get('cache-control'), /max-age=31536000/, a)
      await r.arrayBuffer()
    }
    for (const deep of ['/org', '/log/sth', '/no/such/page']) {
      const r = await fetch(url + deep)
      assert.equal(r.status, 200, deep)
      assert.equal(r.headers.get('cache-control'), 'no-cache', deep)
      assert.equal(await r.text(), html, `${deep} falls back to index.html`)
    }
    const missing = await fetch(`${url}/assets/nope-12345678.js`)
    assert.equal(missing.status, 404, 'a missing asset is a 404, not index.html')
    await missing.arrayBuffer()
  })

  test('the first page loads little JavaScript', async () => {
    const page = await browser.newPage()
    const sizes = new Map()
    page.on('response', async (r) => {
      if (r.url().endsWith('.js')) sizes.set(r.url(), (await r.body()).length)
    })
    await page.goto(`${url}/login`, { waitUntil: 'networkidle' })
    const total = [...sizes.values()].reduce((a, b) => a + b, 0)
    console.log(`# first load (/login): ${sizes.size} JS files, ${(total / 1024).toFixed(1)} KiB uncompressed`)
    assert.ok(total < 300 * 1024, `first-load JS ${total} bytes stays under 300 KiB`)
    assert.ok(![...sizes.keys()].some((u) => /echarts/.test(u)), 'no chart code on the login page')
    await page.close()
  })
})

describe('login', () => {
  test('a wrong password shows the server message and marks the password field', async () => {
    const page = await browser.newPage()
    await login(page, url, 'xlgl.committee', 'not-the-password')
    const alert = page.getByTestId('login-error')
    await alert.waitFor()
    assert.match(await alert.innerText(), /用户名或密码错误/)
    const item = page.locator('.el-form-item.is-error')
    assert.match(await item.innerText(), /密码/)
    assert.equal(page.url(), `${url}/login`)
    await screenshot(page, 'login-wrong-password')
    await page.close()
  })

  test('five wrong passwords lock the account and the page says so (423)', async () => {
    const page = await browser.newPage()
    for (let i = 0; i < 5; i++) {
      await login(page, url, 'hmq.police.clerk', `wrong-${i}`)
      await page.getByTestId('login-error').waitFor()
    }
    await login(page, url, 'hmq.police.clerk', PASSWORD)
    const alert = page.getByTestId('login-error')
    await page.getByText('账户已锁定', { exact: true }).waitFor()
    assert.match(await alert.innerText(), /锁定/)
    await screenshot(page, 'login-locked')
    await page.close()
  })

  test('xlgl.committee signs in: the shell shows the name and a menu filtered by permissions', async () => {
    const page = await signedIn('xlgl.committee')
    assert.equal(await page.getByTestId('user-name').innerText(), '锡林郭勒盟政法委督导员')
    const menu = await page.locator('nav[aria-label="主菜单"] a').allInnerTexts()
    assert.deepEqual(
      menu.map((s) => s.trim()),
      ['首页', '案件查询', '机构', '督导看板', '协查', '失信被执行人名单', '期限计算器', '节假日安排', '最新签名树头', '证据核验'],
    )
    await page.getByRole('heading', { name: /您好/ }).waitFor()
    await screenshot(page, 'home-committee')
    await page.close()
  })

  test('a court clerk has no 督导看板 in the menu and a deep link to it says 无权访问', async () => {
    const page = await signedIn('xlgl.court.clerk')
    const menu = await page.locator('nav[aria-label="主菜单"] a').allInnerTexts()
    assert.ok(!menu.some((s) => s.includes('督导看板')))
    await page.goto(`${url}/supervision`)
    await page.getByTestId('forbidden').waitFor()
    assert.match(await page.getByTestId('forbidden').innerText(), /无权访问/)
    await screenshot(page, 'forbidden')
    await page.close()
  })

  test('a visitor opening a protected page logs in and lands on it', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/org`)
    await page.waitForURL(/\/login\?redirect=(%2F|\/)org$/)
    await page.getByLabel('用户名').fill('xlgl.committee')
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.waitForURL(`${url}/org`)
    await page.getByRole('heading', { name: '机构', exact: true }).waitFor()
    await page.close()
  })

  test('keyboard only: skip link, log in with Enter, open 机构 from the menu', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/login`)
    // the username field has focus on arrival
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'login-username')
    await page.keyboard.type('xlgl.committee')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'login-password')
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press('Enter')
    await page.getByTestId('user-name').waitFor()
    // on a fresh load, the first Tab reaches the skip link, and it is visible when focused
    // (after an in-app navigation focus moves to the page's main region instead)
    await page.reload()
    await page.getByTestId('user-name').waitFor()
    await page.keyboard.press('Tab')
    const skip = page.getByText('跳到主要内容')
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true)
    const box = await skip.boundingBox()
    assert.ok(box && box.y >= 0, 'the focused skip link is on screen')
    const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle)
    assert.notEqual(outline, 'none', 'focus is visible')
    await screenshot(page, 'keyboard-skip-link')
    // Tab on through the header to the menu item 机构, then Enter
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab')
      if ((await page.evaluate(() => document.activeElement.textContent.trim())) === '机构') break
    }
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), '机构')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${url}/org`)
    await page.close()
  })

  test('logging out returns to the login page and ends the session', async () => {
    const page = await signedIn('xlgl.committee')
    await page.getByRole('button', { name: '退出登录' }).click()
    await page.waitForURL(`${url}/login`)
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status)
    assert.equal(me, 401)
    await page.goto(`${url}/org`)
    await page.waitForURL(/\/login/)
    await page.close()
  })
})

describe('机构', () => {
  test('the area tree lists the 12 leagues, and the units of an area are listed', async () => {
    const page = await signedIn('xlgl.committee')
    await page.goto(`${url}/org`)
    const tree = page.getByTestId('area-tree')
    await tree.locator('[data-level="prefecture"]').first().waitFor()
    assert.equal(await tree.locator('[data-level="prefecture"]').count(), 12)
    const names = await tree.locator('[data-level="prefecture"]').evaluateAll((els) => els.map((e) => e.dataset.code))
    assert.equal(new Set(names).size, 12)
    assert.match(await page.getByTestId('org-counts').innerText(), /12\s*个盟市/)
    // the committee's own league is selected, with the areas below it: 13 areas x 5 units
    await page.getByTestId('unit-table').waitFor()
    assert.equal(await page.getByTestId('unit-total').innerText(), '共 65 个单位')
    await tree.locator('[data-code="150100"]').click()
    await page.getByText('呼和浩特市（盟市）的单位').waitFor()
    await page.getByTestId('unit-table').getByText('呼和浩特市中级人民法院').waitFor()
    await screenshot(page, 'org')
    // no add button for a supervisor
    assert.equal(await page.getByRole('button', { name: '新增下级单位' }).count(), 0)
    await page.close()
  })

  test('history fallback: a deep link loads, and so does a reload of it', async () => {
    const page = await signedIn('xlgl.committee')
    await page.goto(`${url}/org`)
    await page.getByRole('heading', { name: '机构', exact: true }).waitFor()
    await page.reload()
    await page.getByRole('heading', { name: '机构', exact: true }).waitFor()
    await page.getByTestId('area-tree').locator('[data-level="prefecture"]').first().waitFor()
    await page.goto(`${url}/no/such/page`)
    await page.getByTestId('not-found').waitFor()
    await screenshot(page, 'not-found')
    await page.close()
  })

  test('an administrator adds a sub-unit and sees it listed', async () => {
    const page = await signedIn('xlgl.admin')
    await page.goto(`${url}/org`)
    await page.getByTestId('unit-table').waitFor()
    const row = page.locator('.el-table__row', { hasText: '锡林郭勒盟中级人民法院' }).first()
    await row.getByRole('button', { name: '新增下级单位' }).click()
    const dialog = page.getByRole('dialog', { name: '新增下级单位' })
    await dialog.waitFor()
    await screenshot(page, 'org-add-unit')
    // a suffix the client refuses: marked without a request
    await dialog.getByLabel('标识后缀').fill('执行局')
    await dialog.getByRole('button', { name: '保存' }).click()
    await dialog.getByText('只能使用小写字母、数字和下划线').waitFor()
    await dialog.getByLabel('标识后缀').fill('zxj')
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.getByText('已新增下级单位').waitFor()
    await page.getByTestId('unit-table').getByText('152500.court.zxj').waitFor()
    // adding it again: the server refuses, and the page shows why
    await row.getByRole('button', { name: '新增下级单位' }).click()
    await dialog.getByLabel('标识后缀').fill('zxj')
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.locator('.el-message--error').waitFor()
    await screenshot(page, 'org-add-unit-conflict')
    await page.close()
  })
})

describe('工作台', () => {
  test('a transfer is returned right in its row, with a reason; my matters come by urgency', async () => {
    const page = await signedIn('zxbq.police.handler')
    await page.goto(`${url}/workbench`)
    const inbox = page.getByTestId('inbox')
    const row = inbox.locator('.el-table__body .el-table__row').first()
    await row.waitFor()
    const number = (await row.getByRole('link').first().innerText()).trim()
    await row.getByRole('button', { name: '退回' }).click()
    const reason = row.getByLabel('退回理由')
    assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'focus is in the reason')
    await row.getByRole('button', { name: '确认退回' }).click()
    await row.getByText('请填写退回理由').waitFor()
    await reason.fill('批准逮捕决定书未随案移送')
    await row.getByRole('button', { name: '确认退回' }).click()
    await page.getByText(`已退回移送：${number}`).waitFor()
    await inbox.getByText(number).waitFor({ state: 'detached' })
    // urgency: overdue first, then by due date
    const dues = await page.getByTestId('my-matters').locator('.due').allInnerTexts()
    assert.ok(dues.length > 1)
    assert.deepEqual(dues, [...dues].sort(), 'my matters by due date')
    await page.close()
  })
})

describe('督导看板', () => {
  test('the region: 12 league rows and 本级, the map coloured, drilling into a league and back', async () => {
    const page = await signedIn('nmg.committee')
    await page.goto(`${url}/supervision`)
    const table = page.getByTestId('sup-table')
    await table.getByText('锡林郭勒盟').waitFor()
    const names = await table.locator('.el-table__body .el-table__row td:first-child').allInnerTexts()
    assert.equal(names.length, 13, names.join(','))
    assert.equal(names.at(-1).trim(), '本级')
    await page.getByTestId('league-map').locator('canvas').waitFor()
    // the totals are the sum of the rows
    const open = await table.locator('.el-table__body [data-metric="open"]').allInnerTexts()
    assert.equal(Number(await page.getByTestId('total-open').innerText()), open.reduce((a, b) => a + Number(b), 0))
    assert.match(await table.locator('.el-table__footer').innerText(), /合计/)
    await screenshot(page, 'supervision-region')
    await table.getByRole('button', { name: '下钻：锡林郭勒盟' }).click()
    await page.getByTestId('sup-area').getByText('锡林郭勒盟').waitFor()
    await table.getByText('正镶白旗').waitFor()
    await page.getByRole('button', { name: '返回上级' }).click()
    await page.getByTestId('sup-area').getByText('内蒙古自治区').waitFor()
    await page.close()
  })

  test('a league committee cannot go above its league; the 本级 list asks for each own unit', async () => {
    const page = await signedIn('xlgl.committee')
    const asked = []
    page.on('request', (r) => r.url().includes('/api/v1/supervision/list') && asked.push(new URL(r.url()).searchParams.get('unit')))
    await page.goto(`${url}/supervision`)
    await page.getByTestId('sup-area').getByText('锡林郭勒盟').waitFor()
    assert.equal(await page.getByRole('button', { name: '返回上级' }).count(), 0)
    // an overdue number of a banner opens its list
    const row = page.getByTestId('sup-table').locator('.el-table__body .el-table__row', { hasText: '太仆寺旗' })
    await row.locator('button[data-metric="overdue"]').click()
    const drawer = page.getByTestId('sup-list')
    const n = Number(await row.locator('button[data-metric="overdue"]').innerText())
    await drawer.getByText(`共 ${n} 件案件`).waitFor()
    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await page.close()
  })
})

describe('public pages', () => {
  test('期限计算器: public; a preset and a start date give the server’s answer', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/deadline`)
    await page.getByRole('heading', { name: '期限计算器' }).waitFor()
    await page.getByRole('button', { name: '民事立案审查 7 日' }).click()
    const start = page.locator('#deadline-start')
    await start.fill('2024-09-27')
    await start.press('Enter')
    await page.getByRole('button', { name: '计算到期日' }).click()
    const result = page.getByTestId('deadline-result')
    await result.getByTestId('due-date').waitFor()
    assert.equal(await result.getByTestId('due-date').innerText(), '2024-10-08') // National Day
    assert.match(await result.innerText(), /国庆节/)
    await screenshot(page, 'deadline-preset')
    await page.close()
  })

  test('期限计算器 (fixture): due date, weekday, steps and the beyond-calendar warning', async () => {
    const page = await browser.newPage()
    let query = null
    await page.route('**/api/v1/calendar/due?*', (route) => {
      query = Object.fromEntries(new URL(route.request().url()).searchParams)
      route.fulfill({
        json: {
          due: '2024-05-31',
          explanation: '刑事案件，期间自月末起算，到期日为目标月的最后一日。',
          steps: ['起算日 2024-04-30 不计入', '1 个月后为 2024-05-30；起算日为月末，取 2024-05-31', '2024-05-31 为工作日'],
          beyond_calendar: true,
        },
      })
    })
    await page.goto(`${url}/deadline`)
    await page.getByRole('button', { name: '审查起诉 1 个月' }).click()
    await page.locator('#deadline-start').fill('2024-04-30')
    await page.locator('#deadline-start').press('Enter')
    await page.getByRole('button', { name: '计算到期日' }).click()
    await page.getByTestId('due-date').waitFor()
    assert.deepEqual(query, { start: '2024-04-30', months: '1', criminal: '1' })
    assert.equal(await page.getByTestId('due-date').innerText(), '2024-05-31')
    const text = await page.getByTestId('deadline-result').innerText()
    assert.match(text, /星期五/)
    assert.match(text, /超出已公布的节假日安排/)
    await screenshot(page, 'deadline-fixture')
    await page.close()
  })

  test('最新签名树头: public; the head and its signature checked in the browser', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/log/sth`)
    const card = page.getByTestId('sth-card')
    await card.getByTestId('sth-tree-size').waitFor()
    assert.ok(Number(await card.getByTestId('sth-tree-size').innerText()) > 1000, 'the demo log has its events')
    await card.locator('[data-testid="sth-checks"][data-verdict="pass"]').waitFor()
    await page.close()
  })

  test('最新签名树头 (changed in transit): Beijing time shown, and the signature check fails', async () => {
    const page = await browser.newPage()
    await page.route('**/api/v1/log/sth', async (route) => {
      const real = await (await route.fetch()).json()
      route.fulfill({ json: { ...real, tree_size: real.tree_size + 1, timestamp: 1728318600000 } })
    })
    await page.goto(`${url}/log/sth`)
    await page.getByTestId('sth-tree-size').waitFor()
    const text = await page.getByTestId('sth-card').innerText()
    assert.match(text, /2024-10-08 00:30:00（北京时间）/) // the browser runs in UTC
    const checks = page.getByTestId('sth-checks')
    await checks.waitFor()
    assert.equal(await checks.getAttribute('data-verdict'), 'fail')
    assert.match(await checks.innerText(), /签名与树头内容不符/)
    await screenshot(page, 'sth-forged')
    await page.close()
  })

  test('证据核验: a dropped file is hashed in the browser; only its hash is sent; unknown files say so', async () => {
    const page = await browser.newPage()
    const content = 'CaseBridge 电子证据样本\n'
    const expected = createHash('sha256').update(content).digest('hex')
    let sent = null
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/evidence/verify')) sent = r.postDataJSON()
    })
    await page.goto(`${url}/verify`)
    // a real drop event carrying a File
    await page.getByTestId('dropzone').evaluate((el, text) => {
      const dt = new DataTransfer()
      dt.items.add(new File([text], '证据.txt', { type: 'text/plain' }))
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    }, content)
    await page.getByTestId('sha256').waitFor()
    assert.equal(await page.getByTestId('sha256').innerText(), expected)
    const result = page.getByTestId('verify-result')
    await result.getByTestId('verify-unregistered').waitFor()
    assert.deepEqual(sent, { sha256: expected }, 'only the hash leaves the browser')
    await screenshot(page, 'verify-unregistered')
    await page.close()
  })

  test('证据核验: a registered file passes; the same answer with a changed proof node or subject fails', async () => {
    // register a file the way a handler does (upload to a matter's dossier)
    const police = await apiSession(url, 'zxbq.police.handler')
    const body = Buffer.from('讯问笔录（核验测试）\n')
    const sha = createHash('sha256').update(body).digest('hex')
    const up = await fetch(`${url}/api/v1/matters/100/files?name=test.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${police.token}`, 'content-type': 'application/octet-stream' },
      body,
    })
    assert.equal(up.status, 201, await up.text())

    const page = await browser.newPage()
    let tamper = null
    await page.route('**/api/v1/evidence/verify', async (route) => {
      const answer = await (await route.fetch()).json()
      route.fulfill({ json: tamper ? tamper(answer) : answer })
    })
    await page.goto(`${url}/verify?sha256=${sha}`) // a link from a dossier table checks at once
    const result = page.getByTestId('verify-result')
    await result.locator('[data-testid="proof-checks"][data-verdict="pass"]').waitFor()
    assert.match(await result.innerText(), /已登记：文件与存证时一致/)

    tamper = (a) => ({ ...a, proof: { ...a.proof, path: [(a.proof.path[0][0] === '0' ? '1' : '0') + a.proof.path[0].slice(1), ...a.proof.path.slice(1)] } })
    await page.locator('#evidence-sha256').fill(sha)
    await page.getByRole('button', { name: '核验', exact: true }).click()
    await result.locator('[data-testid="proof-checks"][data-verdict="fail"]').waitFor()
    assert.match(await result.innerText(), /平台称已登记，但证明未通过本机核验/)
    assert.match(await result.innerText(), /重算的根哈希 [0-9a-f]{16}… 与签名树头的/)
    await screenshot(page, 'verify-forged')

    tamper = (a) => ({ ...a, entry: { ...a.entry, subject: '0'.repeat(64) } })
    await page.getByRole('button', { name: '核验', exact: true }).click()
    await result.locator('[data-testid="proof-checks"][data-verdict="fail"]').waitFor()
    assert.match(await result.innerText(), /登记的对象不是此文件/)

    await page.locator('#evidence-sha256').fill('xyz')
    await page.getByRole('button', { name: '核验', exact: true }).click()
    await page.getByText('SHA-256 哈希应为 64 位十六进制字符').waitFor()
    await page.close()
  })

  test('the public home page and login offer the public tools', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/`)
    await page.getByRole('heading', { name: '政法协同办案监督平台' }).waitFor()
    const menu = await page.locator('nav[aria-label="主菜单"] a').allInnerTexts()
    assert.deepEqual(menu.map((s) => s.trim()), ['首页', '失信被执行人名单', '期限计算器', '节假日安排', '最新签名树头', '证据核验'])
    await screenshot(page, 'home-public')
    await page.goto(`${url}/login`)
    await screenshot(page, 'login')
    await page.close()
  })
})

describe('hygiene', () => {
  test('no page threw or broke the Content-Security-Policy', () => {
    assert.deepEqual(browser.problems, [])
  })
})
