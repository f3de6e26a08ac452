// sm3.js - the SM3 hash (GB/T 32905-2016) in plain JavaScript. WebCrypto has SHA-256 but not SM3; a
// log created with `--hash sm3` hashes its entries and tree nodes with SM3, and the browser checks its
// proofs with this. Small inputs only (entries, 65-byte nodes): it is not written for speed.
// Known answers (docs/log-format.md): sm3("") = 1ab21d83…, sm3("abc") = 66c7f0f4….

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e]

const rotl = (x, n) => ((x << n) | (x >>> (32 - n))) >>> 0
const p0 = (x) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0
const p1 = (x) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0

function compress(v, b) {
  const w = new Array(68)
  const w1 = new Array(64)
  for (let i = 0; i < 16; i++) w[i] = ((b[i * 4] << 24) | (b[i * 4 + 1] << 16) | (b[i * 4 + 2] << 8) | b[i * 4 + 3]) >>> 0
  for (let i = 16; i < 68; i++)
    w[i] = (p1(w[i - 16] ^ w[i - 9] ^ rotl(w[i - 3], 15)) ^ rotl(w[i - 13], 7) ^ w[i - 6]) >>> 0
  for (let i = 0; i < 64; i++) w1[i] = (w[i] ^ w[i + 4]) >>> 0
  let [a, bb, c, d, e, f, g, h] = v
  for (let j = 0; j < 64; j++) {
    const t = j < 16 ? 0x79cc4519 : 0x7a879d8a
    const ss1 = rotl((rotl(a, 12) + e + rotl(t, j % 32)) >>> 0, 7)
    const ss2 = (ss1 ^ rotl(a, 12)) >>> 0
    const ff = j < 16 ? a ^ bb ^ c : (a & bb) | (a & c) | (bb & c)
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g)
    const tt1 = (ff + d + ss2 + w1[j]) >>> 0
    const tt2 = (gg + h + ss1 + w[j]) >>> 0
    d = c
    c = rotl(bb, 9)
    bb = a
    a = tt1
    h = g
    g = rotl(f, 19)
    f = e
    e = p0(tt2)
  }
  return [a, bb, c, d, e, f, g, h].map((x, i) => (x ^ v[i]) >>> 0)
}

// sm3(Uint8Array) -> Uint8Array(32)
export function sm3(msg) {
  const len = msg.length
  const padded = new Uint8Array(Math.ceil((len + 9) / 64) * 64)
  padded.set(msg)
  padded[len] = 0x80
  const bits = BigInt(len) * 8n
  new DataView(padded.buffer).setBigUint64(padded.length - 8, bits)
  let v = IV.slice()
  for (let off = 0; off < padded.length; off += 64) v = compress(v, padded.subarray(off, off + 64))
  const out = new Uint8Array(32)
  const dv = new DataView(out.buffer)
  v.forEach((x, i) => dv.setUint32(i * 4, x))
  return out
}
