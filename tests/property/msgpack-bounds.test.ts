/**
 * [T11] The MessagePack pre-scan agrees with the decoder: every value the encoder writes
 * (within the bounds) passes it, every strict prefix of one is refused as truncated, and
 * values past the depth or item bounds are refused however they are built. The server's
 * decoder applies it (and the attachment caps [T15]) before decoding.
 */
import fc from 'fast-check';
import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { checkMsgpackBounds } from '../../shared/protocol/msgpack-bounds.js';
import { Decoder, MAX_PACKET_DEPTH, PacketType, wireParserWith } from '../../shared/protocol/wire.js';
import { deepPacket, pinningAttachments } from '../bench/flood-frames.js';
import { assertProperty } from '../helpers/fast-check-seed.js';

const WIDE = { maxDepth: 64, maxItems: 1e9 };

const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map((n) => Number(n)),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 70_000 }).map((a) => a),
    fc.array(tie('tree'), { maxLength: 20 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('tree'), { maxKeys: 20 }),
  ),
}));

describe('[T11] MessagePack pre-scan', () => {
  it('[T11] passes every encoded value and refuses every strict prefix of it', () => {
    assertProperty(
      'msgpack-bounds',
      fc.property(tree, (v) => {
        const bytes = encode(v);
        checkMsgpackBounds(bytes, WIDE);
        expect(() => decode(bytes)).not.toThrow();
        for (const cut of new Set([0, 1, bytes.length >> 1, bytes.length - 1])) {
          if (cut >= bytes.length) continue;
          expect(() => checkMsgpackBounds(bytes.subarray(0, cut), WIDE)).toThrow();
        }
        expect(() => checkMsgpackBounds(Uint8Array.from([...bytes, 0]), WIDE)).toThrow(/extra bytes/);
      }),
      { numRuns: 300 },
    );
  });

  it('[T11] counts depth and items exactly', () => {
    const nest = (d: number): unknown => (d === 0 ? 1 : [nest(d - 1)]);
    expect(() => checkMsgpackBounds(encode(nest(32)), { maxDepth: 32, maxItems: 100 })).not.toThrow();
    expect(() => checkMsgpackBounds(encode(nest(33)), { maxDepth: 32, maxItems: 100 })).toThrow(/nested deeper than 32/);
    expect(() => checkMsgpackBounds(encode({ a: [1, 2] }), { maxDepth: 8, maxItems: 5 })).not.toThrow();
    expect(() => checkMsgpackBounds(encode({ a: [1, 2, 3] }), { maxDepth: 8, maxItems: 5 })).toThrow(/more than 5 items/);
    // A header that announces four billion elements in five bytes.
    expect(() => checkMsgpackBounds(Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff), WIDE)).toThrow(/longer than its bytes/);
    expect(() => checkMsgpackBounds(Uint8Array.of(0xc1), WIDE)).toThrow(/invalid/);
  });

  it('[T11] the decoder refuses a megabyte of nesting by the pre-scan, not after decoding it', () => {
    const d = new Decoder();
    expect(() => d.add(deepPacket(1_000_000))).toThrow(`MessagePack value nested deeper than ${MAX_PACKET_DEPTH}`);
  });

  it('[T11] the server decoder refuses a packet with more items than a full sync:open needs', () => {
    const Server = wireParserWith({ maxAttachments: 2, maxAttachmentBytes: 1 << 20, maxDepth: MAX_PACKET_DEPTH, maxItems: 5_000 }).Decoder;
    const wide = encode({ type: PacketType.EVENT, nsp: '/', data: ['sync:open', { docs: new Array(6_000).fill(null) }] });
    expect(() => new Server().add(wide)).toThrow(/more than 5000 items/);
  });

  it('[T15] the server decoder refuses more than its attachments, and attachment bytes past its cap', () => {
    const Server = wireParserWith({ maxAttachments: 2, maxAttachmentBytes: 1000, maxDepth: MAX_PACKET_DEPTH, maxItems: 5_000 }).Decoder;
    const [head3] = pinningAttachments({ attachments: 3, frames: 0, frameBytes: 0 });
    expect(() => new Server().add(head3)).toThrow(/more than 2 attachments/);
    const d = new Server();
    const [head2, a, b] = pinningAttachments({ attachments: 2, frames: 2, frameBytes: 600 });
    d.add(head2);
    d.add(a);
    expect(() => d.add(b)).toThrow(/attachments over 1000 bytes/);
  });
});
