/**
 * [T10] The MessagePack Socket.IO parser: round trips, bytes of a view (not of its whole
 * buffer), undefined fields left out as JSON would, and malformed packets refused.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { Decoder, Encoder, PacketType, type Packet } from '../../shared/protocol/wire.js';

const roundTrip = (p: Packet): Packet => {
  const [frame] = new Encoder().encode(p);
  let out: Packet | undefined;
  const d = new Decoder();
  d.on('decoded', (x) => (out = x));
  d.add(frame);
  return out!;
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
    ['a __proto__ key', () => new Decoder().add(new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0xc0]))],
  ])('refuses %s', (_name, fn) => {
    expect(fn).toThrow();
  });
});
