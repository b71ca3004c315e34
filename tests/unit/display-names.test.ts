/** [M5] People are recognisable: names with a disambiguator where two share one, colours that differ. */
import { describe, expect, it } from 'vitest';
import { initials } from '../../client/src/lib/verdict.js';
import { AVATAR_COLORS, displayNames, emailLocalPart, nameKey, ownColor, type Person } from '../../shared/people/display-names.js';

const person = (userId: string, name: string, email: string | null = null, avatarColor: string | null = null): Person => ({ userId, name, email, avatarColor });

/** WCAG relative luminance contrast of white text on a colour. */
function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (l + 0.05);
}

describe('[M5] display names', () => {
  it('leaves a name nobody else has alone, with the colour the person chose or a stable one', () => {
    const shown = displayNames([person('u_a', 'Olivia Owner', 'olivia@x.org', '#112233'), person('u_b', 'Rita Reviewer')]);
    expect(shown.get('u_a')).toEqual({ displayName: 'Olivia Owner', avatarColor: '#112233' });
    expect(shown.get('u_b')).toEqual({ displayName: 'Rita Reviewer', avatarColor: ownColor({ userId: 'u_b', avatarColor: null }) });
    expect(AVATAR_COLORS.map((c) => c.hex)).toContain(shown.get('u_b')!.avatarColor);
  });

  it('tells two people of the same name apart by the local part of their e-mail', () => {
    const shown = displayNames([person('u_1', 'Olivia Owner', 'olivia.o@paper.example'), person('u_2', 'olivia  owner', 'o.owen@paper.example')]);
    expect(shown.get('u_1')!.displayName).toBe('Olivia Owner (olivia.o@)');
    expect(shown.get('u_2')!.displayName).toBe('olivia  owner (o.owen@)');
    expect(shown.get('u_1')!.avatarColor).not.toBe(shown.get('u_2')!.avatarColor);
  });

  it('without e-mails (or with the same local part) by the name of a colour that differs', () => {
    const shown = displayNames([
      person('u_1', 'Sam Lee'),
      person('u_2', 'Sam Lee', 'sam@one.example'),
      person('u_3', 'Sam Lee', 'sam@two.example'),
    ]);
    const tags = ['u_1', 'u_2', 'u_3'].map((id) => /\((\w+)\)$/.exec(shown.get(id)!.displayName)![1]!);
    const colors = ['u_1', 'u_2', 'u_3'].map((id) => shown.get(id)!.avatarColor);
    expect(new Set(tags).size).toBe(3);
    expect(new Set(colors).size).toBe(3);
    // The word names the colour the avatar has.
    tags.forEach((tag, i) => expect(AVATAR_COLORS.find((c) => c.name === tag)!.hex).toBe(colors[i]));
  });

  it('gives namesakes who chose the same colour different ones', () => {
    const shown = displayNames([person('u_1', 'Ann', null, '#1D4ED8'), person('u_2', 'Ann', null, '#1d4ed8')]);
    expect(shown.get('u_1')).toEqual({ displayName: 'Ann (blue)', avatarColor: '#1d4ed8' });
    expect(shown.get('u_2')!.displayName).not.toBe('Ann (blue)');
    expect(shown.get('u_2')!.avatarColor).not.toBe('#1d4ed8');
  });

  it('does not depend on the order people are given in', () => {
    const people = [person('u_c', 'Kim'), person('u_a', 'Kim'), person('u_b', 'kim', 'kim@x.example'), person('u_d', 'Lee')];
    const a = displayNames(people);
    const b = displayNames([...people].reverse());
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('helpers: name keys, local parts, a palette readable with white text', () => {
    expect(nameKey('  Olivia\u00a0 OWNER ')).toBe('olivia owner');
    expect(emailLocalPart('olivia.o@paper.example')).toBe('olivia.o@');
    expect(emailLocalPart(null)).toBeNull();
    expect(emailLocalPart('@nolocal')).toBeNull();
    for (const c of AVATAR_COLORS) expect(contrastWithWhite(c.hex), c.name).toBeGreaterThanOrEqual(4.5);
    expect(new Set(AVATAR_COLORS.map((c) => c.name)).size).toBe(AVATAR_COLORS.length);
    expect(ownColor({ userId: 'u_x', avatarColor: 'not a colour' })).toBe(ownColor({ userId: 'u_x', avatarColor: null }));
  });

  it('avatar initials skip a namesake\'s tag', () => {
    expect(initials('Ann (blue)')).toBe('A');
    expect(initials('Sam Lee (sam.lee@)')).toBe('SL');
    expect(initials('Émile Zola')).toBe('ÉZ');
    expect(initials('(x)')).toBe('(');
  });
});
