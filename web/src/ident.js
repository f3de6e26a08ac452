// ident.js - party identifiers checked as they are typed, with the server's rules and words
// (src/domain/ident.c): resident ID numbers by GB 11643-1999 (ISO 7064 MOD 11-2 check character and
// the embedded birth date) and unified social credit codes by GB 32100-2015 (MOD 31). The server
// checks again on filing; a credit code whose check character is off is only a warning there (some
// issued codes are like that), and here too.
//
// Each check returns null when the value is fine, or { level: 'error' | 'warning', message }.

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

function validDate(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return false
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= days[m - 1]
}

// The check character the first 17 digits call for.
export function residentCheckChar(s) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * RESIDENT_WEIGHTS[i]
  return '10X98765432'[sum % 11]
}

export function checkResidentId(value) {
  const s = String(value || '').trim()
  const err = (message) => ({ level: 'error', message })
  if (s.length !== 18) return err(`身份证号应为18位，当前为${s.length}位，请核对是否漏输或多输`)
  for (let i = 0; i < 17; i++) if (s[i] < '0' || s[i] > '9') return err(`身份证号第${i + 1}位不是数字：前17位只能是数字，请核对`)
  const last = s[17].toUpperCase()
  if (!/[0-9X]/.test(last)) return err('身份证号最后一位只能是数字或X，请核对')
  const y = +s.slice(6, 10)
  const m = +s.slice(10, 12)
  const d = +s.slice(12, 14)
  if (y < 1900 || !validDate(y, m, d))
    return err(`身份证号第7-14位的出生日期${s.slice(6, 10)}年${s.slice(10, 12)}月${s.slice(12, 14)}日不存在，请核对出生日期部分`)
  const want = residentCheckChar(s)
  if (want !== last) return err(`身份证号校验位错误：按前17位应为${want}，实际为${last}，请核对号码是否抄错`)
  return null
}

// Birth date and sex read from a valid resident ID number: { birth: 'YYYY-MM-DD', sex: '男' | '女' }.
export function residentIdFacts(value) {
  const s = String(value || '').trim()
  if (checkResidentId(s)) return null
  return { birth: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`, sex: (s.charCodeAt(16) - 48) % 2 ? '男' : '女' }
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function creditCheckChar(s) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]) * USCC_WEIGHTS[i]
  return USCC_CHARS[(31 - (sum % 31)) % 31]
}

export function checkCreditCode(value) {
  const s = String(value || '').trim().toUpperCase()
  const err = (message) => ({ level: 'error', message })
  if (s.length !== 18) return err(`统一社会信用代码应为18位，当前为${s.length}位，请按营业执照核对`)
  for (let i = 0; i < 18; i++) {
    if (USCC_CHARS.includes(s[i])) continue
    if ('IOSVZ'.includes(s[i]))
      return err(`统一社会信用代码第${i + 1}位是字母${s[i]}，代码中不使用I、O、S、V、Z，请核对（可能是数字1、0、5、2）`)
    return err(`统一社会信用代码第${i + 1}位不是数字或大写字母，请按营业执照核对`)
  }
  const want = creditCheckChar(s)
  if (want !== s[17])
    return {
      level: 'warning',
      message: `统一社会信用代码校验位不符：按前17位应为${want}，实际为${s[17]}。部分已发代码确实如此，请对照营业执照核对后继续`,
    }
  return null
}

export function checkPassport(value) {
  const s = String(value || '').trim()
  if (s.length < 5 || s.length > 20)
    return { level: 'error', message: `护照号码应为5-20位字母或数字，当前为${s.length}位，请按护照资料页核对` }
  const bad = [...s].findIndex((c) => !/[0-9A-Za-z]/.test(c))
  if (bad >= 0) return { level: 'error', message: `护照号码第${bad + 1}位不是字母或数字，请去掉空格和符号后重试` }
  return null
}

// By identifier type (the server's id_type): resident_id | credit_code | passport. Empty is fine here
// (an identifier is optional); null for an unknown type.
export function checkIdentifier(idType, value) {
  if (!value || !String(value).trim()) return null
  if (idType === 'resident_id') return checkResidentId(value)
  if (idType === 'credit_code') return checkCreditCode(value)
  if (idType === 'passport') return checkPassport(value)
  return null
}
