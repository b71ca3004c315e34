/**
 * People are recognisable [M5]: the name and avatar colour each person on a board is shown
 * with. Two people whose names read the same (case, accents' composition and spacing aside)
 * get a disambiguator after the name: their e-mail's local part, " (olivia.o@)", when they
 * have one that no other of them shares, else the name of their avatar colour, " (teal)";
 * the colours of such people always differ. Everyone else is shown by name alone.
 *
 * Pure and deterministic (the same people in any order give the same answer), so the server's
 * members list and anything else that computes it agree.
 */

/** Avatar colours by name: each dark enough for white text (contrast ≥ 4.5:1, WCAG AA). */
export const AVATAR_COLORS = [
  { name: 'teal', hex: '#0b6e69' },
  { name: 'blue', hex: '#1d4ed8' },
  { name: 'indigo', hex: '#4338ca' },
  { name: 'purple', hex: '#7e22ce' },
  { name: 'plum', hex: '#86198f' },
  { name: 'red', hex: '#b91c1c' },
  { name: 'rust', hex: '#9a3412' },
  { name: 'brown', hex: '#78350f' },
  { name: 'olive', hex: '#4d5a12' },
  { name: 'green', hex: '#166534' },
  { name: 'navy', hex: '#1e3a8a' },
  { name: 'slate', hex: '#334155' },
  { name: 'wine', hex: '#9d174d' },
  { name: 'cyan', hex: '#0e7490' },
] as const;

export interface Person {
  userId: string;
  name: string;
  /** The account's e-mail, when known. */
  email: string | null;
  /** The colour the person chose (`#rrggbb`), if any. */
  avatarColor: string | null;
}

export interface Shown {
  /** The name, with " (…)" after it when another person's name reads the same. */
  displayName: string;
  /** `#rrggbb`: the person's own choice unless a namesake has it (or one of the same name). */
  avatarColor: string;
}

const HEX = /^#[0-9a-f]{6}$/;

/** The form two names are compared in: "Olivia  Owner" and "olivia owner" read the same. */
export const nameKey = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');

/** The local part of an e-mail with its "@" ("olivia.o@"), or null. */
export function emailLocalPart(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email.slice(0, at)}@` : null;
}

/** A stable palette index for a user id (FNV-1a). */
function paletteIndex(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % AVATAR_COLORS.length;
}

/** The palette colour nearest to a hex colour (its name is what the colour is called). */
function nearestPaletteIndex(hex: string): number {
  const rgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [r, g, b] = rgb(hex) as [number, number, number];
  let best = 0;
  let bestDistance = Infinity;
  AVATAR_COLORS.forEach((c, i) => {
    const [cr, cg, cb] = rgb(c.hex) as [number, number, number];
    const d = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}

/** A person's colour when nobody of the same name competes for it. */
export function ownColor(person: Pick<Person, 'userId' | 'avatarColor'>): string {
  const chosen = person.avatarColor?.toLowerCase() ?? null;
  return chosen !== null && HEX.test(chosen) ? chosen : AVATAR_COLORS[paletteIndex(person.userId)]!.hex;
}

/** Display name and avatar colour of each person, by user id. */
export function displayNames(people: readonly Person[]): Map<string, Shown> {
  const unique = new Map<string, Person>();
  for (const p of people) if (!unique.has(p.userId)) unique.set(p.userId, p);
  const groups = new Map<string, Person[]>();
  for (const p of unique.values()) {
    const k = nameKey(p.name);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  const out = new Map<string, Shown>();
  for (const group of groups.values()) {
    if (group.length === 1) {
      const p = group[0]!;
      out.set(p.userId, { displayName: p.name, avatarColor: ownColor(p) });
      continue;
    }
    // In user-id order, so the answer does not depend on the order people were given in.
    group.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    const localCount = new Map<string, number>();
    for (const p of group) {
      const local = emailLocalPart(p.email)?.toLowerCase();
      if (local) localCount.set(local, (localCount.get(local) ?? 0) + 1);
    }
    // Colours: each keeps the palette colour nearest their own (chosen or derived) unless a
    // namesake earlier in the order has it; then the next free one. With more namesakes than
    // colours, names repeat only among those beyond the palette's length.
    const taken = new Set<number>();
    for (const p of group) {
      const chosen = p.avatarColor?.toLowerCase() ?? null;
      const wanted = chosen !== null && HEX.test(chosen) ? nearestPaletteIndex(chosen) : paletteIndex(p.userId);
      let i = wanted;
      for (let step = 0; step < AVATAR_COLORS.length && taken.has(i); step++) i = (wanted + step + 1) % AVATAR_COLORS.length;
      taken.add(i);
      // A chosen colour is kept when it is the one the name of its palette colour describes.
      const hex = i === wanted && chosen !== null && HEX.test(chosen) ? chosen : AVATAR_COLORS[i]!.hex;
      const local = emailLocalPart(p.email);
      const tag = local !== null && localCount.get(local.toLowerCase()) === 1 ? local : AVATAR_COLORS[i]!.name;
      out.set(p.userId, { displayName: `${p.name} (${tag})`, avatarColor: hex });
    }
  }
  return out;
}
