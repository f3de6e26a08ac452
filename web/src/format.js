// format.js - how the front end shows times, money and identity numbers. One place, so every page
// agrees: times in Asia/Shanghai whatever the browser's zone, money in yuan with two decimals, resident
// ID numbers masked unless the user's role needs the full number.

const TZ = 'Asia/Shanghai'
const dateTimeFmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

// Accepts an ISO 8601 string, a Date, or a number of milliseconds (or seconds, when below 1e11) since
// the epoch. Returns null for what is not a time.
export function toDate(v) {
  if (v === null || v === undefined || v === '') return null
  if (v instanceof Date) return isNaN(v) ? null : v
  if (typeof v === 'number') return new Date(v < 1e11 ? v * 1000 : v)
  if (typeof v === 'string' && /^\d+$/.test(v)) return toDate(Number(v))
  const d = new Date(v)
  return isNaN(d) ? null : d
}

function parts(d) {
  const p = {}
  for (const { type, value } of dateTimeFmt.formatToParts(d)) p[type] = value
  return p
}

// "2024-10-08 14:05:09" in Beijing time; "—" when there is no time.
export function formatDateTime(v) {
  const d = toDate(v)
  if (!d) return '—'
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

// "2024-10-08" in Beijing time. A bare calendar date ("2024-10-08") is returned as it is: it names a
// day, not an instant, and must not shift with time zones.
export function formatDate(v) {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v
  const d = toDate(v)
  if (!d) return '—'
  const p = parts(d)
  return `${p.year}-${p.month}-${p.day}`
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']
// The weekday of a calendar date "YYYY-MM-DD" (computed in UTC so no zone can move it).
export function weekdayOf(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '')
  if (!m) return ''
  return WEEKDAYS[new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay()]
}

// Today's date in Beijing, "YYYY-MM-DD".
export function todayInShanghai() {
  return formatDate(new Date())
}

const yuanFmt = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const intFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 })

// Money. Amounts travel as integer fen (分) so no float ever rounds a payment; shown as yuan with two
// decimals and thousands separators: formatFen(123456) -> "1,234.56 元".
export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const n = typeof fen === 'bigint' ? fen : BigInt(Math.trunc(Number(fen)))
  const neg = n < 0n
  const abs = neg ? -n : n
  const yuan = abs / 100n
  const cents = String(abs % 100n).padStart(2, '0')
  return `${neg ? '-' : ''}${intFmt.format(yuan)}.${cents} 元`
}

// For a value already in yuan (a decimal string or number): formatYuan("1234.5") -> "1,234.50 元".
export function formatYuan(yuan) {
  if (yuan === null || yuan === undefined || yuan === '') return '—'
  const n = Number(yuan)
  if (!isFinite(n)) return '—'
  return `${yuanFmt.format(n)} 元`
}

// Roles whose work needs a party's full resident ID number (entering and checking it on documents).
// Supervisors, auditors and administrators see it masked.
export const ROLES_SEEING_FULL_ID = ['clerk', 'handler', 'reviewer']

export function canSeeFullId(user) {
  return !!user && Array.isArray(user.roles) && user.roles.some((r) => ROLES_SEEING_FULL_ID.includes(r))
}

// "150102199003071234" -> "150102********1234" (the area code and the last four stay; birth date and
// sequence go). Shorter values keep only their first and last characters.
export function maskId(id) {
  if (!id) return ''
  const s = String(id)
  if (s.length >= 15) return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4)
  if (s.length <= 2) return '*'.repeat(s.length)
  return s[0] + '*'.repeat(s.length - 2) + s.slice(-1)
}

// What a page shows for an ID number, given the signed-in user.
export function displayId(id, user) {
  return canSeeFullId(user) ? String(id || '') : maskId(id)
}

// A file size: 1536 -> "1.5 KB".
export function formatBytes(n) {
  if (!isFinite(n)) return '—'
  const units = ['B', 'KB', 'MB', 'GB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`
}
