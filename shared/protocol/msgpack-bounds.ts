/**
 * A linear pre-scan of one MessagePack value [T11]: walks the bytes once, without building
 * anything, and throws if the value nests deeper than `maxDepth`, holds more than
 * `maxItems` values in all, or is truncated or followed by extra bytes. Run before
 * `decode`, so a crafted frame (a megabyte of one-element arrays, or a header announcing
 * four billion elements) costs one pass over its bytes instead of a decoder that builds a
 * million nested arrays on the main thread.
 *
 * Format reference: https://github.com/msgpack/msgpack/blob/master/spec.md
 */
export interface MsgpackBounds {
  /** Containers (arrays, maps) open at once. */
  maxDepth: number;
  /** Values of every kind, map keys included. */
  maxItems: number;
}

export function checkMsgpackBounds(bytes: Uint8Array, bounds: MsgpackBounds): void {
  const len = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** Values still to come in each open container, innermost last. */
  const open: number[] = [];
  let pos = 0;
  let items = 0;
  const need = (n: number) => {
    if (n > len - pos) throw new Error('truncated MessagePack value');
  };
  const u8 = () => (need(1), bytes[pos++]!);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4));
  const skip = (n: number) => {
    need(n);
    pos += n;
  };

  for (;;) {
    if (++items > bounds.maxItems) throw new Error(`MessagePack value holds more than ${bounds.maxItems} items`);
    const b = u8();
    let children = 0;
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) {
      // fixint, nil, bool: the type byte is the value
    } else if (b <= 0x8f) children = (b & 0x0f) * 2;
    else if (b <= 0x9f) children = b & 0x0f;
    else if (b <= 0xbf) skip(b & 0x1f);
    else {
      switch (b) {
        case 0xc4: case 0xd9: skip(u8()); break; // bin 8, str 8
        case 0xc5: case 0xda: skip(u16()); break; // bin 16, str 16
        case 0xc6: case 0xdb: skip(u32()); break; // bin 32, str 32
        case 0xc7: skip(u8() + 1); break; // ext 8 (length, type)
        case 0xc8: skip(u16() + 1); break;
        case 0xc9: skip(u32() + 1); break;
        case 0xcc: case 0xd0: skip(1); break;
        case 0xcd: case 0xd1: skip(2); break;
        case 0xca: case 0xce: case 0xd2: skip(4); break;
        case 0xcb: case 0xcf: case 0xd3: skip(8); break;
        case 0xd4: skip(2); break; // fixext 1..16 (type, data)
        case 0xd5: skip(3); break;
        case 0xd6: skip(5); break;
        case 0xd7: skip(9); break;
        case 0xd8: skip(17); break;
        case 0xdc: children = u16(); break;
        case 0xdd: children = u32(); break;
        case 0xde: children = u16() * 2; break;
        case 0xdf: children = u32() * 2; break;
        default: throw new Error(`invalid MessagePack type byte 0x${b.toString(16)}`);
      }
    }
    if (children > 0) {
      // Every value takes at least one byte: a count past the bytes left is a lie.
      if (children > len - pos) throw new Error('MessagePack container longer than its bytes');
      if (open.length >= bounds.maxDepth) throw new Error(`MessagePack value nested deeper than ${bounds.maxDepth}`);
      open.push(children);
      continue;
    }
    // One value ended: close every container it completes.
    for (;;) {
      const top = open.length - 1;
      if (top < 0) {
        if (pos !== len) throw new Error('extra bytes after the MessagePack value');
        return;
      }
      if (--open[top]! > 0) break;
      open.pop();
    }
  }
}
