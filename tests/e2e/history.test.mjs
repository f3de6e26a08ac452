// history.test.mjs - how the matter page words history events (web/src/history.js): titles, Chinese
// field names, old → new values with stage and unit names. Plain node, no browser.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeEvent, describeActor } from '../../web/src/history.js'

const units = { '152529.police': '正镶白旗公安局', '152529.procuratorate': '正镶白旗人民检察院' }
const unitName = (id) => units[id] || id
const text = (d) => d.lines.map((l) => `${l.label}：${l.text}`)

test('1. an accepted transfer: who holds it, which stage, the new case number', () => {
  const d = describeEvent(
    {
      type: 'transfer.accepted',
      payload: {
        case_number: { number: '正镶检刑诉〔2026〕10号', unit_id: '152529.procuratorate' },
        changes: {
          holder_unit_id: { old: '152529.police', new: '152529.procuratorate' },
          stage: { old: 'investigation', new: 'prosecution_review' },
          due_on: { old: '2027-11-22', new: '2026-12-22' },
        },
        transfer: { action: 'transfer_for_prosecution', from_unit_id: '152529.police' },
      },
    },
    unitName,
  )
  assert.equal(d.title, '签收：移送审查起诉')
  assert.deepEqual(text(d), [
    '编立案号：正镶检刑诉〔2026〕10号（正镶白旗人民检察院）',
    '承办单位：正镶白旗公安局 → 正镶白旗人民检察院',
    '办案阶段：侦查 → 审查起诉',
    '期限届满日：2027-11-22 → 2026-12-22',
  ])
})

test('2. a sent transfer names the receiver; a step names itself once; tags and booleans read as words', () => {
  const sent = describeEvent(
    {
      type: 'transfer.sent',
      payload: { changes: { action: { old: null, new: 'return_supplementary' }, reason: { old: null, new: '证据不足' } }, transfer: { to_unit_id: '152529.police', accept_due_on: '2026-11-25', manifest: ['a'] } },
    },
    unitName,
  )
  assert.equal(sent.title, '移送：退回补充侦查')
  assert.deepEqual(text(sent), ['接收单位：正镶白旗公安局', '应签收日期：2026-11-25', '随案移送卷宗：1 个文件', '理由：证据不足'])
  const judged = describeEvent({ type: 'matter.judge', payload: { changes: { action: { old: null, new: 'judge' }, procedure: { old: null, new: 'ordinary' } } } })
  assert.equal(judged.title, '宣判')
  assert.deepEqual(text(judged), ['审理程序：普通程序'])
  const tagged = describeEvent({ type: 'matter.tagged', payload: { changes: { green: { old: false, new: true }, 'tags.enterprise_related': { old: null, new: true } } } })
  assert.deepEqual(text(tagged), ['绿色通道：否 → 是', '标识“涉企”：是'])
})

test('3. the actor: a user by name, the system for demo events', () => {
  assert.equal(describeActor({ user_id: 33, user_name: '正镶白旗公安承办人', unit_name: '正镶白旗公安局' }), '正镶白旗公安承办人（正镶白旗公安局）')
  assert.equal(describeActor({ user_id: 0, unit_name: '正镶白旗公安局' }), '系统（正镶白旗公安局）')
})
