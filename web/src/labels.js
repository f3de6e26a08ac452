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
