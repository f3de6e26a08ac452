// format.test.mjs - the shared display helpers (web/src/format.js): Beijing time whatever the machine's
// zone, yuan with two decimals, ID numbers masked unless the role needs them. Plain node, no browser.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as f from '../../web/src/format.js'

test('times are shown in Asia/Shanghai whatever the zone of the machine', () => {
  assert.equal(f.formatDateTime('2024-10-07T16:30:00Z'), '2024-10-08 00:30:00')
  assert.equal(f.formatDateTime(1728318600000), '2024-10-08 00:30:00') // milliseconds
  assert.equal(f.formatDateTime(1728318600), '2024-10-08 00:30:00') // seconds
  assert.equal(f.formatDate('2024-10-07T16:30:00Z'), '2024-10-08')
  assert.equal(f.formatDate('2024-10-08'), '2024-10-08', 'a calendar date is not shifted')
  assert.equal(f.formatDateTime(null), '—')
  assert.equal(f.formatDateTime('not a time'), '—')
  assert.equal(f.weekdayOf('2024-10-08'), '星期二')
})

test('money is yuan with two decimals', () => {
  const rows = [
    [1, 123456, '1,234.56 元'],
    [2, 0, '0.00 元'],
    [3, 5, '0.05 元'],
    [4, -250, '-2.50 元'],
    [5, 100000000000, '1,000,000,000.00 元'],
    [6, null, '—'],
  ]
  for (const [n, fen, want] of rows) assert.equal(f.formatFen(fen), want, `row ${n}`)
  assert.equal(f.formatYuan('1234.5'), '1,234.50 元')
})

test('ID numbers are masked unless the role needs them', () => {
  const id = '15010219900307123X'
  assert.equal(f.maskId(id), '150102********123X')
  assert.equal(f.displayId(id, { roles: ['supervisor'] }), '150102********123X')
  assert.equal(f.displayId(id, { roles: ['auditor', 'admin'] }), '150102********123X')
  assert.equal(f.displayId(id, { roles: ['handler'] }), id)
  assert.equal(f.displayId(id, null), '150102********123X')
  assert.equal(f.maskId('ABC'), 'A*C')
  assert.equal(f.maskId(''), '')
})
