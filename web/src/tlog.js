// tlog.js - checks the audit log's proofs in the browser, without trusting the server's word: the bytes
// and algorithms are those of docs/log-format.md (RFC 9162 Merkle tree, entry encoding, signed tree
// heads). Hashes come from WebCrypto (SHA-256) or sm3.js (SM3); Ed25519 signatures from WebCrypto
// (Chromium, Firefox, Safari 17+). SM2 is not in WebCrypto: such heads must be checked with
// `casebridge verify` (or openssl), and the pages say so.
//
// Every check returns { key, label, ok, detail }: ok is true, false, or null (could not be checked
// here). Pages show the list; the verdict is "pass" only when no check failed and the proof itself was
// checked.
import { sm3 } from './sm3.js'

const enc = new TextEncoder()

export function toHex(u8) {
  return Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('')
}

// 64 hex digits -> 32 bytes; anything else -> null (a malformed proof node fails verification).
export function fromHex32(s) {
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{64}$/.test(s)) return null
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16)
  return out
}

export function fromBase64(s) {
  const bin = atob(String(s || '').replace(/\s+/g, ''))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

// field(s) = u32be(byte length) || UTF-8 bytes; an absent value is the empty string.
export function field(s) {
  const b = enc.encode(s === null || s === undefined ? '' : String(s))
  const len = new Uint8Array(4)
  new DataView(len.buffer).setUint32(0, b.length)
  return concat(len, b)
}

export function u64(n) {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n))
  return out
}

const equal = (a, b) => !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i])

export function hasSubtle() {
  return typeof crypto !== 'undefined' && !!crypto.subtle
}

// The log's hash function by its recorded name: async (Uint8Array) -> Uint8Array(32).
export function hasher(alg) {
  const name = String(alg || 'sha256').toLowerCase().replace('-', '')
  if (name === 'sm3') return async (bytes) => sm3(bytes)
  if (name === 'sha256') {
    if (!hasSubtle()) throw new Error('此浏览器环境不提供 WebCrypto（需通过 HTTPS 访问），无法在本机计算 SHA-256')
    return async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  }
  throw new Error(`不认识的哈希算法 ${alg}`)
}

// entry = "CBLOG" 00 00 01 || u64(seq) || field(at) || field(event_type) || field(subject) || H(private)
export function entryBytes(e) {
  const priv = fromHex32(e.private_hash)
  if (!priv) throw new Error('private_hash 不是 64 位十六进制')
  return concat(enc.encode('CBLOG\0\0\x01'), u64(e.seq), field(e.at), field(e.event_type), field(e.subject), priv)
}

export async function leafHash(H, entry) {
  return H(concat(new Uint8Array([0]), entry))
}

// RFC 9162 section 2.1.3.2: the root that leaf `index` of a tree of `size` leaves and its audit path
// lead to, or null when the path cannot belong to such a tree (wrong length, malformed node).
export async function rootFromInclusion(H, index, size, leaf, path) {
  let fn = BigInt(index)
  let sn = BigInt(size) - 1n
  if (fn > sn || !Array.isArray(path) || path.length > 64) return null
  let r = leaf
  const one = new Uint8Array([1])
  for (const hexNode of path) {
    const p = fromHex32(hexNode)
    if (!p || sn === 0n) return null
    if ((fn & 1n) === 1n || fn === sn) {
      r = await H(concat(one, p, r))
      if ((fn & 1n) === 0n)
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
    } else r = await H(concat(one, r, p))
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n ? r : null
}

export async function verifyInclusion(H, index, size, leaf, path, root) {
  const r = await rootFromInclusion(H, index, size, leaf, path)
  return !!r && equal(r, root)
}

// sth = "CBSTH" 00 00 01 || u64(tree_size) || u64(timestamp_ms) || root || field(hash_alg) || field(key_id)
export function sthMessage(sth) {
  const root = fromHex32(sth.root_hash)
  if (!root) throw new Error('root_hash 不是 64 位十六进制')
  return concat(enc.encode('CBSTH\0\0\x01'), u64(sth.tree_size), u64(sth.timestamp), root, field(sth.hash_alg), field(sth.key_id))
}

export function pemToDer(pem) {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem || '')
  if (!m) throw new Error('公钥不是 PEM 格式')
  return fromBase64(m[1])
}

