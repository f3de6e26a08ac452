// labels.js - the Chinese words the interface uses for the server's codes (see the glossary).

export const ROLE_LABELS = {
  admin: '系统管理员',
  clerk: '内勤',
  handler: '承办人',
  reviewer: '审核人',
  supervisor: '督导员',
  fund_officer: '案款管理员',
  auditor: '审计员',
}

export const UNIT_KIND_LABELS = {
  committee: '政法委',
  police: '公安',
  procuratorate: '检察院',
  court: '法院',
  justice_bureau: '司法局',
}

export const AREA_LEVEL_LABELS = { province: '自治区', prefecture: '盟市', county: '旗县区' }

export const roleLabel = (r) => ROLE_LABELS[r] || r
export const kindLabel = (k) => UNIT_KIND_LABELS[k] || k

// ---- matters (src/domain/flow.c, src/domain/matter.c: the server sends labels with most codes; these
// are for filters, forms and the history, where only codes travel) ----

export const MATTER_KIND_LABELS = { criminal: '刑事', civil: '民事', administrative: '行政', enforcement: '执行' }
// Which kinds a unit files (the server decides: police file criminal matters, courts the others).
export const FILING_KINDS = { police: ['criminal'], court: ['civil', 'administrative', 'enforcement'] }

export const STAGES = [
  ['investigation', '侦查'],
  ['arrest_review', '审查批准逮捕'],
  ['investigation_arrested', '逮捕后侦查羁押'],
  ['prosecution_review', '审查起诉'],
  ['supplementary_investigation', '退回补充侦查'],
  ['filing_review', '立案审查'],
  ['pre_suit_mediation', '诉前调解'],
  ['first_instance', '一审'],
  ['appeal_window', '上诉期'],
  ['second_instance', '二审'],
  ['effective', '裁判生效'],
  ['enforcement', '执行'],
  ['community_correction', '社区矫正'],
  ['closed', '已结案'],
]
const STAGE_MAP = Object.fromEntries(STAGES)
export const stageLabel = (s) => (s ? STAGE_MAP[s] || s : '—')

export const ACTION_LABELS = {
  request_arrest: '提请批准逮捕',
  approve_arrest: '批准逮捕',
  refuse_arrest: '不批准逮捕',
  transfer_for_prosecution: '移送审查起诉',
  return_supplementary: '退回补充侦查',
  retransfer_for_prosecution: '补充侦查完毕重新移送',
  indict: '提起公诉',
  decline_prosecution: '不起诉',
  judge: '宣判',
  appeal: '上诉/抗诉',
  make_effective: '判决生效',
  judge_second: '二审宣判',
  hand_to_correction: '交付社区矫正',
  record_prison: '送监执行',
  register_correction: '社区矫正报到登记',
  accept_case: '立案受理',
  refer_mediation: '诉前调解',
  reject_filing: '不予受理',
  mediation_succeeded: '调解成功',
  mediation_failed: '调解不成立案',
  mediate: '调解结案',
  withdraw_suit: '撤诉',
  apply_enforcement: '申请执行',
  close: '结案归档',
  close_enforced: '执行完毕',
  close_no_assets: '终结本次执行',
}
export const actionLabel = (a) => ACTION_LABELS[a] || a

export const PROCEDURE_LABELS = { ordinary: '普通程序', summary: '简易程序', fast_track: '速裁程序', small_claims: '小额诉讼' }
export const procedureLabel = (p) => (p ? PROCEDURE_LABELS[p] || p : '—')

export const PARTY_ROLES = {
  criminal: [['suspect', '犯罪嫌疑人'], ['defendant', '被告人'], ['victim', '被害人']],
  civil: [['plaintiff', '原告'], ['defendant', '被告'], ['third_party', '第三人'], ['creditor', '申请执行人'], ['debtor', '被执行人']],
  administrative: [['plaintiff', '原告'], ['defendant', '被告'], ['third_party', '第三人']],
  enforcement: [['creditor', '申请执行人'], ['debtor', '被执行人']],
}
export const PARTY_TYPE_LABELS = { person: '自然人', organization: '单位' }
export const ID_TYPE_LABELS = { resident_id: '居民身份证', passport: '护照', credit_code: '统一社会信用代码' }

