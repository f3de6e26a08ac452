// session.js - who is signed in. The cookie itself is HttpOnly, so the front end only knows the user
// from GET /api/v1/me (on first navigation) and from the answer to POST /api/v1/session (login).
import { reactive } from 'vue'
import { api, setSessionLostHandler } from './api.js'

export const session = reactive({
  user: null, // the /me object: id, username, display_name, roles[], permissions[], unit{...}
  loaded: false, // /me has been asked once
  expired: false, // the last session ended by a 401, not by logging out
})

// Ask the server who we are. A 401 just means nobody is signed in.
export async function loadMe() {
  try {
    session.user = await api('GET', '/api/v1/me', { quiet: true, session: false })
  } catch (e) {
    session.user = null
    if (e.status !== 401) console.warn('GET /api/v1/me failed:', e.message)
  }
  session.loaded = true
  return session.user
}

// Log in; rejects with the server's ApiError (401 wrong password, 423 locked, ...). `fields` gets the
// offending field's message. The page shows the message itself (quiet).
export async function login(username, password, fields) {
  const res = await api('POST', '/api/v1/session', {
    body: { username, password },
    fields,
    quiet: true,
    session: false,
  })
  session.user = res.user
  session.loaded = true
  session.expired = false
  return res.user
}

export async function logout() {
  try {
    await api('DELETE', '/api/v1/session', { session: false, quiet: true })
  } finally {
    session.user = null
  }
}

// Does the signed-in user hold this permission ("org.read", "supervise", ...)? An array means any of
// them (a page several roles use, e.g. 案款 for fund officers and approving reviewers).
export function can(perm) {
  if (!session.user) return false
  if (Array.isArray(perm)) return perm.some((p) => session.user.permissions.includes(p))
  return session.user.permissions.includes(perm)
}

// Areas are GB/T 2260 codes: 150000 the region, 152500 a league, 152501 a county.
// 1 if `code` is `ancestor` or lies below it (mirrors org_area_within on the server).
export function areaWithin(code, ancestor) {
  if (!code || !ancestor) return false
  if (code === ancestor) return true
  if (ancestor.endsWith('0000')) return code.slice(0, 2) === ancestor.slice(0, 2)
  if (ancestor.endsWith('00')) return code.slice(0, 4) === ancestor.slice(0, 4)
  return false
}

let router = null
export function installSessionLostHandler(r) {
  router = r
  setSessionLostHandler(() => {
    if (!session.user) return
    session.user = null
    session.expired = true
    const here = router.currentRoute.value
    router.replace({ path: '/login', query: { redirect: here.fullPath } })
  })
}
