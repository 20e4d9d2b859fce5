// Integration keys inside text: a sender that echoes its webhook URL or key in an alert ("POST
// https://status.example/hooks/generic/<key> failed") must not publish it. Keys are stored hashed, so
// a candidate is recognised by hashing it; to stay linear, one pass finds the 32-character runs and
// only those starting with a current key's 6-character prefix are hashed (junk bodies full of ids
// cost one set lookup per run, not one SHA-256).
import { sha256Hex } from "./ids";

export const KEY_MASK = "[redacted key]";
const KEY_LENGTH = 32;

export interface KeyRecord {
  key_prefix: string;
  key_hash: string;
}

const isKeyChar = (code: number) => (code >= 48 && code <= 57) || (code >= 97 && code <= 122);

/** Every maximal run of exactly 32 lowercase letters and digits in `text`, in one pass. */
export function keyCandidates(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const key = i < text.length && isKeyChar(text.charCodeAt(i));
    if (key && start < 0) start = i;
    else if (!key && start >= 0) {
      if (i - start === KEY_LENGTH) out.push(text.slice(start, i));
      start = -1;
    }
  }
  return out;
}

/** A masker for many texts at once: `prepare` hashes the few candidates, then `mask` is synchronous. */
export class KeyMasker {
  private readonly prefixes: Set<string>;
  private readonly hashes: Set<string>;
  private readonly found = new Set<string>();

  constructor(keys: KeyRecord[]) {
    this.prefixes = new Set(keys.map((k) => k.key_prefix));
    this.hashes = new Set(keys.map((k) => k.key_hash));
  }

  /** Looks at every text once; afterwards `mask` replaces the keys found in them. */
  async prepare(texts: Iterable<string | null | undefined>): Promise<this> {
    if (!this.prefixes.size) return this;
    const candidates = new Set<string>();
    for (const t of texts) if (t) for (const c of keyCandidates(t)) if (this.prefixes.has(c.slice(0, 6))) candidates.add(c);
    for (const c of candidates) if (!this.found.has(c) && this.hashes.has(await sha256Hex(c))) this.found.add(c);
    return this;
  }

  mask(text: string): string;
  mask(text: string | null): string | null;
  mask(text: string | null): string | null {
    if (!text || !this.found.size) return text;
    let out = text;
    for (const k of this.found) if (out.includes(k)) out = out.replaceAll(k, KEY_MASK);
    return out;
  }
}
