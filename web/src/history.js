// history.js - a matter's history events (GET /api/v1/matters/{id}/history) in words: what happened,
// and each changed field as "名称：旧值 → 新值" with Chinese field names and values. Pure functions, so
// the matter page and the tests share them.
import {
  actionLabel,
  eventLabel,
  fieldLabel,
  stageLabel,
  procedureLabel,
  MATTER_KIND_LABELS,
  TAG_LABELS,
  PARTY_ROLES,
} from './labels.js'
import { formatBytes } from './format.js'

// Internal bookkeeping that says nothing a reader needs beyond the other lines.
const QUIET_FIELDS = new Set(['open'])

// A value of `field` as a reader wants it; unitName(id) names a unit id.
export function showValue(field, v, unitName = (x) => x) {
  if (v === null || v === undefined || v === '') return '（空）'
  if (typeof v === 'boolean') return v ? '是' : '否'
  switch (field) {
    case 'stage':
      return stageLabel(v)
    case 'holder_unit_id':
    case 'to_unit_id':
    case 'from_unit_id':
      return unitName(v)
    case 'action':
      return actionLabel(v)
    case 'procedure':
      return procedureLabel(v)
    case 'kind':
      return MATTER_KIND_LABELS[v] || v
    case 'status':
      return v === 'open' ? '办理中' : v === 'closed' ? '已结案' : v
    case 'tags':
      return Array.isArray(v) ? v.map((t) => TAG_LABELS[t] || t).join('、') || '（无）' : String(v)
    default:
      return Array.isArray(v) ? v.join('、') : typeof v === 'object' ? JSON.stringify(v) : String(v)
  }
}

const roleName = (kind, role) => {
  for (const list of Object.values(PARTY_ROLES)) for (const [k, l] of list) if (k === role) return l
  return role
}

// -> { title, lines: [{ label, text, field? }] }
export function describeEvent(ev, unitName = (x) => x) {
  const p = ev.payload || {}
  const ch = p.changes || {}
  let title = eventLabel(ev.type)
  const lines = []
  const add = (label, text, field) => lines.push({ label, text, field })

  if (ev.type === 'transfer.sent' && ch.action) title = `移送：${actionLabel(ch.action.new)}`
  if (ev.type === 'transfer.accepted' && p.transfer?.action) title = `签收：${actionLabel(p.transfer.action)}`
  if (ev.type === 'transfer.returned' && p.transfer?.action) title = `退回移送：${actionLabel(p.transfer.action)}`

  if (p.transfer) {
    const t = p.transfer
    if (ev.type === 'transfer.sent') {
      if (t.to_unit_id) add('接收单位', unitName(t.to_unit_id))
      if (t.accept_due_on) add('应签收日期', t.accept_due_on)
      if (Array.isArray(t.manifest) && t.manifest.length) add('随案移送卷宗', `${t.manifest.length} 个文件`)
    } else if (t.from_unit_id && ev.type !== 'transfer.accepted') add('移送单位', unitName(t.from_unit_id))
  }
  if (p.case_number?.number) add('编立案号', `${p.case_number.number}（${unitName(p.case_number.unit_id)}）`)
  if (ev.type === 'dossier.file_added') {
    add('文件', `${p.name || '（未命名）'}${p.size !== undefined ? `，${formatBytes(p.size)}` : ''}${p.mime ? `，${p.mime}` : ''}`)
    if (p.sha256) add('SHA-256', p.sha256, 'sha256')
  }
  if (ev.type === 'extension.requested') {
    if (p.reason) add('申请理由', p.reason)
    if (p.basis) add('依据', p.basis)
  }
  if (p.note && !ch.note) add('审批意见', p.note)
  if (ev.type === 'matter.filed' && Array.isArray(p.parties))
    add('当事人', p.parties.map((x) => `${x.name}（${roleName(ch.kind?.new, x.role)}）`).join('、'))

  for (const [f, c] of Object.entries(ch)) {
    if (QUIET_FIELDS.has(f)) continue
    if (f === 'action' && (ev.type === 'transfer.sent' || ev.type === `matter.${c.new}`)) continue // in the title
    const label = fieldLabel(f)
    const isNew = c.old === null || c.old === undefined
    const text = isNew ? showValue(f, c.new, unitName) : `${showValue(f, c.old, unitName)} → ${showValue(f, c.new, unitName)}`
    add(label, text, f)
  }
  return { title, lines }
}

// Who did it: the user's name (or the system for demo and imported events) and the unit.
export function describeActor(actor) {
  if (!actor) return '—'
  const who = actor.user_name || (actor.user_id ? `用户 #${actor.user_id}` : '系统')
  return actor.unit_name ? `${who}（${actor.unit_name}）` : who
}
