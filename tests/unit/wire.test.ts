/**
 * [T10] The MessagePack Socket.IO parser: round trips, bytes of a view (not of its whole
 * buffer), undefined fields left out as JSON would, and malformed packets refused.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { ATTACH_MIN_BYTES, Decoder, Encoder, PacketType, type Packet } from '../../shared/protocol/wire.js';

const roundTrip = (p: Packet): Packet => {
  const frames = new Encoder().encode(p);
  let out: Packet | undefined;
  const d = new Decoder();
  d.on('decoded', (x) => (out = x));
  for (const f of frames) d.add(f);
  return out!;
};

/** Encodes `value` with the string 'REF' replaced by an attachment reference (ext 1, index 0). */
const encodeRef = (value: unknown): Uint8Array => {
  const raw = encode(value);
  const marker = new TextEncoder().encode('REF');
  const at = raw.findIndex((_, i) => raw[i] === 0xa3 && raw[i + 1] === marker[0] && raw[i + 2] === marker[1] && raw[i + 3] === marker[2]);
  // fixstr "REF" (4 bytes) → fixext1 type 1 data 0 (3 bytes)
  return Uint8Array.from([...raw.subarray(0, at), 0xd4, 1, 0, ...raw.subarray(at + 4)]);
};

const decodeRaw = (value: unknown) => {
  const d = new Decoder();
  d.add(encode(value));
};

describe('[T10] wire parser', () => {
  it('round-trips an event with bytes in one frame', () => {
    const message = new Uint8Array([2, 3, 1, 2, 3]);
    const frames = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['sync:message', { docKey: 'board/b', message }], id: 7 });
    expect(frames).toHaveLength(1);
    const p = roundTrip({ type: PacketType.EVENT, nsp: '/', data: ['sync:message', { docKey: 'board/b', message }], id: 7 });
    expect(p).toEqual({ type: 2, nsp: '/', data: ['sync:message', { docKey: 'board/b', message }], id: 7 });
  });

  it('encodes only the bytes of a view, not its whole buffer', () => {
    const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const p = roundTrip({ type: PacketType.EVENT, nsp: '/', data: ['x', whole.subarray(2, 5)] });
    expect([...(p.data as [string, Uint8Array])[1]]).toEqual([1, 2, 3]);
  });

  it('sends large bytes as their own frames, uncopied, and puts them back in place', () => {
    const big = new Uint8Array(ATTACH_MIN_BYTES + 5).fill(7);
    const big2 = new Uint8Array(ATTACH_MIN_BYTES * 2).fill(9);
    const small = new Uint8Array([1, 2, 3]);
    const packet = { type: PacketType.ACK, nsp: '/', data: [{ ok: true, value: { docs: [{ update: big }, { update: small }, { update: big2 }] } }], id: 3 };
    const frames = new Encoder().encode(packet);
    expect(frames).toHaveLength(3);
    expect(frames[1]).toBe(big); // the very bytes, not a copy
    expect(frames[2]).toBe(big2);
    expect(frames[0]!.byteLength).toBeLessThan(200);
    const out = roundTrip(packet);
    const docs = (out.data as [{ value: { docs: Array<{ update: Uint8Array }> } }])[0].value.docs;
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    expect(same(docs[0]!.update, big)).toBe(true);
    expect(same(docs[1]!.update, small)).toBe(true);
    expect(same(docs[2]!.update, big2)).toBe(true);
    expect(out).not.toHaveProperty('attachments');
  });

  it('holds a packet until its attachments arrive, in order, across packets', () => {
    const d = new Decoder();
    const seen: Packet[] = [];
    d.on('decoded', (p) => seen.push(p));
    const big = new Uint8Array(ATTACH_MIN_BYTES).fill(1);
    const [head, att] = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['x', big] });
    d.add(head);
    expect(seen).toHaveLength(0);
    d.add(att);
    expect(seen).toHaveLength(1);
    for (const f of new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['y', 1] })) d.add(f);
    expect(seen.map((p) => (p.data as string[])[0])).toEqual(['x', 'y']);
  });

  it('leaves undefined fields out, as the JSON parser did', () => {
    const p = roundTrip({ type: PacketType.ACK, nsp: '/', data: [{ ok: true, value: { reply: undefined } }], id: 1 });
    expect(p.data).toEqual([{ ok: true, value: {} }]);
    expect(Object.keys((p.data as [{ value: object }])[0].value)).toEqual([]);
  });

  it.each([
    ['a text frame', () => new Decoder().add('42["x"]')],
    ['not msgpack', () => new Decoder().add(new Uint8Array([0xc1]))],
    ['not a map', () => decodeRaw([1, 2])],
    ['an unknown packet type', () => decodeRaw({ type: 9, nsp: '/', data: ['x'] })],
    ['a fractional type', () => decodeRaw({ type: 2.5, nsp: '/', data: ['x'] })],
    ['a missing namespace', () => decodeRaw({ type: 2, data: ['x'] })],
    ['an event without a name', () => decodeRaw({ type: 2, nsp: '/', data: [{}] })],
    ['an event whose data is not an array', () => decodeRaw({ type: 2, nsp: '/', data: 'x' })],
    ['a negative ack id', () => decodeRaw({ type: 2, nsp: '/', data: ['x'], id: -1 })],
    ['a DISCONNECT with data', () => decodeRaw({ type: 1, nsp: '/', data: 1 })],
    ['a reference to an attachment that never comes', () => new Decoder().add(encodeRef({ type: 2, nsp: '/', data: ['x', 'REF'] }))],
    ['an attachment count out of range', () => decodeRaw({ type: 2, nsp: '/', data: ['x'], attachments: 1000 })],
    ['a fractional attachment count', () => decodeRaw({ type: 2, nsp: '/', data: ['x'], attachments: 1.5 })],
    ['a __proto__ key', () => new Decoder().add(new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0xc0]))],
  ])('refuses %s', (_name, fn) => {
    expect(fn).toThrow();
  });
});
