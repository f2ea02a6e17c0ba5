// Why a signing secret is unfit for production, if it is: placeholders, patterns and too little variety.
// A heuristic over the text alone: it cannot prove a secret random, only catch the ones that are not.

/** Below this many estimated bits a secret is refused; 32 random hex characters never come close. */
const MIN_ESTIMATED_BITS = 80;
const MIN_DISTINCT_CHARACTERS = 8;
/** Runs like "aaaaaaaa", "12345678" or "hgfedcba" this long mark a typed, not generated, secret. */
const MAX_RUN = 8;
// Words that only a hand-written or copied example contains; a random string of 32+ characters
// holds one of them with a chance below one in ten million.
const PLACEHOLDER = /change.?me|replace.?me|placeholder|example|secret|password|default|insecure|dummy|sample/i;

/** Returns why `secret` is too weak to sign production tokens, or null when it passes. Never echoes the secret. */
export function weakSecretReason(secret: string): string | null {
  if (PLACEHOLDER.test(secret)) return 'looks like a placeholder (it contains a word such as "secret" or "change-me")';
  if (isRepetition(secret)) return 'repeats a shorter string';
  if (new Set(secret).size < MIN_DISTINCT_CHARACTERS || estimatedBits(secret) < MIN_ESTIMATED_BITS || longestRun(secret) >= MAX_RUN) {
    return 'has too little variety to be random';
  }
  return null;
}

// Length times the Shannon entropy of the secret's own character frequencies.
function estimatedBits(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / s.length) * Math.log2(n / s.length);
  return perChar * s.length;
}

function isRepetition(s: string): boolean {
  for (let period = 1; period <= s.length / 2; period++) {
    if (s.length % period === 0 && s.slice(0, period).repeat(s.length / period) === s) return true;
  }
  return false;
}

// The longest stretch of characters whose codes go up by one, down by one or stay the same.
function longestRun(s: string): number {
  let longest = Math.min(s.length, 1);
  let run = 1;
  let step: number | null = null;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    if (Math.abs(d) <= 1 && (step === null || d === step)) {
      run += 1;
      step = d;
    } else if (Math.abs(d) <= 1) {
      run = 2;
      step = d;
    } else {
      run = 1;
      step = null;
    }
    longest = Math.max(longest, run);
  }
  return longest;
}