// The head's signature, with the key from /api/v1/log/key. Two checks: the key is the one the head
// names (key_id = SHA-256 of its DER), and the signature over sthMessage verifies.
export async function checkSth(sth, key) {
  const checks = []
  let der = null
  try {
    der = pemToDer(key.public_key)
  } catch (e) {
    checks.push({ key: 'key', label: '公钥', ok: false, detail: e.message })
    return checks
  }
  if (hasSubtle()) {
    const id = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', der)))
    checks.push({
      key: 'key',
      label: '公钥标识',
      ok: id === sth.key_id,
      detail: id === sth.key_id ? `公钥的 SHA-256 与树头的密钥标识一致（${id.slice(0, 16)}…）` : `公钥标识 ${id.slice(0, 16)}… 与树头所记 ${String(sth.key_id).slice(0, 16)}… 不符`,
    })
  }
  const alg = String(sth.sign_alg || key.sign_alg || '').toLowerCase()
  if (alg === 'sm2') {
    checks.push({
      key: 'signature',
      label: '树头签名（SM2）',
      ok: null,
      detail: '浏览器的 WebCrypto 不支持 SM2 国密签名，本页无法验签。请用 casebridge verify 或 openssl（见 docs/log-format.md）核验该签名。',
    })
    return checks
  }
  if (alg !== 'ed25519') {
    checks.push({ key: 'signature', label: '树头签名', ok: null, detail: `不认识的签名算法 ${alg || '（未注明）'}` })
    return checks
  }
  let pub
  try {
    if (!hasSubtle()) throw new Error('no subtle')
    pub = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify'])
  } catch {
    checks.push({
      key: 'signature',
      label: '树头签名（Ed25519）',
      ok: null,
      detail: '此浏览器不支持 Ed25519 验签（需较新的 Chromium、Firefox 或 Safari），请用 casebridge verify 核验。',
    })
    return checks
  }
  let ok = false
  try {
    ok = await crypto.subtle.verify({ name: 'Ed25519' }, pub, fromBase64(sth.signature), sthMessage(sth))
  } catch {
    ok = false
  }
  checks.push({
    key: 'signature',
    label: '树头签名（Ed25519）',
    ok,
    detail: ok
      ? `平台公钥对树头（${sth.tree_size} 条记录、根哈希与时间）的签名有效`
      : '签名与树头内容不符：树头可能被改动，或并非该公钥所签',
  })
  return checks
}

// The proof that leaf `index` (leaf hash `leafHex`) is in the signed head `sth`.
export async function checkInclusion(H, { index, leafHex, path, treeSize }, sth) {
  const leaf = fromHex32(leafHex)
  const root = fromHex32(sth.root_hash)
  if (Number(treeSize) !== Number(sth.tree_size))
    return { key: 'inclusion', label: '包含证明', ok: false, detail: `证明的树大小 ${treeSize} 与签名树头的 ${sth.tree_size} 不同` }
  const r = leaf && root ? await rootFromInclusion(H, index, treeSize, leaf, path) : null
  const ok = !!r && equal(r, root)
  return {
    key: 'inclusion',
    label: '包含证明（RFC 9162）',
    ok,
    detail: ok
      ? `由叶哈希和 ${path.length} 个审计路径节点重算的根哈希与签名树头（${sth.tree_size} 条记录）的根哈希一致`
      : r
        ? `重算的根哈希 ${toHex(r).slice(0, 16)}… 与签名树头的 ${String(sth.root_hash).slice(0, 16)}… 不一致`
        : '审计路径的长度或格式与树的大小不符',
  }
}

// Everything /api/v1/evidence/verify answered, checked here: the entry rebuilt from its public part
// and private hash gives the leaf hash; its subject is the file's hash; the leaf is in the signed head;
// the head is signed by the log's key.
export async function checkEvidence(answer, sha256, key) {
  const H = hasher(answer.sth && answer.sth.hash_alg)
  const checks = []
  const e = answer.entry || {}
  checks.push({
    key: 'subject',
    label: '登记对象',
    ok: e.event_type === 'dossier.file_added' && String(e.subject).toLowerCase() === sha256.toLowerCase(),
    detail:
      e.event_type === 'dossier.file_added' && String(e.subject).toLowerCase() === sha256.toLowerCase()
        ? '日志条目是一次卷宗文件登记（dossier.file_added），登记的正是此文件的 SHA-256'
        : `日志条目（${e.event_type}）登记的对象不是此文件`,
  })
  let leaf = null
  try {
    leaf = await leafHash(H, entryBytes(e))
  } catch (err) {
    checks.push({ key: 'leaf', label: '日志条目', ok: false, detail: err.message })
  }
  if (leaf) {
    const ok = toHex(leaf) === String(answer.leaf_hash).toLowerCase() && Number(e.seq) - 1 === Number(answer.log_index)
    checks.push({
      key: 'leaf',
      label: '日志条目',
      ok,
      detail: ok
        ? `按日志格式重建第 ${e.seq} 条记录的字节，算得叶哈希 ${toHex(leaf).slice(0, 16)}…，与证明一致`
        : `重建条目算得的叶哈希 ${toHex(leaf).slice(0, 16)}… 与服务器给出的不一致`,
    })
  }
  const proof = answer.proof || {}
  checks.push(
    await checkInclusion(H, { index: answer.log_index, leafHex: leaf ? toHex(leaf) : answer.leaf_hash, path: proof.path || [], treeSize: proof.tree_size }, answer.sth),
  )
  checks.push(...(await checkSth(answer.sth, key)))
  return checks
}

// One event of a matter's history (its log index and leaf hash), against the latest signed head.
export async function checkEvent({ logIndex, leafHex }, proof, sth, key) {
  const H = hasher(sth.hash_alg)
  const checks = []
  const same = String(proof.leaf_hash || '').toLowerCase() === String(leafHex).toLowerCase() && Number(proof.index) === Number(logIndex)
  checks.push({
    key: 'leaf',
    label: '叶哈希',
    ok: same,
    detail: same ? `证明针对的正是此记录（日志第 ${logIndex} 号叶子）` : '证明针对的叶子与此记录不符',
  })
  checks.push(await checkInclusion(H, { index: logIndex, leafHex, path: proof.path || [], treeSize: proof.tree_size }, sth))
  checks.push(...(await checkSth(sth, key)))
  return checks
}

// pass | fail | partial (nothing failed, but something could not be checked here)
export function verdict(checks) {
  if (checks.some((c) => c.ok === false)) return 'fail'
  if (checks.some((c) => c.ok === null)) return 'partial'
  return 'pass'
}