export const TAG_LABELS = { green_channel: '绿色通道', enterprise_related: '涉企' }
export const tagLabel = (t) => TAG_LABELS[t] || t

export const DEADLINE_STATUS = {
  normal: { label: '正常', type: 'success' },
  due_soon: { label: '临期', type: 'warning' },
  overdue: { label: '超期', type: 'danger' },
  suspended: { label: '中止', type: 'info' },
}

export const TRANSFER_STATUS_LABELS = { sent: '待签收', accepted: '已签收', returned: '已退回', withdrawn: '已撤回' }
export const EXTENSION_STATUS_LABELS = { pending: '待审批', approved: '已批准', refused: '未批准' }

// History: what happened (event type) and the names of the fields that changed.
const EVENT_LABELS = {
  'matter.filed': '立案',
  'transfer.sent': '移送',
  'transfer.accepted': '签收',
  'transfer.returned': '退回移送',
  'transfer.withdrawn': '撤回移送',
  'dossier.file_added': '上传卷宗文件',
  'extension.requested': '申请延长期限',
  'extension.approved': '批准延长期限',
  'extension.refused': '不批准延长期限',
  'matter.suspended': '中止计算期限',
  'matter.resumed': '恢复计算期限',
  'matter.tagged': '设置标识',
  'matter.untagged': '取消标识',
}
export function eventLabel(type) {
  if (EVENT_LABELS[type]) return EVENT_LABELS[type]
  const m = /^matter\.(.+)$/.exec(type || '')
  return m && ACTION_LABELS[m[1]] ? ACTION_LABELS[m[1]] : type
}

export const FIELD_LABELS = {
  number: '统一案号',
  kind: '案件类型',
  summary: '案情摘要',
  status: '状态',
  stage: '办案阶段',
  stage_started_on: '阶段起算日',
  due_on: '期限届满日',
  holder_unit_id: '承办单位',
  green: '绿色通道',
  procedure: '审理程序',
  action: '办理事项',
  note: '备注',
  reason: '理由',
  basis: '依据',
  returns: '退回补充侦查次数',
  transfer_returns: '移送被退回次数',
  extensions: '延长次数',
  suspended_on: '中止日期',
  days_suspended: '中止天数',
  tags: '标识',
  open: '办理中',
}
export function fieldLabel(f) {
  if (FIELD_LABELS[f]) return FIELD_LABELS[f]
  const m = /^tags\.(.+)$/.exec(f)
  return m ? `标识“${tagLabel(m[1])}”` : f
}

// Enforcement and case funds (案款).
export const ASSIST_STATUS = { open: '待答复', answered: '已答复', closed: '已办结' }
export const ACCOUNT_KIND = { matter: '案款账户（一案一账户）', bank: '银行存款', unidentified: '不明款', fees: '诉讼费' }
export const RECEIPT_SOURCE = {
  debtor_payment: '被执行人交款',
  auction_proceeds: '拍卖款',
  bank_deduction: '银行扣划',
  court_fee: '预交诉讼费',
}
export const DISBURSEMENT_KIND = { creditor: '案款发放', fee_refund: '诉讼费退费' }
export const DISBURSEMENT_STATUS = { requested: '待审批', posted: '已发放', refused: '已退回' }
export const FINDING_LABELS = {
  note: '查明情况',
  address: '地址',
  seen_on: '发现日期',
  records: '记录',
  vehicles: '车辆',
  date: '日期',
  place: '地点',
  kind: '类型',
  merchant: '商户',
  plate: '号牌',
}
export const label = (map, code) => (code && map[code]) || code || '—'
