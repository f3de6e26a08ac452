// api.js - the one way the front end talks to the server.
//
// Every call goes through api(): same-origin fetch with the session cookie (cb_session, HttpOnly,
// SameSite=Strict, set by POST /api/v1/session), JSON in and out, and one error path. The server answers
// errors as {"error":{"code","message","field","request_id"}}; api() turns that into an ApiError, shows
// `message` in an ElMessage through notify.js (unless `quiet`), and when the caller passes a `fields` object, puts the
// message under the name of the offending field so the form item can show it (el-form-item :error).
import { toast } from './notify.js'

export class ApiError extends Error {
  constructor({ status, code, message, field, requestId, method, path }) {
    super(message)
    this.name = 'ApiError'
    this.status = status // HTTP status, 0 when the server could not be reached
    this.code = code // the server's error code, e.g. "unauthorized", "locked", "not_found"
    this.field = field || null // JSON path of the offending input, e.g. "password"
    this.requestId = requestId || null // quote it when reporting a problem
    this.method = method
    this.path = path
  }

  // The route itself does not exist on this server (yet): the server answers unknown API paths with
  // 404 "没有这个接口：METHOD PATH". Pages show "接口未就绪" for this instead of a generic failure.
  get notReady() {
    return this.status === 404 && this.code === 'not_found' && this.message.startsWith('没有这个接口')
  }
}

let onSessionLost = null
// Called (once per failing request) when an authenticated call answers 401: the session expired or was
// revoked. session.js installs a handler that forgets the user and goes to the login page.
export function setSessionLostHandler(fn) {
  onSessionLost = fn
}

function buildUrl(path, query) {
  if (!query) return path
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    qs.append(k, v === true ? '1' : String(v))
  }
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

/**
 * api(method, path, options) -> Promise of the parsed JSON body (null for 204).
 * options:
 *   query   object of query parameters (empty, null and false values are left out; true becomes 1)
 *   body    object sent as JSON
 *   quiet   do not show the error message (the page shows it itself)
 *   fields  reactive object: cleared before the call; on error, fields[error.field] = message
 *   signal  AbortSignal
 *   session false for calls that run without a session (login, the first /me): a 401 there is an
 *           answer, not a lost session
 * Rejects with ApiError.
 */
export async function api(method, path, options = {}) {
  const { query, body, quiet = false, fields, signal, session = true } = options
  if (fields) for (const k of Object.keys(fields)) delete fields[k]
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' }, signal }
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(buildUrl(path, query), init)
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    const err = new ApiError({
      status: 0,
      code: 'network',
      message: '无法连接服务器，请检查网络后重试',
      method,
      path,
    })
    if (!quiet) toast('error', err.message)
    throw err
  }
  if (res.status === 204) return null
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (res.ok) {
    if (data === null)
      throw new ApiError({ status: res.status, code: 'bad_response', message: '服务器返回的内容无法识别', method, path })
    return data
  }
  throw failure(res.status, data, res.headers.get('X-Request-Id'), { method, path, fields, quiet, session })
}

// The ApiError for an error answer, after telling the user (or the session-lost handler) about it.
function failure(status, data, headerRequestId, { method, path, fields, quiet, session = true }) {
  const e = (data && data.error) || {}
  const err = new ApiError({
    status,
    code: e.code || `http_${status}`,
    message: e.message || `请求失败（HTTP ${status}）`,
    field: e.field,
    requestId: e.request_id || headerRequestId,
    method,
    path,
  })
  if (fields && err.field) fields[err.field] = err.message
  if (status === 401 && session && onSessionLost) onSessionLost(err)
  else if (!quiet) toast('error', err.message)
  return err
}

/**
 * upload(path, file, {query, onProgress, quiet, signal}) -> Promise of the parsed JSON answer.
 * Sends the file as the raw body (application/octet-stream) with XMLHttpRequest, because fetch cannot
 * report upload progress: onProgress(loaded, total) is called as the bytes leave the browser.
 * Errors are ApiErrors, handled like api()'s. `signal` aborts (rejects with an AbortError).
 */
export function upload(path, file, options = {}) {
  const { query, onProgress, quiet = false, signal } = options
  const method = 'POST'
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(method, buildUrl(path, query))
    xhr.withCredentials = false // same origin: the cookie goes anyway
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      let data = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status >= 200 && xhr.status < 300 && data) resolve(data)
      else reject(failure(xhr.status, data, xhr.getResponseHeader('X-Request-Id'), { method, path, quiet }))
    }
    xhr.onerror = () => {
      const err = new ApiError({ status: 0, code: 'network', message: '上传中断：无法连接服务器，请检查网络后重试', method, path })
      if (!quiet) toast('error', err.message)
      reject(err)
    }
    xhr.onabort = () => reject(new DOMException('上传已取消', 'AbortError'))
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(file)
  })
}

export const get = (path, options) => api('GET', path, options)
export const post = (path, body, options = {}) => api('POST', path, { ...options, body })
export const del = (path, options) => api('DELETE', path, options)
