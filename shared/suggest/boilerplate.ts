/**
 * Recognises sentences that are page furniture rather than article: bylines, photo captions
 * and credits, newsletter and subscription plugs, "Read more" links, share prompts,
 * navigation crumbs, copyright lines and dates standing on their own. HTML import already
 * drops most of this by markup; these rules catch what survives in pasted text.
 */

export type BoilerplateKind =
  | 'byline'
  | 'photo credit'
  | 'newsletter plug'
  | 'link prompt'
  | 'share prompt'
  | 'navigation'
  | 'copyright'
  | 'date line';

const NAME_PARTICLES = new Set(['and', 'de', 'van', 'von', 'der', 'den', 'la', 'le', 'del', 'da', 'di', 'du', 'bin', 'al', 'of', 'the', 'in']);

/** "By Jane Doe", "By Jane Doe and John Roe, Staff Writers", "Reporting by …; Editing by …". */
function isByline(s: string): boolean {
  if (/^(?:additional )?(?:reporting|editing|writing|research|compiled|produced|photography) by\b/i.test(s)) return true;
  const m = /^(?:by|words by|written by|story by|text by)\s+(.+)$/i.exec(s);
  if (!m) return false;
  const words = m[1]!.replace(/[.,;|&/()]/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 12 || !/^\p{Lu}/u.test(words[0]!)) return false;
  const named = words.filter((w) => /^\p{Lu}/u.test(w) || NAME_PARTICLES.has(w.toLowerCase()));
  return named.length / words.length >= 0.75;
}

const AGENCIES = String.raw`(?:AP|AFP|EPA|Reuters|Getty Images|Getty|Bloomberg|Shutterstock|PA|Alamy|Xinhua|ANP|dpa|Sipa)`;
const PHOTO_CREDIT = [
  /^(?:photo(?:graph)?s?|image|images|picture|pictures|illustration|graphic|video|credit|photo credit|source|caption)\s*(?::|by\b)/i,
  new RegExp(String.raw`\(\s*${AGENCIES}\s*(?:Photo|Images|via|/)`, 'i'),
  new RegExp(String.raw`\bPhoto\s*/\s*\p{Lu}`, 'u'),
  new RegExp(String.raw`(?:/|\bvia\s)\s*${AGENCIES}\)?\.?$`),
  /^\(?[^()]{0,60}\/\s*(?:AP|AFP|EPA|Reuters|Getty Images|Bloomberg|PA)\)?$/,
];

const NEWSLETTER = [
  /\b(?:sign up|subscribe|register|opt in)\b.{0,80}\b(?:newsletter|newsletters|updates|inbox|alerts|briefing|digest|email|e-mail)\b/i,
  /\b(?:delivered|straight|direct)\b.{0,20}\bto your inbox\b/i,
  /^(?:subscribe|sign up|sign in|log in|register|already a subscriber|become a member|support our journalism|donate)\b/i,
  /^get (?:our|the) .{0,40}newsletter\b/i,
];

const LINK_PROMPT =
  /^(?:read more|read next|read also|also read|more:|related:|related coverage|related stories|related articles|see also|continue reading|recommended|most read|most popular|trending|advertisement|sponsored(?: content)?|click here|watch:|listen:|video:|explore more|keep reading|top stories)\b/i;

const SHARE_WORDS = String.raw`(?:share|share this|share this article|share this story|tweet|email|e-mail|print|copy link|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|telegram|flipboard|bluesky|threads|messenger|comments?|save|follow us)`;
const SHARE_ONLY = new RegExp(String.raw`^(?:${SHARE_WORDS}[\s,|•·:/]*)+\.?$`, 'i');
const SHARE_PROMPT = /^(?:share (?:this|on|via)|follow us on|follow @|like us on|join the conversation)\b/i;

const NAVIGATION_ONLY = /^(?:home|menu|search|skip to (?:main )?content|back to top|sections?|navigation|log ?in|sign ?in|log ?out|next|previous|prev)$/i;

const COPYRIGHT = /^(?:©|\(c\)|copyright\b)|\ball rights reserved\b/i;

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';
const DAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun';
const DATE_WORD = String.raw`(?:${MONTHS}|${DAYS}|updated|published|posted|last|modified|edited|on|at|am|pm|a\.m|p\.m|utc|gmt|bst|cet|cest|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ct|min|mins|minute|minutes|read|ago|hours?|today|yesterday)`;
const DATE_WORDS = new RegExp(String.raw`\b${DATE_WORD}\b\.?`, 'gi');
const DAY_NUMBERS = /\b\d{1,4}(?:st|nd|rd|th)?\b/gi;
const DATE_SEPARATORS = /[\s,.:;|/\-–—()•·]+/g;

const MONTH = new RegExp(String.raw`\b(?:${MONTHS})\b`, 'i');
/**
 * What the removals in isDateLine can never take away: a character that is neither a word
 * character nor a separator, or a whole word that is neither a date word, a day number, nor
 * a piece of "a.m."/"p.m.". Finding one settles it faster than the removals do.
 */
const KEPT_CHARACTER = /[^\w\s,.:;|/\-–—()•·]/;
const WORD_RUN = /\w+/g;
const REMOVABLE_WORD = new RegExp(String.raw`^(?:${DATE_WORD}|\d{1,4}(?:st|nd|rd|th)?|[apm])$`, 'i');

/** A line that is nothing but a date, time, "Updated …" or "5 min read". */
function isDateLine(s: string): boolean {
  if (s.length > 80) return false;
  if (!/\d/.test(s) && !MONTH.test(s)) return false;
  if (KEPT_CHARACTER.test(s)) return false;
  for (const w of s.match(WORD_RUN) ?? []) if (!REMOVABLE_WORD.test(w)) return false;
  const rest = s.replace(DATE_WORDS, ' ').replace(DAY_NUMBERS, ' ').replace(DATE_SEPARATORS, '');
  return rest.length === 0;
}

const NAV_SEPARATOR = /\s+(?:\||›|»|>|•|·|\/)\s+/;

/** "Home > World > Europe", "News | Sport | Weather": short items between separators. */
function isNavigation(s: string): boolean {
  if (NAVIGATION_ONLY.test(s)) return true;
  // Three items need two separators; most sentences have none, and need not be split.
  if (!NAV_SEPARATOR.test(s)) return false;
  const parts = s.split(NAV_SEPARATOR);
  return parts.length >= 3 && parts.every((p) => p.split(/\s+/).length <= 4) && !/[.!?]$/.test(s);
}

/** Whitespace other than single spaces. */
const UNUSUAL_SPACE = /[^\S ]| {2}/;

/** The kind of boilerplate a sentence is, or null for article text. */
export function boilerplateKind(sentence: string): BoilerplateKind | null {
  const trimmed = sentence.trim();
  // Runs of spaces become one space; most sentences have none to rewrite.
  const s = UNUSUAL_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
  if (s.length === 0) return null;
  if (isByline(s)) return 'byline';
  if (PHOTO_CREDIT.some((re) => re.test(s))) return 'photo credit';
  if (NEWSLETTER.some((re) => re.test(s))) return 'newsletter plug';
  if (LINK_PROMPT.test(s)) return 'link prompt';
  if (SHARE_ONLY.test(s) || SHARE_PROMPT.test(s)) return 'share prompt';
  if (COPYRIGHT.test(s)) return 'copyright';
  if (isDateLine(s)) return 'date line';
  if (isNavigation(s)) return 'navigation';
  return null;
}
