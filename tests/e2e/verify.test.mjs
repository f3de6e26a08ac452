// verify.test.mjs - the browser's own checks, in plain Node (same WebCrypto API): SM3 and the Merkle
// tree against the published values of docs/log-format.md, the entry and tree-head encodings, an
// Ed25519-signed head, and the identifier checks of the filing form (web/src/ident.js) against the
// server's rules.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { sm3 } from '../../web/src/sm3.js'
import * as t from '../../web/src/tlog.js'
import * as id from '../../web/src/ident.js'

const enc = new TextEncoder()
const hexBytes = (h) => Uint8Array.from(Buffer.from(h, 'hex'))

test('1. SM3 known answers', () => {
  assert.equal(t.toHex(sm3(new Uint8Array())), '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b')
  assert.equal(t.toHex(sm3(enc.encode('abc'))), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0')
  // GB/T 32905 example 2: "abcd" x 16 (two blocks)
  assert.equal(t.toHex(sm3(enc.encode('abcd'.repeat(16)))), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732')
})

// The eight standard test leaves and their published roots (docs/log-format.md).
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hexBytes)
const ROOTS = {
  sha256: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4', '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c', '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
  sm3: ['2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf', '0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d',
    '209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56', '28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377',
    'bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b', '8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66',
    'bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2', 'bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38'],
}

// MTH and PATH straight from RFC 9162 2.1.1 / 2.1.3.1, to produce proofs for every leaf and size.
async function mth(H, d) {
  if (d.length === 0) return H(new Uint8Array())
  if (d.length === 1) return t.leafHash(H, d[0])
  let k = 1
  while (k * 2 < d.length) k *= 2
  return H(t.concat(new Uint8Array([1]), await mth(H, d.slice(0, k)), await mth(H, d.slice(k))))
}
async function pathOf(H, m, d) {
  if (d.length <= 1) return []
  let k = 1
  while (k * 2 < d.length) k *= 2
  return m < k ? [...(await pathOf(H, m, d.slice(0, k))), await mth(H, d.slice(k))] : [...(await pathOf(H, m - k, d.slice(k))), await mth(H, d.slice(0, k))]
}

for (const alg of ['sha256', 'sm3']) {
  test(`2. ${alg}: every inclusion proof of the test tree verifies, and a changed one does not`, async () => {
    const H = t.hasher(alg)
    for (let n = 1; n <= 8; n++) {
      const root = await mth(H, LEAVES.slice(0, n))
      assert.equal(t.toHex(root), ROOTS[alg][n - 1], `root of size ${n}`)
      for (let i = 0; i < n; i++) {
        const leaf = await t.leafHash(H, LEAVES[i])
        const path = (await pathOf(H, i, LEAVES.slice(0, n))).map(t.toHex)
        assert.ok(await t.verifyInclusion(H, i, n, leaf, path, root), `leaf ${i} of ${n}`)
        if (path.length) {
          const bad = path.slice()
          bad[0] = (bad[0][0] === '0' ? '1' : '0') + bad[0].slice(1)
          assert.equal(await t.verifyInclusion(H, i, n, leaf, bad, root), false, `changed node, leaf ${i} of ${n}`)
          // (a wrong size can still pass against the same root: docs/log-format.md, "Proofs"; the signed
          // head binds the size to the root)
          if (n < 8) assert.equal(await t.verifyInclusion(H, i, n, leaf, path, hexBytes(ROOTS[alg][n])), false, `another root, leaf ${i} of ${n}`)
        }
        assert.equal(await t.verifyInclusion(H, i, n, leaf, [...path, path[0] || ROOTS[alg][0]], root), false, 'a path too long')
      }
    }
  })
}

test('3. the worked example: leaf 5 of 8', async () => {
  const H = t.hasher('sha256')
  const leaf = await t.leafHash(H, hexBytes('40414243'))
  assert.equal(t.toHex(leaf), '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658')
  const path = [
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  ]
  assert.ok(await t.verifyInclusion(H, 5, 8, leaf, path, hexBytes(ROOTS.sha256[7])))
  assert.equal(await t.rootFromInclusion(H, 8, 8, leaf, path), null, 'index beyond the tree')
  assert.equal(await t.rootFromInclusion(H, 5, 8, leaf, ['zz'.repeat(32), ...path.slice(1)]), null, 'a malformed node')
})

test('4. entry and tree-head bytes; an Ed25519-signed head verifies and a changed one does not', async () => {
  const entry = t.entryBytes({ seq: 1, at: '2026-11-22T04:43:16.935Z', event_type: 'dossier.file_added', subject: 'ab', private_hash: '11'.repeat(32) })
  const expected = Buffer.concat([
    Buffer.from('CBLOG\0\0\x01', 'latin1'), Buffer.from('0000000000000001', 'hex'),
    Buffer.from('00000018', 'hex'), Buffer.from('2026-11-22T04:43:16.935Z'),
    Buffer.from('00000012', 'hex'), Buffer.from('dossier.file_added'),
    Buffer.from('00000002', 'hex'), Buffer.from('ab'), Buffer.alloc(32, 0x11),
  ])
  assert.deepEqual(Buffer.from(entry), expected)
  assert.deepEqual(Buffer.from(t.field('证据')), Buffer.concat([Buffer.from('00000006', 'hex'), Buffer.from('证据')]))

  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519')
  const pem = publicKey.export({ type: 'spki', format: 'pem' })
  const keyId = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')
  const sth = { tree_size: 8, timestamp: 1795323343611, root_hash: ROOTS.sha256[7], hash_alg: 'sha256', sign_alg: 'ed25519', key_id: keyId }
  sth.signature = crypto.sign(null, Buffer.from(t.sthMessage(sth)), privateKey).toString('base64')
  const key = { public_key: pem, key_id: keyId, sign_alg: 'ed25519', hash_alg: 'sha256' }
  const good = await t.checkSth(sth, key)
  assert.deepEqual(good.map((c) => c.ok), [true, true])
  const forged = await t.checkSth({ ...sth, tree_size: 9 }, key)
  assert.deepEqual(forged.map((c) => c.ok), [true, false])
  assert.equal(t.verdict(forged), 'fail')
  const sm2 = await t.checkSth({ ...sth, sign_alg: 'sm2' }, key)
  assert.equal(sm2.at(-1).ok, null)
  assert.match(sm2.at(-1).detail, /casebridge verify/)
  assert.equal(t.verdict(sm2), 'partial')
})

test('5. resident ID numbers: check character, birth date, length, as the server words them', () => {
  assert.equal(id.checkResidentId('150927198902266130'), null)
  assert.equal(id.checkResidentId('15252919760620876x'), null, 'lower-case x is accepted')
  assert.match(id.checkResidentId('150927198902266131').message, /校验位错误：按前17位应为0，实际为1/)
  assert.match(id.checkResidentId('150927198902306130').message, /出生日期1989年02月30日不存在/)
  assert.match(id.checkResidentId('15092719890226613').message, /应为18位，当前为17位/)
  assert.match(id.checkResidentId('1509271989022661AX').message, /第17位不是数字/)
  assert.deepEqual(id.residentIdFacts('150927198902266130'), { birth: '1989-02-26', sex: '男' })
  assert.equal(id.checkIdentifier('resident_id', ''), null, 'empty is left to the required-field rules')
})

test('6. credit codes: a wrong check character only warns; letters not in the alphabet are errors', () => {
  assert.equal(id.checkCreditCode('91350100M000100Y43'), null)
  const w = id.checkCreditCode('91150000MA0000000A')
  assert.equal(w.level, 'warning')
  assert.match(w.message, /校验位不符/)
  assert.equal(id.checkCreditCode('91150000MA0000000I').level, 'error')
  assert.match(id.checkCreditCode('9115').message, /应为18位/)
  assert.equal(id.checkPassport('E1234567'), null)
  assert.match(id.checkPassport('E12 34567').message, /第4位/)
})
