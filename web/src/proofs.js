// proofs.js - fetches what a proof check needs from the public log routes (latest signed head, the
// log's public key, an inclusion proof) and hands it to tlog.js, which checks it in the browser.
import { get } from './api.js'
import { checkEvent, checkSth, hasher } from './tlog.js'

let keyPromise = null
// The log's public key (GET /api/v1/log/key), asked once per page load.
export function logKey() {
  keyPromise ||= get('/api/v1/log/key', { quiet: true }).catch((e) => {
    keyPromise = null
    throw e
  })
  return keyPromise
}

// Is this history event (log_index, leaf_hash) in the log? Asks for the latest signed head (the server
// signs one if the log has grown), the proof for that head's size, and checks both here.
export async function verifyHistoryEvent(ev) {
  const sth = await get('/api/v1/log/sth', { quiet: true })
  const [key, proof] = await Promise.all([
    logKey(),
    get('/api/v1/log/proof/inclusion', { query: { index: ev.log_index, size: sth.tree_size }, quiet: true }),
  ])
  hasher(sth.hash_alg) // throws early when this browser cannot hash (no WebCrypto outside HTTPS)
  return { sth, checks: await checkEvent({ logIndex: ev.log_index, leafHex: ev.leaf_hash }, proof, sth, key) }
}

// A signed tree head's signature and key.
export async function verifyHead(sth) {
  return checkSth(sth, await logKey())
}
